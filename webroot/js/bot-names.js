// Which names are bots (issue 19), for the badge where the page shows a name without the server's flag beside it:
// a private chat's header and its place in the room list, the person menu, the contacts and a channel's members, and
// a desktop notification's title. Learnt from messages (a bot's carry `bot: true`), from the people search
// (`bot: true`, or its absence for a person) and from the commands' owners. No DOM.

// How many names one look-up in the people search may ask about at once (a channel's members: one request each).
export const ASK_AT_ONCE = 10;

// A name as plain text where no badge can be drawn (a notification's title): "assistant (bot)"; `more` goes inside
// the same brackets: "assistant (bot, private)", "bob (private)".
export function nameText(name, bot, more = null) {
  const notes = [bot ? 'bot' : null, more].filter(Boolean);
  return notes.length ? `${name} (${notes.join(', ')})` : name;
}

export class BotNames {
  // changed(name): what is known of `name` changed (name as it was given).
  constructor({ changed = () => {} } = {}) {
    this.changed = changed;
    this.known = new Map();  // lower-case name -> true for a bot, false for a person
    this.asked = new Set();  // lower-case names already looked up in the people search
  }

  isBot(name) {
    return typeof name === 'string' && this.known.get(name.toLowerCase()) === true;
  }

  // Whether anything is known of `name` yet.
  knows(name) {
    return typeof name === 'string' && this.known.has(name.toLowerCase());
  }

  // Of `names`, those nothing is known of and not looked up before, at most `max`, each once whatever its case; from
  // now on they count as looked up (whether the answer comes or not: a name the search does not find stays unknown).
  toAsk(names, max = ASK_AT_ONCE) {
    const ask = [];
    for (const name of names) {
      if (ask.length >= max) break;
      if (typeof name !== 'string' || !name || this.knows(name) || this.asked.has(name.toLowerCase())) continue;
      this.asked.add(name.toLowerCase());
      ask.push(name);
    }
    return ask;
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
