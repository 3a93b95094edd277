// The channel dialogs: find public channels and join one, create a channel, and the open channel's view (who is
// in it with their roles and a bot's badge, invite, remove, leave, delete). They talk to the API; the session hears
// what changed (joined, left) and keeps the room list. Every user string goes in as text.

import { api } from './api.js';
import { botBadge, markBot } from './bot-badge.js';
import {
  channelNameProblem, channelOf, descriptionProblem, mayInvite, mayRemove, normalizeChannelName, sortMembers,
} from './channel-name.js';
import { clearErrors, clearErrorsOnInput, setBusy, showErrors, showSuccess } from './forms.js';
import { hideModal, refocus } from './modals.js';
import { el } from './render.js';
import { sameUser } from './rooms.js';

const $ = (id) => document.getElementById(id);
const SEARCH_AFTER_INPUT = 200;
const ROLE_TEXT = { owner: 'you are the owner', moderator: 'you are a moderator', member: 'you are a member' };


function fieldError(name, message) {
  const e = new Error(message);
  e.fieldErrors = { [name]: message };
  return e;
}

export class ChannelDialogs {
  // me: the username. current(): the open room's id. bots: who is a bot (isBot, lookUp, onBotChange of bots.js).
  // Hooks:
  //   joined(details)  a channel this person is now in (created or joined): list it and open it
  //   leaving(roomId)  this person is about to leave or delete it: the server's "removed from this room" on its
  //                    address, which comes before the answer, is then no removal to tell them about
  //   left(roomId, ok) done: drop it from the list when ok, or keep it (the request was refused)
  constructor(me, { current, bots, joined, leaving, left }, signal) {
    this.me = me;
    this.current = current;
    this.bots = bots;
    this.hooks = { joined, leaving, left };
    this.searchTicket = 0;
    this.searchTimer = null;
    this.shown = null;  // the details the channel view shows
    this.bindBrowse(signal);
    this.bindCreate(signal);
    this.bindInfo(signal);
    bots.onBotChange((name, bot) => {
      for (const item of $('channel-members').querySelectorAll('[data-member]')) {
        if (sameUser(item.dataset.member, name)) markBot(item.querySelector('.member-name'), bot);
      }
    });
  }

  // ---- find and join -----------------------------------------------------

  bindBrowse(signal) {
    $('channels-modal').addEventListener('show.bs.modal', () => {
      $('channel-search').value = '';
      this.search('');
    }, { signal });
    $('channel-search').addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.search($('channel-search').value.trim()), SEARCH_AFTER_INPUT);
    }, { signal });
    $('channel-results').addEventListener('click', (e) => {
      const button = e.target.closest('[data-join]');
      if (button) this.join(button.dataset.join, button);
    }, { signal });
  }

  async search(query) {
    const ticket = ++this.searchTicket;
    const status = $('channel-results-status');
    try {
      const data = await api.channels(normalizeChannelName(query));
      if (ticket !== this.searchTicket) return;  // a newer search won
      const channels = (data && Array.isArray(data.channels) ? data.channels : []).filter((c) => channelOf(c?.id));
      $('channel-results').replaceChildren(...channels.map((c) => this.resultItem(c)));
      status.textContent = channels.length ? ''
        : query ? `No channel whose name starts with “${query}”.` : 'No channels yet. Create the first one below.';
    } catch (e) {
      if (ticket === this.searchTicket) status.textContent = `Could not load channels: ${e.message}`;
    }
  }

  resultItem(c) {
    const li = el('li', 'channel-result');
    li.dataset.channel = c.name;
    const head = el('div', 'channel-result-head');
    head.append(el('span', 'channel-result-name', `# ${c.name}`));
    if (c.visibility === 'private') head.append(el('span', 'badge text-bg-secondary', 'private'));
    const count = Number.isInteger(c.memberCount) ? c.memberCount : 0;
    head.append(el('span', 'channel-result-count', `${count} ${count === 1 ? 'member' : 'members'}`));
    const button = el('button', 'btn btn-sm btn-outline-primary', c.role ? 'Open' : 'Join');
    button.type = 'button';
    button.dataset.join = c.name;
    button.setAttribute('aria-label', `${c.role ? 'Open' : 'Join'} ${c.name}`);
    head.append(button);
    li.append(head);
    if (c.description) li.append(el('p', 'channel-result-description', c.description));
    return li;
  }

  async join(name, button) {
    button.disabled = true;
    try {
      const details = await api.joinChannel(name);
      hideModal($('channels-modal'));
      this.hooks.joined(details);
    } catch (e) {
      $('channel-results-status').textContent = `Could not join ${name}: ${e.message}`;
    } finally {
      button.disabled = false;
      refocus(button);
    }
  }

  // ---- create --------------------------------------------------------------

  bindCreate(signal) {
    const form = $('channel-create-form');
    clearErrorsOnInput(form);
    $('channels-modal').addEventListener('show.bs.modal', () => {
      form.reset();
      clearErrors(form);
    }, { signal });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const name = $('channel-name').value;
      const description = $('channel-description').value.trim();
      const problem = channelNameProblem(name);
      if (problem) return showErrors(form, fieldError('name', `Name ${problem}.`));
      const long = descriptionProblem(description);
      if (long) return showErrors(form, fieldError('description', `Description ${long}.`));
      setBusy(form, true);
      try {
        const details = await api.createChannel({
          name: normalizeChannelName(name),
          visibility: form.elements.namedItem('visibility').value,
          description,
        });
        hideModal($('channels-modal'));
        this.hooks.joined(details);
      } catch (e) {
        showErrors(form, e);
      } finally {
        setBusy(form, false);
      }
      return undefined;
    }, { signal });
  }

  // ---- the open channel --------------------------------------------------

  bindInfo(signal) {
    const form = $('channel-invite-form');
    clearErrorsOnInput(form);
    $('channel-modal').addEventListener('show.bs.modal', () => {
      form.reset();
      clearErrors(form);
      this.showInfoError('');
      $('channel-delete').dataset.confirm = '';
      $('channel-delete').textContent = 'Delete channel';
      this.load(channelOf(this.current()));
    }, { signal });
    $('channel-members').addEventListener('click', (e) => {
      const button = e.target.closest('[data-remove]');
      if (button) this.remove(button.dataset.remove, button);
      const role = e.target.closest('[data-role]');
      if (role) this.changeRole(role.dataset.user, role.dataset.role, role);
    }, { signal });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.invite(form);
    }, { signal });
    $('channel-leave').addEventListener('click', () => this.leave(), { signal });
    $('channel-delete').addEventListener('click', () => this.deleteChannel(), { signal });
  }

  showInfoError(message) {
    $('channel-info-error').textContent = message;
    $('channel-info-error').hidden = !message;
  }

  async load(name) {
    if (!name) return;
    $('channel-title').textContent = `# ${name}`;
    $('channel-members').replaceChildren();
    try {
      this.show(await api.channel(name));
    } catch (e) {
      this.showInfoError(`Could not load the channel: ${e.message}`);
    }
  }

  show(details) {
    if (!details || !channelOf(details.id)) return;
    this.shown = details;
    const role = details.role || null;
    $('channel-title').textContent = `# ${details.name}`;
    const count = Number.isInteger(details.memberCount) ? details.memberCount : 0;
    $('channel-facts').textContent = `${details.visibility === 'private' ? 'Private' : 'Public'} channel · `
      + `${count} ${count === 1 ? 'member' : 'members'} · ${ROLE_TEXT[role] || 'you are not a member'}`;
    $('channel-info-description').textContent = details.description || '';
    const members = sortMembers(details.members);
    $('channel-members').replaceChildren(...members.map((m) => this.memberItem(m, role)));
    this.bots.lookUp(members.map((m) => m.username));
    $('channel-invite-form').hidden = !mayInvite(role, details.visibility);
    $('channel-leave').hidden = !role || role === 'owner';
    $('channel-delete').hidden = role !== 'owner';
  }

  memberItem(m, myRole) {
    const li = el('li', 'member');
    li.dataset.member = m.username;
    li.append(el('span', 'member-name', m.username));
    if (this.bots.isBot(m.username)) li.append(botBadge());
    if (sameUser(m.username, this.me)) li.append(el('span', 'person-note', 'you'));
    li.append(el('span', `badge member-role role-${m.role}`, m.role));
    // The owner names moderators (who may remove members) and takes the role back.
    if (myRole === 'owner' && !sameUser(m.username, this.me) && m.role !== 'owner') {
      const next = m.role === 'moderator' ? 'member' : 'moderator';
      const role = el('button', 'btn btn-sm btn-outline-secondary member-role-change',
        next === 'moderator' ? 'Make moderator' : 'Make member');
      role.type = 'button';
      role.dataset.role = next;
      role.dataset.user = m.username;
      role.setAttribute('aria-label', `Make ${m.username} a ${next}`);
      li.append(role);
    }
    if (!sameUser(m.username, this.me) && mayRemove(myRole, m.role)) {
      const remove = el('button', 'btn btn-sm btn-outline-danger member-remove', 'Remove');
      remove.type = 'button';
      remove.dataset.remove = m.username;
      remove.setAttribute('aria-label', `Remove ${m.username} from the channel`);
      li.append(remove);
    }
    return li;
  }

  async invite(form) {
    const name = this.shown && this.shown.name;
    const username = $('channel-invite-name').value.trim();
    clearErrors(form);
    if (!name) return;
    if (!username) {
      showErrors(form, fieldError('username', 'Who? Type a username.'));
      return;
    }
    setBusy(form, true);
    try {
      await api.inviteToChannel(name, username);
      form.reset();
      showSuccess(form, `${username} is invited.`);
    } catch (e) {
      showErrors(form, e);
    } finally {
      setBusy(form, false);
    }
  }

  async remove(username, button) {
    const name = this.shown && this.shown.name;
    if (!name) return;
    button.disabled = true;
    this.showInfoError('');
    try {
      await api.removeFromChannel(name, username);
      this.show(await api.channel(name));
    } catch (e) {
      this.showInfoError(`Could not remove ${username}: ${e.message}`);
    } finally {
      button.disabled = false;
      refocus(button, $('channel-modal'));
    }
  }

  async changeRole(username, role, button) {
    const name = this.shown && this.shown.name;
    if (!name) return;
    button.disabled = true;
    this.showInfoError('');
    try {
      await api.setChannelRole(name, username, role);
      this.show(await api.channel(name));
    } catch (e) {
      this.showInfoError(`Could not change the role of ${username}: ${e.message}`);
    } finally {
      button.disabled = false;
      refocus(button, $('channel-modal'));
    }
  }

  async leave() {
    const details = this.shown;
    if (!details) return;
    this.showInfoError('');
    this.hooks.leaving(details.id);
    try {
      await api.leaveChannel(details.name);
      hideModal($('channel-modal'));
      this.hooks.left(details.id, true);
    } catch (e) {
      this.hooks.left(details.id, false);
      this.showInfoError(`Could not leave: ${e.message}`);
    }
  }

  // Deleting takes everyone's history with it: the button asks once more before it does.
  async deleteChannel() {
    const details = this.shown;
    const button = $('channel-delete');
    if (!details) return;
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = `Delete #${details.name} and its messages for everyone`;
      return;
    }
    this.showInfoError('');
    this.hooks.leaving(details.id);
    try {
      await api.deleteChannel(details.name);
      hideModal($('channel-modal'));
      this.hooks.left(details.id, true);
    } catch (e) {
      this.hooks.left(details.id, false);
      this.showInfoError(`Could not delete: ${e.message}`);
    }
  }

  stop() {
    clearTimeout(this.searchTimer);
    this.searchTicket++;
  }
}
