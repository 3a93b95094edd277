// People: the search beside the rooms (the newest search wins) and who is online. No DOM: it is given the
// users request and the search box's text, and tells the caller what to list and whose dot changed.

import { realClock } from './clock.js';
import { sameUser } from './rooms.js';

export const SEARCH_LIMIT = 50;
export const SEARCH_AFTER_INPUT = 200;
export const SEARCH_AFTER_PRESENCE = 300;

export class People {
  // find(query, limit): GET /api/users. query(): the search box's text now. Hooks:
  //   learnName(username)       a name as registered
  //   online(username, online)  someone's presence is known or changed
  //   listed(users, query)      the list to show for that search
  //   failed(message)           the search failed
  constructor({ find, query, clock = realClock, learnName = () => {}, online = () => {},
    listed = () => {}, failed = () => {} }) {
    this.find = find;
    this.query = query;
    this.clock = clock;
    this.hooks = { learnName, online, listed, failed };
    this.presence = new Map();  // lower-case name -> online
    this.shown = [];            // the users the list shows now
    this.ticket = 0;
    this.timer = null;
    this.stopped = false;
  }

  isOnline(username) {
    return this.presence.get(username.toLowerCase()) === true;
  }

  lists(username) {
    return this.shown.some((u) => sameUser(u.username, username));
  }

  async search(query) {
    const ticket = ++this.ticket;
    try {
      const data = await this.find(query, SEARCH_LIMIT);
      if (ticket !== this.ticket || this.stopped) return;  // a newer search won
      const users = (data && Array.isArray(data.users) ? data.users : [])
        .filter((u) => u && typeof u.username === 'string');
      for (const u of users) {
        this.hooks.learnName(u.username);
        if (typeof u.online === 'boolean') this.setPresence(u.username, u.online);
      }
      this.shown = users;
      this.hooks.listed(users, query);
    } catch (e) {
      if (ticket === this.ticket && !this.stopped) this.hooks.failed(e.message);
    }
  }

  // Searches for what the box says after `delay` ms, unless asked again before.
  searchSoon(delay) {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => this.search(this.query()), delay);
  }

  // A chat.presence event; false when it is not one.
  presenceChanged(body) {
    if (!body || typeof body.username !== 'string' || typeof body.online !== 'boolean') return false;
    this.setPresence(body.username, body.online);
    // Someone the list does not show yet (e.g. just registered) who matches the search.
    if (!this.lists(body.username) && body.username.toLowerCase().startsWith(this.query().toLowerCase())) {
      this.searchSoon(SEARCH_AFTER_PRESENCE);
    }
    return true;
  }

  setPresence(username, online) {
    this.presence.set(username.toLowerCase(), online);
    this.hooks.online(username, online);
  }

  stop() {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.shown = [];
  }
}
