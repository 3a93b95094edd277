// A message's file (webroot/js/file-message.js): what the server sent read into the page's model, which types show
// inline, sizes in words, the addresses, the "file removed" event and the words for a refused upload.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PICTURE_TYPES, fileOf, fileUrl, formatSize, isPicture, markRemoved, pastedName, readFileRemoved, refusalText,
  summary, thumbBox, thumbUrl,
} from '../../../webroot/js/file-message.js';
import { RoomState } from '../../../webroot/js/rooms.js';

const message = (id, file, text = '') => ({ id, room: 'dm.alice.bob', sender: 'alice', text, ts: 1_700_000_000_000 + id, file });

test('only PNG, JPEG, GIF and WebP are pictures shown in the page; SVG and the rest are files to download', () => {
  for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) assert.ok(isPicture(type), type);
  for (const type of ['image/svg+xml', 'image/bmp', 'image/tiff', 'application/pdf', 'text/html', '', undefined,
    'IMAGE/PNG', 'image/png; charset=x']) {
    assert.ok(!isPicture(type), String(type));
  }
  assert.equal(PICTURE_TYPES.size, 4);
});

test('a file message is read into the model; width and height only when both are given', () => {
  assert.deepEqual(fileOf(message(1, { id: 7, name: 'cat.png', size: 2048, type: 'image/png', width: 640, height: 480 })),
    { id: 7, removed: false, name: 'cat.png', size: 2048, type: 'image/png', width: 640, height: 480, picture: true });
  assert.deepEqual(fileOf(message(2, { id: 8, name: 'report.pdf', size: 10, type: 'application/pdf' })),
    { id: 8, removed: false, name: 'report.pdf', size: 10, type: 'application/pdf', width: null, height: null,
      picture: false });
  const half = fileOf(message(3, { id: 9, name: 'x.gif', size: 1, type: 'image/gif', width: 5 }));
  assert.equal(half.width, null);
  assert.equal(half.height, null);
  assert.deepEqual(fileOf(message(4, { id: 9, removed: true })), { id: 9, removed: true });
});

test('a message without a file, or with one the page cannot use, has no file', () => {
  for (const file of [undefined, null, 'x', {}, { id: '7', name: 'a', size: 1 }, { id: 7, size: 1 },
    { id: 7, name: '', size: 1 }, { id: 7, name: 'a', size: -1 }, { id: 7, name: 'a' }, { id: 1.5, removed: true }]) {
    assert.equal(fileOf(message(1, file)), null, JSON.stringify(file));
  }
  assert.equal(fileOf(null), null);
});

test('a file\'s addresses carry its id and its name encoded whole; the thumbnail is the same with ?thumb', () => {
  const file = { id: 42, name: 'my notes/été #1?.pdf' };
  assert.equal(fileUrl(file), '/files/42/my%20notes%2F%C3%A9t%C3%A9%20%231%3F.pdf');
  assert.equal(thumbUrl(file), '/files/42/my%20notes%2F%C3%A9t%C3%A9%20%231%3F.pdf?thumb');
});

test('a thumbnail keeps the picture\'s shape within 320 px and never grows a small picture', () => {
  assert.deepEqual(thumbBox({ width: 1600, height: 1200 }), { width: 320, height: 240 });
  assert.deepEqual(thumbBox({ width: 300, height: 3000 }), { width: 32, height: 320 });
  assert.deepEqual(thumbBox({ width: 100, height: 50 }), { width: 100, height: 50 });
  assert.deepEqual(thumbBox({ width: 5000, height: 1 }), { width: 320, height: 1 });
  assert.equal(thumbBox({ width: null, height: null }), null);
  assert.equal(thumbBox(null), null);
});

test('sizes read as people say them, in the binary units of the server\'s own messages', () => {
  const cases = [[0, '0 bytes'], [1, '1 byte'], [1023, '1023 bytes'], [1024, '1.0 KiB'], [1536, '1.5 KiB'],
    [10_240, '10 KiB'], [10_188, '9.9 KiB'], [10_200, '10 KiB'], [348_160, '340 KiB'], [1_048_000, '1023 KiB'], [1_048_500, '1.0 MiB'],
    [8 * 1024 * 1024, '8.0 MiB'], [25 * 1024 * 1024, '25 MiB'], [1024 ** 3, '1.0 GiB'], [5 * 1024 ** 4, '5.0 TiB']];
  for (const [bytes, words] of cases) assert.equal(formatSize(bytes), words, String(bytes));
  assert.equal(formatSize(-1), '');
  assert.equal(formatSize(1.5), '');
});

test('the "file removed" event is read from a room\'s address; other bodies are not it', () => {
  assert.deepEqual(readFileRemoved({ type: 'file.removed', room: 'global', message: 12, file: 3 }), { message: 12, file: 3 });
  assert.deepEqual(readFileRemoved({ type: 'file.removed', message: 12 }), { message: 12, file: null });
  for (const body of [null, 'file.removed', {}, { type: 'file.removed' }, { type: 'file.removed', message: '12' },
    { type: 'other', message: 12 }, message(1, null)]) {
    assert.equal(readFileRemoved(body), null, JSON.stringify(body));
  }
});

test('a removal marks the held message as history would give it, once; other messages are left alone', () => {
  const room = new RoomState('dm.alice.bob');
  const shared = message(5, { id: 70, name: 'a.png', size: 3, type: 'image/png' }, 'look');
  room.add([message(4, undefined, 'hi'), shared]);
  const now = markRemoved(room, 5);
  assert.deepEqual(now.file, { id: 70, removed: true });
  assert.equal(now.text, 'look', 'the caption stays');
  assert.equal(room.messages[1], now);
  assert.deepEqual(shared.file, { id: 70, name: 'a.png', size: 3, type: 'image/png' }, 'a new object, not changed under anyone');
  assert.equal(markRemoved(room, 5), now, 'twice is once');
  assert.equal(markRemoved(room, 4), null, 'a message without a file');
  assert.equal(markRemoved(room, 99), null, 'a message not held');
});

test('a notification says the caption, or which file was shared without one', () => {
  assert.equal(summary(message(1, { id: 1, name: 'a.png', size: 1, type: 'image/png' }, 'our cat')), 'our cat');
  assert.equal(summary(message(1, { id: 1, name: 'a.png', size: 1, type: 'image/png' })), 'Picture: a.png');
  assert.equal(summary(message(1, { id: 1, name: 'b.pdf', size: 1, type: 'application/pdf' })), 'File: b.pdf');
  assert.equal(summary(message(1, { id: 1, removed: true })), 'File removed');
  assert.equal(summary(message(1, undefined, 'plain')), 'plain');
});

test('a pasted picture is named by when it was pasted; a pasted file keeps its own name', () => {
  const when = new Date(2026, 11, 5, 9, 4, 7);
  assert.equal(pastedName('image.png', 'image/png', when), 'Pasted 2026-12-05 09.04.07.png');
  assert.equal(pastedName('image.jpeg', 'image/jpeg', when), 'Pasted 2026-12-05 09.04.07.jpg');
  assert.equal(pastedName('', 'application/x-unknown', when), 'Pasted 2026-12-05 09.04.07.bin');
  assert.equal(pastedName('holiday.png', 'image/png', when), 'holiday.png');
  assert.equal(pastedName('report.pdf', 'application/pdf', when), 'report.pdf');
});

test('a refused upload is told with the server\'s reason, or a plain one when it gave none', () => {
  assert.equal(refusalText('big.zip', 413, 'file is larger than 25 MiB'),
    'Could not share “big.zip”: file is larger than 25 MiB.');
  assert.equal(refusalText('big.zip', 413, 'over your storage quota of 1 GiB'),
    'Could not share “big.zip”: over your storage quota of 1 GiB.');
  assert.equal(refusalText('big.zip', 413, null), 'Could not share “big.zip”: the file is too big.');
  assert.equal(refusalText('a.txt', 403, 'you may not write here'), 'Could not share “a.txt”: you may not write here.');
  assert.equal(refusalText('a.txt', 0, null), 'Could not share “a.txt”: the connection was lost.');
  assert.equal(refusalText('a.txt', 502, ''), 'Could not share “a.txt”: the server had a problem, try again in a moment.');
  assert.equal(refusalText('a.txt', 400, null), 'Could not share “a.txt”: the server refused it.');
});
