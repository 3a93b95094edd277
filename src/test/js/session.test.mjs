// The login session and the status line (webroot/js/session.js): an open page keeps its session in use,
// an ended session sends it to the login form, an unreachable server does not; "Reconnecting…" only after
// the socket has been open once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionState, KEEP_SESSION_EVERY, SESSION_ENDED, SessionWatch } from '../../../webroot/js/session.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

function setup() {
  const page = { clock: new FakeClock(), answer: () => ({ username: 'me' }), asked: 0, ended: [] };
  page.watch = new SessionWatch({
    me: async () => {
      page.asked++;
      return page.answer();
    },
    ended: (notice) => page.ended.push(notice),
    clock: page.clock,
  });
  return page;
}

test('an open page asks every 5 minutes, and an ended session ends the page\'s', async () => {
  const page = setup();
  page.watch.start();
  page.clock.advance(KEEP_SESSION_EVERY - 1);
  assert.equal(page.asked, 0);
  page.clock.advance(1);
  await settle();
  assert.equal(page.asked, 1);
  assert.deepEqual(page.ended, []);
  page.answer = () => null;
  page.clock.advance(KEEP_SESSION_EVERY);
  await settle();
  assert.deepEqual(page.ended, [SESSION_ENDED]);
});

test('an unreachable server is no ended session', async () => {
  const page = setup();
  page.answer = () => {
    throw new Error('Cannot reach the server.');
  };
  page.watch.check();
  await settle();
  assert.equal(page.asked, 1);
  assert.deepEqual(page.ended, []);
});

test('after stop nothing is asked, and an answer still on its way ends nothing', async () => {
  const page = setup();
  page.answer = () => null;
  page.watch.start();
  page.watch.check();
  page.watch.stop();
  await settle();
  page.clock.advance(KEEP_SESSION_EVERY * 3);
  await settle();
  assert.equal(page.asked, 1);
  assert.deepEqual(page.ended, []);
});

test('the status line says Connecting… at first and Reconnecting… once it has been open', () => {
  const connection = new ConnectionState();
  assert.equal(connection.label('connecting'), 'Connecting…');
  assert.equal(connection.label('closed'), 'Offline, retrying…');
  assert.equal(connection.label('connecting'), 'Connecting…', 'never open yet');
  assert.equal(connection.label('open'), 'Connected');
  assert.equal(connection.label('closed'), 'Offline, retrying…');
  assert.equal(connection.label('connecting'), 'Reconnecting…');
});
