// Entry point: picks the view from the session (GET /api/me), so a reload keeps
// the person logged in, and starts or stops the chat session.

import { api, onUnauthorized } from './api.js';
import { setupAuth, showAuthNotice } from './auth.js';
import { ChatSession } from './chat.js';
import { setupProfile } from './profile.js';

const $ = (id) => document.getElementById(id);
let session = null;

function showView(name) {
  for (const view of ['loading', 'auth', 'chat']) $(`${view}-view`).hidden = view !== name;
}

function showAuth(notice) {
  showView('auth');
  showAuthNotice(notice);
  $('login-username').focus();
}

function startChat(me) {
  if (session) session.stop();
  showAuthNotice('');
  showView('chat');
  session = new ChatSession(me, { onSessionEnded: endSession });
  session.start().catch((e) => console.warn('Chat did not start:', e));
}

function endSession(notice) {
  if (!session) return;
  session.stop();
  session = null;
  for (const open of document.querySelectorAll('.modal.show')) window.bootstrap?.Modal.getInstance(open)?.hide();
  showAuth(notice);
}

async function logout() {
  const ended = session;
  endSession('');
  if (!ended) return;
  try {
    await api.logout();
    showAuthNotice('You are logged out.');
  } catch {
    showAuthNotice('Logged out here, but the server could not be told. Reload to check.');
  }
}

async function boot() {
  onUnauthorized(() => endSession('Your session has ended. Please log in again.'));
  setupAuth(startChat);
  setupProfile(() => session && session.me);
  $('logout-button').addEventListener('click', logout);

  let me = null;
  try {
    me = await api.me();
  } catch (e) {
    showAuth(e.message);
    return;
  }
  if (me) startChat(me);
  else showAuth('');
}

boot();
