// This person's end-to-end identity on this browser (issue 20): whether they have keys here, only on the server
// (a backup the chat passphrase opens), or none yet; setting them up, unlocking them on a new browser, resetting
// them. No DOM: it is given the HTTP calls and the key store, and says when its state changed.
//
// States: 'loading'; 'none' (no keys anywhere: set up); 'locked' (a backup on the server, none here: unlock);
// 'replaced' (this browser's keys are no longer the person's current ones, reset on another browser: unlock the
// new ones); 'ready' (identity and fingerprint usable here); 'error' (the server could not be asked, and this
// browser holds no keys: asked again by load()); 'unsupported' (no WebCrypto here: a page on plain http, not
// localhost).

import { failure } from './e2e-bytes.js';
import * as e2eCrypto from './e2e-crypto.js';

// Long enough that a stolen backup is not opened by guessing (each guess costs 600,000 PBKDF2 rounds); a phrase of
// a few words passes, a short password does not.
export const MIN_PASSPHRASE = 10;

// The field errors of a chat passphrase typed twice ({passphrase, confirmPassphrase}), or null when it will do.
export function passphraseProblems(passphrase, confirmation) {
  const errors = {};
  if ([...passphrase].length < MIN_PASSPHRASE) {
    errors.passphrase = `At least ${MIN_PASSPHRASE} characters: a few words you will remember.`;
  } else if (!passphrase.trim()) {
    errors.passphrase = 'Not only spaces.';
  }
  if (confirmation !== passphrase) errors.confirmPassphrase = 'The two passphrases differ.';
  return Object.keys(errors).length ? errors : null;
}

export class Keyring {
  // me: the username. api: { keysOf(username) → {ecdh, ecdsa, fingerprint} | null, publishKeys({ecdh, ecdsa}) →
  // {fingerprint}, keyBackup() → blob | null, putKeyBackup(blob) }. store: a KeyStore. crypto: e2e-crypto's
  // functions (tests hand in faster backups). changed(): the state changed.
  constructor(me, { api, store, crypto = e2eCrypto, changed = () => {} }) {
    this.me = me;
    this.api = api;
    this.store = store;
    this.crypto = crypto;
    this.changed = changed;
    this.state = 'loading';
    this.identity = null;      // CryptoKeyPairs {ecdh, ecdsa}, private keys non-extractable
    this.fingerprint = null;
    this.publicKeys = null;    // {ecdh, ecdsa} JWKs
    this.loading = null;
    this.stopped = false;
    this.firstLoad = new Promise((resolve) => {
      this.loaded = resolve;
    });
  }

  get ready() {
    return this.state === 'ready';
  }

  // Resolves once the first load() ended, whatever it found: readers wait for it rather than call a message
  // unreadable while the keys are still being looked up.
  whenLoaded() {
    return this.firstLoad;
  }

  stop() {
    this.stopped = true;
  }

  set(state, kept = null) {
    this.state = state;
    this.identity = kept ? kept.identity : null;
    this.fingerprint = kept ? kept.fingerprint : null;
    this.publicKeys = kept ? kept.public : null;
    if (!this.stopped) this.changed();
  }

  // What this browser holds, checked against the server's current keys: called on start, after a reconnect, and
  // when the server says this person's keys have changed (a send answered "e2e.from: …").
  load() {
    // after a set-up or unlock in progress here, whose own notice may come before it has kept the new keys
    this.loading ??= Promise.resolve(this.changing).then(() => this.lookUp()).finally(() => {
      this.loading = null;
      this.loaded();
    });
    return this.loading;
  }

  async lookUp() {
    if (!globalThis.crypto?.subtle) {
      this.set('unsupported');
      return;
    }
    let local = null;
    try {
      local = await this.store.identity(this.me);
    } catch {
      // an unreadable store holds nothing usable
    }
    let current;
    try {
      current = await this.currentFingerprint();
    } catch {
      // The server is out of reach: keys held here are used as they are (the server refuses a send made with
      // keys it no longer has, and the page then looks again).
      if (local) this.set('ready', local);
      else if (this.state === 'loading') this.set('error');
      return;
    }
    if (local && current === local.fingerprint) {
      this.set('ready', local);
      return;
    }
    if (local && current === null) {
      // Keys here, none on the server (a set-up cut short between its two steps): published again.
      try {
        await this.api.publishKeys(local.public);
        this.set('ready', local);
      } catch (e) {
        this.set(e.status === 409 ? 'replaced' : 'error');
      }
      return;
    }
    if (local) {
      this.set('replaced');
      return;
    }
    try {
      this.set((await this.api.keyBackup()) ? 'locked' : 'none');
    } catch {
      this.set('error');
    }
  }

  // The fingerprint of this person's current keys as the server lists them, recomputed here; null when none.
  async currentFingerprint() {
    const current = await this.api.keysOf(this.me);
    if (!current) return null;
    return this.crypto.fingerprint({ ecdh: current.ecdh, ecdsa: current.ecdsa });
  }

  // New keys: wrapped with the passphrase for the server's backup first, then published, then kept here locked.
  // The same for a first set-up and a reset (the server warns the partners of a reset). Backup first: keys the
  // server lists always have a backup, so another browser can unlock them.
  create(passphrase) {
    return this.change(() => this.createNow(passphrase));
  }

  unlock(passphrase) {
    return this.change(() => this.unlockNow(passphrase));
  }

  // One change of this browser's keys at a time, which load() waits for.
  change(work) {
    const done = Promise.resolve(this.changing).then(work);
    const changing = done.catch(() => {});
    this.changing = changing;
    changing.then(() => {
      if (this.changing === changing) this.changing = null;
    });
    return done;
  }

  async createNow(passphrase) {
    const fresh = await this.crypto.generateIdentity();
    const blob = await this.crypto.wrapIdentity(fresh, passphrase);
    const made = await this.crypto.publicIdentity(fresh);
    const identity = await this.crypto.lockIdentity(fresh);
    await this.api.putKeyBackup(blob);
    const answer = await this.api.publishKeys(made.public);
    if (answer && answer.fingerprint !== made.fingerprint) {
      throw failure('Mismatch', 'The server computed another fingerprint for these keys: they are not used.');
    }
    const kept = { identity, fingerprint: made.fingerprint, public: made.public };
    await this.store.keepIdentity(this.me, kept);
    this.set('ready', kept);
  }

  // The server's backup opened with the passphrase: a wrong one throws "WrongPassphrase" and changes nothing.
  async unlockNow(passphrase) {
    const blob = await this.api.keyBackup();
    if (!blob) throw failure('NoBackup', 'The server holds no backup of your keys: set up encrypted chats.');
    const opened = await this.crypto.unwrapIdentity(blob, passphrase);
    // A backup whose keys are not the current ones was made by a set-up or reset cut short before it published
    // them: published now (the server refuses keys it has seen replaced).
    if ((await this.currentFingerprint()) !== opened.fingerprint) {
      try {
        await this.api.publishKeys(opened.public);
      } catch (e) {
        if (e.status === 409) {
          throw failure('Replaced', 'The keys in your backup were replaced since: reset your keys to go on.');
        }
        throw e;
      }
    }
    const kept = { identity: opened.identity, fingerprint: opened.fingerprint, public: opened.public };
    await this.store.keepIdentity(this.me, kept);
    this.set('ready', kept);
  }

  // The keys leave this browser (a shared computer); the backup on the server unlocks them again.
  async forget() {
    await this.store.forgetIdentity(this.me);
    this.set('locked');
  }
}
