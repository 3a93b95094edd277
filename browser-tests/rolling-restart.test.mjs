// README's PostgreSQL cluster of three, restarted one node at a time with SIGTERM while two people keep
// chatting in their browsers: no load balancer, so a page whose node restarts shows that it is reconnecting,
// comes back to the same node when it is up again, and shows everything said meanwhile exactly once.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import { personOn, registerAccount, sendMessage, showsEachOnce, uniqueName } from './lib/chat.mjs';

// mvn -DskipPostgresTests passes this on: then there may be no PostgreSQL server to run on.
const SKIP = process.env.SKIP_POSTGRES_TESTS === 'true' && 'needs PostgreSQL (-DskipPostgresTests)';
let work;
let nodes;

before(async () => {
  if (SKIP) return;
  work = new Workspace('rolling');
  const { db } = await work.postgres();
  nodes = await work.clusterOn(db, 3);
});

after(() => work?.close());

async function connectionState(page) {
  return page.getAttribute('#connection-status', 'data-state');
}

browserTest('twoPeopleKeepChattingWhileEachNodeRestartsInTurn', async (session) => {
  // the browser's own line for each reconnect attempt while a page's node is down, not the page's doing
  session.expectConsoleErrors(/^Failed to load resource: net::ERR_CONNECTION_REFUSED$/);
  const [alice, bob] = await Promise.all(['alice', 'bob'].map((p) => registerAccount(nodes[0].url, uniqueName(p))));
  // alice on node 1, bob on node 2; node 3 serves nobody but owns some rooms and some users' send limits
  const alicePage = await personOn(session, nodes[0].url, alice);
  const bobPage = await personOn(session, nodes[1].url, bob);
  const ids = [await sendMessage(alicePage, 'Morning! Rolling upgrade starts now')];
  await showsEachOnce(bobPage, ids);

  for (const index of [2, 0, 1]) {
    const stopping = nodes[index];
    const alicesNode = index === 0;
    const bobsNode = index === 1;
    const restarted = work.restart(stopping, 3);
    if (alicesNode || bobsNode) {
      const page = alicesNode ? alicePage : bobPage;
      await page.waitForFunction(() => document.getElementById('connection-status').dataset.state !== 'open',
        null, { timeout: 30_000 });
    }
    // whoever's node is up talks while the other one's is away
    const speaker = alicesNode ? bobPage : alicePage;
    ids.push(await sendMessage(speaker, `While ${stopping.name} restarts: message ${ids.length}`, 30_000));
    nodes[index] = await restarted;
    for (const page of [alicePage, bobPage]) {
      await page.locator('#connection-status[data-state="open"]').waitFor({ timeout: 60_000 });
    }
    ids.push(await sendMessage(alicePage, `${stopping.name} is back, says alice`, 30_000));
    ids.push(await sendMessage(bobPage, `${stopping.name} is back, says bob`, 30_000));
    await showsEachOnce(alicePage, ids);
    await showsEachOnce(bobPage, ids);
  }
  assert.equal(await connectionState(alicePage), 'open');
  assert.equal(await connectionState(bobPage), 'open');
}, { skip: SKIP });
