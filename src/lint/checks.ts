import { detectPii } from '../guard/pii.js';
import type { PiiKind } from '../guard/pii-kinds.js';
import type { ExpositionFormat, Family, Issue, IssueKind, Sample } from './model.js';
import { floatValue } from './numbers.js';
import { parseWithText } from './parse.js';
import { labelIndex, withArticle } from './scan.js';

export type FindingKind = IssueKind | 'pii' | 'cardinality' | 'naming' | 'type';

/**
 * `error`: the exposition is invalid (a `format` finding: its strict parser refuses it, and so would
 * a scrape). `warning`: every other kind: the file is valid (all 44 valid cases of the OpenMetrics
 * parser suite carry some: undefined escapes, non-canonical bounds, duplicates, long digit runs the
 * PII guard flags) and a scrape takes it, so it must not fail a check by itself.
 */
export type Severity = 'error' | 'warning';

export function severityOf(kind: FindingKind): Severity {
  return kind === 'format' ? 'error' : 'warning';
}

/**
 * One problem and where it is: line and column (1-based, code points) in the text formats, the
 * MetricFamily message and its byte offset in protobuf.
 */
export interface Finding {
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  readonly offset?: number;
  readonly family?: string;
}

export interface LintOptions {
  /** Series per family above which it is reported, with the labels driving it. Default 200. */
  maxSeriesPerFamily?: number;
  /**
   * The prefix every family must carry (`metrics.prefix`), apart from the conventional process,
   * Node.js and host families (`process_*`, `nodejs_*`, `system_*`). Default: not checked.
   */
  prefix?: string;
}

/** Families named by convention, not by the application: `process_*`, `nodejs_*`, `system_*`. */
const CONVENTIONAL = /^(process|nodejs|system)_/;

export interface LintReport {
  readonly format: ExpositionFormat;
  /** No `format` finding (no finding of severity `error`): the format's strict parser accepts it. */
  readonly valid: boolean;
  /** Findings of severity `error` and `warning`. */
  readonly errors: number;
  readonly warnings: number;
  readonly families: number;
  readonly series: number;
  readonly findings: Finding[];
}

// Units that should be base units (Prometheus naming practice): name -> what to use.
const NON_BASE_UNITS: ReadonlyArray<readonly [RegExp, string]> = [
  [/_(milliseconds|millis|ms)(_|$)/, '_seconds'],
  [/_(microseconds|us|nanoseconds|ns|minutes|hours|days)(_|$)/, '_seconds'],
  [/_(kilobytes|megabytes|gigabytes|kb|mb|gb)(_|$)/, '_bytes'],
  [/_percent(_|$)/, '_ratio (0..1)'],
  [/_(celsius_degrees|fahrenheit)(_|$)/, '_celsius'],
];
// Names that say "a level now", which a counter never is.
const GAUGE_WORDS = /_(active|current|in_flight|inflight|size|queue_length|temperature|level|up|ratio|info)$/;
const RESERVED: Record<string, readonly string[]> = {
  le: ['histogram', 'gaugehistogram'],
  quantile: ['summary'],
};
/** Exemplar labels that carry trace ids by convention (OpenMetrics, OpenTelemetry): ids, not PII. */
const TRACE_LABELS = new Set(['trace_id', 'span_id']);

/** Lines of the text, found once and only when a finding needs a column. */
class Lines {
  private starts: number[] | undefined;
  constructor(private readonly text: string | undefined) {}
  get(n: number): string {
    const text = this.text ?? '';
    if (this.starts === undefined) {
      this.starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
    }
    const from = this.starts[n - 1] ?? text.length;
    const to = this.starts[n] ?? text.length + 1;
    return text.slice(from, to - 1);
  }
}

class Checks {
  readonly findings: Finding[] = [];
  private readonly pii = new Map<string, PiiKind | undefined>();
  constructor(
    private readonly format: ExpositionFormat,
    private readonly lines: Lines,
  ) {}

  /** A finding on line `line`, at `index` (UTF-16) of that line when known. */
  add(kind: FindingKind, f: Family, line: number, message: string, index = -1): void {
    if (this.format === 'protobuf') {
      this.findings.push({
        kind,
        severity: severityOf(kind),
        message,
        line,
        ...(f.offset === undefined ? {} : { offset: f.offset }),
        family: f.name,
      });
      return;
    }
    const text = this.lines.get(line);
    const column = index < 0 ? 1 : [...text.slice(0, index)].length + 1;
    this.findings.push({ kind, severity: severityOf(kind), message, line, column, family: f.name });
  }

  /** Where a family is named on its first line. */
  private nameAt(f: Family): number {
    return this.format === 'protobuf' ? -1 : this.lines.get(f.line).indexOf(f.name);
  }

  private detect(value: string): PiiKind | undefined {
    if (this.pii.has(value)) return this.pii.get(value);
    const kind = detectPii(value);
    this.pii.set(value, kind);
    return kind;
  }

  /** PII in label values that are not numeric bounds (`le`, `quantile`), and in exemplars. */
  piiIn(f: Family, s: Sample): void {
    for (const [label, value] of s.labels) {
      if ((label === 'le' || label === 'quantile') && floatValue(value) !== undefined) continue;
      const kind = this.detect(value);
      // The value itself is not repeated: the report must not spread what it found.
      if (kind !== undefined) {
        const at = this.format === 'protobuf' ? -1 : labelIndex(this.lines.get(s.line), label);
        this.add(
          'pii',
          f,
          s.line,
          `label ${label} of ${s.name} holds what looks like ${withArticle(kind)}`,
          at,
        );
      }
    }
    for (const [label, value] of s.exemplar?.labels ?? []) {
      const kind = TRACE_LABELS.has(label) ? undefined : this.detect(value);
      if (kind !== undefined)
        this.add(
          'pii',
          f,
          s.line,
          `exemplar label ${label} of ${s.name} holds what looks like ${withArticle(kind)}`,
        );
    }
  }

  naming(f: Family): void {
    const at = this.nameAt(f);
    for (const [re, use] of NON_BASE_UNITS) {
      if (re.test(f.name)) this.add('naming', f, f.line, `${f.name}: use base units (${use})`, at);
    }
    if (f.type === 'counter' && this.format !== 'openmetrics' && !f.name.endsWith('_total'))
      this.add('naming', f, f.line, `counter ${f.name} should end in _total`, at);
    if (f.type !== 'counter' && f.name.endsWith('_total') && f.type !== 'untyped' && f.type !== 'unknown')
      this.add('type', f, f.line, `${f.type} ${f.name} ends in _total: a counter typed as ${f.type}?`, at);
    const reserved = new Set<string>();
    for (const s of f.samples) {
      for (const [label] of s.labels) {
        if (label.startsWith('__'))
          reserved.add(`${label} (names starting with __ are reserved for Prometheus)`);
        const owners = RESERVED[label];
        if (owners !== undefined && !owners.includes(f.type))
          reserved.add(`${label} (reserved for ${owners.join(' and ')} samples)`);
      }
    }
    for (const r of reserved) this.add('naming', f, f.line, `${f.name} uses the reserved label ${r}`, at);
  }

  typeShape(f: Family): void {
    if (f.type !== 'counter') return;
    const base = f.name.replace(/_total$/, '');
    if (GAUGE_WORDS.test(base))
      this.add(
        'type',
        f,
        f.line,
        `counter ${f.name} is named like a gauge (a level, not a count of events)`,
        this.nameAt(f),
      );
    // OpenMetrics and protobuf report a negative counter as a format error already.
    const negative = this.format === 'text' ? f.samples.find((s) => s.value < 0) : undefined;
    if (negative !== undefined)
      this.add('type', f, negative.line, `counter ${f.name} is negative: counters only go up; use a gauge`);
  }

  cardinality(f: Family, max: number): void {
    const values = new Map<string, Set<string>>();
    const series = new Set<string>();
    for (const s of f.samples) {
      let key = '';
      for (const [k, v] of s.labels) {
        if (k === 'le' || k === 'quantile') continue;
        key += `${k}\u0000${v}\u0000`;
        let set = values.get(k);
        if (set === undefined) values.set(k, (set = new Set()));
        set.add(v);
      }
      series.add(key);
    }
    if (series.size <= max) return;
    const drivers = [...values.entries()]
      .sort((a, b) => b[1].size - a[1].size)
      .slice(0, 3)
      .map(([k, v]) => `${k} (${v.size} values)`);
    this.add(
      'cardinality',
      f,
      f.line,
      `${f.name} has ${series.size} series (limit ${max}), driven by ${drivers.join(', ')}`,
      this.nameAt(f),
    );
  }
}

function fromIssue(i: Issue): Finding {
  return {
    kind: i.kind,
    severity: severityOf(i.kind),
    message: i.message,
    line: i.line,
    ...(i.column === undefined ? {} : { column: i.column }),
    ...(i.offset === undefined ? {} : { offset: i.offset }),
  };
}

/**
 * Lint an exposition: format errors as the format's strict parser finds them, rules of the format
 * parsers tolerate (`spec`), duplicate series, PII in label values (the guard's own detector; not
 * in `le` and `quantile` bounds), cardinality per family and the labels driving it, naming (base
 * units, `_total`, reserved labels), counters that look like gauges and, with `prefix`, families
 * outside it. Every finding has its line and column.
 * @example lintExposition('# TYPE a_ms gauge\na_ms 1\n', 'text').findings[0] // { kind: 'naming', line: 1, column: 8, ... }
 */
export function lintExposition(
  input: string | Uint8Array,
  format: ExpositionFormat,
  options: LintOptions = {},
): LintReport {
  const max = options.maxSeriesPerFamily ?? 200;
  const { parsed, text } = parseWithText(input, format);
  const checks = new Checks(format, new Lines(text));
  let series = 0;
  for (const f of parsed.families) {
    series += f.samples.length;
    for (const s of f.samples) checks.piiIn(f, s);
    checks.naming(f);
    checks.typeShape(f);
    checks.cardinality(f, max);
    if (
      options.prefix !== undefined &&
      !f.name.startsWith(`${options.prefix}_`) &&
      !CONVENTIONAL.test(f.name)
    )
      checks.add(
        'naming',
        f,
        f.line,
        `${f.name} is not under the prefix ${options.prefix}_ (only process_, nodejs_ and system_ families keep their own)`,
      );
  }
  const findings = [...parsed.issues.map(fromIssue), ...checks.findings];
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return {
    format,
    valid: errors === 0,
    errors,
    warnings: findings.length - errors,
    families: parsed.families.length,
    series,
    findings,
  };
}
