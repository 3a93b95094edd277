// The JSON API over fetch: one place for the cookie session, the headers and
// the server's two error shapes ({"errors": {field: msg}} and {"error": msg}).

export class ApiError extends Error {
  constructor(status, data) {
    super((data && typeof data.error === 'string' && data.error) || defaultMessage(status));
    this.status = status;
    // Field errors go beside their inputs; anything else is shown as one message.
    this.fieldErrors = data && data.errors && typeof data.errors === 'object' ? data.errors : null;
  }
}

function defaultMessage(status) {
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  if (status === 401) return 'Please log in.';
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return 'The request was refused.';
}

let unauthorizedHandler = null;

// Called when a request made while logged in answers 401: the session is gone.
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

async function request(method, path, body, { expect401 = false } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  };
  if (method !== 'GET') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body ?? {});
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, null);
  }
  const data = await readJson(response);
  if (response.ok) return data;
  if (response.status === 401 && !expect401 && unauthorizedHandler) unauthorizedHandler();
  throw new ApiError(response.status, data);
}

async function readJson(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// A 404 is an answer here ("none"): null instead of an error.
async function orNone(asking) {
  try {
    return await asking;
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
}

const inPath = (part) => encodeURIComponent(part);

export const api = {
  // null when not logged in, so the page can choose its view without an error
  // (a 204 or an answer without a username counts as not logged in too).
  async me() {
    try {
      const me = await request('GET', '/api/me', undefined, { expect401: true });
      return me && typeof me.username === 'string' ? me : null;
    } catch (e) {
      if (e.status === 401) return null;
      throw e;
    }
  },
  register: (fields) => request('POST', '/api/register', fields, { expect401: true }),
  login: (username, password) =>
    request('POST', '/api/login', { username, password }, { expect401: true }),
  logout: () => request('POST', '/api/logout', {}, { expect401: true }),
  rooms: () => request('GET', '/api/rooms'),
  users: (q, limit = 50) =>
    request('GET', `/api/users?q=${encodeURIComponent(q)}&limit=${limit}`),
  unread: () => request('GET', '/api/unread'),
  // The private rooms this user has messages in, newest first: [{id, with}].
  privateRooms: () => request('GET', '/api/private-rooms'),
  changeEmail: (email) => request('POST', '/api/profile/email', { email }),
  changePassword: (fields) => request('POST', '/api/profile/password', fields),
  settings: () => request('GET', '/api/profile/settings'),
  saveSettings: (settings) => request('POST', '/api/profile/settings', settings),

  // Channels (issue 16): by the name as stored (lower-case), which is safe in a path.
  channels: (q = '', limit = 50) => request('GET', `/api/channels?q=${encodeURIComponent(q)}&limit=${limit}`),
  channel: (name) => request('GET', `/api/channels/${encodeURIComponent(name)}`),
  createChannel: (fields) => request('POST', '/api/channels', fields),
  joinChannel: (name) => request('POST', `/api/channels/${encodeURIComponent(name)}/join`),
  leaveChannel: (name) => request('POST', `/api/channels/${encodeURIComponent(name)}/leave`),
  declineChannel: (name) => request('POST', `/api/channels/${encodeURIComponent(name)}/decline`),
  inviteToChannel: (name, username) =>
    request('POST', `/api/channels/${encodeURIComponent(name)}/invite`, { username }),
  removeFromChannel: (name, username) =>
    request('POST', `/api/channels/${encodeURIComponent(name)}/remove`, { username }),
  setChannelRole: (name, username, role) =>
    request('POST', `/api/channels/${encodeURIComponent(name)}/role`, { username, role }),
  deleteChannel: (name) => request('DELETE', `/api/channels/${encodeURIComponent(name)}`),
  invitations: () => request('GET', '/api/invitations'),

  // Slash commands every bot registered (issue 19), for the composer's completion.
  commands: () => request('GET', '/api/commands'),

  // Shared files (issue 17): the uploader (or a channel's moderator) removes one; uploads are upload.js's.
  removeFile: (id) => request('DELETE', `/api/files/${encodeURIComponent(id)}`),

  // Contacts and blocks.
  contacts: () => request('GET', '/api/contacts'),
  requestContact: (username) => request('POST', '/api/contacts/requests', { username }),
  acceptContact: (username) => request('POST', `/api/contacts/requests/${encodeURIComponent(username)}/accept`),
  declineContact: (username) => request('POST', `/api/contacts/requests/${encodeURIComponent(username)}/decline`),
  removeContact: (username) => request('DELETE', `/api/contacts/${encodeURIComponent(username)}`),
  blocks: () => request('GET', '/api/blocks'),

  // End-to-end encryption (issue 20): public keys, the passphrase-wrapped backup, a private room switched on.
  keysOf: (username) => orNone(request('GET', `/api/keys/${inPath(username)}`)),
  identityOf: (username, fingerprint) =>
    orNone(request('GET', `/api/keys/${inPath(username)}/${inPath(fingerprint)}`)),
  publishKeys: (keys) => request('PUT', '/api/keys', keys),
  keyBackup: () => orNone(request('GET', '/api/keys/backup')),
  putKeyBackup: (blob) => request('PUT', '/api/keys/backup', blob),
  encryption: (room) => request('GET', `/api/private-rooms/${inPath(room)}/encryption`),
  encrypt: (room) => request('POST', `/api/private-rooms/${inPath(room)}/encryption`),
  block: (username) => request('POST', '/api/blocks', { username }),
  unblock: (username) => request('DELETE', `/api/blocks/${encodeURIComponent(username)}`),
};
