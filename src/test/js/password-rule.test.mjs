// The page's password rule and meter reading (webroot/js/password-rule.js, webroot/js/strength.js), without a
// browser: the rule against the list the build writes, and the estimator from the same browser builds the jar
// serves. The browser test password-strength.test.mjs checks the page against a running server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { commonPasswords, commonPasswordsFile, topPasswords } from '../../../build/common-passwords.mjs';
import {
  MAX_BYTES, MIN_CHARS, PROBLEMS, assessPassword, charCount, parseCommonList, passwordVerdict, utf8Length,
} from '../../../webroot/js/password-rule.js';
import { COMMON_DICTIONARY, createEstimator, userInputs } from '../../../webroot/js/strength.js';

const entries = commonPasswords();
const common = new Set(entries);

// What the zxcvbn-ts browser builds define, run as the page runs them (classic scripts on one global).
function zxcvbnts() {
  const global = {};
  vm.createContext(global);
  for (const name of ['core', 'language-common', 'language-en']) {
    const file = new URL(`../../../node_modules/@zxcvbn-ts/${name}/dist/zxcvbn-ts.js`, import.meta.url);
    vm.runInContext(readFileSync(file, 'utf8'), global, { filename: file.pathname });
  }
  return global.zxcvbnts;
}

let estimatorOnce = null;
const estimator = () => (estimatorOnce ??= createEstimator(zxcvbnts(), entries));

test('length is counted as the server counts it: code points, and UTF-8 bytes as Java writes them', () => {
  assert.equal(charCount('abc'), 3);
  assert.equal(charCount('🔑'.repeat(8)), 8, 'an emoji is one character (two UTF-16 units)');
  assert.equal(utf8Length('a'), 1);
  assert.equal(utf8Length('é'), 2);
  assert.equal(utf8Length('€'), 3);
  assert.equal(utf8Length('🔑'), 4);
  assert.equal(utf8Length('\ud800'), 1, "a lone surrogate is Java's one '?'");
  assert.equal(utf8Length('a\udc00b'), 3);
  assert.equal(utf8Length('ü'.repeat(36)), 72);
});

test('the verdict follows the server: too short, then too long, then too common; case is ignored', () => {
  assert.deepEqual(passwordVerdict('Abc-123', common), { code: 'too-short', message: PROBLEMS['too-short'] });
  assert.equal(passwordVerdict('🔑'.repeat(7), common).code, 'too-short', '7 characters in 28 bytes');
  assert.equal(passwordVerdict('🔑'.repeat(8), common).code, 'accepted');
  assert.equal(passwordVerdict('ü'.repeat(36), common).code, 'accepted', 'exactly 72 bytes');
  assert.deepEqual(passwordVerdict('é'.repeat(37), common), { code: 'too-long', message: PROBLEMS['too-long'] });
  assert.equal(passwordVerdict(`${'a'.repeat(71)}é`, common).code, 'too-long', '72 characters in 73 bytes');
  assert.deepEqual(passwordVerdict('PassWord', common), { code: 'too-common', message: PROBLEMS['too-common'] });
  assert.equal(passwordVerdict('Quiet-harbour-47', common).code, 'accepted');
  assert.equal(passwordVerdict('Quiet-harbour-47', null).code, 'pending', 'only the list could refuse it');
  assert.equal(passwordVerdict('short', null).code, 'too-short', 'no list needed');
  assert.equal(PROBLEMS['too-short'], `must be at least ${MIN_CHARS} characters`);
  assert.equal(PROBLEMS['too-long'], `must be at most ${MAX_BYTES} bytes (UTF-8)`);
});

test('the list file is read as the server reads it: header and empty lines skipped, entries lower-cased', () => {
  assert.deepEqual(parseCommonList('# header\n# more\nPassword\n\nqwerty123\n'), ['password', 'qwerty123']);
  assert.deepEqual(parseCommonList(commonPasswordsFile()), entries);
});

test('the list holds every one of the corpus top 100,000 that the length rule lets through, in rank order', () => {
  const top = topPasswords();
  assert.equal(top.length, 100_000);
  assert.deepEqual(top.slice(0, 3), ['123456', 'password', '12345678'], 'most common first');
  const passable = top.map((p) => p.toLowerCase()).filter((p) => charCount(p) >= MIN_CHARS && utf8Length(p) <= MAX_BYTES);
  for (const password of passable) assert.ok(common.has(password), `${password} is on the list`);
  const ranked = [...new Set(passable)];
  assert.deepEqual(entries.slice(0, ranked.length), ranked, 'in rank order, each once');
  assert.ok(entries.length >= 38_000, `${entries.length} entries`);
  for (const entry of entries) {
    assert.equal(entry, entry.toLowerCase());
    assert.ok(charCount(entry) >= MIN_CHARS && utf8Length(entry) <= MAX_BYTES, entry);
  }
  // ranks 2, 1,000, ~50,000, ~75,000 and the last one of 8 characters or more (99,996), and one kept from the old list
  for (const [rank, password] of [[2, 'password'], [1000, 'freepass'], [50_013, 'candlebo'],
    [75_000, 'vladimirovna'], [99_996, '07021954']]) {
    assert.equal(top[rank - 1], password, `rank ${rank}`);
    assert.equal(passwordVerdict(password.toUpperCase(), common).code, 'too-common', password);
  }
  assert.equal(passwordVerdict('vertxchat', common).code, 'too-common');
  // in the corpus past its top 100,000 (another SecLists list), and one letter away from an entry
  for (const password of ['tikbalang1', 'passwordx', '07021954x']) {
    assert.equal(passwordVerdict(password, common).code, 'accepted', password);
  }
});

test('the meter scores a refusal 0 with its reason, and an accepted password 1-4 from the estimator', () => {
  const estimate = (password, context) => estimator().check(password, userInputs(context));
  const assess = (password, context = {}) => assessPassword(password, {
    common, estimate: (candidate) => estimate(candidate, context),
  });

  const listed = assess('Candlebo');
  assert.equal(listed.verdict.code, 'too-common');
  assert.equal(listed.score, 0);
  assert.match(listed.hint, /100,000 most common passwords/);
  assert.equal(assess('short').score, 0);
  assert.equal(assess('é'.repeat(37)).label, 'Too long');

  // the estimator knows the list by name: an entry its own dictionaries lack is matched there
  const match = estimator().check('candlebo').sequence;
  assert.deepEqual([...match].map((m) => m.dictionaryName), [COMMON_DICTIONARY]);
  assert.equal(estimator().check('candlebo').feedback.warning, 'This is a commonly used password.');

  const strong = assess('Meadowlark-violin-ferry-42');
  assert.equal(strong.verdict.code, 'accepted');
  assert.ok(strong.score >= 3, `score ${strong.score}`);
  const weak = assess('qwertyqwertyqwerty');
  assert.equal(weak.verdict.code, 'accepted', 'not on the list: the server takes it');
  assert.equal(weak.score, 1, 'an accepted password is never shown as 0, however guessable');
  assert.ok(weak.hint, 'and the estimator says why it is weak');

  // the person's own name and mailbox count against the password
  const person = { username: 'zorblatt_77', email: 'zorblatt@example.com' };
  assert.equal(assess('zorblatt_77!').score, 4, 'a made-up word is strong for anyone else');
  const named = assess('zorblatt_77!', person);
  assert.equal(named.score, 1);
  assert.match(named.hint, /personal or page related data/);

  assert.equal(assessPassword('Quiet-harbour-47', { common: null }).verdict.code, 'pending');
  assert.equal(assessPassword('Quiet-harbour-47', { common: null, unavailable: true }).verdict.code, 'unchecked');
  assert.equal(assessPassword('Quiet-harbour-47', { common }).score, 1, 'on the list or not, before the estimator');
});
