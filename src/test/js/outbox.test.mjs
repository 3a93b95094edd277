// What leaves the composer of a private chat (webroot/js/outbox.js with encrypted-rooms.js, issue 20): nothing as
// text while it is not known whether the chat is encrypted (a send waits for that, then decides); only the sealed
// blob in an encrypted chat, never a file; nothing at all while the keys are locked; text in a chat known to be
// open, as before.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EncryptedRooms } from '../../../webroot/js/encrypted-rooms.js';
import { Keyring } from '../../../webroot/js/keyring.js';
import { Outbox } from '../../../webroot/js/outbox.js';
import { PartnerKeys } from '../../../webroot/js/partner-keys.js';
import { RoomState } from '../../../webroot/js/rooms.js';
import { FakeKeysServer, fastCrypto, flush, memoryKeyStore } from './lib/fake-keys-server.mjs';

const ROOM = 'dm.alice.bob';

// Alice's composer on `server`: what she typed is `typed`; `sent` holds every chat.send body; `said` the errors.
async function composerOf(server, { setUp = true, encryptionAnswer = null } = {}) {
  const api = { ...server.apiFor('alice') };
  if (encryptionAnswer) api.encryption = () => encryptionAnswer;
  const store = memoryKeyStore();
  const keyring = new Keyring('alice', { api, store, crypto: fastCrypto });
  await keyring.load();
  if (setUp) await keyring.create('alice chat passphrase');
  const partners = new PartnerKeys('alice', { api, store });
  const chats = new EncryptedRooms('alice', { api, keyring, partners });
  const page = { typed: '', sent: [], said: [], cleared: 0 };
  const bus = {
    whenOpen: async () => {},
    request: async (address, body) => {
      page.sent.push(structuredClone(body));
      return { id: page.sent.length, sender: 'alice', ts: 1, ...(body.e2e ? { e2e: body.e2e } : { text: body.text }) };
    },
  };
  const view = {
    composerText: () => page.typed,
    clearComposer: () => { page.cleared++; page.typed = ''; },
    showSendError: (m) => page.said.push(m),
    hideSendError: () => {},
    setSending: () => {},
    focusInput: () => {},
    showAttachments: () => {},
    attachments: { showProgress: () => {} },
    restoreCaption: () => {},
  };
  const room = new RoomState(ROOM);
  const encryption = {
    mode: (id) => chats.mode(id),
    settled: (id) => chats.settled(id),
    isEncrypted: (id) => chats.isEncrypted(id),
    seal: (id, text) => chats.seal(id, text),
    refused: (id, e) => chats.refused(id, e),
  };
  page.outbox = new Outbox({ bus, view, current: () => room, encryption, posted: () => {}, fileRemoved: () => {},
    unauthorized: () => {} });
  Object.assign(page, { chats, keyring, room });
  return page;
}

async function sendTyped(page, text) {
  page.typed = text;
  await page.outbox.send();
  for (let i = 0; i < 50 && page.typed; i++) await flush();
}

test('a send into a private chat not known yet waits, and goes sealed when the chat turns out encrypted',
  async () => {
    const server = new FakeKeysServer();
    await server.enrol('bob');
    let answer;
    const page = await composerOf(server, { encryptionAnswer: new Promise((resolve) => { answer = resolve; }) });
    page.chats.load(ROOM);
    page.typed = 'only for bob';
    const sending = page.outbox.send();
    await flush();
    assert.deepEqual(page.sent, [], 'nothing before the answer');
    answer({ room: ROOM, encrypted: true, by: 'bob', since: 1 });
    await sending;
    for (let i = 0; i < 50 && !page.sent.length; i++) await flush();
    assert.equal(page.sent.length, 1);
    assert.deepEqual(Object.keys(page.sent[0]).sort(), ['cid', 'e2e', 'room']);
    assert.ok(!JSON.stringify(page.sent).includes('only for bob'));
  });

test('an encrypted chat with the keys locked here sends nothing, and says why', async () => {
  const server = new FakeKeysServer();
  await server.enrol('alice');
  await server.enrol('bob');
  server.encrypted.set(ROOM, { by: 'bob', since: 1 });
  const page = await composerOf(server, { setUp: false });
  await page.chats.load(ROOM);
  await sendTyped(page, 'would be in the open');
  assert.deepEqual(page.sent, []);
  assert.match(page.said.at(-1), /^Not sent: Encrypted chats are locked on this browser/);
  assert.equal(page.typed, 'would be in the open', 'kept for when the keys are unlocked');
});

test('no file goes into an encrypted chat; text goes as text into an open one', async () => {
  const server = new FakeKeysServer();
  await server.enrol('bob');
  const open = await composerOf(server);
  await open.chats.load(ROOM);
  await sendTyped(open, 'hello in the open');
  assert.deepEqual(open.sent.map((b) => b.text), ['hello in the open']);

  server.encrypted.set(ROOM, { by: 'bob', since: 1 });
  const sealed = await composerOf(server);
  await sealed.chats.load(ROOM);
  sealed.outbox.add([{ name: 'plan.pdf', size: 10 }]);
  assert.match(sealed.said.at(-1), /Files cannot be shared in an end-to-end encrypted chat/);
  assert.equal(sealed.outbox.uploads.hasReady(), false);
  await sendTyped(sealed, 'sealed hello');
  assert.equal(sealed.sent.length, 1);
  assert.equal(sealed.sent[0].text, undefined);
  assert.equal(sealed.sent[0].cid, `e2e:${sealed.sent[0].e2e.salt}`);
});
