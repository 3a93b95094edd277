// One logged-in session of the chat view: rooms, history, live messages, unread
// counts, typing, presence. main.js creates it after login and stops it at logout.

import { api } from './api.js';
import { BusError, ChatBus } from './bus.js';
import { MessageView, PeopleView, RoomListView } from './render.js';
import { Notifier } from './notify.js';
import {
  GLOBAL_ROOM, RoomState, dmPartner, dmRoomId, isDmRoom, isMessage, sameUser, topicName,
} from './rooms.js';

const PAGE = 50;            // history page when opening a room or scrolling up
const CATCH_UP_PAGE = 100;  // the server's maximum, to close a gap in few round trips
const MAX_TEXT = 2000;      // code points, as the server counts them
const TYPING_EVERY = 2000;  // the server drops typing events sent more often
const TYPING_SHOWN = 3000;
const SEND_ATTEMPTS = 3;
// The session expires after a while without HTTP requests, and the socket does not count; an open page keeps
// it in use. When it ended elsewhere (logout, password change), the answer sends this page to the login form.
const KEEP_SESSION_EVERY = 5 * 60_000;

const $ = (id) => document.getElementById(id);

function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);  // works on plain http too, unlike crypto.randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function pageOf(reply) {
  const raw = reply && Array.isArray(reply.messages) ? reply.messages : [];
  return { raw, messages: raw.filter(isMessage) };
}

function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export class ChatSession {
  constructor(me, { onSessionEnded }) {
    this.me = me;  // { username, email }
    this.onSessionEnded = onSessionEnded;
    this.rooms = new Map();      // room id -> RoomState
    this.current = null;
    this.names = new Map();      // lower-case name -> name as registered
    this.presence = new Map();   // lower-case name -> online
    this.typers = new Map();     // room id -> Map(name -> shown until)
    this.typingSent = new Map(); // room id -> when chat.typing was last sent
    this.sending = false;
    this.stopped = false;
    this.everOpen = false;
    this.peopleQuery = 0;
    this.lastUnreadPoll = 0;
    this.abort = new AbortController();
    this.bus = new ChatBus('/eventbus');
    this.dom = {
      input: $('message-input'),
      send: $('send-button'),
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
      peopleSearch: $('people-search'),
      peopleList: $('people-list'),
      sidebar: $('sidebar'),
      sidebarUnread: $('sidebar-unread'),
    };
    this.messageView = new MessageView(this.dom.messages, me.username);
    this.roomList = new RoomListView(this.dom.roomList, $('room-group-public'), $('room-group-dm'), $('dm-empty'));
    this.people = new PeopleView(this.dom.peopleList, $('people-status'));
    this.notifier = new Notifier($('notify-button'), (id) => this.openRoom(id));
  }

  // ---- lifecycle ---------------------------------------------------------

  async start() {
    $('me-name').textContent = this.me.username;
    this.showConnection('connecting');
    this.bindDom();
    this.bindBus();

    const [rooms, unread, privateRooms] = await Promise.allSettled(
      [api.rooms(), api.unread(), api.privateRooms()]);
    if (this.stopped) return;
    const list = rooms.status === 'fulfilled' && Array.isArray(rooms.value?.rooms) ? rooms.value.rooms : [];
    this.ensureRoom(GLOBAL_ROOM);
    for (const room of list) {
      if (room && typeof room.id === 'string') this.ensureRoom(room.id);
    }
    if (privateRooms.status === 'fulfilled') this.addPrivateRooms(privateRooms.value?.rooms);
    for (const id of this.storedDms()) this.ensureRoom(id);
    if (unread.status === 'fulfilled' && unread.value?.unread) this.applyUnread(unread.value.unread, true);

    // The hash remembers the open room, so a reload comes back to it.
    const wanted = location.hash.slice(1);
    this.openRoom(this.rooms.has(wanted) ? wanted : GLOBAL_ROOM);
    this.searchPeople('');
    this.bus.start();
    this.keepSessionTimer = setInterval(() => this.keepSession(), KEEP_SESSION_EVERY);
  }

  keepSession() {
    api.me().then((me) => {
      if (!me && !this.stopped) this.onSessionEnded('Your session has ended. Please log in again.');
    }, () => { /* server unreachable: the next round asks again */ });
  }

  stop() {
    this.stopped = true;
    clearInterval(this.keepSessionTimer);
    this.abort.abort();
    this.bus.stop();
    this.notifier.dispose();
    clearTimeout(this.typingTimer);
    clearTimeout(this.unreadTimer);
    clearTimeout(this.searchTimer);
    this.messageView.clear();
    this.roomList.clear();
    this.people.clear();
    this.dom.typing.textContent = '';
    this.dom.input.value = '';
    this.dom.peopleSearch.value = '';
    this.setSending(false);
    this.hideSendError();
    delete document.body.dataset.ready;
    document.title = 'Chat';
    history.replaceState(null, '', location.pathname + location.search);
  }

  bindDom() {
    const signal = this.abort.signal;
    const d = this.dom;
    d.roomList.addEventListener('click', (e) => {
      const item = e.target.closest('[data-room]');
      if (item) this.openRoom(item.dataset.room);
    }, { signal });
    d.peopleList.addEventListener('click', (e) => {
      const item = e.target.closest('[data-user]');
      if (item && !item.disabled) this.openDm(item.dataset.user);
    }, { signal });
    d.peopleSearch.addEventListener('input', () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.searchPeople(d.peopleSearch.value.trim()), 200);
    }, { signal });
    d.messages.addEventListener('scroll', () => {
      if (d.messages.scrollTop < 150 && this.current) this.loadOlder(this.current);
      if (this.messageView.isAtBottom()) d.jumpNew.hidden = true;
    }, { signal, passive: true });
    d.jumpNew.addEventListener('click', () => {
      this.messageView.scrollToBottom();
      d.jumpNew.hidden = true;
      d.input.focus();
    }, { signal });
    d.composer.addEventListener('submit', (e) => {
      e.preventDefault();
      this.sendMessage();
    }, { signal });
    d.input.addEventListener('keydown', (e) => {
      // Enter sends, Shift+Enter is a new line; never while an IME is composing.
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        this.sendMessage();
      }
    }, { signal });
    d.input.addEventListener('input', () => this.onComposerInput(), { signal });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.markRead();
      else if (this.current) this.current.markerStale = true;
    }, { signal });
    window.addEventListener('focus', () => this.markRead(), { signal });
  }

  bindBus() {
    this.bus.on('state', (state) => this.showConnection(state));
    this.bus.on('open', () => this.onOpen());
    this.bus.on('close', () => this.onClose());
    this.bus.subscribe('chat.presence', (body) => this.onPresence(body));
    // The server tells us here about private messages in rooms we may not know yet.
    this.bus.subscribe(`chat.user.${this.me.username.toLowerCase()}`, (body) => this.onPrivate(body));
  }

  // ---- connection --------------------------------------------------------

  showConnection(state) {
    const el = this.dom.status;
    el.dataset.state = state;
    const labels = {
      open: 'Connected',
      connecting: this.everOpen ? 'Reconnecting…' : 'Connecting…',
      closed: 'Offline, retrying…',
    };
    el.querySelector('.label').textContent = labels[state];
    if (state === 'open') this.everOpen = true;
  }

  // A new socket: registrations were redone by the bus; fill what was missed.
  async onOpen() {
    this.refreshUnread(true);
    this.searchPeople(this.dom.peopleSearch.value.trim());  // presence changed while away
    const current = this.current;
    const work = [];
    for (const room of this.rooms.values()) {
      if (room.loaded) work.push(this.catchUp(room));
    }
    if (current && !current.loaded) work.push(this.loadInitial(current));
    await Promise.allSettled(work);
    if (this.stopped) return;
    this.markRead();
    if (this.current && this.current.loaded) document.body.dataset.ready = 'true';
  }

  onClose() {
    for (const room of this.rooms.values()) room.live = false;
    this.typers.clear();
    this.renderTyping();
    // A socket also closes when the session ended (logout elsewhere, password
    // changed on another device): then go back to the login form instead of retrying.
    api.me().then((me) => {
      if (!me && !this.stopped) this.onSessionEnded('Your session has ended. Please log in again.');
    }, () => { /* server unreachable: the bus keeps retrying */ });
  }

  // ---- rooms -------------------------------------------------------------

  roomLabel(id) {
    if (id === GLOBAL_ROOM) return 'global';
    const partner = dmPartner(id, this.me.username);
    if (partner) return this.names.get(partner) || partner;
    return topicName(id) || id;
  }

  // Known rooms get a list item and live handlers; ids this user may not join are ignored.
  ensureRoom(id) {
    const existing = this.rooms.get(id);
    if (existing) return existing;
    let kind = null;
    if (id === GLOBAL_ROOM) kind = 'global';
    else if (topicName(id)) kind = 'topic';
    else if (dmPartner(id, this.me.username)) kind = 'dm';
    if (!kind) return null;
    const room = new RoomState(id);
    this.rooms.set(id, room);
    this.roomList.add({ id, kind, label: this.roomLabel(id) });
    if (kind === 'dm') {
      this.roomList.setOnline(id, this.presence.get(dmPartner(id, this.me.username)) === true);
      this.rememberDm(id);
    }
    this.bus.subscribe(`chat.room.${id}`, (body) => {
      if (isMessage(body)) this.ingest(room, [body], true);
    });
    this.bus.subscribe(`chat.typing.${id}`, (body) => this.onTyping(id, body));
    return room;
  }

  // The private rooms with messages, from the server, so a second device lists them too.
  addPrivateRooms(list) {
    if (!Array.isArray(list)) return;
    for (const room of list) {
      if (!room || typeof room.id !== 'string') continue;
      if (typeof room.with === 'string') this.learnName(room.with);
      this.ensureRoom(room.id);
    }
  }

  // The server lists only private rooms that have messages, so the ones opened on
  // this device but not written in yet are remembered here.
  get dmStorageKey() {
    return `chat.dmRooms.${this.me.username.toLowerCase()}`;
  }

  storedDms() {
    try {
      const list = JSON.parse(localStorage.getItem(this.dmStorageKey) || '[]');
      return Array.isArray(list) ? list.filter((id) => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  rememberDm(id) {
    const list = this.storedDms();
    if (list.includes(id)) return;
    list.push(id);
    try {
      localStorage.setItem(this.dmStorageKey, JSON.stringify(list));
    } catch {
      // storage full or disabled: the room is still there until reload
    }
  }

  openDm(username) {
    this.learnName(username);
    const room = this.ensureRoom(dmRoomId(this.me.username, username));
    if (room) this.openRoom(room.id);
  }

  openRoom(id) {
    const room = this.rooms.get(id) || this.ensureRoom(id);
    if (!room || this.stopped) return;
    this.closeSidebar();
    if (room === this.current) {
      this.focusInput();
      return;
    }
    if (this.current) this.current.markerId = null;
    this.current = room;
    history.replaceState(null, '', `#${room.id}`);
    this.roomList.setActive(room.id);
    this.renderRoomTitle();
    room.unreadAtOpen = room.unread;
    room.markerId = null;
    room.markerPending = 0;
    room.markerStale = false;
    if (room.loaded) this.placeMarker(room, room.unread);
    this.dom.jumpNew.hidden = true;
    this.hideSendError();
    this.messageView.render(room, 'open');
    this.renderTyping();
    this.markRead();
    if (!room.loaded) this.loadInitial(room);
    else this.fillViewport(room);
    this.focusInput();
  }

  renderRoomTitle() {
    const room = this.current;
    const partner = dmPartner(room.id, this.me.username);
    this.dom.roomTitle.textContent = partner ? this.roomLabel(room.id) : `# ${this.roomLabel(room.id)}`;
    this.dom.roomKind.textContent = partner ? 'Private chat'
      : room.id === GLOBAL_ROOM ? 'Everyone' : 'Topic room';
    this.dom.roomPresence.hidden = !partner;
    if (partner) this.dom.roomPresence.dataset.online = String(this.presence.get(partner) === true);
    this.dom.messages.setAttribute('aria-label', `Messages in ${this.dom.roomTitle.textContent}`);
  }

  closeSidebar() {
    const sidebar = this.dom.sidebar;
    if (sidebar.classList.contains('show') && window.bootstrap) {
      window.bootstrap.Offcanvas.getOrCreateInstance(sidebar).hide();
    }
  }

  focusInput() {
    // On a phone, focusing would pop the keyboard up over the messages.
    if (window.matchMedia('(min-width: 992px)').matches) this.dom.input.focus({ preventScroll: true });
  }

  // ---- history -----------------------------------------------------------

  async loadInitial(room) {
    if (room.loading || !this.bus.isOpen()) return;  // onOpen calls again once connected
    room.loading = true;
    try {
      const { raw, messages } = pageOf(await this.bus.request('chat.history', { room: room.id, limit: PAGE }));
      if (this.stopped) return;
      if (messages.length) room.dropOlderThan(messages[0].id);
      room.add(messages);
      for (const m of messages) this.learnName(m.sender);
      room.hasOlder = raw.length === PAGE;
      room.loaded = true;
      room.live = true;
      room.syncedId = room.newestId;
      if (room === this.current) {
        this.placeMarker(room, room.unreadAtOpen || 0);
        this.messageView.render(room, 'open');
        this.markRead();
        this.fillViewport(room);
        document.body.dataset.ready = 'true';
      }
    } catch (e) {
      if (room === this.current && !(e instanceof BusError && e.retryable)) {
        this.messageView.setEdgeText(`Could not load messages: ${e.message}`);
      }
    } finally {
      room.loading = false;
    }
  }

  async loadOlder(room) {
    if (!room.loaded || !room.hasOlder || room.loadingOlder || !room.messages.length || !this.bus.isOpen()) return;
    room.loadingOlder = true;
    if (room === this.current) this.messageView.setEdge(room);
    let loaded = false;
    try {
      const before = room.oldestId;
      const { raw, messages } = pageOf(await this.bus.request('chat.history', { room: room.id, before, limit: PAGE }));
      room.add(messages);
      room.hasOlder = raw.length === PAGE;
      if (room.markerPending) this.placeMarker(room, room.markerPending);
      loaded = true;
    } catch {
      // hasOlder stays true: the next scroll to the top tries again
    } finally {
      room.loadingOlder = false;
    }
    if (this.stopped || room !== this.current) return;
    this.messageView.render(room, 'keep');
    if (loaded) this.fillViewport(room);
  }

  // The "new messages" line goes before the first of the `count` unread messages;
  // when not all of them are loaded yet it moves up as older pages arrive.
  placeMarker(room, count) {
    room.markerId = room.firstUnreadId(count, this.me.username);
    room.markerPending = count > 0 && room.othersHeld(this.me.username) < count && room.hasOlder ? count : 0;
  }

  // Scrolling up is the only way to load older messages, so keep loading until
  // the list can scroll.
  fillViewport(room) {
    if (room === this.current && room.hasOlder && !this.messageView.overflows()) this.loadOlder(room);
  }

  // After a reconnect: everything newer than the last message held without a gap,
  // page by page until a short page says we are level with the server.
  async catchUp(room) {
    if (room.catchingUp) return;
    room.catchingUp = true;
    try {
      let after = room.syncedId;
      for (;;) {
        const { raw, messages } = pageOf(
          await this.bus.request('chat.history', { room: room.id, after, limit: CATCH_UP_PAGE }));
        if (this.stopped) return;
        this.ingest(room, messages, false);
        if (raw.length < CATCH_UP_PAGE || !messages.length) break;
        after = messages[messages.length - 1].id;
        room.syncedId = after;  // progress kept if the socket drops again
      }
      // Handlers were registered before the first page was asked for, so anything
      // newer than the last page has arrived, or will arrive, live.
      room.syncedId = room.newestId;
      room.live = true;
    } catch (e) {
      if (!this.stopped && this.bus.isOpen() && !(e instanceof BusError && e.retryable)) {
        setTimeout(() => this.catchUp(room), 3000);
      }
    } finally {
      room.catchingUp = false;
    }
  }

  // ---- incoming messages ---------------------------------------------------

  // Every message enters here (live, history, own reply); duplicates are dropped by id.
  ingest(room, messages, live) {
    const added = room.add(messages);
    if (!added.length) return added;
    if (live && room.live) room.syncedId = room.newestId;
    for (const m of added) this.learnName(m.sender);
    const others = added.filter((m) => !sameUser(m.sender, this.me.username));
    const isCurrent = room === this.current;
    if (live && others.length) {
      for (const m of others) this.clearTyping(room.id, m.sender);
      const seen = isCurrent && document.visibilityState === 'visible';
      if (!seen) {
        room.unread += others.length;
        if (isCurrent && (room.markerId === null || room.markerStale)) {
          room.markerId = others[0].id;
          room.markerPending = 0;
          room.markerStale = false;
          this.messageView.removeMarker();
        }
      }
      if (isDmRoom(room.id)) {
        const last = others[others.length - 1];
        this.notifier.show(`${last.sender} (private)`, last.text.slice(0, 200), room.id);
      }
    }
    if (isCurrent) {
      const wasAtBottom = this.messageView.isAtBottom();
      this.messageView.update(room, added);
      if (!wasAtBottom && live && others.length) this.dom.jumpNew.hidden = false;
      this.markRead();
    }
    this.showUnread(room);
    return added;
  }

  onPrivate(body) {
    const id = body && body.room;
    if (typeof id !== 'string' || !dmPartner(id, this.me.username)) return;
    const room = this.ensureRoom(id);
    if (room && isMessage(body.message)) this.ingest(room, [body.message], true);
  }

  learnName(name) {
    if (typeof name !== 'string' || sameUser(name, this.me.username)) return;
    const lower = name.toLowerCase();
    if (this.names.get(lower) === name) return;
    this.names.set(lower, name);
    const id = dmRoomId(this.me.username, name);
    if (this.rooms.has(id)) {
      this.roomList.setLabel(id, name);
      if (this.current && this.current.id === id) this.renderRoomTitle();
    }
  }

  // ---- unread --------------------------------------------------------------

  // Clears the open room's count and tells the server, when the person can see it.
  markRead() {
    const room = this.current;
    if (!room || this.stopped || document.visibilityState !== 'visible') return;
    if (room.unread) {
      room.unread = 0;
      this.showUnread(room);
    }
    const newest = room.newestId;
    if (newest > room.readSent && this.bus.send('chat.read', { room: room.id, id: newest })) {
      room.readSent = newest;
    }
  }

  showUnread(room) {
    this.roomList.setUnread(room.id, room.unread);
    let total = 0;
    for (const r of this.rooms.values()) total += r.unread;
    document.title = total ? `(${total}) Chat` : 'Chat';
    this.dom.sidebarUnread.textContent = String(total);
    this.dom.sidebarUnread.hidden = total === 0;
  }

  // authoritative: after a (re)connect the server's counts replace ours; otherwise
  // (a background poll) only rooms we did not know yet are taken from it.
  applyUnread(counts, authoritative) {
    if (!counts || typeof counts !== 'object') return;
    for (const [id, n] of Object.entries(counts)) {
      if (!Number.isInteger(n) || n < 0) continue;
      const known = this.rooms.has(id);
      const room = known ? this.rooms.get(id) : isDmRoom(id) ? this.ensureRoom(id) : null;
      if (room && (authoritative || !known)) room.unread = n;
    }
    if (authoritative) {
      for (const room of this.rooms.values()) if (!(room.id in counts)) room.unread = 0;
    }
    for (const room of this.rooms.values()) this.showUnread(room);
    this.markRead();
  }

  async refreshUnread(authoritative) {
    this.lastUnreadPoll = Date.now();
    try {
      const data = await api.unread();
      if (!this.stopped) this.applyUnread(data && data.unread, authoritative);
    } catch {
      // keep the counts we have; the next (re)connect asks again
    }
  }

  // A presence change may come with a private message from someone new; ask at
  // most every 10 s (chat.user.<me> normally tells us first).
  scheduleUnreadPoll() {
    if (this.unreadTimer) return;
    const wait = Math.max(2000, this.lastUnreadPoll + 10000 - Date.now());
    this.unreadTimer = setTimeout(() => {
      this.unreadTimer = null;
      if (!this.stopped) this.refreshUnread(false);
    }, wait);
  }

  // ---- people and presence ---------------------------------------------

  async searchPeople(query) {
    const ticket = ++this.peopleQuery;
    try {
      const data = await api.users(query, 50);
      if (ticket !== this.peopleQuery || this.stopped) return;  // a newer search won
      const users = (data && Array.isArray(data.users) ? data.users : [])
        .filter((u) => u && typeof u.username === 'string');
      for (const u of users) {
        this.learnName(u.username);
        if (typeof u.online === 'boolean') this.setPresence(u.username, u.online);
      }
      this.people.render(users, this.me.username, query);
    } catch (e) {
      if (ticket === this.peopleQuery && !this.stopped) this.people.showError(e.message);
    }
  }

  onPresence(body) {
    if (!body || typeof body.username !== 'string' || typeof body.online !== 'boolean') return;
    this.setPresence(body.username, body.online);
    this.people.setOnline(body.username, body.online);
    // Someone the list does not show yet (e.g. just registered) who matches the search.
    const query = this.dom.peopleSearch.value.trim();
    if (!this.people.has(body.username) && body.username.toLowerCase().startsWith(query.toLowerCase())) {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.searchPeople(this.dom.peopleSearch.value.trim()), 300);
    }
    this.scheduleUnreadPoll();
  }

  setPresence(username, online) {
    const lower = username.toLowerCase();
    this.presence.set(lower, online);
    const id = dmRoomId(this.me.username, username);
    this.roomList.setOnline(id, online);
    if (this.current && this.current.id === id) this.dom.roomPresence.dataset.online = String(online);
  }

  // ---- typing ----------------------------------------------------------

  onTyping(roomId, body) {
    const name = body && body.username;
    if (typeof name !== 'string' || sameUser(name, this.me.username)) return;
    if (!this.typers.has(roomId)) this.typers.set(roomId, new Map());
    this.typers.get(roomId).set(name, Date.now() + TYPING_SHOWN);
    if (this.current && this.current.id === roomId) this.renderTyping();
  }

  clearTyping(roomId, name) {
    const typers = this.typers.get(roomId);
    if (typers && typers.delete(name) && this.current && this.current.id === roomId) this.renderTyping();
  }

  renderTyping() {
    clearTimeout(this.typingTimer);
    const typers = this.current && this.typers.get(this.current.id);
    const now = Date.now();
    const names = [];
    let next = Infinity;
    if (typers) {
      for (const [name, until] of typers) {
        if (until <= now) {
          typers.delete(name);
        } else {
          names.push(name);
          next = Math.min(next, until);
        }
      }
    }
    this.dom.typing.textContent = typingText(names);
    if (names.length) this.typingTimer = setTimeout(() => this.renderTyping(), next - now + 50);
  }

  onComposerInput() {
    this.hideSendError();
    const room = this.current;
    if (!room || !this.dom.input.value.trim()) return;
    const now = Date.now();
    if (now - (this.typingSent.get(room.id) || 0) < TYPING_EVERY) return;
    if (this.bus.send('chat.typing', { room: room.id })) this.typingSent.set(room.id, now);
  }

  // ---- sending ---------------------------------------------------------

  async sendMessage() {
    const room = this.current;
    const input = this.dom.input;
    const text = input.value.trim();
    if (!room || this.sending || !text) return;
    const length = [...text].length;
    if (length > MAX_TEXT) {
      this.showSendError(`This message has ${length} characters; the limit is ${MAX_TEXT}.`);
      return;
    }
    this.hideSendError();
    this.setSending(true);
    // The same cid on every attempt lets the server drop a retry it already stored.
    const body = { room: room.id, text, cid: randomId() };
    try {
      const stored = await this.requestWithRetry('chat.send', body);
      if (this.stopped) return;
      // typingSent is kept: the server passes one typing event per person and room every 2 s, so announcing
      // the next message at once would be dropped and delay the one after.
      input.value = '';
      if (isMessage(stored)) this.ingest(room, [stored], false);
      if (room === this.current) {
        this.messageView.scrollToBottom();
        this.dom.jumpNew.hidden = true;
      }
    } catch (e) {
      if (!this.stopped) this.showSendError(`Not sent: ${e.message}`);
    } finally {
      this.setSending(false);
    }
  }

  async requestWithRetry(address, body) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bus.whenOpen(15000);
        return await this.bus.request(address, body);
      } catch (e) {
        if (!(e instanceof BusError) || !e.retryable || attempt >= SEND_ATTEMPTS || this.stopped) throw e;
      }
    }
  }

  setSending(sending) {
    this.sending = sending;
    // Read-only rather than disabled, so focus (and the keyboard on a phone) stays.
    this.dom.input.readOnly = sending;
    this.dom.send.disabled = sending;
    this.dom.composer.setAttribute('aria-busy', String(sending));
    if (!sending && !this.stopped) this.focusInput();
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
}
