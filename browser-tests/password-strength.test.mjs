// The password meter and the server agree: for each password typed into the registration form, the meter's
// verdict (data-verdict) is what the server then answers, an account or the same refusal beside the field. The
// meter's estimator and list load only once a password field is used, once for the page.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import { chatReady, openApp, uniqueName } from './lib/chat.mjs';
import { commonPasswordsFile } from '../build/common-passwords.mjs';
import { PROBLEMS } from '../webroot/js/password-rule.js';

let work;
let node;

before(async () => {
  work = new Workspace('password-strength');
  node = await work.singleNode();
});

after(() => work?.close());

// [password, what the server's rule says, why it is here]; ranks are in the corpus's top 100,000.
const CASES = [
  ['password', 'too-common', 'rank 2'],
  ['PassWord', 'too-common', 'rank 2, other case'],
  ['freepass', 'too-common', 'rank 1,000'],
  ['Candlebo', 'too-common', 'rank 50,013'],
  ['07021954', 'too-common', 'rank 99,996, the last of 8 characters or more'],
  ['vertxchat', 'too-common', 'kept from the earlier hand-written list'],
  ['passwordx', 'accepted', 'one letter off rank 2'],
  ['07021954x', 'accepted', 'one letter off rank 99,996'],
  ['tikbalang1', 'accepted', 'in the corpus past its top 100,000'],
  ['Abc-123', 'too-short', '7 characters'],
  ['ñandú-7', 'too-short', '7 characters in 9 bytes'],
  ['🔑'.repeat(7), 'too-short', '7 emoji in 28 bytes'],
  ['🔑'.repeat(8), 'accepted', '8 emoji in 32 bytes'],
  ['ü'.repeat(36), 'accepted', '36 characters in exactly 72 bytes'],
  ['é'.repeat(37), 'too-long', '37 characters in 74 bytes'],
  [`${'a'.repeat(71)}é`, 'too-long', '72 characters in 73 bytes'],
  ['Meadowlark-violin-ferry-42', 'accepted', 'strong'],
  ['correct horse battery staple', 'accepted', 'strong'],
];

const ESTIMATOR_FILES = [
  '/vendor/common-passwords.txt',
  '/vendor/zxcvbn-ts/core/dist/zxcvbn-ts.js',
  '/vendor/zxcvbn-ts/language-common/dist/zxcvbn-ts.js',
  '/vendor/zxcvbn-ts/language-en/dist/zxcvbn-ts.js',
];

/** The meter once it has its answer (not waiting for the list): { verdict, score, text }. */
async function meterReading(page) {
  const meter = page.locator('#password-strength:not([aria-busy="true"])');
  await meter.waitFor({ state: 'attached' });
  return {
    verdict: await meter.getAttribute('data-verdict'),
    score: Number(await meter.getAttribute('data-score')),
    text: await page.textContent('#password-strength-text'),
  };
}

/** Submits the filled form; resolves with 'accepted' (the chat opened) or the password field's error text. */
async function submit(page) {
  await page.click('#register-form button[type="submit"]');
  const chat = page.locator('#chat-view:not([hidden])');
  const refused = page.locator('#register-password.is-invalid');
  await chat.or(refused).first().waitFor();
  if (await chat.isVisible()) {
    await chatReady(page);
    return 'accepted';
  }
  const invalid = await page.$$eval('#register-form .is-invalid', (inputs) => inputs.map((input) => input.id));
  assert.deepEqual(invalid, ['register-password'], 'only the password is refused');
  return (await page.textContent('#register-password ~ .invalid-feedback')).trim();
}

browserTest('theMeterSaysWhatTheServerAnswersForEachPassword', async (session) => {
  const page = await session.newPage('visitor', { baseURL: node.url });
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await openApp(page);

  // The page itself does not load the estimator, nor do the other fields.
  await page.fill('#register-username', 'nobody');
  await page.fill('#register-email', 'nobody@example.com');
  assert.deepEqual(fetched.filter((path) => ESTIMATOR_FILES.includes(path)), [], 'nothing before a password field');

  // The list the page checks is the one the build wrote (PasswordRuleTest: the same file the server reads).
  const served = await page.context().request.get('/vendor/common-passwords.txt');
  assert.equal(served.status(), 200);
  assert.equal(await served.text(), commonPasswordsFile());

  for (const [password, expected, why] of CASES) {
    const username = uniqueName('pw');
    await page.fill('#register-username', username);
    await page.fill('#register-email', `${username}@example.com`);
    await page.fill('#register-password', password);
    await page.fill('#register-confirm', password);
    const meter = await meterReading(page);
    const answer = await submit(page);
    console.log(`${JSON.stringify(password)} (${why}): meter ${meter.verdict} (${meter.score}), server ${answer}`);

    if (meter.verdict === 'accepted') {
      assert.equal(answer, 'accepted', `${why}: the meter accepts ${password}, so must the server`);
      assert.ok(meter.score >= 1, `${why}: an accepted password scores 1-4 (${meter.score})`);
      await page.click('#logout-button');
      await page.locator('#register-form').waitFor();
    } else {
      assert.equal(answer, PROBLEMS[meter.verdict], `${why}: the server refuses ${password} as the meter says`);
      assert.equal(meter.score, 0, `${why}: a refused password scores 0`);
    }
    assert.equal(meter.verdict, expected, `${why}: the meter's verdict on ${password}`);
    if (meter.verdict === 'too-common') assert.match(meter.text, /100,000 most common passwords/, why);
    if (why === 'strong') assert.ok(meter.score >= 3, `${password} scores ${meter.score}`);
  }

  // One load for the page, however many passwords it checked.
  for (const file of ESTIMATOR_FILES) {
    assert.equal(fetched.filter((path) => path === file).length, 1, `${file} fetched once`);
  }
});
