// What this person sends from the composer of the open room: the text as a message (or a slash command, whose
// receipt is no message: its bot answers) through composer.js, or the files in the tray with the text as the first
// one's caption through upload.js; and a file of theirs taken back. In a private chat the encryption decides first
// (encrypted-rooms.js): sealed there when it is end-to-end encrypted, as text only when it is known not to be, and
// nothing at all while that is not known. What the server stored is handed to the session, which shows it as it
// shows every message.

import { api } from './api.js';
import { Composer, MAX_TEXT } from './composer.js';
import { isMessage } from './rooms.js';
import { Uploads } from './upload.js';

const NO_FILES = 'Files cannot be shared in an end-to-end encrypted chat: they would not be encrypted.';

export class Outbox {
  // bus: the ChatBus. view: the ChatView. current(): the open RoomState or null. encryption: { mode(roomId),
  // isEncrypted(roomId), seal(roomId, text), refused(roomId, error) } of encrypted-rooms.js. Hooks:
  //   posted(roomId, stored)      the server's answer to a send: the stored message, or a command's receipt
  //   fileRemoved(room, message)  a file of theirs is gone: its message says so
  //   unauthorized()              an upload was refused for want of a session
  constructor({ bus, view, current, encryption, posted, fileRemoved, unauthorized }) {
    this.view = view;
    this.current = current;
    this.encryption = encryption;
    this.fileRemoved = fileRemoved;
    this.stopped = false;
    this.waiting = false;  // a send waits for a private chat's state
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
      refused: (roomId, error) => encryption.refused(roomId, error),
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

  // Send: the files in the tray with the text as the first one's caption, or else the text as a message; in an
  // encrypted chat the text sealed, never a file. A private chat whose state is still being asked for is waited for
  // (a moment), then decided on.
  async send() {
    const room = this.current();
    const roomId = room && room.id;
    let mode = roomId ? this.encryption.mode(roomId) : { kind: 'plain' };
    if (mode.kind === 'blocked' && (mode.transient || mode.retry)) {
      if (this.waiting) return;
      this.waiting = true;
      try {
        await this.encryption.settled(roomId);
      } finally {
        this.waiting = false;
      }
      if (this.stopped || this.current() !== room) return;
      mode = this.encryption.mode(roomId);
    }
    const text = this.view.composerText();
    if (mode.kind === 'sealed') {
      if (this.uploads.hasReady()) {
        this.view.showSendError(NO_FILES);
        return;
      }
      this.composer.send(roomId, text, (plain) => this.encryption.seal(roomId, plain));
      return;
    }
    if (mode.kind !== 'plain') {
      if (text.trim() || this.uploads.hasReady()) this.view.showSendError(`Not sent: ${mode.text}`);
      return;
    }
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

  // The tray's files, chosen, cancelled or tried again. None for an encrypted chat: the server cannot take a file
  // it could read there.
  add(files) {
    const room = this.current();
    if (room && this.encryption.isEncrypted(room.id)) {
      this.view.showSendError(NO_FILES);
      return;
    }
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
