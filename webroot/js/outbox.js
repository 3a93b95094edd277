// What this person sends from the composer of the open room: the text as a message (or a slash command, whose
// receipt is no message: its bot answers) through composer.js, or the files in the tray with the text as the first
// one's caption through upload.js; and a file of theirs taken back. What the server stored is handed to the session,
// which shows it as it shows every message.

import { api } from './api.js';
import { Composer, MAX_TEXT } from './composer.js';
import { isMessage } from './rooms.js';
import { Uploads } from './upload.js';

export class Outbox {
  // bus: the ChatBus. view: the ChatView. current(): the open RoomState or null. Hooks:
  //   posted(roomId, stored)      the server's answer to a send: the stored message, or a command's receipt
  //   fileRemoved(room, message)  a file of theirs is gone: its message says so
  //   unauthorized()              an upload was refused for want of a session
  constructor({ bus, view, current, posted, fileRemoved, unauthorized }) {
    this.view = view;
    this.current = current;
    this.fileRemoved = fileRemoved;
    this.stopped = false;
    this.composer = new Composer({
      bus,
      busy: (sending) => {
        view.setSending(sending);
        if (!sending && !this.stopped) view.focusInput();
      },
      problem: (message) => (message === null ? view.hideSendError() : view.showSendError(message)),
      sent: (roomId, stored) => {
        view.clearComposer();
        posted(roomId, stored);
      },
    });
    this.uploads = new Uploads({
      changed: (items) => view.showAttachments(items),
      progress: (item) => view.attachments.showProgress(item),
      shared: (roomId, stored) => {
        if (isMessage(stored)) posted(roomId, stored);
      },
      captionBack: (text) => view.restoreCaption(text),
      unauthorized,
    });
  }

  stop() {
    this.stopped = true;
    this.composer.stop();
    this.uploads.stop();
  }

  // Send: the files in the tray with the text as the first one's caption, or else the text as a message.
  send() {
    const room = this.current();
    const roomId = room && room.id;
    const text = this.view.composerText();
    if (!roomId || !this.uploads.hasReady()) {
      this.composer.send(roomId, text);
      return;
    }
    const caption = text.trim();
    const length = [...caption].length;
    if (length > MAX_TEXT) {
      this.view.showSendError(`This caption has ${length} characters; the limit is ${MAX_TEXT}.`);
      return;
    }
    this.view.hideSendError();
    if (this.uploads.send(roomId, caption)) this.view.clearComposer();
  }

  // The tray's files, chosen, cancelled or tried again.
  add(files) {
    if (this.uploads.add(files)) this.view.focusInput();
  }

  cancel(key) {
    this.uploads.cancel(key);
  }

  retry(key) {
    this.uploads.retry(key);
  }

  async removeFile(fileId, messageId) {
    const room = this.current();
    try {
      await api.removeFile(fileId);
      this.fileRemoved(room, messageId);
    } catch (e) {
      if (this.stopped) return;
      this.view.showRoomNotice(`Could not remove the file: ${e.message}`);
      const m = room.messages.find((x) => x.id === messageId);
      if (m && room === this.current()) this.view.messages.replace(m);  // its Remove works again
    }
  }
}
