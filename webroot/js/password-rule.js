// The server's password rule (chat.account.PasswordRule), for the page: 8 characters to 72 UTF-8 bytes and not
// on the list of common passwords the server refuses (the same file, /vendor/common-passwords.txt). No DOM here,
// so the build script and node's tests use it as the page does.

export const MIN_CHARS = 8;
export const MAX_BYTES = 72;
export const COMMON_LIST_URL = '/vendor/common-passwords.txt';

// The server's words for each refusal (PasswordRule.problem), shown beside the field when it answers.
export const PROBLEMS = {
  'too-short': `must be at least ${MIN_CHARS} characters`,
  'too-long': `must be at most ${MAX_BYTES} bytes (UTF-8)`,
  'too-common': 'is too common, choose another',
};

export const STRENGTH_LABELS = ['Too weak', 'Weak', 'Fair', 'Good', 'Strong'];

/** Characters as the server counts them: code points, so an emoji is one. */
export function charCount(password) {
  let count = 0;
  for (const _ of password) count++;
  return count;
}

/**
 * Bytes of `password` as Java's String.getBytes(UTF_8) writes them, which is what the server measures and bcrypt
 * hashes: a lone surrogate (which no keyboard types) becomes one '?' there, where TextEncoder would write three.
 */
export function utf8Length(password) {
  let bytes = 0;
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    if (unit < 0x80) {
      bytes += 1;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < password.length
      && password.charCodeAt(i + 1) >= 0xdc00 && password.charCodeAt(i + 1) <= 0xdfff) {
      bytes += 4;
      i++;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      bytes += 1;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

/** The list file's entries, most common first: one a line, '#' lines are its header. Compared ignoring case. */
export function parseCommonList(text) {
  return text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.toLowerCase());
}

/**
 * What the server will say about this password: `{ code, message }` for a refusal (code one of PROBLEMS' keys),
 * `{ code: 'accepted' }`, or `{ code: 'pending' }` while `common` (a Set from parseCommonList) is not loaded yet
 * and only the list could still refuse it. The checks run in the server's order.
 */
export function passwordVerdict(password, common) {
  if (charCount(password) < MIN_CHARS) return refusal('too-short');
  if (utf8Length(password) > MAX_BYTES) return refusal('too-long');
  if (!common) return { code: 'pending' };
  if (common.has(password.toLowerCase())) return refusal('too-common');
  return { code: 'accepted' };
}

function refusal(code) {
  return { code, message: PROBLEMS[code] };
}

/**
 * The meter's reading: `{ verdict, score (0-4), label, hint }`. A password the server refuses scores 0 and says
 * why; one it accepts scores the estimator's 1-4 (an accepted password is never shown as "too weak"), with its
 * warning and suggestions. `estimate(password)` is a zxcvbn-ts check, or null while it loads; `unavailable` says
 * the list could not be loaded, so the verdict is 'unchecked' where it would wait for the list.
 */
export function assessPassword(password, { common = null, estimate = null, unavailable = false } = {}) {
  let verdict = passwordVerdict(password, common);
  if (verdict.code === 'pending' && unavailable) verdict = { code: 'unchecked' };
  const chars = charCount(password);
  switch (verdict.code) {
    case 'too-short':
      return { verdict, score: 0, label: 'Too short', hint: `At least ${MIN_CHARS} characters (${chars} so far).` };
    case 'too-long':
      return { verdict, score: 0, label: 'Too long',
        hint: `At most ${MAX_BYTES} bytes; this one has ${utf8Length(password)}.` };
    case 'too-common':
      return { verdict, score: 0, label: 'Too common',
        hint: 'It is on the list of the 100,000 most common passwords from a public breach corpus.' };
    case 'pending':
      return { verdict, score: 0, label: 'Checking', hint: 'Looking it up in the list of common passwords…' };
    case 'unchecked':
      return { verdict, score: 0, label: 'Not checked',
        hint: 'The list of common passwords could not be loaded; the server checks it when you submit.' };
    default:
      break;
  }
  if (!estimate) {
    return { verdict, score: 1, label: STRENGTH_LABELS[1], hint: 'Not on the list of common passwords.' };
  }
  const result = estimate(password);
  const score = Math.max(1, Math.min(4, result.score));
  const hint = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
  return { verdict, score, label: STRENGTH_LABELS[score], hint, guessesLog10: result.guessesLog10 };
}
