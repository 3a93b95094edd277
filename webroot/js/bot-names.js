// Which names are bots (issue 19), for the badge where the page shows a name without the server's flag beside it:
// a private chat's header and its place in the room list. Learnt from messages (a bot's carry `bot: true`), from
// the people search (`bot: true`, or its absence for a person) and from the commands' owners. No DOM.

export class BotNames {
  // changed(name): what is known of `name` changed (name as it was given).
  constructor({ changed = () => {} } = {}) {
    this.changed = changed;
    this.known = new Map();  // lower-case name -> true for a bot, false for a person
  }

  isBot(name) {
    return typeof name === 'string' && this.known.get(name.toLowerCase()) === true;
  }

  // Whether anything is known of `name` yet.
  knows(name) {
    return typeof name === 'string' && this.known.has(name.toLowerCase());
  }

  learn(name, bot) {
    if (typeof name !== 'string' || !name) return;
    const key = name.toLowerCase();
    if (this.known.get(key) === bot) return;
    this.known.set(key, bot);
    this.changed(name);
  }

  // Messages say only who is a bot: an old message without the flag proves nothing.
  fromMessages(messages) {
    for (const m of messages) if (m && m.bot === true) this.learn(m.sender, true);
  }

  // The people search's users ({username, bot?}): the server flags every bot it lists.
  fromUsers(users) {
    for (const u of users) if (u && typeof u.username === 'string') this.learn(u.username, u.bot === true);
  }

  fromCommands(commands) {
    for (const c of commands) this.learn(c.bot, true);
  }
}
