// Channel rooms (webroot/js/channel-rooms.js): a channel joins and leaves the room list as the person joins,
// leaves, is removed or sees it deleted, and they are told only what someone else did to them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChannelRooms } from '../../../webroot/js/channel-rooms.js';
import { RoomDirectory } from '../../../webroot/js/directory.js';
import { settle } from './lib/fake-clock.mjs';

function setup() {
  const page = { told: [], removed: [] };
  page.rooms = new RoomDirectory('alice', {
    storage: { getItem: () => null, setItem: () => {} },
    removed: (room) => page.removed.push(room.id),
  });
  page.channels = new ChannelRooms(page.rooms, { tell: (text) => page.told.push(text) });
  return page;
}

const details = (name, extra = {}) => ({ id: `channel.${name}`, name, visibility: 'private', role: 'member', ...extra });

test('a joined channel becomes a room, and an old "you were removed" line goes', () => {
  const page = setup();
  const room = page.channels.joined(details('team-a'));
  assert.equal(room.id, 'channel.team-a');
  assert.ok(page.rooms.has('channel.team-a'));
  assert.deepEqual(page.told, ['']);
  assert.equal(page.channels.joined({ id: 'topic.news' }), null);
});

test('removed by someone: told once, and the notice after the address\'s error names who did it', () => {
  const page = setup();
  page.channels.joined(details('team-a'));
  page.told.length = 0;
  page.channels.lost('channel.team-a', 'removed', null);    // the room address's error comes first
  page.channels.lost('channel.team-a', 'removed', 'bob');   // then the notice
  assert.deepEqual(page.told, ['You were removed from #team-a.', 'You were removed from #team-a by bob.']);
  assert.deepEqual(page.removed, ['channel.team-a'], 'dropped once');
  page.channels.lost('channel.other', 'removed', null);
  assert.equal(page.told.length, 2, 'a channel never joined is no news');
});

test('a deleted channel is told as deleted, by whom', () => {
  const page = setup();
  page.channels.joined(details('team-a'));
  page.channels.lost('channel.team-a', 'deleted', 'bob');
  assert.equal(page.told.at(-1), 'bob deleted #team-a.');
  assert.ok(!page.rooms.has('channel.team-a'));
});

test('leaving or deleting it oneself is not told as a removal; a refused leave keeps the room', () => {
  const page = setup();
  page.channels.joined(details('team-a'));
  page.channels.joined(details('team-b'));
  page.told.length = 0;
  page.channels.leaving('channel.team-a');
  page.channels.lost('channel.team-a', 'removed', null);  // the server's error to one's own sockets
  assert.ok(page.rooms.has('channel.team-a'), 'kept until the answer');
  page.channels.left('channel.team-a', true);
  assert.ok(!page.rooms.has('channel.team-a'));
  page.channels.leaving('channel.team-b');
  page.channels.left('channel.team-b', false);
  assert.ok(page.rooms.has('channel.team-b'), 'the owner may not leave: still there');
  assert.deepEqual(page.told, []);
});

test('after a reconnect, the server\'s list decides: missing channels were lost, new ones joined', () => {
  const page = setup();
  page.channels.joined(details('team-a'));
  page.channels.joined(details('team-b'));
  page.told.length = 0;
  page.channels.synced([{ id: 'global' }, { id: 'topic.news' }, details('team-b', { role: 'moderator' }),
    details('team-c')]);
  assert.deepEqual([...page.rooms.channels.keys()].sort(), ['channel.team-b', 'channel.team-c']);
  assert.equal(page.rooms.channel('channel.team-b').role, 'moderator');
  assert.deepEqual(page.told, ['You were removed from #team-a.']);
  page.channels.synced(undefined);
  assert.equal(page.rooms.channels.size, 2, 'no list, no change');
});

test('after a reconnect the list is asked again; a failed answer, or one after the session ended, changes nothing',
  async () => {
    const page = setup();
    page.channels.joined(details('team-a'));
    const answers = [];
    page.channels.fetchRooms = () => new Promise((resolve, reject) => answers.push({ resolve, reject }));
    page.channels.resync();
    answers[0].reject(new Error('offline'));
    await settle();
    assert.ok(page.rooms.has('channel.team-a'));
    page.channels.resync();
    answers[1].resolve({ rooms: [{ id: 'global' }, details('team-b')] });
    await settle();
    assert.deepEqual([...page.rooms.channels.keys()], ['channel.team-b']);
    page.channels.resync();
    page.channels.stop();
    answers[2].resolve({ rooms: [] });
    await settle();
    assert.deepEqual([...page.rooms.channels.keys()], ['channel.team-b'], 'stopped: the answer is dropped');
  });
