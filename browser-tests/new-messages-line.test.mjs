// Opening a room with messages one has not read yet (the server keeps how far each person read) shows a
// "New messages" line just before the first of them; a room read to the end shows none.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  eventually, messageListOutline, openRoom, personOn, registerAccount, sendMessage, sendOverOwnSocket,
  serverUnread, uniqueName, unreadCount, waitForMessage,
} from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('new-messages-line');
  node = await work.singleNode();
});

after(() => work?.close());

/** The open room as read, without day lines (a run across midnight would add one). */
async function outline(page) {
  return (await messageListOutline(page)).filter((line) => !line.startsWith('--- '));
}

browserTest('newMessagesLineStandsBeforeTheFirstMessageNotReadYet', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node.url, uniqueName(p))));
  const alicePage = await personOn(session, node.url, alice);
  await openRoom(alicePage, 'topic.news');
  await sendMessage(alicePage, 'Release notes are up');
  await openRoom(alicePage, 'topic.general');
  await sendMessage(alicePage, 'Who is in today?');
  await sendMessage(alicePage, 'I brought cake');

  // bob reads both rooms to the end and answers in one, then closes the tab.
  const bobPage = await personOn(session, node.url, bob);
  await openRoom(bobPage, 'topic.news');
  await waitForMessage(bobPage, 'Release notes are up');
  await openRoom(bobPage, 'topic.general');
  await waitForMessage(bobPage, 'I brought cake');
  await sendMessage(bobPage, 'Me, save me a slice');
  await eventually(async () => assert.deepEqual(await serverUnread(bobPage), {}, 'the server knows bob read it all'));
  await bobPage.close();

  // While he is away alice writes three more; bob answers one from another device that never shows the room.
  await sendMessage(alicePage, 'Cake is in the kitchen');
  const phone = await personOn(session, node.url, bob);
  await sendOverOwnSocket(phone, 'topic.general', ['On my way']);
  await waitForMessage(alicePage, 'On my way');
  await sendMessage(alicePage, 'Hurry, it is going fast');
  await sendMessage(alicePage, 'Too late');
  await phone.close();

  const laptop = await personOn(session, node.url, bob);
  assert.deepEqual(await serverUnread(laptop), { 'topic.general': 3 }, "alice's three, not bob's own");
  await eventually(async () => assert.equal(await unreadCount(laptop, 'topic.general'), 3));
  await openRoom(laptop, 'topic.general');
  await waitForMessage(laptop, 'Too late');
  assert.deepEqual(await outline(laptop), [
    `${alice}: Who is in today?`,
    `${alice}: I brought cake`,
    `${bob}: Me, save me a slice`,
    '=== New messages ===',
    `${alice}: Cake is in the kitchen`,
    `${bob}: On my way`,
    `${alice}: Hurry, it is going fast`,
    `${alice}: Too late`,
  ], 'the line stands before the first message bob has not read');
  await eventually(async () => assert.deepEqual(await serverUnread(laptop), {}, 'opening the room reads it'));

  // A room read to the end: no line, whether read before or just now.
  await openRoom(laptop, 'topic.news');
  await waitForMessage(laptop, 'Release notes are up');
  assert.deepEqual(await outline(laptop), [`${alice}: Release notes are up`], 'no line in a room with nothing new');
  await openRoom(laptop, 'topic.general');
  await waitForMessage(laptop, 'Too late');
  assert.equal(await laptop.locator('#messages .new-marker').count(), 0, 'no line once the room has been read');
});
