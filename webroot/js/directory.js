// The room directory: which rooms this person has (global, topics, private rooms), what each is called, and
// the private rooms opened on this device but not written in yet. No DOM and no network: it is given the
// storage, and tells the caller of each new room and each name learnt, which lists and subscribes them.

import { GLOBAL_ROOM, RoomState, dmPartner, dmRoomId, sameUser, topicName } from './rooms.js';

export class RoomDirectory {
  // storage: getItem/setItem, e.g. localStorage (may throw when full or disabled). Hooks:
  //   added(room, kind)     a room joined the directory; kind is 'global', 'topic' or 'dm'
  //   renamed(roomId, label) a private room's label changed (the partner's name as registered)
  constructor(me, { storage, added = () => {}, renamed = () => {} }) {
    this.me = me;
    this.storage = storage;
    this.hooks = { added, renamed };
    this.rooms = new Map();  // room id -> RoomState
    this.names = new Map();  // lower-case name -> name as registered
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
    return null;
  }

  label(id) {
    if (id === GLOBAL_ROOM) return 'global';
    const partner = this.partner(id);
    if (partner) return this.names.get(partner) || partner;
    return topicName(id) || id;
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
