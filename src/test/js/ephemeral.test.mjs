// Replies only this person sees (webroot/js/ephemeral.js, notices.js): read from chat.user.<me>, kept per room in
// memory only, and drawn among the room's messages where they were heard.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EphemeralNotes, KEEP_PER_ROOM, timeline } from '../../../webroot/js/ephemeral.js';
import { readUserNotice } from '../../../webroot/js/notices.js';
import { RoomState } from '../../../webroot/js/rooms.js';

const message = (id) => ({ id, sender: 'bob', text: `m${id}`, ts: id });
const reply = { room: 'global', sender: 'assistant', text: 'Online here: alice, bob', ts: 5 };

test('an ephemeral reply on chat.user.<me> is read as one', () => {
  assert.deepEqual(readUserNotice({ type: 'ephemeral', ...reply, to: 'alice' }), { kind: 'ephemeral', ...reply });
  assert.equal(readUserNotice({ type: 'ephemeral', room: 'global', text: 'x' }), null, 'no sender');
  assert.equal(readUserNotice({ type: 'ephemeral', sender: 'assistant', text: 'x' }), null, 'no room');
  assert.equal(typeof readUserNotice({ type: 'ephemeral', room: 'global', sender: 'a', text: 'x' }).ts, 'number');
});

test('a note stands after the newest message its room held when it came, and before later ones', () => {
  const room = new RoomState('global');
  room.add([message(1), message(2)]);
  room.loaded = true;
  const notes = new EphemeralNotes();
  const first = notes.add(room, reply);
  assert.equal(first.after, 2);
  assert.equal(first.text, 'Online here: alice, bob');
  room.add([message(3)]);
  const second = notes.add(room, { ...reply, text: 'again' });
  room.add([message(4)]);
  const outline = timeline(room.messages, notes.of('global'))
    .map((item) => (item.note ? `note:${item.note.text}` : `m${item.message.id}`));
  assert.deepEqual(outline, ['m1', 'm2', 'note:Online here: alice, bob', 'm3', 'note:again', 'm4']);
  assert.notEqual(first.key, second.key);
  assert.deepEqual(notes.of('topic.news'), []);
});

test('a note heard before the room\'s history is in stands after all of it', () => {
  const room = new RoomState('topic.news');
  const notes = new EphemeralNotes();
  notes.add(room, { ...reply, room: room.id });
  room.add([message(8), message(9)]);
  assert.deepEqual(timeline(room.messages, notes.of(room.id)).map((i) => (i.note ? 'note' : i.message.id)),
    [8, 9, 'note']);
});

test('only the newest notes of a room are kept, and none once cleared (nothing is stored)', () => {
  const room = new RoomState('global');
  const notes = new EphemeralNotes();
  for (let i = 0; i < KEEP_PER_ROOM + 5; i++) notes.add(room, { ...reply, text: `n${i}` });
  assert.equal(notes.of('global').length, KEEP_PER_ROOM);
  assert.equal(notes.of('global')[0].text, 'n5');
  notes.clear();
  assert.deepEqual(notes.of('global'), []);
});
