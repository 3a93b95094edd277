// An advisory password-strength estimate (0-4). The server is the judge of what is
// accepted; this only helps the person choose before they submit.

// The most used passwords, and the words they are built on.
const COMMON = new Set([
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword',
  '12345678', '123456789', '1234567890', '123123123', '11111111', '00000000',
  '87654321', '12341234', '11223344', 'qwertyui', 'qwertyuiop', 'qwerty123',
  '1q2w3e4r', '1q2w3e4r5t', 'zaq12wsx', 'qazwsxedc', 'asdfghjk', 'asdfghjkl',
  'iloveyou', 'letmein1', 'letmein!', 'welcome1', 'welcome123', 'sunshine',
  'princess', 'football', 'baseball', 'basketball', 'superman', 'batman123',
  'trustno1', 'starwars', 'whatever', 'computer', 'internet', 'michael1',
  'jennifer', 'charlie1', 'shadow12', 'master12', 'dragon12', 'monkey12',
  'abc12345', 'abcd1234', 'a1b2c3d4', 'changeme', 'secret12', 'freedom1',
  'admin123', 'administrator', 'iloveyou1', 'lovelove', 'loveyou1', 'hello123',
  'chatchat', 'azertyui', 'mustang1', 'access14', 'qwerty12', 'q1w2e3r4',
]);
const COMMON_WORDS = ['password', 'passw0rd', 'qwerty', 'letmein', 'welcome', 'iloveyou',
  'admin', 'dragon', 'monkey', 'abc123', 'trustno1', 'azerty', 'chat'];
const RUNS = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

export const STRENGTH_LABELS = ['Too weak', 'Weak', 'Fair', 'Good', 'Strong'];

// True when the text has `len` characters in a row along the alphabet, the digits
// or a keyboard row, forwards or backwards.
function hasRun(text, len) {
  for (let i = 0; i + len <= text.length; i++) {
    const piece = text.slice(i, i + len);
    const reversed = [...piece].reverse().join('');
    if (RUNS.some((run) => run.includes(piece) || run.includes(reversed))) return true;
  }
  return false;
}

export function passwordStrength(password, { username = '', email = '' } = {}) {
  if (!password) return { score: 0, label: STRENGTH_LABELS[0], hint: 'Use at least 8 characters.' };
  const bytes = new TextEncoder().encode(password).length;
  if (bytes > 72) {
    return { score: 0, label: 'Too long', hint: `At most 72 bytes; this one has ${bytes}.` };
  }
  const chars = [...password];
  if (chars.length < 8) {
    return { score: 0, label: 'Too short', hint: `At least 8 characters (${chars.length} so far).` };
  }
  const lower = password.toLowerCase();
  // "Password1!" is as common as "password": strip the usual digits and symbols at the end.
  const stem = lower.replace(/[\d!@#$%^&*.?_-]+$/, '');
  if (COMMON.has(lower) || COMMON.has(stem) || new Set(chars).size <= 2 || hasRun(lower, lower.length)) {
    return { score: 0, label: 'Too common', hint: 'This is one of the first passwords anyone would try.' };
  }

  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z\d]/].filter((re) => re.test(password)).length;
  let score = 1;
  if (chars.length >= 12) score++;
  if (chars.length >= 16) score++;
  if (classes >= 3) score++;
  if (chars.length >= 20 || (classes === 4 && chars.length >= 12)) score++;

  const hints = [];
  if (COMMON_WORDS.some((w) => lower.includes(w))) {
    score = Math.min(score, 1);
    hints.push('Avoid well-known words like "password".');
  }
  const name = username.toLowerCase();
  const mailbox = email.toLowerCase().split('@')[0];
  if ((name.length >= 3 && lower.includes(name)) || (mailbox.length >= 3 && lower.includes(mailbox))) {
    score--;
    hints.push('Leave out your name.');
  }
  if (hasRun(lower, 4)) {
    score--;
    hints.push('Avoid runs like "1234" or "abcd".');
  }
  if (new Set(chars).size < chars.length / 3) {
    score--;
    hints.push('Avoid repeating characters.');
  }
  score = Math.max(1, Math.min(4, score));
  if (score < 3 && !hints.length) {
    hints.push(chars.length < 12 ? 'Longer is stronger: try a few unrelated words.'
      : 'Mix in capitals, digits or symbols.');
  }
  return { score, label: STRENGTH_LABELS[score], hint: hints.join(' ') };
}

// Keeps a meter element (role="meter", data-score 0-4) and its text in step with an input.
export function attachStrengthMeter(input, meter, text, context = () => ({})) {
  const update = () => {
    const result = passwordStrength(input.value, context());
    meter.dataset.score = String(result.score);
    meter.dataset.empty = String(!input.value);
    meter.setAttribute('aria-valuenow', String(result.score));
    meter.setAttribute('aria-valuetext', input.value ? result.label : 'No password yet');
    text.textContent = input.value ? `${result.label}. ${result.hint}`.trim() : 'Use 8 to 72 bytes; avoid common passwords.';
  };
  input.addEventListener('input', update);
  update();
  return update;
}
