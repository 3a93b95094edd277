// What a person does on the chat page, as test steps: log in, open a room, send, read messages. They wait on
// the page's own state (its data- hooks), never on fixed sleeps. No node:test here, so bin/screenshot uses it too.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const PASSWORD = 'Quiet-harbour-47';

/** Retries an assertion until it passes or `timeout` ms pass, then throws its last failure. */
export async function eventually(assertion, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await assertion();
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** A username nobody else in the run has, e.g. alice_3f9a. */
export function uniqueName(prefix) {
  return `${prefix}_${randomBytes(3).toString('hex')}`;
}

/** Registers an account straight through the API (for people the test is not about registering). */
export async function registerAccount(baseURL, username, password = PASSWORD) {
  const response = await fetch(`${baseURL}/api/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, email: `${username}@example.com`, password, confirmPassword: password }),
  });
  assert.equal(response.status, 201, `register ${username}: ${await response.text()}`);
  return username;
}

/** Opens the page and waits until it chose a view (log-in form or chat). */
export async function openApp(page, path = '/') {
  await page.goto(path);
  await page.locator('#auth-view:not([hidden]), #chat-view:not([hidden])').first().waitFor();
}

/** Resolves when the chat view shows the open room's history over an open socket. */
export async function chatReady(page) {
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
  await page.locator('#connection-status[data-state="open"]').waitFor({ state: 'attached' });
}

/** Logs in through the form and waits for the chat. */
export async function logIn(page, username, password = PASSWORD) {
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-form button[type="submit"]');
  await chatReady(page);
}

/**
 * A new context for `username` on `baseURL`, logged in through the page, with the chat ready. Context options
 * (viewport, locale, timezoneId, …) go to newPage; `beforeOpen(page)` runs before the page is first loaded.
 */
export async function personOn(session, baseURL, username, { beforeOpen, ...contextOptions } = {}) {
  const page = await session.newPage(username, { baseURL, ...contextOptions });
  if (beforeOpen) await beforeOpen(page);
  await openApp(page);
  await logIn(page, username);
  return page;
}

export function roomItem(page, roomId) {
  return page.locator(`#room-list [data-room="${roomId}"]`);
}

export function unreadBadge(page, roomId) {
  return roomItem(page, roomId).locator('.badge.unread');
}

/** The badge's count; 0 when it is hidden, which the page does at 0. */
export async function unreadCount(page, roomId) {
  const badge = unreadBadge(page, roomId);
  if (!(await badge.isVisible())) return 0;
  return Number(await badge.textContent());
}

/** The private room of two people, as the server names it. */
export function privateRoomId(a, b) {
  return `dm.${[a.toLowerCase(), b.toLowerCase()].sort().join('.')}`;
}

/** Finds `username` in the people list and opens the private chat with them. */
export async function openPrivateChat(page, username) {
  await page.fill('#people-search', username);
  await page.click(`#people-list [data-user="${username}"]`);
  await roomLoaded(page, privateRoomId(await page.textContent('#me-name'), username));
}

/** The page's answer from GET /api/unread, made with its own cookies: { "<room id>": n }. */
export async function serverUnread(page) {
  const response = await page.context().request.get('/api/unread');
  assert.equal(response.status(), 200, `GET /api/unread answered ${response.status()}: ${await response.text()}`);
  return (await response.json()).unread;
}

/** Opens a room from the room list and waits until its history is loaded. */
export async function openRoom(page, roomId) {
  await roomItem(page, roomId).click();
  await roomLoaded(page, roomId);
}

export async function roomLoaded(page, roomId) {
  await page.waitForFunction((id) => location.hash === `#${id}`
    && document.querySelector(`#room-list [data-room="${id}"][aria-current="true"]`)
    && !document.querySelector('#messages .history-edge')?.textContent.startsWith('Loading'), roomId);
}

/** Sends through the composer (Enter) and waits for the stored message to show; returns its id. */
export async function sendMessage(page, text, timeout = 20_000) {
  await page.fill('#message-input', text);
  await page.press('#message-input', 'Enter');
  const id = await page.waitForFunction((t) => {
    const input = document.getElementById('message-input');
    const mine = [...document.querySelectorAll('#messages .message.own')].find(
      (m) => m.querySelector('.text')?.textContent === t);
    return input.value === '' && mine ? Number(mine.dataset.id) : null;
  }, text, { timeout });
  return id.jsonValue();
}

/** Waits until a message with exactly this text shows in the open room; returns its id. */
export async function waitForMessage(page, text, timeout = 20_000) {
  const id = await page.waitForFunction((t) => {
    const found = [...document.querySelectorAll('#messages .message')].find(
      (m) => m.querySelector('.text')?.textContent === t);
    return found ? Number(found.dataset.id) : null;
  }, text, { timeout });
  return id.jsonValue();
}

/** Every message in the open room as { id, sender, text }, in DOM order. */
export function shownMessages(page) {
  return page.$$eval('#messages .message', (nodes) => nodes.map((n) => ({
    id: Number(n.dataset.id),
    sender: n.querySelector('.sender')?.textContent,
    text: n.querySelector('.text')?.textContent,
  })));
}

/**
 * Waits until every message in `ids` is in the open room exactly once; that list must then be in id order with no
 * message twice (what a page shows after catching up from history). Resolves with the list.
 */
export async function showsEachOnce(page, ids, timeout = 30_000) {
  let shown;
  await eventually(async () => {
    shown = await shownMessages(page);
    for (const id of ids) assert.equal(shown.filter((m) => m.id === id).length, 1, `message ${id} once`);
  }, { timeout });
  const shownIds = shown.map((m) => m.id);
  assert.deepEqual(shownIds, [...shownIds].sort((a, b) => a - b), 'in id order');
  assert.equal(new Set(shownIds).size, shownIds.length, 'no message twice');
  return shown;
}

/**
 * The open room's list as a person reads it, top to bottom: `--- <day> ---` for a day line, `=== New messages ===`
 * for the line before the first unread message, `<sender>: <text>` for a message.
 */
export function messageListOutline(page) {
  return page.$$eval('#messages > *', (nodes) => nodes.flatMap((n) => {
    if (n.matches('.day-separator')) return [`--- ${n.textContent} ---`];
    if (n.matches('.new-marker')) return [`=== ${n.textContent} ===`];
    if (!n.matches('.message')) return [];
    return [`${n.querySelector('.sender').textContent}: ${n.querySelector('.text').textContent}`];
  }));
}

/**
 * Installs, before the page first loads, a record of the desktop notifications it raises and a switch for its
 * tab's visibility. Every `new Notification(title, options)` the page makes is kept for notificationsShown() and
 * still goes to the browser, whose own permission decides as usual. setTabHidden() makes document.hidden and
 * visibilityState say hidden or visible and fires visibilitychange, as switching tabs does (headless Chromium's
 * tab never hides).
 */
export async function recordNotifications(page) {
  await page.context().addInitScript(() => {
    const BrowserNotification = window.Notification;
    const shown = [];
    const objects = [];
    window.Notification = class extends BrowserNotification {
      constructor(title, options = {}) {
        super(title, options);
        shown.push({ title, body: options.body, tag: options.tag });
        objects.push(this);
      }
    };
    window.__notificationsShown = () => shown;
    window.__clickNotification = (index) => objects[index].dispatchEvent(new Event('click'));

    let hidden = false;
    const realState = Object.getOwnPropertyDescriptor(Document.prototype, 'visibilityState').get;
    const state = () => (hidden ? 'hidden' : realState.call(document));
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state() === 'hidden' });
    window.__setTabHidden = (value) => {
      hidden = value;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

/** The desktop notifications the page raised so far, oldest first, as { title, body, tag }. */
export function notificationsShown(page) {
  return page.evaluate(() => window.__notificationsShown());
}

/** Clicks the index-th notification the page raised, as the person would on their desktop. */
export function clickNotification(page, index) {
  return page.evaluate((i) => window.__clickNotification(i), index);
}

/** Hides the tab (another tab in front, window minimised) or shows it again. */
export function setTabHidden(page, hidden) {
  return page.evaluate((h) => window.__setTabHidden(h), hidden);
}

/**
 * Stores `texts` in `room` as the page's user over a second event-bus socket opened inside the page (the same
 * frames the page sends), one after another; resolves with the stored messages. The server's send limit (429)
 * is honoured by waiting and sending the same message again.
 */
export async function sendOverOwnSocket(page, room, texts) {
  return page.evaluate(async ({ room, texts }) => {
    const eb = new window.EventBus('/eventbus', { transports: ['websocket'] });
    eb.onevent = () => true;  // "registered" confirmations: nothing to do
    await new Promise((resolve, reject) => {
      eb.onopen = resolve;
      setTimeout(() => reject(new Error('event bus did not open')), 10_000);
    });
    const request = (address, body) => new Promise((resolve, reject) => {
      eb.send(address, body, {}, (err, reply) => (err ? reject(Object.assign(new Error(err.message), err))
        : resolve(reply.body)));
    });
    const stored = [];
    try {
      for (const [i, text] of texts.entries()) {
        const body = { room, text, cid: `seed-${Date.now()}-${i}` };
        for (let attempt = 1; ; attempt++) {
          try {
            stored.push(await request('chat.send', body));
            break;
          } catch (e) {
            if (e.failureCode !== 429 || attempt > 50) throw e;
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    } finally {
      eb.close();
    }
    return stored;
  }, { room, texts });
}

/**
 * What the server answers this page's user when it asks, over its own socket, for a room's history and to
 * listen on it: { history: 'ok' | failure text, register: 'ok' | error text }.
 */
export async function tryRoomFromPage(page, room) {
  return page.evaluate(async (room) => {
    const eb = new window.EventBus('/eventbus', { transports: ['websocket'] });
    const errors = [];
    eb.onerror = (err) => errors.push(String((err && (err.body || err.message)) || err));
    await new Promise((resolve, reject) => {
      eb.onopen = resolve;
      setTimeout(() => reject(new Error('event bus did not open')), 10_000);
    });
    const history = await new Promise((resolve) => {
      eb.send('chat.history', { room }, {}, (err, reply) => resolve(err
        ? `refused ${err.failureCode ?? ''} ${err.message ?? ''}`.trim()
        : `ok ${reply.body.messages.length} messages`));
      setTimeout(() => resolve('no answer'), 5_000);
    });
    let registered = false;
    eb.onevent = (event, message) => {
      if (event === 'registered' && message?.address === `chat.room.${room}`) registered = true;
      return true;
    };
    eb.registerHandler(`chat.room.${room}`, {}, () => {});
    const deadline = Date.now() + 3_000;
    while (!registered && !errors.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    eb.close();
    return { history, register: registered ? 'ok' : errors.join('; ') || 'no answer' };
  }, room);
}

