// `browserTest`: a node:test test with its own headless Chromium contexts, which screenshots every open page
// when it fails, and fails when any page logged an error or opened a dialog.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './chromium.mjs';

const SCREENSHOTS = fileURLToPath(new URL('../../target/browser-tests/', import.meta.url));
// The 4xx answers a test provokes on purpose (wrong password 401, bad form 400, taken name 409) make Chrome log
// this line; it is the only console error a page may show.
const EXPECTED_CONSOLE = /^Failed to load resource: the server responded with a status of 4\d\d\b/;

let browser = null;

async function sharedBrowser() {
  browser ??= await launchChromium();
  return browser;
}

after(async () => {
  await browser?.close();
  browser = null;
});

const fileSafe = (text) => text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);

/** The browser side of one test: a context per person, each page watched for errors and dialogs. */
export class BrowserSession {
  constructor(testName) {
    this.testName = testName;
    this.pages = [];     // { label, page, inFlight }
    this.contexts = [];
    this.problems = [];  // "label: what went wrong"
    this.dialogs = [];   // "label: type message" of every alert/confirm/prompt
    this.expectedConsole = [EXPECTED_CONSOLE];
  }

  /** Console errors matching `pattern` are expected in this test (e.g. a node it stops refusing connections). */
  expectConsoleErrors(pattern) {
    this.expectedConsole.push(pattern);
  }

  /**
   * A new browser context (its own cookies) with one page; `label` names it in screenshots and errors. Other
   * options (locale, timezoneId, …) go to Playwright's newContext as they are.
   */
  async newPage(label, { baseURL, viewport = { width: 1280, height: 800 }, ...contextOptions } = {}) {
    const context = await (await sharedBrowser()).newContext({ baseURL, viewport, ...contextOptions });
    context.setDefaultTimeout(20_000);
    this.contexts.push(context);
    const page = await context.newPage();
    this.watch(label, page);
    return page;
  }

  watch(label, page) {
    const inFlight = new Map();  // request -> when it started, to name what a stuck page waits for
    this.pages.push({ label, page, inFlight });
    page.on('request', (request) => inFlight.set(request, Date.now()));
    page.on('requestfinished', (request) => inFlight.delete(request));
    page.on('requestfailed', (request) => inFlight.delete(request));
    page.on('console', (message) => {
      if (message.type() === 'error' && !this.expectedConsole.some((expected) => expected.test(message.text()))) {
        this.problems.push(`${label}: console error: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => this.problems.push(`${label}: page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${label}: ${dialog.type()} ${dialog.message()}`);
      dialog.dismiss().catch(() => {});
    });
  }

  assertNoPageProblems() {
    assert.deepEqual(this.problems, [], 'pages logged errors');
    assert.deepEqual(this.dialogs, [], 'pages opened dialogs');
  }

  /** Requests still unanswered on open pages (WebSockets aside), e.g. "bob: GET /api/unread for 20000 ms". */
  pendingRequests() {
    const now = Date.now();
    const pending = [];
    for (const { label, page, inFlight } of this.pages) {
      if (page.isClosed()) continue;
      for (const [request, since] of inFlight) {
        const path = new URL(request.url()).pathname;
        if (!path.startsWith('/eventbus/')) pending.push(`${label}: ${request.method()} ${path} for ${now - since} ms`);
      }
    }
    return pending;
  }

  async screenshots() {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const { label, page } of this.pages) {
      if (page.isClosed()) continue;
      const file = `${SCREENSHOTS}${fileSafe(this.testName)}-${fileSafe(label)}.png`;
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5_000 });
        console.log(`screenshot: ${file}`);
      } catch (e) {
        console.log(`no screenshot of ${label}: ${e.message}`);
      }
    }
  }

  async close() {
    await Promise.allSettled(this.contexts.map((context) => context.close()));
  }
}

/** Like node:test's `test`, with `fn(session, t)`; failures leave screenshots under target/browser-tests/. */
export function browserTest(name, fn, options = {}) {
  return test(name, options, async (t) => {
    const session = new BrowserSession(name);
    try {
      await fn(session, t);
      session.assertNoPageProblems();
    } catch (e) {
      await session.screenshots();
      if (session.problems.length) e.message += `\nPage problems:\n  ${session.problems.join('\n  ')}`;
      const pending = session.pendingRequests();
      if (pending.length) e.message += `\nUnanswered requests:\n  ${pending.join('\n  ')}`;
      throw e;
    } finally {
      await session.close();
    }
  });
}
