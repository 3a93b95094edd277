// The people list beside the chat: the search's results, each with a presence dot, a bot badge for a bot, and a
// menu button. User strings go in as text.

import { botBadge } from './bot-badge.js';
import { el } from './dom.js';
import { sameUser } from './rooms.js';

export class PeopleView {
  constructor(list, status) {
    this.list = list;
    this.status = status;
  }

  clear() {
    this.list.replaceChildren();
    this.status.textContent = '';
  }

  render(users, me, query) {
    const items = users.map((u) => {
      const self = sameUser(u.username, me);
      const button = el('button', 'person-item');
      button.type = 'button';
      button.dataset.user = u.username;
      const dot = el('span', 'presence dot');
      dot.dataset.online = String(u.online === true);
      dot.setAttribute('aria-hidden', 'true');
      button.append(dot, el('span', 'person-name', u.username));
      if (u.bot === true) button.append(botBadge());
      if (self) {
        button.append(el('span', 'person-note', 'you'));
        button.disabled = true;
      }
      this.updateLabel(button);
      const li = el('li', 'person-row');
      li.append(button);
      if (!self) {
        const menu = el('button', 'person-menu', '⋯');
        menu.type = 'button';
        menu.dataset.personMenu = u.username;
        menu.setAttribute('aria-label', `More for ${u.username}`);
        li.append(menu);
      }
      return li;
    });
    this.list.replaceChildren(...items);
    this.status.textContent = users.length ? ''
      : query ? `No one whose name starts with “${query}”.` : 'No one else here yet.';
  }

  showError(message) {
    this.status.textContent = `Could not load people: ${message}`;
  }

  updateLabel(button) {
    const online = button.querySelector('.presence').dataset.online === 'true';
    const name = button.querySelector('.bot-badge') ? `${button.dataset.user} (bot)` : button.dataset.user;
    button.setAttribute('aria-label',
      button.disabled ? `${name} (you)` : `Chat privately with ${name}, ${online ? 'online' : 'offline'}`);
    button.title = online ? 'Online' : 'Offline';
  }

  has(username) {
    return [...this.list.querySelectorAll('[data-user]')].some((b) => sameUser(b.dataset.user, username));
  }

  setOnline(username, online) {
    for (const button of this.list.querySelectorAll('[data-user]')) {
      if (sameUser(button.dataset.user, username)) {
        button.querySelector('.presence').dataset.online = String(online);
        this.updateLabel(button);
      }
    }
  }
}
