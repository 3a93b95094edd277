// The node serving bob is killed: his page comes back on the other node by itself and shows what was said
// meanwhile, each message once and in order.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { startFailoverProxy } from './lib/failover-proxy.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  personOn, registerAccount, sendMessage, showsEachOnce, uniqueName, waitForMessage,
} from './lib/chat.mjs';

let work;
let node1;
let node2;
let front;

before(async () => {
  work = new Workspace('failover');
  [node1, node2] = await work.cluster();
  front = await startFailoverProxy([node2.port, node1.port]);
});

after(async () => {
  await front?.close();
  await work?.close();
});

browserTest('bobsPageSurvivesHisNodeBeingKilledAndShowsWhatHeMissedOnce', async (session) => {
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(node1.url, uniqueName(p))));
  const alicePage = await personOn(session, node1.url, alice);
  const bobPage = await personOn(session, front.url, bob);
  const warmUp = 'Deploy starts in five minutes';
  await sendMessage(alicePage, warmUp);
  await waitForMessage(bobPage, warmUp);
  assert.equal(front.servedBy(node1.port), 0, 'bob is on node 2 before the kill');

  // Bob's page stays away (its reconnects wait at the front) while alice talks, so what she says reaches him
  // only through the page's catch-up from history once it is back.
  front.hold();
  await node2.kill('SIGKILL');
  await bobPage.waitForFunction(() => document.getElementById('connection-status').dataset.state !== 'open');
  const missed = ['Node 2 just went down', 'Failover should kick in', 'Anyone still seeing the old node?',
    'Logs look clean on node 1', 'Back to normal in a minute'];
  const missedIds = [];
  for (const text of missed) missedIds.push(await sendMessage(alicePage, text, 30_000));
  assert.equal(await bobPage.locator('#messages .message', { hasText: missed[0] }).count(), 0, 'bob was away');
  front.release();

  await bobPage.locator('#connection-status[data-state="open"]').waitFor({ timeout: 30_000 });
  assert.ok(front.servedBy(node1.port) > 0, 'bob reconnected through the front to node 1');
  const later = 'Thanks for bearing with us';
  missedIds.push(await sendMessage(alicePage, later));
  missed.push(later);

  const shown = await showsEachOnce(bobPage, missedIds, 20_000);
  assert.deepEqual(shown.filter((m) => missedIds.includes(m.id)).map((m) => m.text), missed);

  // And bob can talk again, through node 1.
  const answer = 'All good here, the page came back by itself';
  const answerId = await sendMessage(bobPage, answer);
  assert.equal(await waitForMessage(alicePage, answer), answerId);
  assert.equal(await bobPage.getAttribute('#connection-status', 'data-state'), 'open');
});
