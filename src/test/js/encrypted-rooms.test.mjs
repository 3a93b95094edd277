// Which private chats are encrypted and what the composer may do in each (webroot/js/encrypted-rooms.js, issue 20):
// it fails closed (a private chat not known yet sends nothing), seals with the accepted keys of the partner only,
// switches a chat on only when the partner has keys (asking nothing of the server otherwise), takes a notice over
// an answer made before it, and turns the server's refusals into words and a fresh look.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decryptMessage } from '../../../webroot/js/e2e-crypto.js';
import { EncryptedRooms } from '../../../webroot/js/encrypted-rooms.js';
import { FakeKeysServer, alicesKeys, apiError } from './lib/fake-keys-server.mjs';

const ROOM = 'dm.alice.bob';

// Alice's page: her keyring (set up unless told), the partners' keys, and the chats.
async function alicePage(server, { setUp = true, api = server.apiFor('alice') } = {}) {
  const { keyring, partners } = await alicesKeys(server, { setUp, api });
  const changed = [];
  const chats = new EncryptedRooms('alice', { api, keyring, partners, nameOf: (n) => (n === 'bob' ? 'Bob' : n),
    changed: (id) => changed.push(id) });
  return { keyring, partners, chats, changed };
}

test('rooms that are no private chat send text; a private chat sends nothing until its state is known', async () => {
  const server = new FakeKeysServer();
  const { chats } = await alicePage(server);
  assert.deepEqual(chats.mode('global'), { kind: 'plain' });
  assert.deepEqual(chats.mode('topic.general'), { kind: 'plain' });
  const before = chats.mode(ROOM);
  assert.equal(before.kind, 'blocked');
  assert.equal(before.reason, 'checking');
  assert.equal(before.transient, true, 'a send waits for it');

  server.down = true;
  await chats.load(ROOM);
  const failed = chats.mode(ROOM);
  assert.equal(failed.kind, 'blocked', 'not known: not sent as text');
  assert.equal(failed.reason, 'unchecked');
  assert.equal(failed.transient, false);

  assert.equal(failed.retry, true, 'a send asks again first');

  server.down = false;
  await chats.settled(ROOM);
  assert.deepEqual(chats.mode(ROOM), { kind: 'plain' });
  assert.equal(chats.isEncrypted(ROOM), false);
});

test('an encrypted chat seals for the partner\'s accepted keys; its words say why when it cannot', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('bob');
  const page = await alicePage(server);
  await page.chats.switchOn(ROOM);
  assert.equal(page.chats.isEncrypted(ROOM), true);
  assert.deepEqual(page.chats.mode(ROOM), { kind: 'sealed' });

  const e2e = await page.chats.seal(ROOM, 'Meet at six');
  assert.equal(e2e.from, page.keyring.fingerprint);
  assert.equal(e2e.to, bob.fingerprint);
  assert.ok(!JSON.stringify(e2e).includes('Meet'));
  const read = await decryptMessage({ room: ROOM, sender: 'alice', e2e, identity: bob.identity,
    fingerprint: bob.fingerprint, other: await page.partners.identity('alice', page.keyring.fingerprint) });
  assert.equal(read, 'Meet at six');

  // Bob resets: nothing is sealed for his new keys until Alice accepts them.
  const bob2 = await server.enrol('bob', 'bob has new keys');
  await page.partners.refresh('bob');
  const changed = page.chats.mode(ROOM);
  assert.equal(changed.reason, 'changed');
  assert.match(changed.text, /^Bob's keys have changed\. Compare the safety number/);
  await assert.rejects(page.chats.seal(ROOM, 'secret'), (e) => e.name === 'NotSealed');
  await page.partners.accept('bob', bob2.fingerprint);
  assert.equal((await page.chats.seal(ROOM, 'again')).to, bob2.fingerprint);
});

test('this person\'s own keys: set up, locked, replaced each say what to do', async () => {
  const server = new FakeKeysServer();
  await server.enrol('alice');
  await server.enrol('bob');
  server.encrypted.set(ROOM, { by: 'bob', since: 1 });
  const page = await alicePage(server, { setUp: false });
  await page.chats.load(ROOM);
  assert.equal(page.keyring.state, 'locked');
  const locked = page.chats.mode(ROOM);
  assert.equal(locked.reason, 'unlock');
  assert.match(locked.text, /locked on this browser/);
  await assert.rejects(page.chats.seal(ROOM, 'x'), (e) => e.name === 'NotSealed');

  const none = await alicePage(new FakeKeysServer(), { setUp: false });
  none.chats.heard(ROOM, 'bob');
  assert.equal(none.chats.mode(ROOM).reason, 'setup');

  const elsewhere = await alicePage(server);
  elsewhere.chats.heard(ROOM, 'bob');
  await elsewhere.chats.settled(ROOM);
  assert.equal(elsewhere.chats.mode(ROOM).kind, 'sealed');
  await server.enrol('alice', 'reset on her phone');
  await elsewhere.keyring.load();
  const replaced = elsewhere.chats.mode(ROOM);
  assert.equal(replaced.reason, 'unlock');
  assert.match(replaced.text, /reset on another browser/);
});

test('switching on asks the server nothing when the partner has no keys, and says so', async () => {
  const server = new FakeKeysServer();
  const page = await alicePage(server);
  await assert.rejects(page.chats.switchOn(ROOM), (e) => e.name === 'NoPartnerKeys'
    && e.message === 'Bob has not set up encrypted chats yet.');
  assert.deepEqual(server.calls.filter((c) => c.includes('encrypt ')), [], 'no POST');
  assert.equal(page.chats.isEncrypted(ROOM), false);

  const lockedOut = await alicePage(server, { setUp: false });
  await assert.rejects(lockedOut.chats.switchOn(ROOM), (e) => e.name === 'NoOwnKeys');
});

test('a notice that the chat is encrypted stands over an answer the server made before it', async () => {
  const server = new FakeKeysServer();
  await server.enrol('bob');
  let answer;
  const api = { ...server.apiFor('alice'), encryption: () => new Promise((resolve) => { answer = resolve; }) };
  const page = await alicePage(server, { api });
  const loading = page.chats.load(ROOM);
  page.chats.heard(ROOM, 'bob');
  assert.equal(page.chats.isEncrypted(ROOM), true, 'at once');
  answer({ room: ROOM, encrypted: false });
  await loading;
  assert.equal(page.chats.isEncrypted(ROOM), true, 'never switched off');
  await page.chats.settled(ROOM);
  assert.deepEqual(page.chats.mode(ROOM), { kind: 'sealed' });
});

test('the server\'s refusals of a send: the state is asked again and the person told', async () => {
  const server = new FakeKeysServer();
  await server.enrol('bob');
  const page = await alicePage(server);
  await page.chats.load(ROOM);
  const busError = (code, message) => Object.assign(new Error(message), { failureCode: code });

  assert.match(page.chats.refused(ROOM, busError(400, 'text: this private room is end-to-end encrypted')),
    /just switched to end-to-end encryption/);
  assert.equal(page.chats.isEncrypted(ROOM), true);
  await page.chats.settled(ROOM);

  await server.enrol('bob', 'bob reset his keys');
  assert.match(page.chats.refused(ROOM, busError(409, "e2e.to: bob's keys have changed")), /Bob's keys have changed/);
  await page.partners.settled('bob');
  assert.equal(page.chats.mode(ROOM).reason, 'changed');

  assert.match(page.chats.refused(ROOM, busError(409, 'e2e.from: your keys have changed')), /reset on another/);
  assert.equal(page.chats.refused(ROOM, busError(429, 'Slow down')), null, 'not about encryption');
  assert.equal(page.chats.refused('topic.general', busError(400, 'text: too long')), null);
  assert.equal(page.chats.refused(ROOM, apiError(403, 'files are not end-to-end encrypted')), null);
});
