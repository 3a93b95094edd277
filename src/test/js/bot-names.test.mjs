// Bot names (webroot/js/bot-names.js): who is a bot, learnt from messages, the people search and commands' owners.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BotNames } from '../../../webroot/js/bot-names.js';

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
