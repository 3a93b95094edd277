// What this browser keeps for end-to-end encrypted chats (issue 20), per person logged in here: their identity (the
// CryptoKeys, private ones non-extractable, with its public JWKs and fingerprint) and, per partner, the fingerprint
// this browser accepted for them (trust on first use) and whether the person marked it verified. No DOM: it is given
// a storage of get/put/delete by store and key, IndexedDB's (indexedDbStorage) or, where the browser has none,
// one in memory for this visit (memoryStorage).

const DATABASE = 'chat-e2e';
const VERSION = 1;
const IDENTITIES = 'identities';
const PARTNERS = 'partners';

const key = (name) => name.toLowerCase();

export class KeyStore {
  // storage: { get(store, key), put(store, key, value), delete(store, key), persistent } as the functions below
  // make; all return promises.
  constructor(storage) {
    this.storage = storage;
  }

  // False when the keys last only as long as this page (no IndexedDB here): the page says so.
  get persistent() {
    return this.storage.persistent !== false;
  }

  // { identity, fingerprint, public } of `me`, or null.
  async identity(me) {
    return (await this.storage.get(IDENTITIES, key(me))) ?? null;
  }

  keepIdentity(me, { identity, fingerprint, public: jwks }) {
    return this.storage.put(IDENTITIES, key(me), { identity, fingerprint, public: jwks });
  }

  forgetIdentity(me) {
    return this.storage.delete(IDENTITIES, key(me));
  }

  // { fingerprint, verified } this browser holds for `partner` on behalf of `me`, or null: each person logged in
  // on this browser decides for themselves whom they trust.
  async trust(me, partner) {
    return (await this.storage.get(PARTNERS, `${key(me)}/${key(partner)}`)) ?? null;
  }

  keepTrust(me, partner, { fingerprint, verified }) {
    return this.storage.put(PARTNERS, `${key(me)}/${key(partner)}`,
      { fingerprint, verified: verified === true, at: Date.now() });
  }
}

// ---- storages ----------------------------------------------------------------

// For this visit only: what a browser without IndexedDB (or one that refuses it, as some private modes do) gets.
export function memoryStorage() {
  const stores = new Map([[IDENTITIES, new Map()], [PARTNERS, new Map()]]);
  return {
    persistent: false,
    get: async (store, k) => stores.get(store).get(k),
    put: async (store, k, value) => {
      stores.get(store).set(k, value);
    },
    delete: async (store, k) => {
      stores.get(store).delete(k);
    },
  };
}

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

// IndexedDB, which keeps CryptoKeys as they are (structured clone), non-extractable ones too: a script that gets
// into the page later may use the keys while it runs, but never read them out. Null when there is none to open.
export async function indexedDbStorage(name = DATABASE) {
  if (typeof indexedDB === 'undefined') return null;
  let db;
  try {
    const opening = indexedDB.open(name, VERSION);
    opening.onupgradeneeded = () => {
      for (const store of [IDENTITIES, PARTNERS]) {
        if (!opening.result.objectStoreNames.contains(store)) opening.result.createObjectStore(store);
      }
    };
    db = await done(opening);
  } catch {
    return null;
  }
  const run = (store, mode, act) => new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const request = act(tx.objectStore(store));
    // Written only once the transaction commits, so a page closed right after "set up" still has its keys.
    tx.oncomplete = () => resolve(request.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return {
    persistent: true,
    get: (store, k) => run(store, 'readonly', (s) => s.get(k)),
    put: (store, k, value) => run(store, 'readwrite', (s) => s.put(value, k)).then(() => undefined),
    delete: (store, k) => run(store, 'readwrite', (s) => s.delete(k)).then(() => undefined),
  };
}

// IndexedDB when the browser offers it, else memory for this visit; opened on first use, so the page need not wait
// for it to start.
export function browserKeyStore() {
  const opening = indexedDbStorage().catch(() => null).then((storage) => storage ?? memoryStorage());
  let opened = null;
  opening.then((storage) => {
    opened = storage;
  });
  return new KeyStore({
    get persistent() {
      return opened ? opened.persistent : true;
    },
    get: async (store, k) => (await opening).get(store, k),
    put: async (store, k, value) => (await opening).put(store, k, value),
    delete: async (store, k) => (await opening).delete(store, k),
  });
}
