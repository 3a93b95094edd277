// The login session and the socket's state as the person sees it. No DOM: it is given the GET /api/me
// request and the clock, and says when the session has ended and what the status line should read.

import { realClock } from './clock.js';

// The session expires after a while without HTTP requests, and the socket does not count; an open page keeps
// it in use. When it ended elsewhere (logout, password change), the answer sends this page to the login form.
export const KEEP_SESSION_EVERY = 5 * 60_000;
export const SESSION_ENDED = 'Your session has ended. Please log in again.';

export class SessionWatch {
  // me(): GET /api/me, null when logged out. ended(notice): the session is gone.
  constructor({ me, ended, clock = realClock }) {
    this.me = me;
    this.ended = ended;
    this.clock = clock;
    this.timer = null;
    this.stopped = false;
  }

  start() {
    this.timer = this.clock.setInterval(() => this.check(), KEEP_SESSION_EVERY);
  }

  // Asks the server whether the session still stands; also called when the socket closes, since a socket
  // closes when its session ended (logout elsewhere, password changed on another device): then the page goes
  // back to the login form instead of retrying.
  check() {
    this.me().then((me) => {
      if (!me && !this.stopped) this.ended(SESSION_ENDED);
    }, () => { /* server unreachable: the next round, or the bus's next try, asks again */ });
  }

  stop() {
    this.stopped = true;
    this.clock.clearInterval(this.timer);
  }
}

// The status line: "Reconnecting…" rather than "Connecting…" once the socket has been open before.
export class ConnectionState {
  constructor() {
    this.everOpen = false;
  }

  // The label for a new bus state ('open', 'connecting' or 'closed').
  label(state) {
    const labels = {
      open: 'Connected',
      connecting: this.everOpen ? 'Reconnecting…' : 'Connecting…',
      closed: 'Offline, retrying…',
    };
    if (state === 'open') this.everOpen = true;
    return labels[state];
  }
}
