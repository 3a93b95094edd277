// Who is typing: the chat.typing events heard per room, each shown for a few seconds unless it is renewed
// or that person's message arrives, and our own announcements, no more often than the server passes them.
// No DOM: it is given the clock and the bus's send, and hands the line to show to onShow.

import { realClock } from './clock.js';
import { isCommandText } from './commands.js';
import { sameUser } from './rooms.js';

export const TYPING_EVERY = 2000;  // the server drops typing events sent more often
export const TYPING_SHOWN = 3000;

export function typingText(names) {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return 'Several people are typing…';
}

export class Typing {
  // send(roomId): chat.typing, true when it left. onShow(text): the line for the watched room.
  constructor(me, { send, onShow, clock = realClock }) {
    this.me = me;
    this.send = send;
    this.onShow = onShow;
    this.clock = clock;
    this.typers = new Map();  // room id -> Map(name -> shown until)
    this.sent = new Map();    // room id -> when chat.typing was last sent
    this.watched = null;      // the room whose typers are shown
    this.timer = null;
  }

  // The room on screen changed.
  watch(roomId) {
    this.watched = roomId;
    this.show();
  }

  // A chat.typing event for a room.
  heard(roomId, body) {
    const name = body && body.username;
    if (typeof name !== 'string' || sameUser(name, this.me)) return;
    if (!this.typers.has(roomId)) this.typers.set(roomId, new Map());
    this.typers.get(roomId).set(name, this.clock.now() + TYPING_SHOWN);
    if (roomId === this.watched) this.show();
  }

  // Their message arrived, so they are done typing it.
  wrote(roomId, name) {
    const typers = this.typers.get(roomId);
    if (typers && typers.delete(name) && roomId === this.watched) this.show();
  }

  // The socket closed: no typing event can renew what is shown.
  clear() {
    this.typers.clear();
    this.show();
  }

  show() {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
    const typers = this.watched !== null && this.typers.get(this.watched);
    const now = this.clock.now();
    const names = [];
    let next = Infinity;
    if (typers) {
      for (const [name, until] of typers) {
        if (until <= now) {
          typers.delete(name);
        } else {
          names.push(name);
          next = Math.min(next, until);
        }
      }
    }
    this.onShow(typingText(names));
    if (names.length) this.timer = this.clock.setTimeout(() => this.show(), next - now + 50);
  }

  // The person typed in the composer of `roomId`. The time of the last announcement is kept after sending:
  // the server passes one typing event per person and room every 2 s, so announcing the next message at
  // once would be dropped and delay the one after.
  typed(roomId) {
    const now = this.clock.now();
    if (now - (this.sent.get(roomId) || 0) < TYPING_EVERY) return;
    if (this.send(roomId)) this.sent.set(roomId, now);
  }

  // The composer of `roomId` now holds `text`: a message being written is announced; blank text is not, nor a slash
  // command (or its name being typed), which nobody else will see.
  composed(roomId, text) {
    if (text.trim() && !isCommandText(text)) this.typed(roomId);
  }

  stop() {
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }
}
