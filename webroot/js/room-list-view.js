// The room list beside the chat: public rooms, channels and private chats, each with its unread count and, for a
// private chat, the partner's presence dot and a bot badge when the partner is a bot. User strings go in as text.

import { botBadge } from './bot-badge.js';
import { el } from './dom.js';

// The room list: public rooms first (server order), then private rooms by name.
export class RoomListView {
  constructor(root, publicList, dmList, dmEmpty, channelList, channelEmpty) {
    this.root = root;
    this.publicList = publicList;
    this.dmList = dmList;
    this.dmEmpty = dmEmpty;
    this.channelList = channelList;
    this.channelEmpty = channelEmpty;
  }

  clear() {
    this.publicList.replaceChildren();
    this.dmList.replaceChildren();
    this.channelList.replaceChildren();
    this.dmEmpty.hidden = false;
    this.channelEmpty.hidden = false;
  }

  // A channel left the list (left, removed, deleted).
  remove(id) {
    this.item(id)?.closest('li').remove();
    this.channelEmpty.hidden = this.channelList.children.length > 0;
  }

  item(id) {
    return this.root.querySelector(`[data-room="${CSS.escape(id)}"]`);
  }

  // { id, label, kind: 'global'|'topic'|'channel'|'dm', private: a private channel }
  add({ id, label, kind, private: isPrivate = false }) {
    if (this.item(id)) return;
    const button = el('button', 'room-item');
    button.type = 'button';
    button.dataset.room = id;
    button.dataset.kind = kind;
    if (kind === 'dm') {
      const dot = el('span', 'dot room-presence');
      dot.dataset.online = 'false';
      dot.setAttribute('aria-hidden', 'true');
      button.append(dot);
    } else {
      button.append(el('span', 'room-sigil', '#'));
      if (isPrivate) button.dataset.private = 'true';
    }
    button.append(el('span', 'room-name', label));
    const badge = el('span', 'badge rounded-pill text-bg-danger unread', '0');
    badge.hidden = true;
    button.append(badge);
    this.updateLabel(button);
    const li = el('li');
    li.append(button);
    if (kind === 'dm' || kind === 'channel') {
      const list = kind === 'dm' ? this.dmList : this.channelList;
      const after = [...list.children].find(
        (other) => other.querySelector('.room-name').textContent.toLowerCase() > label.toLowerCase());
      list.insertBefore(li, after || null);
      (kind === 'dm' ? this.dmEmpty : this.channelEmpty).hidden = true;
    } else {
      this.publicList.append(li);
    }
  }

  // Screen readers hear the name and the count together.
  updateLabel(button) {
    const label = button.querySelector('.room-name').textContent;
    const name = button.querySelector('.bot-badge') ? `${label} (bot)` : label;
    const count = Number(button.querySelector('.unread').textContent);
    const kinds = {
      dm: `private chat with ${name}`,
      channel: button.dataset.private ? `private channel ${name}` : `channel ${name}`,
    };
    const kind = kinds[button.dataset.kind] || `room ${name}`;
    button.setAttribute('aria-label', count ? `${kind}, ${count} unread` : kind);
  }

  setLabel(id, label) {
    const button = this.item(id);
    if (!button) return;
    button.querySelector('.room-name').textContent = label;
    this.updateLabel(button);
  }

  setActive(id) {
    for (const button of this.root.querySelectorAll('[data-room]')) {
      if (button.dataset.room === id) button.setAttribute('aria-current', 'true');
      else button.removeAttribute('aria-current');
    }
  }

  setUnread(id, count) {
    const button = this.item(id);
    if (!button) return;
    const badge = button.querySelector('.unread');
    badge.textContent = String(count);
    badge.hidden = count === 0;
    this.updateLabel(button);
  }

  setOnline(id, online) {
    const dot = this.item(id)?.querySelector('.room-presence');
    if (dot) dot.dataset.online = String(online);
  }

  // A private chat whose partner is a bot gets its badge after the name.
  setBot(id, bot) {
    const button = this.item(id);
    if (!button || Boolean(button.querySelector('.bot-badge')) === bot) return;
    if (bot) button.querySelector('.room-name').after(botBadge());
    else button.querySelector('.bot-badge').remove();
    this.updateLabel(button);
  }
}
