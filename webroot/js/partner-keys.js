// The keys of the people this person writes to in encrypted chats (issue 20): each partner's current identity from
// the server with its fingerprint recomputed here (the server's is never taken), compared with the fingerprint this
// browser accepted for them (the first one seen is accepted: trust on first use), and their earlier identities by
// fingerprint, to read messages written before they reset their keys. No DOM: it is given the HTTP calls and the
// key store, and says when what it knows of a partner changed.
//
// A partner's status: 'loading'; 'ok' (current keys are the accepted ones; `verified` when the person compared the
// safety number and said so); 'changed' (current keys differ from the accepted ones: nothing is sent until the
// person accepts them); 'none' (no keys on the server); 'bad' (the server's keys are not valid, or not those of its
// fingerprint); 'error' (the server could not be asked).

import * as e2eCrypto from './e2e-crypto.js';

const key = (name) => name.toLowerCase();

export class PartnerKeys {
  // me: the username. api: { keysOf(username) → {ecdh, ecdsa, fingerprint} | null, identityOf(username,
  // fingerprint) → the same | null }. store: a KeyStore. changed(partner): what is known of them changed.
  constructor(me, { api, store, crypto = e2eCrypto, changed = () => {} }) {
    this.me = me;
    this.api = api;
    this.store = store;
    this.crypto = crypto;
    this.changed = changed;
    this.partners = new Map();    // lower-case name -> status
    this.refreshing = new Map();  // lower-case name -> promise
    this.identities = new Map();  // "name/fingerprint" -> promise of imported keys, or null when unknown
    this.stopped = false;
  }

  stop() {
    this.stopped = true;
  }

  // { state, fingerprint, keys, accepted, verified } of `partner`; { state: 'unknown' } before the first refresh.
  status(partner) {
    return this.partners.get(key(partner)) ?? { state: 'unknown' };
  }

  // Their current keys asked for again: on opening an encrypted chat, when the server says they changed (a notice,
  // or a send refused), and after a reconnect (a notice may have been missed).
  refresh(partner) {
    const k = key(partner);
    if (!this.refreshing.has(k)) {
      this.refreshing.set(k, this.lookUp(k).finally(() => this.refreshing.delete(k)));
    }
    return this.refreshing.get(k);
  }

  // Resolves when a refresh under way has ended (at once when none is).
  async settled(partner) {
    await this.refreshing.get(key(partner));
  }

  async lookUp(k) {
    const before = this.partners.get(k);
    if (!before) this.update(k, { state: 'loading' });
    let current;
    try {
      current = await this.api.keysOf(k);
    } catch {
      // What was known stays (the server refuses a send to keys that are no longer current).
      if (!before || before.state === 'loading' || before.state === 'error') this.update(k, { state: 'error' });
      return;
    }
    if (!current) {
      this.update(k, { state: 'none' });
      return;
    }
    let keys;
    try {
      keys = await this.crypto.importPublicIdentity({ ecdh: current.ecdh, ecdsa: current.ecdsa });
    } catch {
      this.update(k, { state: 'bad' });
      return;
    }
    if (current.fingerprint !== keys.fingerprint) {
      this.update(k, { state: 'bad' });
      return;
    }
    this.identities.set(`${k}/${keys.fingerprint}`, Promise.resolve(keys));
    let trust = await this.store.trust(this.me, k).catch(() => null);
    if (!trust) {
      trust = { fingerprint: keys.fingerprint, verified: false };
      await this.store.keepTrust(this.me, k, trust).catch(() => {});
    }
    const same = trust.fingerprint === keys.fingerprint;
    this.update(k, {
      state: same ? 'ok' : 'changed',
      fingerprint: keys.fingerprint,
      keys,
      accepted: trust.fingerprint,
      verified: same && trust.verified === true,
    });
  }

  update(k, status) {
    this.partners.set(k, status);
    if (!this.stopped) this.changed(k);
  }

  // The person accepts the keys they were shown (`fingerprint`): only if they are still the current ones.
  async accept(partner, fingerprint) {
    const k = key(partner);
    const status = this.partners.get(k);
    if (!status || !status.keys || status.fingerprint !== fingerprint) return false;
    await this.store.keepTrust(this.me, k, { fingerprint, verified: false });
    this.update(k, { ...status, state: 'ok', accepted: fingerprint, verified: false });
    return true;
  }

  // The person compared the safety number of these keys (`fingerprint`) with the partner's and it matched.
  async markVerified(partner, fingerprint) {
    const k = key(partner);
    const status = this.partners.get(k);
    if (!status || status.state !== 'ok' || status.fingerprint !== fingerprint) return false;
    await this.store.keepTrust(this.me, k, { fingerprint, verified: true });
    this.update(k, { ...status, verified: true });
    return true;
  }

  // The partner's identity of this fingerprint (current or earlier), imported, or null when the server knows none
  // of theirs by it. Asked once per fingerprint; a failed request is asked again next time.
  identity(partner, fingerprint) {
    const id = `${key(partner)}/${fingerprint}`;
    let found = this.identities.get(id);
    if (!found) {
      found = this.api.identityOf(key(partner), fingerprint).then(
        (keys) => (keys ? this.crypto.importPublicIdentity({ ecdh: keys.ecdh, ecdsa: keys.ecdsa }) : null));
      found.catch(() => this.identities.delete(id));
      this.identities.set(id, found);
    }
    return found;
  }
}
