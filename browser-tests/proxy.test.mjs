// The shipped nginx site (deploy/nginx/chat.conf, run by bin/local-proxy) over https with a self-signed
// certificate, which Chromium is told to accept, in front of three clustered nodes that trust it as their proxy:
// two people register and log in through it, the session cookie carries Secure, they chat in global and
// privately; then the node holding bob's socket is killed with kill -9, and the pages reconnect through nginx to
// the nodes left and show every message once, in order.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace, waitFor } from './lib/servers.mjs';
import { startNginx } from './lib/proxy.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  PASSWORD, chatReady, eventually, logIn, openApp, openPrivateChat, openRoom, privateRoomId, sendMessage,
  showsEachOnce, uniqueName, unreadCount, waitForMessage,
} from './lib/chat.mjs';

let work;
let nodes;
let nginx;

before(async () => {
  work = new Workspace('proxy');
  // metrics: each node's count of open sockets tells which node a page is on (so no assistant, whose socket
  // would be one more on each)
  nodes = await work.cluster(3, { http: { trustedProxies: ['127.0.0.1'] }, metrics: true, assistant: false });
  nginx = await startNginx('proxy', nodes);
});

after(async () => {
  await nginx?.close();
  await work?.close();
});

/** Registers through the page's form (which logs in), logs out, and logs in again through the form. */
async function registerAndLogIn(session, username) {
  const page = await session.newPage(username, { baseURL: nginx.url, ignoreHTTPSErrors: true });
  await openApp(page);
  await page.fill('#register-username', username);
  await page.fill('#register-email', `${username}@example.com`);
  await page.fill('#register-password', PASSWORD);
  await page.fill('#register-confirm', PASSWORD);
  await page.click('#register-form button[type="submit"]');
  // the chat, or the form's refusal (e.g. 403 when the nodes do not believe nginx's https), said at once
  const refusal = page.locator('#register-form .form-error:not([hidden])');
  await page.locator('#chat-view:not([hidden])').or(refusal).waitFor();
  assert.equal(await refusal.count(), 0, `registering ${username}: ${await refusal.allTextContents()}`);
  await chatReady(page);
  await page.click('#logout-button');
  await page.locator('#login-form').waitFor();
  await logIn(page, username);
  assert.equal(await page.textContent('#me-name'), username);
  return page;
}

async function sessionCookie(page) {
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'chat.session');
  assert.ok(session, `a chat.session cookie among ${cookies.map((c) => c.name)}`);
  return session;
}

/** Each node's open sockets, once they add up to `total` (the pages' sockets settle after a log-in). */
function socketsOnEachNode(total, live = nodes) {
  return waitFor(`${total} sockets on the nodes`, async () => {
    const counts = await Promise.all(live.map((node) => node.openSockets()));
    return counts.reduce((a, b) => a + b, 0) === total && counts;
  });
}

/** From now on the page records every change of its connection state, for connectionStates(). */
function recordConnectionStates(page) {
  return page.evaluate(() => {
    const status = document.getElementById('connection-status');
    window.__connectionStates = [];
    new MutationObserver(() => window.__connectionStates.push(status.dataset.state))
      .observe(status, { attributes: true, attributeFilter: ['data-state'] });
  });
}

const connectionStates = (page) => page.evaluate(() => window.__connectionStates);

browserTest('twoPeopleChatThroughNginxOverHttpsAndSurviveTheirNodeBeingKilled', async (session, t) => {
  // bob's reconnect attempts while his browser is offline (below), not the page's doing
  session.expectConsoleErrors(/^Failed to load resource: net::ERR_INTERNET_DISCONNECTED$/);
  const alice = uniqueName('alice');
  const bob = uniqueName('bob');
  const dm = privateRoomId(alice, bob);

  // nginx balances every request, the sockets' too, over the three nodes: which node each page's socket is on
  // is read from the nodes after each log-in
  const alicePage = await registerAndLogIn(session, alice);
  const withAlice = await socketsOnEachNode(1);
  const bobPage = await registerAndLogIn(session, bob);
  const withBoth = await socketsOnEachNode(2);
  const alicesNode = nodes[withAlice.indexOf(1)];
  const bobsNode = nodes[withBoth.findIndex((count, i) => count === withAlice[i] + 1)];
  assert.ok(alicesNode && bobsNode, `sockets per node: ${withAlice} with alice, ${withBoth} with both`);
  t.diagnostic(`alice's socket on ${alicesNode.name}, bob's on ${bobsNode.name}`);

  // The nodes believed nginx's X-Forwarded-Proto: https, so the session cookie may only travel over https.
  for (const page of [alicePage, bobPage]) {
    const cookie = await sessionCookie(page);
    assert.equal(cookie.secure, true, `${await page.textContent('#me-name')}'s session cookie is Secure`);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
  }

  // Global, both ways.
  const globalTexts = ['Morning! Anyone else behind the new proxy?', 'Yes, padlock and all'];
  const globalIds = [await sendMessage(alicePage, globalTexts[0])];
  assert.equal(await waitForMessage(bobPage, globalTexts[0]), globalIds[0]);
  globalIds.push(await sendMessage(bobPage, globalTexts[1]));
  assert.equal(await waitForMessage(alicePage, globalTexts[1]), globalIds[1]);

  // Privately: alice finds bob and writes; bob sees the room unread, opens it and answers.
  const privateTexts = [`${bob}, the staging password changed`, 'Thanks, noted'];
  await openPrivateChat(alicePage, bob);
  const privateIds = [await sendMessage(alicePage, privateTexts[0])];
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 1, 'the private room shows up unread'));
  await openRoom(bobPage, dm);
  assert.equal(await waitForMessage(bobPage, privateTexts[0]), privateIds[0]);
  privateIds.push(await sendMessage(bobPage, privateTexts[1]));
  assert.equal(await waitForMessage(alicePage, privateTexts[1]), privateIds[1]);
  await openRoom(alicePage, 'global');
  await openRoom(bobPage, 'global');

  // bob's node is killed. His browser goes offline first: that leaves his open socket alone, so the kill is what
  // closes it, and his reconnects then fail until he is back online; what alice says meanwhile can reach him
  // only through his page's catch-up once it has reconnected through nginx (failover.test holds him the same
  // way). alice is on another node and keeps her socket, or on the same one and comes back by herself.
  await recordConnectionStates(alicePage);
  await recordConnectionStates(bobPage);
  await bobPage.context().setOffline(true);
  assert.deepEqual(await connectionStates(bobPage), [], 'going offline closed no socket');
  await bobsNode.kill('SIGKILL');
  const live = nodes.filter((node) => node !== bobsNode);
  await bobPage.waitForFunction(() => document.getElementById('connection-status').dataset.state !== 'open');

  const missedGlobal = ['Lost a node just now', 'Still here through nginx', 'Nothing lost on my side'];
  for (const text of missedGlobal) globalIds.push(await sendMessage(alicePage, text, 30_000));
  await openRoom(alicePage, dm);
  const missedPrivate = ['Did your page notice?', 'It should say reconnecting'];
  for (const text of missedPrivate) privateIds.push(await sendMessage(alicePage, text, 30_000));
  assert.equal(await bobPage.locator('#messages .message', { hasText: missedGlobal[0] }).count(), 0, 'bob was away');
  assert.notEqual(await bobPage.getAttribute('#connection-status', 'data-state'), 'open', 'bob is still away');

  await bobPage.context().setOffline(false);
  await bobPage.locator('#connection-status[data-state="open"]').waitFor({ timeout: 30_000 });
  await socketsOnEachNode(2, live);
  const bobsStates = await connectionStates(bobPage);
  assert.ok(bobsStates.includes('closed') && bobsStates.at(-1) === 'open', `bob reconnected: ${bobsStates}`);
  const alicesStates = await connectionStates(alicePage);
  if (alicesNode === bobsNode) {
    assert.ok(alicesStates.includes('closed') && alicesStates.at(-1) === 'open', `alice came back: ${alicesStates}`);
  } else {
    assert.deepEqual(alicesStates, [], 'a page on a node left alive keeps its socket');
  }

  // Said after he is back arrives live; everything shows once, in order, in both rooms.
  const later = 'Welcome back';
  privateIds.push(await sendMessage(alicePage, later));
  const globalShown = await showsEachOnce(bobPage, globalIds);
  assert.deepEqual(globalShown.map((m) => m.text), [...globalTexts, ...missedGlobal]);
  await eventually(async () => assert.equal(await unreadCount(bobPage, dm), 3, 'the private messages he missed'));
  await openRoom(bobPage, dm);
  const privateShown = await showsEachOnce(bobPage, privateIds);
  assert.deepEqual(privateShown.map((m) => m.text), [...privateTexts, ...missedPrivate, later]);

  // And bob talks again, through nginx to a live node.
  const answer = 'Back, the page came round by itself';
  privateIds.push(await sendMessage(bobPage, answer));
  assert.equal(await waitForMessage(alicePage, answer), privateIds.at(-1));
  const aliceShown = await showsEachOnce(alicePage, privateIds);
  assert.deepEqual(aliceShown.map((m) => m.text), [...privateTexts, ...missedPrivate, later, answer]);
});
