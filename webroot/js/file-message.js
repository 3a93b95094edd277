// A message's file as the page shows it (issue 17): what the server sent read into a small model, whether it is a
// picture shown inline, its size in words, its addresses, the "file removed" event, and the words for a refused
// upload. No DOM: file-view.js draws what this decides.

// Only these are shown in the page; the server serves only these inline, from the type it detected in the bytes.
export const PICTURE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

// The server's thumbnails have this longest side.
export const THUMB_SIDE = 320;

const whole = (v) => Number.isSafeInteger(v) && v >= 0;
const text = (v) => typeof v === 'string' && v.length > 0;

export function isPicture(type) {
  return PICTURE_TYPES.has(type);
}

// The file a message carries as { id, removed: true }, or { id, name, size, type, width, height, picture }
// (width and height null when the server could not measure it); null for a message without a (well-formed) file.
export function fileOf(message) {
  const f = message && message.file;
  if (!f || typeof f !== 'object' || !whole(f.id)) return null;
  if (f.removed === true) return { id: f.id, removed: true };
  if (!text(f.name) || !whole(f.size)) return null;
  const type = typeof f.type === 'string' ? f.type : 'application/octet-stream';
  const measured = whole(f.width) && whole(f.height) && f.width > 0 && f.height > 0;
  return {
    id: f.id,
    removed: false,
    name: f.name,
    size: f.size,
    type,
    width: measured ? f.width : null,
    height: measured ? f.height : null,
    picture: isPicture(type),
  };
}

// The file itself; the name is only for the browser's save dialog, so it is encoded whole, slashes too.
export function fileUrl(file) {
  return `/files/${file.id}/${encodeURIComponent(file.name)}`;
}

// A picture's thumbnail (404 when the server made none: then the page shows the file itself).
export function thumbUrl(file) {
  return `${fileUrl(file)}?thumb`;
}

// The box a picture's thumbnail fills, so the list does not jump when it loads: the picture scaled down (never
// up) to THUMB_SIDE on its longest side; null when its size is not known.
export function thumbBox(file, side = THUMB_SIDE) {
  if (!file || !file.width || !file.height) return null;
  const scale = Math.min(1, side / Math.max(file.width, file.height));
  return {
    width: Math.max(1, Math.round(file.width * scale)),
    height: Math.max(1, Math.round(file.height * scale)),
  };
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

// "512 bytes", "1.5 KiB", "340 KiB", "8.0 MiB": the binary units the server's own messages use ("25 MiB"), one
// decimal below ten.
export function formatSize(bytes) {
  if (!whole(bytes)) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  // 1023.7 KiB rounds up to the next unit rather than print "1024 KiB"
  if (shown === '1024' && unit < UNITS.length - 1) return `1.0 ${UNITS[unit + 1]}`;
  return `${shown} ${UNITS[unit]}`;
}

// {"type": "file.removed", "room", "message", "file"} on a room's address as { message, file }; null otherwise.
export function readFileRemoved(body) {
  if (!body || typeof body !== 'object' || body.type !== 'file.removed') return null;
  if (!Number.isSafeInteger(body.message)) return null;
  return { message: body.message, file: Number.isSafeInteger(body.file) ? body.file : null };
}

// Marks the file of message `messageId` in `room` (a RoomState) removed, as history would now give it; returns the
// message as it now is, or null when the room does not hold it (history will say so when it is loaded).
export function markRemoved(room, messageId) {
  const i = room.messages.findIndex((m) => m.id === messageId);
  if (i < 0) return null;
  const held = room.messages[i];
  const file = fileOf(held);
  if (!file) return null;
  if (file.removed) return held;
  const now = { ...held, file: { id: file.id, removed: true } };
  room.messages[i] = now;
  return now;
}

// What a notification says of a message: its text, or for a file shared without a caption, the file.
export function summary(message) {
  if (message.text) return message.text;
  const file = fileOf(message);
  if (!file) return '';
  if (file.removed) return 'File removed';
  return file.picture ? `Picture: ${file.name}` : `File: ${file.name}`;
}

const EXTENSIONS = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/gif': 'gif', 'image/webp': 'webp' };
const pad = (n) => String(n).padStart(2, '0');
// What Chrome and Firefox call every picture pasted from the clipboard.
const GENERIC_PASTE = /^image\.(png|jpe?g|gif|webp)$/i;

// The name a pasted file is shared under: a file copied in a file manager keeps its own; a picture from the
// clipboard, which the browser names "image.png" every time, is named by when it was pasted (local time), so two
// pastes read apart.
export function pastedName(name, type, date) {
  if (typeof name === 'string' && name && !GENERIC_PASTE.test(name)) return name;
  const stamp = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
    + ` ${pad(date.getHours())}.${pad(date.getMinutes())}.${pad(date.getSeconds())}`;
  return `Pasted ${stamp}.${EXTENSIONS[type] || 'bin'}`;
}

// The words for an upload the server did not take: the server's own reason when it gave one. `status` 0 is no
// answer at all.
export function refusalText(name, status, error) {
  const reason = text(error) ? error : defaultReason(status);
  return `Could not share “${name}”: ${reason}.`;
}

function defaultReason(status) {
  if (status === 0) return 'the connection was lost';
  if (status === 401) return 'your session has ended, please log in again';
  if (status === 413) return 'the file is too big';
  if (status === 429) return 'too many uploads at once, try again in a moment';
  if (status >= 500) return 'the server had a problem, try again in a moment';
  return 'the server refused it';
}
