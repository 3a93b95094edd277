// What the bus says about each room this session lists, followed while the room is listed: on chat.room.<id> its
// messages and the events that are none (a file removed; anything else, such as a poll's counts, goes to `event`),
// on chat.typing.<id> who is typing, and for a channel the server failing either address with 403, which is how a
// member who is removed hears it.

import { readFileRemoved } from './file-message.js';
import { isMessage } from './rooms.js';

export class RoomFeeds {
  // bus: the ChatBus. Hooks:
  //   message(room, m)             a message, live
  //   fileRemoved(room, messageId) a file was removed from message `messageId`
  //   event(room, body)            any other body on the room's address
  //   typing(roomId, body)         a chat.typing event
  //   removed(roomId)              this person is no longer in the channel
  constructor(bus, { message, fileRemoved, event, typing, removed }) {
    this.bus = bus;
    this.hooks = { message, fileRemoved, event, typing, removed };
  }

  // `room` (a RoomState) joined the list; `channel` says whether it is a channel.
  follow(room, channel) {
    const id = room.id;
    const failed = channel ? (err) => {
      if (err && err.failureCode === 403) this.hooks.removed(id);
    } : null;
    this.bus.subscribe(`chat.room.${id}`, (body) => {
      if (isMessage(body)) {
        this.hooks.message(room, body);
        return;
      }
      const removal = readFileRemoved(body);
      if (removal) this.hooks.fileRemoved(room, removal.message);
      else this.hooks.event(room, body);
    }, failed);
    this.bus.subscribe(`chat.typing.${id}`, (body) => this.hooks.typing(id, body), failed);
  }

  // The room left the list: nothing more is heard from it.
  unfollow(id) {
    this.bus.unsubscribe(`chat.room.${id}`);
    this.bus.unsubscribe(`chat.typing.${id}`);
  }
}
