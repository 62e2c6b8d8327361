import { luhnValid } from './luhn.js';
import type { PiiKind } from './pii-kinds.js';

// Digit-based PII (phone numbers, IMEI/IMEISV, IMSI, ICCID) for `detectPii`: one linear pass, no regex
// over the whole value except a sticky date match at the start of a digit group.

// ISO 8601 (extended and basic) and day-first/month-first dates are not phone numbers.
const DATE =
  /(?:([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})|([0-9]{1,2})([-/.])([0-9]{1,2})\6([0-9]{4})|([0-9]{4})([0-9]{2})([0-9]{2})(?=T[0-9]{4}))(?:T[0-9]{2}:?[0-9]{2}(?::?[0-9]{2})?|[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?(?:[.,][0-9]{1,9})?/y;

/** ASCII digit test on a UTF-16 code unit (NaN, from reading past the end, is false). */
export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** ASCII letter or digit; non-ASCII letters count as separators, so unicode text around PII is a boundary. */
export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122);
}

/**
 * Classifies the digits `d[start, end)` (15 to 20 of them) as IMEI/IMEISV, IMSI or ICCID; undefined when
 * they are only a long number.
 *
 * @example
 * ```ts
 * classifyLongDigits('490154203237518', 0, 15); // 'imei' (Luhn-valid)
 * classifyLongDigits('310150123456789', 0, 15); // 'imsi' (MCC 310)
 * ```
 */
export function classifyLongDigits(d: string, start: number, end: number): PiiKind | undefined {
  const len = end - start;
  if (len === 15) {
    if (luhnValid(d, start, end)) return 'imei';
    // TS 23.003: IMSI = MCC (2xx-7xx, or 001 for test networks) + MNC + MSIN.
    const first = d.charCodeAt(start);
    if ((first >= 50 && first <= 55) || d.startsWith('001', start)) return 'imsi';
    return undefined;
  }
  if (len === 16) return 'imei';
  if (len >= 18 && len <= 20 && d.startsWith('89', start) && luhnValid(d, start, end)) return 'iccid';
  return undefined;
}

/** End index of a calendar date/timestamp starting at `i`, or `i` when there is none. */
function dateEnd(v: string, i: number): number {
  DATE.lastIndex = i;
  const m = DATE.exec(v);
  if (m === null) return i;
  const e = DATE.lastIndex;
  const next = v.charCodeAt(e);
  if (isDigit(next) || ((next === 45 || next === 46 || next === 47) && isDigit(v.charCodeAt(e + 1))))
    return i;
  let y: number;
  let mo: number;
  let d: number;
  if (m[1] !== undefined) [y, mo, d] = [+m[1], +(m[3] ?? 0), +(m[4] ?? 0)];
  else if (m[9] !== undefined) [y, mo, d] = [+m[9], +(m[10] ?? 0), +(m[11] ?? 0)];
  else {
    const a = +(m[5] ?? 0);
    const b = +(m[7] ?? 0);
    [y, mo, d] = [+(m[8] ?? 0), Math.min(a, b), Math.max(a, b)];
  }
  return y >= 1900 && y <= 2199 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 ? e : i;
}

/**
 * One left-to-right pass over digit groups joined by a single phone separator (space, `-`, `.`, `/`,
 * parentheses). Dates are skipped; dotted versions (`10.0.19041.1`, `5.15.0-1045`) are told apart from
 * dotted phones (`415.555.0123`) by their single-digit components after a dot. Returns the kind of the
 * leftmost number that is PII.
 *
 * @example
 * ```ts
 * scanDigits('sms to 0049-170-1234567'); // 'phone'
 * scanDigits('v20.11.0 at 2026-11-21'); // undefined
 * ```
 */
export function scanDigits(v: string): PiiKind | undefined {
  const n = v.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(v.charCodeAt(i))) {
      i++;
      continue;
    }
    const skip = v.charCodeAt(i - 1) === 43 ? i : dateEnd(v, i);
    if (skip > i) {
      i = skip;
      continue;
    }
    const start = i;
    const plus =
      i > 0 && (v.charCodeAt(i - 1) === 43 || (v.charCodeAt(i - 1) === 40 && v.charCodeAt(i - 2) === 43));
    let digits = 0;
    let groups = 0;
    let maxRun = 0;
    let singles = 0;
    let dotSingle = false;
    let onlyDots = true;
    let afterDot = false;
    for (;;) {
      const g = i;
      while (i < n && isDigit(v.charCodeAt(i))) i++;
      const len = i - g;
      digits += len;
      groups++;
      if (len > maxRun) maxRun = len;
      if (len === 1 && groups > 1) {
        singles++;
        if (afterDot) dotSingle = true;
      }
      let j = i;
      if (v.charCodeAt(j) === 41) j++;
      const s = v.charCodeAt(j);
      afterDot = s === 46;
      if (s === 32 || s === 45 || s === 46 || s === 47 || s === 0xa0 || s === 0x2009 || s === 0x202f) j++;
      if (v.charCodeAt(j) === 40) j++;
      if (j === i || !isDigit(v.charCodeAt(j))) break;
      if (!afterDot || j - i > 1) onlyDots = false;
      i = j;
    }
    if (digits < 7) continue;
    const before = start > 0 ? v.charCodeAt(start - 1) : 0;
    // Glued to a word (`BG96MAR02A07M1G_01.019.01.019`, `v1.2.3`): a version or part number unless a 7+ run.
    const glued = isAlnum(before) || before === 95 || before === 46;
    if (digits >= 15 && digits <= 20 && !plus) {
      const d = groups === 1 ? v : v.slice(start, i).replace(/[^0-9]/g, '');
      const k = groups === 1 ? classifyLongDigits(d, start, i) : classifyLongDigits(d, 0, d.length);
      if (k !== undefined) return k;
    }
    if (maxRun >= 7) return 'phone';
    if (!glued && singles <= 2 && !dotSingle && !(onlyDots && groups < 3)) return 'phone';
  }
  return undefined;
}
