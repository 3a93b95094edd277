// The room directory: which rooms this person has (global, topics, channels they joined, private rooms), what
// each is called, and the private rooms opened on this device but not written in yet. No DOM and no network: it is given the
// storage, and tells the caller of each new room and each name learnt, which lists and subscribes them.

import { channelOf } from './channel-name.js';
import { GLOBAL_ROOM, RoomState, dmPartner, dmRoomId, sameUser, topicName } from './rooms.js';

// localStorage itself may throw (disabled by the browser), so it is looked up inside the directory's try.
export const browserStorage = {
  getItem: (key) => localStorage.getItem(key),
  setItem: (key, value) => localStorage.setItem(key, value),
};

export class RoomDirectory {
  // storage: getItem/setItem, e.g. localStorage (may throw when full or disabled). Hooks:
  //   added(room, kind)     a room joined the directory; kind is 'global', 'topic', 'channel' or 'dm'
  //   renamed(roomId, label) a private room's label changed (the partner's name as registered)
  //   removed(room)         a channel left the directory (left, removed from it, deleted)
  constructor(me, { storage, added = () => {}, renamed = () => {}, removed = () => {} }) {
    this.me = me;
    this.storage = storage;
    this.hooks = { added, renamed, removed };
    this.rooms = new Map();     // room id -> RoomState
    this.names = new Map();     // lower-case name -> name as registered
    this.channels = new Map();  // room id -> { name, visibility, role } of the channels this person is in
  }

  get(id) {
    return this.rooms.get(id);
  }

  has(id) {
    return this.rooms.has(id);
  }

  values() {
    return this.rooms.values();
  }

  // The other member of a private room, or null for any other room.
  partner(id) {
    return dmPartner(id, this.me);
  }

  kindOf(id) {
    if (id === GLOBAL_ROOM) return 'global';
    if (topicName(id)) return 'topic';
    if (this.partner(id)) return 'dm';
    if (this.channels.has(id)) return 'channel';
    return null;
  }

  label(id) {
    if (id === GLOBAL_ROOM) return 'global';
    const partner = this.partner(id);
    if (partner) return this.names.get(partner) || partner;
    return topicName(id) || channelOf(id) || id;
  }

  // What the room's header says: { title, kind, partner, channel }, partner the other member of a private chat
  // (else null), channel whether it is a channel (which has a members view).
  heading(id) {
    const partner = this.partner(id);
    const label = this.label(id);
    const channel = this.channel(id);
    let kind = partner ? 'Private chat' : id === GLOBAL_ROOM ? 'Everyone' : 'Topic room';
    if (channel) kind = channel.visibility === 'private' ? 'Private channel' : 'Public channel';
    return { title: partner ? label : `# ${label}`, kind, partner, channel: channel !== null };
  }

  // ---- channels: rooms only while this person is in them -----------------------

  // A channel from GET /api/rooms ({id, name, visibility, role}) or a channel's details after creating or
  // joining it; added when new, its role and visibility kept up to date when known.
  addChannel(info) {
    const id = info && info.id;
    const name = channelOf(id);
    if (!name) return null;
    this.channels.set(id, {
      name,
      visibility: info.visibility === 'private' ? 'private' : 'public',
      role: typeof info.role === 'string' ? info.role : 'member',
    });
    return this.ensure(id);
  }

  channel(id) {
    return this.channels.get(id) || null;
  }

  // Left, removed or deleted: the room goes with its messages. Returns the room, or null when it was not there.
  removeChannel(id) {
    if (!this.channels.delete(id)) return null;
    const room = this.rooms.get(id);
    this.rooms.delete(id);
    if (room) this.hooks.removed(room);
    return room || null;
  }

  // The room with this id, added when new; null for ids this user may not join.
  ensure(id) {
    const existing = this.rooms.get(id);
    if (existing) return existing;
    const kind = this.kindOf(id);
    if (!kind) return null;
    const room = new RoomState(id);
    this.rooms.set(id, room);
    if (kind === 'dm') this.rememberDm(id);
    this.hooks.added(room, kind);
    return room;
  }

  // The private room with `username`, added when new.
  dmWith(username) {
    this.learnName(username);
    return this.ensure(dmRoomId(this.me, username));
  }

  // The private rooms with messages, from the server, so a second device lists them too.
  addPrivateRooms(list) {
    if (!Array.isArray(list)) return;
    for (const room of list) {
      if (!room || typeof room.id !== 'string') continue;
      if (typeof room.with === 'string') this.learnName(room.with);
      this.ensure(room.id);
    }
  }

  // Room ids are lower-case; the label shows the name as its owner registered it.
  learnName(name) {
    if (typeof name !== 'string' || sameUser(name, this.me)) return;
    const lower = name.toLowerCase();
    if (this.names.get(lower) === name) return;
    this.names.set(lower, name);
    const id = dmRoomId(this.me, name);
    if (this.rooms.has(id)) this.hooks.renamed(id, name);
  }

  // The server lists only private rooms that have messages, so the ones opened on
  // this device but not written in yet are remembered here.
  get storageKey() {
    return `chat.dmRooms.${this.me.toLowerCase()}`;
  }

  storedDms() {
    try {
      const list = JSON.parse(this.storage.getItem(this.storageKey) || '[]');
      return Array.isArray(list) ? list.filter((id) => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  rememberDm(id) {
    const list = this.storedDms();
    if (list.includes(id)) return;
    list.push(id);
    try {
      this.storage.setItem(this.storageKey, JSON.stringify(list));
    } catch {
      // storage full or disabled: the room is still there until reload
    }
  }
}
