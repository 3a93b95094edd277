// The page's side of end-to-end encrypted private chats (issue 20), wired into the chat session: this person's keys
// (keyring.js, kept by key-store.js, set up and unlocked in keys-dialog.js), their partners' keys and whom this
// browser trusts (partner-keys.js), which private chats are encrypted and what the composer may do in each
// (encrypted-rooms.js), reading every encrypted message (sealed-messages.js), and the open chat's lock, composer bar
// and dialog (encryption-views.js). The session asks it how to send (mode, seal, refused), and tells it of rooms
// opened, notices heard and a new socket.

import { api } from './api.js';
import { safetyNumber } from './e2e-crypto.js';
import { EncryptedRooms } from './encrypted-rooms.js';
import { EncryptionView } from './encryption-views.js';
import { browserKeyStore } from './key-store.js';
import { Keyring } from './keyring.js';
import { KeysDialog } from './keys-dialog.js';
import { PartnerKeys } from './partner-keys.js';
import { dmRoomId, sameUser } from './rooms.js';
import { SealedMessages } from './sealed-messages.js';

// The composer's reasons that take the input away too: typing would be for nothing until the person acts.
const INPUT_TAKEN = new Set(['setup', 'unlock', 'changed', 'unsupported']);

const LOCKED_TEXT = {
  none: 'Set up encrypted chats first: you need a chat passphrase.',
  locked: 'Unlock encrypted chats on this browser to see the safety number and to read and write here.',
  replaced: 'Your keys were reset on another browser: unlock the new ones here.',
  loading: 'Opening your keys…',
  error: 'Could not reach the server to look for your keys.',
  unsupported: 'This browser cannot encrypt on this page (it needs https).',
};

export class EncryptionSupport {
  // me: the username. view: the ChatView. rooms: the RoomDirectory. current(): the open RoomState or null.
  // Everything is let go when `signal` aborts.
  constructor(me, { view, rooms, current }, signal) {
    this.me = me;
    this.view = view;
    this.rooms = rooms;
    this.current = current;
    this.stopped = false;
    this.store = browserKeyStore();
    this.keyring = new Keyring(me, { api, store: this.store, changed: () => this.keysChanged() });
    this.partners = new PartnerKeys(me, { api, store: this.store, changed: (p) => this.partnerChanged(p) });
    this.chats = new EncryptedRooms(me, {
      api,
      keyring: this.keyring,
      partners: this.partners,
      nameOf: (partner) => rooms.label(dmRoomId(me, partner)),
      changed: (id) => this.chatChanged(id),
    });
    this.sealedRooms = new Set();  // the chats known to be encrypted, to redraw one once it is
    this.reader = new SealedMessages(me, {
      keyring: this.keyring,
      partners: this.partners,
      changed: (room, m) => {
        if (room === this.current()) view.messages.replace(m);
      },
    });
    this.roomView = new EncryptionView();
    this.roomView.bind({
      accept: () => this.accept(),
      verify: () => this.verify(),
      encrypt: () => this.switchOn(),
      retry: () => this.retry(),
      dialogOpened: () => this.dialogOpened(),
    }, signal);
    this.keysDialog = new KeysDialog(this.keyring, { persistent: () => this.store.persistent }, signal);
  }

  start() {
    this.keyring.load();
  }

  stop() {
    this.stopped = true;
    for (const part of [this.keyring, this.partners, this.chats, this.reader]) part.stop();
    this.roomView.clear();
  }

  // ---- sending (outbox.js) ------------------------------------------------------

  mode(roomId) {
    return this.chats.mode(roomId);
  }

  // Resolves once what the mode waits for a moment on (the chat's state, the keys) has come.
  settled(roomId) {
    return this.chats.settled(roomId);
  }

  isEncrypted(roomId) {
    return this.chats.isEncrypted(roomId);
  }

  seal(roomId, text) {
    return this.chats.seal(roomId, text);
  }

  refused(roomId, error) {
    return this.chats.refused(roomId, error);
  }

  // ---- what the session tells -------------------------------------------------------

  // A private chat was opened: whether it is encrypted asked once, and its partner's keys again each time (keys
  // changed while the page was elsewhere are found here).
  roomOpened(room) {
    const partner = this.rooms.partner(room.id);
    if (partner) {
      const state = this.chats.state(room.id);
      if (state.status !== 'loaded') this.chats.load(room.id);
      else if (state.encrypted) this.partners.refresh(partner);
    }
    this.show();
  }

  // {kind: 'encryption'} and {kind: 'keys'} from chat.user.<me> (notices.js).
  heard(notice) {
    if (notice.kind === 'encryption') {
      const room = this.rooms.ensure(notice.room);
      if (!room) return;
      this.chats.heard(room.id, notice.by);
      if (room === this.current() && notice.by && !sameUser(notice.by, this.me)) {
        this.view.showRoomNotice(`${notice.by} switched this chat to end-to-end encryption: from now on only the `
          + 'two of you can read what is written here.');
      }
    } else if (notice.kind === 'keys' && sameUser(notice.user, this.me)) {
      // this person's keys were set or reset, here or on another browser: the keyring sees which
      this.keyring.load();
    } else if (notice.kind === 'keys') {
      this.partners.refresh(notice.user);
    }
  }

  // A new socket: notices may have been missed meanwhile, so the keys and the chats are asked again, and messages
  // that could not be read for want of an answer are read again.
  reconnected(rooms) {
    this.keyring.load();
    for (const room of rooms) {
      const state = this.chats.state(room.id);
      if (state.status === 'failed' || state.encrypted) this.chats.load(room.id);
      this.reader.read(room, true);
    }
  }

  // ---- what changed -------------------------------------------------------------------

  // This person's keys: unlocked, set up, reset, found replaced. Messages that waited for keys are read now.
  keysChanged() {
    if (this.stopped) return;
    for (const room of this.rooms.values()) this.reader.read(room, true);
    this.keysDialog.draw();
    this.show();
  }

  // A chat's state came or changed: its messages in the open say so once it is encrypted.
  chatChanged(roomId) {
    if (this.stopped) return;
    const room = this.current();
    if (this.chats.isEncrypted(roomId) && !this.sealedRooms.has(roomId)) {
      this.sealedRooms.add(roomId);
      if (room && room.id === roomId) this.view.messages.render(room, 'keep');
    }
    if (room && room.id === roomId) this.show();
  }

  partnerChanged(partner) {
    if (this.stopped) return;
    const room = this.rooms.get(dmRoomId(this.me, partner));
    if (!room) return;
    const renoted = this.reader.renote(room);
    if (room === this.current()) {
      for (const m of renoted) this.view.messages.replace(m);
      this.show();
    }
  }

  // ---- drawing ---------------------------------------------------------------------------

  // The open room's lock, composer bar and composer, and its dialog when open.
  show() {
    const room = this.current();
    const partner = room ? this.rooms.partner(room.id) : null;
    if (!partner) {
      this.roomView.showHeader(null);
      this.roomView.showBar(null);
      this.view.setComposerLock();
      return;
    }
    const state = this.chats.state(room.id);
    const mode = this.chats.mode(room.id);
    this.roomView.showHeader(this.headerState(state, partner));
    this.roomView.showBar(mode);
    this.view.setComposerLock({
      encrypted: state.encrypted,
      locked: mode.kind === 'blocked' && !mode.transient,
      inputDisabled: mode.kind === 'blocked' && INPUT_TAKEN.has(mode.reason),
    });
    if (this.roomView.dialogOpen) this.drawDialog();
  }

  headerState(state, partner) {
    if (state.status !== 'loaded') return null;
    if (!state.encrypted) return 'off';
    const keys = this.partners.status(partner);
    if (keys.state === 'changed') return 'changed';
    return keys.state === 'ok' && keys.verified ? 'verified' : 'on';
  }

  async drawDialog() {
    const room = this.current();
    const partner = room ? this.rooms.partner(room.id) : null;
    if (!partner) return;
    const name = this.rooms.label(room.id);
    const state = this.chats.state(room.id);
    const keys = this.partners.status(partner);
    const ready = this.keyring.ready;
    const shown = {
      partner: name,
      encrypted: state.encrypted,
      by: state.by,
      since: state.since,
      locked: ready ? null : LOCKED_TEXT[this.keyring.state] ?? null,
      safety: null,
      verified: false,
      changed: null,
      canEncrypt: ready && !state.encrypted && state.status === 'loaded',
    };
    if (state.encrypted && ready && keys.fingerprint) {
      shown.safety = await safetyNumber(this.keyring.fingerprint, keys.fingerprint);
      shown.verified = keys.verified;
      if (keys.state === 'changed') {
        shown.changed = `${name}'s keys have changed since this browser accepted them. That happens when ${name} `
          + 'resets their keys, and also when someone tries to read along. Compare this safety number with '
          + `${name} before you accept the new keys; until then nothing is sent.`;
      }
    }
    // The room may have changed while the number was computed.
    if (this.current() === room && !this.stopped) this.roomView.showDialog(shown);
  }

  // The dialog opens: for a chat not encrypted yet, whether the partner could take it is said at once.
  async dialogOpened() {
    const room = this.current();
    const partner = room ? this.rooms.partner(room.id) : null;
    if (!partner) return;
    this.drawDialog();
    this.chats.load(room.id);  // when it was switched on, and by whom
    if (this.chats.isEncrypted(room.id)) return;
    try {
      if (!(await api.keysOf(partner)) && this.current() === room) {
        this.roomView.dialogError(`${this.rooms.label(room.id)} has not set up encrypted chats yet, so this chat `
          + 'cannot be encrypted now.');
      }
    } catch {
      // said when the person tries
    }
  }

  // ---- what the person does -------------------------------------------------------------

  async act(work) {
    this.roomView.dialogError('');
    this.roomView.busy(true);
    try {
      await work();
    } catch (e) {
      // Said where the person clicked: the dialog, or (from the composer's bar) over the room.
      if (this.stopped) return;
      if (this.roomView.dialogOpen) this.roomView.dialogError(e.message);
      else this.view.showRoomNotice(e.message);
    } finally {
      this.roomView.busy(false);
      if (!this.stopped) this.show();
      if (!this.stopped && this.roomView.dialogOpen) this.drawDialog();
    }
  }

  switchOn() {
    const room = this.current();
    if (room) this.act(() => this.chats.switchOn(room.id));
  }

  // The partner's keys as shown (the bar, the dialog) are accepted: sending goes on, to them.
  accept() {
    const partner = this.current() ? this.rooms.partner(this.current().id) : null;
    if (!partner) return;
    const { fingerprint } = this.partners.status(partner);
    this.act(() => this.partners.accept(partner, fingerprint));
  }

  verify() {
    const partner = this.current() ? this.rooms.partner(this.current().id) : null;
    if (!partner) return;
    const { fingerprint } = this.partners.status(partner);
    this.act(() => this.partners.markVerified(partner, fingerprint));
  }

  retry() {
    const room = this.current();
    if (!room) return;
    if (this.keyring.state === 'error') this.keyring.load();
    this.chats.load(room.id);
    const partner = this.rooms.partner(room.id);
    if (partner && this.chats.isEncrypted(room.id)) this.partners.refresh(partner);
  }
}
