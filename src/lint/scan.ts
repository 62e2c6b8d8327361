import type { LabelPairs } from './model.js';

/** Character classes both text formats share (OpenMetrics 1.0 ABNF; the text format's are the same). */

// metricname-initial-char = ALPHA / "_" / ":"; label-name-initial-char = ALPHA / "_"; then DIGIT too.
const METRIC = new Uint8Array(128);
const LABEL = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  // Bit 1: may start a name; bit 2: may continue one.
  const label = (alpha ? 1 : 0) | (alpha || digit ? 2 : 0);
  LABEL[c] = label;
  METRIC[c] = label | (c === 58 ? 3 : 0);
}

/** The end of the metric name starting at `i` (`i` itself when there is none). */
export function metricNameEnd(s: string, i: number): number {
  if (i >= s.length || ((METRIC[s.charCodeAt(i)] ?? 0) & 1) === 0) return i;
  let j = i + 1;
  while (j < s.length && ((METRIC[s.charCodeAt(j)] ?? 0) & 2) !== 0) j++;
  return j;
}

/** The end of the label name starting at `i` (`i` itself when there is none). */
export function labelNameEnd(s: string, i: number): number {
  if (i >= s.length || ((LABEL[s.charCodeAt(i)] ?? 0) & 1) === 0) return i;
  let j = i + 1;
  while (j < s.length && ((LABEL[s.charCodeAt(j)] ?? 0) & 2) !== 0) j++;
  return j;
}

/** Whether the whole string is a metric name. */
export function isMetricName(s: string): boolean {
  return s !== '' && metricNameEnd(s, 0) === s.length;
}

/** Whether the whole string is a label name. */
export function isLabelName(s: string): boolean {
  return s !== '' && labelNameEnd(s, 0) === s.length;
}

/** A character for a message: printable as is, control characters by code. */
export function shown(c: string | undefined): string {
  if (c === undefined) return 'the end of the line';
  const code = c.charCodeAt(0);
  if (code < 0x20 || code === 0x7f) return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return JSON.stringify(c);
}

/** The index of label `name` in a sample line (outside quotes, blanks allowed around it), or -1. */
export function labelIndex(line: string, name: string): number {
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inQuotes) {
      if (c === '\\') i++;
      else if (c === '"') inQuotes = false;
    } else if (c === '"') inQuotes = true;
    else if (c === '{' || c === ',') {
      let k = i + 1;
      while (line[k] === ' ' || line[k] === '\t') k++;
      if (!line.startsWith(name, k)) continue;
      let e = k + name.length;
      while (line[e] === ' ' || line[e] === '\t') e++;
      if (line[e] === '=') return k;
    } else if (c === '}') return -1;
  }
  return -1;
}

/** "a counter", "an info": a word with its indefinite article, for messages. */
export const withArticle = (word: string): string => `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;

/**
 * A label set as a string that does not depend on the order the labels were written in, less the
 * label `skip`. Labels written in name order (most exporters) are not sorted again.
 */
export function labelKey(labels: LabelPairs, skip?: string): string {
  let key = '';
  let sorted = true;
  for (let i = 1; i < labels.length; i++) {
    if ((labels[i - 1] as readonly [string, string])[0] > (labels[i] as readonly [string, string])[0]) {
      sorted = false;
      break;
    }
  }
  const pairs = sorted ? labels : [...labels].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [k, v] of pairs) if (k !== skip) key += `${k}\u0000${v}\u0000`;
  return key;
}

const interned = new Map<string, string>();

/**
 * One copy of a name that every sample repeats (label names): a million samples keep one string
 * instead of a million, which halves the garbage collector's work on a large exposition.
 */
export function intern(s: string): string {
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < 4096) interned.set(s, s);
  return s;
}

/** Whether two label sets are one, in any order, each less its own `skip` label. */
export function sameLabels(
  a: LabelPairs,
  skipA: string | undefined,
  b: LabelPairs,
  skipB: string | undefined,
): boolean {
  let n = 0;
  for (const [k, v] of a) {
    if (k === skipA) continue;
    n++;
    let found = false;
    for (const [k2, v2] of b) {
      if (k2 === k) {
        found = k2 !== skipB && v2 === v;
        break;
      }
    }
    if (!found) return false;
  }
  for (const [k] of b) if (k !== skipB) n--;
  return n === 0;
}

/** FNV-1a over the string and a separator, then murmur3's finaliser to spread every bit. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h = Math.imul(h ^ 0xff, 16777619);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A 52-bit hash of a label set in any order (a sum of the pairs' hashes), less `skip`, mixed with
 * `extra`. Sets of these numbers find a series met before without keeping a string per sample; a
 * hit is confirmed on the samples themselves, since two sets can share a hash.
 */
export function labelHash(labels: LabelPairs, skip: string | undefined, extra = ''): number {
  let a = fnv(0x811c9dc5, extra);
  let b = fnv(0x01000193, extra);
  for (const [k, v] of labels) {
    if (k === skip) continue;
    a = (a + fnv(fnv(0x811c9dc5, k), v)) >>> 0;
    b = (b + fnv(fnv(0x050c5d1f, k), v)) >>> 0;
  }
  return (a >>> 0) * 0x100000 + (b >>> 12);
}
