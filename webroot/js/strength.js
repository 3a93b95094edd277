// The password meter. Its verdict is the server's rule (./password-rule.js) against the same list of common
// passwords the server refuses; for a password the server accepts, its score (1-4) and advice come from zxcvbn-ts,
// a maintained estimator, with its common and English dictionaries and that list. The estimator (1.7 MB, 0.9 MB
// gzipped) and the list (0.36 MB, 0.16 MB gzipped) load the first time a password field is used, not with the page.

import { COMMON_LIST_URL, assessPassword, parseCommonList } from './password-rule.js';

const ZXCVBN_SCRIPTS = ['core', 'language-common', 'language-en']
  .map((name) => `/vendor/zxcvbn-ts/${name}/dist/zxcvbn-ts.js`);
// The list's name among the estimator's dictionaries: "passwords" in it makes zxcvbn-ts warn as for a password list.
export const COMMON_DICTIONARY = 'passwords-breached-top-100k';
// Page words the estimator counts as guessable, besides the person's name and mailbox.
const PAGE_WORDS = ['chat'];

/**
 * A zxcvbn-ts estimator from its browser builds (`zxcvbnts` is what they define: core, language-common,
 * language-en) with the list of common passwords (most common first) as one more dictionary.
 */
export function createEstimator(zxcvbnts, commonEntries) {
  const { core, 'language-common': common, 'language-en': english } = zxcvbnts;
  return new core.ZxcvbnFactory({
    translations: english.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary, [COMMON_DICTIONARY]: commonEntries },
  });
}

/** The words of the person the estimator should find in their own password. */
export function userInputs({ username = '', email = '' } = {}) {
  const words = [...PAGE_WORDS, username, email, email.split('@')[0]];
  return words.filter((word) => word && word.length >= 3);
}

// What both meters share once loaded: { common: Set, estimator }.
const loaded = { common: null, estimator: null, failed: false };
let loading = null;

function classicScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = src;
    script.addEventListener('load', () => resolve());
    script.addEventListener('error', () => {
      script.remove();
      reject(new Error(`could not load ${src}`));
    });
    document.head.append(script);
  });
}

async function commonList() {
  const response = await fetch(COMMON_LIST_URL, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${COMMON_LIST_URL} answered ${response.status}`);
  return parseCommonList(await response.text());
}

/** Loads the list and the estimator once for the page; after a failure the next use tries again. */
function load() {
  loading ??= Promise.all([commonList(), ...ZXCVBN_SCRIPTS.map(classicScript)])
    .then(([entries]) => {
      loaded.estimator = createEstimator(window.zxcvbnts, entries);
      loaded.common = new Set(entries);
      loaded.failed = false;
    })
    .catch((error) => {
      loading = null;
      loaded.failed = true;
      console.warn(`password meter: ${error.message}`);
    });
  return loading;
}

/**
 * Keeps a meter element (role="meter") and its text in step with a password input. The meter's data-verdict is
 * what the server will answer: empty, too-short, too-long, too-common, accepted, or pending while the list loads
 * (the meter is aria-busy then) and unchecked when it could not load; data-score is 0 for a refusal, else 1-4.
 * Returns the update function, for after the form is reset.
 */
export function attachStrengthMeter(input, meter, text, context = () => ({})) {
  const update = () => {
    const password = input.value;
    const inputs = userInputs(context());
    const result = assessPassword(password, {
      common: loaded.common,
      estimate: loaded.estimator && ((candidate) => loaded.estimator.check(candidate, inputs)),
      unavailable: loaded.failed,
    });
    meter.dataset.verdict = password ? result.verdict.code : 'empty';
    meter.dataset.score = String(result.score);
    meter.dataset.empty = String(!password);
    meter.setAttribute('aria-busy', String(Boolean(password) && result.verdict.code === 'pending'));
    meter.setAttribute('aria-valuenow', String(result.score));
    meter.setAttribute('aria-valuetext', password ? result.label : 'No password yet');
    text.textContent = password ? `${result.label}. ${result.hint}`.trim() : 'Use 8 to 72 bytes; avoid common passwords.';
  };
  const use = () => {
    if (!loaded.common) load().then(update);
  };
  input.addEventListener('focus', use);
  input.addEventListener('input', () => {
    use();
    update();
  });
  update();
  return update;
}
