// Messages entering the rooms, and what follows from each: a room's history (history.js: its newest page on
// opening, older pages on scrolling up, what was missed while the socket was away) and every message heard live or
// stored for this person. Each is held once, its sender's name learnt (and whether a bot), its writer no longer shown
// typing, counted unread and notified when private, unless someone blocked wrote it or it is a system line; and
// drawn when its room is open.

import { nameText } from './bot-names.js';
import { summary } from './file-message.js';
import { HistorySync } from './history.js';
import { isDmRoom, isSealed, sameUser } from './rooms.js';

// What a notification says of an end-to-end encrypted message: its text is decrypted after the notification is
// raised, and would leave the page for the system's notification centre if it were shown there.
export const SEALED_SUMMARY = 'New encrypted message';

export class MessageIntake {
  // me: the username. bus: the ChatBus. view: the ChatView. rooms: the RoomDirectory. bots: bots.js's BotSupport.
  // hidden: the HiddenMessages filter. typing, unread, notifier: the session's Typing, UnreadCounts and Notifier.
  // sealed: sealed-messages.js's reader, whose read(room) opens the room's encrypted messages not read yet.
  // current(): the open RoomState or null.
  constructor(me, { bus, view, rooms, bots, hidden, typing, unread, notifier, sealed, current }) {
    Object.assign(this, { me, view, rooms, bots, hidden, typing, unread, notifier, sealed, current });
    this.sync = new HistorySync({
      request: (address, body) => bus.request(address, body),
      isOpen: () => bus.isOpen(),
      initial: (room, messages) => this.initialLoaded(room, messages),
      initialFailed: (room, e) => {
        if (room === current()) view.messages.setEdgeText(`Could not load messages: ${e.message}`);
      },
      olderStarted: (room) => {
        if (room === current()) view.messages.setEdge(room);
      },
      older: (room, loaded) => this.olderLoaded(room, loaded),
      caughtUp: (room, added) => this.arrived(room, added, false),
    });
  }

  stop() {
    this.sync.stop();
  }

  // ---- history -----------------------------------------------------------

  // The room was opened: its newest page asked for, or, held already, as much as the list needs to scroll.
  opened(room) {
    if (!room.loaded) this.sync.loadInitial(room);
    else this.fillViewport(room);
  }

  loadOlder(room) {
    this.sync.loadOlder(room);
  }

  // A new socket: what every room missed, and the open room's first page if it never came.
  reconnected(rooms, current) {
    return this.sync.reconnected(rooms, current);
  }

  disconnected(rooms) {
    this.sync.disconnected(rooms);
  }

  initialLoaded(room, messages) {
    for (const m of messages) this.rooms.learnName(m.sender);
    this.bots.learn(messages);
    this.sealed.read(room);
    if (room !== this.current()) return;
    this.unread.loaded(room);
    this.view.messages.render(room, 'open');
    this.unread.markRead();
    this.fillViewport(room);
    this.view.setReady();
  }

  olderLoaded(room, loaded) {
    if (loaded) this.unread.olderLoaded(room);
    if (loaded) this.sealed.read(room);
    if (room !== this.current()) return;
    this.view.messages.render(room, 'keep');
    if (loaded) this.fillViewport(room);
  }

  // Scrolling up is the only way to load older messages, so keep loading until
  // the list can scroll.
  fillViewport(room) {
    if (room === this.current() && room.hasOlder && !this.view.messages.overflows()) this.sync.loadOlder(room);
  }

  // ---- arriving ----------------------------------------------------------

  // Every message enters here (live, own reply); duplicates are dropped by id.
  ingest(room, messages, live) {
    const added = this.sync.receive(room, messages, live);
    if (added.length) this.arrived(room, added, live);
    return added;
  }

  arrived(room, added, live) {
    for (const m of added) this.rooms.learnName(m.sender);
    this.bots.learn(added);
    this.sealed.read(room);
    // What blocked people write is neither counted nor notified; system lines are not someone writing.
    const others = this.hidden.visible(added).filter((m) => !sameUser(m.sender, this.me) && !m.system);
    const isCurrent = room === this.current();
    if (live && others.length) {
      for (const m of others) this.typing.wrote(room.id, m.sender);
      if (this.unread.received(room, others)) this.view.messages.removeMarker();
      if (isDmRoom(room.id)) {
        const last = others[others.length - 1];
        // No badge in a notification: its title says "(bot, private)".
        this.notifier.show(nameText(last.sender, this.bots.isBot(last.sender), 'private'),
          isSealed(last) ? SEALED_SUMMARY : summary(last).slice(0, 200), room.id);
      }
    }
    if (isCurrent) {
      const wasAtBottom = this.view.messages.isAtBottom();
      this.view.messages.update(room, added);
      if (!wasAtBottom && live && others.length) this.view.showJumpNew(true);
      this.unread.markRead();
    }
  }
}
