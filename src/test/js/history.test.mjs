// History sync (webroot/js/history.js) against a fake chat.history that pages the way the server does
// (StoreVerticle: the newest `limit` before an id, or the oldest `limit` after one, oldest first): pages come
// in order and each message once, older pages reach the start, and a reconnect closes the gap it left.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../../webroot/js/bus.js';
import { CATCH_UP_PAGE, CATCH_UP_RETRY, HistorySync, PAGE } from '../../../webroot/js/history.js';
import { RoomState } from '../../../webroot/js/rooms.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

const ROOM = 'topic.general';
const msg = (id, sender = 'alice') => ({ id, sender, text: `message ${id}`, ts: 1_700_000_000_000 + id });
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const ids = (list) => list.map((m) => m.id);

// The server's side: what is stored, what was asked, and failures to answer with next.
function fakeServer(count) {
  const server = {
    stored: range(1, count).map((id) => msg(id)),
    asked: [],
    failures: [],
    refuse: () => null,  // (body) => an error to answer that request with
    open: true,
    store(...list) {
      server.stored.push(...list);
    },
    async request(address, body) {
      assert.equal(address, 'chat.history');
      server.asked.push(body);
      if (server.failures.length) throw server.failures.shift();
      const refusal = server.refuse(body);
      if (refusal) throw refusal;
      const { after, before, limit } = body;
      const page = after !== undefined
        ? server.stored.filter((m) => m.id > after).slice(0, limit)
        : server.stored.filter((m) => before === undefined || m.id < before).slice(-limit);
      return { room: body.room, messages: page };
    },
  };
  return server;
}

function setup(count, hooks = {}) {
  const server = fakeServer(count);
  const clock = new FakeClock();
  const events = [];
  const sync = new HistorySync({
    request: server.request,
    isOpen: () => server.open,
    clock,
    initial: (room, messages) => events.push(['initial', ids(messages)]),
    initialFailed: (room, e) => events.push(['initialFailed', e.message]),
    older: (room, loaded) => events.push(['older', loaded]),
    caughtUp: (room, added) => events.push(['caughtUp', ids(added)]),
    ...hooks,
  });
  return { server, clock, events, sync, room: new RoomState(ROOM) };
}

test('opening a room loads the newest page, oldest first, and knows older messages remain', async () => {
  const { server, events, sync, room } = setup(70);
  await sync.loadInitial(room);
  assert.deepEqual(server.asked, [{ room: ROOM, limit: PAGE }]);
  assert.deepEqual(ids(room.messages), range(21, 70));
  assert.deepEqual(events, [['initial', range(21, 70)]]);
  assert.ok(room.loaded && room.live && room.hasOlder);
  assert.equal(room.syncedId, 70, 'held without a gap up to the newest');
});

test('scrolling up loads older pages before the oldest held, in order and each once, until the start', async () => {
  const { server, events, sync, room } = setup(120);
  await sync.loadInitial(room);
  await sync.loadOlder(room);
  assert.deepEqual(server.asked[1], { room: ROOM, before: 71, limit: PAGE });
  assert.deepEqual(ids(room.messages), range(21, 120));
  assert.ok(room.hasOlder, 'a full page: there may be more');
  await sync.loadOlder(room);
  assert.deepEqual(ids(room.messages), range(1, 120));
  assert.equal(room.hasOlder, false, 'a short page is the start of the room');
  await sync.loadOlder(room);
  assert.equal(server.asked.length, 3, 'nothing more is asked once the start is held');
  assert.deepEqual(events.slice(1), [['older', true], ['older', true]]);
});

test('a room with fewer messages than a page is complete after the first one', async () => {
  const { sync, room, server } = setup(3);
  await sync.loadInitial(room);
  assert.equal(room.hasOlder, false);
  await sync.loadOlder(room);
  assert.equal(server.asked.length, 1);
});

test('a failed older page keeps what is held and is asked again on the next scroll', async () => {
  const { server, events, sync, room } = setup(70);
  await sync.loadInitial(room);
  server.failures.push(new BusError('timeout', 'No answer from the server.'));
  await sync.loadOlder(room);
  assert.deepEqual(ids(room.messages), range(21, 70));
  assert.ok(room.hasOlder && !room.loadingOlder);
  assert.deepEqual(events.at(-1), ['older', false]);
  await sync.loadOlder(room);
  assert.deepEqual(ids(room.messages), range(1, 70));
});

test('a live message that is also in a page is held once', async () => {
  const { server, sync, room } = setup(50);
  await sync.loadInitial(room);
  assert.deepEqual(ids(sync.receive(room, [msg(51)], true)), [51]);
  assert.deepEqual(ids(sync.receive(room, [msg(51)], true)), [], 'the same message again is nothing new');
  server.store(msg(51), msg(52));
  sync.disconnected([room]);
  await sync.reconnected([room], room);
  assert.deepEqual(ids(room.messages), range(1, 52));
});

test('live messages held before the first page, with a gap below it, are let go so older pages stay gap-free',
  async () => {
    const { sync, room } = setup(120);
    sync.receive(room, [msg(10)], true);  // e.g. it came live long ago, and 110 more were written since
    await sync.loadInitial(room);
    assert.deepEqual(ids(room.messages), range(71, 120), 'message 10 no longer sits below a gap');
    await sync.loadOlder(room);
    await sync.loadOlder(room);
    assert.deepEqual(ids(room.messages), range(1, 120));
  });

test('after a reconnect the gap is caught up page by page from the last message held without one', async () => {
  const { server, events, sync, room } = setup(50);
  await sync.loadInitial(room);
  sync.disconnected([room]);
  assert.equal(room.live, false);
  server.store(...range(51, 301).map((id) => msg(id)));
  // The newest one arrives live on the new socket before the catch-up: it must not hide the gap below it.
  sync.receive(room, [msg(301)], true);
  assert.equal(room.syncedId, 50, 'not past the gap');

  await sync.reconnected([room], room);
  assert.deepEqual(server.asked.slice(1).map((b) => b.after), [50, 150, 250]);
  assert.ok(server.asked.slice(1).every((b) => b.limit === CATCH_UP_PAGE && b.before === undefined));
  assert.deepEqual(ids(room.messages), range(1, 301), 'every message once, in order');
  assert.deepEqual(events.slice(1).map(([e]) => e), ['caughtUp', 'caughtUp', 'caughtUp']);
  assert.deepEqual(events.slice(1).flatMap(([, list]) => list), range(51, 300), 'the missed ones, each once');
  assert.equal(room.syncedId, 301);
  assert.equal(room.live, true);
  assert.deepEqual(ids(sync.receive(room, [msg(302)], true)), [302]);
  assert.equal(room.syncedId, 302, 'live again: the mark follows live messages');
});

test('a catch-up cut short keeps its progress, and the next reconnect goes on from there', async () => {
  const { server, clock, sync, room } = setup(50);
  await sync.loadInitial(room);
  sync.disconnected([room]);
  server.store(...range(51, 400).map((id) => msg(id)));
  server.asked.length = 0;
  server.refuse = (body) => (body.after === 150 ? new BusError('closed', 'Connection lost.') : null);
  await sync.reconnected([room], room);
  assert.equal(room.syncedId, 150, 'the first page is kept');
  assert.equal(room.live, false);
  clock.advance(CATCH_UP_RETRY * 2);
  await settle();
  assert.equal(server.asked.length, 2, 'a lost socket is not retried by timer: the reconnect does it');

  server.refuse = () => null;
  await sync.reconnected([room], room);
  assert.deepEqual(server.asked.map((b) => b.after), [50, 150, 150, 250, 350]);
  assert.deepEqual(ids(room.messages), range(1, 400));
  assert.ok(room.live);
});

test('a catch-up the server refused is tried again after 3 s', async () => {
  const { server, clock, sync, room } = setup(50);
  await sync.loadInitial(room);
  sync.disconnected([room]);
  server.store(msg(51));
  server.failures.push(new BusError(503, 'Store unavailable'));
  await sync.reconnected([room], room);
  assert.equal(server.asked.length, 2);
  clock.advance(CATCH_UP_RETRY - 1);
  assert.equal(server.asked.length, 2);
  clock.advance(1);
  await settle();
  assert.equal(server.asked.length, 3);
  assert.deepEqual(ids(room.messages).at(-1), 51);
  assert.ok(room.live);
});

test('a reconnect loads the open room if its first page never came, and only catches up loaded rooms',
  async () => {
    const { server, events, sync, room } = setup(10);
    const other = new RoomState('topic.news');
    server.failures.push(new BusError('closed', 'Connection lost.'));
    await sync.loadInitial(room);
    assert.equal(room.loaded, false);
    assert.deepEqual(events, [], 'a lost socket is no error to show: the reconnect loads it');
    await sync.reconnected([room, other], room);
    assert.ok(room.loaded);
    assert.equal(other.loaded, false, 'a room never opened is loaded when it is opened');
    assert.deepEqual(server.asked.map((b) => b.room), [ROOM, ROOM]);
  });

test('a refused first page is reported, and nothing is asked while the socket is closed', async () => {
  const { server, events, sync, room } = setup(10);
  server.failures.push(new BusError('ACCESS_DENIED', 'Not a member.'));
  await sync.loadInitial(room);
  assert.deepEqual(events, [['initialFailed', 'Not a member.']]);
  server.open = false;
  await sync.loadInitial(room);
  assert.equal(server.asked.length, 1);
  assert.equal(room.loading, false);
});

test('a page is asked once even when asked for twice at once', async () => {
  const { server, sync, room } = setup(70);
  await Promise.all([sync.loadInitial(room), sync.loadInitial(room)]);
  await Promise.all([sync.loadOlder(room), sync.loadOlder(room)]);
  assert.equal(server.asked.length, 2);
  assert.deepEqual(ids(room.messages), range(1, 70));
});

test('what is not a message is left out, though a full page still says there may be more', async () => {
  const { server, sync, room } = setup(0);
  server.stored = [...range(1, 49).map((id) => msg(id)), { id: 50, sender: 'alice' }];
  await sync.loadInitial(room);
  assert.deepEqual(ids(room.messages), range(1, 49));
  assert.equal(room.hasOlder, true);
});

test('after stop nothing is handed over and no retry is left waiting', async () => {
  const { server, clock, events, sync, room } = setup(50);
  await sync.loadInitial(room);
  sync.disconnected([room]);
  server.failures.push(new BusError(503, 'Store unavailable'));
  await sync.reconnected([room], room);
  sync.stop();
  assert.equal(clock.pending(), 0);
  server.store(msg(51));
  await sync.catchUp(room);
  assert.deepEqual(events, [['initial', range(1, 50)]]);
});
