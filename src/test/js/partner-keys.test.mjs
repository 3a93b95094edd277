// Partners' keys (webroot/js/partner-keys.js, issue 20): the first keys seen are accepted (trust on first use) and
// kept per person on this browser, verified when the person says so; new keys are "changed" until accepted; keys
// the server gives that are not valid, or not of the fingerprint it names, are refused; earlier identities are
// fetched by fingerprint once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartnerKeys } from '../../../webroot/js/partner-keys.js';
import { FakeKeysServer, apiError, memoryKeyStore } from './lib/fake-keys-server.mjs';

function page(server, store = memoryKeyStore(), me = 'alice') {
  const heard = [];
  const partners = new PartnerKeys(me, { api: server.apiFor(me), store, changed: (p) => heard.push(p) });
  return { partners, store, heard };
}

test('the first keys seen are accepted and kept; verified once compared, on this browser from then on', async () => {
  const server = new FakeKeysServer();
  const bob = await server.enrol('Bob');
  const { partners, store, heard } = page(server);
  assert.equal(partners.status('bob').state, 'unknown');
  await partners.refresh('Bob');
  const status = partners.status('BOB');
  assert.equal(status.state, 'ok');
  assert.equal(status.fingerprint, bob.fingerprint);
  assert.equal(status.accepted, bob.fingerprint);
  assert.equal(status.verified, false);
  assert.deepEqual(heard, ['bob', 'bob'], 'loading, then known');
  const kept = await store.trust('Alice', 'bob');
  assert.equal(kept.fingerprint, bob.fingerprint, 'kept on this browser');
  assert.equal(kept.verified, false);

  assert.equal(await partners.markVerified('bob', 'f'.repeat(64)), false, 'only the keys shown');
  assert.equal(await partners.markVerified('bob', bob.fingerprint), true);
  assert.equal(partners.status('bob').verified, true);
  const later = page(server, store);
  await later.partners.refresh('bob');
  assert.equal(later.partners.status('bob').verified, true, 'kept');
  const carol = page(server, store, 'carol');
  await carol.partners.refresh('bob');
  assert.equal(carol.partners.status('bob').verified, false, 'each person on this browser decides for themselves');
});

test('new keys of a partner are "changed" until accepted, and accepting them takes the verification away',
  async () => {
    const server = new FakeKeysServer();
    const first = await server.enrol('bob');
    const { partners } = page(server);
    await partners.refresh('bob');
    await partners.markVerified('bob', first.fingerprint);

    const second = await server.enrol('bob', 'another passphrase');
    await partners.refresh('bob');
    let status = partners.status('bob');
    assert.equal(status.state, 'changed');
    assert.equal(status.fingerprint, second.fingerprint);
    assert.equal(status.accepted, first.fingerprint);
    assert.equal(status.verified, false);

    assert.equal(await partners.accept('bob', first.fingerprint), false, 'the old keys are not accepted again');
    assert.equal(partners.status('bob').state, 'changed');
    assert.equal(await partners.accept('bob', second.fingerprint), true);
    status = partners.status('bob');
    assert.equal(status.state, 'ok');
    assert.equal(status.accepted, second.fingerprint);
    assert.equal(status.verified, false);
  });

test('the fingerprint is recomputed here: keys the server names wrongly, or that are no keys, are refused',
  async () => {
    const server = new FakeKeysServer();
    const bob = await server.enrol('bob');
    const lying = { ...server.apiFor('alice'), keysOf: async () => ({ ...bob.public, fingerprint: 'a'.repeat(64) }) };
    const partners = new PartnerKeys('alice', { api: lying, store: memoryKeyStore() });
    await partners.refresh('bob');
    assert.equal(partners.status('bob').state, 'bad');

    const broken = { ...server.apiFor('alice'),
      keysOf: async () => ({ ecdh: { kty: 'EC' }, ecdsa: {}, fingerprint: 'x' }) };
    const others = new PartnerKeys('alice', { api: broken, store: memoryKeyStore() });
    await others.refresh('bob');
    assert.equal(others.status('bob').state, 'bad');
  });

test('no keys, and no answer: said as such; keys known stay when the server cannot be asked', async () => {
  const server = new FakeKeysServer();
  const { partners } = page(server);
  await partners.refresh('bob');
  assert.equal(partners.status('bob').state, 'none');
  await server.enrol('bob');
  server.down = true;
  await partners.refresh('carol');
  assert.equal(partners.status('carol').state, 'error');
  server.down = false;
  await partners.refresh('bob');
  server.down = true;
  await partners.refresh('bob');
  assert.equal(partners.status('bob').state, 'ok', 'known keys stay');
});

test('an earlier identity by fingerprint: fetched once; unknown is null; a failed request is asked again',
  async () => {
    const server = new FakeKeysServer();
    const old = await server.enrol('bob');
    await server.enrol('bob', 'second passphrase');
    const { partners } = page(server);
    const keys = await partners.identity('Bob', old.fingerprint);
    assert.equal(keys.fingerprint, old.fingerprint);
    await partners.identity('bob', old.fingerprint);
    assert.equal(server.calls.filter((c) => c.startsWith('alice: identityOf')).length, 1, 'asked once');
    assert.equal(await partners.identity('bob', 'b'.repeat(64)), null);

    let fail = true;
    const api = { ...server.apiFor('alice'),
      identityOf: async (...args) => {
        if (fail) throw apiError(0);
        return server.apiFor('alice').identityOf(...args);
      } };
    const flaky = new PartnerKeys('alice', { api, store: memoryKeyStore() });
    await assert.rejects(flaky.identity('bob', old.fingerprint));
    fail = false;
    assert.equal((await flaky.identity('bob', old.fingerprint)).fingerprint, old.fingerprint);
  });
