// What the server tells this person on chat.user.<me>, sorted out, and the notices waiting for an answer:
// invitations to channels and requests to connect. No DOM: the notices list and its badge ask it.

import { channelRoomId } from './channel-name.js';

const text = (v) => typeof v === 'string' && v.length > 0;

// One body from chat.user.<me> as { kind, ... }: 'private' (a private message), 'invite', 'removed', 'deleted',
// 'contact-request', 'contact-accepted', 'ephemeral' (a bot's reply to this person alone), 'encryption' (a private
// chat was switched to end-to-end encryption), 'keys' (a partner in an encrypted chat has new keys), or null for
// anything else.
export function readUserNotice(body) {
  if (!body || typeof body !== 'object') return null;
  switch (body.type) {
    case undefined:
      return text(body.room) && body.message ? { kind: 'private', room: body.room, message: body.message } : null;
    case 'channel.invite':
      return text(body.channel) && text(body.from)
        ? { kind: 'invite', channel: body.channel, room: channelRoomId(body.channel), from: body.from } : null;
    case 'channel.removed':
    case 'channel.deleted':
      return text(body.channel) ? {
        kind: body.type === 'channel.removed' ? 'removed' : 'deleted',
        channel: body.channel,
        room: channelRoomId(body.channel),
        by: text(body.by) ? body.by : null,
      } : null;
    case 'contact.request':
      return text(body.from) ? { kind: 'contact-request', from: body.from } : null;
    case 'contact.accepted':
      return text(body.by) ? { kind: 'contact-accepted', by: body.by } : null;
    case 'ephemeral':
      return text(body.room) && text(body.sender) && typeof body.text === 'string' ? {
        kind: 'ephemeral', room: body.room, sender: body.sender, text: body.text,
        ts: typeof body.ts === 'number' ? body.ts : Date.now(),
      } : null;
    case 'encryption':
      return text(body.room) ? { kind: 'encryption', room: body.room, by: text(body.by) ? body.by : null } : null;
    case 'keys':
      return text(body.user) ? { kind: 'keys', user: body.user } : null;
    default:
      return null;
  }
}

// The words a person reads when they lost a channel.
export function lostChannelText(kind, channel, by) {
  if (kind === 'deleted') return by ? `${by} deleted #${channel}.` : `#${channel} was deleted.`;
  return by ? `You were removed from #${channel} by ${by}.` : `You were removed from #${channel}.`;
}

// The notices waiting for an answer, newest first. Invitations are keyed by channel, requests by name, so the
// same one told twice (the live notice and the list on load) is listed once.
export class NoticeList {
  constructor() {
    this.items = new Map();  // key -> { key, kind: 'invite'|'contact-request', ... }
    this.order = 0;
  }

  static inviteKey(channel) {
    return `invite:${channel}`;
  }

  static requestKey(name) {
    return `request:${name.toLowerCase()}`;
  }

  // An invitation, from the live notice or GET /api/invitations ({channel, visibility, description, from}).
  // True when it is new.
  invited({ channel, from, description = '', visibility = null }) {
    if (!text(channel)) return false;
    const key = NoticeList.inviteKey(channel);
    const known = this.items.get(key);
    this.items.set(key, {
      ...known, key, kind: 'invite', channel, from: text(from) ? from : known?.from ?? '',
      description: typeof description === 'string' ? description : '', visibility,
      seq: known?.seq ?? ++this.order,
    });
    return !known;
  }

  // A request to connect from `from`. True when it is new.
  requested(from) {
    if (!text(from)) return false;
    const key = NoticeList.requestKey(from);
    if (this.items.has(key)) return false;
    this.items.set(key, { key, kind: 'contact-request', from, seq: ++this.order });
    return true;
  }

  // Requests to connect are the contact book's incoming list: that list, in full, replaces them.
  setRequests(names) {
    for (const [key, item] of this.items) if (item.kind === 'contact-request') this.items.delete(key);
    for (const name of names) this.requested(name);
  }

  answered(key) {
    return this.items.delete(key);
  }

  list() {
    return [...this.items.values()].sort((a, b) => b.seq - a.seq);
  }

  get count() {
    return this.items.size;
  }
}
