// Sharing files (issue 17) as two people do it in a private chat, on one real node: a picture dropped on the room
// shows the other person its thumbnail, which opens full size; a PDF attached with the button is downloaded byte for
// byte; the uploader removes it and the other page says "File removed" at once and after a reload; a big upload's
// progress bar moves and can be cancelled; a file over files.maxBytes, or over the quota, is refused with words
// that say so.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { Workspace } from './lib/servers.mjs';
import { browserTest } from './lib/browser.mjs';
import {
  eventually, openPrivateChat, personOn, privateRoomId, registerAccount, roomLoaded, sendMessage, uniqueName,
  waitForMessage,
} from './lib/chat.mjs';

const MIB = 1024 * 1024;
const MAX_BYTES = 10 * MIB;  // the node's files.maxBytes: above the 8 MiB upload, below the refused one
const QUOTA_BYTES = 12 * MIB;  // files.quotaBytes: one 8 MiB upload fits, a second one does not
const MAX_PIXELS = 150_000;  // files.maxPixels: a 400x300 picture gets a thumbnail, a 500x400 one does not

let work;
let node;
let alice;
let bob;

before(async () => {
  work = new Workspace('files');
  node = await (await work.startNode('node1', {
    db: { url: `jdbc:hsqldb:file:${work.dir}/db/chat` },
    files: { maxBytes: MAX_BYTES, quotaBytes: QUOTA_BYTES, maxPixels: MAX_PIXELS },
  })).ready(1);
  alice = await registerAccount(node.url, uniqueName('alice'));
  bob = await registerAccount(node.url, uniqueName('bob'));
});

after(() => work?.close());

// ---- files made here -------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real RGB PNG of `width` × `height`: a gradient, so it is no blank square. */
function makePng(width, height) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;  // bit depth
  header[9] = 2;  // RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);  // filter byte 0, then the pixels
    for (let x = 0; x < width; x++) {
      rows[row + 1 + x * 3] = (x * 255) / width;
      rows[row + 2 + x * 3] = (y * 255) / height;
      rows[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A small valid one-page PDF saying `text`, its cross-reference table at the right offsets. */
function makePdf(text) {
  const content = `BT /F1 18 Tf 36 72 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const at = pdf.length;
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return at;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((at) => `${String(at).padStart(10, '0')} 00000 n \n`).join('');
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}

// ---- what the person does with files ----------------------------------------------------------------------------

/** Drags `files` ({ name, type, bytes }) onto the open room and drops them, as from the desktop. */
async function dropFiles(page, files) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, files.map((f) => ({ ...f, bytes: [...f.bytes] })));
  await page.dispatchEvent('#messages', 'dragenter', { dataTransfer });
  await page.dispatchEvent('#messages', 'dragover', { dataTransfer });
  assert.ok(await page.locator('#drop-zone').isVisible(), 'the drop zone shows while files are dragged over');
  await page.dispatchEvent('#messages', 'drop', { dataTransfer });
  await page.locator('#drop-zone').waitFor({ state: 'hidden' });
}

/** Pastes a picture into the composer, as from the clipboard (which names every picture image.png). */
async function pastePicture(page, bytes) {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(list)], 'image.png', { type: 'image/png' }));
    document.getElementById('message-input').dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  }, [...bytes]);
}

/** Chooses files with the attach button's file picker. */
async function attachFiles(page, files) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach-button')]);
  await chooser.setFiles(files.map((f) => ({ name: f.name, mimeType: f.type, buffer: f.bytes })));
}

function trayItem(page, name) {
  return page.locator('#attachments .attachment', { has: page.locator('.attachment-name', { hasText: name }) });
}

/** The message in the open room that shares the file named `name`. */
function fileMessage(page, name) {
  return page.locator('#messages .message', {
    has: page.locator(`.file-name:text-is("${name}"), .file-picture[data-picture="${name}"]`),
  });
}

/** Every aria-valuenow the upload bars take from now on, kept in the page for uploadProgressSeen(). */
async function recordUploadProgress(page) {
  await page.evaluate(() => {
    const seen = [];
    window.__uploadProgress = seen;
    const note = (bar) => seen.push(Number(bar.getAttribute('aria-valuenow')));
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') note(r.target);
        else for (const n of r.addedNodes) if (n instanceof Element) n.querySelectorAll('.upload-progress').forEach(note);
      }
    }).observe(document.getElementById('attachments'),
      { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
  });
}

const uploadProgressSeen = (page) => page.evaluate(() => window.__uploadProgress);

/** Slows this page's uploads to `bytesPerSecond` (Chromium's network emulation), or lifts it with -1. */
async function throttleUploads(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
  return cdp;
}

async function openChatWith(page, other, { phone = false } = {}) {
  if (phone) await page.click('.sidebar-toggle');
  await openPrivateChat(page, other);
}

// Nothing wider than the window, as in layout.test.mjs.
async function assertFits(page, what) {
  const { scrollWidth, innerWidth, overflow } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    overflow: document.getElementById('messages').scrollWidth - document.getElementById('messages').clientWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `${what}: page ${scrollWidth} px wide in a ${innerWidth} px window`);
  assert.ok(overflow <= 0, `${what}: messages overflow sideways by ${overflow} px`);
}

/** The headers the contract promises on a file the page links to, fetched with the page's own session. */
async function assertServedAs(page, path, { type, disposition }) {
  const response = await page.context().request.get(path);
  assert.equal(response.status(), 200, path);
  const headers = response.headers();
  assert.equal(headers['content-type'], type, `${path} content-type`);
  assert.match(headers['content-disposition'], disposition, `${path} content-disposition`);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['content-security-policy'], "default-src 'none'; sandbox");
}

// ---- the scenarios ------------------------------------------------------------------------------------------------

browserTest('aDroppedPictureAndAnAttachedPdfReachThePartnerWhoViewsDownloadsAndSeesThemRemoved', async (session) => {
  const room = privateRoomId(alice, bob);
  const alicePage = await personOn(session, node.url, alice);
  const bobPage = await personOn(session, node.url, bob, { viewport: { width: 375, height: 740 } });
  await openChatWith(alicePage, bob);
  await openChatWith(bobPage, alice, { phone: true });

  // A pasted picture waits in the tray under a name of its own; × takes it away again.
  const png = makePng(400, 300);
  await pastePicture(alicePage, png);
  const pasted = alicePage.locator('#attachments .attachment');
  assert.match(await pasted.locator('.attachment-name').textContent(), /^Pasted \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
  await pasted.locator('[data-cancel]').click();
  await alicePage.locator('#attachments').waitFor({ state: 'hidden' });

  // Dropped on the room, two pictures wait for Send; the text typed goes with the first as its caption.
  const wide = makePng(500, 400);  // over files.maxPixels: shared without a thumbnail
  await dropFiles(alicePage, [{ name: 'sunset.png', type: 'image/png', bytes: png },
    { name: 'wide.png', type: 'image/png', bytes: wide }]);
  assert.equal(await trayItem(alicePage, 'sunset.png').locator('.attachment-status').textContent(), 'ready to send');
  assert.equal(await trayItem(alicePage, 'wide.png').locator('.attachment-status').textContent(), 'ready to send');
  await alicePage.fill('#message-input', 'the view from here');
  await alicePage.press('#message-input', 'Enter');
  await fileMessage(alicePage, 'sunset.png').waitFor();
  await fileMessage(alicePage, 'wide.png').waitFor();
  await alicePage.locator('#attachments').waitFor({ state: 'hidden' });
  assert.equal(await alicePage.inputValue('#message-input'), '');

  // Bob sees the thumbnail (the server's, 320 px on the long side) and the caption.
  const shared = fileMessage(bobPage, 'sunset.png');
  await shared.waitFor();
  assert.equal(await shared.locator('.text').textContent(), 'the view from here');
  const thumb = shared.locator('img.file-thumb');
  await bobPage.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  const thumbSrc = await thumb.evaluate((img) => new URL(img.src).pathname + new URL(img.src).search);
  assert.match(thumbSrc, /^\/files\/\d+\/sunset\.png\?thumb$/);
  assert.deepEqual(await thumb.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [320, 240]);

  // The picture without a thumbnail (its ?thumb answers 404) shows the picture itself, in the same box.
  const untouched = fileMessage(bobPage, 'wide.png');
  assert.equal(await untouched.locator('.text').textContent(), '', 'the caption went with the first file only');
  const fallback = untouched.locator('img.file-thumb');
  await bobPage.waitForFunction((img) => img.complete && img.naturalWidth > 0 && !img.src.endsWith('?thumb'),
    await fallback.elementHandle());
  assert.deepEqual(await fallback.evaluate((img) => [img.naturalWidth, img.naturalHeight,
    img.getAttribute('width'), img.getAttribute('height')]), [500, 400, '320', '256']);
  assert.match(await fallback.evaluate((img) => new URL(img.src).pathname), /^\/files\/\d+\/wide\.png$/);

  // A tap opens it full size.
  await shared.locator('.file-picture').click();
  const full = bobPage.locator('#picture-modal .picture-full');
  await full.waitFor();
  await bobPage.waitForFunction((img) => img.complete && img.naturalWidth > 0, await full.elementHandle());
  assert.deepEqual(await full.evaluate((img) => [img.naturalWidth, img.naturalHeight]), [400, 300]);
  assert.equal(await full.evaluate((img) => new URL(img.src).pathname), thumbSrc.replace('?thumb', ''));
  assert.equal(await bobPage.locator('#picture-title').textContent(), 'sunset.png');
  await assertFits(bobPage, '375 px, picture open');
  await bobPage.locator('#picture-modal [data-bs-dismiss="modal"]').click();
  await bobPage.locator('#picture-modal').waitFor({ state: 'hidden' });

  // A PDF chosen with the attach button, sent without a caption, is a card Bob downloads.
  const pdf = makePdf(`Minutes ${Date.now()}`);
  await attachFiles(alicePage, [{ name: 'minutes.pdf', type: 'application/pdf', bytes: pdf }]);
  await trayItem(alicePage, 'minutes.pdf').waitFor();
  await alicePage.click('#send-button');
  await fileMessage(alicePage, 'minutes.pdf').waitFor();
  const card = fileMessage(bobPage, 'minutes.pdf');
  await card.waitFor();
  assert.ok(pdf.length < 1024);
  assert.equal(await card.locator('.file-size').textContent(), `${pdf.length} bytes`);
  assert.equal(await card.locator('.text').textContent(), '', 'no caption');
  assert.equal(await card.locator('img').count(), 0, 'a PDF is no picture');
  const [download] = await Promise.all([bobPage.waitForEvent('download'), card.locator('.file-download').click()]);
  assert.equal(download.suggestedFilename(), 'minutes.pdf');
  assert.ok(readFileSync(await download.path()).equals(pdf), 'downloaded byte for byte');
  const pdfPath = new URL(await card.locator('.file-download').evaluate((a) => a.href)).pathname;
  await assertServedAs(bobPage, pdfPath,
    { type: 'application/pdf', disposition: /^attachment;.*filename\*=UTF-8''minutes\.pdf$/ });
  await assertServedAs(bobPage, thumbSrc.replace('?thumb', ''), { type: 'image/png', disposition: /^inline/ });
  assert.equal((await fetch(`${node.url}${pdfPath}`)).status, 401, 'no file without a session');
  await assertFits(bobPage, '375 px, picture and card');
  assert.equal(await fileMessage(bobPage, 'minutes.pdf').locator('.file-remove').count(), 0,
    'only the uploader is offered to remove it');

  // Alice removes it (asked twice): both pages say "File removed" in its place at once, Bob's after a reload too.
  const pdfMessageId = Number(await fileMessage(alicePage, 'minutes.pdf').getAttribute('data-id'));
  const remove = fileMessage(alicePage, 'minutes.pdf').locator('.file-remove');
  await remove.click();
  assert.equal(await remove.textContent(), 'Remove for everyone?');
  await remove.click();
  for (const page of [alicePage, bobPage]) {
    await page.locator(`#messages .message[data-id="${pdfMessageId}"] .file-removed`).waitFor();
    assert.equal(await page.locator(`#messages .message[data-id="${pdfMessageId}"] .file-download`).count(), 0);
  }
  assert.equal((await bobPage.context().request.get(pdfPath)).status(), 404, 'a removed file is gone');
  await bobPage.reload();
  await roomLoaded(bobPage, room);
  assert.equal(await bobPage.locator(`#messages .message[data-id="${pdfMessageId}"] .file-removed`).textContent(),
    'File removed');
  await fileMessage(bobPage, 'sunset.png').locator('img.file-thumb').waitFor();
});

browserTest('aBigUploadShowsItsProgressAndCanBeCancelled', async (session) => {
  const alicePage = await personOn(session, node.url, alice);
  const bobPage = await personOn(session, node.url, bob);
  await openChatWith(alicePage, bob);
  await openChatWith(bobPage, alice);
  // Over the loopback 8 MiB goes up in a moment: slowed down, the bar has time to show where it is.
  await throttleUploads(alicePage, 4 * MIB);
  await recordUploadProgress(alicePage);

  const big = { name: 'recording.bin', type: 'application/octet-stream', bytes: randomBytes(8 * MIB) };
  await attachFiles(alicePage, [big]);
  await alicePage.fill('#message-input', 'eight mebibytes');
  await alicePage.click('#send-button');
  const bar = trayItem(alicePage, 'recording.bin').locator('.upload-progress');
  await bar.waitFor();
  assert.equal(await bar.getAttribute('role'), 'progressbar');
  await fileMessage(bobPage, 'recording.bin').waitFor({ timeout: 60_000 });
  assert.equal(await fileMessage(bobPage, 'recording.bin').locator('.file-size').textContent(), '8.0 MiB');
  const seen = await uploadProgressSeen(alicePage);
  const between = seen.filter((p) => p > 0 && p < 100);
  assert.ok(between.length >= 2, `progress values between 0 and 100 shown, saw ${JSON.stringify(seen)}`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'the bar only moves forward');

  // Another one, cancelled half-way: it leaves the tray, its caption comes back, and Bob never gets it.
  await attachFiles(alicePage, [{ ...big, name: 'second-take.bin' }]);
  await alicePage.fill('#message-input', 'never mind');
  await alicePage.click('#send-button');
  const second = trayItem(alicePage, 'second-take.bin');
  await alicePage.waitForFunction(() => {
    const now = Number(document.querySelector('#attachments .upload-progress')?.getAttribute('aria-valuenow'));
    return now > 10 && now < 90;
  });
  await second.locator('[data-cancel]').click();
  await alicePage.locator('#attachments').waitFor({ state: 'hidden' });
  assert.equal(await alicePage.inputValue('#message-input'), 'never mind');
  const marker = `after the cancel ${Date.now()}`;
  await alicePage.fill('#message-input', '');
  await sendMessage(alicePage, marker);
  await waitForMessage(bobPage, marker);
  assert.equal(await fileMessage(bobPage, 'second-take.bin').count(), 0, 'the cancelled file was not shared');
});

browserTest('aFileOverTheLimitIsRefusedWithWordsThatSaySo', async (session) => {
  const alicePage = await personOn(session, node.url, alice, { viewport: { width: 375, height: 740 } });
  await openChatWith(alicePage, bob, { phone: true });
  const tooBig = { name: 'holiday-video.mp4', type: 'video/mp4', bytes: randomBytes(MAX_BYTES + MIB) };
  await attachFiles(alicePage, [tooBig]);
  await alicePage.fill('#message-input', 'too much?');
  await alicePage.press('#message-input', 'Enter');
  const item = trayItem(alicePage, 'holiday-video.mp4');
  await eventually(async () => assert.equal(await item.getAttribute('data-state'), 'failed'), { timeout: 30_000 });
  assert.equal(await item.locator('.attachment-error').textContent(),
    'Could not share “holiday-video.mp4”: file is larger than 10 MiB.');
  assert.equal(await item.locator('[data-retry]').count(), 0, 'trying again would not help');
  assert.equal(await alicePage.inputValue('#message-input'), 'too much?', 'the caption is back in the input');
  await assertFits(alicePage, '375 px, a refused file in the tray');
  assert.ok(await alicePage.evaluate(() => {
    const list = document.getElementById('messages');
    return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
  }), 'the tray took its room from the list, which still shows its newest message');

  // The refused file stays out of the way: the next Send is a text message.
  const marker = `after the refusal ${Date.now()}`;
  await alicePage.fill('#message-input', marker);
  await alicePage.press('#message-input', 'Enter');
  await waitForMessage(alicePage, marker);
  assert.equal(await fileMessage(alicePage, 'holiday-video.mp4').count(), 0);
  await item.locator('[data-cancel]').click();
  await alicePage.locator('#attachments').waitFor({ state: 'hidden' });
});

browserTest('aFileOverTheStorageQuotaIsRefusedWithTheServersWords', async (session) => {
  const carol = await registerAccount(node.url, uniqueName('carol'));
  const page = await personOn(session, node.url, carol);
  const first = { name: 'first-half.bin', type: 'application/octet-stream', bytes: randomBytes(8 * MIB) };
  await attachFiles(page, [first]);
  await page.click('#send-button');
  await fileMessage(page, 'first-half.bin').waitFor({ timeout: 60_000 });

  // Within files.maxBytes on its own, over the quota with the first: cut off by the server part-way.
  await attachFiles(page, [{ ...first, name: 'second-half.bin' }]);
  await page.click('#send-button');
  const item = trayItem(page, 'second-half.bin');
  await eventually(async () => assert.equal(await item.getAttribute('data-state'), 'failed'), { timeout: 60_000 });
  assert.equal(await item.locator('.attachment-error').textContent(),
    'Could not share “second-half.bin”: over your storage quota of 12 MiB.');
  assert.equal(await fileMessage(page, 'second-half.bin').count(), 0);
});
