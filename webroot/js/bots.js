// The page's side of bots (issue 19), wired into the chat session: who is a bot, for the "bot" badge where a name
// shows without the server's flag beside it (a private chat's header and room-list entry here; the person menu, the
// contacts and a channel's members through onBotChange; bot-names.js), the slash-command list over the composer
// (commands.js, command-menu.js), a bot's replies to this person alone (ephemeral.js), and polls: the votes heard on
// a room's address, this person's own votes, and counts read again after a lost socket (polls.js, poll-view.js,
// poll-refresh.js).

import { api } from './api.js';
import { BotNames } from './bot-names.js';
import { CommandMenu } from './command-menu.js';
import { CommandCatalog, CommandCompletion } from './commands.js';
import { EphemeralNotes } from './ephemeral.js';
import { PollRefresh } from './poll-refresh.js';
import { pollBusy } from './poll-view.js';
import { applyVotes, readPoll, readVoteReply, readVotes, voteFor } from './polls.js';
import { dmRoomId, sameUser } from './rooms.js';

const $ = (id) => document.getElementById(id);

export class BotSupport {
  // me: the username. bus: the ChatBus. view: the ChatView. rooms: the RoomDirectory. current(): the open
  // RoomState or null. commandsOffered(): whether the open room takes slash commands. Everything is let go when
  // `signal` aborts.
  constructor(me, { bus, view, rooms, current, commandsOffered = () => true }, signal) {
    this.me = me;
    this.bus = bus;
    this.view = view;
    this.rooms = rooms;
    this.current = current;
    this.stopped = false;
    this.watchers = [];  // onBotChange's
    this.names = new BotNames({ changed: (name) => this.nameChanged(name) });
    this.notes = new EphemeralNotes();
    this.polls = new PollRefresh({
      request: (address, body) => bus.request(address, body),
      changed: (room, m) => {
        if (room === this.current() && !this.stopped) view.messages.replace(m);
      },
    });
    this.catalog = new CommandCatalog({
      fetch: () => api.commands(),
      changed: () => {
        this.names.fromCommands(this.catalog.list());
        if (!this.stopped) this.menu.refresh();
      },
    });
    this.menu = new CommandMenu(new CommandCompletion(this.catalog),
      { input: view.dom.input, list: $('command-menu'), form: view.dom.composer, offered: commandsOffered }, signal);
    view.dom.messages.addEventListener('click', (e) => {
      const option = e.target.closest('[data-vote]');
      if (option && !option.disabled) this.vote(option);
    }, { signal });
  }

  stop() {
    this.stopped = true;
    this.catalog.stop();
    this.polls.stop();
    this.notes.clear();
    this.menu.clear();
  }

  // ---- who is a bot ----------------------------------------------------------

  notesOf(room) {
    return this.notes.of(room.id);
  }

  isBot(name) {
    return this.names.isBot(name);
  }

  // changed(name, bot): the page learnt whether `name` is a bot (a list drawn before shows its badge now).
  onBotChange(changed) {
    this.watchers.push(changed);
  }

  // Names a view shows that the page knows nothing of yet: each looked up once in the people search, which flags
  // bots (a few at a time); onBotChange's watchers hear the answers.
  lookUp(names) {
    for (const name of this.names.toAsk(names.filter((n) => !sameUser(n, this.me)))) {
      api.users(name, 5).then((data) => {
        const users = data && Array.isArray(data.users) ? data.users : [];
        if (!this.stopped) this.names.fromUsers(users.filter((u) => u && sameUser(u.username, name)));
      }, () => {});
    }
  }

  // Messages that arrived (history or live) and the people search's results say who is a bot.
  learn(messages) {
    this.names.fromMessages(messages);
  }

  listed(users) {
    this.names.fromUsers(users);
  }

  roomAdded(room, kind) {
    const partner = kind === 'dm' ? this.rooms.partner(room.id) : null;
    if (partner && this.names.isBot(partner)) this.view.roomList.setBot(room.id, true);
  }

  // The open room's header was drawn: a private chat with a bot shows the badge. A partner the page knows nothing
  // of yet is looked up.
  titleShown(partner) {
    this.view.showRoomBot(partner !== null && this.names.isBot(partner));
    if (partner !== null) this.lookUp([partner]);
  }

  nameChanged(name) {
    if (this.stopped || sameUser(name, this.me)) return;
    const id = dmRoomId(this.me, name);
    const bot = this.names.isBot(name);
    for (const changed of this.watchers) changed(name, bot);
    this.view.roomList.setBot(id, bot);
    if (this.current()?.id === id) this.view.showRoomBot(bot);
  }

  // ---- what bots say to this person alone --------------------------------------

  // {type: "ephemeral"} from chat.user.<me>, as readUserNotice read it: shown in its room, never counted as unread.
  ephemeral(notice) {
    const id = notice.room;
    const room = this.rooms.get(id) || (this.rooms.partner(id) ? this.rooms.ensure(id) : null);
    if (!room) return;
    this.names.learn(notice.sender, true);
    const note = this.notes.add(room, notice);
    if (room === this.current()) this.view.messages.appendNote(note);
  }

  // ---- polls -------------------------------------------------------------------

  // A body on a room's address that is no message: the live counts of one of its polls.
  roomEvent(room, body) {
    const votes = readVotes(body);
    if (!votes || votes.room !== room.id) return;
    const m = applyVotes(room, votes.id, votes.votes);
    if (m) this.polls.heard(room, votes.id);
    if (m && room === this.current()) this.view.messages.replace(m);
  }

  // The socket closed: counts that change from now on are not heard until the polls are read again.
  disconnected(rooms) {
    this.polls.disconnected(rooms);
  }

  // On reconnecting (the open room) and on opening a room: its polls read again when their counts may be old.
  refreshPolls(room) {
    this.polls.refresh(room);
  }

  // A click on a poll's option: a vote for it, or the vote taken back when it was this person's already.
  async vote(button) {
    const room = this.current();
    const id = Number(button.dataset.vote);
    const option = Number(button.dataset.option);
    const poll = room && readPoll(room.messages.find((m) => m.id === id));
    if (!poll) return;
    pollBusy(button);
    try {
      const reply = readVoteReply(
        await this.bus.request('chat.vote', { room: room.id, id, option: voteFor(poll, option) }));
      if (reply && applyVotes(room, id, reply.votes, reply.mine)) this.polls.heard(room, id);
    } catch (e) {
      if (!this.stopped) this.view.showRoomNotice(`Your vote was not counted: ${e.message}`);
    }
    const now = room.messages.find((m) => m.id === id);
    if (now && room === this.current() && !this.stopped) this.view.messages.replace(now);  // its options work again
  }
}
