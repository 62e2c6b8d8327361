import { detectPii } from '../guard/pii.js';
import { type ExpositionFormat, type Family, parseExposition } from './parse.js';

export type FindingKind = 'format' | 'duplicate' | 'pii' | 'cardinality' | 'naming' | 'type';

/** One problem, with the line it is on when it has one. */
export interface Finding {
  readonly kind: FindingKind;
  readonly message: string;
  readonly line?: number;
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

/**
 * Lint an exposition: format errors with line numbers, PII in label values (the guard's own
 * detector), cardinality per family and the labels driving it, naming (base units, `_total`,
 * reserved labels), counters that look like gauges and, with `prefix`, families outside it.
 * @example lintExposition('# TYPE a_ms gauge\na_ms 1\n', 'text').findings[0].kind // 'naming'
 */
export function lintExposition(
  text: string,
  format: ExpositionFormat,
  options: LintOptions = {},
): LintReport {
  const max = options.maxSeriesPerFamily ?? 200;
  const parsed = parseExposition(text, format);
  const findings: Finding[] = parsed.errors.map((e) => ({
    kind: e.kind ?? 'format',
    line: e.line,
    message: e.message,
  }));
  let series = 0;
  for (const f of parsed.families) {
    series += f.samples.length;
    findings.push(...pii(f), ...naming(f, format), ...typeShape(f, format), ...cardinality(f, max));
    if (
      options.prefix !== undefined &&
      !f.name.startsWith(`${options.prefix}_`) &&
      !CONVENTIONAL.test(f.name)
    )
      findings.push({
        kind: 'naming',
        line: f.line,
        family: f.name,
        message: `${f.name} is not under the prefix ${options.prefix}_ (only process_, nodejs_ and system_ families keep their own)`,
      });
  }
  findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { format, families: parsed.families.length, series, findings };
}

function pii(f: Family): Finding[] {
  const out: Finding[] = [];
  for (const s of f.samples) {
    for (const [label, value] of s.labels) {
      const kind = detectPii(value);
      // The value itself is not repeated: the report must not spread what it found.
      if (kind !== undefined)
        out.push({
          kind: 'pii',
          line: s.line,
          family: f.name,
          message: `label ${label} of ${s.name} holds what looks like a ${kind}`,
        });
    }
  }
  return out;
}

function naming(f: Family, format: ExpositionFormat): Finding[] {
  const out: Finding[] = [];
  const at = { line: f.line, family: f.name };
  for (const [re, use] of NON_BASE_UNITS) {
    if (re.test(f.name)) out.push({ kind: 'naming', ...at, message: `${f.name}: use base units (${use})` });
  }
  if (f.type === 'counter' && format === 'text' && !f.name.endsWith('_total'))
    out.push({ kind: 'naming', ...at, message: `counter ${f.name} should end in _total` });
  if (f.type === 'counter' && format === 'openmetrics' && f.samples.some((s) => s.name === f.name))
    out.push({
      kind: 'naming',
      ...at,
      message: `counter ${f.name}: OpenMetrics counter samples end in _total`,
    });
  if (f.type !== 'counter' && f.name.endsWith('_total') && f.type !== 'untyped' && f.type !== 'unknown')
    out.push({
      kind: 'type',
      ...at,
      message: `${f.type} ${f.name} ends in _total: a counter typed as ${f.type}?`,
    });
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
  for (const r of reserved)
    out.push({ kind: 'naming', ...at, message: `${f.name} uses the reserved label ${r}` });
  return out;
}

function typeShape(f: Family, format: ExpositionFormat): Finding[] {
  const out: Finding[] = [];
  if (f.type !== 'counter') return out;
  const base = format === 'text' ? f.name.replace(/_total$/, '') : f.name;
  if (GAUGE_WORDS.test(base))
    out.push({
      kind: 'type',
      line: f.line,
      family: f.name,
      message: `counter ${f.name} is named like a gauge (a level, not a count of events)`,
    });
  const negative = f.samples.find((s) => s.value < 0);
  if (negative !== undefined)
    out.push({
      kind: 'type',
      line: negative.line,
      family: f.name,
      message: `counter ${f.name} is negative: counters only go up; use a gauge`,
    });
  return out;
}

function cardinality(f: Family, max: number): Finding[] {
  const seriesOf = new Set(
    f.samples.map((s) =>
      s.labels
        .filter(([k]) => k !== 'le' && k !== 'quantile')
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
    ),
  );
  if (seriesOf.size <= max) return [];
  const values = new Map<string, Set<string>>();
  for (const s of f.samples) {
    for (const [k, v] of s.labels) {
      if (k === 'le' || k === 'quantile') continue;
      let set = values.get(k);
      if (set === undefined) values.set(k, (set = new Set()));
      set.add(v);
    }
  }
  const drivers = [...values.entries()]
    .sort((a, b) => b[1].size - a[1].size)
    .slice(0, 3)
    .map(([k, v]) => `${k} (${v.size} values)`);
  return [
    {
      kind: 'cardinality',
      line: f.line,
      family: f.name,
      message: `${f.name} has ${seriesOf.size} series (limit ${max}), driven by ${drivers.join(', ')}`,
    },
  ];
}
