// Message text is shown as text, never as HTML, and the composer's keys work as labelled.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import { personOn, registerAccount, sendMessage, uniqueName, waitForMessage } from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('text');
  node = await work.singleNode();
});

after(() => work?.close());

browserTest('htmlInAMessageShowsAsLiteralTextAndRunsNothing', async (session) => {
  const alice = await registerAccount(node.url, uniqueName('alice'));
  const bob = await registerAccount(node.url, uniqueName('bob'));
  const alicePage = await personOn(session, node.url, alice);
  const bobPage = await personOn(session, node.url, bob);

  const attack = '<img src=x onerror=alert(1)>';
  const id = await sendMessage(alicePage, attack);
  assert.equal(await waitForMessage(bobPage, attack), id);
  const plain = `after the img ${Date.now()}`;
  await sendMessage(alicePage, plain);
  await waitForMessage(bobPage, plain);  // anything the first message could have run has had its chance

  for (const page of [alicePage, bobPage]) {
    const shown = page.locator(`#messages .message[data-id="${id}"]`);
    assert.equal(await shown.locator('.text').textContent(), attack);
    assert.equal(await page.locator('#messages img').count(), 0, 'no img element in the messages');
    assert.equal(await page.evaluate(() => window.__xss), undefined);
  }
  assert.deepEqual(session.dialogs, [], 'no alert was opened');
});

browserTest('shiftEnterStartsANewLineAndEnterSends', async (session) => {
  const carol = await registerAccount(node.url, uniqueName('carol'));
  const page = await personOn(session, node.url, carol);
  await page.fill('#message-input', 'first line');
  await page.press('#message-input', 'Shift+Enter');
  await page.type('#message-input', 'second line');
  assert.equal(await page.inputValue('#message-input'), 'first line\nsecond line', 'Shift+Enter did not send');
  await page.press('#message-input', 'Enter');
  await waitForMessage(page, 'first line\nsecond line');
  assert.equal(await page.inputValue('#message-input'), '');
});
