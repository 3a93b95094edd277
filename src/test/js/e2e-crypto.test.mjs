// End-to-end encryption (webroot/js/e2e-crypto.js, issue 20): a message between two identities, every way of
// changing one refused under its own name, the passphrase backup, public keys from the server checked, and
// known answers the module did not produce: the RFC vectors of HKDF and PBKDF2, fixed keys with their fingerprint,
// safety number and sealed message pinned, and an independent reading of the protocol with node:crypto (OpenSSL
// called directly, as another implementation would) that must accept what the module writes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import nodeCrypto from 'node:crypto';
import {
  cidOf, decryptMessage, encryptMessage, fingerprint, forTests, generateIdentity, importPublicIdentity, ITERATIONS,
  lockIdentity, MAX_CIPHERTEXT, publicIdentity, publicJwk, safetyNumber, unwrapIdentity, wrapIdentity,
} from '../../../webroot/js/e2e-crypto.js';

const { subtle } = globalThis.crypto;
const ROOM = 'dm.alice.bob';
// Backups in most tests: 600,000 rounds take about a second each; one test below uses them.
const FAST = { iterations: 1000, minIterations: 1000 };

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (text) => new Uint8Array(Buffer.from(text, 'base64'));
const fromHex = (text) => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (buffer) => Buffer.from(buffer).toString('hex');
const named = (name) => (e) => e.name === name;
// A copy of an e2e object with one base64 field's bytes changed by `change(bytes)`.
const withBytes = (e2e, field, change) => ({ ...e2e, [field]: b64(change(unb64(e2e[field]))) });
const flip = (i) => (bytes) => { bytes[i] ^= 1; return bytes; };

// A person: their identity, its public half and fingerprint, and the keys others import from it.
async function person() {
  const identity = await generateIdentity();
  const { public: jwks, fingerprint: fp } = await publicIdentity(identity);
  return { identity, jwks, fingerprint: fp, keys: await importPublicIdentity(jwks) };
}

const send = (from, to, text, room = ROOM, sender = 'alice') => encryptMessage({
  room, sender, text, identity: from.identity, fingerprint: from.fingerprint, partner: to.keys,
});
const read = (reader, other, e2e, room = ROOM, sender = 'alice') => decryptMessage({
  room, sender, e2e, identity: reader.identity, fingerprint: reader.fingerprint, other: other.keys,
});

test('alice writes, bob reads; alice reads her own message back; bob answers', async () => {
  const alice = await person();
  const bob = await person();
  const e2e = await send(alice, bob, 'Hello Bob ✓');
  assert.deepEqual(Object.keys(e2e), ['v', 'salt', 'iv', 'ciphertext', 'sig', 'from', 'to']);
  assert.equal(e2e.v, 1);
  assert.equal(unb64(e2e.salt).length, 32);
  assert.equal(unb64(e2e.iv).length, 12);
  assert.equal(unb64(e2e.sig).length, 64, 'WebCrypto\'s raw r‖s');
  assert.equal(e2e.from, alice.fingerprint);
  assert.equal(e2e.to, bob.fingerprint);
  assert.equal(cidOf(e2e), `e2e:${e2e.salt}`);
  assert.ok(!JSON.stringify(e2e).includes('Hello'));

  assert.equal(await read(bob, alice, e2e), 'Hello Bob ✓');
  assert.equal(await read(alice, bob, e2e), 'Hello Bob ✓', 'the writer reads it with the partner\'s ECDH key');
  const answer = await send(bob, alice, 'Hi Alice', ROOM, 'bob');
  assert.equal(await read(alice, bob, answer, ROOM, 'bob'), 'Hi Alice');
  assert.equal(await read(bob, alice, answer, ROOM, 'bob'), 'Hi Alice');

  const again = await send(alice, bob, 'Hello Bob ✓');
  assert.notEqual(again.salt, e2e.salt, 'a fresh salt and so a fresh key per message');
  assert.notEqual(again.ciphertext, e2e.ciphertext);
  assert.equal(await read(bob, alice, await send(alice, bob, '')), '', 'an empty text too');
});

test('the sender is lower-cased, as the server names senders', async () => {
  const alice = await person();
  const bob = await person();
  const e2e = await send(alice, bob, 'hi', ROOM, 'Alice');
  assert.equal(await read(bob, alice, e2e, ROOM, 'alice'), 'hi');
  assert.equal(await read(bob, alice, e2e, ROOM, 'ALICE'), 'hi');
});

test('any change to a message by others is BadSignature: the signature is checked first', async () => {
  const alice = await person();
  const bob = await person();
  const e2e = await send(alice, bob, 'Meet at noon');
  await assert.rejects(read(bob, alice, withBytes(e2e, 'ciphertext', flip(3))), named('BadSignature'), 'ciphertext');
  await assert.rejects(read(bob, alice, withBytes(e2e, 'ciphertext', (b) => b.slice(0, -1))), named('BadSignature'),
    'truncated ciphertext');
  await assert.rejects(read(bob, alice, withBytes(e2e, 'sig', flip(10))), named('BadSignature'), 'signature');
  await assert.rejects(read(bob, alice, withBytes(e2e, 'iv', flip(0))), named('BadSignature'), 'iv');
  await assert.rejects(read(bob, alice, withBytes(e2e, 'salt', flip(31))), named('BadSignature'), 'salt');
  await assert.rejects(read(bob, alice, e2e, 'dm.alice.carol'), named('BadSignature'), 'moved to another room');
  await assert.rejects(read(bob, alice, e2e, ROOM, 'bob'), named('BadSignature'), 'claiming another sender');
  await assert.rejects(read(alice, bob, e2e, ROOM, 'bob'), named('BadSignature'), 'the writer is not fooled either');

  // Signed by someone else: carol signs a message naming alice's fingerprint; bob checks with alice's key.
  const carol = await person();
  const forged = await encryptMessage({
    room: ROOM, sender: 'alice', text: 'x', identity: { ecdh: alice.identity.ecdh, ecdsa: carol.identity.ecdsa },
    fingerprint: alice.fingerprint, partner: bob.keys,
  });
  await assert.rejects(read(bob, alice, forged), named('BadSignature'));
  assert.equal(await read(bob, alice, e2e), 'Meet at noon', 'the original still reads');
});

test('a ciphertext its own writer signed but that does not decrypt is Tampered', async () => {
  const alice = await person();
  const bob = await person();
  // Alice's key signs a changed ciphertext, over the signed bytes as the spec spells them (built here, not by the
  // module): the signature holds, AES-GCM's check does not.
  const e2e = withBytes(await send(alice, bob, 'Meet at noon'), 'ciphertext', flip(0));
  const signed = ['chat-e2e v1', ROOM, 'alice', e2e.from, e2e.to, e2e.salt, e2e.iv, e2e.ciphertext].join('\n');
  e2e.sig = b64(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, alice.identity.ecdsa.privateKey,
    new TextEncoder().encode(signed)));
  await assert.rejects(read(bob, alice, e2e), named('Tampered'));

  const cut = withBytes(await send(alice, bob, 'Meet at noon'), 'ciphertext', (b) => b.slice(0, 17));
  const cutSigned = ['chat-e2e v1', ROOM, 'alice', cut.from, cut.to, cut.salt, cut.iv, cut.ciphertext].join('\n');
  cut.sig = b64(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, alice.identity.ecdsa.privateKey,
    new TextEncoder().encode(cutSigned)));
  await assert.rejects(read(bob, alice, cut), named('Tampered'), 'truncated, then signed');
});

test('a message written to keys the reader no longer has is NotForThisKey; keys not those named are WrongKeys',
  async () => {
    const alice = await person();
    const bob = await person();
    const e2e = await send(alice, bob, 'before the reset');
    const bobAfterReset = await person();
    await assert.rejects(read(bobAfterReset, alice, e2e), named('NotForThisKey'));
    const aliceAfterReset = await person();
    await assert.rejects(read(aliceAfterReset, bob, e2e), named('NotForThisKey'), 'nor the writer after hers');
    const carol = await person();
    await assert.rejects(read(bob, carol, e2e), named('WrongKeys'), 'the other\'s keys must be of fingerprint from');
    await assert.rejects(read(alice, carol, e2e), named('WrongKeys'), 'the writer needs the keys of fingerprint to');
  });

test('a malformed e2e object is refused as Malformed, as the server would refuse it', async () => {
  const alice = await person();
  const bob = await person();
  const e2e = await send(alice, bob, 'hello');
  const bad = [
    ['v 2', { ...e2e, v: 2 }],
    ['v "1"', { ...e2e, v: '1' }],
    ['salt of 31 bytes', withBytes(e2e, 'salt', (b) => b.slice(1))],
    ['iv of 16 bytes', { ...e2e, iv: b64(new Uint8Array(16)) }],
    ['sig of 63 bytes', withBytes(e2e, 'sig', (b) => b.slice(1))],
    ['ciphertext of 16 bytes', withBytes(e2e, 'ciphertext', (b) => b.slice(0, 16))],
    ['ciphertext over 10 KB', { ...e2e, ciphertext: b64(new Uint8Array(MAX_CIPHERTEXT + 1)) }],
    ['salt not base64', { ...e2e, salt: '!'.repeat(44) }],
    ['salt without its padding', { ...e2e, salt: e2e.salt.replace(/=+$/, '') }],
    ['salt base64url', { ...e2e, salt: b64(new Uint8Array(32).fill(0xfb)).replace(/\+/g, '-').replace(/\//g, '_') }],
    ['salt with a space', { ...e2e, salt: ` ${e2e.salt.slice(1)}` }],
    ['no from', { ...e2e, from: undefined }],
    ['to in capitals', { ...e2e, to: e2e.to.toUpperCase() }],
    ['not an object', 'e2e'],
    ['null', null],
  ];
  for (const [what, blob] of bad) await assert.rejects(read(bob, alice, blob), named('Malformed'), what);
  await assert.rejects(read(bob, alice, e2e, 'dm.alice.bob\nx'), named('Malformed'), 'a room of two lines');
  await assert.rejects(read(bob, alice, e2e, ROOM, ''), named('Malformed'), 'no sender');
});

test('the longest text fits the server\'s 10 KB exactly; one byte more is TooLong', async () => {
  const alice = await person();
  const bob = await person();
  const longest = 'x'.repeat(MAX_CIPHERTEXT - 16 - '{"text":""}'.length);
  const e2e = await send(alice, bob, longest);
  assert.equal(unb64(e2e.ciphertext).length, MAX_CIPHERTEXT);
  assert.equal(await read(bob, alice, e2e), longest);
  await assert.rejects(send(alice, bob, `${longest}x`), named('TooLong'));
  await assert.rejects(send(alice, bob, `${longest.slice(1)}é`), named('TooLong'), 'bytes of UTF-8, not characters');
  await assert.rejects(send(alice, bob, 'hi', 'dm.a\nb'), TypeError, 'a room of two lines');
});

test('public keys are exactly {kty, crv, x, y}, and the fingerprint is computed from them here', async () => {
  const alice = await person();
  for (const jwk of [alice.jwks.ecdh, alice.jwks.ecdsa]) {
    assert.deepEqual(Object.keys(jwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(jwk.kty, 'EC');
    assert.equal(jwk.crv, 'P-256');
    assert.match(jwk.x, /^[A-Za-z0-9_-]{43}$/, 'base64url, no padding, 32 bytes');
  }
  assert.deepEqual(await publicJwk(alice.identity.ecdh.publicKey), alice.jwks.ecdh);
  await assert.rejects(publicJwk(alice.identity.ecdh.privateKey), TypeError, 'never a private key');
  assert.match(alice.fingerprint, /^[0-9a-f]{64}$/);
  assert.equal(alice.keys.fingerprint, alice.fingerprint);
  assert.deepEqual(await publicJwk(alice.keys.ecdsa), alice.jwks.ecdsa, 'an imported key exports the same');
});

test('bad public keys are refused as BadKey: a private part, another curve or type, a point off the curve, bad base64',
  async () => {
    const { jwks } = await person();
    const good = jwks.ecdh;
    const offCurve = Buffer.from(good.y, 'base64url');
    offCurve[31] ^= 1;
    const bad = [
      ['a private key (d)', { ...good, d: good.x }],
      ['P-384', { ...good, crv: 'P-384' }],
      ['RSA', { kty: 'RSA', n: good.x, e: 'AQAB' }],
      ['kty RSA with EC members', { ...good, kty: 'RSA' }],
      ['a point not on the curve', { ...good, y: offCurve.toString('base64url') }],
      ['x not base64url', { ...good, x: `${good.x.slice(1)}+` }],
      ['x with padding', { ...good, x: `${good.x}=` }],
      ['x of 31 bytes', { ...good, x: Buffer.alloc(31, 1).toString('base64url') }],
      ['no y', { kty: 'EC', crv: 'P-256', x: good.x }],
      ['more members (key_ops)', { ...good, key_ops: [] }],
      ['more members (ext)', { ...good, ext: true }],
      ['not an object', 'EC'],
    ];
    for (const [what, jwk] of bad) {
      await assert.rejects(importPublicIdentity({ ecdh: jwk, ecdsa: jwks.ecdsa }), named('BadKey'), `ECDH: ${what}`);
      await assert.rejects(importPublicIdentity({ ecdh: jwks.ecdh, ecdsa: jwk }), named('BadKey'), `ECDSA: ${what}`);
      // The fingerprint hashes the JWKs as they are: it checks their form, the curve is checked on import.
      if (what === 'a point not on the curve') continue;
      await assert.rejects(fingerprint({ ecdh: jwk, ecdsa: jwks.ecdsa }), named('BadKey'), `fingerprint: ${what}`);
    }
    await assert.rejects(importPublicIdentity({ ecdh: good }), named('BadKey'), 'no ECDSA key');
    await assert.rejects(importPublicIdentity({ ecdh: { ...good, d: good.x }, ecdsa: jwks.ecdsa }),
      /private part/, 'says why');
    // The curve check is WebCrypto's own (the module only sizes x and y): Node's importKey refuses such a point.
    await assert.rejects(subtle.importKey('jwk', { ...good, y: offCurve.toString('base64url') },
      { name: 'ECDH', namedCurve: 'P-256' }, true, []), (e) => e.name === 'DataError');
  });

test('the safety number is 10 groups of 5 digits, the same in either order, and differs for another pair', async () => {
  const alice = await person();
  const bob = await person();
  const carol = await person();
  const ab = await safetyNumber(alice.fingerprint, bob.fingerprint);
  assert.match(ab, /^\d{5}( \d{5}){9}$/);
  assert.equal(await safetyNumber(bob.fingerprint, alice.fingerprint), ab);
  assert.notEqual(await safetyNumber(alice.fingerprint, carol.fingerprint), ab);
  await assert.rejects(safetyNumber(alice.fingerprint, bob.fingerprint.toUpperCase()), TypeError);
});

test('a backup: a wrong passphrase is WrongPassphrase; the right one gives locked keys that read and write as before',
  async () => {
    const alice = await person();
    const bob = await person();
    const blob = await wrapIdentity(alice.identity, 'correct horse battery staple', FAST);
    assert.deepEqual(Object.keys(blob),
      ['v', 'kdf', 'iterations', 'salt', 'fingerprint', 'ecdh', 'ecdsa', 'public']);
    assert.equal(blob.v, 1);
    assert.equal(blob.kdf, 'PBKDF2-SHA-256');
    assert.equal(blob.iterations, 1000);
    assert.equal(unb64(blob.salt).length, 16);
    assert.equal(unb64(blob.ecdh.iv).length, 12);
    assert.notEqual(blob.ecdh.iv, blob.ecdsa.iv, 'each key under its own iv');
    assert.equal(blob.fingerprint, alice.fingerprint);
    assert.deepEqual(blob.public, alice.jwks);
    assert.ok(JSON.stringify(blob).length < 16 * 1024, 'under the server\'s 16 KB');
    assert.deepEqual(JSON.parse(JSON.stringify(blob)), blob, 'plain JSON, stored as is');

    await assert.rejects(unwrapIdentity(blob, 'correct horse battery stapler', FAST), named('WrongPassphrase'));
    await assert.rejects(unwrapIdentity(blob, '', FAST), named('WrongPassphrase'));

    const written = await send(alice, bob, 'written before the backup');
    const restored = await unwrapIdentity(blob, 'correct horse battery staple', FAST);
    assert.equal(restored.fingerprint, alice.fingerprint);
    assert.deepEqual(restored.public, alice.jwks);
    for (const pair of [restored.identity.ecdh, restored.identity.ecdsa]) {
      assert.equal(pair.privateKey.extractable, false);
      await assert.rejects(subtle.exportKey('jwk', pair.privateKey), /not extractable/);
    }
    const again = { ...alice, identity: restored.identity };
    assert.equal(await read(again, bob, written), 'written before the backup', 'reads what the originals wrote');
    assert.equal(await read(bob, alice, await send(again, bob, 'after')), 'after', 'writes as the originals did');
  });

test('a fresh identity is locked for keeping once wrapped: the same keys, private parts no longer extractable',
  async () => {
    const alice = await person();
    const bob = await person();
    const locked = await lockIdentity(alice.identity);
    assert.equal(locked.ecdh.privateKey.extractable, false);
    assert.equal(locked.ecdsa.privateKey.extractable, false);
    assert.deepEqual(await publicIdentity(locked), { public: alice.jwks, fingerprint: alice.fingerprint });
    const e2e = await send({ ...alice, identity: locked }, bob, 'locked');
    assert.equal(await read(bob, alice, e2e), 'locked');
    assert.equal(await read({ ...alice, identity: locked }, bob, e2e), 'locked');
    await assert.rejects(wrapIdentity(locked, 'pass', FAST), 'a locked identity cannot be wrapped again');
  });

test('a backup that is not as written is refused as BadBackup', async () => {
  const alice = await person();
  const mallory = await person();
  const blob = await wrapIdentity(alice.identity, 'pass', FAST);
  const unwrap = (b, options = FAST) => unwrapIdentity(b, 'pass', options);
  const bad = [
    ['v 2', { ...blob, v: 2 }],
    ['another kdf', { ...blob, kdf: 'scrypt' }],
    ['iterations as text', { ...blob, iterations: '1000' }],
    ['fewer iterations than the floor', { ...blob, iterations: 999 }],
    ['iterations that would freeze the page', { ...blob, iterations: 2 ** 40 }],
    ['a salt of 15 bytes', { ...blob, salt: b64(new Uint8Array(15)) }],
    ['an iv of 11 bytes', { ...blob, ecdh: { ...blob.ecdh, iv: b64(new Uint8Array(11)) } }],
    ['no ECDSA key', { ...blob, ecdsa: undefined }],
    ['a fingerprint not of its public keys', { ...blob, fingerprint: mallory.fingerprint }],
    ['a public key with d', { ...blob, public: { ...blob.public, ecdh: { ...blob.public.ecdh, d: 'AA' } } }],
    // A server putting its own public keys (and their fingerprint) beside alice's wrapped private keys.
    ['public keys not of its private keys', { ...blob, public: mallory.jwks, fingerprint: mallory.fingerprint }],
    ['a changed ECDSA key', { ...blob, ecdsa: withBytes(blob.ecdsa, 'wrapped', flip(5)) }],
    ['null', null],
  ];
  for (const [what, b] of bad) await assert.rejects(unwrap(b), named('BadBackup'), what);
  await assert.rejects(unwrap(blob, {}), named('BadBackup'), 'without the tests\' floor, 1000 rounds are too few');
  await assert.rejects(wrapIdentity(alice.identity, 'pass', { iterations: 100_000 }), RangeError,
    'nor does the page write a weaker backup');
  await assert.rejects(wrapIdentity(alice.identity, '', FAST), TypeError, 'no empty passphrase');
  assert.equal((await unwrap(blob)).fingerprint, alice.fingerprint, 'the blob itself is fine');
});

test('the passphrase is read as NFC: composed and decomposed accents open the same backup', async () => {
  const alice = await person();
  const blob = await wrapIdentity(alice.identity, 'caf\u00e9 au lait', FAST);
  assert.equal((await unwrapIdentity(blob, 'cafe\u0301 au lait', FAST)).fingerprint, alice.fingerprint);
});

test('the default backup uses 600,000 PBKDF2 rounds and opens with no options', async () => {
  const alice = await person();
  const blob = await wrapIdentity(alice.identity, 'correct horse battery staple');
  assert.equal(blob.iterations, ITERATIONS);
  assert.equal(ITERATIONS, 600_000);
  const restored = await unwrapIdentity(blob, 'correct horse battery staple');
  assert.equal(restored.fingerprint, alice.fingerprint);
});

// --- known answers: vectors the module did not produce ---

test('HKDF-SHA-256 as the module calls it gives RFC 5869 test case 1', async () => {
  const ikm = new Uint8Array(22).fill(0x0b);
  const salt = fromHex('000102030405060708090a0b0c');
  const info = fromHex('f0f1f2f3f4f5f6f7f8f9');
  const okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865';
  // An AES-256 key is the first 32 bytes of the 42 the RFC derives (HKDF's output is the same prefix at any length).
  const key = await forTests.hkdfAesKey(ikm, salt, info, true);
  assert.equal(toHex(await subtle.exportKey('raw', key)), okm.slice(0, 64));
});

test('PBKDF2-HMAC-SHA-256 as the module calls it gives the RFC 7914 section 11 vectors', async () => {
  const c1 = await forTests.passphraseKey('passwd', new TextEncoder().encode('salt'), 1, true);
  assert.equal(toHex(await subtle.exportKey('raw', c1)),
    '55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc');  // of 55 ac 04 6e … (64 bytes)
  const c80000 = await forTests.passphraseKey('Password', new TextEncoder().encode('NaCl'), 80000, true);
  assert.equal(toHex(await subtle.exportKey('raw', c80000)),
    '4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56');  // of 4d dc d8 f6 … (64 bytes)
});

// Fixed identities, generated once by WebCrypto and pasted here: the vectors below are pinned to them.
const FIXED = {
  alice: {
    ecdh: {
      kty: 'EC', crv: 'P-256', x: 'zk4IkPEReBoj_-mqDvOZ3uCyDWcpPDKrFz0NSfhV_x4',
      y: 'ac8JzzwTywPRqaFJ4fZb9YcVIyBiGdH3OEE9cpRztiU', d: 'cHozy_KhYlM7Tz-zhiSAjKXrVi4YzC5rrBon4OGfMxo',
    },
    ecdsa: {
      kty: 'EC', crv: 'P-256', x: 'bWkPvjMtdpvGPur8uJZMe0pMNRu-j-8pZp8pE8mMxoA',
      y: 'QDHOigMP5lLnItjgZOx7fIkbIn4RYnJllpWSYRkGwIQ', d: '-aKPBJpHX0fy27Ii2pqT_8OF0nXhrL1Kf_IDsOSRfbw',
    },
  },
  bob: {
    ecdh: {
      kty: 'EC', crv: 'P-256', x: '8suvmuKXeppXfWaEVBfuHlxPMFX9GpppuE-Z6ngFBfA',
      y: 'cKn9sxDQAMKrSyXyh4x7urKBSWjLD4lwST8nfHGSCOE', d: 'AaTcyPd_RDg2-LZtRd6-DDbX5e8yHjywadkCuDU--0E',
    },
    ecdsa: {
      kty: 'EC', crv: 'P-256', x: 'hNPKv2GTF4qUFN5A1oPir9Fd8T-FME6ROAmiMHyUbUo',
      y: 'ENt4kJKuENMY54BmEWvtrDcG7-J-iNIjcWXs_kAHKFA', d: 'ToFvckV1vJd6ex_M2POAX7f9eW0LufRbEUSfGkeE99I',
    },
  },
};
const ALICE_FINGERPRINT = 'd8eace560fbf47e6a63668d95f4dd76478f273210eeb91eca9e498ecce65b5a9';
const BOB_FINGERPRINT = '8c5eab12848278c66922c3d7e1931ab76cc29c477dcb453d62fb1c806629255a';
const SAFETY_NUMBER = '16170 93163 13346 05464 81471 42611 32639 74461 53384 78609';
const PINNED_TEXT = 'Hello Bob, ça va? ✓';
const PINNED_SALT = Uint8Array.from({ length: 32 }, (_, i) => i);
const PINNED_IV = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
// Alice to Bob in dm.alice.bob, sent as "Alice". The signature is ECDSA's, random each time: pinned as one that
// must keep verifying, while the ciphertext must come out the same.
const PINNED_E2E = {
  v: 1,
  salt: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  iv: 'oKGio6Slpqeoqaqr',
  ciphertext: 'LS3Hx4UCptcPg44+yGW4nMgS3F8u93xNxVOKvFGF7Okwidcmr4ztjci/i+xcogz1mA==',
  sig: 'ARq7+IHtVqxkankXDp1ADsqHh+SjQjnO+JuXyDPSM4ZWCpsWRKWx1u+NPTsXgXS7L/zQCIm2PPIaDTPVElUbFQ==',
  from: ALICE_FINGERPRINT,
  to: BOB_FINGERPRINT,
};

const publicOf = ({ kty, crv, x, y }) => ({ kty, crv, x, y });

async function fixedPerson(keys) {
  const load = async (jwk, name, usages) => ({
    privateKey: await subtle.importKey('jwk', jwk, { name, namedCurve: 'P-256' }, false, usages),
    publicKey: await subtle.importKey('jwk', publicOf(jwk), { name, namedCurve: 'P-256' }, true,
      name === 'ECDSA' ? ['verify'] : []),
  });
  const identity = {
    ecdh: await load(keys.ecdh, 'ECDH', ['deriveBits']),
    ecdsa: await load(keys.ecdsa, 'ECDSA', ['sign']),
  };
  const jwks = { ecdh: publicOf(keys.ecdh), ecdsa: publicOf(keys.ecdsa) };
  const imported = await importPublicIdentity(jwks);
  return { identity, jwks, fingerprint: imported.fingerprint, keys: imported };
}

// The protocol read straight from the spec with node:crypto (OpenSSL without WebCrypto): what another
// implementation would do to read a message. Returns the text, or throws.
function independentRead({ room, sender, e2e, readerEcdh, otherEcdh, signerEcdsa }) {
  const key = (jwk) => (jwk.d ? nodeCrypto.createPrivateKey({ key: jwk, format: 'jwk' })
    : nodeCrypto.createPublicKey({ key: jwk, format: 'jwk' }));
  const s = sender.toLowerCase();
  const signed = ['chat-e2e v1', room, s, e2e.from, e2e.to, e2e.salt, e2e.iv, e2e.ciphertext].join('\n');
  const ok = nodeCrypto.verify('sha256', Buffer.from(signed, 'utf8'),
    { key: key(signerEcdsa), dsaEncoding: 'ieee-p1363' }, Buffer.from(e2e.sig, 'base64'));
  assert.ok(ok, 'the signature verifies');
  const shared = nodeCrypto.diffieHellman({ privateKey: key(readerEcdh), publicKey: key(otherEcdh) });
  const aesKey = Buffer.from(nodeCrypto.hkdfSync('sha256', shared, Buffer.from(e2e.salt, 'base64'),
    Buffer.from(`chat-e2e v1 ${room}`, 'utf8'), 32));
  const sealed = Buffer.from(e2e.ciphertext, 'base64');
  const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', aesKey, Buffer.from(e2e.iv, 'base64'));
  decipher.setAAD(Buffer.from(`chat-e2e v1\n${room}\n${s}`, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  const plain = Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString('utf8')).text;
}

test('fixed keys: their fingerprints and safety number are pinned, and are the spec\'s hashes computed apart',
  async () => {
    const alice = await fixedPerson(FIXED.alice);
    const bob = await fixedPerson(FIXED.bob);
    assert.equal(alice.fingerprint, ALICE_FINGERPRINT);
    assert.equal(bob.fingerprint, BOB_FINGERPRINT);
    assert.equal(await fingerprint(alice.jwks), ALICE_FINGERPRINT);
    assert.deepEqual(await publicIdentity(alice.identity), { public: alice.jwks, fingerprint: ALICE_FINGERPRINT });

    const canon = (jwk) => `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;
    const sha256 = (text) => nodeCrypto.createHash('sha256').update(text, 'utf8').digest();
    assert.equal(sha256(`${canon(FIXED.alice.ecdh)}\n${canon(FIXED.alice.ecdsa)}`).toString('hex'), ALICE_FINGERPRINT);
    assert.equal(JSON.stringify({ crv: 'P-256', kty: 'EC', x: FIXED.bob.ecdh.x, y: FIXED.bob.ecdh.y }),
      canon(FIXED.bob.ecdh), 'RFC 7638\'s order: crv, kty, x, y, no spaces');

    assert.equal(await safetyNumber(ALICE_FINGERPRINT, BOB_FINGERPRINT), SAFETY_NUMBER);
    assert.equal(await safetyNumber(BOB_FINGERPRINT, ALICE_FINGERPRINT), SAFETY_NUMBER);
    const digest = sha256([BOB_FINGERPRINT, ALICE_FINGERPRINT].join('\n'));  // sorted: "8c…" before "d8…"
    const groups = [];
    for (let i = 0; i < 30; i += 3) groups.push(String(digest.readUIntBE(i, 3) % 100000).padStart(5, '0'));
    assert.equal(groups.join(' '), SAFETY_NUMBER);
  });

test('fixed keys: a message sealed with a fixed salt and iv is the pinned one, and the pinned one still reads',
  async () => {
    const alice = await fixedPerson(FIXED.alice);
    const bob = await fixedPerson(FIXED.bob);
    const sealed = await forTests.encryptWith({
      room: ROOM, sender: 'Alice', text: PINNED_TEXT, identity: alice.identity, fingerprint: alice.fingerprint,
      partner: bob.keys,
    }, PINNED_SALT, PINNED_IV);
    assert.deepEqual({ ...sealed, sig: PINNED_E2E.sig }, PINNED_E2E, 'a change of the format fails here');
    assert.equal(cidOf(PINNED_E2E), 'e2e:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=');

    assert.equal(await read(bob, alice, PINNED_E2E), PINNED_TEXT);
    assert.equal(await read(alice, bob, PINNED_E2E), PINNED_TEXT);
    assert.equal(await read(bob, alice, sealed), PINNED_TEXT, 'with the signature made just now');
    await assert.rejects(read(bob, alice, PINNED_E2E, 'dm.alice.bobby'), named('BadSignature'));
  });

test('an independent reading of the spec with node:crypto reads what the module writes, both ways', async () => {
  const alice = await fixedPerson(FIXED.alice);
  const bob = await fixedPerson(FIXED.bob);
  // The signer is alice either way; each reader agrees with the other's ECDH key.
  const signerEcdsa = publicOf(FIXED.alice.ecdsa);
  const asBob = { readerEcdh: FIXED.bob.ecdh, otherEcdh: publicOf(FIXED.alice.ecdh), signerEcdsa };
  const asAlice = { readerEcdh: FIXED.alice.ecdh, otherEcdh: publicOf(FIXED.bob.ecdh), signerEcdsa };
  assert.equal(independentRead({ room: ROOM, sender: 'alice', e2e: PINNED_E2E, ...asBob }), PINNED_TEXT);
  assert.equal(independentRead({ room: ROOM, sender: 'alice', e2e: PINNED_E2E, ...asAlice }), PINNED_TEXT);
  const fresh = await send(alice, bob, 'fresh salt, fresh iv');
  assert.equal(independentRead({ room: ROOM, sender: 'alice', e2e: fresh, ...asBob }), 'fresh salt, fresh iv');
  assert.throws(() => independentRead({ room: 'dm.alice.carol', sender: 'alice', e2e: fresh, ...asBob }),
    'the room is bound by the other reading too');
});

test('an independent reading with node:crypto opens the backup blob: PBKDF2, then AES-GCM over the JWK', async () => {
  const alice = await fixedPerson(FIXED.alice);
  const identity = {
    ecdh: { ...alice.identity.ecdh, privateKey: await subtle.importKey('jwk', FIXED.alice.ecdh,
      { name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']) },
    ecdsa: { ...alice.identity.ecdsa, privateKey: await subtle.importKey('jwk', FIXED.alice.ecdsa,
      { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']) },
  };
  const blob = await wrapIdentity(identity, 'passphrase', FAST);
  const wrapKey = nodeCrypto.pbkdf2Sync('passphrase', Buffer.from(blob.salt, 'base64'), blob.iterations, 32, 'sha256');
  for (const which of ['ecdh', 'ecdsa']) {
    const sealed = Buffer.from(blob[which].wrapped, 'base64');
    const decipher = nodeCrypto.createDecipheriv('aes-256-gcm', wrapKey, Buffer.from(blob[which].iv, 'base64'));
    decipher.setAuthTag(sealed.subarray(sealed.length - 16));
    const jwk = JSON.parse(Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]));
    assert.deepEqual({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d }, FIXED.alice[which]);
  }
  assert.equal(blob.fingerprint, ALICE_FINGERPRINT);
});
