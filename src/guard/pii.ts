import { shannonEntropy } from './luhn.js';
import { classifyLongDigits, isAlnum, isDigit, scanDigits } from './pii-digits.js';
import type { PiiKind } from './pii-kinds.js';

// Every pattern starts on a rare literal (`sip:`, `Bearer`, `sk_live_`) or has bounded quantifiers over
// disjoint classes, and none needs anything after an unbounded run: no catastrophic or quadratic backtracking.
const SIP_URI = /(?<![A-Za-z0-9])(?:sips?:[^\s"'<>]{0,256}?[@.[][A-Za-z0-9:]|tel:[^\s"'<>]{0,64}?[0-9])/i;
const AUTH_SCHEME = /\b(?:bearer|basic|token)\s+([A-Za-z0-9._~+/-]{8,}=*)/i;
const SECRET_KV =
  /(?:api[_-]?key|secret|passw(?:or)?d|pwd|token|signature|sig)["']?\s*[=:]\s*["']?([^\s"'&,;]{6,})/i;
const API_KEY =
  /\b(?:[spr]k_(?:live|test)_[0-9A-Za-z]{8,}|(?:AC|SK)[0-9a-fA-F]{32}\b|(?:AKIA|ASIA)[0-9A-Z]{16}\b|gh[pousr]_[0-9A-Za-z]{20,}|github_pat_\w{20,}|xox[abposr]-[0-9A-Za-z-]{8,}|AIza[\w-]{35}|sk-[\w-]{20,})/;
const SECRETISH = /[0-9+/=~]|[a-z][A-Z]/;
const UUID = /[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}/;
const MAC = /(?<![0-9A-Za-z:-])[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Za-z:-])/;
const HEX_RUN = /[0-9A-Fa-f]{16,}/g;
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
// Not glued to a letter or to a longer dotted number, so `v1.2.3.4` and `1.2.3.4.5` stay versions.
const IPV4 = new RegExp(`(?<![0-9A-Za-z]|[0-9]\\.)(?:${OCTET}\\.){3}${OCTET}(?![0-9]|\\.[0-9])`);
const IPV6 = /(?<![0-9A-Za-z_:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,8}/g;
const VOWEL = new Uint8Array(128);
for (const c of 'aeiou') VOWEL[c.charCodeAt(0)] = 1;
const TOKEN_RUN = /[A-Za-z0-9+/=_-]{20,}/g;

/**
 * Finds personal data or secrets in a metric label value. Runs once per new label value, so it
 * favours cheap pre-checks and linear scans: a typical short value costs well under a microsecond.
 * When several kinds are present the structural one wins (a URL or SIP URI that contains a phone
 * number or an IP is reported as `url`/`sip_uri`), in the order of {@link PII_KINDS}; among digit
 * kinds the leftmost number decides; the generic high-entropy `token` test runs last. Never throws.
 *
 * Judgement calls: bare hostnames (`pbx1.example.com`) are NOT flagged (they name infrastructure,
 * and the guard's cardinality limits handle them); any `user@host` is (a SIP AOR or login), but not
 * `name@1.2.3` (a package version). Any run of 7+ digits is flagged, so are unix timestamps and
 * 4-part dotted numbers that are valid IPv4 addresses (`1.0.0.1`).
 *
 * @param value a label value
 * @returns the kind of PII found, or `undefined` when the value looks safe
 * @example
 * ```ts
 * detectPii('from +44 7700 900123 ok'); // 'phone'
 * detectPii('err: sip:alice@10.0.0.1 timed out'); // 'sip_uri'
 * detectPii('G.711'); // undefined
 * ```
 */
export function detectPii(value: string): PiiKind | undefined {
  if (typeof value !== 'string') return undefined;
  const n = value.length;
  let digits = 0;
  let at = 0;
  let colons = 0;
  let dots = 0;
  let dashes = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 64) at++;
    else if (c === 58) colons++;
    else if (c === 46) dots++;
    else if (c === 45) dashes++;
  }
  // Most label values are short words or small numbers: nothing below can match them.
  if (n < 15 && digits === 0 && at === 0 && colons === 0) return undefined;
  if (colons > 0) {
    const u = value.indexOf('://');
    if (u > 0 && isAlnum(value.charCodeAt(u - 1)) && u + 3 < n && value.charCodeAt(u + 3) > 32) return 'url';
    if (SIP_URI.test(value)) return 'sip_uri';
  }
  if (at > 0) {
    const k = scanAt(value);
    if (k !== undefined) return k;
  }
  if (n >= 15) {
    let m = AUTH_SCHEME.exec(value);
    if (m?.[1] !== undefined && SECRETISH.test(m[1])) return 'token';
    if (API_KEY.test(value) || hasJwt(value)) return 'token';
    m = SECRET_KV.exec(value);
    if (m?.[1] !== undefined && (m[1].length >= 16 || SECRETISH.test(m[1]))) return 'token';
  }
  if (n >= 16) {
    if (dashes >= 4 && UUID.test(value)) return 'id';
    const k = scanHexRuns(value);
    if (k !== undefined) return k;
  }
  if ((colons >= 5 || dashes >= 5) && MAC.test(value)) return 'id';
  if (dots >= 3 && digits >= 4 && IPV4.test(value)) return 'ip';
  if (colons >= 2 && hasIpv6(value)) return 'ip';
  if (digits >= 7) {
    const k = scanDigits(value);
    if (k !== undefined) return k;
  }
  if (n >= 20 && digits > 0 && hasHighEntropyRun(value)) return 'token';
  return undefined;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** `local@host`: an email, or a SIP Call-ID (`a84b4c76e66710@pc33.atlanta.com`) when local is hex. */
function scanAt(v: string): PiiKind | undefined {
  for (let a = v.indexOf('@'); a >= 0; a = v.indexOf('@', a + 1)) {
    let s = a;
    // RFC 5321 caps the local part at 64 octets; the bound also keeps repeated `@`s linear.
    while (s > 0 && a - s < 64 && isLocalChar(v.charCodeAt(s - 1))) s--;
    let e = a + 1;
    let letters = 0;
    let labels = 1;
    while (e < v.length && e - a < 255) {
      const c = v.charCodeAt(e);
      if (c === 46) labels++;
      else if (c === 45 || isDigit(c)) {
        /* host character */
      } else if (isAlnum(c)) letters++;
      else break;
      e++;
    }
    if (s === a || e === a + 1 || !isAlnum(v.charCodeAt(a + 1))) continue;
    // `pkg@1.2.3` is a version; a host with no letters must be a dotted-quad IPv4 literal.
    if (letters === 0 && labels !== 4) continue;
    let hexLetters = 0;
    let nonHex = false;
    let localDigits = 0;
    for (let i = s; i < a; i++) {
      const c = v.charCodeAt(i);
      if (isDigit(c)) localDigits++;
      else if (isHex(c)) hexLetters++;
      else if (c !== 45) nonHex = true;
    }
    // Call-IDs are random hex or digits, often `@` a bare token; `4155550123@vtext.com` stays an email.
    const idLike =
      !nonHex && a - s >= 8 && localDigits > 0 && (hexLetters > 0 || a - s >= 16 || labels === 1);
    return idLike ? 'id' : 'email';
  }
  return undefined;
}

// RFC 5322 atext plus `.`: letters, digits and !#$%&'*+-/=?^_`{|}~
const LOCAL_CHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-/=?^_`{|}~.") LOCAL_CHAR[c.charCodeAt(0)] = 1;

function isLocalChar(c: number): boolean {
  return isAlnum(c) || LOCAL_CHAR[c] === 1;
}

/** Long hex runs are IDs; a digit run padded with `F` (as some modems print ICCIDs) is classified as digits. */
function scanHexRuns(v: string): PiiKind | undefined {
  HEX_RUN.lastIndex = 0;
  for (let m = HEX_RUN.exec(v); m !== null; m = HEX_RUN.exec(v)) {
    const run = m[0];
    let end = run.length;
    while (end > 0 && (run.charCodeAt(end - 1) | 32) === 102) end--;
    let firstLetter = 0;
    while (firstLetter < end && isDigit(run.charCodeAt(firstLetter))) firstLetter++;
    if (firstLetter === run.length) continue;
    if (firstLetter === end && end >= 15) return classifyLongDigits(run, 0, end) ?? 'phone';
    return 'id';
  }
  return undefined;
}

/**
 * Three base64url parts, the first a JSON header (`eyJ` is `{"`). Scanned by hand: a regex would rescan
 * the same run from every `eyJ` in it, which is quadratic on `eyJeyJeyJ...`.
 */
function hasJwt(v: string): boolean {
  let from = 0;
  for (let i = v.indexOf('eyJ'); i >= 0; i = v.indexOf('eyJ', from)) {
    const j = b64urlEnd(v, i);
    from = j;
    if (j - i < 8 || v.charCodeAt(j) !== 46) continue;
    const k = b64urlEnd(v, j + 1);
    if (k - j - 1 >= 4 && v.charCodeAt(k) === 46) return true;
  }
  return false;
}

function b64urlEnd(v: string, i: number): number {
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (!isAlnum(c) && c !== 45 && c !== 95) break;
    i++;
  }
  return i;
}

function hasIpv6(v: string): boolean {
  IPV6.lastIndex = 0;
  for (let m = IPV6.exec(v); m !== null; m = IPV6.exec(v)) {
    let s = m[0];
    const next = v.charCodeAt(m.index + s.length);
    if (isAlnum(next) || next === 95) continue;
    // A trailing lone colon is punctuation (`fe80::1: unreachable`); otherwise a colon means > 8 groups.
    if (s.endsWith(':') && !s.endsWith('::')) s = s.slice(0, -1);
    else if (next === 58) continue;
    if (validIpv6(s)) return true;
  }
  return false;
}

function validIpv6(s: string): boolean {
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) return false;
  if ((s.startsWith(':') && dbl !== 0) || (s.endsWith(':') && dbl !== s.length - 2)) return false;
  const parts = s.split(':');
  let groups = 0;
  for (const p of parts) if (p.length > 0) groups++;
  // `::` alone (the unspecified address) identifies nobody.
  return dbl < 0 ? parts.length === 8 && groups === 8 : groups >= 1 && groups <= 7;
}

/**
 * Random secrets use many distinct characters and switch character class often; identifiers are
 * words joined by `_`/`-`, and upper-case part numbers (`EC25EFAR06A06M4G`) look random but are short.
 */
function hasHighEntropyRun(v: string): boolean {
  TOKEN_RUN.lastIndex = 0;
  for (let m = TOKEN_RUN.exec(v); m !== null; m = TOKEN_RUN.exec(v)) {
    const s = m.index;
    // Only the head is scored: a secret is random throughout, and this bounds the cost on huge input.
    const e = Math.min(s + m[0].length, s + 256);
    const len = e - s;
    let digits = 0;
    let lower = 0;
    let upper = 0;
    let switches = 0;
    let vowels = 0;
    let prev = 0;
    for (let i = s; i < e; i++) {
      const c = v.charCodeAt(i);
      if (VOWEL[c | 32] === 1) vowels++;
      const cls = isDigit(c) ? 1 : c >= 97 && c <= 122 ? 2 : c >= 65 && c <= 90 ? 3 : 0;
      if (cls === 1) digits++;
      else if (cls === 2) lower++;
      else if (cls === 3) upper++;
      if (prev !== 0 && cls !== 0 && cls !== prev) switches++;
      prev = cls;
    }
    const alnum = digits + lower + upper;
    if (digits === 0 || digits === alnum || len - alnum > len / 10) continue;
    if (lower === 0 && len < 32) continue;
    const switchRate = switches / alnum;
    // Word-like camelCase (`handleInboundSms2Webhook`) switches class less and is ~38% vowels; random is 19%.
    if (switchRate < 0.5 && vowels > (lower + upper) * 0.3) continue;
    if (switchRate >= 0.2 && shannonEntropy(v, s, e) >= Math.min(4, Math.log2(len) - 0.75)) return true;
  }
  return false;
}
