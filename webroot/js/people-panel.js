// The people beside the chat and who is online: the search (people.js) drawn in the people list (people-view.js),
// and presence, from the search's answers and from chat.presence, shown as a dot in the people list, on a private
// chat's room-list entry and in that chat's header when it is open.

import { api } from './api.js';
import { People, SEARCH_AFTER_INPUT } from './people.js';
import { dmRoomId } from './rooms.js';

export class PeoplePanel {
  // me: the username. bus: the ChatBus. view: the ChatView. rooms: the RoomDirectory. bots: bots.js's BotSupport.
  // current(): the open RoomState or null. presenceChanged(): someone came or went.
  constructor(me, { bus, view, rooms, bots, current, presenceChanged }) {
    this.me = me;
    this.view = view;
    this.current = current;
    this.people = new People({
      find: (query, limit) => api.users(query, limit),
      query: () => view.peopleQuery(),
      learnName: (name) => rooms.learnName(name),
      online: (name, online) => this.showOnline(name, online),
      listed: (users, query) => {
        bots.listed(users);
        view.people.render(users, me, query);
      },
      failed: (message) => view.people.showError(message),
    });
    bus.subscribe('chat.presence', (body) => {
      if (!this.people.presenceChanged(body)) return;
      view.people.setOnline(body.username, body.online);
      presenceChanged();
    });
  }

  isOnline(name) {
    return this.people.isOnline(name);
  }

  // The list for `query`, by default what the search box says now (after a reconnect: presence changed meanwhile).
  search(query = this.view.peopleQuery()) {
    this.people.search(query);
  }

  // Typed in the search box: searched once the typing pauses.
  typed() {
    this.people.searchSoon(SEARCH_AFTER_INPUT);
  }

  showOnline(username, online) {
    const id = dmRoomId(this.me, username);
    this.view.roomList.setOnline(id, online);
    if (this.current()?.id === id) this.view.showRoomOnline(online);
  }

  stop() {
    this.people.stop();
  }
}
