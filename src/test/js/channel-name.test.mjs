// Channel names (webroot/js/channel-name.js): the rule the create form checks before the server does, room ids,
// and who sees which member controls.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  channelNameProblem, channelOf, channelRoomId, descriptionProblem, isChannelRoom, mayInvite, mayRemove,
  normalizeChannelName, sortMembers,
} from '../../../webroot/js/channel-name.js';

test('a typed name is lower-cased and trimmed, as the server reads it', () => {
  assert.equal(normalizeChannelName('  Team-A '), 'team-a');
  assert.equal(normalizeChannelName(undefined), '');
  assert.equal(channelNameProblem('Team-A'), null, 'upper case is fine: it is lower-cased');
});

test('a name is 2-32 of a-z, 0-9 and -, and global is reserved', () => {
  for (const ok of ['ab', 'team-a', '2024-plans', 'a'.repeat(32)]) assert.equal(channelNameProblem(ok), null, ok);
  assert.equal(channelNameProblem(''), 'is required');
  assert.equal(channelNameProblem('   '), 'is required');
  assert.equal(channelNameProblem('a'), 'must be at least 2 characters');
  assert.equal(channelNameProblem('a'.repeat(33)), 'must be at most 32 characters');
  for (const bad of ['team_a', 'team a', 'tëam', 'team.a', 'team/a']) {
    assert.equal(channelNameProblem(bad), 'may only use letters, digits and -', bad);
  }
  assert.equal(channelNameProblem('GLOBAL'), 'is reserved');
});

test('a description has at most 500 characters, counted as the person sees them', () => {
  assert.equal(descriptionProblem(''), null);
  assert.equal(descriptionProblem('é'.repeat(500)), null);
  assert.equal(descriptionProblem('😀'.repeat(500)), null, 'an emoji is one character, not two');
  assert.equal(descriptionProblem('x'.repeat(501)), 'must be at most 500 characters');
});

test('a channel\'s room id is channel.<name>; other rooms are no channels', () => {
  assert.equal(channelRoomId('team-a'), 'channel.team-a');
  assert.equal(channelOf('channel.team-a'), 'team-a');
  assert.ok(isChannelRoom('channel.team-a'));
  for (const other of ['global', 'topic.news', 'dm.alice.bob', 'channel.', 'channel.Team', 'channel.a', 'channel.a.b',
    null, undefined]) {
    assert.equal(channelOf(other), null, String(other));
  }
});

test('members are listed owner first, then moderators, then members, each by name', () => {
  const sorted = sortMembers([
    { username: 'zed', role: 'member' }, { username: 'Bob', role: 'moderator' }, { username: 'amy', role: 'member' },
    { username: 'carol', role: 'owner' }, null, { role: 'member' }, { username: 'al', role: 'moderator' },
  ]);
  assert.deepEqual(sorted.map((m) => m.username), ['carol', 'al', 'Bob', 'amy', 'zed']);
  assert.deepEqual(sortMembers(undefined), []);
});

test('the owner may remove anyone but themself, moderators only members, members nobody', () => {
  assert.ok(mayRemove('owner', 'moderator'));
  assert.ok(mayRemove('owner', 'member'));
  assert.ok(!mayRemove('owner', 'owner'));
  assert.ok(mayRemove('moderator', 'member'));
  assert.ok(!mayRemove('moderator', 'moderator'));
  assert.ok(!mayRemove('moderator', 'owner'));
  assert.ok(!mayRemove('member', 'member'));
  assert.ok(!mayRemove(null, 'member'));
});

test('any member invites to a public channel; only owner and moderators to a private one', () => {
  assert.ok(mayInvite('member', 'public'));
  assert.ok(!mayInvite('member', 'private'));
  assert.ok(mayInvite('moderator', 'private'));
  assert.ok(mayInvite('owner', 'private'));
  assert.ok(!mayInvite(null, 'public'), 'not a member');
});
