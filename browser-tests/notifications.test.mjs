// Desktop notifications: a private message to someone whose tab is hidden raises one, once they have allowed
// notifications; none while the tab is in front, none for a public room, none while the browser refuses them.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  clickNotification, eventually, notificationsShown, openPrivateChat, openRoom, personOn, privateRoomId,
  recordNotifications, registerAccount, roomLoaded, sendMessage, setTabHidden, uniqueName, unreadCount,
  waitForMessage,
} from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('notifications');
  node = await work.singleNode();
});

after(() => work?.close());

/** What the page shows for a private message from `sender`. */
const privateNotification = (sender, text, room) => ({ title: `${sender} (private)`, body: text, tag: room });

// The page counts a message as unread right after deciding on its notification, so a risen badge means that
// decision is made. Each test still ends on a notification that must come, and then checks the whole list: one
// raised late for an earlier message would show up there too.

browserTest('privateMessageToAHiddenTabRaisesANotificationOnlyOnceAllowed', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node.url, uniqueName(p))));
  const alicePage = await personOn(session, node.url, alice);
  const bobPage = await personOn(session, node.url, bob, { beforeOpen: recordNotifications });
  const dm = privateRoomId(alice, bob);
  const enable = bobPage.locator('#notify-button');
  assert.equal(await bobPage.evaluate(() => Notification.permission), 'default');
  await enable.waitFor();
  assert.match(await enable.textContent(), /Enable notifications/);

  // Not allowed yet: a private message to the hidden tab is only counted.
  await setTabHidden(bobPage, true);
  await openPrivateChat(alicePage, bob);
  await sendMessage(alicePage, 'Lunch at noon?');
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 1));
  assert.deepEqual(await notificationsShown(bobPage), [], 'no notification before bob allowed them');

  // bob clicks the button and says yes to the browser's question (headless Chromium asks nobody: the grant is
  // that answer); the button has done its job and goes.
  await setTabHidden(bobPage, false);
  await bobPage.context().grantPermissions(['notifications'], { origin: node.url });
  await enable.click();
  await enable.waitFor({ state: 'hidden' });

  await setTabHidden(bobPage, true);
  const booked = 'The table is booked for 12:15, see you there';
  await sendMessage(alicePage, booked);
  await eventually(async () => assert.deepEqual(await notificationsShown(bobPage),
    [privateNotification(alice, booked, dm)]));

  // A public room's message is no reason for one, even to a hidden tab.
  await openRoom(alicePage, 'global');
  await sendMessage(alicePage, 'Anyone else coming to lunch?');
  await eventually(async () => assert.equal(await unreadCount(bobPage, 'global'), 1));

  // With the tab in front the message is on the page: no notification either.
  await setTabHidden(bobPage, false);
  await openRoom(alicePage, dm);
  await sendMessage(alicePage, 'Or shall we say 12:30?');
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 3));

  await setTabHidden(bobPage, true);
  const confirmed = '12:30 it is';
  await sendMessage(alicePage, confirmed);
  await eventually(async () => assert.ok((await notificationsShown(bobPage)).length >= 2));
  assert.deepEqual(await notificationsShown(bobPage),
    [privateNotification(alice, booked, dm), privateNotification(alice, confirmed, dm)],
    'one notification per private message to the hidden tab, none for the public room or the visible tab');

  // Clicking the notification takes bob to the conversation.
  await setTabHidden(bobPage, false);
  await clickNotification(bobPage, 1);
  await roomLoaded(bobPage, dm);
  await waitForMessage(bobPage, confirmed);
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 0));
});

browserTest('noNotificationWhileTheBrowserRefusesThem', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node.url, uniqueName(p))));
  const alicePage = await personOn(session, node.url, alice);
  const bobPage = await personOn(session, node.url, bob, {
    beforeOpen: async (page) => {
      await recordNotifications(page);
      // Granting nothing to the page's origin makes Chromium refuse notifications there, as "Block" does.
      await page.context().grantPermissions([], { origin: node.url });
    },
  });
  const dm = privateRoomId(alice, bob);
  assert.equal(await bobPage.evaluate(() => Notification.permission), 'denied');
  assert.equal(await bobPage.locator('#notify-button').isVisible(), false,
    'no button offering what the browser refuses');

  await setTabHidden(bobPage, true);
  await openPrivateChat(alicePage, bob);
  await sendMessage(alicePage, 'Are you around this afternoon?');
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 1));
  assert.deepEqual(await notificationsShown(bobPage), [], 'no notification while refused');

  // bob allows them in the browser's site settings: the next private message raises the only notification.
  await bobPage.context().grantPermissions(['notifications'], { origin: node.url });
  const later = 'Never mind, found it';
  await sendMessage(alicePage, later);
  await eventually(async () => assert.ok((await notificationsShown(bobPage)).length >= 1));
  assert.deepEqual(await notificationsShown(bobPage), [privateNotification(alice, later, dm)]);
});
