// One logged-in session of the chat view: wires the modules that each keep one part of it (session.js,
// directory.js, history.js, unread.js, people.js, typing.js, composer.js, upload.js, channel-dialogs.js,
// connections.js, bots.js) to the bus, the HTTP API and the view (chat-view.js), and keeps which room is open.
// main.js creates it after login and stops it at logout.

import { api } from './api.js';
import { BotSupport } from './bots.js';
import { ChatBus } from './bus.js';
import { ChannelDialogs } from './channel-dialogs.js';
import { channelOf } from './channel-name.js';
import { ChannelRooms } from './channel-rooms.js';
import { Connections } from './connections.js';
import { ChatView } from './chat-view.js';
import { Composer, MAX_TEXT } from './composer.js';
import { RoomDirectory, browserStorage } from './directory.js';
import { markRemoved, readFileRemoved, summary } from './file-message.js';
import { HiddenMessages } from './hidden-messages.js';
import { HistorySync } from './history.js';
import { readUserNotice } from './notices.js';
import { Notifier } from './notify.js';
import { People, SEARCH_AFTER_INPUT } from './people.js';
import { GLOBAL_ROOM, dmRoomId, isDmRoom, isMessage, sameUser } from './rooms.js';
import { ConnectionState, SessionWatch } from './session.js';
import { Typing } from './typing.js';
import { UnreadCounts } from './unread.js';
import { Uploads } from './upload.js';

export class ChatSession {
  constructor(me, { onSessionEnded }) {
    this.me = me;  // { username, email }
    this.current = null;  // the open RoomState
    this.stopped = false;
    this.abort = new AbortController();
    const username = me.username;
    const bus = new ChatBus('/eventbus');
    this.bus = bus;
    // Messages of people this person blocks are hidden in shared rooms (connections.js knows whom).
    this.hidden = new HiddenMessages((name) => this.connections.isBlocked(name));
    const view = new ChatView(username, { markerOf: (room) => this.unread.markerId(room), hidden: this.hidden,
      notesOf: (room) => this.bots.notesOf(room) });
    this.view = view;
    this.notifier = new Notifier(view.dom.notifyButton, (id) => this.openRoom(id));
    this.connections = new Connections(username, {
      notifier: this.notifier,
      blocksChanged: () => {
        if (this.current) view.messages.render(this.current, 'keep');
      },
      joined: (details) => this.joinedChannel(details),
      openDm: (name) => this.openDm(name),
    }, this.abort.signal);
    this.channels = new ChannelDialogs(username, {
      current: () => this.current && this.current.id,
      joined: (details) => this.joinedChannel(details),
      leaving: (id) => this.channelRooms.leaving(id),
      left: (id, ok) => this.channelRooms.left(id, ok),
    }, this.abort.signal);

    this.session = new SessionWatch({ me: () => api.me(), ended: onSessionEnded });
    this.connection = new ConnectionState();
    this.rooms = new RoomDirectory(username, {
      storage: browserStorage,
      added: (room, kind) => this.roomAdded(room, kind),
      removed: (room) => this.roomRemoved(room),
      renamed: (id, label) => {
        view.roomList.setLabel(id, label);
        if (this.current && this.current.id === id) this.showRoomTitle();
      },
    });
    this.bots = new BotSupport(username, { bus, view, rooms: this.rooms, current: () => this.current },
      this.abort.signal);
    this.channelRooms = new ChannelRooms(this.rooms,
      { tell: (text) => view.showRoomNotice(text), fetchRooms: () => api.rooms() });
    this.people = new People({
      find: (query, limit) => api.users(query, limit),
      query: () => view.peopleQuery(),
      learnName: (name) => this.rooms.learnName(name),
      online: (name, online) => this.showOnline(name, online),
      listed: (users, query) => {
        this.bots.listed(users);
        view.people.render(users, username, query);
      },
      failed: (message) => view.people.showError(message),
    });
    this.unread = new UnreadCounts(username, {
      rooms: this.rooms,
      current: () => this.current,
      visible: () => view.isVisible(),
      sendRead: (room, id) => bus.send('chat.read', { room, id }),
      fetchUnread: () => api.unread(),
      onChange: (room) => {
        view.roomList.setUnread(room.id, this.unread.count(room));
        view.showUnreadTotal(this.unread.total());
      },
    });
    this.sync = new HistorySync({
      request: (address, body) => bus.request(address, body),
      isOpen: () => bus.isOpen(),
      initial: (room, messages) => this.initialLoaded(room, messages),
      initialFailed: (room, e) => {
        if (room === this.current) view.messages.setEdgeText(`Could not load messages: ${e.message}`);
      },
      olderStarted: (room) => {
        if (room === this.current) view.messages.setEdge(room);
      },
      older: (room, loaded) => this.olderLoaded(room, loaded),
      caughtUp: (room, added) => this.arrived(room, added, false),
    });
    this.typing = new Typing(username, {
      send: (room) => bus.send('chat.typing', { room }),
      onShow: (text) => view.showTyping(text),
    });
    this.composer = new Composer({
      bus,
      busy: (sending) => {
        view.setSending(sending);
        if (!sending && !this.stopped) view.focusInput();
      },
      problem: (message) => (message === null ? view.hideSendError() : view.showSendError(message)),
      sent: (roomId, stored) => this.sent(roomId, stored),
    });
    this.uploads = new Uploads({
      changed: (items) => view.showAttachments(items),
      progress: (item) => view.attachments.showProgress(item),
      shared: (roomId, stored) => this.shared(roomId, stored),
      captionBack: (text) => view.restoreCaption(text),
      unauthorized: () => this.session.check(),
    });
  }

  // ---- lifecycle ---------------------------------------------------------

  async start() {
    this.view.showMe(this.me.username);
    this.showConnection('connecting');
    this.bindDom();
    this.bindBus();

    const [rooms, unread, privateRooms] = await Promise.allSettled(
      [api.rooms(), api.unread(), api.privateRooms()]);
    if (this.stopped) return;
    const list = rooms.status === 'fulfilled' && Array.isArray(rooms.value?.rooms) ? rooms.value.rooms : [];
    this.rooms.ensure(GLOBAL_ROOM);
    for (const room of list) {
      if (room && channelOf(room.id)) this.rooms.addChannel(room);
      else if (room && typeof room.id === 'string') this.rooms.ensure(room.id);
    }
    if (privateRooms.status === 'fulfilled') this.rooms.addPrivateRooms(privateRooms.value?.rooms);
    for (const id of this.rooms.storedDms()) this.rooms.ensure(id);
    if (unread.status === 'fulfilled' && unread.value?.unread) this.unread.apply(unread.value.unread, true);

    // The hash remembers the open room, so a reload comes back to it.
    const wanted = this.view.wantedRoom();
    this.openRoom(this.rooms.has(wanted) ? wanted : GLOBAL_ROOM);
    this.people.search('');
    this.connections.load();
    this.bus.start();
    this.session.start();
  }

  stop() {
    this.stopped = true;
    for (const part of [this.session, this.sync, this.unread, this.people, this.typing, this.composer,
      this.uploads, this.connections, this.channels, this.channelRooms, this.bots]) part.stop();
    this.abort.abort();
    this.bus.stop();
    this.notifier.dispose();
    this.view.clear();
  }

  bindDom() {
    this.view.bind({
      openRoom: (id) => this.openRoom(id),
      openDm: (username) => this.openDm(username),
      personMenu: (username) => this.connections.openPerson(username),
      reveal: (id) => {
        const m = this.current && this.current.messages.find((x) => x.id === id);
        if (!m) return;
        this.hidden.reveal(m);
        this.view.messages.render(this.current, 'keep');
      },
      searchTyped: () => this.people.searchSoon(SEARCH_AFTER_INPUT),
      nearTop: () => {
        if (this.current) this.sync.loadOlder(this.current);
      },
      send: () => this.send(),
      composerInput: () => {
        this.view.hideSendError();
        if (this.current && this.view.composerText().trim()) this.typing.typed(this.current.id);
      },
      visible: () => this.unread.markRead(),
      hidden: () => this.unread.hidden(this.current),
      add: (files) => {
        if (this.uploads.add(files)) this.view.focusInput();
      },
      cancel: (key) => this.uploads.cancel(key),
      retry: (key) => this.uploads.retry(key),
      removeFile: (fileId, messageId) => this.removeFile(fileId, messageId),
    }, this.abort.signal);
  }

  bindBus() {
    this.bus.on('state', (state) => this.showConnection(state));
    this.bus.on('open', () => this.onOpen());
    this.bus.on('close', () => this.onClose());
    this.bus.subscribe('chat.presence', (body) => {
      if (!this.people.presenceChanged(body)) return;
      this.view.people.setOnline(body.username, body.online);
      this.unread.schedulePoll();
    });
    // The server tells us here about private messages in rooms we may not know yet, and sends its notices.
    this.bus.subscribe(`chat.user.${this.me.username.toLowerCase()}`, (body) => this.onUserNotice(body));
  }

  // ---- connection --------------------------------------------------------

  showConnection(state) {
    this.view.showConnection(state, this.connection.label(state));
  }

  // A new socket: registrations were redone by the bus; fill what was missed.
  async onOpen() {
    this.unread.refresh(true);
    this.connections.load();  // notices sent while away
    this.channelRooms.resync();  // a removal may have been missed
    this.people.search(this.view.peopleQuery());  // presence changed while away
    await this.sync.reconnected(this.rooms.values(), this.current);
    if (this.stopped) return;
    this.unread.markRead();
    if (this.current && this.current.loaded) this.view.setReady();
  }

  onClose() {
    this.sync.disconnected(this.rooms.values());
    this.typing.clear();
    this.session.check();
  }

  // ---- rooms -------------------------------------------------------------

  // A new room in the directory: listed, and its messages and typing events followed.
  roomAdded(room, kind) {
    const id = room.id;
    const channel = this.rooms.channel(id);
    this.view.roomList.add({ id, kind, label: this.rooms.label(id), private: channel?.visibility === 'private' });
    if (kind === 'dm') this.view.roomList.setOnline(id, this.people.isOnline(this.rooms.partner(id)));
    this.bots.roomAdded(room, kind);
    // A channel's member who is removed hears it here: the server fails the room's address with 403.
    const removed = (err) => {
      if (err && err.failureCode === 403) this.channelRooms.lost(id, 'removed', null);
    };
    this.bus.subscribe(`chat.room.${id}`, (body) => {
      if (isMessage(body)) {
        this.ingest(room, [body], true);
        return;
      }
      // Not a message: a file removed, or a poll's votes (bots.js).
      const removal = readFileRemoved(body);
      if (removal) this.fileRemoved(room, removal.message);
      else this.bots.roomEvent(room, body);
    }, channel ? removed : null);
    // Someone blocked is not shown typing either: what they write is hidden.
    this.bus.subscribe(`chat.typing.${id}`, (body) => {
      if (!this.connections.isBlocked(body && body.username)) this.typing.heard(id, body);
    }, channel ? removed : null);
  }

  // A channel left the directory: nothing more is heard from it, and the open room moves to global.
  roomRemoved(room) {
    this.bus.unsubscribe(`chat.room.${room.id}`);
    this.bus.unsubscribe(`chat.typing.${room.id}`);
    this.view.roomList.remove(room.id);
    this.unread.setCount(room, 0);
    if (this.current === room) {
      this.current = null;
      this.openRoom(GLOBAL_ROOM);
    }
  }

  // Created, joined, or joined from an invitation: listed, and opened.
  joinedChannel(details) {
    const room = this.channelRooms.joined(details);
    if (room) this.openRoom(room.id);
  }

  openDm(username) {
    const room = this.rooms.dmWith(username);
    if (room) this.openRoom(room.id);
  }

  openRoom(id) {
    const room = this.rooms.ensure(id);
    if (!room || this.stopped) return;
    this.view.closeSidebar();
    if (room === this.current) {
      this.view.focusInput();
      return;
    }
    const previous = this.current;
    this.current = room;
    this.view.rememberRoom(room.id);
    this.view.roomList.setActive(room.id);
    this.showRoomTitle();
    this.unread.opened(room, previous);
    this.view.showJumpNew(false);
    this.view.hideSendError();
    this.view.messages.render(room, 'open');
    this.typing.watch(room.id);
    this.unread.markRead();
    if (!room.loaded) this.sync.loadInitial(room);
    else this.fillViewport(room);
    this.view.focusInput();
  }

  showRoomTitle() {
    const { title, kind, partner, channel } = this.rooms.heading(this.current.id);
    this.view.showRoomTitle(title, kind, partner ? this.people.isOnline(partner) : null, channel);
    this.bots.titleShown(partner);
  }

  showOnline(username, online) {
    const id = dmRoomId(this.me.username, username);
    this.view.roomList.setOnline(id, online);
    if (this.current && this.current.id === id) this.view.showRoomOnline(online);
  }

  // ---- history -----------------------------------------------------------

  initialLoaded(room, messages) {
    for (const m of messages) this.rooms.learnName(m.sender);
    this.bots.learn(messages);
    if (room !== this.current) return;
    this.unread.loaded(room);
    this.view.messages.render(room, 'open');
    this.unread.markRead();
    this.fillViewport(room);
    this.view.setReady();
  }

  olderLoaded(room, loaded) {
    if (loaded) this.unread.olderLoaded(room);
    if (room !== this.current) return;
    this.view.messages.render(room, 'keep');
    if (loaded) this.fillViewport(room);
  }

  // Scrolling up is the only way to load older messages, so keep loading until
  // the list can scroll.
  fillViewport(room) {
    if (room === this.current && room.hasOlder && !this.view.messages.overflows()) this.sync.loadOlder(room);
  }

  // ---- incoming messages ---------------------------------------------------

  // Every message enters here (live, own reply); duplicates are dropped by id.
  ingest(room, messages, live) {
    const added = this.sync.receive(room, messages, live);
    if (added.length) this.arrived(room, added, live);
    return added;
  }

  arrived(room, added, live) {
    for (const m of added) this.rooms.learnName(m.sender);
    this.bots.learn(added);
    // What blocked people write is neither counted nor notified; system lines are not someone writing.
    const others = this.hidden.visible(added).filter((m) => !sameUser(m.sender, this.me.username) && !m.system);
    const isCurrent = room === this.current;
    if (live && others.length) {
      for (const m of others) this.typing.wrote(room.id, m.sender);
      if (this.unread.received(room, others)) this.view.messages.removeMarker();
      if (isDmRoom(room.id)) {
        const last = others[others.length - 1];
        this.notifier.show(`${last.sender} (private)`, summary(last).slice(0, 200), room.id);
      }
    }
    if (isCurrent) {
      const wasAtBottom = this.view.messages.isAtBottom();
      this.view.messages.update(room, added);
      if (!wasAtBottom && live && others.length) this.view.showJumpNew(true);
      this.unread.markRead();
    }
  }

  onUserNotice(body) {
    const notice = readUserNotice(body);
    if (!notice) return;
    if (notice.kind === 'private') {
      if (!this.rooms.partner(notice.room)) return;
      const room = this.rooms.ensure(notice.room);
      if (room && isMessage(notice.message)) this.ingest(room, [notice.message], true);
    } else if (notice.kind === 'ephemeral') {
      this.bots.ephemeral(notice);
    } else if (notice.kind === 'removed' || notice.kind === 'deleted') {
      this.channelRooms.lost(notice.room, notice.kind, notice.by);
    } else {
      this.connections.heard(notice);
    }
  }

  // ---- sending ---------------------------------------------------------

  // Send: the files in the tray with the text as the first one's caption, or else the text as a message.
  send() {
    const roomId = this.current && this.current.id;
    const text = this.view.composerText();
    if (!roomId || !this.uploads.hasReady()) {
      this.composer.send(roomId, text);
      return;
    }
    const caption = text.trim();
    const length = [...caption].length;
    if (length > MAX_TEXT) {
      this.view.showSendError(`This caption has ${length} characters; the limit is ${MAX_TEXT}.`);
      return;
    }
    this.view.hideSendError();
    if (this.uploads.send(roomId, caption)) this.view.clearComposer();
  }

  // A file the server stored: its message, as any other of this person's.
  shared(roomId, stored) {
    const room = this.rooms.get(roomId);
    if (!room || !isMessage(stored)) return;
    this.ingest(room, [stored], false);
    if (room === this.current) {
      this.view.messages.scrollToBottom();
      this.view.showJumpNew(false);
    }
  }

  async removeFile(fileId, messageId) {
    const room = this.current;
    try {
      await api.removeFile(fileId);
      this.fileRemoved(room, messageId);
    } catch (e) {
      if (this.stopped) return;
      this.view.showRoomNotice(`Could not remove the file: ${e.message}`);
      const m = room.messages.find((x) => x.id === messageId);
      if (m && room === this.current) this.view.messages.replace(m);  // its Remove works again
    }
  }

  // A file removed (here, or by anyone, heard on the room's address): "File removed" where it was.
  fileRemoved(room, messageId) {
    const m = markRemoved(room, messageId);
    if (m && room === this.current) this.view.messages.replace(m);
  }

  // The stored message, or a command's receipt ({type: "command"}), which is no message: its bot answers.
  sent(roomId, stored) {
    const room = this.rooms.get(roomId);
    this.view.clearComposer();
    if (isMessage(stored)) this.ingest(room, [stored], false);
    if (room === this.current) {
      this.view.messages.scrollToBottom();
      this.view.showJumpNew(false);
    }
  }
}
