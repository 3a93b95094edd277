// The "bot" badge shown beside a bot's name wherever the page shows it (issue 19): messages, the people list, the
// room list, a private chat's header and the command list.

import { el } from './dom.js';

export function botBadge() {
  const badge = el('span', 'badge rounded-pill bot-badge', 'bot');
  badge.title = 'A program, not a person';
  return badge;
}
