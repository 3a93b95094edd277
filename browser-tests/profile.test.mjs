// The profile dialog: change the email (unique) and the password; a new password ends the other sessions.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import { PASSWORD, chatReady, logIn, personOn, registerAccount, uniqueName } from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('profile');
  node = await work.singleNode();
});

after(() => work?.close());

async function openProfile(page) {
  await page.click('#profile-button');
  await page.locator('#profile-modal.show').waitFor();
}

browserTest('profileChangesEmailAndPasswordAndANewPasswordEndsOtherSessions', async (session) => {
  const erin = await registerAccount(node.url, uniqueName('erin'));
  const other = await registerAccount(node.url, uniqueName('fred'));
  const desk = await personOn(session, node.url, erin);
  const phone = await session.newPage(`${erin}-phone`, { baseURL: node.url });
  await phone.goto('/');
  await logIn(phone, erin);

  await openProfile(desk);
  assert.equal(await desk.textContent('#profile-username'), erin);
  assert.equal(await desk.textContent('#profile-email-current'), `${erin}@example.com`);

  // Someone else's address is refused beside the field; a free one is saved.
  await desk.fill('#profile-email', `${other.toUpperCase()}@example.com`);
  await desk.click('#profile-email-form button[type="submit"]');
  await desk.locator('#profile-email.is-invalid').waitFor();
  const fresh = `${erin}.new@example.org`;
  await desk.fill('#profile-email', fresh);
  await desk.click('#profile-email-form button[type="submit"]');
  await desk.locator('#profile-email-form .form-success:not([hidden])').waitFor();
  assert.equal(await desk.textContent('#profile-email-current'), fresh);
  const me = await (await phone.context().request.get('/api/me')).json();
  assert.equal(me.email, fresh, 'the other session sees the new email');

  // A wrong current password is refused; the right one changes it and logs the phone out.
  const newPassword = 'Lantern-orchard-93';
  await desk.fill('#profile-current-password', 'Not-my-password-1');
  await desk.fill('#profile-new-password', newPassword);
  await desk.fill('#profile-confirm-password', newPassword);
  await desk.click('#profile-password-form button[type="submit"]');
  await desk.locator('#profile-current-password.is-invalid').waitFor();
  await desk.fill('#profile-current-password', PASSWORD);
  await desk.click('#profile-password-form button[type="submit"]');
  await desk.locator('#profile-password-form .form-success:not([hidden])').waitFor();

  await phone.locator('#login-form').waitFor({ timeout: 15_000 });
  await phone.locator('#auth-notice', { hasText: 'session has ended' }).waitFor();

  // Esc closes the dialog; this session goes on.
  await desk.keyboard.press('Escape');
  await desk.locator('#profile-modal').waitFor({ state: 'hidden' });
  await chatReady(desk);
  assert.equal((await desk.context().request.get('/api/me')).status(), 200, 'the session that changed it stays');

  await phone.fill('#login-username', erin);
  await phone.fill('#login-password', PASSWORD);
  await phone.click('#login-form button[type="submit"]');
  await phone.locator('#login-form .form-error:not([hidden])').waitFor();
  await logIn(phone, erin, newPassword);
});
