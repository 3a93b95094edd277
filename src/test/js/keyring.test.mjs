// This person's keys on one browser (webroot/js/keyring.js, issue 20): set up with a chat passphrase (backup first,
// then the keys published, then kept here locked), unlocked on a new browser (a wrong passphrase changes nothing),
// found replaced after a reset elsewhere, an unreachable server, a set-up cut short, and keys removed from here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unwrapIdentity } from '../../../webroot/js/e2e-crypto.js';
import { Keyring, MIN_PASSPHRASE, passphraseProblems } from '../../../webroot/js/keyring.js';
import { FAST, FakeKeysServer, fastCrypto, memoryKeyStore } from './lib/fake-keys-server.mjs';

const PASSPHRASE = 'four words of chat';

function browser(server, user = 'Alice', store = memoryKeyStore()) {
  const states = [];
  const keyring = new Keyring(user, { api: server.apiFor(user), store, crypto: fastCrypto,
    changed: () => states.push(keyring.state) });
  return { keyring, store, states };
}

test('a chat passphrase is at least ten characters, typed the same twice', () => {
  assert.equal(MIN_PASSPHRASE, 10);
  assert.deepEqual(Object.keys(passphraseProblems('short', 'short')), ['passphrase']);
  assert.deepEqual(Object.keys(passphraseProblems('           ', '           ')), ['passphrase']);
  assert.deepEqual(Object.keys(passphraseProblems('long enough words', 'long enough word')), ['confirmPassphrase']);
  assert.equal(passphraseProblems('long enough words', 'long enough words'), null);
  assert.equal(passphraseProblems('ääääääääää', 'ääääääääää'), null, 'characters, not bytes');
});

test('set up: the backup is stored first, then the keys published; they are kept here, private keys locked',
  async () => {
    const server = new FakeKeysServer();
    const { keyring, store, states } = browser(server);
    await keyring.load();
    assert.equal(keyring.state, 'none', 'no keys anywhere yet');

    await keyring.create(PASSPHRASE);
    assert.equal(keyring.state, 'ready');
    assert.deepEqual(states, ['none', 'ready']);
    const writes = server.calls.filter((c) => /putKeyBackup|publishKeys/.test(c));
    assert.deepEqual(writes, ['alice: putKeyBackup', 'alice: publishKeys'], 'backup before keys');
    assert.equal(server.current('alice').fingerprint, keyring.fingerprint);
    assert.equal(server.backups.get('alice').fingerprint, keyring.fingerprint);
    assert.equal(server.backups.get('alice').iterations, FAST.iterations);

    const kept = await store.identity('ALICE');
    assert.equal(kept.fingerprint, keyring.fingerprint, 'kept under the name whatever its case');
    assert.equal(kept.identity.ecdh.privateKey.extractable, false);
    assert.equal(kept.identity.ecdsa.privateKey.extractable, false);
    assert.ok(!JSON.stringify(server.backups.get('alice')).includes(PASSPHRASE));

    // The same browser later: ready from what it keeps, nothing written.
    const again = new Keyring('alice', { api: server.apiFor('alice'), store, crypto: fastCrypto });
    const before = server.calls.length;
    await again.load();
    assert.equal(again.state, 'ready');
    assert.equal(again.fingerprint, keyring.fingerprint);
    assert.ok(server.calls.slice(before).every((c) => !/put|publish/i.test(c)));
  });

test('a new browser is locked; a wrong passphrase is refused and changes nothing; the right one unlocks',
  async () => {
    const server = new FakeKeysServer();
    const first = browser(server);
    await first.keyring.load();
    await first.keyring.create(PASSPHRASE);

    const second = browser(server);
    await second.keyring.load();
    assert.equal(second.keyring.state, 'locked');
    await assert.rejects(second.keyring.unlock('not the passphrase'), (e) => e.name === 'WrongPassphrase');
    assert.equal(second.keyring.state, 'locked');
    assert.equal(await second.store.identity('alice'), null, 'nothing kept');
    assert.equal(server.identities.get('alice').length, 1, 'nothing published');

    const published = server.calls.length;
    await second.keyring.unlock(PASSPHRASE);
    assert.equal(second.keyring.state, 'ready');
    assert.equal(second.keyring.fingerprint, first.keyring.fingerprint);
    assert.equal((await second.store.identity('alice')).identity.ecdh.privateKey.extractable, false);
    assert.ok(server.calls.slice(published).every((c) => c !== 'alice: publishKeys'), 'already current');
  });

test('keys reset on another browser are found replaced here, and the new passphrase unlocks the new keys',
  async () => {
    const server = new FakeKeysServer();
    const laptop = browser(server);
    await laptop.keyring.load();
    await laptop.keyring.create(PASSPHRASE);
    const phone = browser(server);
    await phone.keyring.load();
    await phone.keyring.unlock(PASSPHRASE);
    const old = phone.keyring.fingerprint;

    await laptop.keyring.create('a brand new passphrase');
    await phone.keyring.load();
    assert.equal(phone.keyring.state, 'replaced');
    assert.equal(phone.keyring.identity, null, 'keys that are no longer current are not used');
    await assert.rejects(phone.keyring.unlock(PASSPHRASE), (e) => e.name === 'WrongPassphrase');
    await phone.keyring.unlock('a brand new passphrase');
    assert.equal(phone.keyring.state, 'ready');
    assert.notEqual(phone.keyring.fingerprint, old);
    assert.equal(phone.keyring.fingerprint, laptop.keyring.fingerprint);
  });

test('an unreachable server: keys held here are used; without any, the state says so until asked again',
  async () => {
    const server = new FakeKeysServer();
    const held = browser(server);
    await held.keyring.load();
    await held.keyring.create(PASSPHRASE);
    server.down = true;
    const reload = new Keyring('alice', { api: server.apiFor('alice'), store: held.store, crypto: fastCrypto });
    await reload.load();
    assert.equal(reload.state, 'ready');

    const fresh = browser(server);
    await fresh.keyring.load();
    assert.equal(fresh.keyring.state, 'error');
    server.down = false;
    await fresh.keyring.load();
    assert.equal(fresh.keyring.state, 'locked');
  });

test('a set-up cut short after its backup: unlocking publishes the backup\'s keys', async () => {
  const server = new FakeKeysServer();
  const api = server.apiFor('alice');
  const failing = { ...api, publishKeys: async () => { throw Object.assign(new Error('gone'), { status: 0 }); } };
  const cut = new Keyring('alice', { api: failing, store: memoryKeyStore(), crypto: fastCrypto });
  await cut.load();
  await assert.rejects(cut.create(PASSPHRASE));
  assert.equal(server.current('alice'), null, 'keys not published');
  assert.notEqual(cut.state, 'ready');

  const other = browser(server);
  await other.keyring.load();
  assert.equal(other.keyring.state, 'locked', 'the backup is there');
  await other.keyring.unlock(PASSPHRASE);
  assert.equal(other.keyring.state, 'ready');
  assert.equal(server.current('alice').fingerprint, other.keyring.fingerprint);
  const opened = await unwrapIdentity(server.backups.get('alice'), PASSPHRASE, { minIterations: FAST.minIterations });
  assert.equal(opened.fingerprint, other.keyring.fingerprint);
});

test('keys removed from this browser are locked again, and unlock again', async () => {
  const server = new FakeKeysServer();
  const { keyring, store } = browser(server);
  await keyring.load();
  await keyring.create(PASSPHRASE);
  const fingerprint = keyring.fingerprint;
  await keyring.forget();
  assert.equal(keyring.state, 'locked');
  assert.equal(keyring.identity, null);
  assert.equal(await store.identity('alice'), null);
  await keyring.unlock(PASSPHRASE);
  assert.equal(keyring.fingerprint, fingerprint);
});

test('the first load is awaited by readers; loads at once are one', async () => {
  const server = new FakeKeysServer();
  const { keyring } = browser(server);
  let loaded = false;
  keyring.whenLoaded().then(() => {
    loaded = true;
  });
  const a = keyring.load();
  const b = keyring.load();
  assert.equal(a, b);
  await a;
  await Promise.resolve();
  assert.equal(loaded, true);
  assert.equal(server.calls.filter((c) => c.startsWith('alice: keysOf')).length, 1);
});
