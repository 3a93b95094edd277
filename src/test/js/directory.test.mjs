// The room directory (webroot/js/directory.js): which ids are rooms of this person, what each is called, and
// the private rooms remembered on this device across reloads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoomDirectory } from '../../../webroot/js/directory.js';

function memoryStorage() {
  const items = new Map();
  return { items, getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
}

function setup(me = 'Alice', storage = memoryStorage()) {
  const page = { storage, added: [], renamed: [], removed: [] };
  page.rooms = new RoomDirectory(me, {
    storage,
    added: (room, kind) => page.added.push([room.id, kind]),
    renamed: (id, label) => page.renamed.push([id, label]),
    removed: (room) => page.removed.push(room.id),
  });
  return page;
}

test('the global room, topics and one\'s own private rooms are rooms; anything else is not', () => {
  const page = setup();
  const general = page.rooms.ensure('topic.general');
  assert.equal(page.rooms.ensure('topic.general'), general, 'the same room each time');
  page.rooms.ensure('global');
  page.rooms.ensure('dm.alice.bob');
  for (const id of ['dm.bob.carol', 'dm.alice.alice', 'lobby', 'dm.alice']) {
    assert.equal(page.rooms.ensure(id), null, id);
  }
  assert.deepEqual(page.added, [['topic.general', 'topic'], ['global', 'global'], ['dm.alice.bob', 'dm']]);
  assert.deepEqual([...page.rooms.values()].map((r) => r.id), ['topic.general', 'global', 'dm.alice.bob']);
  assert.equal(page.rooms.partner('dm.alice.bob'), 'bob');
  assert.equal(page.rooms.partner('topic.general'), null);
});

test('a private room is labelled with the partner\'s name as registered, once it is known', () => {
  const page = setup();
  assert.equal(page.rooms.label('global'), 'global');
  assert.equal(page.rooms.label('topic.general'), 'general');
  const room = page.rooms.dmWith('BobTheBuilder');
  assert.equal(room.id, 'dm.alice.bobthebuilder');
  assert.equal(page.rooms.label(room.id), 'BobTheBuilder');
  assert.equal(page.rooms.label('dm.alice.carol'), 'carol', 'not known yet: the id\'s lower-case name');
  page.rooms.ensure('dm.alice.carol');
  page.rooms.learnName('Carol');
  page.rooms.learnName('Carol');
  page.rooms.learnName('Dave');
  page.rooms.learnName('ALICE');
  assert.deepEqual(page.renamed, [['dm.alice.carol', 'Carol']], 'only for rooms listed, once per change');
  assert.equal(page.rooms.label('dm.alice.carol'), 'Carol');
});

test('the server\'s private rooms are added with their names; malformed entries are skipped', () => {
  const page = setup();
  page.rooms.addPrivateRooms([{ id: 'dm.alice.zed', with: 'Zed' }, null, { with: 'x' }, { id: 'dm.bob.carol' }]);
  page.rooms.addPrivateRooms('nonsense');
  assert.deepEqual(page.added, [['dm.alice.zed', 'dm']]);
  assert.equal(page.rooms.label('dm.alice.zed'), 'Zed');
});

test('private rooms opened here are remembered for this person across a reload', () => {
  const storage = memoryStorage();
  const first = setup('Alice', storage);
  first.rooms.dmWith('bob');
  first.rooms.dmWith('carol');
  first.rooms.dmWith('bob');
  first.rooms.ensure('topic.general');
  assert.deepEqual(setup('alice', storage).rooms.storedDms(), ['dm.alice.bob', 'dm.alice.carol']);
  assert.deepEqual(setup('bob', storage).rooms.storedDms(), [], 'another person on the same browser');
  storage.setItem('chat.dmRooms.carol', '{not json');
  assert.deepEqual(setup('carol', storage).rooms.storedDms(), []);
});

test('a storage that refuses does not stop the room from opening', () => {
  const broken = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
  };
  const page = setup('alice', broken);
  assert.ok(page.rooms.dmWith('bob'));
  assert.deepEqual(page.rooms.storedDms(), []);
});

test('a channel is a room only while this person is in it, and goes when they leave or are removed', () => {
  const page = setup();
  assert.equal(page.rooms.ensure('channel.team-a'), null, 'not joined: no room');
  const room = page.rooms.addChannel({ id: 'channel.team-a', name: 'team-a', visibility: 'private', role: 'owner' });
  assert.equal(page.rooms.ensure('channel.team-a'), room);
  assert.equal(page.rooms.label('channel.team-a'), 'team-a');
  assert.deepEqual(page.rooms.channel('channel.team-a'), { name: 'team-a', visibility: 'private', role: 'owner' });
  page.rooms.addChannel({ id: 'channel.team-a', visibility: 'private', role: 'member' });
  assert.equal(page.rooms.channel('channel.team-a').role, 'member', 'the newer role');
  assert.equal(page.rooms.addChannel({ id: 'topic.general' }), null);
  assert.equal(page.rooms.addChannel(null), null);
  assert.deepEqual(page.added, [['channel.team-a', 'channel']], 'added once');

  assert.equal(page.rooms.removeChannel('channel.team-a'), room);
  assert.equal(page.rooms.removeChannel('channel.team-a'), null, 'only once');
  assert.deepEqual(page.removed, ['channel.team-a']);
  assert.ok(!page.rooms.has('channel.team-a'));
  assert.equal(page.rooms.ensure('channel.team-a'), null, 'a link to it opens nothing now');
});

test('the header names the room and its kind, and a private chat\'s partner', () => {
  const page = setup();
  page.rooms.learnName('Bob');
  page.rooms.addChannel({ id: 'channel.team-a', visibility: 'private', role: 'owner' });
  page.rooms.addChannel({ id: 'channel.open', visibility: 'public' });
  assert.deepEqual(page.rooms.heading('global'), { title: '# global', kind: 'Everyone', partner: null, channel: false });
  assert.deepEqual(page.rooms.heading('topic.news'),
    { title: '# news', kind: 'Topic room', partner: null, channel: false });
  assert.deepEqual(page.rooms.heading('dm.alice.bob'),
    { title: 'Bob', kind: 'Private chat', partner: 'bob', channel: false });
  assert.deepEqual(page.rooms.heading('channel.team-a'),
    { title: '# team-a', kind: 'Private channel', partner: null, channel: true });
  assert.equal(page.rooms.heading('channel.open').kind, 'Public channel');
});
