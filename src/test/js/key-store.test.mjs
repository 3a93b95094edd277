// What this browser keeps for encrypted chats (webroot/js/key-store.js, issue 20): each person's identity and their
// trust in each partner, apart from anyone else logged in here; without IndexedDB (as here, in Node) the keys are
// kept for the visit only, and the store says so.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateIdentity, lockIdentity, publicIdentity } from '../../../webroot/js/e2e-crypto.js';
import { KeyStore, browserKeyStore, memoryStorage } from '../../../webroot/js/key-store.js';

test('an identity and the trust in partners are kept per person, whatever the case of the names', async () => {
  const store = new KeyStore(memoryStorage());
  const identity = await lockIdentity(await generateIdentity());
  const { public: jwks, fingerprint } = await publicIdentity(identity);
  assert.equal(await store.identity('alice'), null);
  await store.keepIdentity('Alice', { identity, fingerprint, public: jwks });
  const kept = await store.identity('ALICE');
  assert.equal(kept.fingerprint, fingerprint);
  assert.equal(kept.identity.ecdsa.privateKey, identity.ecdsa.privateKey, 'the CryptoKey itself');
  assert.equal(await store.identity('bob'), null);

  await store.keepTrust('alice', 'Bob', { fingerprint: 'a'.repeat(64), verified: true });
  assert.equal((await store.trust('ALICE', 'bob')).verified, true);
  assert.equal(await store.trust('carol', 'bob'), null, 'carol on this browser decides for herself');
  await store.keepTrust('alice', 'bob', { fingerprint: 'b'.repeat(64), verified: 'yes' });
  assert.deepEqual({ ...(await store.trust('alice', 'bob')), at: 0 },
    { fingerprint: 'b'.repeat(64), verified: false, at: 0 }, 'verified only when said so');

  await store.forgetIdentity('alice');
  assert.equal(await store.identity('alice'), null);
});

test('without IndexedDB the keys last for this visit, and the store says so', async () => {
  assert.equal(typeof indexedDB, 'undefined');
  const store = browserKeyStore();
  await store.keepTrust('alice', 'bob', { fingerprint: 'c'.repeat(64), verified: false });
  assert.equal((await store.trust('alice', 'bob')).fingerprint, 'c'.repeat(64));
  assert.equal(store.persistent, false);
});
