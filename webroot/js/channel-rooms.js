// Which channels are this person's rooms as things happen: joined (created, joined, from an invitation), left or
// deleted by them, removed by someone else or deleted by its owner, and what the server lists after a reconnect.
// No DOM: it keeps the room directory and says what to tell the person.
//
// The server fails a channel's room address ("removed from this room") on the sockets of whoever leaves it, is
// removed, or sees it deleted, before it answers the request that did it and before it sends the notice that names
// who did it. So the address's error says less than the notice, and comes to the one leaving too.

import { channelOf } from './channel-name.js';
import { lostChannelText } from './notices.js';

export class ChannelRooms {
  // rooms: the RoomDirectory. tell(text): what the person reads about a channel they lost ('' takes it away).
  // fetchRooms(): GET /api/rooms, asked again after a reconnect.
  constructor(rooms, { tell, fetchRooms = async () => null }) {
    this.rooms = rooms;
    this.tell = tell;
    this.fetchRooms = fetchRooms;
    this.stopped = false;
    this.leavingNow = new Set();  // channels this person is leaving or deleting right now
    this.lastLost = null;         // the channel the person was last told they lost
  }

  // Created or joined: the channel's details (or a room list entry). Returns its room, or null.
  joined(details) {
    const room = this.rooms.addChannel(details);
    if (room) this.tell('');
    return room;
  }

  // This person is about to leave or delete `id`: the address's error is no news to them.
  leaving(id) {
    this.leavingNow.add(id);
  }

  // Their leave or delete was answered: `ok` when it happened.
  left(id, ok) {
    this.leavingNow.delete(id);
    if (ok) this.rooms.removeChannel(id);
  }

  // Someone else took the channel away: kind 'removed' or 'deleted', `by` who (null when not told).
  lost(id, kind, by) {
    if (this.leavingNow.has(id)) return;
    if (!this.rooms.channel(id)) {
      // Already gone on the address's error: the notice after it names who did it, and whether it was deleted.
      if (this.lastLost === id && by) this.tell(lostChannelText(kind, channelOf(id), by));
      return;
    }
    this.lastLost = id;
    this.tell(lostChannelText(kind, channelOf(id), by));
    this.rooms.removeChannel(id);
  }

  // After a reconnect: the channels the server lists are this person's (a removal may have been missed while away).
  async resync() {
    try {
      const data = await this.fetchRooms();
      if (!this.stopped) this.synced(data?.rooms);
    } catch {
      // the next reconnect asks again
    }
  }

  stop() {
    this.stopped = true;
  }

  // GET /api/rooms after a reconnect: channels not listed were lost while away, listed ones are (still) joined.
  synced(list) {
    if (!Array.isArray(list)) return;
    const listed = list.filter((r) => r && channelOf(r.id));
    const ids = new Set(listed.map((r) => r.id));
    for (const id of [...this.rooms.channels.keys()]) {
      if (!ids.has(id) && !this.leavingNow.has(id)) this.lost(id, 'removed', null);
    }
    for (const r of listed) this.rooms.addChannel(r);
  }
}
