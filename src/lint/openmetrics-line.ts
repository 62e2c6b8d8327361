/**
 * One line of OpenMetrics 1.0 text, read by the ABNF of the spec (prometheus/OpenMetrics,
 * specification/OpenMetrics.md, "ABNF"): `# EOF`, a `# HELP|TYPE|UNIT` descriptor, or a sample
 * with its labels, value, timestamp and exemplar. Single spaces separate tokens; nothing else is
 * allowed. What a line means for its family is decided in openmetrics.ts.
 */
import type { Exemplar, LabelPairs } from './model.js';
import { floatValue, omReal } from './numbers.js';
import { intern, labelNameEnd, metricNameEnd, shown } from './scan.js';

export const OM_TYPES = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'stateset',
  'info',
  'summary',
  'unknown',
]);

/** A syntax error at UTF-16 index `at` of the line. */
export interface LineError {
  readonly error: string;
  readonly at: number;
}

export interface MetaLine {
  readonly keyword: 'HELP' | 'TYPE' | 'UNIT';
  readonly name: string;
  readonly text: string;
  /** Index of the text (after the name's space). */
  readonly textAt: number;
  /** Index of the first `\x` escape the spec does not define (SHOULD NOT be used). */
  readonly oddEscape?: number;
}

export interface SampleLine {
  readonly name: string;
  readonly labels: LabelPairs;
  readonly value: number;
  readonly valueAt: number;
  readonly timestamp?: number;
  readonly timestampAt?: number;
  readonly exemplar?: Exemplar;
  readonly exemplarAt?: number;
  readonly oddEscape?: number;
}

/** OpenMetrics 1.0: the label names and values of an exemplar hold at most 128 code points. */
const EXEMPLAR_RUNES = 128;

interface Quoted {
  value: string;
  end: number;
  oddEscape?: number;
}

/**
 * An `escaped-string` between double quotes, `i` just past the opening quote. `\n`, `\"` and
 * `\\` are the escapes; `\` before any other character is that backslash and character
 * ("'\\a' is equivalent to '\\\\a'"), allowed but noted.
 */
function quoted(s: string, i: number): Quoted | undefined {
  let value = '';
  let from = i;
  let oddEscape: number | undefined;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) {
      value += s.slice(from, i);
      return oddEscape === undefined ? { value, end: i + 1 } : { value, end: i + 1, oddEscape };
    }
    if (c !== 92) continue;
    value += s.slice(from, i);
    const next = s.charCodeAt(i + 1);
    if (next === 110) value += '\n';
    else if (next === 34 || next === 92) value += s[i + 1];
    else if (i + 1 < s.length) {
      value += `\\${s[i + 1]}`;
      oddEscape ??= i;
    } else return undefined;
    i++;
    from = i + 1;
  }
  return undefined;
}

/** `{label="value",...}` at `i` (on the `{`): the pairs and the index after `}`. */
function labels(s: string, i: number): { pairs: LabelPairs; end: number; oddEscape?: number } | LineError {
  const pairs: Array<readonly [string, string]> = [];
  let oddEscape: number | undefined;
  i++;
  if (s.charCodeAt(i) === 125) return { pairs, end: i + 1 };
  for (;;) {
    const j = labelNameEnd(s, i);
    if (j === i) {
      if (s[i] === '}')
        return { error: 'a comma before } (OpenMetrics allows no trailing comma)', at: i - 1 };
      return { error: `expected a label name, found ${shown(s[i])}`, at: i };
    }
    const name = intern(s.slice(i, j));
    if (s[j] !== '=')
      return { error: `expected = after the label name ${name}, found ${shown(s[j])}`, at: j };
    if (s[j + 1] !== '"')
      return {
        error: `the value of label ${name} must be in double quotes, found ${shown(s[j + 1])}`,
        at: j + 1,
      };
    const q = quoted(s, j + 2);
    if (q === undefined) return { error: `the value of label ${name} has no closing "`, at: j + 1 };
    for (const [n] of pairs) if (n === name) return { error: `label ${name} appears twice`, at: i };
    pairs.push([name, q.value]);
    oddEscape ??= q.oddEscape;
    i = q.end;
    const c = s[i];
    if (c === '}') return oddEscape === undefined ? { pairs, end: i + 1 } : { pairs, end: i + 1, oddEscape };
    if (c !== ',')
      return { error: `expected , or } after the value of label ${name}, found ${shown(c)}`, at: i };
    i++;
  }
}

/** The token from `i` to the next space or the end of the line. */
function tokenEnd(s: string, i: number): number {
  const sp = s.indexOf(' ', i);
  return sp < 0 ? s.length : sp;
}

function countRunes(labels: LabelPairs): number {
  let n = 0;
  for (const [k, v] of labels) {
    n += k.length + v.length;
    // A surrogate pair is two UTF-16 units and one code point.
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) n--;
    }
  }
  return n;
}

/** `SP HASH SP labels SP number [SP timestamp]`, `i` on the `#`. */
function exemplar(s: string, i: number): Exemplar | LineError {
  if (s[i + 1] !== ' ' || s[i + 2] !== '{')
    return { error: 'an exemplar is written " # {labels} value [timestamp]"', at: i };
  const l = labels(s, i + 2);
  if ('error' in l) return l;
  if (countRunes(l.pairs) > EXEMPLAR_RUNES)
    return { error: `exemplar labels hold over ${EXEMPLAR_RUNES} characters (names and values)`, at: i + 2 };
  if (s[l.end] !== ' ') return { error: `expected a space and the exemplar value after }`, at: l.end };
  const ve = tokenEnd(s, l.end + 1);
  const value = floatValue(s.slice(l.end + 1, ve));
  if (value === undefined)
    return { error: `invalid exemplar value "${s.slice(l.end + 1, ve)}"`, at: l.end + 1 };
  if (ve === s.length) return { labels: l.pairs, value };
  const te = tokenEnd(s, ve + 1);
  const timestamp = omReal(s.slice(ve + 1, te));
  if (timestamp === undefined)
    return {
      error: `invalid exemplar timestamp "${s.slice(ve + 1, te)}" (seconds, a real number)`,
      at: ve + 1,
    };
  if (te !== s.length) return { error: 'text after the exemplar timestamp', at: te };
  return { labels: l.pairs, value, timestamp };
}

/** A sample line: `metricname [labels] SP number [SP timestamp] [exemplar]`. */
export function sampleLine(s: string): SampleLine | LineError {
  const ne = metricNameEnd(s, 0);
  if (ne === 0) {
    if (s[0] === ' ' || s[0] === '\t')
      return { error: 'a line starts with a blank (OpenMetrics allows none)', at: 0 };
    return { error: `expected a metric name, # HELP, # TYPE, # UNIT or # EOF, found ${shown(s[0])}`, at: 0 };
  }
  const name = s.slice(0, ne);
  let i = ne;
  let pairs: LabelPairs = [];
  let oddEscape: number | undefined;
  if (s[i] === '{') {
    const l = labels(s, i);
    if ('error' in l) return l;
    pairs = l.pairs;
    oddEscape = l.oddEscape;
    i = l.end;
  }
  if (s[i] !== ' ') {
    if (i === s.length) return { error: `no value after ${name}`, at: i };
    if (i === ne) return { error: `${shown(s[i])} cannot be part of a metric name`, at: i };
    return { error: `expected one space and the value, found ${shown(s[i])}`, at: i };
  }
  const valueAt = i + 1;
  const ve = tokenEnd(s, valueAt);
  const value = floatValue(s.slice(valueAt, ve));
  if (value === undefined) {
    const token = s.slice(valueAt, ve);
    if (token === '') return { error: 'expected one space and the value, found two spaces', at: valueAt };
    return { error: `invalid value "${token}" (a number, +Inf, -Inf or NaN)`, at: valueAt };
  }
  const base = { name, labels: pairs, value, valueAt, ...(oddEscape === undefined ? {} : { oddEscape }) };
  if (ve === s.length) return base;
  let t = ve + 1;
  let ts: { timestamp: number; timestampAt: number } | undefined;
  if (s[t] !== '#') {
    const te = tokenEnd(s, t);
    const timestamp = omReal(s.slice(t, te));
    if (timestamp === undefined) {
      if (te === t) return { error: 'a blank after the value (OpenMetrics allows none)', at: ve };
      return { error: `invalid timestamp "${s.slice(t, te)}" (seconds, a real number)`, at: t };
    }
    ts = { timestamp, timestampAt: t };
    if (te === s.length) return { ...base, ...ts };
    t = te + 1;
    if (s[t] !== '#') return { error: 'text after the timestamp', at: te };
  }
  const e = exemplar(s, t);
  if ('error' in e) return e;
  return { ...base, ...ts, exemplar: e, exemplarAt: t };
}

/** A `# ...` line other than `# EOF`: a HELP, TYPE or UNIT descriptor. */
export function metaLine(s: string): MetaLine | LineError {
  const only = 'lines starting with # are # HELP, # TYPE, # UNIT and the final # EOF (no comments)';
  if (s[1] !== ' ') return { error: only, at: 0 };
  const kw = s.slice(2, 6);
  if ((kw !== 'HELP' && kw !== 'TYPE' && kw !== 'UNIT') || (s.length > 6 && s[6] !== ' '))
    return { error: only, at: 2 };
  const ne = metricNameEnd(s, 7);
  if (ne === 7 || s.length <= 6) return { error: `# ${kw} needs a metric name`, at: Math.min(7, s.length) };
  const name = s.slice(7, ne);
  if (ne === s.length)
    return {
      error: `# ${kw} ${name} needs a space after the name, then the ${kw === 'HELP' ? 'text' : kw.toLowerCase()}${kw === 'TYPE' ? '' : ' (which may be empty)'}`,
      at: ne,
    };
  if (s[ne] !== ' ') return { error: `${shown(s[ne])} cannot be part of a metric name`, at: ne };
  const textAt = ne + 1;
  const text = s.slice(textAt);
  if (kw === 'TYPE') {
    if (!OM_TYPES.has(text))
      return {
        error: `invalid type "${text}": one of ${[...OM_TYPES].join(', ')}${text === 'untyped' ? ' (untyped is "unknown" in OpenMetrics)' : ''}`,
        at: textAt,
      };
    return { keyword: kw, name, text, textAt };
  }
  if (kw === 'UNIT') {
    const ue = metricNameEnd(`a${text}`, 0) - 1;
    if (ue !== text.length) return { error: `${shown(text[ue])} cannot be part of a unit`, at: textAt + ue };
    return { keyword: kw, name, text, textAt };
  }
  return help(s, name, textAt);
}

/**
 * HELP is an escaped-string to the end of the line. The suite (help_escaping) takes a bare `"`
 * after an escaped backslash, as every reference parser does, so only the escapes are read here.
 */
function help(s: string, name: string, textAt: number): MetaLine {
  if (s.indexOf('\\', textAt) < 0) return { keyword: 'HELP', name, text: s.slice(textAt), textAt };
  let text = '';
  let oddEscape: number | undefined;
  for (let i = textAt; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\') {
      text += c;
      continue;
    }
    const next = s[i + 1];
    if (next === 'n') text += '\n';
    else if (next === '"' || next === '\\') text += next;
    else {
      // Undefined, or a lone backslash at the end of the line: kept as written.
      text += next === undefined ? '\\' : `\\${next}`;
      oddEscape ??= i;
    }
    i++;
  }
  return oddEscape === undefined
    ? { keyword: 'HELP', name, text, textAt }
    : { keyword: 'HELP', name, text, textAt, oddEscape };
}
