// People (webroot/js/people.js): the newest search wins, presence comes from searches and events, and
// someone new who matches the search is looked up a moment after they come online.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { People, SEARCH_AFTER_INPUT, SEARCH_AFTER_PRESENCE, SEARCH_LIMIT } from '../../../webroot/js/people.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

// A users endpoint whose answers the test hands out by hand, in any order.
function setup() {
  const page = { clock: new FakeClock(), box: '', asked: [], listed: [], failures: [], online: [], names: [] };
  page.people = new People({
    find: (query, limit) => new Promise((resolve, reject) => page.asked.push({ query, limit, resolve, reject })),
    query: () => page.box,
    clock: page.clock,
    learnName: (name) => page.names.push(name),
    online: (name, online) => page.online.push([name, online]),
    listed: (users, query) => page.listed.push([query, users.map((u) => u.username)]),
    failed: (message) => page.failures.push(message),
  });
  return page;
}

test('the newest search wins over an older one that answers late', async () => {
  const page = setup();
  page.people.search('a');
  page.people.search('al');
  assert.deepEqual(page.asked.map((a) => [a.query, a.limit]), [['a', SEARCH_LIMIT], ['al', SEARCH_LIMIT]]);
  page.asked[1].resolve({ users: [{ username: 'alice', online: true }] });
  await settle();
  page.asked[0].resolve({ users: [{ username: 'adam', online: false }, { username: 'alice', online: true }] });
  await settle();
  assert.deepEqual(page.listed, [['al', ['alice']]]);
  assert.ok(!page.people.lists('adam'));
});

test('a search tells who is online and learns names as registered; malformed entries are left out', async () => {
  const page = setup();
  page.people.search('');
  page.asked[0].resolve({ users: [{ username: 'Alice', online: true }, { username: 'bob' }, null, { online: true }] });
  await settle();
  assert.deepEqual(page.listed, [['', ['Alice', 'bob']]]);
  assert.deepEqual(page.names, ['Alice', 'bob']);
  assert.deepEqual(page.online, [['Alice', true]], 'bob\'s presence is not known');
  assert.ok(page.people.isOnline('alice'));
  assert.ok(!page.people.isOnline('bob'));
});

test('a failed search says why, unless a newer one was asked', async () => {
  const page = setup();
  page.people.search('a');
  page.people.search('b');
  page.asked[0].reject(new Error('old'));
  page.asked[1].reject(new Error('Cannot reach the server.'));
  await settle();
  assert.deepEqual(page.failures, ['Cannot reach the server.']);
});

test('typing in the search box searches once, 200 ms after the last key, for what the box says then', () => {
  const page = setup();
  page.box = 'a';
  page.people.searchSoon(SEARCH_AFTER_INPUT);
  page.clock.advance(SEARCH_AFTER_INPUT - 1);
  page.box = 'al';
  page.people.searchSoon(SEARCH_AFTER_INPUT);
  page.clock.advance(SEARCH_AFTER_INPUT - 1);
  assert.equal(page.asked.length, 0);
  page.clock.advance(1);
  assert.deepEqual(page.asked.map((a) => a.query), ['al']);
});

test('presence events update who is online; someone new who matches the search is looked up after 300 ms',
  async () => {
    const page = setup();
    page.box = 'al';
    page.people.search('al');
    page.asked[0].resolve({ users: [{ username: 'alice', online: false }] });
    await settle();

    assert.equal(page.people.presenceChanged({ username: 'Alice', online: true }), true);
    assert.ok(page.people.isOnline('alice'));
    page.clock.advance(SEARCH_AFTER_PRESENCE);
    assert.equal(page.asked.length, 1, 'alice is listed already');

    page.people.presenceChanged({ username: 'bob', online: true });
    page.clock.advance(SEARCH_AFTER_PRESENCE);
    assert.equal(page.asked.length, 1, 'bob does not match "al"');

    page.people.presenceChanged({ username: 'Alfred', online: true });
    page.clock.advance(SEARCH_AFTER_PRESENCE - 1);
    assert.equal(page.asked.length, 1);
    page.clock.advance(1);
    assert.deepEqual(page.asked.map((a) => a.query), ['al', 'al']);
    assert.deepEqual(page.online.slice(-3), [['Alice', true], ['bob', true], ['Alfred', true]]);
  });

test('what is not a presence event is ignored', () => {
  const page = setup();
  for (const body of [null, {}, { username: 'bob' }, { username: 'bob', online: 'yes' }, { online: true }]) {
    assert.equal(page.people.presenceChanged(body), false);
  }
  assert.deepEqual(page.online, []);
});

test('after stop no answer is shown and no search is left waiting', async () => {
  const page = setup();
  page.people.search('');
  page.people.searchSoon(SEARCH_AFTER_INPUT);
  page.people.stop();
  page.asked[0].resolve({ users: [{ username: 'alice' }] });
  await settle();
  page.clock.advance(1000);
  assert.deepEqual(page.listed, []);
  assert.equal(page.asked.length, 1);
});
