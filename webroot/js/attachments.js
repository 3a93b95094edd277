// The composer's files: the attach button and its file picker, files dropped on the room or pasted, and the tray
// above the input that lists them (upload.js's items) with their progress bar, reason, "Try again" and ×. It only
// draws the tray and passes on what the person did; upload.js decides. Names go in as text.

import { el } from './dom.js';
import { formatSize, pastedName } from './file-message.js';

const $ = (id) => document.getElementById(id);

// Only a drag that carries files is ours (dragging text or a link over the room is left to the browser).
const carriesFiles = (e) => Boolean(e.dataTransfer) && [...e.dataTransfer.types].includes('Files');

export class AttachmentsView {
  constructor() {
    this.dom = {
      attach: $('attach-button'),
      input: $('file-input'),
      tray: $('attachments'),
      dropZone: $('drop-zone'),
      room: document.querySelector('.chat-main'),
      chat: $('chat-view'),
      message: $('message-input'),
    };
  }

  // on: add(files), cancel(key), retry(key). Everything is let go when `signal` aborts.
  bind(on, signal) {
    const d = this.dom;
    d.attach.addEventListener('click', () => d.input.click(), { signal });
    d.input.addEventListener('change', () => {
      if (d.input.files.length) on.add([...d.input.files]);
      d.input.value = '';  // the same file may be chosen again
    }, { signal });

    // Over the room: the drop zone shows; dropped: the files are in the tray. The count keeps the zone up while
    // the pointer crosses the room's own elements, each of which fires enter and leave.
    let depth = 0;
    const showZone = (shown) => {
      d.dropZone.hidden = !shown;
      if (!shown) depth = 0;
    };
    d.room.addEventListener('dragenter', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth++;
      showZone(true);
    }, { signal });
    d.room.addEventListener('dragover', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }, { signal });
    d.room.addEventListener('dragleave', (e) => {
      if (!carriesFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) showZone(false);
    }, { signal });
    d.room.addEventListener('drop', (e) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      showZone(false);
      if (e.dataTransfer.files.length) on.add([...e.dataTransfer.files]);
    }, { signal });
    // A file dropped beside the room would be opened by the browser in place of the chat.
    for (const type of ['dragover', 'drop']) {
      window.addEventListener(type, (e) => {
        if (!carriesFiles(e) || d.room.contains(e.target)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'none';
      }, { signal });
    }

    // A picture pasted in the chat (a screenshot, a copied image): in the tray. Not while typing in another field
    // or in a dialog, where a paste is that field's.
    document.addEventListener('paste', (e) => {
      const files = e.clipboardData ? [...e.clipboardData.files] : [];
      if (!files.length || d.chat.hidden) return;
      const target = e.target instanceof Element ? e.target : null;
      if (target && target !== d.message && (target.closest('.modal') || target.matches('input, textarea, select'))) {
        return;
      }
      e.preventDefault();
      const now = new Date();
      on.add(files.map((f) => {
        const name = pastedName(f.name, f.type, now);
        return name === f.name ? f : new File([f], name, { type: f.type, lastModified: now.getTime() });
      }));
    }, { signal });

    d.tray.addEventListener('click', (e) => {
      const cancel = e.target.closest('[data-cancel]');
      if (cancel) on.cancel(Number(cancel.dataset.cancel));
      const retry = e.target.closest('[data-retry]');
      if (retry) on.retry(Number(retry.dataset.retry));
    }, { signal });
  }

  // The tray drawn from upload.js's items.
  render(items) {
    this.dom.tray.replaceChildren(...items.map((item) => this.itemElement(item)));
    this.dom.tray.hidden = items.length === 0;
  }

  itemElement(item) {
    const li = el('li', 'attachment');
    li.dataset.key = String(item.key);
    li.dataset.state = item.state;
    const head = el('div', 'attachment-head');
    head.append(el('span', 'attachment-name', item.name), el('span', 'attachment-size', formatSize(item.size)));
    const status = el('span', 'attachment-status');
    head.append(status);
    if (item.state === 'failed' && item.retryable) {
      const retry = el('button', 'btn btn-link btn-sm attachment-retry', 'Try again');
      retry.type = 'button';
      retry.dataset.retry = String(item.key);
      head.append(retry);
    }
    const cancel = el('button', 'close-x attachment-cancel', '×');
    cancel.type = 'button';
    cancel.dataset.cancel = String(item.key);
    cancel.setAttribute('aria-label',
      item.state === 'sending' ? `Cancel the upload of ${item.name}` : `Take ${item.name} away`);
    head.append(cancel);
    li.append(head);

    if (item.state === 'sending') {
      const bar = el('div', 'progress upload-progress');
      bar.setAttribute('role', 'progressbar');
      bar.setAttribute('aria-label', `Uploading ${item.name}`);
      bar.setAttribute('aria-valuemin', '0');
      bar.setAttribute('aria-valuemax', '100');
      bar.append(el('div', 'progress-bar'));
      li.append(bar);
    } else if (item.state === 'failed') {
      const error = el('p', 'attachment-error', item.error);
      error.setAttribute('role', 'alert');
      li.append(error);
    }
    this.showStatus(li, item);
    return li;
  }

  // How far the file on its way is: the bar, and words beside the name.
  showProgress(item) {
    const li = this.dom.tray.querySelector(`[data-key="${item.key}"]`);
    if (li) this.showStatus(li, item);
  }

  showStatus(li, item) {
    const words = {
      ready: 'ready to send',
      queued: 'waiting',
      sending: item.progress >= 100 ? 'processing…' : `${item.progress ?? 0}%`,
      failed: 'not shared',
    };
    li.querySelector('.attachment-status').textContent = words[item.state] ?? '';
    const bar = li.querySelector('.upload-progress');
    if (!bar) return;
    const percent = item.progress ?? 0;
    bar.setAttribute('aria-valuenow', String(percent));
    bar.firstElementChild.style.width = `${percent}%`;
  }

  clear() {
    this.render([]);
    this.dom.dropZone.hidden = true;
    this.dom.input.value = '';
  }
}
