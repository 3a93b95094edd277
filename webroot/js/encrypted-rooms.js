// Which private chats are end-to-end encrypted (issue 20), switching one on, and what the composer may do in each:
// send as text, send sealed for the partner, or nothing yet (and why). It fails closed: a private chat whose state
// is not known yet gets nothing sent, so a message never leaves as text into a chat that is encrypted. No DOM: it is
// given the HTTP calls, the keyring and the partners' keys, and says when a chat's state changed.

import { failure } from './e2e-bytes.js';
import * as e2eCrypto from './e2e-crypto.js';
import { dmPartner } from './rooms.js';

// What the composer waits for only a moment: a send then waits for it (settled()) rather than being refused.
const MOMENTARY = new Set(['checking', 'keys-loading', 'partner-loading']);

export class EncryptedRooms {
  // me: the username. api: { encryption(roomId) → {encrypted, by?, since?}, encrypt(roomId) → {encrypted, by,
  // since}, keysOf(username) → keys | null }. keyring: a Keyring. partners: a PartnerKeys. nameOf(partner): the
  // name as its owner registered it, for the words shown. changed(roomId): that chat's state changed.
  constructor(me, { api, keyring, partners, crypto = e2eCrypto, nameOf = (n) => n, changed = () => {} }) {
    this.me = me;
    this.api = api;
    this.keyring = keyring;
    this.partners = partners;
    this.crypto = crypto;
    this.nameOf = nameOf;
    this.changed = changed;
    this.rooms = new Map();    // room id -> { status: 'loading'|'failed'|'loaded', encrypted, by, since }
    this.loading = new Map();  // room id -> promise
    this.stopped = false;
  }

  stop() {
    this.stopped = true;
  }

  partnerOf(roomId) {
    return roomId ? dmPartner(roomId, this.me) : null;
  }

  state(roomId) {
    return this.rooms.get(roomId) ?? { status: 'unknown', encrypted: false };
  }

  isEncrypted(roomId) {
    return this.rooms.get(roomId)?.encrypted === true;
  }

  tell(roomId) {
    if (!this.stopped) this.changed(roomId);
  }

  set(roomId, state) {
    this.rooms.set(roomId, state);
    this.tell(roomId);
  }

  // Asks the server whether a private chat is encrypted (on opening it, after a reconnect, after a send it refused),
  // and for the partner's keys when it is. Other rooms are never encrypted.
  load(roomId) {
    const partner = this.partnerOf(roomId);
    if (!partner) return Promise.resolve();
    if (!this.loading.has(roomId)) {
      this.loading.set(roomId, this.ask(roomId, partner).finally(() => this.loading.delete(roomId)));
    }
    return this.loading.get(roomId);
  }

  async ask(roomId, partner) {
    const before = this.rooms.get(roomId);
    if (!before || before.status !== 'loaded') this.set(roomId, { status: 'loading', encrypted: false });
    let answer;
    try {
      answer = await this.api.encryption(roomId);
    } catch {
      // Known to be encrypted stays so (it is never switched off); anything else stays unknown, and unsent.
      const now = this.rooms.get(roomId);
      if (!now || now.status !== 'loaded') this.set(roomId, { status: 'failed', encrypted: false });
      return;
    }
    // Read again after the answer: a notice heard meanwhile ("encryption") stands over an answer made before it.
    const now = this.rooms.get(roomId);
    const encrypted = answer?.encrypted === true || now?.encrypted === true;
    this.set(roomId, {
      status: 'loaded', encrypted, by: answer?.by ?? now?.by ?? null, since: answer?.since ?? now?.since ?? null,
    });
    if (encrypted) await this.partners.refresh(partner);
  }

  // Resolves once the chat's state (asked again when it could not be), this person's keys and the partner's (for an
  // encrypted chat) are in: what a send made in a moment's wait ('transient', 'retry') waits for before it asks the
  // mode again.
  async settled(roomId) {
    const partner = this.partnerOf(roomId);
    if (!partner) return;
    const status = this.state(roomId).status;
    await (this.loading.get(roomId) ?? (status === 'unknown' || status === 'failed' ? this.load(roomId) : null));
    await this.keyring.whenLoaded();
    if (!this.isEncrypted(roomId)) return;
    if (this.partners.status(partner).state === 'unknown') await this.partners.refresh(partner);
    else await this.partners.settled(partner);
  }

  // {type: "encryption", room, by} on chat.user.<me>: the chat is encrypted from now on (by this person, maybe on
  // another browser, or by the partner). Taken at once, so the composer stops sending text before the answer.
  heard(roomId, by) {
    const partner = this.partnerOf(roomId);
    if (!partner) return;
    const before = this.rooms.get(roomId);
    this.set(roomId, { status: 'loaded', encrypted: true, by: by ?? before?.by ?? null, since: before?.since ?? null });
    this.partners.refresh(partner);
    // when it was switched on: asked for the dialog (a load under way may have been asked before the switch)
    this.load(roomId);
  }

  // What the composer may do in `roomId`: { kind: 'plain' } (text, as in any room), { kind: 'sealed' } (encrypted
  // for the partner), or { kind: 'blocked', reason, text } (nothing is sent; `text` says why to the person). Reasons:
  // 'checking', 'keys-loading', 'partner-loading' (a moment), 'unchecked', 'keys', 'partner' (the server could not
  // be asked, or gave something unusable), 'setup', 'unlock' (this person's keys), 'changed' (the partner's),
  // 'unsupported' (no WebCrypto on this page).
  mode(roomId) {
    const partner = this.partnerOf(roomId);
    if (!partner) return { kind: 'plain' };
    const name = this.nameOf(partner);
    const blocked = (reason, text) => ({ kind: 'blocked', reason, text, transient: MOMENTARY.has(reason) });
    const room = this.state(roomId);
    if (room.status === 'unknown' || room.status === 'loading') {
      return blocked('checking', 'Checking whether this chat is end-to-end encrypted…');
    }
    if (room.status === 'failed') {
      // A send asks again (settled()) before it is refused.
      return { ...blocked('unchecked', 'Could not check whether this chat is end-to-end encrypted, so nothing is '
        + 'sent yet. Try again in a moment.'), retry: true };
    }
    if (!room.encrypted) return { kind: 'plain' };
    switch (this.keyring.state) {
      case 'ready':
        break;
      case 'none':
        return blocked('setup', 'This chat is end-to-end encrypted. Set up encrypted chats to read and write here.');
      case 'locked':
        return blocked('unlock', 'Encrypted chats are locked on this browser. Unlock them with your chat passphrase '
          + 'to read and write here.');
      case 'replaced':
        return blocked('unlock', 'Your keys were reset on another browser. Unlock the new ones with your chat '
          + 'passphrase to write here.');
      case 'loading':
        return blocked('keys-loading', 'Opening your keys…');
      case 'unsupported':
        return blocked('unsupported', 'This chat is end-to-end encrypted, and this browser cannot encrypt on this '
          + 'page (it needs https).');
      default:
        return blocked('keys', 'Could not check your keys with the server, so nothing is sent yet. Try again in a '
          + 'moment.');
    }
    const keys = this.partners.status(partner);
    switch (keys.state) {
      case 'ok':
        return { kind: 'sealed' };
      case 'changed':
        return blocked('changed', `${name}'s keys have changed. Compare the safety number with ${name} before you `
          + 'accept the new keys; until then nothing is sent.');
      case 'none':
        return blocked('partner', `${name} has no keys for encrypted chats: nothing can be sent.`);
      case 'bad':
        return blocked('partner', `The server gave keys for ${name} that are not valid: nothing is sent.`);
      case 'error':
        return blocked('partner', `Could not fetch ${name}'s keys, so nothing is sent yet. Try again in a moment.`);
      default:
        return blocked('partner-loading', `Fetching ${name}'s keys…`);
    }
  }

  // The `e2e` object of a message, sealed with the keys this person accepted for the partner; only in a chat whose
  // mode is 'sealed' (anything else is a mistake of the caller, refused rather than sent otherwise).
  async seal(roomId, text) {
    const mode = this.mode(roomId);
    if (mode.kind !== 'sealed') throw failure('NotSealed', mode.text || 'This chat is not end-to-end encrypted.');
    const partner = this.partners.status(this.partnerOf(roomId));
    return this.crypto.encryptMessage({
      room: roomId,
      sender: this.me,
      text,
      identity: this.keyring.identity,
      fingerprint: this.keyring.fingerprint,
      partner: { ecdh: partner.keys.ecdh, fingerprint: partner.fingerprint },
    });
  }

  // Switches a private chat to encrypted, when both have keys: the partner's are looked for first, so nothing is
  // asked of the server when they have none ("NoPartnerKeys"); "NoOwnKeys" when this person has none here.
  async switchOn(roomId) {
    const partner = this.partnerOf(roomId);
    if (!partner) throw failure('NotPrivate', 'Only a private chat is end-to-end encrypted.');
    const name = this.nameOf(partner);
    if (!this.keyring.ready) {
      throw failure('NoOwnKeys', this.keyring.state === 'none'
        ? 'Set up encrypted chats first (your chat passphrase).'
        : 'Unlock encrypted chats on this browser first.');
    }
    if (!(await this.api.keysOf(partner))) {
      throw failure('NoPartnerKeys', `${name} has not set up encrypted chats yet.`);
    }
    let answer;
    try {
      answer = await this.api.encrypt(roomId);
    } catch (e) {
      if (e.status === 409 && /^you /i.test(e.message)) throw failure('NoOwnKeys', 'Set up encrypted chats first.');
      if (e.status === 409) throw failure('NoPartnerKeys', `${name} has not set up encrypted chats yet.`);
      throw e;
    }
    this.set(roomId, { status: 'loaded', encrypted: true, by: answer?.by ?? this.me, since: answer?.since ?? null });
    await this.partners.refresh(partner);
  }

  // The server refused a send to `roomId`: the state it refused on is fetched again, and the words for the person
  // are returned (null for a refusal that is not about encryption).
  refused(roomId, error) {
    const partner = this.partnerOf(roomId);
    if (!partner || !error) return null;
    const message = String(error.message || '');
    const code = error.failureCode ?? error.status;
    if (code === 409 && message.startsWith('e2e.to')) {
      this.partners.refresh(partner);
      const name = this.nameOf(partner);
      return `Not sent: ${name}'s keys have changed. Compare the safety number with ${name} before you accept them.`;
    }
    if (code === 409 && message.startsWith('e2e.from')) {
      this.keyring.load();
      return 'Not sent: your keys were reset on another browser. Unlock them here to write.';
    }
    if (code === 400 && message.startsWith('text')) {
      this.heard(roomId, null);
      return 'Not sent: this chat was just switched to end-to-end encryption. Send it again to send it encrypted.';
    }
    if (code === 400 && message.startsWith('e2e')) {
      this.load(roomId);
      return 'Not sent: this chat is not end-to-end encrypted.';
    }
    return null;
  }
}
