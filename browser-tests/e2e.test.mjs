// End-to-end encrypted private chats on the page (issue 20), across two nodes of one cluster and a restart: Alice's
// browser on node 1, Bob's on node 2, both nodes on one database (HSQLDB's server, or PostgreSQL when its tests
// run). Each sets a chat passphrase in their profile; she switches their private chat to encrypted (refused, with
// nothing asked of the server, while he has no keys); they write both ways and each reads the other, with the lock
// on every message, the same safety number on both sides, and a notification that says only "New encrypted message".
// Then Bob's node restarts (SIGTERM, started again) with his page left open: the page comes back by itself, still
// shows what it had read, reads what Alice wrote while it was away, and both write encrypted again. Then no file
// of the workspace (every node's, the database server's), no log, no node's /metrics and no row of PostgreSQL's
// messages table holds any of the texts (while a text written in the open is found, so the search can find one),
// nor did any frame the pages sent. A third browser, on node 2, logs in as Alice: locked, the composer takes
// nothing, a wrong passphrase is refused, the right one reads the history. Bob resets his keys: her page warns and
// sends nothing until the new keys are accepted; old messages say which key signed them, or that they were written
// to keys since reset.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  chatReady, eventually, notificationsShown, openPrivateChat, openRoom, personOn, privateRoomId,
  recordNotifications, registerAccount, roomItem, roomLoaded, sendMessage, setTabHidden, uniqueName, unreadCount,
  waitForMessage,
} from './lib/chat.mjs';

// With PostgreSQL tests on, the nodes store in PostgreSQL and the test reads its messages table too; otherwise they
// share HSQLDB's server, whose files are in the workspace.
const ON_POSTGRES = process.env.SKIP_POSTGRES_TESTS !== 'true';

let work;
let node1;  // Alice's
let node2;  // Bob's, restarted halfway
let database = null;

before(async () => {
  work = new Workspace('e2e');
  if (ON_POSTGRES) database = await work.postgres();
  [node1, node2] = database
    ? await work.clusterOn(database.db, 2, { metrics: true })
    : await work.cluster(2, { metrics: true });
});

after(() => work?.close());

const ALICE_PASSPHRASE = 'otters hold hands asleep';
const BOB_PASSPHRASE = 'seven blue lanterns drifting';
const BOB_NEW_PASSPHRASE = 'a new lantern for bob';

/** A text nobody else writes, findable as bytes. */
const marker = (what) => `${what}-${randomBytes(6).toString('hex')}`;

/** Every frame `page` sends on its event-bus sockets from now on, as sent (SockJS wraps the JSON in a string
 * array): called before the page first loads. */
function recordFrames(page, frames) {
  page.on('websocket', (ws) => ws.on('framesent', (frame) => frames.push(String(frame.payload))));
}

/** Opens the keys dialog from the profile, as a person finds it. */
async function openKeysFromProfile(page) {
  await page.click('#profile-button');
  await page.locator('#profile-modal.show').waitFor();
  await page.click('#profile-e2e-button');
  await page.locator('#keys-modal.show').waitFor();
  await page.locator('#profile-modal').waitFor({ state: 'hidden' });
}

async function closeModal(page, id) {
  await page.click(`#${id} .close-x`);
  await page.locator(`#${id}`).waitFor({ state: 'hidden' });
}

/** Sets up encrypted chats in the profile: a too-short passphrase first (refused), then `passphrase` twice. */
async function setUpKeys(page, passphrase) {
  await openKeysFromProfile(page);
  const form = page.locator('#keys-setup-form');
  await form.waitFor();
  assert.match(await form.textContent(), /not your login\s+password/);
  assert.match(await form.textContent(), /If you lose it, you lose your encrypted history/);
  await page.fill('#keys-setup-passphrase', 'too short');
  await page.fill('#keys-setup-confirm', 'too short');
  await form.locator('button[type="submit"]').click();
  await page.locator('#keys-setup-passphrase.is-invalid').waitFor();
  await page.fill('#keys-setup-passphrase', passphrase);
  await page.fill('#keys-setup-confirm', passphrase);
  await form.locator('button[type="submit"]').click();
  await page.locator('#keys-done', { hasText: 'Encrypted chats are set up' }).waitFor({ timeout: 30_000 });
  assert.equal(await page.getAttribute('#keys-state', 'data-state'), 'ready');
  assert.match(await page.textContent('#keys-fingerprint'), /^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  await closeModal(page, 'keys-modal');
}

/** The open chat's safety number, read in its dialog (left open). */
async function safetyNumberOf(page) {
  await page.click('#room-e2e');
  await page.locator('#e2e-room-modal.show').waitFor();
  const number = page.locator('#e2e-safety-number');
  await eventually(async () => assert.match(await number.textContent(), /^(\d{5} ){9}\d{5}$/));
  return number.textContent();
}

/** The open room's message holding exactly `text`. */
const messageWith = (page, text) => page.locator('#messages .message',
  { has: page.locator(`.text:text-is("${text}")`) });

/** Every file under `dir`, as { file, bytes }. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, bytes: readFileSync(file) }));
}

/** Where the nodes keep what they were told, searched for `text` as UTF-8 and UTF-16 bytes: every file of the
 * workspace (the database server's folder, each node's config and logs, anything else a node wrote in its working
 * folder), and PostgreSQL's messages table when they run there. Returns where it was found. */
async function storedIn(text) {
  const found = [];
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  for (const { file, bytes } of filesUnder(work.dir)) {
    if (needles.some((needle) => bytes.includes(needle))) found.push(path.relative(work.dir, file));
  }
  if (database) {
    const rows = await database.sql('SELECT coalesce(string_agg(m::text, E\'\\n\'), \'\') FROM messages m');
    if (rows.includes(text)) found.push('postgres: messages');
  }
  return found;
}

/** `node`'s /metrics, checked to be served. */
async function metricsOf(node) {
  const metrics = await (await fetch(`${node.metricsUrl}/metrics`)).text();
  assert.match(metrics, /^chat_/m, `${node.name}'s metrics are served`);
  return metrics;
}

/** Asserts that `page` shows each of `texts` read, with the lock, in the open room. */
async function showsDecrypted(page, texts) {
  for (const text of texts) {
    await waitForMessage(page, text);
    assert.equal(await messageWith(page, text).locator('.e2e-mark').getAttribute('aria-label'),
      'End-to-end encrypted');
  }
}

browserTest('anEncryptedChatAcrossNodesAndARestartIsReadByItsTwoPeopleOnlyAndNeverStoredInTheOpen', async (session) => {
  // the browser's own line for each reconnect attempt while Bob's node is down, not the page's doing
  session.expectConsoleErrors(/^Failed to load resource: net::ERR_CONNECTION_REFUSED$/);
  const alice = await registerAccount(node1.url, uniqueName('alice'));
  const bob = await registerAccount(node1.url, uniqueName('bob'));
  const dm = privateRoomId(alice, bob);
  const aliceFrames = [];
  const bobFrames = [];
  const a = await personOn(session, node1.url, alice, { beforeOpen: (page) => recordFrames(page, aliceFrames) });
  const b = await personOn(session, node2.url, bob, {
    beforeOpen: async (page) => {
      recordFrames(page, bobFrames);
      await recordNotifications(page);
      await page.context().grantPermissions(['notifications'], { origin: node2.url });
    },
  });

  // Alice sets up; Bob has not yet: her chat with him cannot be encrypted, and the server is not asked to.
  await setUpKeys(a, ALICE_PASSPHRASE);
  await openPrivateChat(a, bob);
  const inTheOpen = marker('written-in-the-open');
  await sendMessage(a, inTheOpen);
  const lock = a.locator('#room-e2e');
  await a.locator('#room-e2e[data-state="off"]').waitFor();
  assert.match(await lock.textContent(), /Encrypt/);
  const switches = [];
  a.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/encryption')) switches.push(r.url());
  });
  await lock.click();
  await a.locator('#e2e-room-modal.show').waitFor();
  await a.locator('#e2e-room-error', { hasText: `${bob} has not set up encrypted chats yet` }).waitFor();
  await a.click('#e2e-room-encrypt');
  await a.locator('#e2e-room-error', { hasText: `${bob} has not set up encrypted chats yet` }).waitFor();
  assert.deepEqual(switches, [], 'nothing asked of the server');
  await closeModal(a, 'e2e-room-modal');

  // Bob sets up; Alice switches the chat on. Both see the lock; Bob is told who did it.
  await setUpKeys(b, BOB_PASSPHRASE);
  await openPrivateChat(b, alice);
  await waitForMessage(b, inTheOpen);
  await lock.click();
  await a.locator('#e2e-room-modal.show').waitFor();
  await a.locator('#e2e-room-error').waitFor({ state: 'hidden' });
  await a.click('#e2e-room-encrypt');
  await a.locator('#room-e2e[data-state="on"]').waitFor();
  assert.equal(switches.length, 1);
  await a.locator('#e2e-room-on #e2e-room-since', { hasText: 'End-to-end encrypted' }).waitFor();
  await closeModal(a, 'e2e-room-modal');
  await b.locator('#room-e2e[data-state="on"]').waitFor();
  await b.locator('#room-notice', { hasText: `${alice} switched this chat to end-to-end encryption` }).waitFor();
  // The message written before stays, marked as what it was.
  assert.equal(await messageWith(a, inTheOpen).locator('.plain-mark').textContent(), 'not encrypted');

  // No files and no bot commands in an encrypted chat.
  for (const page of [a, b]) {
    assert.equal(await page.locator('#attach-button').isHidden(), true, 'no file to attach');
    assert.equal(await page.getAttribute('#message-input', 'placeholder'), 'Write an encrypted message…');
    await page.fill('#message-input', '/');
    assert.equal(await page.locator('#command-menu').isHidden(), true, 'no command list');
    await page.fill('#message-input', '');
  }

  // They write both ways, across the nodes; each reads the other, with the lock on each message. Every text
  // written encrypted goes into `secrets`, which are looked for everywhere below.
  const secrets = [marker('secret-from-alice'), marker('secret-from-bob'), marker('second-from-alice')];
  await sendMessage(a, secrets[0]);
  await waitForMessage(b, secrets[0]);
  await sendMessage(b, secrets[1]);
  await waitForMessage(a, secrets[1]);
  for (const page of [a, b]) await showsDecrypted(page, secrets.slice(0, 2));

  // Bob elsewhere, his tab hidden: the notification and the unread count say nothing of the text.
  await openRoom(b, 'global');
  await setTabHidden(b, true);
  await sendMessage(a, secrets[2]);
  await eventually(async () => assert.equal(await unreadCount(b, dm), 1));
  await eventually(async () => assert.deepEqual(await notificationsShown(b),
    [{ title: `${alice} (private)`, body: 'New encrypted message', tag: dm }]));
  await setTabHidden(b, false);
  await openRoom(b, dm);
  await waitForMessage(b, secrets[2]);

  // The same safety number on both sides; Alice marks it verified.
  const number = await safetyNumberOf(a);
  assert.equal(await safetyNumberOf(b), number);
  await closeModal(b, 'e2e-room-modal');
  assert.equal(await a.textContent('#e2e-room-verified'), 'Not verified yet.');
  await a.click('#e2e-room-verify');
  await a.locator('#e2e-room-verified', { hasText: `Verified: you compared this number with ${bob}` }).waitFor();
  await a.locator('#room-e2e[data-state="verified"]').waitFor();
  await closeModal(a, 'e2e-room-modal');

  // Bob's node restarts as an operator does it, his page left open. Its metrics, the last chance to read them,
  // never held a text; Alice writes while his page is away, so that it reads her message from the history it
  // catches up on once it is back.
  const bobsOldMetrics = await metricsOf(node2);
  for (const text of secrets) assert.equal(bobsOldMetrics.includes(text), false, 'not in node2\'s first metrics');
  const restarted = work.restart(node2, 2);
  await b.waitForFunction(() => document.getElementById('connection-status').dataset.state !== 'open', null,
    { timeout: 30_000 });
  const whileAway = marker('while-bobs-node-restarts');
  secrets.push(whileAway);
  await sendMessage(a, whileAway, 30_000);
  const { metricsUrl } = node2;
  node2 = await restarted;
  node2.metricsUrl = metricsUrl;  // the same config, so the same port
  await b.locator('#connection-status[data-state="open"]').waitFor({ timeout: 60_000 });
  // The same page: what it had read stays read, and what it missed is read too.
  await b.locator('#room-e2e[data-state="on"]').waitFor();
  await showsDecrypted(b, secrets);
  assert.equal(await b.locator('#messages .e2e-problem').count(), 0, 'no message left unreadable');
  // And both write encrypted again, each read on the other node.
  const afterRestart = [marker('from-bob-after-restart'), marker('from-alice-after-restart')];
  secrets.push(...afterRestart);
  await sendMessage(b, afterRestart[0], 30_000);
  await showsDecrypted(a, [afterRestart[0]]);
  await sendMessage(a, afterRestart[1]);
  await showsDecrypted(b, [afterRestart[1]]);

  // What left the pages: blobs, never the texts.
  const sent = [...aliceFrames, ...bobFrames];
  assert.ok(sent.some((f) => f.includes('chat.send') && f.includes('e2e') && f.includes('ciphertext')));
  for (const text of secrets) assert.deepEqual(sent.filter((f) => f.includes(text)), [], `${text} never sent`);
  const ciphertexts = sent.flatMap((f) => [...f.matchAll(/ciphertext\\"\s*:\s*\\"([A-Za-z0-9+/=]+)/g)])
    .map((m) => m[1]);
  assert.equal(ciphertexts.length >= secrets.length, true, 'the blobs were sent');
  for (const page of [a, b]) {
    const shown = await page.evaluate(() => document.body.textContent);
    for (const blob of ciphertexts) assert.equal(shown.includes(blob), false, 'no ciphertext on the page');
  }

  // What the nodes keep: a text written in the open is found (once written after the secrets, they are written
  // too), the secrets nowhere: not in any file, the database, a log, a node's metrics.
  const afterwards = marker('written-after');
  await openRoom(a, 'global');
  await sendMessage(a, afterwards);
  await eventually(async () => {
    assert.notDeepEqual(await storedIn(inTheOpen), [], 'the search finds a text in the open');
    assert.notDeepEqual(await storedIn(afterwards), []);
  }, { timeout: 30_000 });
  for (const text of secrets) assert.deepEqual(await storedIn(text), [], `${text} is stored nowhere`);
  // every process's log: both nodes, Bob's before and after the restart, the database server
  for (const { logFile } of work.children) {
    const log = readFileSync(logFile, 'utf8');
    assert.ok(log.length > 0, `${path.basename(logFile)} is written`);
    for (const text of secrets) assert.equal(log.includes(text), false, `not in ${path.basename(logFile)}`);
  }
  for (const node of [node1, node2]) {
    const metrics = await metricsOf(node);
    for (const text of secrets) assert.equal(metrics.includes(text), false, `not in ${node.name}'s metrics`);
  }
  await openRoom(a, dm);

  // A new browser for Alice, on the other node, the one that restarted: locked. The composer takes nothing, and a
  // send made anyway sends nothing.
  const newDeviceFrames = [];
  const c = await personOn(session, node2.url, alice, { beforeOpen: (page) => recordFrames(page, newDeviceFrames) });
  await roomItem(c, dm).waitFor();
  await roomItem(c, dm).click();
  await roomLoaded(c, dm);
  await c.locator('#messages .e2e-problem', { hasText: 'Unlock encrypted chats to read this' }).first().waitFor();
  await c.locator('#e2e-bar[data-reason="unlock"]').waitFor();
  assert.equal(await c.isDisabled('#send-button'), true, 'the send button is disabled while the keys are locked');
  assert.equal(await c.isDisabled('#message-input'), true);
  const framesBefore = newDeviceFrames.length;
  await c.evaluate(() => {
    document.getElementById('message-input').value = 'sent anyway?';
    document.getElementById('composer').requestSubmit();
  });
  await c.locator('#send-error', { hasText: 'Not sent: Encrypted chats are locked on this browser' }).waitFor();
  assert.deepEqual(newDeviceFrames.slice(framesBefore).filter((f) => f.includes('chat.send')), [], 'nothing sent');
  await c.evaluate(() => {
    document.getElementById('message-input').value = '';
  });

  await c.click('#e2e-bar-unlock');
  await c.locator('#keys-modal.show').waitFor();
  await c.fill('#keys-unlock-passphrase', BOB_PASSPHRASE);
  await c.click('#keys-unlock-form button[type="submit"]');
  await c.locator('#keys-unlock-form .form-error', { hasText: 'That passphrase does not open your keys.' })
    .waitFor({ timeout: 30_000 });
  assert.equal(await c.getAttribute('#keys-state', 'data-state'), 'locked', 'nothing changed');
  await c.fill('#keys-unlock-passphrase', ALICE_PASSPHRASE);
  await c.click('#keys-unlock-form button[type="submit"]');
  await c.locator('#keys-done', { hasText: 'Unlocked' }).waitFor({ timeout: 30_000 });
  await closeModal(c, 'keys-modal');
  for (const text of secrets) await waitForMessage(c, text);
  await c.locator('#e2e-bar').waitFor({ state: 'hidden' });
  assert.equal(await c.isDisabled('#send-button'), false);

  // Bob resets his keys. Alice's page warns, and sends nothing until she accepts his new keys.
  await openKeysFromProfile(b);
  await b.click('#keys-reset-open');
  await b.fill('#keys-reset-passphrase', BOB_NEW_PASSPHRASE);
  await b.fill('#keys-reset-confirm', BOB_NEW_PASSPHRASE);
  await b.click('#keys-reset-form button[type="submit"]');
  await b.locator('#keys-reset-understood.is-invalid').waitFor();
  await b.check('#keys-reset-understood');
  await b.click('#keys-reset-form button[type="submit"]');
  await b.locator('#keys-done', { hasText: 'New keys made' }).waitFor({ timeout: 30_000 });
  await closeModal(b, 'keys-modal');

  const warning = a.locator('#e2e-bar[data-reason="changed"]');
  await warning.waitFor();
  assert.match(await warning.textContent(), new RegExp(`${bob}'s keys have changed\\. Compare the safety number`));
  await a.locator('#room-e2e[data-state="changed"]').waitFor();
  assert.equal(await a.isDisabled('#send-button'), true, 'nothing is sent to keys not accepted');
  assert.equal(await a.isDisabled('#message-input'), true);
  await a.click('#e2e-bar-compare');
  await a.locator('#e2e-room-modal.show').waitFor();
  await a.locator('#e2e-room-changed', { hasText: `${bob}'s keys have changed` }).waitFor();
  await eventually(async () => assert.notEqual(await a.textContent('#e2e-safety-number'), number,
    'a new safety number'));
  await a.click('#e2e-room-accept');
  await a.locator('#e2e-room-changed').waitFor({ state: 'hidden' });
  await closeModal(a, 'e2e-room-modal');
  await warning.waitFor({ state: 'hidden' });
  await a.locator('#room-e2e[data-state="on"]').waitFor();
  const toNewKeys = marker('to-bobs-new-keys');
  await sendMessage(a, toNewKeys);
  await waitForMessage(b, toNewKeys);
  // What Bob signed with his old keys says so now.
  await messageWith(a, secrets[1]).locator('.e2e-note', { hasText: `signed by an earlier key of ${bob}` }).waitFor();

  // Bob's page again: what was written to his old keys cannot be read any more; the new message can.
  await b.reload();
  await chatReady(b);
  await roomLoaded(b, dm);
  await waitForMessage(b, toNewKeys);
  const unreadable = b.locator('#messages .e2e-problem',
    { hasText: 'Unreadable: written to your keys before they were reset' });
  await eventually(async () => assert.equal(await unreadable.count(), secrets.length,
    'every secret, his own too'));
});
