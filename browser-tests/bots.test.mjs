// Bots on the page (issue 19), with the built-in assistant of one real node and two people in the global room: the
// person typing "/" gets the assistant's commands, picks /poll with the keys and asks a poll, which nobody is told
// they are typing; both see it with the bot badge; votes from the second browser move the first one's counts live,
// and are neither messages nor unread; a command nobody registered is refused and said so; /who is answered to its
// asker alone, and gone after a reload. A page whose socket was cut while votes were cast shows the counts as they
// are once it is back. The badge shows in a private chat with a bot, the people list and the person menu.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFailoverProxy } from './lib/failover-proxy.mjs';
import { Workspace, waitFor } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  PASSWORD, chatReady, eventually, openRoom, personOn, privateRoomId, registerAccount, roomLoaded, sendMessage,
  shownMessages, uniqueName, unreadCount, waitForMessage,
} from './lib/chat.mjs';

const ASSISTANT_COMMANDS = ['help', 'poll', 'remind', 'who'];

let work;
let node;
let front;  // a TCP front on the node, to cut one page's socket

before(async () => {
  work = new Workspace('bots');
  node = await work.singleNode();  // the assistant is on by default
  // It registers its commands once its socket is up, which may be a moment after the node says it is.
  const probe = await registerAccount(node.url, uniqueName('probe'));
  const login = await fetch(`${node.url}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: probe, password: PASSWORD }),
  });
  assert.equal(login.status, 200, `log in ${probe}: ${await login.text()}`);
  const cookie = login.headers.get('set-cookie').split(';')[0];
  await waitFor('the assistant\'s commands listed', async () => {
    const listed = await (await fetch(`${node.url}/api/commands`, { headers: { Cookie: cookie } })).json();
    const names = listed.commands.filter((c) => c.bot === 'assistant').map((c) => c.name);
    return ASSISTANT_COMMANDS.every((name) => names.includes(name));
  }, { timeout: 60_000, interval: 1_000 });
  front = await startFailoverProxy([node.port]);
});

after(async () => {
  await front?.close();
  await work?.close();
});

/** The completion list as shown: [{ name, bot, badge, selected }], top to bottom. */
function commandList(page) {
  return page.$$eval('#command-menu:not([hidden]) .command-option', (items) => items.map((item) => ({
    name: item.querySelector('.command-name').textContent,
    bot: item.querySelector('.command-bot-name').textContent,
    badge: item.querySelector('.bot-badge')?.textContent ?? null,
    selected: item.getAttribute('aria-selected') === 'true',
  })));
}

/** The open room's poll asking `question`: its sender, badge and options as { label, count, mine }. */
function pollShown(page, question) {
  return page.$$eval('#messages .message.with-poll', (nodes, q) => {
    const found = nodes.find((n) => n.querySelector('.text')?.textContent === q);
    return found ? {
      id: Number(found.dataset.id),
      sender: found.querySelector('.sender').textContent,
      badge: found.querySelector('.meta .bot-badge')?.textContent ?? null,
      options: [...found.querySelectorAll('.poll-option')].map((o) => ({
        label: o.querySelector('.poll-label').textContent,
        count: Number(o.querySelector('.poll-count').textContent),
        mine: o.getAttribute('aria-pressed') === 'true',
      })),
    } : null;
  }, question);
}

async function expectPoll(page, question, options) {
  await eventually(async () => {
    const poll = await pollShown(page, question);
    assert.ok(poll, `the poll "${question}" is shown`);
    assert.deepEqual(poll.options, options);
  });
}

/** Clicks option `label` of the poll asking `question` and waits until the page has the server's answer. */
async function vote(page, question, label) {
  const poll = page.locator('#messages .message.with-poll', { has: page.locator(`.text:text-is("${question}")`) });
  await poll.locator('.poll-option', { has: page.locator(`.poll-label:text-is("${label}")`) }).click();
  await poll.locator('.poll[aria-busy="true"]').waitFor({ state: 'detached' });
}

browserTest('aPollPickedFromTheCommandListIsVotedOnLiveAndWhoAnswersOnlyItsAsker', async (session) => {
  const alice = await registerAccount(node.url, uniqueName('alice'));
  const bob = await registerAccount(node.url, uniqueName('bob'));
  const a = await personOn(session, node.url, alice);
  const b = await personOn(session, node.url, bob);

  // "/" lists the assistant's commands, each with its bot and the badge; the arrows choose, Enter picks.
  await a.focus('#message-input');
  await a.keyboard.type('/');
  let listed = [];
  await eventually(async () => {
    listed = await commandList(a);
    assert.deepEqual(listed.filter((c) => c.bot === 'assistant').map((c) => c.name),
      ASSISTANT_COMMANDS.map((name) => `/${name}`));
  });
  for (const command of listed.filter((c) => c.bot === 'assistant')) assert.equal(command.badge, 'bot');
  assert.equal(await a.getAttribute('#message-input', 'aria-expanded'), 'true');
  assert.equal(listed[0].selected, true, 'the first is chosen');
  for (let i = 0; i < listed.findIndex((c) => c.name === '/poll'); i++) await a.keyboard.press('ArrowDown');
  assert.equal((await commandList(a)).find((c) => c.selected).name, '/poll');
  await a.keyboard.press('Enter');
  assert.equal(await a.inputValue('#message-input'), '/poll ', 'picked, not sent');
  assert.ok(await a.locator('#command-menu').isHidden(), 'the list closes once the arguments follow');

  // The command is no message: nothing of it is shown, the composer is cleared, and the poll comes from the bot.
  await a.keyboard.type('"Lunch?" "Pizza" "Sushi"');
  await a.keyboard.press('Enter');
  const fresh = [{ label: 'Pizza', count: 0, mine: false }, { label: 'Sushi', count: 0, mine: false }];
  await expectPoll(a, 'Lunch?', fresh);
  await expectPoll(b, 'Lunch?', fresh);
  assert.equal(await a.inputValue('#message-input'), '');
  assert.ok(await a.locator('#send-error').isHidden());
  // While A typed the command, B was told of no typing (it shows for 3 s after each event); a message is announced.
  assert.equal(await b.textContent('#typing-indicator'), '', 'a command being typed is announced to nobody');
  await a.focus('#message-input');
  await a.keyboard.type('not a command');
  await b.locator('#typing-indicator', { hasText: `${alice} is typing` }).waitFor();
  await a.fill('#message-input', '');
  for (const page of [a, b]) {
    const poll = await pollShown(page, 'Lunch?');
    assert.equal(poll.sender, 'assistant');
    assert.equal(poll.badge, 'bot', 'the assistant\'s name carries the badge');
    assert.deepEqual((await shownMessages(page)).filter((m) => m.text.startsWith('/poll')), [],
      'the command itself is not a message');
  }

  // B votes Sushi: A's count follows live; B's own vote is marked.
  await vote(b, 'Lunch?', 'Sushi');
  await expectPoll(b, 'Lunch?', [{ label: 'Pizza', count: 0, mine: false }, { label: 'Sushi', count: 1, mine: true }]);
  await expectPoll(a, 'Lunch?', [{ label: 'Pizza', count: 0, mine: false }, { label: 'Sushi', count: 1, mine: false }]);

  // B changes to Pizza while A is in another room: the counts follow there too, and a vote is not unread; the
  // message B writes after it is, alone.
  await openRoom(a, 'topic.general');
  await vote(b, 'Lunch?', 'Pizza');
  await expectPoll(b, 'Lunch?', [{ label: 'Pizza', count: 1, mine: true }, { label: 'Sushi', count: 0, mine: false }]);
  await sendMessage(b, 'pizza it is');
  await eventually(async () => assert.equal(await unreadCount(a, 'global'), 1, 'the message, not the votes'));
  await openRoom(a, 'global');
  await expectPoll(a, 'Lunch?', [{ label: 'Pizza', count: 1, mine: false }, { label: 'Sushi', count: 0, mine: false }]);
  const outline = (await shownMessages(a)).map((m) => `${m.sender}: ${m.text}`);
  assert.deepEqual(outline, ['assistant: Lunch?', `${bob}: pizza it is`], 'votes are no messages');

  // A command nobody registered: refused at once and said so; nothing is sent, what was typed stays.
  await a.focus('#message-input');
  await a.fill('#message-input', '/nosuch');
  await a.locator('#command-menu .command-status').filter({ hasText: 'No command starts with /nosuch.' }).waitFor();
  await a.press('#message-input', 'Enter');
  await a.locator('#send-error:not([hidden])').waitFor();
  assert.equal(await a.textContent('#send-error'), 'Not sent: no such command /nosuch');
  assert.equal(await a.inputValue('#message-input'), '/nosuch');

  // /who: the answer only A sees, marked so, with the badge; B, who gets A's next message, never gets it.
  await a.fill('#message-input', '/who');
  await a.press('#message-input', 'Enter');
  const answer = a.locator('#messages .ephemeral');
  await answer.waitFor();
  assert.equal(await a.inputValue('#message-input'), '');
  assert.equal(await answer.locator('.sender').textContent(), 'assistant');
  assert.equal(await answer.locator('.bot-badge').textContent(), 'bot');
  assert.equal(await answer.locator('.ephemeral-note').textContent(), 'Only you can see this');
  assert.match(await answer.locator('.text').textContent(), new RegExp(alice), 'it names who is online here');
  assert.equal(await unreadCount(a, 'global'), 0);
  await sendMessage(a, 'after who');
  await waitForMessage(b, 'after who');
  assert.equal(await b.locator('#messages .ephemeral').count(), 0, 'B never got A\'s answer');

  // After a reload the answer is gone (it was never stored) and the poll comes back from history with B's vote.
  await a.reload();
  await chatReady(a);
  await roomLoaded(a, 'global');
  await waitForMessage(a, 'after who');
  assert.equal(await a.locator('#messages .ephemeral').count(), 0, 'not stored: gone after a reload');
  await b.reload();
  await chatReady(b);
  await expectPoll(b, 'Lunch?', [{ label: 'Pizza', count: 1, mine: true }, { label: 'Sushi', count: 0, mine: false }]);

  // Choosing one's own vote again takes it back.
  await vote(b, 'Lunch?', 'Pizza');
  await expectPoll(b, 'Lunch?', [{ label: 'Pizza', count: 0, mine: false }, { label: 'Sushi', count: 0, mine: false }]);
  await expectPoll(a, 'Lunch?', [{ label: 'Pizza', count: 0, mine: false }, { label: 'Sushi', count: 0, mine: false }]);
});

browserTest('aPrivateChatWithABotAndThePeopleListShowTheBadge', async (session) => {
  const carol = await registerAccount(node.url, uniqueName('carol'));
  const page = await personOn(session, node.url, carol);
  await page.fill('#people-search', 'assistant');
  const listed = page.locator('#people-list [data-user="assistant"]');
  await listed.locator('.bot-badge').waitFor();
  assert.match(await listed.getAttribute('aria-label'), /assistant \(bot\)/);
  await listed.click();
  const dm = privateRoomId(carol, 'assistant');
  await roomLoaded(page, dm);
  await page.locator('#room-bot:not([hidden])').waitFor();
  await page.locator(`#room-list [data-room="${dm}"] .bot-badge`).waitFor();
  // After a reload the page knows it from nothing but the room's id: it asks the people search.
  await page.reload();
  await chatReady(page);
  await roomLoaded(page, dm);
  await page.locator('#room-bot:not([hidden])').waitFor();
  await page.locator(`#room-list [data-room="${dm}"] .bot-badge`).waitFor();
  await openRoom(page, 'global');
  assert.ok(await page.locator('#room-bot').isHidden(), 'no badge on a room that is no bot\'s');

  // The person menu's title carries it too.
  await page.fill('#people-search', 'assistant');
  await page.locator('#people-list [data-person-menu="assistant"]').click();
  await page.locator('#person-modal.show').waitFor();
  assert.equal(await page.textContent('#person-title .person-title-name'), 'assistant');
  assert.equal(await page.textContent('#person-title .bot-badge'), 'bot');
  await page.click('#person-modal .close-x');
  await page.locator('#person-modal').waitFor({ state: 'hidden' });

  // A bot of carol's asks her to connect (as a program can, with its token): her notice says it is a bot.
  const botName = uniqueName('greeter');
  const token = await page.evaluate(async (name) => {
    const made = await fetch('/api/bots', { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }) });
    return (await made.json()).token;
  }, botName);
  const asked = await fetch(`${node.url}/api/contacts/requests`, { method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: carol }) });
  assert.equal(asked.status, 201, await asked.text());
  await page.locator('#notices-badge:not([hidden])').waitFor();
  await page.click('#notices-button');
  await page.locator('#notices-modal.show').waitFor();
  const row = page.locator(`#notices-list [data-from="${botName}"]`);
  assert.equal(await row.locator('.notice-from').textContent(), botName);
  await row.locator('.bot-badge').waitFor();
});

browserTest('votesCastWhileAPageWasAwayShowOnceItIsBack', async (session) => {
  const dave = await registerAccount(node.url, uniqueName('dave'));
  const erin = await registerAccount(node.url, uniqueName('erin'));
  const d = await personOn(session, front.url, dave);  // through the front, whose cut drops its socket
  const e = await personOn(session, node.url, erin);
  for (const page of [d, e]) await openRoom(page, 'topic.general');
  await e.fill('#message-input', '/poll "Tea?" "Green" "Black"');
  await e.press('#message-input', 'Enter');
  const fresh = [{ label: 'Green', count: 0, mine: false }, { label: 'Black', count: 0, mine: false }];
  await expectPoll(d, 'Tea?', fresh);
  await expectPoll(e, 'Tea?', fresh);

  // D's socket is cut and its reconnects wait at the front while E votes: the live counts never reach D.
  front.hold();
  front.cut();
  await d.waitForFunction(() => document.getElementById('connection-status').dataset.state !== 'open');
  await vote(e, 'Tea?', 'Black');
  await expectPoll(e, 'Tea?', [{ label: 'Green', count: 0, mine: false }, { label: 'Black', count: 1, mine: true }]);
  assert.deepEqual((await pollShown(d, 'Tea?')).options, fresh, 'D was away');

  // Back, D's page reads the poll again: the counts as they are now, without a reload.
  front.release();
  await d.locator('#connection-status[data-state="open"]').waitFor({ timeout: 30_000 });
  await expectPoll(d, 'Tea?', [{ label: 'Green', count: 0, mine: false }, { label: 'Black', count: 1, mine: false }]);
  // And live again: E's change of mind reaches D as it happens.
  await vote(e, 'Tea?', 'Green');
  await expectPoll(d, 'Tea?', [{ label: 'Green', count: 1, mine: false }, { label: 'Black', count: 0, mine: false }]);
});
