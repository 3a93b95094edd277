// The profile dialog: see username and email, change the email or the password, choose who may write privately.

import { api } from './api.js';
import { clearErrors, clearErrorsOnInput, setBusy, showErrors, showSuccess } from './forms.js';
import { attachStrengthMeter } from './strength.js';

const $ = (id) => document.getElementById(id);

// currentUser() returns the session's { username, email } object, or null.
export function setupProfile(currentUser) {
  const modal = $('profile-modal');
  const emailForm = $('profile-email-form');
  const passwordForm = $('profile-password-form');
  const settingsForm = $('profile-settings-form');
  clearErrorsOnInput(emailForm);
  clearErrorsOnInput(passwordForm);

  const updateMeter = attachStrengthMeter($('profile-new-password'), $('profile-password-strength'),
    $('profile-password-strength-text'),
    () => ({ username: currentUser()?.username || '', email: currentUser()?.email || '' }));

  const show = (me) => {
    $('profile-username').textContent = me.username;
    $('profile-email-current').textContent = me.email || '—';
  };

  modal.addEventListener('show.bs.modal', async () => {
    const me = currentUser();
    if (!me) return;
    emailForm.reset();
    passwordForm.reset();
    clearErrors(emailForm);
    clearErrors(passwordForm);
    clearErrors(settingsForm);
    loadSettings();
    updateMeter();
    show(me);
    $('profile-email').value = me.email || '';
    try {
      const fresh = await api.me();  // the email may have changed on another device
      if (fresh && currentUser() === me) {
        me.email = fresh.email;
        show(me);
        if (!emailForm.contains(document.activeElement)) $('profile-email').value = fresh.email || '';
      }
    } catch {
      // show what we have
    }
  });

  const showSettings = (settings) => {
    const value = settings && settings.directMessages === 'contacts' ? 'contacts' : 'everyone';
    $(`dm-${value}`).checked = true;
  };

  async function loadSettings() {
    for (const radio of settingsForm.elements.namedItem('directMessages')) radio.checked = false;
    try {
      showSettings(await api.settings());
    } catch (e) {
      showErrors(settingsForm, e);
    }
  }

  settingsForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(settingsForm);
    const chosen = settingsForm.elements.namedItem('directMessages').value;
    if (!chosen) return;
    setBusy(settingsForm, true);
    try {
      showSettings(await api.saveSettings({ directMessages: chosen }));
      showSuccess(settingsForm, chosen === 'contacts'
        ? 'Saved: only your contacts may write to you privately.'
        : 'Saved: everyone may write to you privately.');
    } catch (e) {
      showErrors(settingsForm, e);
    } finally {
      setBusy(settingsForm, false);
    }
  });

  emailForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const me = currentUser();
    if (!me) return;
    clearErrors(emailForm);
    setBusy(emailForm, true);
    try {
      const reply = await api.changeEmail($('profile-email').value.trim());
      me.email = (reply && reply.email) || $('profile-email').value.trim();
      show(me);
      showSuccess(emailForm, 'Email updated.');
    } catch (e) {
      showErrors(emailForm, e);
    } finally {
      setBusy(emailForm, false);
    }
  });

  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(passwordForm);
    setBusy(passwordForm, true);
    try {
      await api.changePassword({
        currentPassword: $('profile-current-password').value,
        password: $('profile-new-password').value,
        confirmPassword: $('profile-confirm-password').value,
      });
      passwordForm.reset();
      updateMeter();
      showSuccess(passwordForm, 'Password changed. Your other sessions were logged out.');
    } catch (e) {
      showErrors(passwordForm, e);
    } finally {
      setBusy(passwordForm, false);
    }
  });
}
