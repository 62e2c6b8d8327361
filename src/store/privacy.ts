import { createHmac } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { hmacSha256Hex } from './hmac.js';
import type { CallUpdate, SmsMatch, SmsUpdate } from './types.js';

/**
 * How phone numbers are kept. By default only a keyed hash (to group and look up by number) and a
 * masked form (to show) are stored; the raw number is stored only when the operator opts in.
 */
export interface PrivacyConfig {
  /** HMAC key; at least 16 characters. Changing it makes old hashes unmatchable (masks are unaffected). */
  hashKey: string;
  /** Store raw numbers too (reads still mask them unless called with `reveal: true`). */
  storeRaw: boolean;
  /**
   * Keep call and message ids as sent (`store.reveal_call_ids`). Default false: the store keeps,
   * and every read returns, only their keyed hash ({@link recordIds}), and a lookup by the id as
   * sent hashes it alike. A Call-ID is often a number or a name (`+15551234567@pbx`,
   * `Margaret-Thatcher-1234`), which no pattern can tell from a harmless one.
   */
  revealCallIds?: boolean;
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
      `store privacy.storeRaw must be true or false, got ${typeof config.storeRaw}; set it to false to keep raw numbers out of the store`,
      [{ path: 'privacy.storeRaw', message: 'boolean' }],
    );
  }
  const reveal: unknown = config.revealCallIds;
  if (reveal !== undefined && typeof reveal !== 'boolean') {
    throw new ValidationError(
      'ST_STORE_STORE_RAW',
      `store privacy.revealCallIds must be true or false, got ${typeof reveal}; omit it to keep ids hashed`,
      [{ path: 'privacy.revealCallIds', message: 'boolean' }],
    );
  }
  return { hashKey: key, storeRaw: config.storeRaw, revealCallIds: reveal === true };
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
  const hmac = hmacSha256Hex(config.hashKey);
  const hash = (n: string) => hmac(normaliseNumber(n));
  const protect = memoised((n: string) => protectWith(config, hash, n), cacheSize);
  return (number) => (number === undefined ? null : protect(number));
}

/** Whether a read may return raw numbers: both the operator switch and the caller's reveal. */
export function mayReveal(config: PrivacyConfig, reveal: boolean | undefined): boolean {
  return config.storeRaw && reveal === true;
}

/** How a hashed id starts: `cid:` a call's, `mid:` a message's, `ref:` a submission reference's. */
export type RecordKind = 'cid' | 'mid' | 'ref';
/** Hex digits of the HMAC kept: 96 bits, so a billion ids collide with odds of about 1e-11. */
const REF_HEX = 24;
/** A hashed id, as a regular expression both JavaScript and PostgreSQL read alike (stored-ids.ts). */
export const RECORD_REF_PATTERN = `^(cid|mid|ref):[0-9a-f]{${REF_HEX}}$`;
const REF = new RegExp(RECORD_REF_PATTERN);

/** Whether an id is already in hashed form (`cid:`, `mid:` or `ref:` and 24 hex digits). */
export function isRecordRef(id: string): boolean {
  return id.length === REF_HEX + 4 && REF.test(id);
}

/**
 * How a call id (`cid`) or an SMS message id (`mid`) is kept and shown everywhere (store column,
 * exports, logs, trace attributes): `cid:` and 24 hex digits of HMAC-SHA256 under the store's
 * numbers key, unless `revealCallIds`. Keyed, so a guessable id (a phone number) cannot be found
 * by hashing candidates without the key; the same id gives the same reference on every surface and
 * every instance sharing the key. An id already in hashed form is returned as it is, so a lookup
 * by the reference an export shows works, and hashing twice changes nothing. Memoised like
 * {@link numberProtector}: a call's events repeat its id.
 *
 * @example
 * const ids = recordIds({ hashKey: key, storeRaw: false }, 'cid');
 * ids('Margaret-Thatcher-1234'); // 'cid:' + 24 hex digits
 * ids(ids('Margaret-Thatcher-1234')) === ids('Margaret-Thatcher-1234'); // true
 */
export function recordIds(
  config: PrivacyConfig,
  kind: RecordKind,
  cacheSize = 10_000,
): (id: string) => string {
  if (config.revealCallIds === true) return (id) => id;
  const hmac = hmacSha256Hex(config.hashKey);
  return memoised(
    (id: string) => (isRecordRef(id) ? id : `${kind}:${hmac(id).slice(0, REF_HEX)}`),
    cacheSize,
  );
}

/** Call updates with their id in stored form; the same array when none changes (revealed ids). */
export function withStoredCallIds(
  updates: readonly CallUpdate[],
  ids: (id: string) => string,
): readonly CallUpdate[] {
  let out: CallUpdate[] | undefined;
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i] as CallUpdate;
    const callId = ids(u.callId);
    // A leg's end-to-end key is a Call-ID or as sensitive as one (sources/hep/legs.ts): kept alike,
    // so the A leg's key (its own Call-ID) is its stored call_id.
    const raw = u.kind === 'started' ? u.endToEndId : undefined;
    const e2e = raw === undefined ? undefined : ids(raw);
    if (callId === u.callId && e2e === raw) continue;
    out ??= updates.slice();
    out[i] = u.kind === 'started' && e2e !== undefined ? { ...u, callId, endToEndId: e2e } : { ...u, callId };
  }
  return out ?? updates;
}

/**
 * SMS updates with their message id and submission reference (a TP-MR, or a provider's message id,
 * which may be anything an app sends) in stored form: keyed hashes unless revealed. A report still
 * finds its submission, since equal references hash alike.
 */
export function withStoredSmsIds(
  updates: readonly SmsUpdate[],
  ids: (id: string) => string,
  refs: (reference: string) => string,
): readonly SmsUpdate[] {
  let out: SmsUpdate[] | undefined;
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i] as SmsUpdate;
    const messageId = ids(u.messageId);
    const reference = 'reference' in u && u.reference !== undefined ? refs(u.reference) : undefined;
    const match = 'match' in u && u.match !== undefined ? refs(u.match.reference) : undefined;
    if (
      messageId === u.messageId &&
      (reference === undefined || reference === (u as { reference?: string }).reference) &&
      (match === undefined || match === (u as { match?: SmsMatch }).match?.reference)
    )
      continue;
    const copy = { ...u, messageId } as SmsUpdate & { reference?: string; match?: SmsMatch };
    if (reference !== undefined) copy.reference = reference;
    if (match !== undefined) copy.match = { ...(copy.match as SmsMatch), reference: match };
    out ??= updates.slice();
    out[i] = copy;
  }
  return out ?? updates;
}

/**
 * `fn` with a two-generation memo of at most `size` entries: when the young generation fills it
 * becomes the old one and the old one is dropped; a hit in the old one moves back to the young.
 * Bounded memory without LRU bookkeeping, and busy keys survive the turnover of one-off ones.
 */
function memoised<T>(fn: (key: string) => T, size: number): (key: string) => T {
  const half = Math.max(1, size >> 1);
  let young = new Map<string, T>();
  let old = new Map<string, T>();
  return (key) => {
    let v = young.get(key);
    if (v === undefined) {
      v = old.get(key) ?? fn(key);
      if (young.size >= half) {
        old = young;
        young = new Map();
      }
      young.set(key, v);
    }
    return v;
  };
}
