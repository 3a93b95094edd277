// Sending a message: the length rule, one send at a time, and retries of a request that got no answer or
// that a busy server turned away, always with the same cid so the server stores the message once. A message of an
// end-to-end encrypted chat is sealed once, before the first attempt, and every retry sends that same blob (its cid
// is the blob's), so a retry is never a second message. No DOM: it is given the bus, and tells the caller when it
// is busy, what went wrong and what the server stored.

import { BusError } from './bus.js';
import { realClock } from './clock.js';
import { cidOf } from './e2e-crypto.js';

export const MAX_TEXT = 2000;  // code points, as the server counts them
export const SEND_ATTEMPTS = 3;
export const OPEN_WAIT = 15000;
// After a 503 the next attempt waits this long times the attempts so far, plus up to half as much again at
// random, so that the crowd a busy server turned away does not come back all in the same moment.
export const BUSY_BACKOFF = 1000;

export function randomId() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);  // works on plain http too, unlike crypto.randomUUID
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class Composer {
  // bus: whenOpen(ms) and request(address, body). Hooks:
  //   busy(sending)           a send started or ended
  //   problem(message|null)   what to tell the person, or null to take the last message away
  //   sent(roomId, stored)    the server's reply: the stored message
  //   refused(roomId, error)  the send failed: the words to say instead of "Not sent: <error>", or null
  constructor({ bus, newId = randomId, clock = realClock, random = Math.random, busy = () => {},
    problem = () => {}, sent = () => {}, refused = () => null }) {
    this.bus = bus;
    this.newId = newId;
    this.clock = clock;
    this.random = random;
    this.hooks = { busy, problem, sent, refused };
    this.sending = false;
    this.stopped = false;
  }

  // Sends `text` to `roomId`; true when the server stored it. Nothing happens without a room, for blank text
  // or while the previous message is still on its way. `seal(text)`, for an encrypted chat, gives the message's
  // `e2e` object: then the text itself is never sent.
  async send(roomId, text, seal = null) {
    const trimmed = text.trim();
    if (!roomId || this.sending || !trimmed) return false;
    const length = [...trimmed].length;
    if (length > MAX_TEXT) {
      this.hooks.problem(`This message has ${length} characters; the limit is ${MAX_TEXT}.`);
      return false;
    }
    this.hooks.problem(null);
    this.setSending(true);
    try {
      // The same cid on every attempt lets the server drop a retry it already stored.
      const body = seal ? await this.sealed(roomId, trimmed, seal) : { room: roomId, text: trimmed, cid: this.newId() };
      const stored = await this.requestWithRetry('chat.send', body);
      if (this.stopped) return false;
      this.hooks.sent(roomId, stored);
      return true;
    } catch (e) {
      if (!this.stopped) this.hooks.problem(this.hooks.refused(roomId, e) || `Not sent: ${e.message}`);
      return false;
    } finally {
      this.setSending(false);
    }
  }

  // {room, cid, e2e}: no text, and the cid the server expects of this blob.
  async sealed(roomId, text, seal) {
    const e2e = await seal(text);
    return { room: roomId, cid: cidOf(e2e), e2e };
  }

  // A request that got no answer (socket lost, timeout) may be sent again at once, one a busy server turned
  // away a little later; any other refusal may not.
  async requestWithRetry(address, body) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.bus.whenOpen(OPEN_WAIT);
        return await this.bus.request(address, body);
      } catch (e) {
        if (!(e instanceof BusError) || !e.retryable || attempt >= SEND_ATTEMPTS || this.stopped) throw e;
        if (e.busy) await this.pause(BUSY_BACKOFF * attempt * (1 + this.random() / 2));
        if (this.stopped) throw e;
      }
    }
  }

  pause(ms) {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  setSending(sending) {
    this.sending = sending;
    this.hooks.busy(sending);
  }

  stop() {
    this.stopped = true;
  }
}
