// The hidden-messages filter (webroot/js/hidden-messages.js): what blocked people write in a shared room is
// hidden until the person chooses to see it; system lines are not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HiddenMessages } from '../../../webroot/js/hidden-messages.js';

const msg = (id, sender, extra = {}) => ({ id, room: 'global', sender, text: `text ${id}`, ts: id, ...extra });

test('messages of blocked people are hidden, the others shown, in their order', () => {
  const blocked = new Set(['mallory']);
  const filter = new HiddenMessages((name) => blocked.has(name.toLowerCase()));
  const list = [msg(1, 'alice'), msg(2, 'Mallory'), msg(3, 'bob')];
  assert.deepEqual(filter.shown(list), [{ message: list[0] }, { hidden: list[1] }, { message: list[2] }]);
  assert.deepEqual(filter.visible(list), [list[0], list[2]]);
  blocked.delete('mallory');
  assert.deepEqual(filter.visible(list), list, 'an unblock shows them again');
});

test('"show" reveals one hidden message, in its room only', () => {
  const filter = new HiddenMessages((name) => name === 'mallory');
  const first = msg(5, 'mallory');
  const second = msg(6, 'mallory');
  filter.reveal(first);
  assert.ok(!filter.hides(first));
  assert.ok(filter.hides(second));
  assert.ok(filter.hides({ ...first, room: 'topic.news' }), 'the same id in another room is another message');
});

test('a system line stays even when a blocked person did it', () => {
  const filter = new HiddenMessages(() => true);
  const line = msg(9, 'mallory', { system: 'joined', text: 'mallory joined' });
  assert.ok(!filter.hides(line));
});
