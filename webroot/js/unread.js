// Unread counts and the "new messages" line: the one owner of both, per room. It counts what others write
// while the person is not looking, clears the open room's count and tells the server (chat.read) when they
// are, takes the server's counts after a (re)connect, and says which message the line stands before.
// No DOM: it is given the bus's send, the unread request and the visibility, and says when a count changed.

import { realClock } from './clock.js';
import { isDmRoom, sameUser } from './rooms.js';

export const POLL_EVERY = 10_000;
export const POLL_WAIT = 2000;

function fresh() {
  return {
    unread: 0,
    readSent: 0,          // highest id already sent with chat.read
    markerId: null,       // the "new messages" line goes before this message
    markerPending: 0,     // unread count still looking for its first message (older pages to come)
    markerStale: false,   // the person has looked since the line was placed
    unreadAtOpen: 0,      // the count when the room was opened, for placing the line once history is in
  };
}

export class UnreadCounts {
  // rooms: the RoomDirectory. current(): the open RoomState or null. visible(): whether the person can see
  // the page. sendRead(roomId, id): chat.read, true when it left. fetchUnread(): GET /api/unread.
  // onChange(room): that room's count (and so the total) changed.
  constructor(me, { rooms, current, visible, sendRead, fetchUnread, onChange = () => {}, clock = realClock }) {
    this.me = me;
    this.rooms = rooms;
    this.current = current;
    this.visible = visible;
    this.sendRead = sendRead;
    this.fetchUnread = fetchUnread;
    this.onChange = onChange;
    this.clock = clock;
    this.state = new Map();  // room id -> fresh()
    this.lastPoll = 0;
    this.pollTimer = null;
    this.stopped = false;
  }

  of(room) {
    let s = this.state.get(room.id);
    if (!s) {
      s = fresh();
      this.state.set(room.id, s);
    }
    return s;
  }

  count(room) {
    return this.state.get(room.id)?.unread ?? 0;
  }

  total() {
    let total = 0;
    for (const room of this.rooms.values()) total += this.count(room);
    return total;
  }

  markerId(room) {
    return this.state.get(room.id)?.markerId ?? null;
  }

  setCount(room, n) {
    const s = this.of(room);
    if (s.unread === n) return;
    s.unread = n;
    this.onChange(room);
  }

  stop() {
    this.stopped = true;
    this.clock.clearTimeout(this.pollTimer);
  }

  // ---- the "new messages" line --------------------------------------------

  // The line goes before the first of the `count` unread messages; when not all of them are held yet it
  // moves up as older pages arrive.
  place(room, count) {
    const s = this.of(room);
    s.markerId = room.firstUnreadId(count, this.me);
    s.markerPending = count > 0 && room.othersHeld(this.me) < count && room.hasOlder ? count : 0;
  }

  // The person switched to `room` (from `previous`): its line shows what was unread at that moment.
  opened(room, previous) {
    if (previous) this.of(previous).markerId = null;
    const s = this.of(room);
    s.unreadAtOpen = s.unread;
    s.markerId = null;
    s.markerPending = 0;
    s.markerStale = false;
    if (room.loaded) this.place(room, s.unread);
  }

  // The open room's first page of history is in.
  loaded(room) {
    this.place(room, this.of(room).unreadAtOpen || 0);
  }

  // An older page is in: a line still looking for its first message may now find it.
  olderLoaded(room) {
    const s = this.of(room);
    if (s.markerPending) this.place(room, s.markerPending);
  }

  // The page was hidden: whatever arrives next starts a new line.
  hidden(room) {
    if (room) this.of(room).markerStale = true;
  }

  // New live messages in `room`: those from others count as unread unless the person sees them arrive.
  // Returns true when the open room's line moved to the first of them (the old line must go).
  received(room, messages) {
    const others = messages.filter((m) => !sameUser(m.sender, this.me));
    if (!others.length) return false;
    const isCurrent = room === this.current();
    if (isCurrent && this.visible()) return false;
    const s = this.of(room);
    this.setCount(room, s.unread + others.length);
    if (isCurrent && (s.markerId === null || s.markerStale)) {
      s.markerId = others[0].id;
      s.markerPending = 0;
      s.markerStale = false;
      return true;
    }
    return false;
  }

  // ---- counts --------------------------------------------------------------

  // Clears the open room's count and tells the server, when the person can see it.
  markRead() {
    const room = this.current();
    if (!room || this.stopped || !this.visible()) return;
    this.setCount(room, 0);
    const s = this.of(room);
    const newest = room.newestId;
    if (newest > s.readSent && this.sendRead(room.id, newest)) s.readSent = newest;
  }

  // authoritative: after a (re)connect the server's counts replace ours; otherwise
  // (a background poll) only rooms we did not know yet are taken from it.
  apply(counts, authoritative) {
    if (!counts || typeof counts !== 'object') return;
    for (const [id, n] of Object.entries(counts)) {
      if (!Number.isInteger(n) || n < 0) continue;
      const known = this.rooms.has(id);
      const room = known ? this.rooms.get(id) : isDmRoom(id) ? this.rooms.ensure(id) : null;
      if (room && (authoritative || !known)) this.of(room).unread = n;
    }
    if (authoritative) {
      for (const room of this.rooms.values()) if (!(room.id in counts)) this.of(room).unread = 0;
    }
    for (const room of this.rooms.values()) this.onChange(room);
    this.markRead();
  }

  async refresh(authoritative) {
    this.lastPoll = this.clock.now();
    try {
      const data = await this.fetchUnread();
      if (!this.stopped) this.apply(data && data.unread, authoritative);
    } catch {
      // keep the counts we have; the next (re)connect asks again
    }
  }

  // A presence change may come with a private message from someone new; ask at
  // most every 10 s (chat.user.<me> normally tells us first).
  schedulePoll() {
    if (this.pollTimer) return;
    const wait = Math.max(POLL_WAIT, this.lastPoll + POLL_EVERY - this.clock.now());
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = null;
      if (!this.stopped) this.refresh(false);
    }, wait);
  }
}
