// DOM for the open room's message list: messages (with their files and polls), system lines, day separators, the
// "new messages" line and the bots' replies to this person alone. Every string that came from a user is put in with
// textContent, never parsed as HTML. (The room and people lists: room-list-view.js, people-view.js.)

import { botBadge } from './bot-badge.js';
import { el } from './dom.js';
import { timeline } from './ephemeral.js';
import { fileElement, removeControl } from './file-view.js';
import { pollElement } from './poll-view.js';
import { sameUser } from './rooms.js';

export { el };

const pad = (n) => String(n).padStart(2, '0');

export function timeLabel(ts) {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function dayKey(ts) {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

function dayLabel(ts) {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (dayKey(ts) === dayKey(today.getTime())) return 'Today';
  if (dayKey(ts) === dayKey(yesterday.getTime())) return 'Yesterday';
  return new Date(ts).toLocaleDateString(undefined,
    { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

function timeElement(m) {
  const time = el('time', 'time', timeLabel(m.ts));
  const when = new Date(m.ts);
  time.dateTime = when.toISOString();
  time.title = when.toLocaleString();
  return time;
}

// A system line ("alice invited bob"): what happened to the room, muted, not a bubble.
function systemElement(m) {
  const item = el('div', 'system-line');
  item.dataset.id = String(m.id);
  item.dataset.system = String(m.system);
  item.append(el('span', 'system-text', m.text), ' ', timeElement(m));
  return item;
}

// A message of someone this person blocks, in a shared room: its place is kept, its text shown on request.
function hiddenElement(m) {
  const item = el('div', 'message hidden-message');
  item.dataset.id = String(m.id);
  item.append(el('span', 'hidden-note', 'Message from someone you blocked.'), ' ');
  const show = el('button', 'btn btn-link btn-sm show-hidden', 'Show');
  show.type = 'button';
  show.dataset.reveal = String(m.id);
  show.setAttribute('aria-label', 'Show the message from someone you blocked');
  item.append(show);
  return item;
}

// The sender of someone else's message opens their menu (connect, block).
function senderElement(m, own) {
  if (own) return el('span', 'sender', m.sender);
  const sender = el('button', 'sender sender-button', m.sender);
  sender.type = 'button';
  sender.dataset.personMenu = m.sender;
  sender.setAttribute('aria-label', `${m.sender}: more`);
  return sender;
}

// The lock beside an end-to-end encrypted message's time (drawn by CSS: an emoji needs a font not every system has).
function lockMark() {
  const mark = el('span', 'e2e-mark lock-icon');
  mark.setAttribute('role', 'img');
  mark.setAttribute('aria-label', 'End-to-end encrypted');
  mark.title = 'End-to-end encrypted';
  return mark;
}

// An end-to-end encrypted message: its text once read (sealed-messages.js), or why it cannot be shown, in its
// place. Only what was decrypted is shown: never the blob, nor a `text` the server put beside it.
function sealedElement(m, item, meta) {
  item.classList.add('sealed');
  meta.append(' ', lockMark());
  item.append(meta);
  const reading = m.sealed;
  if (reading && reading.state === 'open') {
    item.append(el('div', 'text', reading.text));
    if (reading.note) item.append(el('div', 'e2e-note', reading.note));
    return item;
  }
  // Why it is not shown, after a lock.
  const problem = el('div', 'text e2e-problem');
  const icon = el('span', 'lock-icon');
  icon.setAttribute('aria-hidden', 'true');
  problem.append(icon, reading ? reading.note : 'Decrypting…');
  problem.dataset.e2e = reading ? reading.state : 'reading';
  item.append(problem);
  return item;
}

// plainInSealed: the message came as text into a chat that is end-to-end encrypted (written before it was, or by
// a server that should not have): it says it was not encrypted.
function messageElement(m, me, hidden, plainInSealed = false) {
  if (m.system) return systemElement(m);
  if (hidden && hidden.hides(m)) return hiddenElement(m);
  const own = sameUser(m.sender, me);
  const item = el('div', own ? 'message own' : 'message');
  item.dataset.id = String(m.id);
  const meta = el('div', 'meta');
  meta.append(senderElement(m, own), ' ');
  if (m.bot === true) meta.append(botBadge(), ' ');
  meta.append(timeElement(m));
  if (m.e2e) return sealedElement(m, item, meta);
  if (plainInSealed) meta.append(' ', el('span', 'plain-mark', 'not encrypted'));
  const remove = own ? removeControl(m) : null;
  if (remove) meta.append(remove);
  item.append(meta);
  // A shared file, its caption below it (the text, maybe empty).
  const file = fileElement(m);
  if (file) {
    item.classList.add('with-file');
    item.append(file);
  }
  item.append(el('div', 'text', m.text));
  // A poll: the text is its question, the options follow.
  const poll = pollElement(m);
  if (poll) {
    item.classList.add('with-poll');
    item.append(poll);
  }
  return item;
}

// A bot's reply to this person alone (not stored: gone after a reload). No id: it is no message of the room.
function ephemeralElement(note) {
  const item = el('div', 'ephemeral');
  item.dataset.note = note.key;
  const meta = el('div', 'meta');
  meta.append(el('span', 'sender', note.sender), ' ', botBadge(), ' ', timeElement(note), ' ',
    el('span', 'ephemeral-note', 'Only you can see this'));
  item.append(meta, el('div', 'text', note.text));
  return item;
}

function daySeparator(ts) {
  const sep = el('div', 'day-separator');
  sep.setAttribute('role', 'separator');
  sep.append(el('span', null, dayLabel(ts)));
  return sep;
}

function newMarker() {
  const marker = el('div', 'new-marker');
  marker.setAttribute('role', 'separator');
  marker.append(el('span', null, 'New messages'));
  return marker;
}

// The open room's messages: full renders keep the first visible message in place
// (so loading older ones does not jump), appends take the fast path.
export class MessageView {
  // markerOf(room): the id of the message the "new messages" line stands before, or null (unread.js decides).
  // hidden: the HiddenMessages filter (messages of blocked people), or null. notesOf(room): the bots' replies to
  // this person alone in that room (ephemeral.js), drawn among its messages. sealed(roomId): whether that room is
  // end-to-end encrypted (its messages that came as text say so).
  constructor(container, me, { markerOf = () => null, hidden = null, notesOf = () => [], sealed = () => false } = {}) {
    this.container = container;
    this.me = me;
    this.markerOf = markerOf;
    this.hidden = hidden;
    this.notesOf = notesOf;
    this.sealed = sealed;
    this.lastRendered = null;  // { id, day } of the bottom message on screen
    this.roomId = null;        // the room drawn
  }

  element(m) {
    return messageElement(m, this.me, this.hidden, !m.e2e && this.roomId !== null && this.sealed(this.roomId));
  }

  isAtBottom() {
    const c = this.container;
    return c.scrollHeight - c.scrollTop - c.clientHeight < 48;
  }

  scrollToBottom() {
    this.container.scrollTop = this.container.scrollHeight;
  }

  overflows() {
    return this.container.scrollHeight > this.container.clientHeight + 8;
  }

  clear() {
    this.container.replaceChildren();
    this.lastRendered = null;
  }

  edgeText(room) {
    if (!room.loaded) return 'Loading messages…';
    if (room.loadingOlder) return 'Loading older messages…';
    if (room.hasOlder) return 'Scroll up for older messages';
    return room.messages.length ? 'This is the start of the conversation.' : 'No messages yet. Say hello!';
  }

  setEdge(room) {
    this.setEdgeText(this.edgeText(room));
  }

  setEdgeText(text) {
    const edge = this.container.querySelector('.history-edge');
    if (edge) edge.textContent = text;
  }

  // A new "new messages" line replaces the old one (the person came back and left again).
  removeMarker() {
    for (const marker of this.container.querySelectorAll('.new-marker')) marker.remove();
  }

  // scroll: 'keep' holds the first visible message still, 'open' shows the
  // "new messages" line (or the bottom), 'bottom' goes to the newest.
  render(room, scroll = 'keep') {
    const c = this.container;
    const stick = scroll === 'bottom' || (scroll === 'keep' && this.isAtBottom());
    let anchorId = null;
    let anchorOffset = 0;
    if (scroll === 'keep' && !stick) {
      for (const node of c.querySelectorAll('.message, .system-line')) {
        if (node.offsetTop + node.offsetHeight > c.scrollTop) {
          anchorId = node.dataset.id;
          anchorOffset = node.offsetTop - c.scrollTop;
          break;
        }
      }
    }

    this.roomId = room.id;
    const fragment = document.createDocumentFragment();
    const edge = el('div', 'history-edge', this.edgeText(room));
    edge.setAttribute('aria-live', 'off');
    fragment.append(edge);
    let day = null;
    const markerId = this.markerOf(room);
    for (const { message: m, note } of timeline(room.messages, this.notesOf(room))) {
      if (note) {
        fragment.append(ephemeralElement(note));
        continue;
      }
      const key = dayKey(m.ts);
      if (key !== day) fragment.append(daySeparator(m.ts));
      day = key;
      if (m.id === markerId) fragment.append(newMarker());
      fragment.append(this.element(m));
    }
    c.setAttribute('aria-busy', 'true');
    c.replaceChildren(fragment);
    c.setAttribute('aria-busy', 'false');
    const last = room.messages[room.messages.length - 1];
    this.lastRendered = last ? { id: last.id, day } : null;

    if (stick) {
      this.scrollToBottom();
    } else if (anchorId !== null) {
      const anchor = c.querySelector(`[data-id="${anchorId}"]`);
      if (anchor) c.scrollTop = anchor.offsetTop - anchorOffset;
    } else if (scroll === 'open') {
      const marker = c.querySelector('.new-marker');
      if (marker) c.scrollTop = Math.max(0, marker.offsetTop - 24);
      else this.scrollToBottom();
    }
  }

  // A bot's reply to this person alone, just heard in the open room: below the newest message.
  appendNote(note) {
    const stick = this.isAtBottom();
    this.container.append(ephemeralElement(note));
    if (stick) this.scrollToBottom();
  }

  // One message drawn again where it stands (its file was removed, its poll's votes changed, it was decrypted); a
  // list that was at its newest message stays there.
  replace(m) {
    const node = this.container.querySelector(`.message[data-id="${m.id}"]`);
    if (!node) return;
    const stick = this.isAtBottom();
    node.replaceWith(this.element(m));
    if (stick) this.scrollToBottom();
  }

  // A picture without a known size takes its height when it loads: a list that was at the bottom stays there.
  pictureLoaded(img) {
    const c = this.container;
    if (c.scrollHeight - c.scrollTop - c.clientHeight - img.offsetHeight < 48) this.scrollToBottom();
  }

  // New messages for the open room. Returns nothing; the caller decides on scrolling.
  update(room, added) {
    const newest = this.lastRendered ? this.lastRendered.id : -1;
    const inOrder = added.every((m, i) => m.id > newest && (i === 0 || m.id > added[i - 1].id));
    if (!inOrder || !this.container.querySelector('.history-edge')) {
      this.render(room, 'keep');
      return;
    }
    const stick = this.isAtBottom();
    let day = this.lastRendered ? this.lastRendered.day : null;
    const markerId = this.markerOf(room);
    for (const m of added) {
      const key = dayKey(m.ts);
      if (key !== day) this.container.append(daySeparator(m.ts));
      day = key;
      if (m.id === markerId) this.container.append(newMarker());
      this.container.append(this.element(m));
      this.lastRendered = { id: m.id, day };
    }
    this.setEdge(room);
    if (stick) this.scrollToBottom();
  }
}
