// End-to-end encrypted private chats (issue 20), protocol v1 as written in the issue: the keys of an identity, its
// fingerprint and the safety number of a pair, the passphrase-wrapped backup the server keeps, and a message sealed
// for the two people of a private room. WebCrypto only (globalThis.crypto.subtle), the same in the page and in
// Node for the tests; no hand-written crypto. No DOM, no storage, no HTTP: other modules keep the keys and fetch them.
//
//   generateIdentity()                       -> {ecdh, ecdsa}: two fresh CryptoKeyPairs, private keys extractable
//                                               only so that wrapIdentity can wrap them once
//   lockIdentity(identity)                   -> the same keys with non-extractable private keys, for keeping
//   publicJwk(publicKey)                     -> {kty, crv, x, y}, the public form of a key, nothing else
//   publicIdentity(identity)                 -> {public: {ecdh, ecdsa}, fingerprint}; `public` is PUT /api/keys' body
//   importPublicIdentity({ecdh, ecdsa})      -> {ecdh, ecdsa, fingerprint}: someone's public JWKs as CryptoKeys, with
//                                               the fingerprint recomputed here (never the server's); "BadKey" if not
//   fingerprint({ecdh, ecdsa})               -> 64 lowercase hex of an identity's two public JWKs
//   safetyNumber(fingerprintA, fingerprintB) -> "ddddd ddddd …" (10 groups), the same in either order
//   wrapIdentity(identity, passphrase)       -> the backup blob for PUT /api/keys/backup
//   unwrapIdentity(blob, passphrase)         -> {identity, public, fingerprint}, private keys non-extractable;
//                                               "WrongPassphrase" or "BadBackup"
//   encryptMessage({...})                    -> the `e2e` object of chat.send {room, cid, e2e}
//   decryptMessage({...})                    -> the text; "Malformed", "NotForThisKey", "WrongKeys",
//                                               "BadSignature" or "Tampered"
//   cidOf(e2e)                               -> "e2e:" + salt, the cid that makes a replayed blob the same message
//
// Every refusal is an Error whose `name` says which (the page shows its own words for each), except a caller's
// programming mistake (a missing key, a room with a line break), which is a TypeError.

import {
  failure, fromBase64, fromBase64Url, hex, random, subtle, toBase64, toBase64Url, utf8,
} from './e2e-bytes.js';

// P-256, not X25519/Ed25519: every browser the page supports has P-256 in WebCrypto; X25519 and Ed25519 arrived
// only lately (Chromium 133/137, Firefox 129/130, Safari 17).
const ECDH = { name: 'ECDH', namedCurve: 'P-256' };
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' };
const AES = { name: 'AES-GCM', length: 256 };

const TAG = 'chat-e2e v1';
export const VERSION = 1;
const KDF = 'PBKDF2-SHA-256';
// OWASP's 2023 figure for PBKDF2-HMAC-SHA-256: a stolen backup costs a guesser 600,000 hashes per passphrase.
export const ITERATIONS = 600_000;
// The blob comes from the server: a count in the billions would freeze the page for hours before failing.
export const MAX_ITERATIONS = 10_000_000;
// The server's bounds for a message: a tag and at least one byte; 10 KB.
export const MAX_CIPHERTEXT = 10_240;
const MIN_CIPHERTEXT = 17;
const TAG_BYTES = 16;

const HEX64 = /^[0-9a-f]{64}$/;
const isFingerprint = (f) => typeof f === 'string' && HEX64.test(f);
// --- identity ---

export async function generateIdentity() {
  const [ecdh, ecdsa] = await Promise.all([
    subtle().generateKey(ECDH, true, ['deriveBits']),
    subtle().generateKey(ECDSA, true, ['sign', 'verify']),
  ]);
  return { ecdh, ecdsa };
}

// Once the backup is made, nothing needs the private keys' bytes again: non-extractable keys kept in IndexedDB
// cannot be read out by a script that gets into the page later, only used.
export async function lockIdentity(identity) {
  const relock = async (pair, algorithm, usages) => ({
    publicKey: pair.publicKey,
    privateKey: await subtle().importKey('jwk', await subtle().exportKey('jwk', pair.privateKey), algorithm, false,
      usages),
  });
  return {
    ecdh: await relock(identity.ecdh, ECDH, ['deriveBits']),
    ecdsa: await relock(identity.ecdsa, ECDSA, ['sign']),
  };
}

export async function publicJwk(key) {
  if (!key || key.type !== 'public') throw new TypeError('publicJwk takes a public key');
  const { kty, crv, x, y } = await subtle().exportKey('jwk', key);
  return { kty, crv, x, y };
}

export async function publicIdentity(identity) {
  const ecdh = await publicJwk(identity.ecdh.publicKey);
  const ecdsa = await publicJwk(identity.ecdsa.publicKey);
  return { public: { ecdh, ecdsa }, fingerprint: await fingerprint({ ecdh, ecdsa }) };
}

// The public form is exactly {kty, crv, x, y}: a `d` would be someone's private key sent by mistake (refused loudly,
// never passed on), and any other member would make two spellings of one key.
function checkPublicJwk(jwk, which) {
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) throw failure('BadKey', `the ${which} key is no JWK`);
  if ('d' in jwk) throw failure('BadKey', `the ${which} key carries a private part (d): only x and y are public`);
  const extra = Object.keys(jwk).filter((k) => !['kty', 'crv', 'x', 'y'].includes(k));
  if (extra.length) throw failure('BadKey', `the ${which} key has members a public key has not: ${extra.join(', ')}`);
  if (jwk.kty !== 'EC') throw failure('BadKey', `the ${which} key is not an elliptic-curve key (kty ${jwk.kty})`);
  if (jwk.crv !== 'P-256') throw failure('BadKey', `the ${which} key is not on P-256 (crv ${jwk.crv})`);
  for (const c of ['x', 'y']) {
    const bytes = fromBase64Url(jwk[c]);
    if (!bytes || bytes.length !== 32) throw failure('BadKey', `the ${which} key's ${c} is not 32 bytes of base64url`);
  }
}

export async function importPublicIdentity({ ecdh, ecdsa } = {}) {
  checkPublicJwk(ecdh, 'ECDH');
  checkPublicJwk(ecdsa, 'ECDSA');
  // WebCrypto checks that the point is on the curve (a point off it could leak the private key through ECDH);
  // the tests show that it does.
  const load = async (jwk, algorithm, usages, which) => {
    try {
      return await subtle().importKey('jwk', jwk, algorithm, true, usages);
    } catch (e) {
      throw failure('BadKey', `the ${which} key is not a point on P-256 (${e.message})`);
    }
  };
  return {
    ecdh: await load(ecdh, ECDH, [], 'ECDH'),
    ecdsa: await load(ecdsa, ECDSA, ['verify'], 'ECDSA'),
    fingerprint: await fingerprint({ ecdh, ecdsa }),
  };
}

// RFC 7638's member order and no spaces, so the Java server and the page hash the same bytes.
const canon = (jwk) => `{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`;

export async function fingerprint({ ecdh, ecdsa } = {}) {
  checkPublicJwk(ecdh, 'ECDH');
  checkPublicJwk(ecdsa, 'ECDSA');
  return hex(await subtle().digest('SHA-256', utf8(`${canon(ecdh)}\n${canon(ecdsa)}`)));
}

// 50 digits read aloud or compared side by side; sorted first so both people see the same number.
export async function safetyNumber(fingerprintA, fingerprintB) {
  for (const f of [fingerprintA, fingerprintB]) {
    if (!isFingerprint(f)) throw new TypeError('a fingerprint is 64 lowercase hex');
  }
  const digest = new Uint8Array(await subtle().digest('SHA-256', utf8([fingerprintA, fingerprintB].sort().join('\n'))));
  const groups = [];
  for (let i = 0; i < 30; i += 3) {
    const n = (digest[i] << 16) | (digest[i + 1] << 8) | digest[i + 2];
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join(' ');
}

// --- the backup ---

// NFC so that a passphrase typed on two systems that compose accents differently still opens its backup.
async function passphraseKey(passphrase, salt, iterations, extractable = false) {
  const base = await subtle().importKey('raw', utf8(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, AES, extractable,
    ['wrapKey', 'unwrapKey']);
}

function checkIterations(iterations, minIterations, refuse) {
  if (!Number.isSafeInteger(iterations) || iterations < minIterations || iterations > MAX_ITERATIONS) {
    throw refuse(`${iterations} PBKDF2 iterations: between ${minIterations} and ${MAX_ITERATIONS} are taken`);
  }
}

// `minIterations` lowers the floor for tests only (600,000 rounds take about a second each time); the page never
// passes it, so it neither writes nor accepts a weaker backup.
export async function wrapIdentity(identity, passphrase, { iterations = ITERATIONS, minIterations = ITERATIONS } = {}) {
  if (typeof passphrase !== 'string' || passphrase === '') throw new TypeError('a backup needs a passphrase');
  checkIterations(iterations, minIterations, (m) => new RangeError(m));
  const salt = random(16);
  const key = await passphraseKey(passphrase, salt, iterations);
  // Each key under its own iv: two AES-GCM encryptions under one key and one iv would give both away.
  const wrap = async (privateKey) => {
    const iv = random(12);
    const wrapped = new Uint8Array(await subtle().wrapKey('jwk', privateKey, key, { name: 'AES-GCM', iv }));
    return { iv: toBase64(iv), wrapped: toBase64(wrapped) };
  };
  const pub = await publicIdentity(identity);
  return {
    v: VERSION,
    kdf: KDF,
    iterations,
    salt: toBase64(salt),
    fingerprint: pub.fingerprint,
    ecdh: await wrap(identity.ecdh.privateKey),
    ecdsa: await wrap(identity.ecdsa.privateKey),
    public: pub.public,
  };
}

export async function unwrapIdentity(blob, passphrase, { minIterations = ITERATIONS } = {}) {
  const bad = (message) => failure('BadBackup', message);
  if (!blob || typeof blob !== 'object') throw bad('the backup is no JSON object');
  if (blob.v !== VERSION) throw bad(`backup version ${blob.v} is not known here`);
  if (blob.kdf !== KDF) throw bad(`backup key derivation ${blob.kdf} is not known here`);
  checkIterations(blob.iterations, minIterations, bad);
  const salt = fromBase64(blob.salt);
  if (!salt || salt.length !== 16) throw bad('the backup\'s salt is not 16 bytes of base64');
  const parts = ['ecdh', 'ecdsa'].map((which) => {
    const part = blob[which] || {};
    const iv = fromBase64(part.iv);
    const wrapped = fromBase64(part.wrapped);
    if (!iv || iv.length !== 12 || !wrapped || wrapped.length <= TAG_BYTES) throw bad(`the backup's ${which} is torn`);
    return { iv, wrapped };
  });
  let known;
  try {
    known = await importPublicIdentity(blob.public || {});
  } catch (e) {
    throw bad(`the backup's public keys: ${e.message}`);
  }
  if (known.fingerprint !== blob.fingerprint) throw bad('the backup\'s fingerprint is not that of its public keys');
  if (typeof passphrase !== 'string' || passphrase === '') throw failure('WrongPassphrase', 'no passphrase');

  const key = await passphraseKey(passphrase, salt, blob.iterations);
  const unwrap = (part, algorithm, usages) => subtle().unwrapKey('jwk', part.wrapped, key,
    { name: 'AES-GCM', iv: part.iv }, algorithm, false, usages);
  let ecdh;
  try {
    ecdh = await unwrap(parts[0], ECDH, ['deriveBits']);
  } catch (e) {
    // AES-GCM's check failing is all a wrong passphrase looks like (a changed blob looks the same).
    if (e.name === 'OperationError') throw failure('WrongPassphrase', 'the passphrase does not open this backup');
    throw bad(`the backup's ECDH key: ${e.message}`);
  }
  let ecdsa;
  try {
    ecdsa = await unwrap(parts[1], ECDSA, ['sign']);
  } catch (e) {
    throw bad(`the backup's ECDSA key: ${e.message}`);  // the passphrase opened the first: this one was changed
  }
  const identity = {
    ecdh: { publicKey: known.ecdh, privateKey: ecdh },
    ecdsa: { publicKey: known.ecdsa, privateKey: ecdsa },
  };
  // The public half is stored beside the wrapped keys without protection: a server that swapped it for keys of its
  // own would have this page publish them, and show their fingerprint as the user's. So check the private keys
  // belong to it, by using them (they cannot be read): a signature, and an agreement with a throwaway key.
  if (!(await pairsMatch(identity))) throw bad('the backup\'s private keys are not those of its public keys');
  return { identity, public: blob.public, fingerprint: known.fingerprint };
}

async function pairsMatch(identity) {
  try {
    const challenge = random(32);
    const sig = await subtle().sign(SIGNATURE, identity.ecdsa.privateKey, challenge);
    if (!(await subtle().verify(SIGNATURE, identity.ecdsa.publicKey, sig, challenge))) return false;
    const other = await subtle().generateKey(ECDH, false, ['deriveBits']);
    const mine = await subtle().deriveBits({ name: 'ECDH', public: other.publicKey }, identity.ecdh.privateKey, 256);
    const theirs = await subtle().deriveBits({ name: 'ECDH', public: identity.ecdh.publicKey }, other.privateKey, 256);
    return hex(mine) === hex(theirs);
  } catch {
    return false;
  }
}

// --- a message ---

// The room and the sender are in the key (HKDF info), the AAD and the signature: a blob copied into another room,
// or passed off as another person's, neither verifies nor decrypts. A line break in either would let two different
// (room, sender) pairs make the same signed bytes, so none is taken.
function checkName(value, what, refuse) {
  if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value)) throw refuse(`${what} must be one line`);
}

const additionalData = (room, sender) => utf8(`${TAG}\n${room}\n${sender}`);
const signedBytes = (room, sender, e) => utf8([TAG, room, sender, e.from, e.to, e.salt, e.iv, e.ciphertext].join('\n'));

// A fresh key per message (HKDF with a random 32-byte salt over the one ECDH secret of the pair), so a random
// 12-byte iv never meets the same key twice however many messages a pair exchanges.
async function hkdfAesKey(ikm, salt, info, extractable = false) {
  const base = await subtle().importKey('raw', ikm, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, base, AES, extractable,
    ['encrypt', 'decrypt']);
}

async function messageKey(ownEcdhPrivate, otherEcdhPublic, salt, room) {
  const shared = await subtle().deriveBits({ name: 'ECDH', public: otherEcdhPublic }, ownEcdhPrivate, 256);
  return hkdfAesKey(shared, salt, utf8(`${TAG} ${room}`));
}

// {room, sender, text, identity, fingerprint, partner: {ecdh, fingerprint}}: the writer's identity (CryptoKeyPairs)
// and fingerprint, and the partner's current ECDH key and fingerprint (importPublicIdentity gives both).
// Throws "TooLong" for a text whose ciphertext would pass the server's 10 KB.
export function encryptMessage(message) {
  return encryptWith(message, random(32), random(12));
}

async function encryptWith({ room, sender, text, identity, fingerprint: from, partner }, salt, iv) {
  checkName(room, 'the room', (m) => new TypeError(m));
  checkName(sender, 'the sender', (m) => new TypeError(m));
  if (typeof text !== 'string') throw new TypeError('the text must be a string');
  if (!isFingerprint(from) || !isFingerprint(partner?.fingerprint)) {
    throw new TypeError('both fingerprints are needed, 64 lowercase hex');
  }
  const plaintext = utf8(JSON.stringify({ text }));
  if (plaintext.length + TAG_BYTES > MAX_CIPHERTEXT) throw failure('TooLong', 'the message is too long to encrypt');
  const s = sender.toLowerCase();
  const key = await messageKey(identity.ecdh.privateKey, partner.ecdh, salt, room);
  const ciphertext = new Uint8Array(
    await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: additionalData(room, s) }, key, plaintext));
  const e2e = {
    v: VERSION, salt: toBase64(salt), iv: toBase64(iv), ciphertext: toBase64(ciphertext), sig: '',
    from, to: partner.fingerprint,
  };
  e2e.sig = toBase64(new Uint8Array(await subtle().sign(SIGNATURE, identity.ecdsa.privateKey,
    signedBytes(room, s, e2e))));
  return e2e;
}

// {room, sender, e2e, identity, fingerprint, other}: the message as stored (its room, sender and e2e), the
// reader's identity and fingerprint, and the other person's keys for the fingerprint the message names for them
// (`from` when the reader is the partner, `to` when the reader wrote it) as importPublicIdentity gives them.
export async function decryptMessage({ room, sender, e2e, identity, fingerprint: mine, other }) {
  const malformed = (m) => failure('Malformed', m);
  checkName(room, 'the room', malformed);
  checkName(sender, 'the sender', malformed);
  const m = readE2e(e2e);
  const s = sender.toLowerCase();
  // The reader is whichever end the message names with the reader's own keys; the signer is always `from`.
  const wrote = m.from === mine;
  if (!wrote && m.to !== mine) {
    throw failure('NotForThisKey', 'unreadable: written to your keys before a reset');
  }
  const otherFingerprint = wrote ? m.to : m.from;
  if (!other || other.fingerprint !== otherFingerprint) {
    throw failure('WrongKeys', 'the keys given are not those the message names');
  }
  const signer = wrote ? identity.ecdsa.publicKey : other.ecdsa;
  // The signature first: it proves `from` wrote these bytes for this room as this sender, whatever the server did.
  if (!(await subtle().verify(SIGNATURE, signer, m.sig, signedBytes(room, s, e2e)))) {
    throw failure('BadSignature', `not signed by ${s}`);
  }
  const key = await messageKey(identity.ecdh.privateKey, other.ecdh, m.salt, room);
  let plaintext;
  try {
    plaintext = await subtle().decrypt({ name: 'AES-GCM', iv: m.iv, additionalData: additionalData(room, s) }, key,
      m.ciphertext);
  } catch {
    throw failure('Tampered', 'the message does not decrypt: it was changed');
  }
  let body;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    body = null;
  }
  if (!body || typeof body.text !== 'string') throw malformed('the decrypted message holds no text');
  return body.text;
}

// The e2e object with its bytes, checked as the server checks it; "Malformed" for anything else.
function readE2e(e2e) {
  const malformed = (m) => failure('Malformed', m);
  if (!e2e || typeof e2e !== 'object') throw malformed('no e2e object');
  if (e2e.v !== VERSION) throw malformed(`e2e version ${e2e.v} is not known here`);
  const bytes = (field, min, max) => {
    const b = fromBase64(e2e[field]);
    if (!b || b.length < min || b.length > max) throw malformed(`e2e ${field} is not ${min}..${max} bytes of base64`);
    return b;
  };
  const m = {
    salt: bytes('salt', 32, 32),
    iv: bytes('iv', 12, 12),
    ciphertext: bytes('ciphertext', MIN_CIPHERTEXT, MAX_CIPHERTEXT),
    sig: bytes('sig', 64, 64),
    from: e2e.from,
    to: e2e.to,
  };
  if (!isFingerprint(m.from) || !isFingerprint(m.to)) throw malformed('e2e from and to are not fingerprints');
  return m;
}

export function cidOf(e2e) {
  return `e2e:${e2e.salt}`;
}

// For the known-answer tests only: the key derivations exactly as the module calls them (with extractable keys, to
// compare with published vectors), and encryption with a chosen salt and iv (the page must never choose them: one
// salt and iv used twice by a pair gives both texts away).
export const forTests = { hkdfAesKey, passphraseKey, encryptWith };
