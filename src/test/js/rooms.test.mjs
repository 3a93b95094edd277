// Room ids and the per-room message list (webroot/js/rooms.js): the rules both sides of a private room rely
// on, and the ordering and de-duplication every other module builds on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomState, dmPartner, dmRoomId, isMessage, sameUser, topicName } from '../../../webroot/js/rooms.js';

const msg = (id, sender = 'alice', text = `message ${id}`) => ({ id, sender, text, ts: 1_700_000_000_000 + id });

test('a private room has one id whichever side names it, lower-cased', () => {
  assert.equal(dmRoomId('Bob', 'alice'), 'dm.alice.bob');
  assert.equal(dmRoomId('alice', 'Bob'), 'dm.alice.bob');
  assert.equal(dmPartner('dm.alice.bob', 'Alice'), 'bob');
  assert.equal(dmPartner('dm.alice.bob', 'bob'), 'alice');
  assert.equal(dmPartner('dm.alice.bob', 'carol'), null, 'not a member');
  assert.equal(dmPartner('dm.alice.alice', 'alice'), null, 'no room with oneself');
  assert.equal(dmPartner('topic.general', 'alice'), null);
  assert.equal(topicName('topic.general'), 'general');
  assert.equal(topicName('global'), null);
  assert.ok(sameUser('Alice', 'alice'));
  assert.ok(!sameUser('alice', undefined));
});

test('only well-formed messages count as messages', () => {
  assert.ok(isMessage(msg(1)));
  const { text, ...rest } = msg(1);
  assert.ok(isMessage({ ...rest, e2e: { v: 1 } }), 'an encrypted message has e2e in place of its text');
  for (const bad of [null, 'x', { ...msg(1), id: '1' }, { ...msg(1), id: 1.5 }, { ...msg(1), text: null },
    { ...msg(1), sender: 7 }, { ...msg(1), ts: '2024' }, rest, { ...rest, e2e: null }, { ...rest, e2e: ['x'] },
    { ...rest, e2e: 'blob' }]) {
    assert.ok(!isMessage(bad), JSON.stringify(bad));
  }
});

test('messages are held in id order, each once, whatever order they come in', () => {
  const room = new RoomState('topic.general');
  assert.deepEqual(room.add([msg(5), msg(7)]).map((m) => m.id), [5, 7]);
  assert.deepEqual(room.add([msg(6), msg(7), msg(3), { id: 'junk' }]).map((m) => m.id), [6, 3], 'only the new ones');
  assert.deepEqual(room.messages.map((m) => m.id), [3, 5, 6, 7]);
  assert.equal(room.oldestId, 3);
  assert.equal(room.newestId, 7);
  assert.equal(new RoomState('x').newestId, 0, 'an empty room');
});

test('dropping what is older than a page keeps the rest, and a dropped message may come back', () => {
  const room = new RoomState('topic.general');
  room.add([msg(2), msg(10), msg(11)]);
  room.dropOlderThan(10);
  assert.deepEqual(room.messages.map((m) => m.id), [10, 11]);
  assert.deepEqual(room.add([msg(2)]).map((m) => m.id), [2], 'no longer counted as held');
});

test('the first unread message is found among the others\' messages, from the newest back', () => {
  const room = new RoomState('topic.general');
  room.add([msg(1, 'bob'), msg(2, 'Me'), msg(3, 'bob'), msg(4, 'carol'), msg(5, 'me')]);
  assert.equal(room.othersHeld('me'), 3);
  assert.equal(room.firstUnreadId(1, 'me'), 4);
  assert.equal(room.firstUnreadId(2, 'me'), 3, 'own messages are skipped');
  assert.equal(room.firstUnreadId(3, 'me'), 1);
  assert.equal(room.firstUnreadId(9, 'me'), 1, 'more than held: the oldest held');
  assert.equal(room.firstUnreadId(0, 'me'), null);
});

test('system lines are not counted as others\' messages when placing the "new messages" line', () => {
  const room = new RoomState('channel.team');
  room.add([msg(1, 'bob'), { ...msg(2, 'bob'), system: 'invited', text: 'bob invited carol' }, msg(3, 'carol'),
    { ...msg(4, 'carol'), system: 'joined', text: 'carol joined' }]);
  assert.equal(room.othersHeld('me'), 2);
  assert.equal(room.firstUnreadId(1, 'me'), 3);
  assert.equal(room.firstUnreadId(2, 'me'), 1);
});
