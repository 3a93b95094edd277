// The event-bus connection. The vertx client forgets every registration and every
// pending reply when its socket is replaced, so this class keeps the subscriptions
// itself, registers them again on each new socket, reconnects with a backoff, and
// fails requests whose reply can no longer come (so callers may retry).

// WebSocket only: SockJS's iframe and JSONP fallbacks load scripts the page's
// Content-Security-Policy refuses, and its XHR fallbacks spread one session over
// many requests, which a round-robin front would send to different nodes.
const TRANSPORTS = ['websocket'];

export class BusError extends Error {
  constructor(code, message) {
    super(message || 'The server refused the request.');
    this.code = code;  // a failureCode from the server, or 'timeout' / 'closed'
  }

  // Not answered at all, or refused by a busy server before it did anything (503): the same request may be
  // sent again. Any other refusal stands.
  get retryable() {
    return this.code === 'timeout' || this.code === 'closed' || this.busy;
  }

  // The server was too busy to take it (it sheds load rather than keep everyone waiting): come back later.
  get busy() {
    return this.code === 503;
  }
}

export class ChatBus {
  constructor(url, { minDelay = 1000, maxDelay = 5000, timeout = 10000 } = {}) {
    this.url = url;
    this.minDelay = minDelay;
    this.maxDelay = maxDelay;
    this.timeout = timeout;
    this.eb = null;
    this.state = 'closed';
    this.stopped = true;
    this.attempts = 0;
    this.reconnectTimer = null;
    this.subscriptions = new Map();  // address -> Set of handlers(body, message)
    this.errorHandlers = new Map();  // address -> handler(err) for a failure the server sends there
    this.socketHandlers = new Map(); // address -> the callback registered on the current socket
    this.pending = new Map();        // request id -> { reject, timer }
    this.nextRequestId = 1;
    this.listeners = { state: [], open: [], close: [] };
    this.onBrowserOnline = () => {
      if (!this.stopped && !this.eb) this.connect();
    };
  }

  on(event, fn) {
    this.listeners[event].push(fn);
  }

  emit(event, arg) {
    for (const fn of this.listeners[event]) fn(arg);
  }

  isOpen() {
    return this.state === 'open';
  }

  start() {
    this.stopped = false;
    window.addEventListener('online', this.onBrowserOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onBrowserOnline);
    clearTimeout(this.reconnectTimer);
    const eb = this.eb;
    this.eb = null;
    if (eb) {
      try {
        eb.close();
      } catch {
        // already closed
      }
    }
    this.failPending('closed', 'Disconnected.');
    this.setState('closed');
  }

  connect() {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.setState('connecting');
    // Looked up here rather than at import, so the modules that only need BusError load without a browser.
    const eb = new window.EventBus(this.url, { transports: TRANSPORTS });
    this.eb = eb;
    // Refusals (e.g. access_denied) arrive without an address; they are expected
    // now and then and are no page error.
    eb.onerror = (err) => console.warn('Event bus:', (err && (err.body || err.message)) || err);
    // The bridge confirms each registration with a "registered" event; nothing to do.
    eb.onevent = (event) => event === 'registered';
    eb.onopen = () => {
      if (this.eb !== eb) return;
      this.attempts = 0;
      this.socketHandlers.clear();  // the new socket has none of the old one's
      this.setState('open');
      for (const address of this.subscriptions.keys()) this.registerOnSocket(address);
      this.emit('open');
    };
    eb.onclose = () => {
      if (this.eb !== eb) return;  // a socket we already let go of
      this.eb = null;
      this.failPending('closed', 'Connection lost.');
      this.setState('closed');
      this.emit('close');
      if (!this.stopped) this.scheduleReconnect();
    };
  }

  // 1 s, 2 s, 4 s, then every 5 s, with some jitter so many pages do not return at once.
  scheduleReconnect() {
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** this.attempts);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    this.attempts++;
    this.reconnectTimer = setTimeout(() => this.connect(), Math.min(delay, this.maxDelay));
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  // Handlers stay subscribed across reconnects until stop() or unsubscribe(). `onError(err)` hears a failure the
  // server sends to the address itself (a channel's "removed from this room"), not a refusal to register.
  subscribe(address, handler, onError = null) {
    if (onError) this.errorHandlers.set(address, onError);
    let handlers = this.subscriptions.get(address);
    if (!handlers) {
      handlers = new Set();
      this.subscriptions.set(address, handlers);
      handlers.add(handler);
      if (this.isOpen()) this.registerOnSocket(address);
    } else {
      handlers.add(handler);
    }
  }

  // Stops listening on `address` (all its handlers); the server is told only when the socket is open.
  unsubscribe(address) {
    this.subscriptions.delete(address);
    this.errorHandlers.delete(address);
    const callback = this.socketHandlers.get(address);
    this.socketHandlers.delete(address);
    if (!callback || !this.isOpen()) return;
    try {
      this.eb.unregisterHandler(address, {}, callback);
    } catch {
      // the socket is closing: it forgets the registration anyway
    }
  }

  registerOnSocket(address) {
    const callback = (err, message) => {
      if (err) {
        const onError = this.errorHandlers.get(address);
        if (onError) onError(err);
        return;
      }
      for (const handler of this.subscriptions.get(address) || []) {
        try {
          handler(message.body, message);
        } catch (e) {
          console.warn('Handler for', address, 'failed:', e);
        }
      }
    };
    this.socketHandlers.set(address, callback);
    this.eb.registerHandler(address, {}, callback);
  }

  // Fire and forget (chat.read, chat.typing): true when it left on an open socket.
  send(address, body) {
    if (!this.isOpen()) return false;
    try {
      this.eb.send(address, body, {});
      return true;
    } catch {
      return false;
    }
  }

  // A request with a reply. Rejects with BusError: the server's failure, or
  // 'closed' / 'timeout' when the reply cannot come.
  request(address, body, timeout = this.timeout) {
    return new Promise((resolve, reject) => {
      if (!this.isOpen()) {
        reject(new BusError('closed', 'Not connected.'));
        return;
      }
      const id = this.nextRequestId++;
      const settle = (fn, value) => {
        const entry = this.pending.get(id);
        if (!entry) return;  // already timed out or failed by a close
        clearTimeout(entry.timer);
        this.pending.delete(id);
        fn(value);
      };
      const timer = setTimeout(
        () => settle(reject, new BusError('timeout', 'No answer from the server.')), timeout);
      this.pending.set(id, { reject: (err) => settle(reject, err), timer });
      try {
        this.eb.send(address, body, {}, (err, reply) => {
          if (err) settle(reject, new BusError(err.failureCode, err.message));
          else settle(resolve, reply.body);
        });
      } catch {
        settle(reject, new BusError('closed', 'Not connected.'));
      }
    });
  }

  // Resolves once the socket is open (at once if it is), or rejects after `timeout`.
  whenOpen(timeout) {
    if (this.isOpen()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onOpen = () => {
        clearTimeout(timer);
        this.listeners.open = this.listeners.open.filter((fn) => fn !== onOpen);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.open = this.listeners.open.filter((fn) => fn !== onOpen);
        reject(new BusError('closed', 'Not connected.'));
      }, timeout);
      this.on('open', onOpen);
    });
  }

  failPending(code, message) {
    for (const entry of [...this.pending.values()]) entry.reject(new BusError(code, message));
  }
}
