// A message's file in the list, as file-message.js reads it: a picture as its thumbnail (the file itself when the
// server made none), which opens full size in the picture dialog; any other file as a card with its name, size and
// a download link; "File removed" in place of a removed one; and on the uploader's own file, the control that
// removes it, which asks once more before it does. Names go in as text.

import { el } from './dom.js';
import { fileOf, fileUrl, formatSize, thumbBox, thumbUrl } from './file-message.js';
import { showModal } from './modals.js';

const DISARM_AFTER = 4000;

function pictureElement(file) {
  const link = el('a', 'file-picture');
  link.href = fileUrl(file);
  link.dataset.picture = file.name;
  link.setAttribute('aria-label', `Picture ${file.name}, ${formatSize(file.size)}: open full size`);
  const img = el('img', 'file-thumb');
  img.alt = file.name;
  const box = thumbBox(file);
  if (box) {
    img.width = box.width;
    img.height = box.height;
  }
  // No thumbnail (404: too large to make one, or a picture the server could not read): the picture itself.
  img.addEventListener('error', () => {
    if (!img.dataset.fallback) {
      img.dataset.fallback = 'file';
      img.src = fileUrl(file);
    } else {
      img.replaceWith(el('span', 'file-unavailable', `${file.name} (cannot be shown)`));
    }
  });
  img.src = thumbUrl(file);
  link.append(img);
  return link;
}

// The last part of the name, as a badge on the card: "PDF", "ZIP"; "FILE" when there is none.
function kindLabel(name) {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && dot < name.length - 1 ? name.slice(dot + 1) : '';
  return ext && ext.length <= 5 ? ext.toUpperCase() : 'FILE';
}

function cardElement(file) {
  const card = el('div', 'file-card');
  card.append(el('span', 'file-kind', kindLabel(file.name)));
  const about = el('div', 'file-about');
  about.append(el('span', 'file-name', file.name), el('span', 'file-size', formatSize(file.size)));
  const download = el('a', 'btn btn-sm btn-outline-primary file-download', 'Download');
  download.href = fileUrl(file);
  download.download = file.name;
  download.setAttribute('aria-label', `Download ${file.name}, ${formatSize(file.size)}`);
  card.append(about, download);
  return card;
}

// What stands for the message's file, or null for a message without one.
export function fileElement(message) {
  const file = fileOf(message);
  if (!file) return null;
  const part = el('div', 'file');
  part.dataset.file = String(file.id);
  if (file.removed) {
    part.classList.add('removed');
    part.append(el('span', 'file-removed', 'File removed'));
  } else {
    part.append(file.picture ? pictureElement(file) : cardElement(file));
  }
  return part;
}

// The uploader's "Remove" on their own file (the server says no to anyone else but a channel's moderators), or
// null when there is nothing to remove.
export function removeControl(message) {
  const file = fileOf(message);
  if (!file || file.removed) return null;
  const button = el('button', 'btn btn-link btn-sm file-remove', 'Remove');
  button.type = 'button';
  button.dataset.removeFile = String(file.id);
  button.dataset.message = String(message.id);
  button.setAttribute('aria-label', `Remove ${file.name} for everyone`);
  return button;
}

// The first click on "Remove" asks ("Remove for everyone?"), a second one within a few seconds does it: true when
// this click is the second.
export function confirmRemove(button) {
  if (button.dataset.armed) return true;
  button.dataset.armed = 'true';
  button.textContent = 'Remove for everyone?';
  setTimeout(() => {
    if (!button.isConnected || button.disabled) return;
    delete button.dataset.armed;
    button.textContent = 'Remove';
  }, DISARM_AFTER);
  return false;
}

// The dialog a picture opens in, full size, with its name and a download link.
export class PictureViewer {
  constructor(modal) {
    this.modal = modal;
    this.title = modal.querySelector('.picture-title');
    this.img = modal.querySelector('.picture-full');
    this.download = modal.querySelector('.picture-download');
    // Let go of the picture once closed, so a large one is not kept decoded.
    modal.addEventListener('hidden.bs.modal', () => this.img.removeAttribute('src'));
  }

  // link: a thumbnail's <a>, whose href is the file.
  open(link) {
    const name = link.dataset.picture;
    this.title.textContent = name;
    this.img.alt = name;
    this.img.src = link.href;
    this.download.href = link.href;
    this.download.download = name;
    showModal(this.modal);
  }
}
