// Room ids and the per-room message state. No DOM and no network here, so the
// ordering and de-duplication rules can be read (and tested) on their own.

export const GLOBAL_ROOM = 'global';

// A private room is named after both members, lower-cased, smaller name first,
// so both sides compute the same id without asking the server.
export function dmRoomId(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? `dm.${x}.${y}` : `dm.${y}.${x}`;
}

export function isDmRoom(id) {
  return id.startsWith('dm.');
}

// The other member of a private room, or null when `me` is not in it.
export function dmPartner(id, me) {
  const parts = id.split('.');
  if (parts.length !== 3 || parts[0] !== 'dm') return null;
  const own = me.toLowerCase();
  if (parts[1] === own && parts[2] !== own) return parts[2];
  if (parts[2] === own && parts[1] !== own) return parts[1];
  return null;
}

export function topicName(id) {
  return id.startsWith('topic.') ? id.slice('topic.'.length) : null;
}

// The bus carries whatever the server sent; only well-formed messages enter the state. An end-to-end encrypted
// message has `e2e` in place of its text (sealed-messages.js reads it).
export function isMessage(m) {
  return m !== null && typeof m === 'object'
    && Number.isSafeInteger(m.id)
    && typeof m.sender === 'string'
    && (typeof m.text === 'string' || isSealed(m))
    && typeof m.ts === 'number';
}

export function isSealed(m) {
  return m !== null && typeof m === 'object' && m.e2e !== null && typeof m.e2e === 'object' && !Array.isArray(m.e2e);
}

export function sameUser(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

// The messages held for one room and how far they reach; only history.js changes the flags. Unread counts
// and the "new messages" line live in unread.js.
export class RoomState {
  constructor(id) {
    this.id = id;
    this.messages = [];       // sorted by id, oldest first
    this.ids = new Set();     // every id held, so a message is never shown twice
    this.loaded = false;      // the newest page of history has been fetched
    this.hasOlder = true;     // the server may hold messages older than messages[0]
    this.loadingOlder = false;
    // Every message up to syncedId is held (no gap); a catch-up after a reconnect
    // starts there. `live` says the socket has delivered everything since then.
    this.syncedId = 0;
    this.live = false;
    this.loading = false;
    this.catchingUp = false;
  }

  get newestId() {
    return this.messages.length ? this.messages[this.messages.length - 1].id : 0;
  }

  get oldestId() {
    return this.messages.length ? this.messages[0].id : 0;
  }

  // Inserts the messages not held yet, keeping id order; returns those that were new.
  add(list) {
    const added = [];
    for (const m of list) {
      if (!isMessage(m) || this.ids.has(m.id)) continue;
      this.ids.add(m.id);
      let i = this.messages.length;
      while (i > 0 && this.messages[i - 1].id > m.id) i--;  // usually appends at once
      this.messages.splice(i, 0, m);
      added.push(m);
    }
    return added;
  }

  // Live messages kept before the history was first loaded may sit below the first
  // page with a gap between; dropping them keeps "load older" (before: oldest) gap-free.
  dropOlderThan(id) {
    while (this.messages.length && this.messages[0].id < id) {
      this.ids.delete(this.messages.shift().id);
    }
  }

  // How many held messages came from other people (system lines are no one writing, and the server does not
  // count them as unread either).
  othersHeld(me) {
    return this.messages.reduce((n, m) => (m.system || sameUser(m.sender, me) ? n : n + 1), 0);
  }

  // The message that starts the last `count` messages from other people (the
  // oldest held one when fewer are held).
  firstUnreadId(count, me) {
    if (count <= 0) return null;
    let seen = 0;
    for (let i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].system || sameUser(this.messages[i].sender, me)) continue;
      if (++seen === count) return this.messages[i].id;
    }
    return this.messages.length ? this.messages[0].id : null;
  }
}
