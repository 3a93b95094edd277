// A poll under its question (issue 19): one button per option with its count and a bar of its share, the reader's
// own vote marked. A click votes (chat-view.js hears it through data-vote and data-option); clicking one's own vote
// again takes it back. Options are people's text, put in as text.

import { el } from './dom.js';
import { readPoll, share, votesText } from './polls.js';

// The poll of message `m`, or null when it has none.
export function pollElement(m) {
  const poll = readPoll(m);
  if (!poll) return null;
  const box = el('div', 'poll');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', `Poll: ${m.text}`);
  poll.options.forEach((option, i) => {
    const mine = poll.mine === i;
    const percent = share(poll, i);
    const button = el('button', mine ? 'poll-option mine' : 'poll-option');
    button.type = 'button';
    button.dataset.vote = String(m.id);
    button.dataset.option = String(i);
    button.setAttribute('aria-pressed', String(mine));
    button.setAttribute('aria-label', `${option}: ${votesText(poll.votes[i])}, ${percent}%${mine
      ? ', your vote (choose again to take it back)' : ''}`);
    const bar = el('span', 'poll-bar');
    bar.setAttribute('aria-hidden', 'true');
    const fill = el('span', 'poll-fill');
    // Through the CSSOM, which the page's style-src 'self' allows (a style attribute it would refuse).
    fill.style.width = `${percent}%`;
    bar.append(fill);
    button.append(el('span', 'poll-label', option), el('span', 'poll-count', String(poll.votes[i])), bar);
    box.append(button);
  });
  const total = el('div', 'poll-total', poll.mine === null ? votesText(poll.total)
    : `${votesText(poll.total)} · choose your vote again to take it back`);
  box.append(total);
  return box;
}

// While a vote is on its way its poll takes no other click; drawing the message again (the answer) ends that.
export function pollBusy(button) {
  const box = button.closest('.poll');
  box.setAttribute('aria-busy', 'true');
  for (const option of box.querySelectorAll('.poll-option')) option.disabled = true;
}
