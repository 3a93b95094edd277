// Reading encrypted messages (webroot/js/sealed-messages.js, issue 20): the partner's and one's own are opened with
// the identity of the fingerprint they name; every way one cannot be read is said on the message in its own words
// (keys locked here, written to keys since reset, not signed by its sender, damaged, keys not fetched); a message
// signed by an earlier key of the partner says so; messages that waited for keys or an answer are read again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encryptMessage } from '../../../webroot/js/e2e-crypto.js';
import { RoomState } from '../../../webroot/js/rooms.js';
import { SealedMessages, shortFingerprint, unreadableNote } from '../../../webroot/js/sealed-messages.js';
import { FakeKeysServer, PASSPHRASE, alicesKeys, apiError, flush } from './lib/fake-keys-server.mjs';

const ROOM = 'dm.alice.bob';
let nextId = 1;

// Alice's page reading: her keyring (set up unless told), the partners' keys, the reader and what it redrew.
async function alicePage(server, { setUp = true, api = server.apiFor('alice') } = {}) {
  const { keyring, partners } = await alicesKeys(server, { setUp, api });
  const redrawn = [];
  const reader = new SealedMessages('alice', { keyring, partners, changed: (room, m) => redrawn.push(m.id) });
  return { keyring, partners, reader, redrawn };
}

// A stored message as the server relays it: sender, e2e, no text.
function stored(sender, e2e) {
  return { id: nextId++, room: ROOM, sender, e2e, ts: 1_700_000_000_000 };
}

async function sealed(from, toKeys, sender, text) {
  return encryptMessage({ room: ROOM, sender, text, identity: from.identity, fingerprint: from.fingerprint,
    partner: toKeys });
}

// Waits until every sealed message of the room has its reading.
async function readAll(reader, room, again = false) {
  reader.read(room, again);
  for (let i = 0; i < 100 && room.messages.some((m) => m.sealed?.state === 'reading'); i++) await flush();
}

test('the partner\'s message and one\'s own are read; nothing else of them is shown', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('Bob');
  const page = await alicePage(server);
  const alice = { identity: page.keyring.identity, fingerprint: page.keyring.fingerprint };
  const room = new RoomState(ROOM);
  const fromBob = stored('Bob', await sealed(bob, await page.partners.identity('alice', alice.fingerprint), 'Bob',
    'Hi Alice'));
  fromBob.text = 'a server may put anything here';
  const own = stored('alice', await sealed(alice, bob.keys, 'alice', 'Hi Bob'));
  room.add([fromBob, own]);
  await readAll(page.reader, room);
  assert.deepEqual(fromBob.sealed, { state: 'open', text: 'Hi Alice', signer: { fingerprint: bob.fingerprint,
    name: 'Bob' }, note: null });
  assert.equal(own.sealed.state, 'open');
  assert.equal(own.sealed.text, 'Hi Bob');
  assert.deepEqual(page.redrawn.sort(), [fromBob.id, own.id].sort());
});

test('locked keys: "unlock to read"; read once unlocked', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('bob');
  const writer = await alicePage(server);
  const alice = { identity: writer.keyring.identity, fingerprint: writer.keyring.fingerprint };
  const m = stored('alice', await sealed(alice, bob.keys, 'alice', 'before the new browser'));

  const page = await alicePage(server, { setUp: false });
  assert.equal(page.keyring.state, 'locked');
  const room = new RoomState(ROOM);
  room.add([m]);
  await readAll(page.reader, room);
  assert.deepEqual(m.sealed, { state: 'locked', note: 'Unlock encrypted chats to read this' });
  await page.keyring.unlock(PASSPHRASE);
  await readAll(page.reader, room);
  assert.equal(m.sealed.state, 'locked', 'not read again unless asked');
  await readAll(page.reader, room, true);
  assert.equal(m.sealed.text, 'before the new browser');
});

test('each refusal in its own words, on the message', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('bob');
  const page = await alicePage(server);
  const alice = { identity: page.keyring.identity, fingerprint: page.keyring.fingerprint };
  const aliceKeys = await page.partners.identity('alice', alice.fingerprint);
  const good = await sealed(bob, aliceKeys, 'bob', 'real');

  const tampered = stored('bob', { ...good, ciphertext: flipFirst(good.ciphertext) });
  const posing = stored('carol', good);                        // another sender on bob's blob
  const unknownSigner = stored('bob', { ...good, from: 'c'.repeat(64) });
  const malformed = stored('bob', { ...good, iv: 'short' });
  const room = new RoomState(ROOM);
  room.add([tampered, posing, unknownSigner, malformed]);
  await readAll(page.reader, room);
  assert.equal(tampered.sealed.note, 'Not signed by bob: not shown', 'the signature covers the ciphertext');
  assert.equal(posing.sealed.note, 'Not signed by carol: not shown');
  assert.equal(unknownSigner.sealed.note, 'Not signed by bob: not shown', 'keys the server does not know');
  assert.equal(malformed.sealed.note, 'Damaged message');

  // Alice resets: what was written to her old keys cannot be read, and no keys are fetched for it.
  await page.keyring.create('alice starts over');
  const old = stored('bob', good);
  room.add([old]);
  const asked = server.calls.length;
  await readAll(page.reader, room);
  assert.equal(old.sealed.note, 'Unreadable: written to your keys before they were reset');
  assert.equal(server.calls.length, asked);
});

test('a message signed by an earlier key of the partner says which; keys not fetched are tried again', async () => {
  const server = new FakeKeysServer();
  const bobOld = await server.enrol('bob');
  let failing = false;
  const api = { ...server.apiFor('alice'), identityOf: async (...args) => {
    if (failing) throw apiError(0);
    return server.apiFor('alice').identityOf(...args);
  } };
  const page = await alicePage(server, { api });
  const alice = { identity: page.keyring.identity, fingerprint: page.keyring.fingerprint };
  const aliceKeys = await page.partners.identity('alice', alice.fingerprint);
  const early = stored('bob', await sealed(bobOld, aliceKeys, 'bob', 'from the old phone'));
  const bobNew = await server.enrol('bob', 'new phone new keys');
  await page.partners.refresh('bob');
  await page.partners.accept('bob', bobNew.fingerprint);
  const late = stored('bob', await sealed(bobNew, aliceKeys, 'bob', 'from the new phone'));

  failing = true;
  const room = new RoomState(ROOM);
  room.add([early, late]);
  await readAll(page.reader, room);
  assert.equal(early.sealed.state, 'unavailable', 'the old key could not be fetched');
  assert.equal(early.sealed.note, unreadableNote('unavailable', 'bob'));
  assert.equal(late.sealed.text, 'from the new phone', 'the current key came with the partner\'s status');
  assert.equal(late.sealed.note, null);

  failing = false;
  await readAll(page.reader, room, true);
  assert.equal(early.sealed.text, 'from the old phone');
  assert.equal(early.sealed.note, `signed by an earlier key of bob (${shortFingerprint(bobOld.fingerprint)})`);
});

test('the note follows the partner\'s current keys', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('bob');
  const page = await alicePage(server);
  const aliceKeys = await page.partners.identity('alice', page.keyring.fingerprint);
  const m = stored('bob', await sealed(bob, aliceKeys, 'bob', 'hello'));
  const room = new RoomState(ROOM);
  room.add([m]);
  await readAll(page.reader, room);
  assert.equal(m.sealed.note, null, 'the partner\'s current keys are not known yet: nothing said');
  await server.enrol('bob', 'bob resets');
  await page.partners.refresh('bob');
  assert.deepEqual(page.reader.renote(room), [m]);
  assert.match(m.sealed.note, /^signed by an earlier key of bob/);
});

function flipFirst(base64) {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] ^= 1;
  return bytes.toString('base64');
}
