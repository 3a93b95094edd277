// DOM for a private chat's end-to-end encryption (issue 20): the lock in the room header, the bar over the composer
// that says why nothing can be sent yet (with its unlock, set-up, compare, accept and retry buttons), and the chat's
// dialog: switching it on, or its safety number with "Mark as verified" and the warning when the partner's keys
// changed. It draws what it is given and passes the clicks on; encryption.js decides. Names go in as text.

import { switchModal } from './modals.js';

const $ = (id) => document.getElementById(id);

// The header's button by the chat's state: what it shows, and what a screen reader hears.
// The icon is drawn by CSS from data-state (an open lock, a closed one, a warning).
const HEADER = {
  off: { label: 'Encrypt', aria: 'Not end-to-end encrypted: encrypt this chat' },
  on: { label: 'Encrypted', aria: 'End-to-end encrypted, safety number not verified' },
  verified: { label: 'Encrypted · verified', aria: 'End-to-end encrypted, safety number verified' },
  changed: { label: 'Keys changed', aria: 'End-to-end encrypted: your partner\'s keys changed' },
};

// Reasons the composer waits without a word: each lasts a moment (asked the server, or opening the keys).
const QUIET = new Set(['checking', 'keys-loading', 'partner-loading']);

// The bar's buttons by the reason nothing is sent.
const BAR_BUTTONS = {
  unlock: ['e2e-bar-unlock'],
  setup: ['e2e-bar-setup'],
  changed: ['e2e-bar-compare', 'e2e-bar-accept'],
  unchecked: ['e2e-bar-retry'],
  keys: ['e2e-bar-retry'],
  partner: ['e2e-bar-retry'],
};
const ALL_BAR_BUTTONS = ['e2e-bar-unlock', 'e2e-bar-setup', 'e2e-bar-compare', 'e2e-bar-accept', 'e2e-bar-retry'];

const fullDate = (ts) => new Date(ts).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });

export class EncryptionView {
  constructor() {
    this.dom = {
      header: $('room-e2e'),
      bar: $('e2e-bar'),
      dialog: $('e2e-room-modal'),
      keysDialog: $('keys-modal'),
      error: $('e2e-room-error'),
      locked: $('e2e-room-locked'),
      off: $('e2e-room-off'),
      on: $('e2e-room-on'),
      since: $('e2e-room-since'),
      changed: $('e2e-room-changed'),
      safety: $('e2e-room-safety'),
      safetyNumber: $('e2e-safety-number'),
      verified: $('e2e-room-verified'),
      verify: $('e2e-room-verify'),
      accept: $('e2e-room-accept'),
      encrypt: $('e2e-room-encrypt'),
    };
  }

  // on: accept(), verify(), encrypt(), retry(), dialogOpened(). Everything is let go when `signal` aborts.
  bind(on, signal) {
    const click = (id, fn) => $(id).addEventListener('click', fn, { signal });
    click('e2e-bar-accept', () => on.accept());
    click('e2e-room-accept', () => on.accept());
    click('e2e-room-verify', () => on.verify());
    click('e2e-room-encrypt', () => on.encrypt());
    click('e2e-bar-retry', () => on.retry());
    click('e2e-room-keys', () => switchModal(this.dom.dialog, this.dom.keysDialog));
    this.dom.dialog.addEventListener('show.bs.modal', () => {
      this.dialogError('');
      on.dialogOpened();
    }, { signal });
  }

  get dialogOpen() {
    return this.dom.dialog.classList.contains('show');
  }

  // state: null (not a private chat, or not known yet), or 'off', 'on', 'verified', 'changed'.
  showHeader(state) {
    const button = this.dom.header;
    button.hidden = !state;
    if (!state) return;
    const shown = HEADER[state];
    button.dataset.state = state;
    button.querySelector('.room-e2e-label').textContent = shown.label;
    button.setAttribute('aria-label', shown.aria);
    button.classList.toggle('btn-outline-warning', state === 'changed');
    button.classList.toggle('btn-outline-success', state === 'on' || state === 'verified');
    button.classList.toggle('btn-outline-secondary', state === 'off');
  }

  // mode: the composer's (encrypted-rooms.js) in the open room, or null: a bar for a 'blocked' mode that lasts.
  showBar(mode) {
    const bar = this.dom.bar;
    const shown = Boolean(mode) && mode.kind === 'blocked' && !QUIET.has(mode.reason);
    bar.hidden = !shown;
    for (const id of ALL_BAR_BUTTONS) $(id).hidden = true;
    if (!shown) {
      delete bar.dataset.reason;
      return;
    }
    bar.dataset.reason = mode.reason;
    // A partner's new keys are a warning read out at once; the rest is a state.
    bar.setAttribute('role', mode.reason === 'changed' ? 'alert' : 'status');
    bar.querySelector('.e2e-bar-text').textContent = mode.text;
    for (const id of BAR_BUTTONS[mode.reason] || []) $(id).hidden = false;
  }

  // The dialog's content. d: { partner (name), encrypted, by, since, locked (text or null: why there is no safety
  // number here), safety (the number or null), verified, changed (the warning or null), canEncrypt }.
  showDialog(d) {
    const dom = this.dom;
    for (const node of dom.dialog.querySelectorAll('.e2e-partner')) node.textContent = d.partner;
    dom.off.hidden = d.encrypted;
    dom.on.hidden = !d.encrypted;
    dom.locked.hidden = !d.locked;
    $('e2e-room-locked-text').textContent = d.locked || '';
    dom.encrypt.disabled = !d.canEncrypt;
    if (!d.encrypted) return;
    const who = d.by ? ` by ${d.by}` : '';
    const when = d.since ? ` since ${fullDate(d.since)}` : '';
    dom.since.textContent = `End-to-end encrypted${when}${who}: only you and ${d.partner} can read what is written `
      + 'here.';
    dom.changed.hidden = !d.changed;
    dom.changed.textContent = d.changed || '';
    dom.safety.hidden = !d.safety;
    dom.safetyNumber.textContent = d.safety || '';
    dom.verified.textContent = d.verified
      ? `✓ Verified: you compared this number with ${d.partner}.`
      : 'Not verified yet.';
    dom.verified.dataset.verified = String(Boolean(d.verified));
    dom.verify.hidden = Boolean(d.verified) || Boolean(d.changed);
    dom.accept.hidden = !d.changed;
  }

  dialogError(text) {
    this.dom.error.textContent = text;
    this.dom.error.hidden = !text;
  }

  // A button of the dialog or the bar while its request runs.
  busy(busy) {
    for (const button of [this.dom.encrypt, this.dom.verify, this.dom.accept, $('e2e-bar-accept')]) {
      button.disabled = busy;
      button.setAttribute('aria-busy', String(busy));
    }
  }

  clear() {
    this.showHeader(null);
    this.showBar(null);
    this.dialogError('');
  }
}
