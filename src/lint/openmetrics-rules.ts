/**
 * What each OpenMetrics 1.0 type allows of its samples (spec, "Metric Types" and "Suffixes"): their
 * names, the labels they need, their values, which may carry an exemplar, and a histogram
 * MetricPoint's buckets, count and sum. Each rule returns the problem as a sentence naming the fix.
 */
import type { LabelPairs } from './model.js';
import { canonicalFloat, floatValue } from './numbers.js';

/** Sample-name suffixes per type (spec, "Suffixes"); the family name alone is ''. */
export const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: ['_total', '_created'],
  summary: ['', '_count', '_sum', '_created'],
  histogram: ['_count', '_sum', '_bucket', '_created'],
  gaugehistogram: ['_gcount', '_gsum', '_bucket'],
  info: ['_info'],
  gauge: [''],
  stateset: [''],
  unknown: [''],
};

export function label(labels: LabelPairs, name: string): string | undefined {
  for (const [k, v] of labels) if (k === name) return v;
  return undefined;
}

/** A problem with a sample: the message, and the label it is about when there is one. */
export interface Problem {
  readonly message: string;
  readonly label?: string;
  /** `spec` when parsers must accept it (a non-canonical bound). */
  readonly spec?: boolean;
}

/**
 * A `le` or `quantile` value: the number, or the problem. "+Inf" is the only spelling of infinity
 * (the suite's bad_histograms_12 refuses "+INF"); other numbers need not be canonical ("Parsers
 * MUST NOT reject inputs which are outside of the canonical values"), which `spec` notes.
 */
export function bound(
  name: 'le' | 'quantile',
  text: string,
): { value: number; canonical: boolean } | { problem: string } {
  const v = floatValue(text);
  if (v === undefined || Number.isNaN(v)) return { problem: `${name}="${text}" is not a number` };
  if (!Number.isFinite(v) && text !== '+Inf' && text !== '-Inf')
    return { problem: `${name}="${text}": infinity is written +Inf` };
  if (name === 'quantile' && !(v >= 0 && v <= 1)) return { problem: `quantile="${text}" is outside 0..1` };
  return { value: v, canonical: canonicalFloat(v) === text };
}

function nonNegativeInteger(what: string, v: number): string | undefined {
  if (Number.isNaN(v)) return `${what} cannot be NaN`;
  if (v < 0) return `${what} cannot be negative`;
  if (!Number.isInteger(v)) return `${what} must be an integer`;
  return undefined;
}

/** The value rules of a sample of `type` with suffix `sfx`. */
export function valueProblem(type: string, sfx: string, v: number): string | undefined {
  switch (`${type}${sfx}`) {
    case 'counter_total':
      if (Number.isNaN(v)) return "a counter's _total cannot be NaN";
      return v < 0 ? "a counter's _total cannot be negative: use a gauge" : undefined;
    case 'stateset':
      return v === 0 || v === 1 ? undefined : `a stateset sample is 0 or 1, not ${v}`;
    case 'info_info':
      return v === 1 ? undefined : `an info sample is always 1, not ${v}`;
    case 'summary':
      return v < 0 ? 'a quantile value cannot be negative' : undefined;
    case 'histogram_bucket':
    case 'gaugehistogram_bucket':
      return nonNegativeInteger('a bucket count', v);
    case 'summary_count':
    case 'histogram_count':
    case 'gaugehistogram_gcount':
      return nonNegativeInteger(`${sfx}`, v);
    case 'summary_sum':
    case 'histogram_sum':
      if (Number.isNaN(v)) return '_sum cannot be NaN';
      return v < 0 ? '_sum cannot be negative (a histogram with negative buckets has no _sum)' : undefined;
    case 'gaugehistogram_gsum':
      return Number.isNaN(v) ? '_gsum cannot be NaN' : undefined;
  }
  return undefined;
}

/** The label rules: what a sample of `type` with suffix `sfx` must and must not carry. */
export function labelProblems(family: string, type: string, sfx: string, labels: LabelPairs): Problem[] {
  const out: Problem[] = [];
  const buckets = type === 'histogram' || type === 'gaugehistogram';
  if (buckets) {
    const le = label(labels, 'le');
    if (sfx === '_bucket') {
      if (le === undefined) out.push({ message: 'a _bucket sample needs a le label' });
      else out.push(...boundProblem('le', le));
    } else if (le !== undefined) {
      out.push({
        message: `le belongs to _bucket samples; a ${type}'s own labels must not include it`,
        label: 'le',
      });
    }
  }
  if (type === 'summary') {
    const q = label(labels, 'quantile');
    if (sfx === '') {
      if (q === undefined) out.push({ message: `a summary's ${family} sample needs a quantile label` });
      else out.push(...boundProblem('quantile', q));
    } else if (q !== undefined) {
      out.push({
        message: `quantile belongs to the quantile samples; ${family}${sfx} must not carry it`,
        label: 'quantile',
      });
    }
  }
  if (type === 'stateset' && label(labels, family) === undefined)
    out.push({ message: `a stateset sample needs the label ${family}, naming its state` });
  return out;
}

function boundProblem(name: 'le' | 'quantile', text: string): Problem[] {
  const b = bound(name, text);
  if ('problem' in b) return [{ message: b.problem, label: name }];
  if (b.canonical) return [];
  return [
    {
      message: `${name}="${text}" is not canonical: write ${canonicalFloat(b.value)} (OpenMetrics "Canonical Numbers"; Prometheus sees another ${name} as another series)`,
      label: name,
      spec: true,
    },
  ];
}

/** The samples of a histogram MetricPoint, as they arrive. */
export class HistogramPoint {
  private lastLe = Number.NEGATIVE_INFINITY;
  private lastCount = 0;
  private negative = false;
  private inf: number | undefined;
  private count: number | undefined;
  private sum = false;
  private negativeSum = false;
  constructor(
    readonly line: number,
    private readonly gauge: boolean,
  ) {}

  /** A sample of this point; returns what is wrong with it as it arrives. */
  add(sfx: string, v: number, le: number | undefined): string | undefined {
    if (sfx === '_bucket' && le !== undefined) {
      const prev = this.lastLe;
      const prevCount = this.lastCount;
      this.lastLe = le;
      this.lastCount = v;
      if (le < 0) this.negative = true;
      if (le === Number.POSITIVE_INFINITY) this.inf = v;
      if (le === prev) return `a second bucket with le ${le}: a MetricPoint's thresholds are unique`;
      if (le < prev) return `buckets must be in increasing le order (le ${le} after ${prev})`;
      if (v < prevCount) return `bucket counts are cumulative: ${v} after ${prevCount}`;
    } else if (sfx === '_count' || sfx === '_gcount') this.count = v;
    else if (sfx === '_sum' || sfx === '_gsum') {
      this.sum = true;
      if (v < 0) this.negativeSum = true;
    }
    return undefined;
  }

  /** What is wrong with the point as a whole, once it has ended. */
  end(): string[] {
    const out: string[] = [];
    const [sum, count] = this.gauge ? ['_gsum', '_gcount'] : ['_sum', '_count'];
    if (this.inf === undefined) out.push('a histogram MetricPoint needs a bucket with le="+Inf"');
    else if (this.count !== undefined && this.count !== this.inf)
      out.push(`${count} ${this.count} differs from the +Inf bucket's ${this.inf}`);
    if (this.sum && this.count === undefined) out.push(`${sum} without ${count}: write both or neither`);
    if (!this.sum && this.count !== undefined) out.push(`${count} without ${sum}: write both or neither`);
    if (!this.gauge && this.negative && this.sum)
      out.push('a histogram with negative buckets has no _sum (it would not be a counter)');
    if (this.gauge && this.negativeSum && !this.negative) out.push('_gsum is negative but no bucket is');
    return out;
  }
}
