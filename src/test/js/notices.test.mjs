// Notices (webroot/js/notices.js): what arrives on chat.user.<me> sorted out, and the invitations and requests
// to connect waiting for an answer, each listed once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoticeList, lostChannelText, readUserNotice } from '../../../webroot/js/notices.js';

test('each kind of body on chat.user.<me> is read; malformed ones are nothing', () => {
  const message = { id: 1, sender: 'bob', text: 'hi', ts: 1 };
  assert.deepEqual(readUserNotice({ room: 'dm.alice.bob', message }), { kind: 'private', room: 'dm.alice.bob', message });
  assert.deepEqual(readUserNotice({ type: 'channel.invite', channel: 'team-a', room: 'channel.team-a', from: 'bob' }),
    { kind: 'invite', channel: 'team-a', room: 'channel.team-a', from: 'bob' });
  assert.deepEqual(readUserNotice({ type: 'channel.removed', channel: 'team-a', by: 'bob' }),
    { kind: 'removed', channel: 'team-a', room: 'channel.team-a', by: 'bob' });
  assert.deepEqual(readUserNotice({ type: 'channel.deleted', channel: 'team-a' }),
    { kind: 'deleted', channel: 'team-a', room: 'channel.team-a', by: null });
  assert.deepEqual(readUserNotice({ type: 'contact.request', from: 'carol' }), { kind: 'contact-request', from: 'carol' });
  assert.deepEqual(readUserNotice({ type: 'contact.accepted', by: 'carol' }), { kind: 'contact-accepted', by: 'carol' });
  assert.deepEqual(readUserNotice({ type: 'encryption', room: 'dm.alice.bob', by: 'bob' }),
    { kind: 'encryption', room: 'dm.alice.bob', by: 'bob' });
  assert.deepEqual(readUserNotice({ type: 'keys', user: 'Bob', fingerprint: 'ab'.repeat(32) }),
    { kind: 'keys', user: 'Bob' }, 'the fingerprint is the page\'s to compute, not taken from the notice');
  for (const bad of [null, 'x', {}, { room: 'dm.a.b' }, { type: 'channel.invite', channel: 'x' },
    { type: 'contact.request' }, { type: 'something.new', from: 'x' }, { type: 'channel.removed', channel: 3 },
    { type: 'encryption', by: 'bob' }, { type: 'keys', fingerprint: 'ab' }]) {
    assert.equal(readUserNotice(bad), null, JSON.stringify(bad));
  }
});

test('losing a channel is told in a sentence that names who did it when known', () => {
  assert.equal(lostChannelText('removed', 'team-a', 'bob'), 'You were removed from #team-a by bob.');
  assert.equal(lostChannelText('removed', 'team-a', null), 'You were removed from #team-a.');
  assert.equal(lostChannelText('deleted', 'team-a', 'bob'), 'bob deleted #team-a.');
  assert.equal(lostChannelText('deleted', 'team-a', null), '#team-a was deleted.');
});

test('an invitation told twice (live and in the list on load) is listed once, newest first', () => {
  const notices = new NoticeList();
  assert.ok(notices.invited({ channel: 'team-a', from: 'bob' }));
  assert.ok(notices.requested('Carol'));
  assert.ok(!notices.invited({ channel: 'team-a', from: 'bob', description: 'Our team', visibility: 'private' }));
  assert.ok(!notices.requested('carol'));
  assert.ok(!notices.invited({ channel: '', from: 'bob' }));
  assert.ok(!notices.requested(''));
  assert.equal(notices.count, 2);
  const [request, invite] = notices.list();
  assert.equal(request.kind, 'contact-request');
  assert.equal(invite.description, 'Our team', 'the fuller telling is kept');
  assert.equal(invite.from, 'bob');
  assert.ok(notices.answered(NoticeList.inviteKey('team-a')));
  assert.ok(!notices.answered(NoticeList.inviteKey('team-a')));
  assert.equal(notices.count, 1);
});

test('the contacts list replaces the requests, and leaves the invitations', () => {
  const notices = new NoticeList();
  notices.invited({ channel: 'team-a', from: 'bob' });
  notices.requested('carol');
  notices.setRequests(['dave', 'erin']);
  assert.deepEqual(notices.list().map((n) => n.from ?? n.channel).sort(), ['bob', 'dave', 'erin']);
});
