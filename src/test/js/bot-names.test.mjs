// Bot names (webroot/js/bot-names.js): who is a bot, learnt from messages, the people search and commands' owners;
// which names to look up, each once; how a bot's name reads where no badge can go.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ASK_AT_ONCE, BotNames, nameText } from '../../../webroot/js/bot-names.js';

test('a bot\'s message, a flagged search result or a command\'s owner makes a name a bot, whatever its case', () => {
  const changed = [];
  const names = new BotNames({ changed: (name) => changed.push(name) });
  assert.equal(names.isBot('Assistant'), false);
  assert.equal(names.knows('assistant'), false);
  names.fromMessages([{ sender: 'Assistant', bot: true }, { sender: 'alice' }]);
  assert.equal(names.isBot('assistant'), true);
  assert.equal(names.knows('alice'), false, 'a message without the flag proves nothing (older messages lack it)');
  names.fromMessages([{ sender: 'assistant', bot: true }]);
  assert.deepEqual(changed, ['Assistant'], 'told once');

  names.fromUsers([{ username: 'deploybot', bot: true }, { username: 'bob' }]);
  assert.equal(names.isBot('DeployBot'), true);
  assert.equal(names.knows('bob'), true);
  assert.equal(names.isBot('bob'), false);

  names.fromCommands([{ name: 'ship', bot: 'shipit' }]);
  assert.equal(names.isBot('shipit'), true);
  assert.deepEqual(changed, ['Assistant', 'deploybot', 'bob', 'shipit']);
  names.fromUsers([null, { bot: true }]);
  assert.equal(names.isBot(undefined), false);
});

test('names nothing is known of are looked up once each, whatever their case, a few at a time', () => {
  const names = new BotNames();
  names.fromMessages([{ sender: 'assistant', bot: true }]);
  names.fromUsers([{ username: 'bob' }]);
  assert.deepEqual(names.toAsk(['assistant', 'Bob', 'carol', 'Dave', null, '', 'carol']), ['carol', 'Dave'],
    'known ones, and the same name twice, are not asked');
  assert.deepEqual(names.toAsk(['CAROL', 'dave', 'erin']), ['erin'], 'asked before: not again, answered or not');
  const many = Array.from({ length: ASK_AT_ONCE + 3 }, (_, i) => `member${i}`);
  assert.equal(names.toAsk(many).length, ASK_AT_ONCE);
  assert.deepEqual(names.toAsk(many), many.slice(ASK_AT_ONCE), 'the rest when the list is shown again');
});

test('a bot\'s name as plain text says so, with anything else in the same brackets', () => {
  assert.equal(nameText('assistant', true), 'assistant (bot)');
  assert.equal(nameText('bob', false), 'bob');
  assert.equal(nameText('assistant', true, 'private'), 'assistant (bot, private)');
  assert.equal(nameText('bob', false, 'private'), 'bob (private)', 'a person\'s title as it always was');
});
