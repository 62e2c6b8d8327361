/**
 * A strict parser of the Prometheus text format 0.0.4. There is no grammar beyond the prose of
 * prometheus/docs exposition_formats.md, so its verdict is that of Prometheus's validating parser,
 * prometheus/common expfmt's TextParser, which `promtool check metrics` runs: blanks and tabs
 * between tokens, `#` lines other than HELP and TYPE are comments, `_count`, `_sum` and `_bucket`
 * join a declared summary or histogram, and so on. Where expfmt stops at the first error this
 * reads on, so that every bad line is reported. Rules of the prose that expfmt does not enforce
 * (a family's lines together, a histogram's +Inf bucket) are `spec` issues. Agreement with
 * promtool is held by property tests over random lines (test/lint/prometheus-text.e2e.test.ts).
 */
import { columnOf, type Family, type Issue, type IssueKind, type LabelPairs, type Parsed } from './model.js';
import { floatValue, goInt64 } from './numbers.js';
import { intern, labelHash, labelNameEnd, metricNameEnd, sameLabels, shown } from './scan.js';
import { TextHistograms } from './text-histograms.js';

const TYPES = new Set(['COUNTER', 'GAUGE', 'SUMMARY', 'UNTYPED', 'HISTOGRAM', 'GAUGE_HISTOGRAM']);
/** What Prometheus's own scrape parser takes (model/textparse/promparse.go): lowercase, no gauge histograms. */
const SCRAPE_TYPES = new Set(['counter', 'gauge', 'summary', 'untyped', 'histogram']);

interface State {
  readonly family: Family;
  typed: boolean;
  helped: boolean;
  /** Reported already as not kept together. */
  scattered: boolean;
  /** Duplicates reported; past 100 a family's are no longer looked for (each costs a scan). */
  duplicates: number;
}

const blank = (c: string | undefined) => c === ' ' || c === '\t';

class TextParser {
  readonly families: Family[] = [];
  readonly issues: Issue[] = [];
  private readonly byName = new Map<string, State>();
  private last: State | undefined;
  /** Hashes of the series met (name, timestamp, labels). */
  private readonly seen = new Set<number>();
  readonly histograms = new TextHistograms();
  private line = 0;
  private s = '';

  at(line: number, s: string): void {
    this.line = line;
    this.s = s;
  }

  /** Records an issue on the current line; `undefined`, so that `return this.issue(...)` ends a rule. */
  issue(at: number, message: string, kind: IssueKind = 'format'): undefined {
    this.issues.push({ kind, message, line: this.line, column: columnOf(this.s, at) });
    return undefined;
  }

  /** expfmt's setOrCreateCurrentMF: `x_count`/`x_sum` join summary `x`, and `x_bucket` histogram `x`. */
  private family(name: string): State {
    let st = this.byName.get(name);
    if (st === undefined) {
      const base = name.replace(/_(count|sum|bucket)$/, '');
      const owner = base === name ? undefined : this.byName.get(base);
      const t = owner?.family.type;
      if (t === 'histogram' || (t === 'summary' && !name.endsWith('_bucket'))) st = owner;
    }
    if (st === undefined) {
      const family: Family = { name, type: 'untyped', line: this.line, samples: [] };
      st = { family, typed: false, helped: false, scattered: false, duplicates: 0 };
      this.byName.set(name, st);
      this.families.push(family);
    } else if (st !== this.last && !st.scattered && this.last !== undefined) {
      st.scattered = true;
      this.issue(
        0,
        `the lines of ${st.family.name} resume after other families: keep a family's lines together`,
        'spec',
      );
    }
    this.last = st;
    return st;
  }

  private skip(i: number): number {
    while (blank(this.s[i])) i++;
    return i;
  }

  comment(i: number): undefined {
    const s = this.s;
    i = this.skip(i + 1);
    let k = i;
    while (k < s.length && !blank(s[k])) k++;
    const kw = s.slice(i, k);
    if (k === s.length || (kw !== 'HELP' && kw !== 'TYPE')) return;
    i = this.skip(k);
    const ne = metricNameEnd(s, i);
    if (ne === s.length) return;
    if (!blank(s[ne])) return this.issue(ne, `invalid metric name in # ${kw}: ${shown(s[ne])}`);
    const st = this.family(s.slice(i, ne));
    const at = this.skip(ne);
    if (at === s.length) return;
    if (kw === 'HELP') {
      if (st.helped) return this.issue(0, `a second # HELP line for ${st.family.name}`);
      st.helped = true;
      const help = this.unescape(at, false);
      if (help !== undefined) st.family.help = help.text;
      return;
    }
    const type = s.slice(at);
    if (st.typed)
      return this.issue(
        0,
        `a second # TYPE line for ${st.family.name}, or one after its samples: TYPE goes first`,
      );
    if (!TYPES.has(type.toUpperCase()))
      return this.issue(at, `unknown type "${type}": counter, gauge, histogram, summary or untyped`);
    st.typed = true;
    st.family.type = type.toLowerCase();
    if (!SCRAPE_TYPES.has(type))
      this.issue(
        at,
        `type "${type}": Prometheus's scrape parser reads only ${[...SCRAPE_TYPES].join(', ')}`,
        'spec',
      );
  }

  /** Whether the family has this series already (a hash hit confirmed). */
  private metBefore(f: Family, name: string, labels: LabelPairs, timestamp: number | undefined): boolean {
    return f.samples.some(
      (t) =>
        t.name === name && t.timestamp === timestamp && sameLabels(labels, undefined, t.labels, undefined),
    );
  }

  /**
   * A HELP text, or a label value up to its closing quote: `\\`, `\n` (and `\"` in a label
   * value) are its escapes. Returns the text and the index after it.
   */
  private unescape(i: number, label: boolean): { text: string; end: number } | undefined {
    const s = this.s;
    let out = '';
    // Runs without escapes are sliced, not built a character at a time.
    let from = i;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (label && c === 34) return { text: out + s.slice(from, i), end: i + 1 };
      if (c !== 92) continue;
      out += s.slice(from, i);
      from = i + 2;
      const n = s[++i];
      if (n === 'n') out += '\n';
      else if (n === '\\' || (label && n === '"')) out += n;
      else {
        const allowed = label ? '\\\\, \\" and \\n' : '\\\\ and \\n (HELP has no \\")';
        this.issue(i - 1, `invalid escape \\${n ?? ''}: the text format knows ${allowed}`);
        return undefined;
      }
    }
    if (!label) return { text: out + s.slice(from), end: i };
    this.issue(i, 'a label value without its closing "');
    return undefined;
  }

  sample(i: number): undefined {
    const s = this.s;
    const ne = metricNameEnd(s, i);
    if (ne === i) return this.issue(i, `invalid metric name: a line cannot start with ${shown(s[i])}`);
    const name = s.slice(i, ne);
    const st = this.family(name);
    st.typed = true;
    const type = st.family.type;
    i = this.skip(ne);
    const labels: Array<readonly [string, string]> = [];
    if (s[i] === '{') {
      for (i = this.skip(i + 1); s[i] !== '}'; ) {
        const le = labelNameEnd(s, i);
        if (le === i) return this.issue(i, `invalid label name for ${name}: ${shown(s[i])}`);
        const label = intern(s.slice(i, le));
        i = this.skip(le);
        if (s[i] !== '=')
          return this.issue(i, `expected = after the label name ${label}, found ${shown(s[i])}`);
        if (label === '__name__') return this.issue(le - label.length, 'the label name __name__ is reserved');
        // expfmt keeps a summary's quantile and a histogram's le apart, so only other names clash.
        const special =
          (type === 'summary' && label === 'quantile') || (type === 'histogram' && label === 'le');
        if (!special && labels.some(([k]) => k === label))
          return this.issue(le - label.length, `label ${label} appears twice`);
        i = this.skip(i + 1);
        if (s[i] !== '"')
          return this.issue(i, `the value of label ${label} must start with ", found ${shown(s[i])}`);
        const value = this.unescape(i + 1, true);
        if (value === undefined) return;
        if (special && floatValue(value.text) === undefined)
          return this.issue(i, `${label}="${value.text}" is not a number`);
        labels.push([label, value.text]);
        i = this.skip(value.end);
        if (s[i] === ',') i = this.skip(i + 1);
        else if (s[i] !== '}')
          return this.issue(i, `expected , or } after the value of label ${label}, found ${shown(s[i])}`);
      }
      i = this.skip(i + 1);
    }
    let e = i;
    while (e < s.length && !blank(s[e])) e++;
    const value = floatValue(s.slice(i, e));
    if (value === undefined)
      return this.issue(i, `invalid value "${s.slice(i, e)}": a float, +Inf, -Inf or NaN`);
    let timestamp: number | undefined;
    if (e < s.length) {
      const t = this.skip(e);
      let te = t;
      while (te < s.length && !blank(s[te])) te++;
      timestamp = goInt64(s.slice(t, te));
      if (timestamp === undefined)
        return this.issue(t, `invalid timestamp "${s.slice(t, te)}": integer milliseconds since the epoch`);
      if (te < s.length) return this.issue(te, 'text after the timestamp (blanks too)');
    }
    const h = labelHash(labels, undefined, `${name}\u0000${timestamp ?? ''}`);
    if (this.seen.has(h) && st.duplicates < 100 && this.metBefore(st.family, name, labels, timestamp)) {
      st.duplicates++;
      this.issue(0, `${name} with these labels appears twice: Prometheus keeps one sample`, 'duplicate');
    }
    this.seen.add(h);
    if (type === 'histogram') this.histograms.add(st.family.name, name, labels, value, this.line);
    // One object shape for every sample, whatever it carries.
    st.family.samples.push({ name, labels, value, timestamp, exemplar: undefined, line: this.line });
  }
}

/**
 * Parse a Prometheus text format (0.0.4) exposition.
 * @example parsePrometheusText('# TYPE a_total counter\na_total 1\n').issues // []
 */
export function parsePrometheusText(text: string): Parsed {
  const p = new TextParser();
  let start = 0;
  let n = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    start = end + 1;
    p.at(++n, line);
    let i = 0;
    while (blank(line[i])) i++;
    if (i === line.length) continue;
    if (line[i] === '#') p.comment(i);
    else p.sample(i);
    // expfmt reads to a newline: a last line without one is "unexpected end of input stream".
    if (nl < 0) p.issue(line.length, 'the last line has no newline at its end');
  }
  p.issues.push(...p.histograms.end());
  p.issues.sort((a, b) => a.line - b.line);
  return { format: 'text', families: p.families, issues: p.issues };
}
