// Who this person is connected to, and what waits for their answer: the contact book, blocks, invitations to
// channels and requests to connect, from the API on start and from the notices on chat.user.<me>. It draws the
// notices, contacts and person views (a bot's name with its badge), raises a desktop notification for a new notice,
// and tells the session when a block changed (to redraw the messages) or a channel was joined from an invitation.

import { api } from './api.js';
import { nameText } from './bot-names.js';
import { ContactsView, NoticesView, PersonView } from './connection-views.js';
import { ContactBook } from './contacts.js';
import { clearErrors, clearErrorsOnInput, setBusy, showErrors, showSuccess } from './forms.js';
import { hideModal, refocus, showModal } from './modals.js';
import { NoticeList } from './notices.js';
import { sameUser } from './rooms.js';

const $ = (id) => document.getElementById(id);

export class Connections {
  // me: the username. notifier: the Notifier. bots: who is a bot (isBot, lookUp, onBotChange of bots.js). Hooks:
  //   blocksChanged()          someone was blocked or unblocked: hidden messages change
  //   joined(details)          a channel joined from an invitation
  //   openDm(username)         the person chose to write to someone
  constructor(me, { notifier, bots, blocksChanged, joined, openDm }, signal) {
    this.me = me;
    this.notifier = notifier;
    this.bots = bots;
    this.hooks = { blocksChanged, joined, openDm };
    this.book = new ContactBook();
    this.notices = new NoticeList();
    this.noticesView = new NoticesView();
    this.contactsView = new ContactsView();
    this.personView = new PersonView();
    this.person = null;  // whose menu is open
    this.stopped = false;
    this.bind(signal);
    this.draw();
    bots.onBotChange((name, bot) => {
      this.contactsView.setBot(name, bot);
      this.noticesView.setBot(name, bot);
      if (this.person && sameUser(this.person, name)) this.personView.setBot(bot);
    });
  }

  isBlocked(name) {
    return this.book.isBlocked(name);
  }

  // Everything the server holds, on start and after a reconnect (notices may have been missed meanwhile).
  async load() {
    const [contacts, blocks, invitations] = await Promise.allSettled([api.contacts(), api.blocks(), api.invitations()]);
    if (this.stopped) return;
    const blocked = this.book.blockedNames().join('\n');
    if (contacts.status === 'fulfilled') {
      this.book.apply(contacts.value);
      this.notices.setRequests(this.book.list('incoming'));
    }
    if (blocks.status === 'fulfilled') this.book.applyBlocks(blocks.value);
    if (invitations.status === 'fulfilled') {
      const list = Array.isArray(invitations.value?.invitations) ? invitations.value.invitations : [];
      for (const i of list) if (i && typeof i.channel === 'string') this.notices.invited(i);
    }
    this.draw();
    if (this.book.blockedNames().join('\n') !== blocked) this.hooks.blocksChanged();
  }

  // A notice from chat.user.<me>, as readUserNotice gave it.
  heard(notice) {
    if (notice.kind === 'invite') {
      if (this.notices.invited(notice)) {
        this.notify(`${this.nameText(notice.from)} invited you`, `to #${notice.channel}`, `invite.${notice.channel}`);
      }
    } else if (notice.kind === 'contact-request') {
      this.book.requested(notice.from);
      if (this.notices.requested(notice.from)) {
        this.notify(`${this.nameText(notice.from)} asks to connect`, 'Accept or decline in your notices.',
          `contact.${notice.from}`);
      }
    } else if (notice.kind === 'contact-accepted') {
      this.book.accepted(notice.by);
      this.notices.answered(NoticeList.requestKey(notice.by));
    } else {
      return;
    }
    this.draw();
  }

  // A notification's title has no room for the badge: "assistant (bot)".
  nameText(name) {
    return nameText(name, this.bots.isBot(name));
  }

  // Shown only while the tab is hidden and notifications are allowed (the Notifier decides); a click opens the
  // notices.
  notify(title, body, tag) {
    this.notifier.show(title, body, tag, () => showModal($('notices-modal')));
  }

  draw() {
    const isBot = (name) => this.bots.isBot(name);
    this.noticesView.render(this.notices.list(), isBot);
    this.contactsView.render(this.book, isBot);
    if (this.person) {
      this.personView.render(this.person, this.book.state(this.person), this.book.isBlocked(this.person),
        isBot(this.person));
    }
  }

  // ---- what the person does ------------------------------------------------

  bind(signal) {
    $('notices-list').addEventListener('click', (e) => this.act(e, (m) => this.noticesView.showError(m)), { signal });
    $('contacts-modal').addEventListener('click', (e) => this.act(e, (m) => this.contactsView.showError(m)), { signal });
    for (const id of ['person-connect', 'person-decline', 'person-block']) {
      $(id).addEventListener('click', (e) => this.act(e, (m) => this.personView.showError(m), () => this.person), { signal });
    }
    $('person-message').addEventListener('click', () => {
      const name = this.person;
      this.personView.close();
      if (name) this.hooks.openDm(name);
    }, { signal });
    $('notices-modal').addEventListener('show.bs.modal', () => {
      this.noticesView.showError('');
      // whom the notices are from: a bot gets its badge once the people search says it is one
      this.bots.lookUp(this.notices.list().map((n) => n.from).filter(Boolean));
    }, { signal });
    $('contacts-modal').addEventListener('show.bs.modal', async () => {
      this.contactsView.showError('');
      await this.load();
      // Whom the lists name: bots get their badge once the people search says which.
      if (!this.stopped) {
        this.bots.lookUp([...['incoming', 'contact', 'outgoing'].flatMap((s) => this.book.list(s)),
          ...this.book.blockedNames()]);
      }
    }, { signal });
    const form = $('contact-request-form');
    clearErrorsOnInput(form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearErrors(form);
      const name = $('contact-request-name').value.trim();
      setBusy(form, true);
      try {
        const reply = await api.requestContact(name);
        this.book.requestAnswered(name, reply);
        form.reset();
        showSuccess(form, reply && reply.state === 'contact' ? `${name} is now a contact.` : `Request sent to ${name}.`);
        this.draw();
      } catch (e) {
        showErrors(form, e);
      } finally {
        setBusy(form, false);
      }
    }, { signal });
  }

  // The menu of one person (from the people list or a message's sender).
  openPerson(name) {
    if (!name || sameUser(name, this.me)) return;
    this.person = name;
    this.personView.render(name, this.book.state(name), this.book.isBlocked(name), this.bots.isBot(name));
    this.personView.open();
    this.bots.lookUp([name]);
  }

  // A click on a [data-action] button; `person()` names who, when the button does not carry it.
  async act(event, showError, person = () => null) {
    const button = event.target.closest('[data-action]');
    if (!button) return;
    const who = button.dataset.name || person();
    if (!who) return;
    const action = button.dataset.action;
    const dialog = button.closest('.modal');
    showError('');
    button.disabled = true;
    try {
      await this.perform(action, who);
      this.draw();
    } catch (e) {
      showError(e.message);
    } finally {
      button.disabled = false;
      refocus(button, dialog);
    }
  }

  async perform(action, who) {
    switch (action) {
      case 'join': {
        const details = await api.joinChannel(who);
        this.notices.answered(NoticeList.inviteKey(who));
        hideModal($('notices-modal'));
        this.hooks.joined(details);
        return;
      }
      case 'decline-invite':
        await api.declineChannel(who);
        this.notices.answered(NoticeList.inviteKey(who));
        return;
      case 'request':
        this.book.requestAnswered(who, await api.requestContact(who));
        return;
      case 'accept':
        await api.acceptContact(who);
        this.book.accepted(who);
        this.notices.answered(NoticeList.requestKey(who));
        return;
      case 'decline':
        await api.declineContact(who);
        this.book.dropped(who);
        this.notices.answered(NoticeList.requestKey(who));
        return;
      case 'remove':
        await api.removeContact(who);
        this.book.dropped(who);
        return;
      case 'message':
        hideModal($('contacts-modal'));
        this.hooks.openDm(who);
        return;
      case 'block':
        await api.block(who);
        this.book.block(who);
        this.hooks.blocksChanged();
        return;
      case 'unblock':
        await api.unblock(who);
        this.book.unblock(who);
        this.hooks.blocksChanged();
        return;
      default:
    }
  }

  stop() {
    this.stopped = true;
  }
}
