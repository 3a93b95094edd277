// The "bot" badge shown beside a bot's name wherever the page shows it (issue 19): messages, the people list, the
// room list, a private chat's header, the command list, the person menu, the contacts and a channel's members.

import { el } from './dom.js';

export function botBadge() {
  const badge = el('span', 'badge rounded-pill bot-badge', 'bot');
  badge.title = 'A program, not a person';
  return badge;
}

// The badge right after `name` (the element a name is shown in) when `bot`, or taken away when not: for a list drawn
// before the page knew who is a bot.
export function markBot(name, bot) {
  const next = name.nextElementSibling;
  const shown = Boolean(next && next.classList.contains('bot-badge'));
  if (bot && !shown) name.after(botBadge());
  else if (!bot && shown) next.remove();
}
