// Slash commands in the composer (webroot/js/commands.js): what is a command's name being typed, which commands match
// it and in what order, when the list is asked of the server, and what the completion list's keys do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CommandCatalog, CommandCompletion, MAX_SHOWN, REFRESH_AFTER, RETRY_AFTER, isCommandText, matchCommands, readCommands,
  typedCommand, usageArgs,
} from '../../../webroot/js/commands.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

const ASSISTANT = [
  { name: 'who', bot: 'assistant', description: 'Who is online in this room', usage: '/who' },
  { name: 'remind', bot: 'assistant', description: 'A reminder, privately', usage: '/remind <when> <text>' },
  { name: 'poll', bot: 'assistant', description: 'A poll in this room', usage: '/poll "question" "option" "option" …' },
  { name: 'help', bot: 'assistant', description: 'Every command here', usage: '/help' },
];
const names = (list) => list.map((c) => c.name);

// A commands endpoint whose answers the test hands out by hand.
function catalog(clock = new FakeClock()) {
  const page = { clock, asked: [], changes: 0 };
  page.catalog = new CommandCatalog({
    fetch: () => new Promise((resolve, reject) => page.asked.push({ resolve, reject })),
    clock,
    changed: () => page.changes++,
  });
  return page;
}

test('only "/" and a name, or the start of one, is a command being typed', () => {
  assert.equal(typedCommand('/'), '');
  assert.equal(typedCommand('/po'), 'po');
  assert.equal(typedCommand('/Po'), 'po', 'matched without case; picking writes the name as registered');
  assert.equal(typedCommand('/poll '), null, 'a space: the arguments are being typed');
  assert.equal(typedCommand('/etc/hosts'), null);
  assert.equal(typedCommand('hello /poll'), null);
  assert.equal(typedCommand(' /poll'), null);
  assert.equal(typedCommand(''), null);
  assert.equal(typedCommand(`/${'a'.repeat(33)}`), null, 'longer than any name can be');
});

test('a text the server takes for a command, or a command\'s name being typed, is no message', () => {
  for (const text of ['/', '/p', '/Po', '/poll', '/poll "Lunch?" "a" "b"', '/remind in 10m\ntea', '  /who  ',
    '/nosuch', '/nosuch with words']) {
    assert.equal(isCommandText(text), true, text);
  }
  for (const text of ['', 'hello', 'a /who', '/etc/hosts', '/who/', '/Who are you', '//', '/ who', '/wh.o',
    `/${'a'.repeat(33)} x`]) {
    assert.equal(isCommandText(text), false, text);
  }
});

test('the server\'s list is read leniently: bad entries go, a missing usage is the name', () => {
  const read = readCommands({
    commands: [
      { name: 'who', bot: 'assistant', description: 'Who is here', usage: '/who' },
      { name: 'deploy', bot: 'shipit' },
      { name: 'Bad Name', bot: 'x' },
      { name: 'nobot' },
      null,
      'help',
    ],
  });
  assert.deepEqual(read, [
    { name: 'who', bot: 'assistant', description: 'Who is here', usage: '/who' },
    { name: 'deploy', bot: 'shipit', description: '', usage: '/deploy' },
  ]);
  assert.deepEqual(readCommands(null), []);
  assert.deepEqual(readCommands({ commands: 'no' }), []);
});

test('an exact name comes first, then names starting with what is typed, then names containing it, each by name',
  () => {
    const list = [...ASSISTANT, { name: 'pollster', bot: 'b' }, { name: 'apoll', bot: 'c' }, { name: 'po', bot: 'd' }]
      .map((c) => ({ description: '', usage: `/${c.name}`, ...c }));
    assert.deepEqual(names(matchCommands(list, 'po')), ['po', 'poll', 'pollster', 'apoll']);
    assert.deepEqual(names(matchCommands(list, 'poll')), ['poll', 'pollster', 'apoll']);
    assert.deepEqual(names(matchCommands(list, '')), ['apoll', 'help', 'po', 'poll', 'pollster', 'remind', 'who'],
      'a lone slash lists them all by name');
    assert.deepEqual(names(matchCommands(list, 'zzz')), []);
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `c${String(i).padStart(2, '0')}`, bot: 'b' }));
    assert.equal(matchCommands(many, 'c').length, MAX_SHOWN);
  });

test('the usage shown beside a name is what follows the name', () => {
  assert.equal(usageArgs(ASSISTANT[2]), '"question" "option" "option" …');
  assert.equal(usageArgs(ASSISTANT[0]), '');
  assert.equal(usageArgs({ name: 'x', usage: 'x <thing>' }), 'x <thing>', 'a usage not starting with /x stays whole');
});

test('the list is asked for once when first needed, and again only once it is older than a few minutes', async () => {
  const page = catalog();
  assert.equal(page.catalog.loaded, false);
  assert.equal(page.catalog.need(), true);
  assert.equal(page.catalog.need(), false, 'one request at a time');
  assert.equal(page.asked.length, 1);
  page.asked[0].resolve({ commands: ASSISTANT });
  await settle();
  assert.equal(page.catalog.loaded, true);
  assert.deepEqual(names(page.catalog.list()), ['who', 'remind', 'poll', 'help']);
  assert.ok(page.changes >= 2, 'told when it started loading and when the list came');

  page.clock.advance(REFRESH_AFTER - 1);
  assert.equal(page.catalog.need(), false);
  page.clock.advance(1);
  assert.equal(page.catalog.need(), true);
  assert.deepEqual(names(page.catalog.list()), ['who', 'remind', 'poll', 'help'], 'the old list meanwhile');
  page.asked[1].resolve({ commands: ASSISTANT.slice(0, 1) });
  await settle();
  assert.deepEqual(names(page.catalog.list()), ['who']);
});

test('a failed request keeps the list it had and is tried again after a pause, not on every key', async () => {
  const page = catalog();
  page.catalog.need();
  page.asked[0].reject(new Error('offline'));
  await settle();
  assert.equal(page.catalog.loaded, false);
  assert.equal(page.catalog.failed, true);
  assert.equal(page.catalog.need(), false);
  page.clock.advance(RETRY_AFTER);
  assert.equal(page.catalog.need(), true);
  page.asked[1].resolve({ commands: ASSISTANT });
  await settle();
  assert.equal(page.catalog.failed, false);

  page.catalog.stale();
  assert.equal(page.catalog.need(), true, 'asked again at once when known to be out of date');
});

async function completion() {
  const page = catalog();
  page.completion = new CommandCompletion(page.catalog);
  page.completion.update('/');
  page.asked[0].resolve({ commands: ASSISTANT });
  await settle();
  page.completion.update('/');
  return page;
}

test('typing "/" opens the list with every command; the arguments, or other text, close it', async () => {
  const page = catalog();
  const c = new CommandCompletion(page.catalog);
  c.update('hello');
  assert.equal(c.open, false);
  assert.equal(page.asked.length, 0, 'text that is no command asks the server nothing');
  c.update('/');
  assert.equal(c.open, true);
  assert.equal(c.status(), 'Loading commands…');
  page.asked[0].resolve({ commands: ASSISTANT });
  await settle();
  c.update('/');
  assert.deepEqual(names(c.items), ['help', 'poll', 'remind', 'who']);
  assert.equal(c.status(), null);
  c.update('/re');
  assert.deepEqual(names(c.items), ['remind']);
  c.update('/nosuch');
  assert.deepEqual(c.items, []);
  assert.equal(c.status(), 'No command starts with /nosuch.');
  c.update('/remind ');
  assert.equal(c.open, false);
});

test('arrows choose (round the ends), Enter and Tab pick "/name ", Escape closes until the text changes',
  async () => {
    const { completion: c } = await completion();
    assert.equal(c.selected, 0);
    assert.equal(c.key('ArrowDown'), 'moved');
    assert.equal(c.items[c.selected].name, 'poll');
    assert.equal(c.key('ArrowUp'), 'moved');
    assert.equal(c.key('ArrowUp'), 'moved');
    assert.equal(c.items[c.selected].name, 'who', 'up from the first is the last');
    assert.equal(c.key('ArrowDown'), 'moved');
    assert.equal(c.items[c.selected].name, 'help');
    c.key('ArrowDown');
    assert.equal(c.key('Enter'), 'pick');
    assert.equal(c.pick(), '/poll ');
    assert.equal(c.open, false, 'the arguments follow: the list is closed');

    c.update('/re');
    assert.equal(c.key('Tab'), 'pick');
    assert.equal(c.key('Tab', { shift: true }), null, 'Shift+Tab moves the focus as usual');
    assert.equal(c.key('Enter', { shift: true }), null, 'Shift+Enter is a new line as usual');
    assert.equal(c.key('a'), null);
    assert.equal(c.key('Escape'), 'closed');
    assert.equal(c.open, false);
    assert.equal(c.key('Enter'), null, 'closed: Enter sends');
    c.update('/re');
    assert.equal(c.open, false, 'the same text: still closed');
    c.update('/rem');
    assert.equal(c.open, true, 'typing opens it again');
  });

test('Enter sends a command typed in full, and picks when the chosen one is another or differs in case', async () => {
  const { completion: c } = await completion();
  c.update('/who');
  assert.deepEqual(names(c.items), ['who']);
  assert.equal(c.key('Enter'), null, 'nothing to complete: the composer sends "/who"');
  assert.equal(c.key('Tab'), 'pick', 'Tab still writes "/who "');
  c.update('/Who');
  assert.equal(c.key('Enter'), 'pick', '"/Who" would be text: picked as "/who " instead');
  c.update('/nosuch');
  assert.equal(c.key('Enter'), null, 'no command offered: sent, and the server says there is none');
  assert.equal(c.key('ArrowDown'), null);
});

test('the chosen command stays chosen while typing narrows the list, and a click picks any', async () => {
  const { completion: c } = await completion();
  c.update('/');
  c.key('ArrowDown');
  c.key('ArrowDown');
  assert.equal(c.items[c.selected].name, 'remind');
  c.update('/r');
  assert.equal(c.items[c.selected].name, 'remind');
  c.update('/');
  assert.equal(c.items[c.selected].name, 'remind');
  assert.equal(c.pick(3), '/who ');
  assert.equal(c.pick(9), null);
});

test('a catalog that cannot answer says so, and one with no commands says that', async () => {
  const page = catalog();
  const c = new CommandCompletion(page.catalog);
  c.update('/');
  page.asked[0].reject(new Error('down'));
  await settle();
  c.update('/');
  assert.equal(c.status(), 'Could not load the commands.');
  page.clock.advance(RETRY_AFTER);
  c.update('/p');
  page.asked[1].resolve({ commands: [] });
  await settle();
  c.update('/p');
  assert.equal(c.status(), 'No bot has commands yet.');
});

test('a name the list lacks, or an empty list, is asked for again sooner: a bot may have registered it since',
  async () => {
    const page = catalog();
    const c = new CommandCompletion(page.catalog);
    c.update('/');
    page.asked[0].resolve({ commands: [] });
    await settle();
    c.update('/p');
    assert.equal(page.asked.length, 1, 'just answered');
    page.clock.advance(RETRY_AFTER);
    c.update('/');
    assert.equal(page.asked.length, 2, 'an empty list is asked again after a short while');
    page.asked[1].resolve({ commands: ASSISTANT });
    await settle();

    page.clock.advance(RETRY_AFTER);
    c.update('/po');
    assert.equal(page.asked.length, 2, 'what is typed is listed: the list stands for minutes');
    c.update('/deploy');
    assert.equal(page.asked.length, 3, 'what is typed is not listed: asked again');
    assert.equal(c.status(), 'No command starts with /deploy.', 'said meanwhile');
    page.asked[2].resolve({ commands: [...ASSISTANT, { name: 'deploy', bot: 'shipit', usage: '/deploy <version>' }] });
    await settle();
    c.update('/deploy');
    assert.deepEqual(names(c.items), ['deploy']);
    c.update('/deployx');
    assert.equal(page.asked.length, 3, 'not again within the short while');
  });

test('after a send the next list starts from its first command again', async () => {
  const { completion: c } = await completion();
  c.update('/who');
  assert.equal(c.items[c.selected].name, 'who');
  c.sent();
  assert.equal(c.open, false);
  c.update('/');
  assert.equal(c.open, true);
  assert.equal(c.items[c.selected].name, 'help');
});
