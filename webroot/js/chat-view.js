// The chat view's elements: the message list, room list and people list (render.js, room-list-view.js and
// people-view.js draw those), and around them the room header, status line, typing line, composer (its files:
// attachments.js; its command list: command-menu.js), counters and the address's #room. It also turns the person's
// clicks, keys and scrolling into calls on the session. Every user string goes in as text.

import { AttachmentsView } from './attachments.js';
import { PictureViewer, confirmRemove } from './file-view.js';
import { PeopleView } from './people-view.js';
import { MessageView } from './render.js';
import { RoomListView } from './room-list-view.js';

const $ = (id) => document.getElementById(id);

export class ChatView {
  // markerOf(room): where the "new messages" line goes; hidden: the HiddenMessages filter; notesOf(room): the
  // bots' replies to this person alone there; sealed(roomId): whether a room is end-to-end encrypted.
  constructor(me, { markerOf, hidden, notesOf, sealed }) {
    this.dom = {
      meName: $('me-name'),
      input: $('message-input'),
      send: $('send-button'),
      attach: $('attach-button'),
      help: $('composer-help'),
      composer: $('composer'),
      sendError: $('send-error'),
      messages: $('messages'),
      jumpNew: $('jump-new'),
      typing: $('typing-indicator'),
      status: $('connection-status'),
      roomList: $('room-list'),
      roomTitle: $('room-title'),
      roomKind: $('room-kind'),
      roomPresence: $('room-presence'),
      roomBot: $('room-bot'),
      peopleSearch: $('people-search'),
      peopleList: $('people-list'),
      sidebar: $('sidebar'),
      sidebarUnread: $('sidebar-unread'),
      notifyButton: $('notify-button'),
      channelInfo: $('channel-info-button'),
      roomNotice: $('room-notice'),
    };
    this.messages = new MessageView(this.dom.messages, me, { markerOf, hidden, notesOf, sealed });
    this.sending = false;
    this.locked = false;  // nothing may be sent from the composer now (an encrypted chat not ready to send)
    this.plainHelp = this.dom.help.textContent;
    this.roomList = new RoomListView(this.dom.roomList, $('room-group-public'), $('room-group-dm'), $('dm-empty'),
      $('room-group-channel'), $('channel-empty'));
    this.people = new PeopleView(this.dom.peopleList, $('people-status'));
    this.attachments = new AttachmentsView();
    this.pictures = new PictureViewer($('picture-modal'));
  }

  // on: openRoom(id), openDm(username), personMenu(username), reveal(messageId), searchTyped(), nearTop(), send(),
  // composerInput(), visible(), hidden(), removeFile(fileId, messageId), and the attachments' add(files),
  // cancel(key), retry(key). Everything is let go when `signal` aborts.
  bind(on, signal) {
    this.attachments.bind(on, signal);
    const d = this.dom;
    // A person's menu opens from the people list, a message's sender, the contacts and the members lists.
    document.addEventListener('click', (e) => {
      const menu = e.target.closest('[data-person-menu]');
      if (menu) on.personMenu(menu.dataset.personMenu);
    }, { signal });
    d.messages.addEventListener('click', (e) => {
      const show = e.target.closest('[data-reveal]');
      if (show) on.reveal(Number(show.dataset.reveal));
      // A picture opens full size here; with a modifier key (new tab, save) the browser does as asked.
      const picture = e.target.closest('[data-picture]');
      if (picture && e.button === 0 && !e.ctrlKey && !e.metaKey && !e.shiftKey && !e.altKey) {
        e.preventDefault();
        this.pictures.open(picture);
      }
      const remove = e.target.closest('[data-remove-file]');
      if (remove && !remove.disabled && confirmRemove(remove)) {
        remove.disabled = true;
        on.removeFile(Number(remove.dataset.removeFile), Number(remove.dataset.message));
      }
    }, { signal });
    // A thumbnail of unknown size takes its place when it loads ('load' does not bubble: caught on the way down).
    d.messages.addEventListener('load', (e) => {
      const img = e.target;
      if (img instanceof HTMLImageElement && !img.getAttribute('width')) this.messages.pictureLoaded(img);
    }, { signal, capture: true });
    d.roomNotice.querySelector('.close-x').addEventListener('click', () => this.showRoomNotice(''), { signal });
    // On a phone the side bar is a panel over the chat: a dialog opened from it closes it first.
    for (const id of ['channels-button', 'contacts-button']) {
      $(id).addEventListener('click', () => this.closeSidebar(), { signal });
    }
    d.roomList.addEventListener('click', (e) => {
      const item = e.target.closest('[data-room]');
      if (item) on.openRoom(item.dataset.room);
    }, { signal });
    d.peopleList.addEventListener('click', (e) => {
      const item = e.target.closest('[data-user]');
      if (item && !item.disabled) on.openDm(item.dataset.user);
    }, { signal });
    d.peopleSearch.addEventListener('input', () => on.searchTyped(), { signal });
    d.messages.addEventListener('scroll', () => {
      if (d.messages.scrollTop < 150) on.nearTop();
      if (this.messages.isAtBottom()) d.jumpNew.hidden = true;
    }, { signal, passive: true });
    d.jumpNew.addEventListener('click', () => {
      this.messages.scrollToBottom();
      d.jumpNew.hidden = true;
      d.input.focus();
    }, { signal });
    d.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      on.send();
    }, { signal });
    d.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; never while an IME is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        on.send();
      }
    }, { signal });
    d.input.addEventListener('input', () => on.composerInput(), { signal });
    document.addEventListener('visibilitychange', () => {
      if (this.isVisible()) on.visible();
      else on.hidden();
    }, { signal });
    window.addEventListener('focus', () => on.visible(), { signal });
  }

  isVisible() {
    return document.visibilityState === 'visible';
  }

  // ---- header, status, counters -----------------------------------------------

  showMe(username) {
    this.dom.meName.textContent = username;
  }

  showConnection(state, label) {
    this.dom.status.dataset.state = state;
    this.dom.status.querySelector('.label').textContent = label;
  }

  // online: the partner's presence in a private room, null for other rooms. channel: whether the room is a
  // channel, which has a members view.
  showRoomTitle(title, kind, online, channel = false) {
    this.dom.channelInfo.hidden = !channel;
    this.dom.roomTitle.textContent = title;
    this.dom.roomKind.textContent = kind;
    this.dom.roomPresence.hidden = online === null;
    if (online !== null) this.showRoomOnline(online);
    this.dom.messages.setAttribute('aria-label', `Messages in ${title}`);
  }

  // A private chat with a bot: the badge beside its title.
  showRoomBot(bot) {
    this.dom.roomBot.hidden = !bot;
  }

  showRoomOnline(online) {
    this.dom.roomPresence.dataset.online = String(online);
  }

  showUnreadTotal(total) {
    document.title = total ? `(${total}) Chat` : 'Chat';
    this.dom.sidebarUnread.textContent = String(total);
    this.dom.sidebarUnread.hidden = total === 0;
  }

  // What happened to this person's rooms (removed from a channel, …): stays until dismissed or replaced.
  showRoomNotice(text) {
    this.dom.roomNotice.querySelector('.room-notice-text').textContent = text;
    this.dom.roomNotice.hidden = !text;
  }

  showTyping(text) {
    this.dom.typing.textContent = text;
  }

  showJumpNew(shown) {
    this.dom.jumpNew.hidden = !shown;
  }

  // The browser tests, and anything else that waits for the page, read this.
  setReady() {
    document.body.dataset.ready = 'true';
  }

  // ---- the address: the open room, so a reload comes back to it ----------------

  wantedRoom() {
    return location.hash.slice(1);
  }

  rememberRoom(id) {
    history.replaceState(null, '', `#${id}`);
  }

  // ---- side bar and people search ----------------------------------------------

  peopleQuery() {
    return this.dom.peopleSearch.value.trim();
  }

  closeSidebar() {
    const sidebar = this.dom.sidebar;
    if (sidebar.classList.contains('show') && window.bootstrap) {
      window.bootstrap.Offcanvas.getOrCreateInstance(sidebar).hide();
    }
  }

  // ---- composer -------------------------------------------------------------

  composerText() {
    return this.dom.input.value;
  }

  clearComposer() {
    this.dom.input.value = '';
  }

  // The file tray drawn again; it takes room from the list, which stays at its newest message if it was there.
  showAttachments(items) {
    const stick = this.messages.isAtBottom();
    this.attachments.render(items);
    if (stick) this.messages.scrollToBottom();
  }

  // A caption whose file was not shared: back in the input, before anything typed since.
  restoreCaption(text) {
    const now = this.dom.input.value;
    this.dom.input.value = now.trim() ? `${text}\n${now}` : text;
  }

  focusInput() {
    // On a phone, focusing would pop the keyboard up over the messages.
    if (window.matchMedia('(min-width: 992px)').matches) this.dom.input.focus({ preventScroll: true });
  }

  setSending(sending) {
    this.sending = sending;
    // Read-only rather than disabled, so focus (and the keyboard on a phone) stays.
    this.dom.input.readOnly = sending;
    this.dom.send.disabled = sending || this.locked;
    this.dom.composer.setAttribute('aria-busy', String(sending));
  }

  // The composer in an end-to-end encrypted chat (encryption-views.js says why): `encrypted` offers no files and
  // says so; `locked` lets nothing be sent; `inputDisabled` takes the input too (keys locked here, a partner's keys
  // changed), so nobody types a message that cannot leave.
  setComposerLock({ encrypted = false, locked = false, inputDisabled = false } = {}) {
    this.locked = locked;
    this.dom.send.disabled = this.sending || locked;
    this.dom.input.disabled = inputDisabled;
    this.dom.attach.hidden = encrypted;
    this.dom.help.textContent = encrypted
      ? 'Enter sends, Shift+Enter starts a new line. End-to-end encrypted: only you and your partner can read '
        + 'what you write here; files and bot commands are not available.'
      : this.plainHelp;
    this.dom.input.placeholder = encrypted ? 'Write an encrypted message…' : 'Write a message…';
  }

  showSendError(message) {
    this.dom.sendError.textContent = message;
    this.dom.sendError.hidden = false;
    this.dom.input.setAttribute('aria-invalid', 'true');
  }

  hideSendError() {
    if (this.dom.sendError.hidden) return;
    this.dom.sendError.hidden = true;
    this.dom.sendError.textContent = '';
    this.dom.input.removeAttribute('aria-invalid');
  }

  // ---- logout ---------------------------------------------------------------

  // Back to how the page was before the session, for the next person to log in.
  clear() {
    this.messages.clear();
    this.attachments.clear();
    this.roomList.clear();
    this.showRoomNotice('');
    this.dom.channelInfo.hidden = true;
    this.dom.roomBot.hidden = true;
    this.people.clear();
    this.dom.typing.textContent = '';
    this.dom.input.value = '';
    this.dom.peopleSearch.value = '';
    this.setComposerLock();
    this.setSending(false);
    this.hideSendError();
    delete document.body.dataset.ready;
    document.title = 'Chat';
    history.replaceState(null, '', location.pathname + location.search);
  }
}
