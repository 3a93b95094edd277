// An example bot for the chat server, run as an outside program (Node 20, and the npm package ws for the socket):
//
//   npm ci && CHAT_URL=http://127.0.0.1:8080 BOT_TOKEN=chatbot_... node coinbot.mjs
//
// It learns its name from GET /api/me, registers /flip with PUT /api/bots/<name>/commands, opens the event bus
// bridge at /eventbus/websocket with its token, listens on chat.user.<name> for commands, answers /flip in the
// room, and a bad argument with a usage line only the person who typed it sees. When the socket closes it connects
// again, waiting 1 s, 2 s, 4 s … up to 30 s between tries. A refused token ends it (exit status 2).
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const COMMAND = 'flip';
const USAGE = 'usage: /flip [N]: flips 1 to 10 coins (default 1)';
const PING_MS = 5000; // the bridge closes a socket that sent nothing for 10 s
const MAX_BACKOFF_MS = 30000;

const chat = new URL(required('CHAT_URL'));
const token = required('BOT_TOKEN');
const auth = { Authorization: `Bearer ${token}` };

let backoffMs = 1000;
/** Requests sent on the socket and not answered yet, by reply address. */
const pending = new Map();

function required(variable) {
  const value = process.env[variable];
  if (!value) {
    console.error(`coinbot: set ${variable} (CHAT_URL=http://127.0.0.1:8080 BOT_TOKEN=chatbot_...)`);
    process.exit(1);
  }
  return value;
}

function log(line) {
  console.log(`${new Date().toISOString()} coinbot: ${line}`);
}

/** A refusal of the API: a 4xx but 429 will not change by asking again. */
class ApiRefusal extends Error {
  constructor(call, status, body) {
    super(`${call} answered ${status} ${body}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const response = await fetch(new URL(path, chat), {
    method,
    headers: body === undefined ? auth : { ...auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new ApiRefusal(`${method} ${path}`, response.status, text);
  }
  return text ? JSON.parse(text) : {};
}

/** "alice flipped 3 coins: heads, tails, heads", or null when the argument is no number of coins. */
function flip(user, args) {
  const count = args.trim() === '' ? 1 : /^\d{1,2}$/.test(args.trim()) ? Number(args.trim()) : 0;
  if (count < 1 || count > 10) {
    return null;
  }
  const faces = Array.from({ length: count }, () => (Math.random() < 0.5 ? 'heads' : 'tails'));
  return count === 1 ? `${user} flipped a coin: ${faces[0]}` : `${user} flipped ${count} coins: ${faces.join(', ')}`;
}

/** Who am I, my commands, then the socket: run again from the top after every close. */
async function connect() {
  try {
    const { username: name } = await api('GET', '/api/me');
    await api('PUT', `/api/bots/${encodeURIComponent(name)}/commands`, [
      { name: COMMAND, description: 'flips coins and says how they fell', usage: '/flip [N]' },
    ]);
    listen(name);
  } catch (err) {
    if (err instanceof ApiRefusal && err.status >= 400 && err.status < 500 && err.status !== 429) {
      log(`giving up: ${err.message}`);
      process.exit(2);
    }
    log(`could not connect: ${err.message}${err.cause ? ` (${err.cause.message})` : ''}`);
    retryLater();
  }
}

function listen(name) {
  const inbox = `chat.user.${name.toLowerCase()}`;
  const url = new URL('/eventbus/websocket', chat);
  url.protocol = chat.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url, { headers: auth });
  let pings;
  socket.on('open', () => {
    backoffMs = 1000;
    pings = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), PING_MS);
    socket.send(JSON.stringify({ type: 'register', address: inbox }));
  });
  socket.on('message', (data) => {
    try {
      onFrame(socket, name, inbox, JSON.parse(data.toString()));
    } catch (err) {
      log(`a frame not understood: ${err.message}`);
    }
  });
  socket.on('error', (err) => log(`socket error: ${err.message}`));
  socket.on('close', (code, reason) => {
    clearInterval(pings);
    for (const [, answer] of pending) {
      answer.reject(new Error('the socket closed'));
    }
    pending.clear();
    log(`socket closed (${code} ${reason})`);
    retryLater();
  });
}

function onFrame(socket, name, inbox, frame) {
  if (frame.type === 'event' && frame.event === 'registered') {
    log(`listening on ${inbox} as ${name}`);
  } else if (frame.type === 'rec' && frame.address === inbox) {
    onNotice(socket, frame.body);
  } else if (frame.address && pending.has(frame.address)) {
    const answer = pending.get(frame.address);
    pending.delete(frame.address);
    if (frame.type === 'err') {
      answer.reject(new Error(`${frame.failureCode} ${frame.message}`));
    } else {
      answer.resolve(frame.body);
    }
  } else if (frame.type === 'err') {
    log(`the bridge refused a frame: ${JSON.stringify(frame)}`);
  }
}

/** Commands come as {type: "command", command, args, room, user, id}; other notices are not ours to answer. */
function onNotice(socket, notice) {
  if (notice.type !== 'command' || notice.command !== COMMAND) {
    return;
  }
  const { room, user } = notice;
  log(`/${COMMAND} from ${user} in ${room}`);
  const answer = flip(user, notice.args ?? '');
  const send = answer === null ? { room, text: USAGE, to: user } : { room, text: answer };
  request(socket, 'chat.send', send).catch((err) => log(`chat.send to ${room} refused: ${err.message}`));
}

/** A bridge request: the reply's body, or a rejection "code message". */
function request(socket, address, body) {
  const replyAddress = randomUUID();
  return new Promise((resolve, reject) => {
    pending.set(replyAddress, { resolve, reject });
    socket.send(JSON.stringify({ type: 'send', address, body, replyAddress }));
  });
}

function retryLater() {
  const wait = backoffMs + Math.floor(Math.random() * (backoffMs / 2));
  backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  log(`connecting again in ${wait} ms`);
  setTimeout(connect, wait);
}

connect();
