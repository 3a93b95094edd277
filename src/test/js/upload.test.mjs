// Sharing files (webroot/js/upload.js): one XMLHttpRequest per file with its progress, and the tray: files wait for
// Send, go one at a time with the caption on the first, leave once stored, stay with their reason when refused,
// and the caption of a file that was not shared goes back to the composer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UploadError, Uploads, postFile } from '../../../webroot/js/upload.js';

const file = (name, size = 100) => ({ name, size, type: 'application/octet-stream' });
const stored = (id, text = '') => ({ id, room: 'dm.alice.bob', sender: 'alice', text, ts: 1_700_000_000_000, file: { id } });

// ---- postFile, on a fake XMLHttpRequest ----------------------------------------------------------------------

class FakeRequest {
  constructor() {
    this.upload = {};
    this.headers = {};
    this.aborted = false;
  }

  open(method, url) {
    Object.assign(this, { method, url });
  }

  setRequestHeader(name, value) {
    this.headers[name] = value;
  }

  send(body) {
    this.body = body;
  }

  abort() {
    this.aborted = true;
    this.onabort();
  }

  answer(status, body) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload();
  }
}

class FakeForm {
  constructor() {
    this.parts = [];
  }

  append(...part) {
    this.parts.push(part);
  }
}

function post(options = {}) {
  const xhr = new FakeRequest();
  const seen = [];
  const upload = postFile({ roomId: 'dm.alice.bob', file: file('a b.pdf'), caption: 'for you',
    progress: (p) => seen.push(p), newRequest: () => xhr, newForm: () => new FakeForm(), ...options });
  return { xhr, seen, upload };
}

test('a file goes as multipart parts file (with its name) and caption to its room, and its progress is heard', async () => {
  const { xhr, seen, upload } = post();
  assert.equal(xhr.method, 'POST');
  assert.equal(xhr.url, '/api/rooms/dm.alice.bob/files');
  assert.equal(xhr.headers.Accept, 'application/json');
  assert.deepEqual(xhr.body.parts, [['file', { name: 'a b.pdf', size: 100, type: 'application/octet-stream' }, 'a b.pdf'],
    ['caption', 'for you']]);
  xhr.upload.onprogress({ lengthComputable: false, loaded: 5, total: 0 });
  xhr.upload.onprogress({ lengthComputable: true, loaded: 0, total: 400 });
  xhr.upload.onprogress({ lengthComputable: true, loaded: 199, total: 400 });
  xhr.upload.onprogress({ lengthComputable: true, loaded: 400, total: 400 });
  xhr.upload.onload();
  xhr.answer(201, stored(9, 'for you'));
  assert.deepEqual(await upload.done, stored(9, 'for you'));
  assert.deepEqual(seen, [0, 49, 100, 100]);
});

test('a refusal rejects with the server\'s status and error; no answer is status 0; a cancel says so', async () => {
  let { xhr, upload } = post();
  xhr.answer(413, { error: 'file is larger than 25 MiB' });
  await assert.rejects(upload.done, (e) => e instanceof UploadError && e.status === 413
    && e.error === 'file is larger than 25 MiB' && !e.cancelled);

  ({ xhr, upload } = post());
  xhr.answer(502, '<html>bad gateway</html>');
  await assert.rejects(upload.done, (e) => e.status === 502 && e.error === null);

  ({ xhr, upload } = post());
  xhr.answer(201, { not: 'a message' });
  await assert.rejects(upload.done, (e) => e.status === 500, 'a 201 without a message is no success');

  ({ xhr, upload } = post());
  xhr.onerror();
  await assert.rejects(upload.done, (e) => e.status === 0 && !e.cancelled);

  ({ xhr, upload } = post());
  upload.abort();
  assert.ok(xhr.aborted);
  await assert.rejects(upload.done, (e) => e.cancelled);
});

test('a room id is encoded into the path', () => {
  const { xhr } = post({ roomId: 'channel.a/b' });
  assert.equal(xhr.url, '/api/rooms/channel.a%2Fb/files');
});

// ---- the tray, with uploads the test answers -------------------------------------------------------------------

function tray() {
  const page = { posts: [], events: [] };
  page.uploads = new Uploads({
    post: (request) => {
      let settle;
      const done = new Promise((resolve, reject) => {
        settle = { resolve, reject };
      });
      const entry = { ...request, aborted: false, settle };
      entry.abort = () => {
        entry.aborted = true;
        settle.reject(new UploadError(0, null, true));
      };
      page.posts.push(entry);
      return { done, abort: () => entry.abort() };
    },
    changed: (items) => page.events.push(['changed', items.map((i) => `${i.name}:${i.state}`).join(' ')]),
    progress: (item) => page.events.push(['progress', item.name, item.progress]),
    shared: (room, message) => page.events.push(['shared', room, message.id]),
    captionBack: (text) => page.events.push(['captionBack', text]),
    unauthorized: () => page.events.push(['unauthorized']),
  });
  return page;
}

const settled = () => new Promise((r) => setImmediate(r));
const states = (page) => page.uploads.items.map((i) => `${i.name}:${i.state}`);

test('files wait in the tray until Send, then go one at a time, the caption with the first', async () => {
  const page = tray();
  assert.equal(page.uploads.add([file('a.png'), file('b.pdf'), null, { name: 'no size' }]), 2);
  assert.ok(page.uploads.hasReady());
  assert.equal(page.posts.length, 0, 'nothing goes before Send');

  assert.equal(page.uploads.send('dm.alice.bob', 'two files'), 2);
  assert.ok(page.uploads.busy);
  assert.ok(!page.uploads.hasReady());
  assert.deepEqual(states(page), ['a.png:sending', 'b.pdf:queued']);
  assert.equal(page.posts.length, 1, 'one at a time');
  assert.equal(page.posts[0].caption, 'two files');
  assert.equal(page.posts[0].roomId, 'dm.alice.bob');

  page.posts[0].progress(40);
  page.posts[0].progress(40);
  page.posts[0].progress(100);
  assert.equal(page.uploads.items[0].progress, 100);
  page.posts[0].settle.resolve(stored(1, 'two files'));
  await settled();
  assert.deepEqual(states(page), ['b.pdf:sending']);
  assert.equal(page.posts[1].caption, '', 'the caption went with the first file only');
  page.posts[1].settle.resolve(stored(2));
  await settled();
  assert.deepEqual(states(page), []);
  assert.ok(!page.uploads.busy);
  assert.deepEqual(page.events.filter(([kind]) => kind !== 'changed'), [
    ['progress', 'a.png', 40], ['progress', 'a.png', 100], ['shared', 'dm.alice.bob', 1], ['shared', 'dm.alice.bob', 2]]);
});

test('a refused file stays in the tray with its reason, its caption goes back, and the next Send leaves it be',
  async () => {
    const page = tray();
    page.uploads.add([file('huge.iso'), file('small.txt')]);
    page.uploads.send('global', 'see this');
    page.posts[0].settle.reject(new UploadError(413, 'file is larger than 25 MiB'));
    await settled();
    const failed = page.uploads.items[0];
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error, 'Could not share “huge.iso”: file is larger than 25 MiB.');
    assert.equal(failed.retryable, false);
    assert.deepEqual(page.events.filter(([kind]) => kind === 'captionBack'), [['captionBack', 'see this']]);
    assert.deepEqual(states(page), ['huge.iso:failed', 'small.txt:sending'], 'the next file still goes');
    assert.equal(page.posts[1].caption, '');
    page.posts[1].settle.resolve(stored(3));
    await settled();

    assert.ok(!page.uploads.hasReady(), 'a failed file is not sent by the next Send');
    assert.equal(page.uploads.send('global', 'a text message'), 0);
    assert.equal(page.posts.length, 2);
    page.uploads.cancel(failed.key);
    assert.deepEqual(states(page), []);
  });

test('no answer may be tried again, to the same room; a 401 says the session is gone', async () => {
  const page = tray();
  page.uploads.add([file('a.png')]);
  page.uploads.send('topic.news', '');
  page.posts[0].settle.reject(new UploadError(0, null));
  await settled();
  const item = page.uploads.items[0];
  assert.equal(item.error, 'Could not share “a.png”: the connection was lost.');
  assert.ok(item.retryable);
  page.uploads.retry(item.key);
  assert.equal(page.posts.length, 2);
  assert.equal(page.posts[1].roomId, 'topic.news');
  page.posts[1].settle.reject(new UploadError(401, 'log in, please'));
  await settled();
  assert.equal(page.uploads.items[0].state, 'failed');
  assert.deepEqual(page.events.at(-2), ['unauthorized']);
});

test('cancel stops the file on its way and takes it out; its caption passes to the next file of the batch', async () => {
  const page = tray();
  page.uploads.add([file('a.png'), file('b.png'), file('c.png')]);
  page.uploads.send('global', 'holiday');
  const [first] = page.uploads.items;
  page.uploads.cancel(first.key);
  assert.ok(page.posts[0].aborted);
  await settled();
  assert.deepEqual(states(page), ['b.png:sending', 'c.png:queued']);
  assert.equal(page.posts[1].caption, 'holiday');

  page.uploads.cancel(page.uploads.items[1].key);  // queued: out at once
  assert.deepEqual(states(page), ['b.png:sending']);
  page.uploads.cancel(page.uploads.items[0].key);
  await settled();
  assert.deepEqual(states(page), []);
  assert.deepEqual(page.events.filter(([kind]) => kind === 'captionBack'), [['captionBack', 'holiday']],
    'the last file of the batch gave it back to the composer');
});

test('files added during an upload wait for the next Send; stop() ends the upload and forgets the tray', async () => {
  const page = tray();
  page.uploads.add([file('a.png')]);
  page.uploads.send('global', '');
  page.uploads.add([file('later.png')]);
  assert.deepEqual(states(page), ['a.png:sending', 'later.png:ready']);
  assert.ok(page.uploads.hasReady());
  page.uploads.stop();
  assert.ok(page.posts[0].aborted);
  await settled();
  assert.deepEqual(states(page), []);
  assert.equal(page.uploads.send('global', ''), 0, 'nothing more after stop');
  assert.ok(!page.events.some(([kind]) => kind === 'shared' || kind === 'captionBack'));
});
