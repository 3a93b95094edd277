// DOM for this person's keys for encrypted chats (issue 20): the "Encrypted chats" dialog (set up with a chat
// passphrase typed twice, unlock on this browser, reset, remove from this browser) and its line in the profile. It
// draws the keyring's state and hands it what the person typed; keyring.js does the work. The passphrase never
// leaves this module but to the keyring.

import { clearErrors, clearErrorsOnInput, setBusy, showErrors, showFormMessage } from './forms.js';
import { passphraseProblems } from './keyring.js';
import { switchModal } from './modals.js';

const $ = (id) => document.getElementById(id);

const STATE_TEXT = {
  loading: 'Looking for your keys…',
  none: 'Encrypted chats are not set up yet. Private chats can be end-to-end encrypted once both people have.',
  locked: 'Your keys are on the server, locked with your chat passphrase. Unlock them to read and write encrypted '
    + 'chats on this browser.',
  replaced: 'Your keys were reset on another browser. Unlock the new ones with your chat passphrase to use them here.',
  ready: 'Encrypted chats are set up and unlocked on this browser.',
  error: 'Could not reach the server to look for your keys. Try again in a moment.',
  unsupported: 'This browser offers no encryption on this page (it needs https), so encrypted chats cannot work here.',
};

const BUTTON_TEXT = {
  none: 'Set up encrypted chats…',
  locked: 'Unlock encrypted chats…',
  replaced: 'Unlock encrypted chats…',
};

// 64 hex digits in groups of four, to read out or compare.
const grouped = (fingerprint) => fingerprint.match(/.{1,4}/g).join(' ');

export class KeysDialog {
  // keyring: the Keyring; persistent(): whether this browser keeps keys between visits. Everything is let go when
  // `signal` aborts.
  constructor(keyring, { persistent = () => true }, signal) {
    this.keyring = keyring;
    this.persistent = persistent;
    this.dom = {
      modal: $('keys-modal'),
      profile: $('profile-modal'),
      state: $('keys-state'),
      done: $('keys-done'),
      temporary: $('keys-temporary'),
      fingerprintRow: $('keys-fingerprint-row'),
      fingerprint: $('keys-fingerprint'),
      setup: $('keys-setup-form'),
      unlock: $('keys-unlock-form'),
      manage: $('keys-manage'),
      reset: $('keys-reset-form'),
      resetOpen: $('keys-reset-open'),
      forget: $('keys-forget'),
    };
    this.bind(signal);
    this.draw();
  }

  bind(signal) {
    const d = this.dom;
    for (const form of [d.setup, d.unlock, d.reset]) clearErrorsOnInput(form);
    d.modal.addEventListener('show.bs.modal', () => {
      for (const form of [d.setup, d.unlock, d.reset]) {
        form.reset();
        clearErrors(form);
      }
      this.showReset(false);
      this.done('');
      if (this.keyring.state === 'error') this.keyring.load();
      this.draw();
    }, { signal });
    $('profile-e2e-button').addEventListener('click', () => switchModal(d.profile, d.modal), { signal });
    d.profile.addEventListener('show.bs.modal', () => this.draw(), { signal });
    d.resetOpen.addEventListener('click', () => this.showReset(d.reset.hidden), { signal });
    d.setup.addEventListener('submit', (e) => this.submitNew(e, d.setup,
      'Encrypted chats are set up. Your keys are kept in this browser, and a copy locked with your chat passphrase '
      + 'is on the server for your other browsers.'), { signal });
    d.reset.addEventListener('submit', (e) => this.submitNew(e, d.reset,
      'New keys made. Your partners in encrypted chats are warned that your keys changed.'), { signal });
    d.unlock.addEventListener('submit', (e) => this.submitUnlock(e), { signal });
    d.forget.addEventListener('click', () => this.forget(), { signal });
  }

  showReset(shown) {
    this.dom.reset.hidden = !shown;
    this.dom.resetOpen.setAttribute('aria-expanded', String(shown));
    if (shown) $('keys-reset-passphrase').focus();
  }

  done(text) {
    this.dom.done.textContent = text;
    this.dom.done.hidden = !text;
  }

  // The keyring's state, in the dialog and the profile.
  draw() {
    const d = this.dom;
    const { state, fingerprint } = this.keyring;
    d.state.textContent = STATE_TEXT[state] ?? '';
    d.state.dataset.state = state;
    d.setup.hidden = state !== 'none';
    d.unlock.hidden = state !== 'locked' && state !== 'replaced';
    // A forgotten passphrase leaves a reset: also from a browser where the keys are locked.
    d.manage.hidden = !['ready', 'locked', 'replaced'].includes(state);
    d.forget.hidden = state !== 'ready';
    d.fingerprintRow.hidden = state !== 'ready';
    d.fingerprint.textContent = state === 'ready' ? grouped(fingerprint) : '';
    d.temporary.hidden = state !== 'ready' || this.persistent();
    $('profile-e2e-state').textContent = STATE_TEXT[state] ?? '';
    $('profile-e2e-button').textContent = BUTTON_TEXT[state] ?? 'Encrypted chats…';
  }

  // Set up or reset: new keys under the passphrase typed twice (a reset ticked as understood, too).
  async submitNew(event, form, message) {
    event.preventDefault();
    clearErrors(form);
    this.done('');
    const passphrase = form.elements.namedItem('passphrase').value;
    const problems = passphraseProblems(passphrase, form.elements.namedItem('confirmPassphrase').value) || {};
    const understood = form.elements.namedItem('understood');
    if (understood && !understood.checked) problems.understood = 'Tick this to reset your keys.';
    if (Object.keys(problems).length) {
      showErrors(form, { fieldErrors: problems, message: '' });
      return;
    }
    setBusy(form, true);
    try {
      await this.keyring.create(passphrase);
      form.reset();
      if (form === this.dom.reset) this.showReset(false);
      this.done(message);
    } catch (e) {
      showFormMessage(form, `Not done: ${e.message}`);
    } finally {
      setBusy(form, false);
    }
  }

  async submitUnlock(event) {
    event.preventDefault();
    const form = this.dom.unlock;
    clearErrors(form);
    this.done('');
    const input = form.elements.namedItem('passphrase');
    if (!input.value) {
      showErrors(form, { fieldErrors: { passphrase: 'Type your chat passphrase.' }, message: '' });
      return;
    }
    setBusy(form, true);
    try {
      await this.keyring.unlock(input.value);
      form.reset();
      this.done('Unlocked: encrypted chats work on this browser now.');
    } catch (e) {
      // A wrong passphrase changes nothing: it is said plainly, and the field is ready for another try.
      showFormMessage(form, e.name === 'WrongPassphrase' ? 'That passphrase does not open your keys.'
        : `Not unlocked: ${e.message}`);
      input.select();
    } finally {
      setBusy(form, false);
    }
  }

  async forget() {
    const button = this.dom.forget;
    button.disabled = true;
    try {
      await this.keyring.forget();
      this.done('Your keys were removed from this browser. Your chat passphrase unlocks them here again.');
    } catch (e) {
      this.done(`Not removed: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }
}
