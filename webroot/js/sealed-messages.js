// Reading end-to-end encrypted messages (issue 20): every message that carries `e2e` (live, history, after a
// reconnect, this person's own) is opened with decryptMessage, with the other person's identity of the fingerprint
// the message names (fetched once), and gets `m.sealed`: { state: 'reading' } until then, { state: 'open', text,
// note } when it was read (note: null, or which earlier key of the partner signed it), or { state: <why not>, note }
// with the words the page shows in its place. A message with `e2e` never shows anything else: a `text` beside it
// is ignored. No DOM: the session draws a message again when `changed(room, m)` says its reading came.

import * as e2eCrypto from './e2e-crypto.js';
import { dmPartner, sameUser } from './rooms.js';

// What a message that could not be read shows instead of its text, by why (the page draws a lock before it).
export function unreadableNote(why, sender) {
  switch (why) {
    case 'NotForThisKey':
      return 'Unreadable: written to your keys before they were reset';
    case 'BadSignature':
    case 'WrongKeys':
    case 'BadKey':
      return `Not signed by ${sender}: not shown`;
    case 'Tampered':
    case 'Malformed':
      return 'Damaged message';
    case 'locked':
      return 'Unlock encrypted chats to read this';
    case 'unavailable':
      return 'Could not fetch the keys to read this yet';
    case 'NoCrypto':
      return 'This browser cannot decrypt here (the page needs https)';
    default:
      return 'Could not read this message';
  }
}

// "1a2b 3c4d", the start of a fingerprint, to tell keys apart in a line.
export const shortFingerprint = (fp) => `${fp.slice(0, 4)} ${fp.slice(4, 8)}`;

// Worth reading again once something changed: the keys were unlocked here, or the server could be asked again.
const RETRIED = new Set(['locked', 'unavailable']);
// The refusals of e2e-crypto: expected, said on the message, not logged.
const NAMED = new Set(['NotForThisKey', 'BadSignature', 'WrongKeys', 'BadKey', 'Tampered', 'Malformed', 'NoCrypto']);

export class SealedMessages {
  // me: the username. keyring: a Keyring. partners: a PartnerKeys (identities by fingerprint, current fingerprint).
  // changed(room, m): m.sealed changed.
  constructor(me, { keyring, partners, crypto = e2eCrypto, changed = () => {} }) {
    this.me = me;
    this.keyring = keyring;
    this.partners = partners;
    this.crypto = crypto;
    this.changed = changed;
    this.stopped = false;
  }

  stop() {
    this.stopped = true;
  }

  // Every sealed message of `room` not read yet; `again` also those that could not be read for want of keys or an
  // answer (called when the keys were unlocked, or after a reconnect).
  read(room, again = false) {
    for (const m of room.messages) {
      if (!m.e2e) continue;
      if (!m.sealed || (again && RETRIED.has(m.sealed.state))) this.open(room, m);
    }
  }

  async open(room, m) {
    m.sealed = { state: 'reading', note: 'Decrypting…' };
    let result;
    try {
      result = await this.decrypt(room.id, m);
    } catch (e) {
      result = { state: e.name || 'Error', note: unreadableNote(e.name, m.sender) };
      if (!NAMED.has(e.name)) console.warn('Could not read an encrypted message:', e);
    }
    m.sealed = result;
    if (!this.stopped) this.changed(room, m);
  }

  async decrypt(roomId, m) {
    await this.keyring.whenLoaded();
    const partner = dmPartner(roomId, this.me);
    if (!partner) return { state: 'Malformed', note: unreadableNote('Malformed', m.sender) };
    if (!this.keyring.ready) {
      // No answer about the keys is no reason to ask for a passphrase: read again after the next reconnect.
      const why = { error: 'unavailable', unsupported: 'NoCrypto' }[this.keyring.state] ?? 'locked';
      return { state: why, note: unreadableNote(why, m.sender) };
    }
    const { identity, fingerprint: mine } = this.keyring;
    const e2e = m.e2e;
    // Neither end is this browser's identity: no fetch for keys that cannot help.
    if (e2e.from !== mine && e2e.to !== mine) {
      return { state: 'NotForThisKey', note: unreadableNote('NotForThisKey', m.sender) };
    }
    const own = sameUser(m.sender, this.me);
    const otherFingerprint = own ? e2e.to : e2e.from;
    let other;
    try {
      other = await this.partners.identity(partner, otherFingerprint);
    } catch (e) {
      if (e.name === 'BadKey') throw e;
      return { state: 'unavailable', note: unreadableNote('unavailable', m.sender) };
    }
    if (!other) return { state: 'WrongKeys', note: unreadableNote('WrongKeys', m.sender) };
    const text = await this.crypto.decryptMessage({
      room: roomId, sender: m.sender, e2e, identity, fingerprint: mine, other,
    });
    const signer = own ? null : { fingerprint: e2e.from, name: m.sender };
    return { state: 'open', text, signer, note: this.signerNote(partner, signer) };
  }

  // A message of the partner signed by keys that are not their current ones says which ({fingerprint, name}).
  signerNote(partner, signer) {
    if (!signer) return null;
    const current = this.partners.status(partner);
    if (!current.fingerprint || current.fingerprint === signer.fingerprint) return null;
    return `signed by an earlier key of ${signer.name} (${shortFingerprint(signer.fingerprint)})`;
  }

  // The partner's current keys changed: which messages were signed by earlier ones is said again. Returns those
  // whose note changed.
  renote(room) {
    const partner = dmPartner(room.id, this.me);
    const changed = [];
    if (!partner) return changed;
    for (const m of room.messages) {
      if (m.sealed?.state !== 'open') continue;
      const note = this.signerNote(partner, m.sealed.signer);
      if (note !== m.sealed.note) {
        m.sealed = { ...m.sealed, note };
        changed.push(m);
      }
    }
    return changed;
  }
}
