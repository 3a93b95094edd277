// The bytes under end-to-end encryption (issue 20), apart from the crypto that uses them: UTF-8, hex, strict base64
// and base64url, random bytes, WebCrypto looked up on use, and the named errors every encryption module throws (the
// page shows its own words for each `name`). No DOM.

export const utf8 = (text) => new TextEncoder().encode(text);

// Looked up on use, not at load: on plain http (not localhost) a browser has no crypto.subtle at all, and the page
// should be able to load this module and say so rather than fail to start.
export function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) throw failure('NoCrypto', 'this browser offers no WebCrypto here (it needs https)');
  return s;
}

export function random(n) {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

// An Error whose `name` says which refusal it is.
export function failure(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

// Base64: standard with padding on the wire and in the backup, base64url without padding in JWKs.

export function toBase64(bytes) {
  let s = '';
  // In slices: String.fromCharCode with 10 KB of arguments at once is near some engines' argument limits.
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(s);
}

// Strict, unlike atob (which skips spaces and takes missing padding): only the one canonical spelling of some bytes,
// so that the base64 strings the signature covers name exactly one message. Null for anything else.
export function fromBase64(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  let bytes;
  try {
    bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  return toBase64(bytes) === text ? bytes : null;
}

export const toBase64Url = (bytes) => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

export function fromBase64Url(text) {
  if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = fromBase64(std + '='.repeat((4 - (std.length % 4)) % 4));
  return bytes && toBase64Url(bytes) === text ? bytes : null;
}

export const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, '0')).join('');
