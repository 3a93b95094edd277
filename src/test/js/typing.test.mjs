// Who is typing (webroot/js/typing.js): a name shows for a few seconds after each typing event, goes when it
// expires or their message arrives, only for the room on screen; our own events go out at most every 2 s.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPING_EVERY, TYPING_SHOWN, Typing, typingText } from '../../../webroot/js/typing.js';
import { FakeClock } from './lib/fake-clock.mjs';

function setup() {
  const clock = new FakeClock();
  const page = { clock, line: null, sent: [], socketOpen: true };
  page.typing = new Typing('me', {
    clock,
    send: (room) => {
      if (!page.socketOpen) return false;
      page.sent.push([room, clock.now()]);
      return true;
    },
    onShow: (text) => {
      page.line = text;
    },
  });
  return page;
}

test('the line names one, two, or says several', () => {
  assert.equal(typingText([]), '');
  assert.equal(typingText(['bob']), 'bob is typing…');
  assert.equal(typingText(['bob', 'carol']), 'bob and carol are typing…');
  assert.equal(typingText(['bob', 'carol', 'dave']), 'Several people are typing…');
});

test('a typing event shows the name for 3 s, then it goes by itself', () => {
  const page = setup();
  page.typing.watch('topic.general');
  assert.equal(page.line, '');
  page.typing.heard('topic.general', { username: 'bob' });
  assert.equal(page.line, 'bob is typing…');
  page.clock.advance(TYPING_SHOWN - 1);
  assert.equal(page.line, 'bob is typing…');
  page.clock.advance(100);
  assert.equal(page.line, '', 'expired without anything else happening');
  assert.equal(page.clock.pending(), 0, 'and nothing left to wake up for');
});

test('each new event from the same person renews the 3 s; others expire on their own', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.general', { username: 'bob' });
  page.clock.advance(1000);
  page.typing.heard('topic.general', { username: 'carol' });
  assert.equal(page.line, 'bob and carol are typing…');
  page.clock.advance(1500);
  page.typing.heard('topic.general', { username: 'bob' });
  page.clock.advance(1600);
  assert.equal(page.line, 'bob is typing…', 'carol expired 3 s after her event, bob was renewed');
  page.clock.advance(1500);
  assert.equal(page.line, '', 'and bob 3 s after his last one');
});

test('their message ends it at once', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.general', { username: 'bob' });
  page.typing.wrote('topic.general', 'bob');
  assert.equal(page.line, '');
  assert.equal(page.clock.pending(), 0);
});

test('only the room on screen is shown; switching shows who types there', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.news', { username: 'carol' });
  assert.equal(page.line, '');
  page.typing.watch('topic.news');
  assert.equal(page.line, 'carol is typing…');
  page.clock.advance(TYPING_SHOWN + 100);
  assert.equal(page.line, '');
});

test('one\'s own events, and events that are not one, show nothing', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.general', { username: 'Me' });
  page.typing.heard('topic.general', null);
  page.typing.heard('topic.general', { username: 42 });
  assert.equal(page.line, '');
});

test('a closed socket clears the line: no event can renew it', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.general', { username: 'bob' });
  page.typing.clear();
  assert.equal(page.line, '');
  page.typing.watch('topic.general');
  assert.equal(page.line, '');
});

test('our own typing is announced at most every 2 s per room, and again at once when it could not be sent', () => {
  const page = setup();
  const t0 = page.clock.now();
  page.typing.typed('topic.general');
  page.clock.advance(TYPING_EVERY - 1);
  page.typing.typed('topic.general');
  page.typing.typed('topic.news');
  page.clock.advance(1);
  page.typing.typed('topic.general');
  assert.deepEqual(page.sent, [
    ['topic.general', t0], ['topic.news', t0 + TYPING_EVERY - 1], ['topic.general', t0 + TYPING_EVERY]]);
  page.socketOpen = false;
  page.clock.advance(TYPING_EVERY);
  page.typing.typed('topic.general');
  page.socketOpen = true;
  page.clock.advance(1);
  page.typing.typed('topic.general');
  assert.equal(page.sent.length, 4, 'the one that did not leave does not hold the next one back');
});

test('stopped: no timer is left behind', () => {
  const page = setup();
  page.typing.watch('topic.general');
  page.typing.heard('topic.general', { username: 'bob' });
  page.typing.stop();
  assert.equal(page.clock.pending(), 0);
});

test('writing a message is announced; blank text and a slash command, which nobody else sees, are not', () => {
  const page = setup();
  for (const text of ['   ', '/', '/po', '/poll "Lunch?" "a" "b"', '/nosuch x']) page.typing.composed('global', text);
  assert.deepEqual(page.sent, []);
  page.typing.composed('global', '/etc/hosts is where');
  assert.deepEqual(page.sent, [['global', page.clock.now()]]);
  page.clock.advance(TYPING_EVERY);
  page.typing.composed('global', 'hello');
  assert.deepEqual(page.sent.map(([room]) => room), ['global', 'global']);
});
