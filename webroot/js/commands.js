// Slash commands in the composer (issue 19): the commands every bot registered (GET /api/commands), asked for when
// first needed and again once older than REFRESH_AFTER; which of them match what is typed, in what order; and the
// completion list's state (open, which item is chosen, what a key does). No DOM: command-menu.js draws it.

import { realClock } from './clock.js';

export const REFRESH_AFTER = 5 * 60_000;
// After a failed request, or for a list that may be missing what is typed: soon, but not on every key.
export const RETRY_AFTER = 10_000;
export const MAX_SHOWN = 8;

// The server's rule for a command's name; it does not fold case, so neither does a command.
const NAME = /^[a-z0-9_-]{1,32}$/;
const text = (v) => typeof v === 'string';

// The name being typed when the composer holds only "/" and a (partial) name: "/po" -> "po", "/" -> "". Null once
// anything else is there: a space (the arguments follow), a second slash ("/etc/hosts" is text), other text.
export function typedCommand(composerText) {
  const m = /^\/([A-Za-z0-9_-]{0,32})$/.exec(composerText);
  return m ? m[1].toLowerCase() : null;
}

// The server's rule for a command: "/name" or "/name args", the name as commands are named, then a space (Java's \s)
// before anything else. Such a text is never a message: it goes to its bot, or is refused when nobody registered it.
const COMMAND_TEXT = /^\/[a-z0-9_-]{1,32}(?:[ \t\n\x0B\f\r][\s\S]*)?$/;

// Whether the composer holds a command, or a command's name being typed ("/", "/Po", which the list completes):
// nobody else will see it, so nobody is told that this person is typing (chat.typing). The composer sends the text
// trimmed, and the server reads it so.
export function isCommandText(composerText) {
  const text = composerText.trim();
  return typedCommand(text) !== null || COMMAND_TEXT.test(text);
}

// The well-formed entries of GET /api/commands' answer, as { name, bot, description, usage }.
export function readCommands(data) {
  const list = data && Array.isArray(data.commands) ? data.commands : [];
  return list.filter((c) => c && text(c.name) && NAME.test(c.name) && text(c.bot) && c.bot.length > 0)
    .map((c) => ({
      name: c.name,
      bot: c.bot,
      description: text(c.description) ? c.description : '',
      usage: text(c.usage) && c.usage ? c.usage : `/${c.name}`,
    }));
}

// What a command's usage adds to its name: '"question" "option" …' for '/poll "question" "option" …'; the usage as
// it is when it does not start with the name.
export function usageArgs(command) {
  const head = `/${command.name}`;
  const { usage } = command;
  if (usage === head) return '';
  return usage.startsWith(`${head} `) ? usage.slice(head.length + 1).trim() : usage;
}

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

// The commands to offer for `typed` (a name or its start, lower case): the one named exactly that first, then those
// starting with it, then those that only contain it, each group by name; at most `limit`.
export function matchCommands(commands, typed, limit = MAX_SHOWN) {
  const exact = [];
  const starting = [];
  const containing = [];
  for (const c of commands) {
    if (c.name === typed) exact.push(c);
    else if (c.name.startsWith(typed)) starting.push(c);
    else if (typed && c.name.includes(typed)) containing.push(c);
  }
  return [...exact, ...starting.sort(byName), ...containing.sort(byName)].slice(0, limit);
}

// The commands as the page knows them. One request at a time; a failure keeps the list it had.
export class CommandCatalog {
  // fetch(): GET /api/commands. changed(): the list, or whether it is loading, changed.
  constructor({ fetch, clock = realClock, changed = () => {} }) {
    this.fetch = fetch;
    this.clock = clock;
    this.changed = changed;
    this.commands = [];
    this.fetchedAt = null;  // when the list was last answered
    this.failedAt = null;   // when the last request failed, if it did
    this.loading = false;
    this.stopped = false;
  }

  get loaded() {
    return this.fetchedAt !== null;
  }

  get failed() {
    return this.failedAt !== null;
  }

  list() {
    return this.commands;
  }

  // Asks the server when the list was never fetched or is older than REFRESH_AFTER (not within RETRY_AFTER of a
  // failure); true when a request left. `missing`: what is typed matches nothing, so a list older than RETRY_AFTER
  // is asked again (a bot may have registered it since); so is an empty one (bots register theirs as they start).
  need(missing = false) {
    if (this.loading || this.stopped) return false;
    const now = this.clock.now();
    const maxAge = missing || !this.commands.length ? RETRY_AFTER : REFRESH_AFTER;
    if (this.fetchedAt !== null && now - this.fetchedAt < maxAge) return false;
    if (this.failedAt !== null && now - this.failedAt < RETRY_AFTER) return false;
    this.load();
    return true;
  }

  // The next need() asks again (the server said a command it listed does not exist).
  stale() {
    this.fetchedAt = null;
    this.failedAt = null;
  }

  async load() {
    this.loading = true;
    this.changed();
    try {
      const data = await this.fetch();
      if (this.stopped) return;
      this.commands = readCommands(data);
      this.fetchedAt = this.clock.now();
      this.failedAt = null;
    } catch {
      if (this.stopped) return;
      this.failedAt = this.clock.now();
    } finally {
      this.loading = false;
    }
    this.changed();
  }

  stop() {
    this.stopped = true;
  }
}

// The completion list under the composer: shown while a command's name is typed, closed by Escape until the text
// changes. Keys: arrows choose, Enter and Tab pick (Enter sends instead when the chosen command is already typed
// in full), Escape closes.
export class CommandCompletion {
  constructor(catalog) {
    this.catalog = catalog;
    this.text = '';
    this.typed = null;        // the name typed, or null when the composer holds no command name
    this.items = [];
    this.selected = 0;
    this.dismissedText = null;
  }

  get open() {
    return this.typed !== null && this.dismissedText !== this.text;
  }

  // The composer's text now (typed, or the catalog answered); asks for the commands when they are needed.
  update(composerText) {
    this.text = composerText;
    if (this.dismissedText !== null && this.dismissedText !== composerText) this.dismissedText = null;
    const typed = typedCommand(composerText);
    const chosen = this.items[this.selected];
    this.typed = typed;
    if (typed === null) {
      this.items = [];
      this.selected = 0;
      return;
    }
    this.catalog.need();
    this.items = matchCommands(this.catalog.list(), typed);
    if (!this.items.length) this.catalog.need(true);
    // The chosen command stays chosen while it still matches.
    const still = chosen ? this.items.findIndex((c) => c.name === chosen.name) : -1;
    this.selected = still >= 0 ? still : 0;
  }

  // What the list says when it has no command to offer: null when it has some.
  status() {
    if (!this.open || this.items.length) return null;
    if (!this.catalog.loaded) return this.catalog.failed ? 'Could not load the commands.' : 'Loading commands…';
    if (!this.catalog.list().length) return 'No bot has commands yet.';
    return `No command starts with /${this.typed}.`;
  }

  move(delta) {
    if (!this.items.length) return;
    this.selected = (this.selected + delta + this.items.length) % this.items.length;
  }

  choose(index) {
    if (index >= 0 && index < this.items.length) this.selected = index;
  }

  // The composer's text once item `index` (the chosen one unless told) is picked: "/name ", ready for arguments.
  pick(index = this.selected) {
    const command = this.items[index];
    if (!command) return null;
    this.update(`/${command.name} `);
    return `/${command.name} `;
  }

  close() {
    this.dismissedText = this.text;
  }

  // The composer sends what it holds: closed, and the next list starts from its first command again.
  sent() {
    this.items = [];
    this.selected = 0;
    this.close();
  }

  // What a key does while the list is open: 'moved', 'pick', 'closed', or null when the composer should have it
  // (Enter then sends as always).
  key(name, { shift = false } = {}) {
    if (!this.open) return null;
    const some = this.items.length > 0;
    switch (name) {
      case 'ArrowDown':
      case 'ArrowUp':
        if (!some) return null;
        this.move(name === 'ArrowDown' ? 1 : -1);
        return 'moved';
      case 'Tab':
        return some && !shift ? 'pick' : null;
      case 'Enter':
        // "/Who" is no command (names do not fold case): Enter picks "/who " rather than post it as text.
        return some && !shift && `/${this.items[this.selected].name}` !== this.text ? 'pick' : null;
      case 'Escape':
        this.close();
        return 'closed';
      default:
        return null;
    }
  }
}
