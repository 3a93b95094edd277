// Messages from different days are parted by a line naming the day, in the reader's time zone. The server stamps
// every message with its own clock, so the node runs on PostgreSQL and the test moves stored messages back in
// time with psql before the reader opens the room.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  chatReady, messageListOutline, openRoom, personOn, registerAccount, sendOverOwnSocket, uniqueName,
  waitForMessage,
} from './lib/chat.mjs';

// mvn -DskipPostgresTests passes this on: then there may be no PostgreSQL server to run on.
const SKIP = process.env.SKIP_POSTGRES_TESTS === 'true' && 'needs PostgreSQL (-DskipPostgresTests)';

let work;
let node;
let database;

before(async () => {
  if (SKIP) return;
  work = new Workspace('day-separators');
  database = await work.postgres();
  node = await work.singleNode(database.db);
});

after(() => work?.close());

// The reader is in Tokyo: nine hours ahead of UTC all year, so a local day is not a UTC day.
const ZONE = 'Asia/Tokyo';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TOKYO_OFFSET = 9 * HOUR;

/** The moment `hours` into the Tokyo day `daysAgo` days before today, in ms since the epoch. */
function tokyoTime(daysAgo, hours) {
  const local = Date.now() + TOKYO_OFFSET;
  return local - (local % DAY) - TOKYO_OFFSET - daysAgo * DAY + hours * HOUR;
}

/** How the page names a day before yesterday, in the reader's locale and zone. */
const fullDate = (ts) => new Date(ts).toLocaleDateString('en-US',
  { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: ZONE });

browserTest('messagesFromDifferentDaysArePartedByALineNamingTheDay', async (session) => {
  const alice = await registerAccount(node.url, uniqueName('alice'));
  const bob = await registerAccount(node.url, uniqueName('bob'));
  const alicePage = await personOn(session, node.url, alice);

  const when = [
    ['Three days ago, first thing', tokyoTime(3, 9)],
    ['Three days ago, just before midnight', tokyoTime(3, 23.5)],
    ['Two days ago, just after midnight', tokyoTime(2, 0.5)],  // the same UTC day as the one before
    ['Yesterday at noon', tokyoTime(1, 12)],
  ];
  const stored = await sendOverOwnSocket(alicePage, 'topic.general', when.map(([text]) => text));
  const cases = stored.map((m, i) => `WHEN ${Number(m.id)} THEN ${when[i][1]}`).join(' ');
  await database.sql(`UPDATE messages SET ts = CASE id ${cases} END WHERE id IN (${stored.map((m) => m.id)})`);

  const bobPage = await personOn(session, node.url, bob, { locale: 'en-US', timezoneId: ZONE });
  await openRoom(bobPage, 'topic.general');
  await waitForMessage(bobPage, 'Yesterday at noon');
  const history = [
    `--- ${fullDate(when[0][1])} ---`,
    `${alice}: Three days ago, first thing`,
    `${alice}: Three days ago, just before midnight`,
    `--- ${fullDate(when[2][1])} ---`,
    `${alice}: Two days ago, just after midnight`,
    '--- Yesterday ---',
    `${alice}: Yesterday at noon`,
  ];
  assert.deepEqual(await messageListOutline(bobPage), history, 'a day line before each day of the history');

  // Messages arriving now start a new day, once.
  await sendOverOwnSocket(alicePage, 'topic.general', ['Morning all', 'Coffee is on']);
  await waitForMessage(bobPage, 'Coffee is on');
  const withToday = [...history, '--- Today ---', `${alice}: Morning all`, `${alice}: Coffee is on`];
  assert.deepEqual(await messageListOutline(bobPage), withToday, 'a live message from today gets its day line');

  await bobPage.reload();
  await chatReady(bobPage);
  await waitForMessage(bobPage, 'Coffee is on');
  assert.deepEqual(await messageListOutline(bobPage), withToday, 'the same lines when the history is loaded whole');
}, { skip: SKIP });
