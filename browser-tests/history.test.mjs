// A reload keeps the session and the history; scrolling up loads older messages without the view jumping.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  chatReady, eventually, openRoom, personOn, registerAccount, sendMessage, sendOverOwnSocket, uniqueName,
  waitForMessage,
} from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('history');
  node = await work.singleNode();
});

after(() => work?.close());

/** Where a message sits inside the scrolled #messages box: top offset in px and whether it is in view. */
function placeOf(page, id) {
  return page.evaluate((id) => {
    const box = document.getElementById('messages').getBoundingClientRect();
    const rect = document.querySelector(`#messages .message[data-id="${id}"]`)?.getBoundingClientRect();
    if (!rect) return null;
    return { top: rect.top - box.top, inView: rect.bottom > box.top && rect.top < box.bottom };
  }, id);
}

browserTest('reloadKeepsTheSessionAndScrollingUpLoadsOlderMessages', async (session) => {
  const alice = await registerAccount(node.url, uniqueName('alice'));
  const page = await personOn(session, node.url, alice);
  await openRoom(page, 'topic.general');
  const firstText = 'Morning! Anyone around?';
  const firstId = await sendMessage(page, firstText);

  await page.reload();
  await chatReady(page);
  assert.equal(await page.locator('#login-form').isVisible(), false, 'still logged in');
  assert.equal(await page.evaluate(() => location.hash), '#topic.general', 'the open room is kept');
  assert.equal(await waitForMessage(page, firstText), firstId);
  const first = page.locator(`#messages .message[data-id="${firstId}"]`);
  assert.equal(await first.locator('.sender').textContent(), alice);
  assert.match(await first.locator('.time').textContent(), /^\d\d:\d\d$/);

  // More than a page of history: the newest 50 come first, the rest by scrolling up.
  const texts = Array.from({ length: 70 }, (_, i) => `history ${String(i + 1).padStart(3, '0')}`);
  const stored = await sendOverOwnSocket(page, 'topic.general', texts);
  assert.equal(stored.length, 70);
  await page.reload();
  await chatReady(page);
  await waitForMessage(page, 'history 070');
  const initial = await page.locator('#messages .message').count();
  assert.equal(initial, 50, 'one page of history after the reload');
  assert.equal(await page.locator('#messages .message', { hasText: 'history 001' }).count(), 0);

  const oldestShown = Number(await page.locator('#messages .message').first().getAttribute('data-id'));
  // Measured in the same task as the scroll, so before the page can have reacted to it.
  const before = await page.evaluate((id) => {
    const messages = document.getElementById('messages');
    messages.scrollTop = 0;
    const top = messages.querySelector(`.message[data-id="${id}"]`).getBoundingClientRect().top;
    return { top: top - messages.getBoundingClientRect().top, count: messages.querySelectorAll('.message').length };
  }, oldestShown);
  assert.equal(before.count, 50);
  await eventually(async () => assert.equal(await page.locator('#messages .message').count(), 71));
  const after = await placeOf(page, oldestShown);
  assert.ok(Math.abs(after.top - before.top) < 40,
    `the message at the top stays put while older ones load above it: ${before.top} → ${after.top}`);
  assert.ok(await page.evaluate(() => document.getElementById('messages').scrollTop > 0));

  const ids = (await page.$$eval('#messages .message', (n) => n.map((m) => Number(m.dataset.id))));
  assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'oldest first, each once');
  assert.equal(new Set(ids).size, ids.length);

  await page.evaluate(() => {
    document.getElementById('messages').scrollTop = 0;
  });
  assert.equal((await placeOf(page, stored[0].id)).inView, true, 'the oldest seeded message is in view');
  assert.equal((await placeOf(page, firstId)).inView, true, 'and the very first one');
  await page.locator('#messages .history-edge', { hasText: 'start of the conversation' }).waitFor();
});
