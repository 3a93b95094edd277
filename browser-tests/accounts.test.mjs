// Registering, logging out and logging in through the page, against one real node.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import { PASSWORD, chatReady, logIn, openApp, registerAccount, uniqueName } from './lib/chat.mjs';

let work;
let node;

before(async () => {
  work = new Workspace('accounts');
  node = await work.singleNode();
});

after(() => work?.close());

async function fieldError(page, inputId) {
  const input = page.locator(`#${inputId}`);
  await page.locator(`#${inputId}.is-invalid`).waitFor();
  const feedback = page.locator(`#${inputId} ~ .invalid-feedback`);
  assert.ok(await feedback.isVisible(), `${inputId}: error text visible`);
  const text = (await feedback.textContent()).trim();
  assert.ok(text.length > 0, `${inputId}: error text present`);
  assert.equal(await input.getAttribute('aria-invalid'), 'true');
  return text;
}

/** The meter's score once it has rated this password (it loads its estimator when the field is first used). */
async function strengthOf(page, password) {
  await page.fill('#register-password', password);
  return Number(await page.locator('#password-strength:not([aria-busy="true"])').getAttribute('data-score'));
}

browserTest('registerShowsFieldErrorsAndStrengthThenLogOutAndLogInWork', async (session) => {
  const page = await session.newPage('visitor', { baseURL: node.url });
  await openApp(page);
  assert.ok(await page.locator('#login-form').isVisible());

  // Every bad field is reported beside its input at once.
  await page.fill('#register-username', 'a');
  await page.fill('#register-email', 'not-an-email');
  await page.fill('#register-password', 'short');
  await page.fill('#register-confirm', 'different');
  await page.click('#register-form button[type="submit"]');
  for (const id of ['register-username', 'register-email', 'register-password', 'register-confirm']) {
    await fieldError(page, id);
  }
  // Editing a field takes its error away.
  await page.fill('#register-username', 'ab');
  assert.equal(await page.locator('#register-username.is-invalid').count(), 0);

  // A common password is the server's call, even when long enough; the rest of the form is then fine.
  const username = uniqueName('dana');
  await page.fill('#register-username', username);
  await page.fill('#register-email', `${username}@example.com`);
  await page.fill('#register-password', 'password123');
  await page.fill('#register-confirm', 'password123');
  await page.click('#register-form button[type="submit"]');
  await fieldError(page, 'register-password');
  assert.equal(await page.locator('#register-form .is-invalid').count(), 1, 'only the password is wrong');

  // The meter advises: it rises with a stronger password.
  const scores = [];
  for (const candidate of ['abc', 'hummingbird', 'hummingbird-Violin', 'Hummingbird-violin-ferry-42']) {
    scores.push(await strengthOf(page, candidate));
  }
  assert.equal(scores[0], 0, `too short scores 0: ${scores}`);
  assert.ok(scores[1] <= 1, `one plain word is weak: ${scores}`);
  for (let i = 1; i < scores.length; i++) assert.ok(scores[i] >= scores[i - 1], `never falls: ${scores}`);
  assert.ok(scores[3] >= 3, `a long mixed password is strong: ${scores}`);
  assert.ok(await page.locator('#password-strength-text').textContent(), 'the meter explains itself');

  // A good form registers and logs the person in.
  await page.fill('#register-password', PASSWORD);
  await page.fill('#register-confirm', PASSWORD);
  await page.click('#register-form button[type="submit"]');
  await chatReady(page);
  assert.equal(await page.textContent('#me-name'), username);

  // Logging out ends the session on the server, not only on the page.
  await page.click('#logout-button');
  await page.locator('#login-form').waitFor();
  await page.locator('#auth-notice', { hasText: 'logged out' }).waitFor();
  await page.reload();
  await page.locator('#login-form').waitFor();
  assert.equal(await page.locator('#chat-view').isVisible(), false, 'a reload after logout shows the log-in form');

  // A wrong password is refused with a message; the right one (any case of the name) logs in.
  await page.fill('#login-username', username);
  await page.fill('#login-password', 'Not-the-password-1');
  await page.click('#login-form button[type="submit"]');
  await page.locator('#login-form .form-error:not([hidden])').waitFor();
  await logIn(page, username.toUpperCase());
  assert.equal(await page.textContent('#me-name'), username, 'the name as registered');
});

browserTest('registeringATakenNameShowsItBesideTheUsername', async (session) => {
  const taken = await registerAccount(node.url, uniqueName('erin'));
  const page = await session.newPage('visitor', { baseURL: node.url });
  await openApp(page);
  await page.fill('#register-username', taken.toUpperCase());
  await page.fill('#register-email', `other-${taken}@example.com`);
  await page.fill('#register-password', PASSWORD);
  await page.fill('#register-confirm', PASSWORD);
  await page.click('#register-form button[type="submit"]');
  await fieldError(page, 'register-username');
  assert.equal(await page.locator('#chat-view').isVisible(), false);
});
