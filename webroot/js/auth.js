// The log-in and register forms shown before there is a session.

import { api } from './api.js';
import { clearErrors, clearErrorsOnInput, setBusy, showErrors, showFormMessage } from './forms.js';
import { attachStrengthMeter } from './strength.js';

const $ = (id) => document.getElementById(id);

export function setupAuth(onLoggedIn) {
  const loginForm = $('login-form');
  const registerForm = $('register-form');
  clearErrorsOnInput(loginForm);
  clearErrorsOnInput(registerForm);

  const updateMeter = attachStrengthMeter($('register-password'), $('password-strength'),
    $('password-strength-text'),
    () => ({ username: $('register-username').value, email: $('register-email').value }));

  const finish = async (username) => {
    // /api/me also gives the email the profile dialog shows.
    const me = (await api.me()) || { username, email: '' };
    loginForm.reset();
    registerForm.reset();
    clearErrors(loginForm);
    clearErrors(registerForm);
    updateMeter();
    onLoggedIn(me);
  };

  loginForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(loginForm);
    setBusy(loginForm, true);
    try {
      const username = $('login-username').value.trim();
      const reply = await api.login(username, $('login-password').value);
      await finish((reply && reply.username) || username);
    } catch (e) {
      showErrors(loginForm, e);
      if (!e.fieldErrors) $('login-password').select();
    } finally {
      setBusy(loginForm, false);
    }
  });

  registerForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(registerForm);
    setBusy(registerForm, true);
    const fields = {
      username: $('register-username').value.trim(),
      email: $('register-email').value.trim(),
      password: $('register-password').value,
      confirmPassword: $('register-confirm').value,
    };
    try {
      await api.register(fields);
    } catch (e) {
      showErrors(registerForm, e);
      setBusy(registerForm, false);
      return;
    }
    // Registering does not log in by itself; do it for the person.
    try {
      const reply = await api.login(fields.username, fields.password);
      await finish((reply && reply.username) || fields.username);
    } catch (e) {
      $('login-username').value = fields.username;
      showFormMessage(loginForm, `Your account was created, but logging in failed: ${e.message}`);
      $('login-password').focus();
    } finally {
      setBusy(registerForm, false);
    }
  });
}

export function showAuthNotice(message) {
  const notice = $('auth-notice');
  notice.textContent = message || '';
  notice.hidden = !message;
}
