// DOM for the notices list and its badge, the contacts list, and one person's menu, a bot's name with its badge.
// They draw what they are given and report clicks as data-action buttons; connections.js decides. Every user string
// goes in as text.

import { botBadge, markBot } from './bot-badge.js';
import { hideModal, showModal } from './modals.js';
import { el } from './render.js';
import { sameUser } from './rooms.js';

const $ = (id) => document.getElementById(id);

function actionButton(label, action, name, style = 'btn-outline-primary', ariaLabel = null) {
  const button = el('button', `btn btn-sm ${style}`, label);
  button.type = 'button';
  button.dataset.action = action;
  button.dataset.name = name;
  if (ariaLabel) button.setAttribute('aria-label', ariaLabel);
  return button;
}

// The name (in an element of class `kind`) and, for a bot, its badge.
function personName(name, bot, kind = 'contact-name') {
  const shown = el('span', kind, name);
  return bot ? [shown, botBadge()] : [shown];
}

export class NoticesView {
  constructor() {
    this.list = $('notices-list');
    this.empty = $('notices-empty');
    this.badge = $('notices-badge');
    this.count = $('notices-count');
    this.error = $('notices-error');
  }

  // items: NoticeList.list(); isBot(name): whether a name is a bot's, for its badge.
  render(items, isBot = () => false) {
    this.list.replaceChildren(...items.map((n) => (n.kind === 'invite' ? this.invite(n, isBot)
      : this.request(n, isBot))));
    this.empty.hidden = items.length > 0;
    this.badge.textContent = String(items.length);
    this.badge.hidden = items.length === 0;
    this.count.textContent = items.length ? `${items.length} waiting` : 'none waiting';
  }

  invite(n, isBot) {
    const li = el('li', 'notice');
    li.dataset.notice = n.key;
    const line = el('p', 'notice-text');
    line.append(...this.from(li, n.from || 'Someone', Boolean(n.from) && isBot(n.from)), ' invited you to ',
      el('strong', null, `#${n.channel}`));
    li.append(line);
    if (n.description) li.append(el('p', 'notice-detail', n.description));
    const actions = el('div', 'notice-actions');
    actions.append(actionButton('Join', 'join', n.channel, 'btn-primary', `Join ${n.channel}`),
      actionButton('Decline', 'decline-invite', n.channel, 'btn-outline-secondary', `Decline the invitation to ${n.channel}`));
    li.append(actions);
    return li;
  }

  request(n, isBot) {
    const li = el('li', 'notice');
    li.dataset.notice = n.key;
    const line = el('p', 'notice-text');
    line.append(...this.from(li, n.from, isBot(n.from)), ' asks to connect with you.');
    li.append(line);
    const actions = el('div', 'notice-actions');
    actions.append(actionButton('Accept', 'accept', n.from, 'btn-primary', `Accept ${n.from}`),
      actionButton('Decline', 'decline', n.from, 'btn-outline-secondary', `Decline ${n.from}`));
    li.append(actions);
    return li;
  }

  // Who a notice is from, with the bot badge for a bot; the row remembers the name for setBot.
  from(li, name, bot) {
    li.dataset.from = name;
    const shown = el('strong', 'notice-from', name);
    return bot ? [shown, botBadge()] : [shown];
  }

  // A name's bot status learned after the list was drawn.
  setBot(name, bot) {
    for (const row of this.list.querySelectorAll('[data-from]')) {
      if (sameUser(row.dataset.from, name)) markBot(row.querySelector('.notice-from'), bot);
    }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}

export class ContactsView {
  constructor() {
    this.lists = {
      incoming: $('contacts-incoming'),
      contact: $('contacts-accepted'),
      outgoing: $('contacts-outgoing'),
      blocked: $('contacts-blocked'),
    };
    this.error = $('contacts-error');
  }

  // book: the ContactBook; isBot(name) says whose name gets the badge.
  render(book, isBot) {
    const rows = {
      incoming: (name) => [actionButton('Accept', 'accept', name, 'btn-primary', `Accept ${name}`),
        actionButton('Decline', 'decline', name, 'btn-outline-secondary', `Decline ${name}`)],
      contact: (name) => [actionButton('Message', 'message', name, 'btn-outline-primary', `Message ${name}`),
        actionButton('Remove', 'remove', name, 'btn-outline-secondary', `Remove ${name} from your contacts`)],
      outgoing: (name) => [actionButton('Withdraw', 'remove', name, 'btn-outline-secondary',
        `Withdraw the request to ${name}`)],
      blocked: (name) => [actionButton('Unblock', 'unblock', name, 'btn-outline-secondary', `Unblock ${name}`)],
    };
    for (const [state, list] of Object.entries(this.lists)) {
      const names = state === 'blocked' ? book.blockedNames() : book.list(state);
      list.replaceChildren(...names.map((name) => {
        const li = el('li', 'contact-row');
        li.dataset.contact = name;
        li.append(...personName(name, isBot(name)), ...rows[state](name));
        return li;
      }));
      if (!names.length) list.append(el('li', 'sidebar-hint', list.dataset.empty));
    }
  }

  // The page learnt whether `name` is a bot after the lists were drawn.
  setBot(name, bot) {
    for (const list of Object.values(this.lists)) {
      for (const row of list.querySelectorAll('[data-contact]')) {
        if (sameUser(row.dataset.contact, name)) markBot(row.querySelector('.contact-name'), bot);
      }
    }
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }
}

const STATE_TEXT = {
  contact: 'A contact of yours.',
  incoming: 'Asks to connect with you.',
  outgoing: 'Your request to connect is waiting for an answer.',
  none: 'Not connected.',
};

export class PersonView {
  constructor() {
    this.modal = $('person-modal');
    this.title = $('person-title');
    this.state = $('person-state');
    this.error = $('person-error');
    this.connect = $('person-connect');
    this.decline = $('person-decline');
    this.block = $('person-block');
    this.message = $('person-message');
  }

  // state: the ContactBook's state for `name`; blocked: whether this person blocks them; bot: whether `name` is a
  // bot's.
  render(name, state, blocked, bot) {
    this.modal.dataset.person = name;
    this.title.replaceChildren(...personName(name, bot, 'person-title-name'));
    this.state.textContent = blocked ? `${STATE_TEXT[state]} Blocked: you do not see their messages.` : STATE_TEXT[state];
    const connect = {
      none: ['Request to connect', 'request'],
      incoming: ['Accept request', 'accept'],
      outgoing: ['Withdraw request', 'remove'],
      contact: ['Remove contact', 'remove'],
    }[state];
    this.connect.textContent = connect[0];
    this.connect.dataset.action = connect[1];
    this.decline.hidden = state !== 'incoming';
    this.block.textContent = blocked ? 'Unblock' : 'Block';
    this.block.dataset.action = blocked ? 'unblock' : 'block';
  }

  // The page learnt whether the person shown is a bot.
  setBot(bot) {
    markBot(this.title.querySelector('.person-title-name'), bot);
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  open() {
    this.showError('');
    showModal(this.modal);
  }

  close() {
    hideModal(this.modal);
  }
}
