import { SIP_METHODS } from '../../domain/labels.js';

/**
 * The fields of a SIP message read in place (sip.ts): header names, From/To tags, URI users. Each
 * has a fast path for the usual ASCII spelling and falls back to the general rule (the regex or
 * the trim and lower-casing it replaces) for anything else, so both give the same answer; the
 * property tests in test/sources/hep/sip.test.ts hold them to it. With the line scan in sip.ts
 * they took a parse of a replay message (bench/hep.bench.mjs's) from 2.85 to 1.75 us CPU.
 */

/** Compact header forms (RFC 3261 7.3.3) by their full names. */
export const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  f: 'from',
  t: 'to',
  v: 'via',
  c: 'content-type',
  x: 'session-expires',
  l: 'content-length',
};

/** Where the line starting at `from` ends: its LF, or `end`. */
export function lineEnd(text: string, from: number, end: number): number {
  const lf = text.indexOf('\n', from);
  return lf < 0 || lf > end ? end : lf;
}

/** The headers parseSip reads, by their full lower-case names. */
const READ = new Set([
  'call-id',
  'cseq',
  'from',
  'to',
  'via',
  'session-expires',
  'reason',
  'expires',
  'contact',
  'content-type',
]);

/** The full lower-case name of a header parseSip reads (compact forms expanded), '' for any other. */
export function generalName(line: string, colon: number): string {
  const raw = line.slice(0, colon).trim().toLowerCase();
  const name = COMPACT[raw] ?? raw;
  return READ.has(name) ? name : '';
}

/**
 * generalName of the header at `base` in `text`, its name `length` long. A name of plain token
 * characters (the usual case) is matched in place, allocating nothing, where a slice, a trim and
 * a lower-casing a header were; any other name goes the general way, so both give the same answer.
 */
export function headerName(text: string, base: number, length: number): string {
  for (let i = base; i < base + length; i++) {
    const raw = text.charCodeAt(i);
    const c = raw | 0x20;
    if (!((c >= 0x61 && c <= 0x7a) || raw === 0x2d))
      return generalName(text.slice(base, base + length), length);
  }
  if (length === 1) {
    const name = COMPACT[String.fromCharCode(text.charCodeAt(base) | 0x20)];
    return name !== undefined && READ.has(name) ? name : '';
  }
  for (const name of NAMES_BY_LENGTH[length] ?? NONE) if (sameLower(text, base, name)) return name;
  return '';
}

const NONE: readonly string[] = [];
const NAMES_BY_LENGTH: string[][] = [];
for (const name of READ) (NAMES_BY_LENGTH[name.length] ??= []).push(name);

/** `text` at `base` holds `name` (lower case letters and '-'), ignoring case. */
function sameLower(text: string, base: number, name: string): boolean {
  for (let i = 0; i < name.length; i++)
    if ((text.charCodeAt(base + i) | 0x20) !== name.charCodeAt(i)) return false;
  return true;
}

/** ASCII whitespace, what `\s` matches below 0x80. */
export const space = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * text[from, to) as `.slice(from, to).trim()` gives it, in one slice when its ends are ASCII (a
 * header value: the space after the colon made trim a second copy of each value).
 */
export function trimmed(text: string, from: number, to: number): string {
  while (from < to && space(text.charCodeAt(from))) from++;
  while (to > from && space(text.charCodeAt(to - 1))) to--;
  if (from < to && (text.charCodeAt(from) > 0x7f || text.charCodeAt(to - 1) > 0x7f))
    return text.slice(from, to).trim();
  return text.slice(from, to);
}

/** Whether text[from, to) has a character above 0x7f: the hand scans below read ASCII only. */
export function nonAscii(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) > 0x7f) return true;
  return false;
}

/** The methods of RFC 3261 and its extensions (case-sensitive tokens, 7.1). */
export const METHODS: readonly string[] = SIP_METHODS;

/**
 * text[from, to) as a string: the literal of `known` it spells (case-sensitive), so a message's
 * method is one shared string (no copy, and compared with `===` by pointer downstream), else a slice.
 */
export function word(text: string, from: number, to: number, known: readonly string[]): string {
  const n = to - from;
  for (let i = 0; i < known.length; i++) {
    const w = known[i] as string;
    if (w.length === n && text.startsWith(w, from)) return w;
  }
  return text.slice(from, to);
}

const CSEQ = /^(\d{1,10})\s+([A-Za-z][A-Za-z-]{0,31})$/;

/** What {@link cseq} read: the sequence number (-1: the value is not a CSeq) and the method. */
export const cseqRead = { number: -1, method: '' };

/**
 * The CSeq value at text[from, to) (untrimmed), as `^(\d{1,10})\s+([A-Za-z][A-Za-z-]{0,31})$` reads
 * it trimmed, into {@link cseqRead}: scanned in place for ASCII (no slice, no regex run, the method
 * a shared literal); anything else goes to the regex itself, so both give the same answer.
 */
export function cseq(text: string, from: number, to: number): void {
  cseqRead.number = -1;
  if (nonAscii(text, from, to)) {
    const m = CSEQ.exec(text.slice(from, to).trim());
    if (m !== null) {
      cseqRead.number = Number(m[1]);
      cseqRead.method = m[2] as string;
    }
    return;
  }
  let i = from;
  let end = to;
  while (i < end && space(text.charCodeAt(i))) i++;
  while (end > i && space(text.charCodeAt(end - 1))) end--;
  let n = 0;
  const digits = i;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  if (i === digits || i - digits > 10 || i === end || !space(text.charCodeAt(i))) return;
  while (i < end && space(text.charCodeAt(i))) i++;
  const method = i;
  if (end - method < 1 || end - method > 32 || !letter(text.charCodeAt(method))) return;
  for (let k = method + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (!letter(c) && c !== 0x2d) return;
  }
  cseqRead.number = n;
  cseqRead.method = word(text, method, end, METHODS);
}

const letter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/**
 * The tag parameter of a From/To value: the first `;\s*tag=([^;\s,>]+)` (case-insensitive),
 * scanned by hand for ASCII values (no regex run, no match array); a value with any other
 * character where it matters goes to the regex itself, so both give the same answer.
 */
export function tag(value: string): string {
  for (let j = value.indexOf(';'); j >= 0; j = value.indexOf(';', j + 1)) {
    let k = j + 1;
    while (k < value.length && space(value.charCodeAt(k))) k++;
    if (
      (value.charCodeAt(k) | 0x20) !== 0x74 || // t
      (value.charCodeAt(k + 1) | 0x20) !== 0x61 || // a
      (value.charCodeAt(k + 2) | 0x20) !== 0x67 || // g
      value.charCodeAt(k + 3) !== 0x3d // =
    ) {
      if (value.charCodeAt(k) > 0x7f) return tagGeneral(value);
      continue;
    }
    let e = k + 4;
    for (; e < value.length; e++) {
      const c = value.charCodeAt(e);
      if (c > 0x7f) return tagGeneral(value);
      if (c === 0x3b || c === 0x2c || c === 0x3e || space(c)) break;
    }
    if (e > k + 4) return value.slice(k + 4, e);
  }
  return '';
}

function tagGeneral(value: string): string {
  const m = /;\s*tag=([^;\s,>]+)/i.exec(value);
  return m === null ? '' : (m[1] as string);
}

/**
 * User part of the URI inside a From/To/Request-URI value.
 * @example uriUser('"Bob" <sip:+4420@host>;tag=1') // '+4420'
 */
export function uriUser(value: string): string {
  const lt = value.indexOf('<');
  const uri = lt >= 0 ? value.slice(lt + 1, value.indexOf('>', lt) >>> 0) : value;
  // `sip:` then ASCII, the usual case, read by hand (no regex run); anything else goes the
  // general way below.
  if (uri.startsWith('sip:')) {
    let e = 4;
    for (; e < uri.length; e++) {
      const c = uri.charCodeAt(e);
      if (c > 0x7f) break;
      if (c === 0x40 || c === 0x3b || c === 0x3e || c === 0x3f || space(c))
        return uri.includes('@') ? uri.slice(4, e) : '';
    }
    if (e === uri.length) return uri.includes('@') ? uri.slice(4) : '';
  }
  const m = /^\s*(?:sips?|tel):([^@;>?\s]*)/i.exec(uri);
  if (m === null) return '';
  const user = m[1] as string;
  // A tel: URI or a sip URI with a user part; `sip:host` (no @) has no user.
  return /^tel:/i.test(uri.trim()) || uri.includes('@') ? user : '';
}
