import { DefinitionError, showValue } from '../errors.js';
import { formatBound, formatSeconds, formatValue } from './format.js';
import { braces, type Lines, renderHeaders } from './header.js';
import { Metric } from './metric.js';
import {
  type Labels,
  type MetricContext,
  type MetricOptions,
  observationDropReason,
  type SeriesValues,
} from './metric-options.js';
import { assertUnit } from './names.js';
import { Series } from './series.js';
import { LogSketch, mergedQuantiles } from './sketch.js';

/**
 * One summary series: a ring of window slots, each its own sketch, rotated by wall time. Quantiles
 * cover the last `maxAgeSeconds`; `_sum` and `_count` are cumulative, as Prometheus expects.
 */
export class SummarySeries extends Series {
  sum = 0;
  count = 0;
  readonly slots: LogSketch[];
  private head = 0;
  private slotStart: number;
  private readonly owner: Summary<string>;
  constructor(now: number, owner: Summary<string>) {
    super(now);
    this.owner = owner;
    this.slots = Array.from({ length: owner.ageBuckets }, () => new LogSketch(owner.accuracy));
    this.slotStart = now;
  }
  /**
   * Record a value. Negative, infinite and NaN values and non-numbers are dropped and counted in
   * `sidetone_samples_dropped_total{reason}`, never thrown, as a histogram does: OpenMetrics 1.0
   * ("Summary") forbids a negative `_sum` and negative quantile values, and a `_sum` that goes down
   * reads as a counter reset to rate(). Record signed quantities in a gauge.
   */
  observe(v: number): void {
    // `!(v >= 0)` is also true for NaN; one comparison pair covers every bad number.
    if (typeof v !== 'number' || !(v >= 0) || v === Number.POSITIVE_INFINITY) {
      this.owner.drop(v);
      return;
    }
    this.rotate(Date.now());
    (this.slots[this.head] as LogSketch).add(v);
    this.sum += v;
    this.count++;
    this.idle = 0;
  }
  /** Back to a new series' state: empty window, zero sum and count. */
  reset(): void {
    this.sum = 0;
    this.count = 0;
    for (const slot of this.slots) slot.clear();
  }
  /** Clear slots that have aged out of the window. */
  rotate(now: number): void {
    const width = this.owner.slotMs;
    let steps = Math.floor((now - this.slotStart) / width);
    if (steps <= 0) return;
    this.slotStart += steps * width;
    if (steps > this.slots.length) steps = this.slots.length;
    for (let i = 0; i < steps; i++) {
      this.head = (this.head + 1) % this.slots.length;
      (this.slots[this.head] as LogSketch).clear();
    }
  }
}

export interface SummaryOptions<L extends string> extends MetricOptions<L> {
  /** Quantiles in (0, 1]. Default [0.5, 0.9, 0.99]. */
  percentiles?: readonly number[];
  /** Sliding window length. Default 600 s. */
  maxAgeSeconds?: number;
  /** Slots in the window: the window slides in steps of maxAge/ageBuckets. Default 5. */
  ageBuckets?: number;
  /** Relative accuracy of every quantile. Default 0.01 (1%). */
  accuracy?: number;
}

/**
 * Sliding-window quantiles. Prefer `Histogram` for anything you alert on: quantiles of several
 * instances cannot be aggregated, histogram buckets can (`histogram_quantile` over `sum by (le)`).
 * @example
 * const ttfb = registry.summary({ name: 'agent_tts_first_byte_seconds', help: 'TTS first byte', unit: 'seconds' });
 * ttfb.observe(0.18);
 */
export class Summary<L extends string> extends Metric<L, SummarySeries> {
  readonly type = 'summary';
  readonly headers: readonly [string, string];
  readonly percentiles: readonly number[];
  readonly ageBuckets: number;
  readonly slotMs: number;
  readonly accuracy: number;
  private readonly q: readonly [readonly string[], readonly string[]];

  constructor(options: SummaryOptions<L>, ctx: MetricContext) {
    super('summary', options, ctx);
    assertUnit(this.name, options.unit);
    const ps = options.percentiles ?? [0.5, 0.9, 0.99];
    for (const p of ps) {
      if (typeof p !== 'number' || !(p > 0 && p <= 1)) {
        throw new DefinitionError(
          'ST_INVALID_PERCENTILE',
          `summary "${this.name}" percentile ${showValue(p)} must be in (0, 1], e.g. 0.99`,
        );
      }
    }
    this.percentiles = ps;
    this.ageBuckets = checkPositive(this.name, 'ageBuckets', options.ageBuckets ?? 5, true);
    this.slotMs =
      (checkPositive(this.name, 'maxAgeSeconds', options.maxAgeSeconds ?? 600) * 1000) / this.ageBuckets;
    this.accuracy = options.accuracy ?? 0.01;
    if (!(this.accuracy > 0 && this.accuracy < 1)) checkPositive(this.name, 'accuracy', Number.NaN);
    this.headers = renderHeaders(this.name, 'summary', this.name, 'summary', this.help, this.unit);
    const q = (om: boolean) => ps.map((p) => `quantile="${formatBound(p, om)}"} `);
    this.q = [q(false), q(true)];
    this.init();
  }

  protected reset(s: SummarySeries): void {
    s.reset();
  }

  protected sample(s: SummarySeries, now: number): SeriesValues {
    s.rotate(now);
    const values = mergedQuantiles(s.slots, this.percentiles);
    const quantiles = this.percentiles.map((q, i) => ({ q, value: values[i] as number }));
    return { summary: { count: s.count, sum: s.sum, quantiles }, createdMs: s.created };
  }

  protected newSeries(now: number): SummarySeries {
    return new SummarySeries(now, this as unknown as Summary<string>);
  }

  observe(labels: Labels<L> | number, v?: number): void {
    if (typeof labels !== 'object') this.single.observe(labels as number);
    else this.labels(labels).observe(v as number);
  }

  /** @internal */
  drop(v: unknown): void {
    this.ctx.dropped(this.name, observationDropReason(v));
  }

  renderInto(out: Lines, om: boolean): void {
    out.add(this.headers[om ? 1 : 0]);
    const q = this.q[om ? 1 : 0];
    const now = Date.now();
    const created = om && this.ctx.createdTimestamps === true ? `${this.name}_created` : undefined;
    this.forEachSeries((s) => {
      const lt = s.text;
      s.rotate(now);
      const prefix = lt === '' ? `${this.name}{` : `${this.name}{${lt},`;
      const values = mergedQuantiles(s.slots, this.percentiles);
      for (let i = 0; i < values.length; i++)
        out.add(`${prefix}${q[i]}${formatValue(values[i] as number)}\n`);
      const b = braces(lt);
      out.add(`${this.name}_sum${b} ${formatValue(s.sum)}\n${this.name}_count${b} ${s.count}\n`);
      if (created !== undefined) out.add(`${created}${b} ${formatSeconds(s.created)}\n`);
    });
  }
}

function checkPositive(name: string, key: string, v: number, integer = false): number {
  if (!(v > 0) || (integer && !Number.isInteger(v))) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `summary "${name}" ${key} must be a positive ${integer ? 'integer' : 'number'}, got ${showValue(v)}`,
    );
  }
  return v;
}
