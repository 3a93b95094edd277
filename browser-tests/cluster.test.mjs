// Two clustered nodes on one HSQLDB server, people on different nodes: messages of every kind, presence,
// typing and unread counts cross between them, and a private room stays private.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  chatReady, eventually, openRoom, personOn, privateRoomId, registerAccount, roomItem, sendMessage, serverUnread,
  tryRoomFromPage, uniqueName, unreadBadge, unreadCount, waitForMessage,
} from './lib/chat.mjs';

let work;
let node1;
let node2;

before(async () => {
  work = new Workspace('cluster');
  [node1, node2] = await work.cluster();
});

after(() => work?.close());

/** Narrows the people list to `name` and returns that person's presence dot. */
async function presenceDot(page, name) {
  await page.fill('#people-search', name);
  const dot = page.locator(`#people-list [data-user="${name}"] .presence`);
  await dot.waitFor();
  return dot;
}

browserTest('globalTopicAndPrivateMessagesCrossNodesAndNeverReachAThirdUser', async (session) => {
  const [alice, bob, carol] = await Promise.all(
    ['alice', 'bob', 'carol'].map((p) => registerAccount(node1.url, uniqueName(p))));
  const alicePage = await personOn(session, node1.url, alice);
  const bobPage = await personOn(session, node2.url, bob);
  const carolPage = await personOn(session, node1.url, carol);

  const hello = `Hi all, ${alice} here on node 1`;
  const helloId = await sendMessage(alicePage, hello);
  assert.equal(await waitForMessage(bobPage, hello), helloId, 'global: alice → bob across nodes');
  assert.equal(await waitForMessage(carolPage, hello), helloId);

  await openRoom(alicePage, 'topic.news');
  await openRoom(bobPage, 'topic.news');
  const news = 'The release is out, notes are in the wiki';
  const newsId = await sendMessage(bobPage, news);
  assert.equal(await waitForMessage(alicePage, news), newsId, 'topic: bob → alice across nodes');

  // alice finds bob by name and writes to him privately; bob has not opened that room.
  const dm = privateRoomId(alice, bob);
  await alicePage.fill('#people-search', bob.slice(0, 5));
  await alicePage.click(`#people-list [data-user="${bob}"]`);
  await alicePage.waitForFunction((id) => location.hash === `#${id}`, dm);
  const secret = `psst ${bob}, the door code is 4711`;
  const secretId = await sendMessage(alicePage, secret);
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 1, 'the private room shows up unread'));
  await openRoom(bobPage, dm);
  assert.equal(await waitForMessage(bobPage, secret), secretId, 'private: alice → bob across nodes');
  const reply = 'Thanks, got it';
  const replyId = await sendMessage(bobPage, reply);
  assert.equal(await waitForMessage(alicePage, reply), replyId, 'private: bob → alice across nodes');

  // carol has seen the global message but nothing of the private room.
  await waitForMessage(carolPage, hello);
  assert.equal(await roomItem(carolPage, dm).count(), 0, 'carol lists no such room');
  const carolText = await carolPage.evaluate(() => document.body.innerText + document.title);
  assert.ok(!carolText.includes(secret) && !carolText.includes(reply), 'carol never sees the private texts');
  await carolPage.goto(`/#${dm}`);
  await carolPage.reload();
  await chatReady(carolPage);
  assert.notEqual(await carolPage.evaluate(() => location.hash), `#${dm}`, 'the page will not open it for carol');
  assert.equal(await roomItem(carolPage, dm).count(), 0);
  assert.equal(await carolPage.locator('#messages .message', { hasText: 'door code' }).count(), 0);
  const refused = await tryRoomFromPage(carolPage, dm);
  assert.match(refused.history, /^refused/, `the server refuses carol its history: ${refused.history}`);
  assert.notEqual(refused.register, 'ok', 'the server refuses carol a subscription');
  assert.ok(!(await carolPage.evaluate(() => document.body.innerText)).includes(secret));

  // A second device of alice's lists the private room from the server, not from this browser's storage.
  const laptop = await personOn(session, node2.url, alice);
  await roomItem(laptop, dm).waitFor();
  await openRoom(laptop, dm);
  assert.equal(await waitForMessage(laptop, secret), secretId);
});

browserTest('presenceAndTypingShowOnTheOtherNode', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node1.url, uniqueName(p))));
  const bobPage = await personOn(session, node2.url, bob);
  const dot = await presenceDot(bobPage, alice);
  assert.equal(await dot.getAttribute('data-online'), 'false', 'alice starts offline');

  const alicePage = await personOn(session, node1.url, alice);
  await bobPage.locator(`#people-list [data-user="${alice}"] .presence[data-online="true"]`).waitFor();

  await alicePage.locator('#message-input').pressSequentially('Are we still on for lunch');
  await bobPage.locator('#typing-indicator', { hasText: `${alice} is typing…` }).waitFor();
  assert.equal(await alicePage.textContent('#typing-indicator'), '', 'nobody sees their own typing');
  await alicePage.press('#message-input', 'Enter');
  await waitForMessage(bobPage, 'Are we still on for lunch');
  // Her message ends the typing line at once (it would otherwise stay a few seconds).
  await bobPage.locator('#typing-indicator', { hasText: 'typing' }).waitFor({ state: 'detached', timeout: 2_000 });

  await alicePage.close();
  await bobPage.locator(`#people-list [data-user="${alice}"] .presence[data-online="false"]`)
    .waitFor({ timeout: 15_000 });
});

browserTest('unreadBadgeRisesClearsAndSurvivesAReload', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node1.url, uniqueName(p))));
  const alicePage = await personOn(session, node1.url, alice);
  const bobPage = await personOn(session, node2.url, bob);
  await openRoom(alicePage, 'topic.general');
  assert.equal(await unreadCount(bobPage, 'topic.general'), 0);

  await sendMessage(alicePage, 'Standup moved to 10:30');
  await sendMessage(alicePage, 'Same room as usual');
  await eventually(async () => assert.equal(await unreadCount(bobPage, 'topic.general'), 2));
  assert.match(await bobPage.title(), /^\(2\) /, 'the tab title counts too');

  // Opening the room clears it, and the server remembers that across a reload.
  await openRoom(bobPage, 'topic.general');
  await waitForMessage(bobPage, 'Same room as usual');
  await unreadBadge(bobPage, 'topic.general').waitFor({ state: 'hidden' });
  await eventually(async () => assert.ok(!(await serverUnread(bobPage))['topic.general'],
    'GET /api/unread has no count left for topic.general'));
  await openRoom(bobPage, 'global');
  await bobPage.reload();
  await chatReady(bobPage);
  assert.equal(await unreadCount(bobPage, 'topic.general'), 0, 'still read after a reload');

  // A count that is not cleared comes back after a reload too.
  await openRoom(alicePage, 'topic.news');
  await sendMessage(alicePage, 'Who has the projector key?');
  await eventually(async () => assert.equal(await unreadCount(bobPage, 'topic.news'), 1));
  await bobPage.reload();
  await chatReady(bobPage);
  await eventually(async () => assert.equal(await unreadCount(bobPage, 'topic.news'), 1,
    'the unread count survives a reload'), { timeout: 5_000 });
  assert.equal(await unreadCount(bobPage, 'topic.general'), 0);
  assert.match(await bobPage.title(), /^\(1\) /);
});
