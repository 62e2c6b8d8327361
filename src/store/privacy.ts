import { createHash, createHmac } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { detectPii } from '../guard/pii.js';
import { hmacSha256Hex } from './hmac.js';

/**
 * How phone numbers are kept. By default only a keyed hash (to group and look up by number) and a
 * masked form (to show) are stored; the raw number is stored only when the operator opts in.
 */
export interface PrivacyConfig {
  /** HMAC key; at least 16 characters. Changing it makes old hashes unmatchable (masks are unaffected). */
  hashKey: string;
  /** Store raw numbers too (reads still mask them unless called with `reveal: true`). */
  storeRaw: boolean;
}

/** What the store keeps for one number. */
export interface ProtectedNumber {
  hash: string;
  masked: string;
  raw: string | null;
}

const MIN_KEY_LENGTH = 16;
const PHONE_CHARS = /^\+?[\d\s().\-/]+$/;

/** Validate a privacy config; throws ValidationError naming the fix. */
export function checkPrivacyConfig(config: PrivacyConfig): PrivacyConfig {
  const key: unknown = config?.hashKey;
  if (typeof key !== 'string' || key.length < MIN_KEY_LENGTH) {
    // The key itself is a secret: say what is wrong with it, never echo it.
    const got = typeof key === 'string' ? `a ${key.length}-character string` : typeof key;
    throw new ValidationError(
      'ST_STORE_HASH_KEY',
      `store privacy.hashKey must be a string of at least ${MIN_KEY_LENGTH} characters, got ${got}; ` +
        'set it to a long random secret (e.g. `openssl rand -hex 32`) and keep it stable',
      [{ path: 'privacy.hashKey', message: `at least ${MIN_KEY_LENGTH} characters` }],
    );
  }
  if (typeof config.storeRaw !== 'boolean') {
    throw new ValidationError(
      'ST_STORE_STORE_RAW',
      `store privacy.storeRaw must be true or false, got ${typeof config.storeRaw}; omit it to keep raw numbers out`,
      [{ path: 'privacy.storeRaw', message: 'boolean' }],
    );
  }
  return { hashKey: key, storeRaw: config.storeRaw };
}

/** Strip a `sip:`/`sips:`/`tel:` scheme and the host/parameters, leaving the user part. */
function userPart(input: string): string {
  let s = input.trim();
  const scheme = /^(sips?|tel):/i.exec(s);
  if (scheme) s = s.slice(scheme[0].length);
  const cut = s.search(/[@;]/);
  return cut >= 0 ? s.slice(0, cut) : s;
}

/**
 * Canonical form used for hashing: the digits of a phone number (so `+1 (555) 123-4567`,
 * `+15551234567` and `sip:+15551234567@pbx` hash alike), or the lower-cased user part of anything
 * else (alphanumeric SMS senders, SIP user names).
 */
export function normaliseNumber(input: string): string {
  const user = userPart(input);
  if (PHONE_CHARS.test(user) && /\d/.test(user)) return user.replace(/\D/g, '');
  return user.toLowerCase();
}

/**
 * Keyed hash of a number: HMAC-SHA256 over the normalised form, hex.
 *
 * @example
 * ```ts
 * hashNumber('a-long-secret-key!', '+1 555 123 4567') === hashNumber('a-long-secret-key!', '15551234567'); // true
 * ```
 */
export function hashNumber(key: string, number: string): string {
  return createHmac('sha256', key).update(normaliseNumber(number)).digest('hex');
}

/**
 * Masked form for display: hides at least three digits in the middle, and a fixed `***` so the
 * length does not leak. Short numbers (≤ 4 digits) become `***`; non-numeric ids keep one character.
 *
 * @example
 * ```ts
 * maskNumber('+15551234567'); // '+1555***4567'
 * maskNumber('5551234');      // '55***34'
 * maskNumber('sip:alice@pbx'); // 'a***'
 * ```
 */
export function maskNumber(number: string): string {
  const user = userPart(number);
  if (!(PHONE_CHARS.test(user) && /\d/.test(user))) return user.length > 0 ? `${user[0]}***` : '***';
  const plus = user.startsWith('+') ? '+' : '';
  const digits = user.replace(/\D/g, '');
  const n = digits.length;
  const tail = n >= 10 ? 4 : n >= 7 ? 2 : n >= 5 ? 1 : 0;
  const head = n <= 4 ? 0 : Math.max(0, Math.min(4, n - tail - 3));
  return `${plus}${digits.slice(0, head)}***${tail > 0 ? digits.slice(n - tail) : ''}`;
}

/** Hash, mask and (only when `storeRaw`) keep a number; `undefined`/empty gives null. */
export function protectNumber(config: PrivacyConfig, number: string | undefined): ProtectedNumber | null {
  return protectWith(config, (n) => hashNumber(config.hashKey, n), number);
}

function protectWith(
  config: PrivacyConfig,
  hash: (number: string) => string,
  number: string | undefined,
): ProtectedNumber | null {
  if (number === undefined || number.trim() === '') return null;
  return { hash: hash(number), masked: maskNumber(number), raw: config.storeRaw ? number.trim() : null };
}

/**
 * {@link protectNumber} with a small memo: busy numbers (DIDs, trunk numbers, frequent callers)
 * recur, and the HMAC is the costliest step of ingest. Two generations of at most `cacheSize / 2`
 * numbers each: when the young one fills it becomes the old one and the old one is dropped, and a
 * number found in the old one moves back to the young. Memory stays bounded without LRU
 * bookkeeping, and a busy number survives the turnover of one-off callers (a memo dropped whole
 * when full hashed 2,000 destinations again every 10,000 new callers).
 */
export function numberProtector(
  config: PrivacyConfig,
  cacheSize = 10_000,
): (number: string | undefined) => ProtectedNumber | null {
  const half = Math.max(1, cacheSize >> 1);
  let young = new Map<string, ProtectedNumber | null>();
  let old = new Map<string, ProtectedNumber | null>();
  const hmac = hmacSha256Hex(config.hashKey);
  const hash = (n: string) => hmac(normaliseNumber(n));
  return (number) => {
    if (number === undefined) return null;
    let p = young.get(number);
    if (p === undefined) {
      p = old.get(number) ?? protectWith(config, hash, number);
      if (young.size >= half) {
        old = young;
        young = new Map();
      }
      young.set(number, p);
    }
    return p;
  };
}

/** Whether a read may return raw numbers: both the operator switch and the caller's reveal. */
export function mayReveal(config: PrivacyConfig, reveal: boolean | undefined): boolean {
  return config.storeRaw && reveal === true;
}

/**
 * A call id as outputs show it (failures, exports, the CLI). SIP Call-IDs often carry a number or
 * an address (`+15551234567@10.0.0.1`), so an id the guard's detector flags is replaced by a
 * pseudonym: `cid:` and 12 hex digits of its SHA-256, the same for the same id, so rows of one
 * call still group together. Ids without anything personal (`c14`, `call-0042`) pass unchanged.
 * `reveal` shows the raw id (the CLI's `--reveal` on a store file).
 * @example
 * displayCallId('+15551234567@10.0.0.1'); // 'cid:1f0c…' (12 hex digits)
 * displayCallId('call-0042');             // 'call-0042'
 */
export function displayCallId(callId: string, reveal = false): string {
  if (reveal || detectPii(callId) === undefined) return callId;
  return `cid:${createHash('sha256').update(callId).digest('hex').slice(0, 12)}`;
}
