// One logged-in session of the chat view: wires the modules that each keep one part of it (session.js,
// directory.js, room-feeds.js, message-intake.js, unread.js, people-panel.js, typing.js, outbox.js,
// channel-dialogs.js, channel-rooms.js, connections.js, bots.js, encryption.js) to the bus, the HTTP API and the
// view (chat-view.js), and keeps which room is open. main.js creates it after login and stops it at logout.

import { api } from './api.js';
import { BotSupport } from './bots.js';
import { ChatBus } from './bus.js';
import { ChannelDialogs } from './channel-dialogs.js';
import { channelOf } from './channel-name.js';
import { ChannelRooms } from './channel-rooms.js';
import { Connections } from './connections.js';
import { ChatView } from './chat-view.js';
import { RoomDirectory, browserStorage } from './directory.js';
import { EncryptionSupport } from './encryption.js';
import { markRemoved } from './file-message.js';
import { HiddenMessages } from './hidden-messages.js';
import { MessageIntake } from './message-intake.js';
import { readUserNotice } from './notices.js';
import { Notifier } from './notify.js';
import { Outbox } from './outbox.js';
import { PeoplePanel } from './people-panel.js';
import { RoomFeeds } from './room-feeds.js';
import { GLOBAL_ROOM, isMessage } from './rooms.js';
import { ConnectionState, SessionWatch } from './session.js';
import { Typing } from './typing.js';
import { UnreadCounts } from './unread.js';

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
      notesOf: (room) => this.bots.notesOf(room), sealed: (id) => this.e2e.isEncrypted(id) });
    this.view = view;
    this.notifier = new Notifier(view.dom.notifyButton, (id) => this.openRoom(id));
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
    // End-to-end encrypted private chats: keys, trust, reading and sealing (issue 20).
    this.e2e = new EncryptionSupport(username, { view, rooms: this.rooms, current: () => this.current },
      this.abort.signal);
    // An encrypted chat takes no slash commands: the server cannot read what would be one.
    this.bots = new BotSupport(username, { bus, view, rooms: this.rooms, current: () => this.current,
      commandsOffered: () => !(this.current && this.e2e.isEncrypted(this.current.id)) }, this.abort.signal);
    const bots = this.bots;
    this.connections = new Connections(username, {
      notifier: this.notifier,
      bots,
      blocksChanged: () => {
        if (this.current) view.messages.render(this.current, 'keep');
      },
      joined: (details) => this.joinedChannel(details),
      openDm: (name) => this.openDm(name),
    }, this.abort.signal);
    this.channels = new ChannelDialogs(username, {
      current: () => this.current && this.current.id,
      bots,
      joined: (details) => this.joinedChannel(details),
      leaving: (id) => this.channelRooms.leaving(id),
      left: (id, ok) => this.channelRooms.left(id, ok),
    }, this.abort.signal);
    this.feeds = new RoomFeeds(bus, {
      message: (room, m) => this.intake.ingest(room, [m], true),
      fileRemoved: (room, id) => this.fileRemoved(room, id),
      event: (room, body) => bots.roomEvent(room, body),
      // Someone blocked is not shown typing either: what they write is hidden.
      typing: (id, body) => {
        if (!this.connections.isBlocked(body && body.username)) this.typing.heard(id, body);
      },
      removed: (id) => this.channelRooms.lost(id, 'removed', null),
    });
    this.channelRooms = new ChannelRooms(this.rooms,
      { tell: (text) => view.showRoomNotice(text), fetchRooms: () => api.rooms() });
    this.people = new PeoplePanel(username, { bus, view, rooms: this.rooms, bots, current: () => this.current,
      presenceChanged: () => this.unread.schedulePoll() });
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
    this.typing = new Typing(username, {
      send: (room) => bus.send('chat.typing', { room }),
      onShow: (text) => view.showTyping(text),
    });
    this.intake = new MessageIntake(username, { bus, view, rooms: this.rooms, bots, hidden: this.hidden,
      typing: this.typing, unread: this.unread, notifier: this.notifier, sealed: this.e2e.reader,
      current: () => this.current });
    this.outbox = new Outbox({
      bus,
      view,
      current: () => this.current,
      encryption: this.e2e,
      posted: (roomId, stored) => this.posted(roomId, stored),
      fileRemoved: (room, id) => this.fileRemoved(room, id),
      unauthorized: () => this.session.check(),
    });
  }

  // ---- lifecycle ---------------------------------------------------------

  async start() {
    this.view.showMe(this.me.username);
    this.showConnection('connecting');
    this.bindDom();
    this.bindBus();
    this.e2e.start();  // this browser's keys looked up while the rooms load

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
    for (const part of [this.session, this.intake, this.unread, this.people, this.typing, this.outbox,
      this.connections, this.channels, this.channelRooms, this.bots, this.e2e]) part.stop();
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
      searchTyped: () => this.people.typed(),
      nearTop: () => {
        if (this.current) this.intake.loadOlder(this.current);
      },
      send: () => {
        this.outbox.send().catch((e) => console.warn('Not sent:', e));
      },
      composerInput: () => {
        this.view.hideSendError();
        if (this.current) this.typing.composed(this.current.id, this.view.composerText());
      },
      visible: () => this.unread.markRead(),
      hidden: () => this.unread.hidden(this.current),
      add: (files) => this.outbox.add(files),
      cancel: (key) => this.outbox.cancel(key),
      retry: (key) => this.outbox.retry(key),
      removeFile: (fileId, messageId) => this.outbox.removeFile(fileId, messageId),
    }, this.abort.signal);
  }

  bindBus() {
    this.bus.on('state', (state) => this.showConnection(state));
    this.bus.on('open', () => this.onOpen());
    this.bus.on('close', () => this.onClose());
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
    this.people.search();  // presence changed while away
    this.bots.refreshPolls(this.current);  // votes counted while away
    this.e2e.reconnected(this.rooms.values());  // keys changed and chats encrypted while away
    await this.intake.reconnected(this.rooms.values(), this.current);
    if (this.stopped) return;
    this.unread.markRead();
    if (this.current && this.current.loaded) this.view.setReady();
  }

  onClose() {
    this.intake.disconnected(this.rooms.values());
    this.bots.disconnected(this.rooms.values());
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
    this.feeds.follow(room, Boolean(channel));
  }

  // A channel left the directory: nothing more is heard from it, and the open room moves to global.
  roomRemoved(room) {
    this.feeds.unfollow(room.id);
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
    this.e2e.roomOpened(room);
    this.unread.opened(room, previous);
    this.view.showJumpNew(false);
    this.view.hideSendError();
    this.view.messages.render(room, 'open');
    this.typing.watch(room.id);
    this.unread.markRead();
    this.intake.opened(room);
    this.bots.refreshPolls(room);  // votes counted while the socket was away, if it was
    this.view.focusInput();
  }

  showRoomTitle() {
    const { title, kind, partner, channel } = this.rooms.heading(this.current.id);
    this.view.showRoomTitle(title, kind, partner ? this.people.isOnline(partner) : null, channel);
    this.bots.titleShown(partner);
  }

  // ---- what the server tells this person ------------------------------------

  onUserNotice(body) {
    const notice = readUserNotice(body);
    if (!notice) return;
    if (notice.kind === 'private') {
      if (!this.rooms.partner(notice.room)) return;
      const room = this.rooms.ensure(notice.room);
      if (room && isMessage(notice.message)) this.intake.ingest(room, [notice.message], true);
    } else if (notice.kind === 'ephemeral') {
      this.bots.ephemeral(notice);
    } else if (notice.kind === 'removed' || notice.kind === 'deleted') {
      this.channelRooms.lost(notice.room, notice.kind, notice.by);
    } else if (notice.kind === 'encryption' || notice.kind === 'keys') {
      this.e2e.heard(notice);
    } else {
      this.connections.heard(notice);
    }
  }

  // ---- sending ---------------------------------------------------------

  // The answer to this person's send or shared file: the stored message, shown as any other, or a command's receipt
  // ({type: "command"}), which is no message: its bot answers. The list goes to its newest either way.
  posted(roomId, stored) {
    const room = this.rooms.get(roomId);
    if (room && isMessage(stored)) this.intake.ingest(room, [stored], false);
    if (room && room === this.current) {
      this.view.messages.scrollToBottom();
      this.view.showJumpNew(false);
    }
  }

  // A file removed (here, or by anyone, heard on the room's address): "File removed" where it was.
  fileRemoved(room, messageId) {
    const m = markRemoved(room, messageId);
    if (m && room === this.current) this.view.messages.replace(m);
  }
}
