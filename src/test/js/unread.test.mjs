// Unread counts and the "new messages" line (webroot/js/unread.js): what counts, when a count is cleared and
// the server told, whose counts win after a reconnect, and which message the line stands before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomDirectory } from '../../../webroot/js/directory.js';
import { POLL_EVERY, POLL_WAIT, UnreadCounts } from '../../../webroot/js/unread.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

const ME = 'me';
const msg = (id, sender) => ({ id, sender, text: `message ${id}`, ts: 1_700_000_000_000 + id });

// A page as the session wires it: the directory, the open room, the tab's visibility and the server.
function setup({ serverCounts = {} } = {}) {
  const page = {
    clock: new FakeClock(),
    current: null,
    visible: true,
    readsSent: [],
    socketOpen: true,
    changed: [],
    fetches: 0,
    serverCounts,
  };
  page.rooms = new RoomDirectory(ME, { storage: memoryStorage() });
  page.unread = new UnreadCounts(ME, {
    rooms: page.rooms,
    current: () => page.current,
    visible: () => page.visible,
    sendRead: (room, id) => {
      if (!page.socketOpen) return false;
      page.readsSent.push([room, id]);
      return true;
    },
    fetchUnread: async () => {
      page.fetches++;
      return { unread: page.serverCounts };
    },
    onChange: (room) => page.changed.push(room.id),
    clock: page.clock,
  });
  // Opens a room as the session does: switch, then read what is visible.
  page.open = (room) => {
    const previous = page.current;
    page.current = room;
    page.unread.opened(room, previous);
    page.unread.markRead();
  };
  // The first page of history arrives for the open room.
  page.loadHistory = (room, messages, hasOlder = false) => {
    room.add(messages);
    room.hasOlder = hasOlder;
    room.loaded = true;
    page.unread.loaded(room);
    page.unread.markRead();
  };
  return page;
}

function memoryStorage() {
  const items = new Map();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
}

test('others\' messages count while their room is not open; one\'s own never count', () => {
  const page = setup();
  const { rooms, unread, changed } = page;
  const general = rooms.ensure('topic.general');
  const news = rooms.ensure('topic.news');
  page.current = general;
  unread.received(news, [msg(1, 'bob'), msg(2, 'Me'), msg(3, 'carol')]);
  assert.equal(unread.count(news), 2);
  assert.equal(unread.count(general), 0);
  unread.received(news, [msg(4, 'me')]);
  assert.equal(unread.count(news), 2, 'own message from another device');
  unread.received(rooms.ensure('global'), [msg(5, 'bob')]);
  assert.equal(unread.total(), 3);
  assert.deepEqual(changed, ['topic.news', 'global'], 'told each time a count changed, and only then');
});

test('the open room counts nothing while the person looks, and counts while the tab is hidden', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  page.open(general);
  assert.equal(page.unread.received(general, [msg(1, 'bob')]), false);
  assert.equal(page.unread.count(general), 0);
  page.visible = false;
  page.unread.hidden(general);
  page.unread.received(general, [msg(2, 'bob'), msg(3, 'bob')]);
  assert.equal(page.unread.count(general), 2);
  page.unread.markRead();
  assert.equal(page.unread.count(general), 2, 'hidden: nothing is read');
  page.visible = true;
  page.unread.markRead();
  assert.equal(page.unread.count(general), 0, 'back in view: read');
});

test('reading tells the server the newest id once, and again when the socket could not take it', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  general.add([msg(1, 'bob'), msg(2, 'bob')]);
  page.open(general);
  assert.deepEqual(page.readsSent, [['topic.general', 2]]);
  page.unread.markRead();
  assert.deepEqual(page.readsSent, [['topic.general', 2]], 'nothing new: nothing sent');
  general.add([msg(3, 'bob')]);
  page.socketOpen = false;
  page.unread.markRead();
  assert.deepEqual(page.readsSent, [['topic.general', 2]]);
  page.socketOpen = true;
  page.unread.markRead();
  assert.deepEqual(page.readsSent, [['topic.general', 2], ['topic.general', 3]]);
  page.unread.stop();
  general.add([msg(4, 'bob')]);
  page.unread.markRead();
  assert.equal(page.readsSent.length, 2, 'a stopped session tells nothing');
});

test('after a reconnect the server\'s counts replace ours; a background poll only adds rooms we did not know',
  async () => {
    const page = setup();
    const { rooms, unread } = page;
    const general = rooms.ensure('topic.general');
    const news = rooms.ensure('topic.news');
    unread.received(news, [msg(1, 'bob'), msg(2, 'bob')]);

    unread.apply({ 'topic.general': 3, 'dm.me.zed': 2, 'dm.bob.carol': 4, 'topic.odd': -1, global: 1.5 }, true);
    assert.equal(unread.count(general), 3);
    assert.equal(unread.count(news), 0, 'not in the server\'s answer: read elsewhere');
    assert.ok(rooms.has('dm.me.zed'), 'a private room with unread messages joins the list');
    assert.equal(unread.count(rooms.get('dm.me.zed')), 2);
    assert.ok(!rooms.has('dm.bob.carol'), 'someone else\'s room is no room of ours');
    assert.equal(unread.total(), 5);

    page.serverCounts = { 'topic.general': 9, 'dm.me.newbie': 1 };
    await unread.refresh(false);
    assert.equal(unread.count(general), 3, 'a poll does not overwrite live counting');
    assert.equal(unread.count(rooms.get('dm.me.newbie')), 1, 'but brings in a room we did not know');
    await unread.refresh(true);
    assert.equal(unread.count(general), 9);
    assert.equal(unread.count(rooms.get('dm.me.zed')), 0);
  });

test('the open room\'s count from the server is read at once when the person looks', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  general.add([msg(7, 'bob')]);
  page.open(general);
  page.unread.apply({ 'topic.general': 4 }, true);
  assert.equal(page.unread.count(general), 0);
  assert.deepEqual(page.readsSent, [['topic.general', 7]]);
});

test('a poll after a presence change waits 10 s after the last one, at least 2 s, and runs once', async () => {
  const page = setup();
  await page.unread.refresh(true);
  assert.equal(page.fetches, 1);
  page.clock.advance(1000);
  page.unread.schedulePoll();
  page.unread.schedulePoll();
  page.clock.advance(POLL_EVERY - 1000 - 1);
  assert.equal(page.fetches, 1);
  page.clock.advance(1);
  await settle();
  assert.equal(page.fetches, 2, 'one poll for both presence changes');
  page.clock.advance(60_000);
  page.unread.schedulePoll();
  page.clock.advance(POLL_WAIT - 1);
  assert.equal(page.fetches, 2);
  page.clock.advance(1);
  await settle();
  assert.equal(page.fetches, 3);
  page.unread.schedulePoll();
  page.unread.stop();
  page.clock.advance(POLL_EVERY);
  assert.equal(page.fetches, 3, 'stopped: no poll');
});

test('the line stands before the first unread message from others, own messages in between', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  page.unread.apply({ 'topic.general': 3 }, true);
  page.open(general);
  assert.equal(page.unread.markerId(general), null, 'no history yet, no line');
  assert.equal(page.unread.count(general), 0, 'opening reads the room');
  page.loadHistory(general, [msg(1, 'alice'), msg(2, 'alice'), msg(3, 'me'), msg(4, 'alice'), msg(5, 'me'),
    msg(6, 'alice'), msg(7, 'alice')]);
  assert.equal(page.unread.markerId(general), 4, 'alice\'s three unread: 4, 6 and 7; the line goes before 4');
});

test('a room read to the end has no line, and reopening a read room shows none', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  const news = page.rooms.ensure('topic.news');
  page.open(general);
  page.loadHistory(general, [msg(1, 'alice'), msg(2, 'alice')]);
  assert.equal(page.unread.markerId(general), null);
  page.unread.apply({ 'topic.news': 1 }, true);
  page.open(news);
  page.loadHistory(news, [msg(3, 'alice')]);
  assert.equal(page.unread.markerId(news), 3);
  page.open(general);
  page.open(news);
  assert.equal(page.unread.markerId(news), null, 'read when it was open: no line the next time');
});

test('when fewer unread messages are held than counted, the line moves up as older pages arrive', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  page.unread.apply({ 'topic.general': 4 }, true);
  page.open(general);
  page.loadHistory(general, [msg(10, 'alice'), msg(11, 'me'), msg(12, 'alice')], true);
  assert.equal(page.unread.markerId(general), 10, 'the oldest held, for now');
  general.add([msg(7, 'alice'), msg(8, 'me'), msg(9, 'me')]);
  page.unread.olderLoaded(general);
  assert.equal(page.unread.markerId(general), 7, 'still short of four: the oldest held again');
  general.add([msg(4, 'alice'), msg(5, 'alice'), msg(6, 'alice')]);
  page.unread.olderLoaded(general);
  assert.equal(page.unread.markerId(general), 6, 'four found: 6, 7, 10 and 12');
  general.add([msg(1, 'alice'), msg(2, 'alice')]);
  page.unread.olderLoaded(general);
  assert.equal(page.unread.markerId(general), 6, 'found: it stays');
});

test('messages arriving while the person is away start a line; it stays until they look and leave again', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  page.open(general);
  page.loadHistory(general, [msg(1, 'alice')]);
  page.visible = false;
  page.unread.hidden(general);
  general.add([msg(2, 'alice')]);
  assert.equal(page.unread.received(general, [msg(2, 'alice')]), true, 'a new line: the old one must go');
  assert.equal(page.unread.markerId(general), 2);
  general.add([msg(3, 'me'), msg(4, 'bob')]);
  assert.equal(page.unread.received(general, [msg(3, 'me'), msg(4, 'bob')]), false);
  assert.equal(page.unread.markerId(general), 2, 'the line stays before the first one missed');
  assert.equal(page.unread.count(general), 2);

  page.visible = true;
  page.unread.markRead();
  assert.equal(page.unread.count(general), 0);
  general.add([msg(5, 'bob')]);
  page.unread.received(general, [msg(5, 'bob')]);
  assert.equal(page.unread.markerId(general), 2, 'seen as it arrived: the line does not move');

  page.visible = false;
  page.unread.hidden(general);
  general.add([msg(6, 'bob')]);
  assert.equal(page.unread.received(general, [msg(6, 'bob')]), true);
  assert.equal(page.unread.markerId(general), 6, 'looked and left: the next message starts a new line');
});

test('leaving a room takes its line away; messages in other rooms never place one', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  const news = page.rooms.ensure('topic.news');
  page.unread.apply({ 'topic.general': 1 }, true);
  page.open(general);
  page.loadHistory(general, [msg(1, 'alice')]);
  assert.equal(page.unread.markerId(general), 1);
  page.open(news);
  assert.equal(page.unread.markerId(general), null);
  page.unread.received(general, [msg(2, 'alice')]);
  assert.equal(page.unread.markerId(general), null, 'counted, but the line is placed on opening');
  assert.equal(page.unread.count(general), 1);
});
