// Sending (webroot/js/composer.js): a request that got no answer is sent again with the same cid, so the
// server stores the message once; a refusal is not; the length rule and one send at a time hold.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BusError } from '../../../webroot/js/bus.js';
import { BUSY_BACKOFF, Composer, MAX_TEXT, OPEN_WAIT, SEND_ATTEMPTS, randomId } from '../../../webroot/js/composer.js';
import { FakeClock, settle } from './lib/fake-clock.mjs';

const stored = (body, id = 1) => ({ id, sender: 'me', text: body.text, ts: 1_700_000_000_000 });

// A bus whose answers are given in order: a function of the body (the stored message) or an error.
function setup(answers = [], clock = new FakeClock(), random = () => 0) {
  const page = { requests: [], waits: [], events: [], answers, clock };
  const bus = {
    async whenOpen(ms) {
      page.waits.push(ms);
      const next = page.answers[0];
      if (next && next.beforeOpen) {
        page.answers.shift();
        throw next.beforeOpen;
      }
    },
    async request(address, body) {
      page.requests.push({ address, body: structuredClone(body) });
      const answer = page.answers.shift() ?? ((b) => stored(b));
      if (answer instanceof Error) throw answer;
      if (answer && typeof answer.then === 'function') return answer;
      return answer(body);
    },
  };
  let n = 0;
  page.composer = new Composer({
    bus,
    newId: () => `cid-${++n}`,
    clock,
    random,
    busy: (sending) => page.events.push(['busy', sending]),
    problem: (message) => page.events.push(['problem', message]),
    sent: (room, message) => page.events.push(['sent', room, message.text]),
  });
  return page;
}

const timeout = () => new BusError('timeout', 'No answer from the server.');
const lost = () => new BusError('closed', 'Connection lost.');
const busy = () => new BusError(503, 'the server is busy, try again');

test('a message that got no answer is sent again with the same cid, and the stored one is handed over',
  async () => {
    const page = setup([timeout(), lost()]);
    assert.equal(await page.composer.send('topic.general', '  Hello there  '), true);
    assert.equal(page.requests.length, 3);
    for (const { address, body } of page.requests) {
      assert.equal(address, 'chat.send');
      assert.deepEqual(body, { room: 'topic.general', text: 'Hello there', cid: 'cid-1' });
    }
    assert.deepEqual(page.waits, [OPEN_WAIT, OPEN_WAIT, OPEN_WAIT], 'each attempt waits for an open socket');
    assert.deepEqual(page.events, [
      ['problem', null], ['busy', true], ['sent', 'topic.general', 'Hello there'], ['busy', false]]);
  });

test('it gives up after three attempts and says why', async () => {
  const page = setup([timeout(), timeout(), timeout(), (b) => stored(b)]);
  assert.equal(await page.composer.send('topic.general', 'Hello'), false);
  assert.equal(page.requests.length, SEND_ATTEMPTS);
  assert.equal(new Set(page.requests.map((r) => r.body.cid)).size, 1);
  assert.deepEqual(page.events.at(-2), ['problem', 'Not sent: No answer from the server.']);
  assert.deepEqual(page.events.at(-1), ['busy', false]);
});

test('a socket that does not open in time counts as an attempt', async () => {
  const page = setup([{ beforeOpen: lost() }, { beforeOpen: lost() }]);
  assert.equal(await page.composer.send('topic.general', 'Hello'), true);
  assert.equal(page.requests.length, 1);
  assert.equal(page.waits.length, 3);
});

test('a refusal is not sent again', async () => {
  const page = setup([new BusError(429, 'Slow down: too many messages.')]);
  assert.equal(await page.composer.send('topic.general', 'Hello'), false);
  assert.equal(page.requests.length, 1);
  assert.deepEqual(page.events.at(-2), ['problem', 'Not sent: Slow down: too many messages.']);
});

test('each message has a cid of its own', async () => {
  const page = setup();
  await page.composer.send('topic.general', 'one');
  await page.composer.send('topic.general', 'two');
  assert.deepEqual(page.requests.map((r) => r.body.cid), ['cid-1', 'cid-2']);
  const ids = new Set(Array.from({ length: 100 }, randomId));
  assert.equal(ids.size, 100);
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
});

test('text over the limit, counted in code points as the server does, is refused before sending', async () => {
  const page = setup();
  assert.equal(await page.composer.send('topic.general', '🔑'.repeat(MAX_TEXT)), true, 'exactly the limit');
  assert.equal(await page.composer.send('topic.general', `  ${'🔑'.repeat(MAX_TEXT + 1)}  `), false);
  assert.equal(page.requests.length, 1);
  assert.deepEqual(page.events.at(-1),
    ['problem', `This message has ${MAX_TEXT + 1} characters; the limit is ${MAX_TEXT}.`]);
});

test('nothing is sent without a room, for blank text, or while the previous message is on its way', async () => {
  let answer;
  const page = setup([new Promise((resolve) => {
    answer = resolve;
  })]);
  assert.equal(await page.composer.send(null, 'Hello'), false);
  assert.equal(await page.composer.send('topic.general', ' \n\t '), false);
  assert.equal(page.requests.length, 0);
  const first = page.composer.send('topic.general', 'first');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(page.composer.sending, true);
  assert.equal(await page.composer.send('topic.general', 'second'), false);
  answer(stored({ text: 'first' }));
  assert.equal(await first, true);
  assert.deepEqual(page.requests.map((r) => r.body.text), ['first']);
  assert.equal(await page.composer.send('topic.general', 'second'), true, 'free again afterwards');
});

test('after stop, a send that ends reports nothing and is not tried again', async () => {
  let fail;
  const page = setup([new Promise((resolve, reject) => {
    fail = reject;
  })]);
  const sending = page.composer.send('topic.general', 'Hello');
  await new Promise((resolve) => setImmediate(resolve));
  page.composer.stop();
  fail(lost());
  assert.equal(await sending, false);
  assert.equal(page.requests.length, 1);
  assert.deepEqual(page.events, [['problem', null], ['busy', true], ['busy', false]]);
});

test('a busy server (503) is asked again later, with the same cid, each time after a longer pause', async () => {
  const page = setup([busy(), busy(), (b) => stored(b)], new FakeClock(), () => 0.5);
  const sending = page.composer.send('topic.general', 'Hello');
  await settle();
  assert.equal(page.requests.length, 1);
  const first = BUSY_BACKOFF * 1.25;  // one attempt so far, and a quarter more at random
  page.clock.advance(first - 1);
  await settle();
  assert.equal(page.requests.length, 1, 'not before the pause is over');
  page.clock.advance(1);
  await settle();
  assert.equal(page.requests.length, 2);
  page.clock.advance(BUSY_BACKOFF * 2 * 1.25 - 1);
  await settle();
  assert.equal(page.requests.length, 2, 'the second pause is twice as long');
  page.clock.advance(1);
  assert.equal(await sending, true);
  assert.equal(page.requests.length, 3);
  assert.equal(new Set(page.requests.map((r) => r.body.cid)).size, 1);
  assert.deepEqual(page.events.at(-2), ['sent', 'topic.general', 'Hello']);
});

test('still busy after three attempts: the person is told, and nothing is sent again', async () => {
  const page = setup([busy(), busy(), busy()]);
  const sending = page.composer.send('topic.general', 'Hello');
  for (let i = 0; i < 3; i++) {
    await settle();
    page.clock.advance(BUSY_BACKOFF * 3);
  }
  assert.equal(await sending, false);
  assert.equal(page.requests.length, SEND_ATTEMPTS);
  assert.deepEqual(page.events.at(-2), ['problem', 'Not sent: the server is busy, try again']);
  assert.equal(page.clock.pending(), 0);
});

test('a message of an encrypted chat is sealed once: every attempt sends that blob, with its cid and no text',
  async () => {
    const page = setup([timeout(), lost()]);
    const blobs = [];
    const seal = async (text) => {
      const e2e = { v: 1, salt: `salt-${blobs.length}`, iv: 'iv', ciphertext: `sealed(${text.length})`, sig: 's',
        from: 'f', to: 't' };
      blobs.push(e2e);
      return e2e;
    };
    assert.equal(await page.composer.send('dm.alice.bob', '  Secret plan  ', seal), true);
    assert.equal(blobs.length, 1, 'sealed once');
    assert.equal(page.requests.length, 3);
    for (const { body } of page.requests) {
      assert.deepEqual(body, { room: 'dm.alice.bob', cid: 'e2e:salt-0', e2e: blobs[0] });
      assert.ok(!JSON.stringify(body).includes('Secret'), 'no text beside it');
    }
  });

test('a refusal of an encrypted send is said in the words the caller gives; a seal that fails sends nothing',
  async () => {
    const refusal = new BusError(409, "e2e.to: bob's keys have changed");
    const page = setup([refusal]);
    page.composer.hooks.refused = (room, e) => (e === refusal ? `Not sent: ${room} needs a look` : null);
    const seal = async () => ({ salt: 'x' });
    assert.equal(await page.composer.send('dm.alice.bob', 'hi', seal), false);
    assert.deepEqual(page.events.at(-2), ['problem', 'Not sent: dm.alice.bob needs a look']);

    const sealing = setup();
    const cannot = Object.assign(new Error('Encrypted chats are locked on this browser.'), { name: 'NotSealed' });
    assert.equal(await sealing.composer.send('dm.alice.bob', 'hi', async () => { throw cannot; }), false);
    assert.equal(sealing.requests.length, 0, 'nothing left the page');
    assert.deepEqual(sealing.events.at(-2), ['problem', 'Not sent: Encrypted chats are locked on this browser.']);
  });
