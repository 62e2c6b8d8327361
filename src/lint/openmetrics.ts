/**
 * A strict OpenMetrics 1.0 text parser (prometheus/OpenMetrics, specification/OpenMetrics.md): every
 * rule of the ABNF and of the data model that a text exposition can break, each reported at its
 * line and column, parsing on after an error so that a file shows all of them. Its verdict matches
 * the OpenMetrics parser test suite on every case (test/lint/openmetrics-suite.e2e.test.ts).
 */
import { columnOf, type Family, type Issue, type IssueKind, type LabelPairs, type Parsed } from './model.js';
import { type MetaLine, metaLine, type SampleLine, sampleLine } from './openmetrics-line.js';
import { bound, HistogramPoint, label, labelProblems, SUFFIXES, valueProblem } from './openmetrics-rules.js';
import { labelHash, labelIndex, sameLabels, withArticle } from './scan.js';

/** The family being read, with the state its rules need. */
interface Current {
  readonly family: Family;
  type: string;
  readonly seen: Set<'HELP' | 'TYPE' | 'UNIT'>;
  unitAt?: { line: number; column: number };
  /** Hashes of the metrics (labels less le/quantile/the state) met so far, to catch interleaving. */
  readonly metrics: Set<number>;
  /** Reported already as interleaved (once per family is enough). */
  interleaved: boolean;
  /** The current metric: the labels of its first sample, and the label they skip. */
  metricLabels?: LabelPairs;
  metricSkip?: string;
  timestamped: boolean;
  lastTs: number;
  /** Name and le/quantile/state of each sample of the current MetricPoint, to catch repeats. */
  readonly pointSamples: string[];
  point?: HistogramPoint;
}

/** The label naming a sample's place in its MetricPoint: a bucket's le, a quantile, a state. */
function skipOf(type: string, family: string, sfx: string): string | undefined {
  if (sfx === '_bucket') return 'le';
  if (type === 'summary' && sfx === '') return 'quantile';
  return type === 'stateset' ? family : undefined;
}

class OpenMetricsParser {
  readonly families: Family[] = [];
  readonly issues: Issue[] = [];
  private cur: Current | undefined;
  /** Family name -> the line it started on. */
  private readonly started = new Map<string, number>();
  /** Sample name -> the family that may write it (spec, "Suffixes": no potential clash). */
  private readonly claimed = new Map<string, string>();
  private line = 0;
  private text = '';

  at(line: number, text: string): void {
    this.line = line;
    this.text = text;
  }

  /** Records an issue on the current line; `undefined`, so that `return this.issue(...)` ends a rule. */
  issue(at: number, message: string, kind: IssueKind = 'format'): undefined {
    this.issues.push({ kind, message, line: this.line, column: columnOf(this.text, at) });
    return undefined;
  }

  meta(m: MetaLine): undefined {
    let c = this.cur;
    if (c === undefined || c.family.name !== m.name) c = this.start(m.name);
    else if (c.family.samples.length > 0)
      return this.issue(0, `# ${m.keyword} ${m.name} comes after its samples: metadata goes first`);
    if (c.seen.has(m.keyword)) return this.issue(0, `a second # ${m.keyword} line for ${m.name}`);
    c.seen.add(m.keyword);
    if (m.oddEscape !== undefined) this.oddEscape(m.oddEscape);
    if (m.keyword === 'TYPE') c.type = m.text;
    // "The value of a UNIT or HELP line MAY be empty. This MUST be treated as if no metadata line
    // for the MetricFamily existed."
    else if (m.text === '') return;
    else if (m.keyword === 'HELP') c.family.help = m.text;
    else {
      c.family.unit = m.text;
      c.unitAt = { line: this.line, column: columnOf(this.text, m.textAt) };
      if (!m.name.endsWith(`_${m.text}`))
        this.issue(m.textAt, `unit ${m.text} must end the family name: ${m.name}_${m.text}, not ${m.name}`);
    }
  }

  sample(s: SampleLine): undefined {
    let c = this.cur;
    let sfx: string | undefined;
    if (c !== undefined && s.name.startsWith(c.family.name)) {
      sfx = s.name.slice(c.family.name.length);
      if (!(SUFFIXES[c.type] ?? []).includes(sfx)) sfx = undefined;
    }
    if (c !== undefined && sfx === undefined && s.name === c.family.name) {
      const names = (SUFFIXES[c.type] ?? []).map((x) => `${s.name}${x}`).join(', ');
      return this.issue(
        0,
        `${withArticle(c.type)}'s samples are ${names}; ${s.name} alone is not one of them`,
      );
    }
    if (c === undefined || sfx === undefined) {
      c = this.start(s.name);
      sfx = '';
    }
    const type = c.type;
    let le: number | undefined;
    let invalid = false;
    for (const p of labelProblems(c.family.name, type, sfx, s.labels)) {
      this.issue(p.label === undefined ? 0 : this.labelAt(p.label), p.message, p.spec ? 'spec' : 'format');
      if (!p.spec) invalid = true;
    }
    if (sfx === '_bucket') {
      const b = bound('le', label(s.labels, 'le') ?? '');
      if ('value' in b) le = b.value;
    }
    const vp = valueProblem(type, sfx, s.value);
    if (vp !== undefined) this.issue(s.valueAt, vp);
    if (s.oddEscape !== undefined) this.oddEscape(s.oddEscape);
    if (s.exemplar !== undefined) {
      const at = s.exemplarAt ?? 0;
      if (!((type === 'counter' && sfx === '_total') || (sfx === '_bucket' && type.endsWith('histogram'))))
        this.issue(
          at,
          `only a counter's _total and a histogram's _bucket samples carry exemplars, not ${s.name}`,
        );
      else if (le !== undefined && s.exemplar.value > le)
        this.issue(at, `exemplar value ${s.exemplar.value} is above its bucket's le ${le}`);
    }
    if (!invalid) this.group(c, s, sfx, le);
    // One object shape for every sample, whatever it carries.
    const { name, labels, value, timestamp, exemplar } = s;
    c.family.samples.push({ name, labels, value, timestamp, exemplar, line: this.line });
  }

  /** Metrics and MetricPoints must not interleave; a metric's timestamps never go back. */
  private group(c: Current, s: SampleLine, sfx: string, le: number | undefined): undefined {
    const skip = skipOf(c.type, c.family.name, sfx);
    const ts = s.timestamp;
    if (c.metricLabels === undefined || !sameLabels(s.labels, skip, c.metricLabels, c.metricSkip)) {
      this.endPoint(c);
      const h = labelHash(s.labels, skip);
      if (c.metrics.has(h) && !c.interleaved && this.metBefore(c, s.labels, skip)) {
        c.interleaved = true;
        this.issue(
          0,
          `the samples of this ${c.family.name} series resume after other series: keep them together`,
        );
      }
      c.metrics.add(h);
      c.metricLabels = s.labels;
      c.metricSkip = skip;
      c.timestamped = ts !== undefined;
      c.lastTs = ts ?? 0;
    }
    if ((ts !== undefined) !== c.timestamped)
      return this.issue(
        s.timestampAt ?? s.valueAt,
        'some samples of this series have a timestamp and some do not',
      );
    if (ts !== undefined && ts < c.lastTs)
      return this.issue(
        s.timestampAt ?? 0,
        `timestamp ${ts} goes back (after ${c.lastTs}): a series' timestamps only grow`,
      );
    if (ts !== undefined && ts !== c.lastTs) {
      this.endPoint(c);
      c.lastTs = ts;
    }
    const here = `${s.name}\u0000${skip === undefined ? '' : label(s.labels, skip)}`;
    if (c.pointSamples.includes(here))
      this.issue(
        0,
        `${s.name} with these labels appears twice at one time: Prometheus keeps one sample`,
        'duplicate',
      );
    c.pointSamples.push(here);
    if (c.type === 'histogram' || c.type === 'gaugehistogram') {
      c.point ??= new HistogramPoint(this.line, c.type === 'gaugehistogram');
      const problem = c.point.add(sfx, s.value, le);
      if (problem !== undefined) this.issue(s.valueAt, problem);
    }
  }

  /** Whether an earlier sample of the family has this metric (a hash hit confirmed). */
  private metBefore(c: Current, labels: LabelPairs, skip: string | undefined): boolean {
    const f = c.family;
    for (const t of f.samples) {
      const sfx = t.name.slice(f.name.length);
      if (sameLabels(labels, skip, t.labels, skipOf(c.type, f.name, sfx))) return true;
    }
    return false;
  }

  private endPoint(c: Current): void {
    c.pointSamples.length = 0;
    const p = c.point;
    if (p === undefined) return;
    c.point = undefined;
    for (const message of p.end()) this.issues.push({ kind: 'format', message, line: p.line, column: 1 });
  }

  private start(name: string): Current {
    this.close();
    const first = this.started.get(name);
    if (first !== undefined)
      this.issue(
        0,
        `family ${name} appears again (it began on line ${first}): a family's lines must be together`,
      );
    else this.started.set(name, this.line);
    const family: Family = { name, type: 'unknown', line: this.line, samples: [] };
    this.families.push(family);
    this.cur = {
      family,
      type: 'unknown',
      seen: new Set(),
      metrics: new Set(),
      interleaved: false,
      timestamped: false,
      lastTs: 0,
      pointSamples: [],
    };
    return this.cur;
  }

  /** The family ends: its point, its unit against its type, and the sample names it claims. */
  close(): void {
    const c = this.cur;
    if (c === undefined) return;
    this.cur = undefined;
    this.endPoint(c);
    const f = c.family;
    f.type = c.type;
    if (c.unitAt !== undefined && (c.type === 'info' || c.type === 'stateset'))
      this.issues.push({ kind: 'format', message: `${withArticle(c.type)} has no unit`, ...c.unitAt });
    for (const sfx of new Set(['', ...(SUFFIXES[c.type] ?? [])])) {
      const name = `${f.name}${sfx}`;
      const other = this.claimed.get(name);
      if (other === undefined) this.claimed.set(name, f.name);
      else if (other !== f.name)
        this.issues.push({
          kind: 'format',
          message: `${c.type} ${f.name} may write ${name}, which family ${other} is named or writes: rename one`,
          line: f.line,
          column: 1,
        });
    }
  }

  private oddEscape(at: number): void {
    const seq = this.text.slice(at, at + 2);
    this.issue(at, `${seq} is not an escape (\\n, \\" and \\\\ are): write \\\\ for a backslash`, 'spec');
  }

  /** The column of a label's name on the current line (1 when it cannot be found). */
  private labelAt(name: string): number {
    return Math.max(0, labelIndex(this.text, name));
  }
}

/**
 * Parse an OpenMetrics 1.0 text exposition.
 * @example parseOpenMetrics('# TYPE a counter\na_total 1\n# EOF\n').issues // []
 */
export function parseOpenMetrics(text: string): Parsed {
  const p = new OpenMetricsParser();
  let start = 0;
  let n = 0;
  let eof = false;
  if (text.charCodeAt(0) === 0xfeff) {
    p.at(1, text);
    p.issue(0, 'a byte order mark: OpenMetrics text is UTF-8 without one');
    start = 1;
  }
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const line = text.slice(start, end);
    start = end + 1;
    p.at(++n, line);
    if (eof) {
      p.issue(0, 'text after # EOF (it must be the last line)');
      break;
    }
    if (line === '# EOF') eof = true;
    else if (line === '') p.issue(0, 'an empty line (OpenMetrics allows none)');
    else {
      const parsed = line.charCodeAt(0) === 35 ? metaLine(line) : sampleLine(line);
      // A CR is a character like any other to the ABNF (a HELP text may hold one), so it is only
      // named when the line fails.
      if ('error' in parsed)
        p.issue(
          parsed.at,
          line.endsWith('\r')
            ? `${parsed.error} (the line ends in CR LF: lines end in LF alone)`
            : parsed.error,
        );
      else if ('keyword' in parsed) p.meta(parsed);
      else p.sample(parsed);
    }
  }
  p.close();
  if (!eof) {
    p.at(Math.max(n, 1), '');
    p.issue(0, 'no # EOF at the end: an OpenMetrics exposition ends with the line # EOF');
  }
  return { format: 'openmetrics', families: p.families, issues: p.issues };
}
