// Sharing files: the files chosen (attach button, drop, paste) wait in the composer's tray until Send, then go up
// one at a time, each as its own POST /api/rooms/<room>/files with an XMLHttpRequest (fetch tells nothing of an
// upload's progress). The composer's text at Send is the first file's caption. No DOM: it is given how to post a
// file, and tells the caller when the tray changed, how far the file on its way is, and what the server stored.

import { refusalText } from './file-message.js';
import { isMessage } from './rooms.js';

// The server's refusal ({error}), or no answer at all (status 0); `cancelled` when the person stopped it.
export class UploadError extends Error {
  constructor(status, error, cancelled = false) {
    super(typeof error === 'string' ? error : '');
    this.status = status;
    this.error = typeof error === 'string' && error ? error : null;
    this.cancelled = cancelled;
  }
}

function parse(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

// One file's upload: multipart parts `file` (with its name) and `caption`. `progress(percent)` hears 0..100 as
// the bytes leave (100: all sent, the server is storing it). Returns { done, abort }: `done` resolves with the
// stored message, or rejects with an UploadError.
export function postFile({ roomId, file, caption = '', progress = () => {},
  newRequest = () => new XMLHttpRequest(), newForm = () => new FormData() }) {
  const xhr = newRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open('POST', `/api/rooms/${encodeURIComponent(roomId)}/files`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) progress(Math.min(100, Math.floor((e.loaded * 100) / e.total)));
    };
    xhr.upload.onload = () => progress(100);
    xhr.onload = () => {
      const data = parse(xhr.responseText);
      if (xhr.status === 201 && isMessage(data)) resolve(data);
      else reject(new UploadError(xhr.status === 201 ? 500 : xhr.status, data && data.error));
    };
    xhr.onerror = () => reject(new UploadError(0, null));
    xhr.onabort = () => reject(new UploadError(0, null, true));
    const form = newForm();
    form.append('file', file, file.name);
    form.append('caption', caption);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

let lastKey = 0;

// The tray: each item is { key, file, name, size, state, progress, error, caption, roomId } where state is
//   'ready'    chosen, waiting for Send
//   'queued'   sent, waiting for the file before it
//   'sending'  on its way; `progress` 0..100
//   'failed'   not taken: `error` says why; `retryable` when trying again may help (no answer, busy server)
// A file the server stored leaves the tray; so does one cancelled or discarded. A failed one stays until the
// person takes it away or tries again, and is not sent by the next Send (which may be a text message).
export class Uploads {
  // Hooks, all optional:
  //   changed(items)            the tray changed (added, sent, failed, removed): draw it again
  //   progress(item)            the file on its way got further (item.progress)
  //   shared(roomId, message)   the server stored a file: its message
  //   captionBack(text)         a caption that was not shared after all, for the composer to show again
  //   unauthorized()            the server says the session is gone
  constructor({ post = postFile, ...hooks } = {}) {
    this.post = post;
    this.hooks = hooks;
    this.items = [];
    this.active = null;  // { item, abort } of the file on its way
    this.stopped = false;
  }

  hook(name, ...args) {
    if (this.hooks[name]) this.hooks[name](...args);
  }

  // Files (File objects, or anything with name and size) into the tray; returns how many.
  add(files) {
    let added = 0;
    for (const file of files) {
      if (!file || typeof file.name !== 'string' || !Number.isSafeInteger(file.size)) continue;
      this.items.push({
        key: ++lastKey, file, name: file.name || 'file', size: file.size, state: 'ready', progress: null,
        error: null, retryable: false, caption: '', roomId: null,
      });
      added++;
    }
    if (added) this.hook('changed', this.items);
    return added;
  }

  // Files waiting for Send.
  hasReady() {
    return this.items.some((item) => item.state === 'ready');
  }

  // Files sent and not yet stored.
  get busy() {
    return this.items.some((item) => item.state === 'queued' || item.state === 'sending');
  }

  // Sends every file waiting in the tray to `roomId`, `caption` with the first; returns how many went.
  send(roomId, caption = '') {
    if (!roomId || this.stopped) return 0;
    const going = this.items.filter((item) => item.state === 'ready');
    for (const [i, item] of going.entries()) {
      Object.assign(item, { state: 'queued', roomId, caption: i === 0 ? caption : '' });
    }
    if (going.length) {
      this.hook('changed', this.items);
      this.next();
    }
    return going.length;
  }

  // "Try again" on a failed file: it goes again to the room it was sent to, without a caption (that went back
  // to the composer).
  retry(key) {
    const item = this.items.find((it) => it.key === key);
    if (!item || item.state !== 'failed' || this.stopped) return;
    Object.assign(item, { state: 'queued', error: null, retryable: false });
    this.hook('changed', this.items);
    this.next();
  }

  // The person's × on a file: one waiting or queued leaves the tray, one on its way is stopped first.
  cancel(key) {
    const item = this.items.find((it) => it.key === key);
    if (!item) return;
    if (this.active && this.active.item === item) {
      this.active.abort();  // its upload ends with `cancelled`, which takes it out
      return;
    }
    this.drop(item);
    this.hook('changed', this.items);
  }

  // Out of the tray; a caption it carried goes with the next file to the same room, or back to the composer.
  drop(item) {
    this.items = this.items.filter((it) => it !== item);
    if (!item.caption) return;
    const heir = this.items.find((it) => it.state === 'queued' && it.roomId === item.roomId);
    if (heir) heir.caption = item.caption;
    else this.hook('captionBack', item.caption);
  }

  async next() {
    if (this.active || this.stopped) return;
    const item = this.items.find((it) => it.state === 'queued');
    if (!item) return;
    item.state = 'sending';
    item.progress = 0;
    const upload = this.post({
      roomId: item.roomId,
      file: item.file,
      caption: item.caption,
      progress: (percent) => {
        if (this.active?.item !== item || percent === item.progress) return;
        item.progress = percent;
        this.hook('progress', item);
      },
    });
    this.active = { item, abort: upload.abort };
    this.hook('changed', this.items);
    try {
      const message = await upload.done;
      if (this.stopped) return;
      item.caption = '';
      this.drop(item);
      this.hook('shared', item.roomId, message);
    } catch (e) {
      if (this.stopped) return;
      const err = e instanceof UploadError ? e : new UploadError(0, null);
      if (err.cancelled) {
        this.drop(item);
      } else {
        if (item.caption) this.hook('captionBack', item.caption);
        Object.assign(item, { state: 'failed', progress: null, caption: '',
          error: refusalText(item.name, err.status, err.error),
          retryable: err.status === 0 || err.status === 429 || err.status >= 500 });
        if (err.status === 401) this.hook('unauthorized');
      }
    } finally {
      if (this.active?.item === item) this.active = null;
    }
    if (this.stopped) return;
    this.hook('changed', this.items);
    this.next();
  }

  // Logout: the file on its way is stopped, the tray forgotten.
  stop() {
    this.stopped = true;
    if (this.active) this.active.abort();
    this.active = null;
    this.items = [];
  }
}
