// Poll counts after a lost socket (issue 19). Counts change live on a room's address, so those that changed while
// the socket was away are missed, and catching up (history.js) asks only for messages newer than those held: a room
// that held polls shows old counts until they are read again. This reads the history pages that hold a room's polls
// again (`chat.history {room, after: <just before the oldest poll>}`), whose polls carry the current counts and the
// reader's own vote: for the open room on reconnecting, for another when it is opened. No DOM.

import { CATCH_UP_PAGE } from './history.js';
import { applyVotes, readPoll } from './polls.js';

// A room whose polls lie further apart than this many pages keeps the newer ones' counts until the next time.
export const MAX_PAGES = 5;

const pollIds = (room) => room.messages.filter((m) => readPoll(m)).map((m) => m.id);
const same = (a, b) => a.mine === b.mine && a.votes.length === b.votes.length
  && a.votes.every((v, i) => v === b.votes[i]);

// The page that reads polls `ids` (id order) of `room` again from the first of them: as many messages as the room
// holds from the first poll to the last, as far as one page goes.
export function pageFor(room, ids) {
  const from = room.messages.findIndex((m) => m.id === ids[0]);
  const to = room.messages.findIndex((m) => m.id === ids[ids.length - 1]);
  return { room: room.id, after: ids[0] - 1, limit: Math.max(1, Math.min(CATCH_UP_PAGE, to - from + 1)) };
}

export class PollRefresh {
  // request(address, body): the bus's. changed(room, message): a poll `room` holds has new counts (or vote).
  constructor({ request, changed = () => {} }) {
    this.request = request;
    this.changed = changed;
    this.stale = new Set();     // RoomStates whose polls may show counts from before the socket was lost
    this.reading = new Map();   // RoomState being read again -> ids of its polls whose counts came live meanwhile
    this.stopped = false;
  }

  // The socket closed: the counts of every poll held may change unheard from now on.
  disconnected(rooms) {
    for (const room of rooms) if (room.messages.some((m) => readPoll(m))) this.stale.add(room);
  }

  // Counts for poll `id` of `room` just came (live, or a vote's answer): newer than a page read before them.
  heard(room, id) {
    this.reading.get(room)?.add(id);
  }

  // Reads the room's polls again when they may be stale; one read per room at a time. A read that fails leaves
  // the room stale, to be tried when it is opened next or after the next reconnect.
  async refresh(room) {
    if (!room || this.stopped || !this.stale.has(room) || this.reading.has(room)) return;
    this.stale.delete(room);
    const fresh = new Set();
    this.reading.set(room, fresh);
    try {
      let ids = pollIds(room);
      for (let page = 0; ids.length && page < MAX_PAGES; page++) {
        const asked = pageFor(room, ids);
        const reply = await this.request('chat.history', asked);
        if (this.stopped) return;
        const messages = reply && Array.isArray(reply.messages) ? reply.messages : [];
        for (const m of messages) {
          const poll = readPoll(m);
          const held = poll && readPoll(room.messages.find((x) => x.id === m.id));
          if (!held || fresh.has(m.id) || same(held, poll)) continue;
          const now = applyVotes(room, m.id, poll.votes, poll.mine);
          if (now) this.changed(room, now);
        }
        if (messages.length < asked.limit) break;  // the room has nothing after this page
        const last = messages[messages.length - 1].id;
        ids = ids.filter((id) => id > last);
      }
    } catch {
      if (!this.stopped) this.stale.add(room);
    } finally {
      this.reading.delete(room);
    }
  }

  stop() {
    this.stopped = true;
  }
}
