// Poll counts read again after a lost socket (webroot/js/poll-refresh.js), against a fake chat.history that pages the
// way the server does (the oldest `limit` messages after an id, each poll with its current counts and the reader's
// vote): only rooms that held polls when the socket went are read, from just before their oldest poll, as few pages
// as it takes; counts heard live meanwhile are not overwritten by the older page; a failed read is tried again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../../webroot/js/bus.js';
import { MAX_PAGES, PollRefresh, pageFor } from '../../../webroot/js/poll-refresh.js';
import { readPoll } from '../../../webroot/js/polls.js';
import { RoomState } from '../../../webroot/js/rooms.js';
import { settle } from './lib/fake-clock.mjs';

const text = (id) => ({ id, room: 'global', sender: 'alice', text: `message ${id}`, ts: id });
const poll = (id, votes, mine) => ({ id, room: 'global', sender: 'assistant', bot: true, text: `poll ${id}`, ts: id,
  poll: mine === undefined ? { options: ['a', 'b'], votes } : { options: ['a', 'b'], votes, mine } });

// The server's side: its messages now, and what it was asked.
function fakeServer(stored) {
  const server = {
    stored,
    asked: [],
    fail: null,
    hold: null,  // a promise the next answer waits for
    async request(address, body) {
      assert.equal(address, 'chat.history');
      server.asked.push(body);
      if (server.hold) await server.hold;
      if (server.fail) throw server.fail;
      return { room: body.room, messages: server.stored.filter((m) => m.id > body.after).slice(0, body.limit) };
    },
  };
  return server;
}

function roomHolding(messages) {
  const room = new RoomState('global');
  room.add(messages);
  room.loaded = true;
  return room;
}

function setup(held, now) {
  const server = fakeServer(now);
  const changed = [];
  const refresh = new PollRefresh({ request: server.request, changed: (room, m) => changed.push(m.id) });
  return { server, changed, refresh, room: roomHolding(held) };
}

const counts = (room, id) => {
  const p = readPoll(room.messages.find((m) => m.id === id));
  return { votes: p.votes, mine: p.mine };
};

test('after a lost socket the polls held are read again from just before the oldest, in one page', async () => {
  const { server, changed, refresh, room } = setup(
    [text(1), poll(2, [0, 0]), text(3), poll(4, [1, 0], 0), text(5)],
    [text(1), poll(2, [2, 1], 1), text(3), poll(4, [1, 0], 0), text(5)]);
  await refresh.refresh(room);
  assert.deepEqual(server.asked, [], 'nothing is read before a socket was lost');
  refresh.disconnected([room]);
  await refresh.refresh(room);
  assert.deepEqual(server.asked, [{ room: 'global', after: 1, limit: 3 }], 'from poll 2 to poll 4');
  assert.deepEqual(counts(room, 2), { votes: [2, 1], mine: 1 }, 'counts and the reader\'s vote cast elsewhere');
  assert.deepEqual(changed, [2], 'only the poll that changed is drawn again');
  await refresh.refresh(room);
  assert.equal(server.asked.length, 1, 'read once per lost socket');
});

test('a vote taken back while away shows as none', async () => {
  const { refresh, room } = setup([poll(7, [1, 1], 1)], [poll(7, [1, 0])]);
  refresh.disconnected([room]);
  await refresh.refresh(room);
  assert.deepEqual(counts(room, 7), { votes: [1, 0], mine: null });
});

test('a room without polls is not read, nor is one never refreshed', async () => {
  const { server, refresh, room } = setup([text(1), text(2)], [text(1), text(2)]);
  refresh.disconnected([room]);
  await refresh.refresh(room);
  await refresh.refresh(null);
  assert.deepEqual(server.asked, []);
});

test('polls further apart than a page take more pages, each from the next poll not read yet', async () => {
  const stored = [];
  for (let id = 1; id <= 250; id++) stored.push(id === 10 || id === 200 ? poll(id, [0, 0]) : text(id));
  const now = stored.map((m) => (m.poll ? poll(m.id, [3, 4]) : m));
  const { server, refresh, room } = setup(stored, now);
  refresh.disconnected([room]);
  await refresh.refresh(room);
  assert.deepEqual(server.asked, [{ room: 'global', after: 9, limit: 100 }, { room: 'global', after: 199, limit: 1 }]);
  assert.deepEqual(counts(room, 10).votes, [3, 4]);
  assert.deepEqual(counts(room, 200).votes, [3, 4]);
});

test('at most a few pages are read for one room', async () => {
  const stored = [];
  for (let id = 1; id <= 1000; id++) stored.push(id % 150 === 0 ? poll(id, [0, 0]) : text(id));
  const { server, refresh, room } = setup(stored, stored.map((m) => (m.poll ? poll(m.id, [1, 1]) : m)));
  refresh.disconnected([room]);
  await refresh.refresh(room);
  assert.equal(server.asked.length, MAX_PAGES);
});

test('counts heard live while the page is on its way are newer than it and stay', async () => {
  const { server, refresh, room } = setup([poll(2, [0, 0]), poll(3, [0, 0])], [poll(2, [1, 0]), poll(3, [0, 1])]);
  let answer;
  server.hold = new Promise((resolve) => {
    answer = resolve;
  });
  refresh.disconnected([room]);
  const done = refresh.refresh(room);
  await settle();
  room.messages[0] = poll(2, [5, 5]);  // as applyVotes would put them
  refresh.heard(room, 2);
  answer();
  await done;
  assert.deepEqual(counts(room, 2).votes, [5, 5], 'the live counts stay');
  assert.deepEqual(counts(room, 3).votes, [0, 1], 'the other poll is read');
});

test('a read that fails leaves the room to be read again, once at a time', async () => {
  const { server, refresh, room } = setup([poll(2, [0, 0])], [poll(2, [1, 1])]);
  refresh.disconnected([room]);
  server.fail = new BusError('closed', 'Not connected.');
  await refresh.refresh(room);
  assert.deepEqual(counts(room, 2).votes, [0, 0]);
  server.fail = null;
  const first = refresh.refresh(room);
  const second = refresh.refresh(room);
  await Promise.all([first, second]);
  assert.equal(server.asked.length, 2, 'the failed read, then one more');
  assert.deepEqual(counts(room, 2).votes, [1, 1]);
});

test('after stop a read on its way changes nothing', async () => {
  const { server, changed, refresh, room } = setup([poll(2, [0, 0])], [poll(2, [1, 1])]);
  let answer;
  server.hold = new Promise((resolve) => {
    answer = resolve;
  });
  refresh.disconnected([room]);
  const done = refresh.refresh(room);
  refresh.stop();
  answer();
  await done;
  assert.deepEqual(counts(room, 2).votes, [0, 0]);
  assert.deepEqual(changed, []);
});

test('a page reaches from the first poll to the last the room holds, at most the server\'s maximum', () => {
  const room = roomHolding([text(1), poll(2, [0, 0]), text(3), text(4), poll(5, [0, 0]), text(6)]);
  assert.deepEqual(pageFor(room, [2, 5]), { room: 'global', after: 1, limit: 4 });
  assert.deepEqual(pageFor(room, [5]), { room: 'global', after: 4, limit: 1 });
});
