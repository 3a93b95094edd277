// The page's side of bots (issue 19), wired into the chat session: the "bot" badge where a name shows without the
// server's flag beside it (a private chat's header and room-list entry: bot-names.js), the slash-command list over
// the composer (commands.js, command-menu.js), a bot's replies to this person alone (ephemeral.js), and polls: the
// votes heard on a room's address and this person's own votes (polls.js, poll-view.js).

import { api } from './api.js';
import { BotNames } from './bot-names.js';
import { CommandMenu } from './command-menu.js';
import { CommandCatalog, CommandCompletion } from './commands.js';
import { EphemeralNotes } from './ephemeral.js';
import { pollBusy } from './poll-view.js';
import { applyVotes, readPoll, readVoteReply, readVotes, voteFor } from './polls.js';
import { dmRoomId, sameUser } from './rooms.js';

const $ = (id) => document.getElementById(id);

export class BotSupport {
  // me: the username. bus: the ChatBus. view: the ChatView. rooms: the RoomDirectory. current(): the open
  // RoomState or null. Everything is let go when `signal` aborts.
  constructor(me, { bus, view, rooms, current }, signal) {
    this.me = me;
    this.bus = bus;
    this.view = view;
    this.rooms = rooms;
    this.current = current;
    this.stopped = false;
    this.lookedUp = new Set();  // names asked of the people search for a private chat's header
    this.names = new BotNames({ changed: (name) => this.nameChanged(name) });
    this.notes = new EphemeralNotes();
    this.catalog = new CommandCatalog({
      fetch: () => api.commands(),
      changed: () => {
        this.names.fromCommands(this.catalog.list());
        if (!this.stopped) this.menu.refresh();
      },
    });
    this.menu = new CommandMenu(new CommandCompletion(this.catalog),
      { input: view.dom.input, list: $('command-menu'), form: view.dom.composer }, signal);
    view.dom.messages.addEventListener('click', (e) => {
      const option = e.target.closest('[data-vote]');
      if (option && !option.disabled) this.vote(option);
    }, { signal });
  }

  stop() {
    this.stopped = true;
    this.catalog.stop();
    this.notes.clear();
    this.menu.clear();
  }

  // ---- who is a bot ----------------------------------------------------------

  notesOf(room) {
    return this.notes.of(room.id);
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
  // of yet is looked up once in the people search, which flags bots.
  titleShown(partner) {
    this.view.showRoomBot(partner !== null && this.names.isBot(partner));
    if (partner === null || this.names.knows(partner) || this.lookedUp.has(partner)) return;
    this.lookedUp.add(partner);
    api.users(partner, 5).then((data) => {
      const users = data && Array.isArray(data.users) ? data.users : [];
      if (!this.stopped) this.names.fromUsers(users.filter((u) => u && sameUser(u.username, partner)));
    }, () => {});
  }

  nameChanged(name) {
    if (this.stopped || sameUser(name, this.me)) return;
    const id = dmRoomId(this.me, name);
    const bot = this.names.isBot(name);
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
    if (m && room === this.current()) this.view.messages.replace(m);
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
      if (reply) applyVotes(room, id, reply.votes, reply.mine);
    } catch (e) {
      if (!this.stopped) this.view.showRoomNotice(`Your vote was not counted: ${e.message}`);
    }
    const now = room.messages.find((m) => m.id === id);
    if (now && room === this.current() && !this.stopped) this.view.messages.replace(now);  // its options work again
  }
}
