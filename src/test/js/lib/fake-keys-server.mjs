// The server's side of end-to-end encryption as the page's modules see it through api.js (issue 20), in memory:
// public identities (every one kept, the newest current; one replaced never comes back: 409), backups, and which
// private rooms are encrypted. `apiFor(user)` gives the calls as that user makes them; `down = true` makes every
// call fail as an unreachable server does (status 0). Fingerprints are computed with the page's own module.

import * as e2e from '../../../../webroot/js/e2e-crypto.js';
import { memoryStorage, KeyStore } from '../../../../webroot/js/key-store.js';
import { Keyring } from '../../../../webroot/js/keyring.js';
import { PartnerKeys } from '../../../../webroot/js/partner-keys.js';

// Backups in unit tests: 600,000 rounds take about a second each.
export const FAST = { iterations: 1000, minIterations: 1000 };

// e2e-crypto with fast backups, as the keyring is handed it in tests.
export const fastCrypto = {
  ...e2e,
  wrapIdentity: (identity, passphrase) => e2e.wrapIdentity(identity, passphrase, FAST),
  unwrapIdentity: (blob, passphrase) => e2e.unwrapIdentity(blob, passphrase, { minIterations: FAST.minIterations }),
};

export function apiError(status, message = `refused (${status})`) {
  const e = new Error(message);
  e.status = status;
  return e;
}

const key = (name) => name.toLowerCase();

export class FakeKeysServer {
  constructor() {
    this.identities = new Map();  // user -> [{ ecdh, ecdsa, fingerprint }], the last one current
    this.backups = new Map();     // user -> blob
    this.encrypted = new Map();   // room id -> { by, since }
    this.calls = [];              // "user: call", in order
    this.down = false;
  }

  current(user) {
    return this.identities.get(key(user))?.at(-1) ?? null;
  }

  // What a user's own browser would do on setting up, without a browser: keys made and published, with a backup.
  async enrol(user, passphrase = 'correct horse battery') {
    const identity = await e2e.generateIdentity();
    const made = await e2e.publicIdentity(identity);
    await this.apiFor(user).putKeyBackup(await fastCrypto.wrapIdentity(identity, passphrase));
    await this.apiFor(user).publishKeys(made.public);
    return { identity: await e2e.lockIdentity(identity), fingerprint: made.fingerprint, public: made.public,
      keys: await e2e.importPublicIdentity(made.public) };
  }

  apiFor(user) {
    const me = key(user);
    const call = async (name, fn) => {
      this.calls.push(`${me}: ${name}`);
      if (this.down) throw apiError(0, 'Cannot reach the server.');
      return fn();
    };
    return {
      keysOf: (username) => call(`keysOf ${username}`, () => this.current(username)),
      identityOf: (username, fingerprint) => call(`identityOf ${username} ${fingerprint.slice(0, 8)}`,
        () => (this.identities.get(key(username)) || []).find((i) => i.fingerprint === fingerprint) ?? null),
      publishKeys: ({ ecdh, ecdsa }) => call('publishKeys', async () => {
        const fingerprint = await e2e.fingerprint({ ecdh, ecdsa });
        const list = this.identities.get(me) || [];
        if (list.at(-1)?.fingerprint === fingerprint) return { fingerprint };
        if (list.some((i) => i.fingerprint === fingerprint)) throw apiError(409, 'these keys were replaced already');
        list.push({ ecdh, ecdsa, fingerprint });
        this.identities.set(me, list);
        return { fingerprint };
      }),
      keyBackup: () => call('keyBackup', () => this.backups.get(me) ?? null),
      putKeyBackup: (blob) => call('putKeyBackup', () => {
        this.backups.set(me, structuredClone(blob));
        return null;
      }),
      encryption: (room) => call(`encryption ${room}`, () => ({ room, encrypted: this.encrypted.has(room),
        ...this.encrypted.get(room) })),
      encrypt: (room) => call(`encrypt ${room}`, () => {
        const [, a, b] = room.split('.');
        for (const member of [a, b]) {
          if (!this.current(member)) {
            throw apiError(409, `${member === me ? 'you have' : `${member} has`} no keys yet`);
          }
        }
        if (!this.encrypted.has(room)) this.encrypted.set(room, { by: me, since: 1_700_000_000_000 });
        return { room, encrypted: true, ...this.encrypted.get(room) };
      }),
    };
  }
}

// A key store in memory, as a browser without IndexedDB has.
export const memoryKeyStore = () => new KeyStore(memoryStorage());

// Resolves once the promises and callbacks started so far have run.
export const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** The passphrase the page tests set up with. */
export const PASSPHRASE = 'four words of chat';

/** Alice's keys on a page: her keyring (set up with PASSPHRASE unless told) and her partners' keys, on one store. */
export async function alicesKeys(server, { setUp = true, api = server.apiFor('alice') } = {}) {
  const store = memoryKeyStore();
  const keyring = new Keyring('alice', { api, store, crypto: fastCrypto });
  await keyring.load();
  if (setUp) await keyring.create(PASSPHRASE);
  return { api, store, keyring, partners: new PartnerKeys('alice', { api, store }) };
}
