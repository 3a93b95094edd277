// History sync: fills each room's RoomState from chat.history (the newest page on opening, older pages on
// scrolling up, everything missed after a reconnect) and keeps track of how far a room is held without a gap.
// No DOM: it is given the bus's request and tells the caller what arrived, which draws it.

import { BusError } from './bus.js';
import { realClock } from './clock.js';
import { isMessage } from './rooms.js';

export const PAGE = 50;            // history page when opening a room or scrolling up
export const CATCH_UP_PAGE = 100;  // the server's maximum, to close a gap in few round trips
export const CATCH_UP_RETRY = 3000;

// A request that was not answered (socket gone, timeout) is asked again by the next reconnect instead; a
// refusal, a busy server's 503 included, after CATCH_UP_RETRY.
const unanswered = (e) => e instanceof BusError && e.retryable && !e.busy;

function pageOf(reply) {
  const raw = reply && Array.isArray(reply.messages) ? reply.messages : [];
  return { raw, messages: raw.filter(isMessage) };
}

export class HistorySync {
  // request(address, body) and isOpen() are the bus's. The hooks, all optional:
  //   initial(room, messages)  the newest page is in (messages: that page)
  //   initialFailed(room, error)  the server refused it (a lost socket is retried on reconnect instead)
  //   olderStarted(room)       an older page was asked for
  //   older(room, loaded)      that request ended; loaded says whether a page came
  //   caughtUp(room, added)    messages missed while the socket was away, in id order
  constructor({ request, isOpen, clock = realClock, ...hooks }) {
    this.request = request;
    this.isOpen = isOpen;
    this.clock = clock;
    this.hooks = hooks;
    this.stopped = false;
    this.retryTimers = new Set();
  }

  hook(name, ...args) {
    if (this.hooks[name]) this.hooks[name](...args);
  }

  stop() {
    this.stopped = true;
    for (const timer of this.retryTimers) this.clock.clearTimeout(timer);
    this.retryTimers.clear();
  }

  // Every message enters a room here (live, catch-up, own reply); returns those not held yet. A live message
  // moves the gap-free mark only while the socket has delivered everything before it.
  receive(room, messages, live) {
    const added = room.add(messages);
    if (added.length && live && room.live) room.syncedId = room.newestId;
    return added;
  }

  async loadInitial(room) {
    if (room.loading || !this.isOpen()) return;  // reconnected() calls again once connected
    room.loading = true;
    try {
      const { raw, messages } = pageOf(await this.request('chat.history', { room: room.id, limit: PAGE }));
      if (this.stopped) return;
      if (messages.length) room.dropOlderThan(messages[0].id);
      room.add(messages);
      room.hasOlder = raw.length === PAGE;
      room.loaded = true;
      room.live = true;
      room.syncedId = room.newestId;
      this.hook('initial', room, messages);
    } catch (e) {
      if (!unanswered(e)) this.hook('initialFailed', room, e);
    } finally {
      room.loading = false;
    }
  }

  async loadOlder(room) {
    if (!room.loaded || !room.hasOlder || room.loadingOlder || !room.messages.length || !this.isOpen()) return;
    room.loadingOlder = true;
    this.hook('olderStarted', room);
    let loaded = false;
    try {
      const before = room.oldestId;
      const { raw, messages } = pageOf(await this.request('chat.history', { room: room.id, before, limit: PAGE }));
      room.add(messages);
      room.hasOlder = raw.length === PAGE;
      loaded = true;
    } catch {
      // hasOlder stays true: the next scroll to the top tries again
    } finally {
      room.loadingOlder = false;
    }
    if (!this.stopped) this.hook('older', room, loaded);
  }

  // After a reconnect: everything newer than the last message held without a gap,
  // page by page until a short page says we are level with the server.
  async catchUp(room) {
    if (room.catchingUp) return;
    room.catchingUp = true;
    try {
      let after = room.syncedId;
      for (;;) {
        const { raw, messages } = pageOf(
          await this.request('chat.history', { room: room.id, after, limit: CATCH_UP_PAGE }));
        if (this.stopped) return;
        const added = this.receive(room, messages, false);
        if (added.length) this.hook('caughtUp', room, added);
        if (raw.length < CATCH_UP_PAGE || !messages.length) break;
        after = messages[messages.length - 1].id;
        room.syncedId = after;  // progress kept if the socket drops again
      }
      // Handlers were registered before the first page was asked for, so anything
      // newer than the last page has arrived, or will arrive, live.
      room.syncedId = room.newestId;
      room.live = true;
    } catch (e) {
      if (!this.stopped && this.isOpen() && !unanswered(e)) {
        const timer = this.clock.setTimeout(() => {
          this.retryTimers.delete(timer);
          this.catchUp(room);
        }, CATCH_UP_RETRY);
        this.retryTimers.add(timer);
      }
    } finally {
      room.catchingUp = false;
    }
  }

  // A new socket: catch up every room already loaded, and load the open one if it never was.
  async reconnected(rooms, current) {
    const work = [];
    for (const room of rooms) {
      if (room.loaded) work.push(this.catchUp(room));
    }
    if (current && !current.loaded) work.push(this.loadInitial(current));
    await Promise.allSettled(work);
  }

  // The socket closed: live messages may be missed from now on, until a catch-up.
  disconnected(rooms) {
    for (const room of rooms) room.live = false;
  }
}
