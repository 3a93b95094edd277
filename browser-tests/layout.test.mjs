// The chat page fits a phone and a desktop screen: no sideways scrolling, the composer always reachable.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  chatReady, openRoom, personOn, registerAccount, roomLoaded, sendMessage, uniqueName,
} from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('layout');
  node = await work.singleNode();
});

after(() => work?.close());

async function assertFits(page, what) {
  const { scrollWidth, innerWidth, messagesOverflow } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    messagesOverflow: document.getElementById('messages').scrollWidth - document.getElementById('messages').clientWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: page ${scrollWidth} px wide in a ${innerWidth} px window`);
  assert.ok(messagesOverflow <= 0, `${what}: messages overflow sideways by ${messagesOverflow} px`);
  for (const id of ['message-input', 'send-button']) {
    const control = page.locator(`#${id}`);
    assert.ok(await control.isVisible(), `${what}: #${id} visible`);
    const box = await control.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= innerWidth, `${what}: #${id} inside the window`);
    const viewport = page.viewportSize();
    assert.ok(box.y >= 0 && box.y + box.height <= viewport.height, `${what}: #${id} on screen without scrolling`);
  }
}

for (const [width, height] of [[375, 740], [1440, 900]]) {
  browserTest(`chatFitsA${width}pxWideScreen`, async (session) => {
    // A long name and a long unbroken word are the usual ways a chat page grows sideways. The name is the
    // longest allowed (20), with all of uniqueName's random suffix kept: cutting it made both tests collide.
    const name = uniqueName('a_rather_long');
    await registerAccount(node.url, name);
    const page = await personOn(session, node.url, name, { viewport: { width, height } });
    await sendMessage(page, `${'unbroken'.repeat(40)} and a https://example.com/${'path/'.repeat(30)} link`);
    await assertFits(page, `${width} px, global`);

    if (width < 992) {
      // The room list folds away behind a button and comes back over the chat.
      assert.equal(await page.locator('#room-list').isVisible(), false, 'room list collapsed');
      await page.click('.sidebar-toggle');
      await page.locator('#room-list [data-room="topic.news"]').click();
      await roomLoaded(page, 'topic.news');
      await page.locator('#sidebar').waitFor({ state: 'hidden' });
    } else {
      assert.ok(await page.locator('#room-list').isVisible(), 'room list shown beside the chat');
      await openRoom(page, 'topic.news');
    }
    await chatReady(page);
    await assertFits(page, `${width} px, topic.news`);
  });
}
