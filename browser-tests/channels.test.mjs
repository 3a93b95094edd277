// Issue 16 as people see it: a private channel with invitations and a removal, a request to connect before a
// private message to someone who takes them from contacts only, and a block. One node serves all three.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  eventually, openPrivateChat, openRoom, personOn, privateRoomId, registerAccount, roomItem, roomLoaded,
  sendMessage, uniqueName, waitForMessage,
} from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('channels');
  node = await work.singleNode();
});

after(() => work?.close());

const CONTACTS_ONLY = 'accepts private messages from contacts only: send a request to connect first';

async function people(...prefixes) {
  return Promise.all(prefixes.map((p) => registerAccount(node.url, uniqueName(p))));
}

/**
 * Opens a dialog with its button and waits until it is shown: faded in, with the focus inside (Bootstrap ignores
 * Esc and hide() while a dialog is still fading in).
 */
async function openDialog(page, button, dialog) {
  await page.click(button);
  await page.locator(`${dialog}.show`).waitFor();
  await page.waitForFunction((d) => document.querySelector(d).contains(document.activeElement), dialog);
}

/**
 * Closed, and focus given back: Bootstrap hides the dialog, then fades its backdrop out, and only then focuses the
 * button that opened it. A key pressed in between would land on that button (Enter would open the dialog again).
 */
async function closeDialog(page, dialog) {
  await page.keyboard.press('Escape');
  await page.locator(dialog).waitFor({ state: 'hidden' });
  await page.waitForFunction(() => !document.body.classList.contains('modal-open'));
}

/** The page is no wider than its window (nothing to scroll sideways). */
async function assertFits(page, what) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: page ${scrollWidth} px wide in a ${innerWidth} px window`);
}

/** Opens the menu of `username` from the people list. */
async function personMenu(page, username) {
  await page.fill('#people-search', username);
  await openDialog(page, `#people-list [data-person-menu="${username}"]`, '#person-modal');
  await page.locator('#person-title', { hasText: username }).waitFor();
}

async function noticesBadge(page) {
  const badge = page.locator('#notices-badge');
  return (await badge.isVisible()) ? Number(await badge.textContent()) : 0;
}

browserTest('privateChannelInvitationsChatAndRemoval', async (session) => {
  const [alice, bob, carol] = await people('alice', 'bob', 'carol');
  const name = `team-${randomBytes(3).toString('hex')}`;
  const room = `channel.${name}`;
  const alicePage = await personOn(session, node.url, alice, { viewport: { width: 1440, height: 900 } });

  // alice creates a private channel; a name the server could not take is refused beside the field first.
  await openDialog(alicePage, '#channels-button', '#channels-modal');
  await alicePage.fill('#channel-name', 'no spaces');
  await alicePage.click('#channel-create-form button[type="submit"]');
  await alicePage.locator('#channel-name.is-invalid').waitFor();
  await alicePage.fill('#channel-name', name.toUpperCase());
  await alicePage.check('#channel-private');
  await alicePage.fill('#channel-description', 'Plans for <b>Q3</b>');
  await alicePage.click('#channel-create-form button[type="submit"]');
  await alicePage.locator('#channels-modal').waitFor({ state: 'hidden' });
  await roomLoaded(alicePage, room);
  assert.equal(await alicePage.textContent('#room-title'), `# ${name}`);
  assert.equal(await alicePage.textContent('#room-kind'), 'Private channel');
  await assertFits(alicePage, '1440 px, channel');

  // She invites bob, who is not logged in yet: the invitation waits for him.
  await openDialog(alicePage, '#channel-info-button', '#channel-modal');
  await alicePage.locator('#channel-members [data-member]', { hasText: alice }).waitFor();
  assert.match(await alicePage.textContent(`#channel-members [data-member="${alice}"]`), /owner/);
  assert.equal(await alicePage.textContent('#channel-info-description'), 'Plans for <b>Q3</b>', 'shown as text');
  await alicePage.fill('#channel-invite-name', bob);
  await alicePage.click('#channel-invite-form button[type="submit"]');
  await alicePage.locator('#channel-invite-form .form-success', { hasText: `${bob} is invited` }).waitFor();
  await closeDialog(alicePage, '#channel-modal');

  // bob finds it in his notices on log-in, and joins from there.
  const bobPage = await personOn(session, node.url, bob);
  await eventually(async () => assert.equal(await noticesBadge(bobPage), 1));
  await openDialog(bobPage, '#notices-button', '#notices-modal');
  const invitation = bobPage.locator('#notices-list .notice', { hasText: name });
  assert.match(await invitation.textContent(), new RegExp(`${alice} invited you to #${name}`));
  await invitation.getByRole('button', { name: `Join ${name}` }).click();
  await bobPage.locator('#notices-modal').waitFor({ state: 'hidden' });
  await roomLoaded(bobPage, room);
  assert.equal(await noticesBadge(bobPage), 0);

  // carol, on a phone, is invited while she is online: the badge tells her at once.
  const carolPage = await personOn(session, node.url, carol, { viewport: { width: 375, height: 740 } });
  await openDialog(alicePage, '#channel-info-button', '#channel-modal');
  await alicePage.fill('#channel-invite-name', carol);
  await alicePage.click('#channel-invite-form button[type="submit"]');
  await alicePage.locator('#channel-invite-form .form-success', { hasText: `${carol} is invited` }).waitFor();
  await closeDialog(alicePage, '#channel-modal');
  await eventually(async () => assert.equal(await noticesBadge(carolPage), 1));
  await openDialog(carolPage, '#notices-button', '#notices-modal');
  await assertFits(carolPage, '375 px, notices');
  await carolPage.getByRole('button', { name: `Join ${name}` }).click();
  await roomLoaded(carolPage, room);
  await assertFits(carolPage, '375 px, channel');

  // What happened shows as muted system lines, not as someone's message.
  await carolPage.locator('#messages .system-line', { hasText: `${carol}` }).first().waitFor();
  assert.equal(await carolPage.locator('#messages .message', { hasText: 'invited' }).count(), 0,
    'no system line drawn as a chat bubble');

  const hello = 'Hi both, glad to be in';
  await sendMessage(carolPage, hello);
  await waitForMessage(alicePage, hello);
  await waitForMessage(bobPage, hello);

  // Members see the roles; only the owner gets remove controls.
  await openDialog(bobPage, '#channel-info-button', '#channel-modal');
  await bobPage.locator(`#channel-members [data-member="${carol}"]`).waitFor();
  assert.equal(await bobPage.locator('#channel-members [data-remove]').count(), 0, 'a member removes nobody');
  assert.equal(await bobPage.locator('#channel-invite-form').isVisible(), false, 'nor invites to a private one');
  await closeDialog(bobPage, '#channel-modal');

  // alice makes carol a moderator, then removes bob: he is told, the channel leaves his list, and he is back in
  // global.
  await openDialog(alicePage, '#channel-info-button', '#channel-modal');
  await alicePage.getByRole('button', { name: `Make ${carol} a moderator` }).click();
  await alicePage.locator(`#channel-members [data-member="${carol}"] .member-role`, { hasText: 'moderator' }).waitFor();
  await alicePage.getByRole('button', { name: `Remove ${bob} from the channel` }).click();
  await alicePage.locator(`#channel-members [data-member="${bob}"]`).waitFor({ state: 'detached' });
  await closeDialog(alicePage, '#channel-modal');
  await bobPage.locator('#room-notice', { hasText: `You were removed from #${name}` }).waitFor();
  await roomItem(bobPage, room).waitFor({ state: 'detached' });
  await roomLoaded(bobPage, 'global');

  // The others go on without him.
  const after = 'Carry on, the two of us';
  await sendMessage(alicePage, after);
  await waitForMessage(carolPage, after);

  // alice deletes it (the button asks twice): carol is told who did; alice, who did it, is told nothing.
  await openDialog(alicePage, '#channel-info-button', '#channel-modal');
  await alicePage.click('#channel-delete');
  await alicePage.locator('#channel-delete', { hasText: 'for everyone' }).waitFor();
  await alicePage.click('#channel-delete');
  await alicePage.locator('#channel-modal').waitFor({ state: 'hidden' });
  await roomItem(alicePage, room).waitFor({ state: 'detached' });
  await roomLoaded(alicePage, 'global');
  await carolPage.locator('#room-notice', { hasText: `${alice} deleted #${name}.` }).waitFor();
  await roomItem(carolPage, room).waitFor({ state: 'detached' });
  assert.equal(await alicePage.locator('#room-notice').isVisible(), false, 'no "removed" for the one who deleted it');
});

browserTest('requestToConnectBeforeAPrivateMessageToSomeoneWhoTakesThemFromContactsOnly', async (session) => {
  const [dave, erin] = await people('dave', 'erin');
  const erinPage = await personOn(session, node.url, erin);
  const davePage = await personOn(session, node.url, dave);

  // erin takes private messages from her contacts only.
  await openDialog(erinPage, '#profile-button', '#profile-modal');
  await erinPage.locator('#dm-everyone:checked').waitFor({ state: 'attached' });
  await erinPage.check('#dm-contacts');
  await erinPage.click('#profile-settings-form button[type="submit"]');
  await erinPage.locator('#profile-settings-form .form-success', { hasText: 'only your contacts' }).waitFor();
  await closeDialog(erinPage, '#profile-modal');

  // dave's first message is refused, and he is told why.
  await openPrivateChat(davePage, erin);
  await davePage.fill('#message-input', 'Hello erin!');
  await davePage.press('#message-input', 'Enter');
  await davePage.locator('#send-error', { hasText: CONTACTS_ONLY }).waitFor();

  // He sends a request to connect from her menu; she accepts it from her notices.
  await personMenu(davePage, erin);
  assert.equal(await davePage.textContent('#person-state'), 'Not connected.');
  await davePage.click('#person-connect');
  await davePage.locator('#person-state', { hasText: 'waiting for an answer' }).waitFor();
  await closeDialog(davePage, '#person-modal');

  await eventually(async () => assert.equal(await noticesBadge(erinPage), 1));
  await openDialog(erinPage, '#notices-button', '#notices-modal');
  await erinPage.locator('#notices-list .notice', { hasText: `${dave} asks to connect with you.` }).waitFor();
  await erinPage.getByRole('button', { name: `Accept ${dave}` }).click();
  await erinPage.locator('#notices-empty').waitFor();
  await closeDialog(erinPage, '#notices-modal');
  assert.equal(await noticesBadge(erinPage), 0);

  // Both see each other as contacts; dave's message goes through now.
  await openDialog(erinPage, '#contacts-button', '#contacts-modal');
  await erinPage.locator(`#contacts-accepted [data-contact="${dave}"]`).waitFor();
  await closeDialog(erinPage, '#contacts-modal');
  await openDialog(davePage, '#contacts-button', '#contacts-modal');
  await davePage.locator(`#contacts-accepted [data-contact="${erin}"]`).waitFor();
  await closeDialog(davePage, '#contacts-modal');

  const first = 'Thanks for connecting!';
  await sendMessage(davePage, first);
  const dm = privateRoomId(dave, erin);
  await roomItem(erinPage, dm).waitFor();
  await openRoom(erinPage, dm);
  await waitForMessage(erinPage, first);
});

browserTest('aBlockedPersonsPrivateMessageIsRefusedAndTheirRoomMessagesHidden', async (session) => {
  const [frank, gina] = await people('frank', 'gina');
  const frankPage = await personOn(session, node.url, frank);
  const ginaPage = await personOn(session, node.url, gina);

  // frank blocks gina from her menu.
  await personMenu(frankPage, gina);
  await frankPage.click('#person-block');
  await frankPage.locator('#person-state', { hasText: 'Blocked' }).waitFor();
  assert.equal(await frankPage.textContent('#person-block'), 'Unblock');
  await closeDialog(frankPage, '#person-modal');

  // Her private message is refused with the reason.
  await openPrivateChat(ginaPage, frank);
  await ginaPage.fill('#message-input', 'Why so quiet?');
  await ginaPage.press('#message-input', 'Enter');
  await ginaPage.locator('#send-error', { hasText: CONTACTS_ONLY }).waitFor();

  // In a room they share, frank sees that she wrote, and reads it only when he asks to.
  await openRoom(ginaPage, 'global');
  const shared = `Anyone up for lunch? ${randomBytes(2).toString('hex')}`;
  const id = await sendMessage(ginaPage, shared);
  const hidden = frankPage.locator(`#messages .hidden-message[data-id="${id}"]`);
  await hidden.waitFor();
  assert.equal(await frankPage.locator('#messages .message .text', { hasText: shared }).count(), 0, 'text hidden');
  await hidden.getByRole('button', { name: /Show/ }).click();
  await waitForMessage(frankPage, shared);
});
