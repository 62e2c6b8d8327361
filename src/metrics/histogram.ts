import { DefinitionError, showValue } from '../errors.js';
import { type ExemplarLabels, type ExemplarSnapshot, exemplarSuffix, makeExemplar } from './exemplar.js';
import { formatBound, formatSeconds, formatValue } from './format.js';
import { braces, type Lines, renderHeaders } from './header.js';
import { Metric } from './metric.js';
import {
  type Labels,
  type MetricContext,
  type MetricOptions,
  observationDropReason,
  type SeriesOwner,
  type SeriesValues,
} from './metric-options.js';
import { assertUnit } from './names.js';
import {
  type NativeConfig,
  type NativeHistogramOptions,
  NativeState,
  nativeConfig,
  STAGED,
} from './native-histogram.js';
import { Series } from './series.js';
import type { HistogramValue } from './snapshot.js';

/**
 * Default buckets for telephony latencies in seconds: post-dial delay, SIP transaction and media
 * setup times run from a few ms to tens of seconds (Timer B is 32 s, a ringing phone up to 60 s).
 */
export const TELEPHONY_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** observe()'s one-slot stage for observeAt (single-threaded, never reentrant). */
const ONE = new Float64Array(1);

/** One histogram series: per-bucket counts in a typed array (the last slot is `+Inf`). */
export class HistogramSeries extends Series {
  readonly counts: Float64Array;
  sum = 0;
  /** The last exemplar per bucket, allocated at the first one (most series never get any). */
  exemplars: (ExemplarSnapshot | undefined)[] | undefined = undefined;
  /** Exponential buckets, when the histogram has `native` set. */
  readonly native: NativeState | undefined;
  private readonly bounds: Float64Array;
  private readonly owner: SeriesOwner;
  constructor(now: number, owner: SeriesOwner, bounds: Float64Array, native: NativeConfig | undefined) {
    super(now);
    this.owner = owner;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
    this.native = native === undefined ? undefined : new NativeState(native);
  }
  /**
   * Record a value. As OpenMetrics requires of a histogram with buckets, negative values are
   * rejected (they would make `_sum` go down, which rate() reads as a reset); NaN, ±Inf and
   * non-numbers are rejected too. Each rejection is dropped and counted in
   * `sidetone_samples_dropped_total{reason}`, never thrown. Record signed quantities in a gauge.
   * `exemplar` (e.g. `{ trace_id }`) becomes the bucket's exemplar in OpenMetrics.
   */
  observe(v: number, exemplar?: ExemplarLabels): void {
    if (typeof v !== 'number') {
      this.owner.drop(v);
      return;
    }
    ONE[0] = v;
    this.observeAt(ONE, 0, exemplar);
  }
  /**
   * `observe(values[i])`, the number read here: a number passed to a call V8 does not inline is
   * boxed (a heap allocation each time), a typed array and an index never are. For hot paths that
   * stage several observations (the voice-turn pack: 0 GCs a turn whatever V8 inlines, issue 36).
   * @example const v = new Float64Array([0.42]); pdd.labels({ trunk: 'a' }).observeAt(v, 0);
   */
  observeAt(values: Float64Array, at: number, exemplar?: ExemplarLabels): void {
    const v = values[at] as number;
    // `!(v >= 0)` is also true for NaN; one comparison pair covers every bad number.
    if (!(v >= 0) || v === Number.POSITIVE_INFINITY) {
      this.owner.drop(v);
      return;
    }
    const b = this.bounds;
    const n = b.length;
    let i = 0;
    // `le` is inclusive; a linear scan beats binary search for the usual dozen buckets.
    while (i < n && v > (b[i] as number)) i++;
    (this.counts as unknown as number[])[i]! += 1;
    this.sum += v;
    this.idle = 0;
    if (this.native !== undefined) {
      STAGED[0] = v;
      this.native.addStaged();
    }
    if (exemplar !== undefined) this.mark(i, v, exemplar);
  }
  private mark(bucket: number, v: number, labels: ExemplarLabels): void {
    const e = makeExemplar(labels, v, Date.now());
    if (e === undefined) this.owner.dropExemplar();
    else (this.exemplars ??= new Array(this.counts.length).fill(undefined))[bucket] = e;
  }
  get count(): number {
    let c = 0;
    for (let i = 0; i < this.counts.length; i++) c += this.counts[i] as number;
    return c;
  }
  /** Start a timer; the returned function observes the elapsed seconds. */
  startTimer(): () => number {
    const start = performance.now();
    return () => {
      const s = (performance.now() - start) / 1000;
      this.observe(s);
      return s;
    };
  }
}

export interface HistogramOptions<L extends string> extends MetricOptions<L> {
  /** Upper bounds, strictly increasing; `+Inf` is implied. Default `TELEPHONY_BUCKETS`. */
  buckets?: readonly number[];
  /**
   * Also keep native (exponential) buckets, exposed in the Prometheus protobuf format to a
   * Prometheus started with `--enable-feature=native-histograms`; text scrapers still get the
   * classic `buckets`. `true` takes the defaults (schema 3, at most 160 buckets per series).
   */
  native?: boolean | NativeHistogramOptions;
  collect?: (h: Histogram<L>) => void | Promise<void>;
}

/**
 * Distribution with explicit buckets: aggregatable across instances, which a summary is not.
 * @example
 * const pdd = registry.histogram({ name: 'call_pdd_seconds', help: 'Post-dial delay', unit: 'seconds', labels: ['trunk'] });
 * pdd.labels({ trunk: 'trunk-a' }).observe(2.1);
 */
export class Histogram<L extends string> extends Metric<L, HistogramSeries> {
  readonly type = 'histogram';
  readonly bounds: Float64Array;
  private readonly nativeConfig: NativeConfig | undefined;
  readonly headers: readonly [string, string];
  readonly collect: ((h: Histogram<L>) => void | Promise<void>) | undefined;
  /** `le="…"} ` per bucket, per format, rendered once. */
  private readonly le: readonly [readonly string[], readonly string[]];

  constructor(options: HistogramOptions<L>, ctx: MetricContext) {
    const bounds = validateBuckets(options.name, options.buckets ?? TELEPHONY_BUCKETS);
    super('histogram', options, ctx);
    this.bounds = bounds;
    this.nativeConfig = nativeConfig(this.name, options.native ?? ctx.nativeHistograms);
    assertUnit(this.name, options.unit);
    this.headers = renderHeaders(this.name, 'histogram', this.name, 'histogram', this.help, this.unit);
    this.collect = options.collect;
    const le = (om: boolean) =>
      [...bounds, Number.POSITIVE_INFINITY].map((b) => `le="${formatBound(b, om)}"} `);
    this.le = [le(false), le(true)];
    this.init();
  }

  protected newSeries(now: number): HistogramSeries {
    return new HistogramSeries(now, this, this.bounds, this.nativeConfig);
  }

  observe(v: number, exemplar?: ExemplarLabels): void;
  observe(labels: Labels<L>, v: number, exemplar?: ExemplarLabels): void;
  observe(labels: Labels<L> | number, v?: number | ExemplarLabels, exemplar?: ExemplarLabels): void {
    if (typeof labels !== 'object') this.single.observe(labels as number, v as ExemplarLabels | undefined);
    else this.labels(labels).observe(v as number, exemplar);
  }

  /** @internal */
  drop(v: unknown): void {
    this.ctx.dropped(this.name, observationDropReason(v));
  }

  protected sample(s: HistogramSeries): SeriesValues {
    const buckets: { le: number; count: number }[] = [];
    let cumulative = 0;
    for (let i = 0; i < s.counts.length; i++) {
      cumulative += s.counts[i] as number;
      buckets.push({
        le: i < this.bounds.length ? (this.bounds[i] as number) : Number.POSITIVE_INFINITY,
        count: cumulative,
      });
    }
    const histogram: HistogramValue = { count: cumulative, sum: s.sum, buckets };
    if (s.exemplars !== undefined) histogram.exemplars = s.exemplars.slice();
    if (s.native !== undefined) histogram.native = s.native.snapshot();
    return { histogram, createdMs: s.created };
  }

  protected reset(s: HistogramSeries): void {
    s.counts.fill(0);
    s.sum = 0;
    s.exemplars = undefined;
    s.native?.reset();
  }

  /**
   * The bucket lines' prefix, `name_bucket{a="x",` (`name_bucket{` without labels), one flat
   * string (see `Series.text`): 13 of a series' 15 lines start with it, and a prefix built per
   * render is a rope each of them walks again when the chunk is written.
   */
  protected override seriesText(labelText: string): string {
    return [this.name, '_bucket{', labelText, labelText === '' ? '' : ','].join('');
  }

  renderInto(out: Lines, om: boolean): void {
    out.add(this.headers[om ? 1 : 0]);
    const le = this.le[om ? 1 : 0];
    const name = this.name;
    const created = om && this.ctx.createdTimestamps === true ? `${name}_created` : undefined;
    const labelsAt = name.length + '_bucket{'.length;
    this.forEachSeries((s) => {
      const bucket = s.text;
      let cumulative = 0;
      let text = '0';
      for (let i = 0; i < s.counts.length; i++) {
        const c = s.counts[i] as number;
        // Number-to-string is the costliest step of a render; upper buckets usually repeat the
        // previous cumulative count, so convert only when it changes.
        if (c !== 0) {
          cumulative += c;
          text = String(cumulative);
        }
        const ex = om ? s.exemplars?.[i] : undefined;
        if (ex === undefined) {
          // The count and newline first (short: one flat string), then `le`, then the kept
          // prefix: two rope nodes a line where left to right makes three (see `line`).
          const tail = `${le[i]}${`${text}\n`}`;
          out.add(`${bucket}${tail}`);
        } else out.add(`${bucket}${le[i]}${text}${exemplarSuffix(ex)}\n`);
      }
      // `_sum`, `_count` and `_created` take the label text back out of the prefix: `a="x"`.
      const b = braces(bucket.slice(labelsAt, -1));
      out.add(`${name}_sum${b} ${formatValue(s.sum)}\n${name}_count${b} ${text}\n`);
      if (created !== undefined) out.add(`${created}${b} ${formatSeconds(s.created)}\n`);
    });
  }
}

function validateBuckets(name: string, buckets: readonly number[]): Float64Array {
  const list = buckets.at(-1) === Number.POSITIVE_INFINITY ? buckets.slice(0, -1) : buckets;
  if (list.length === 0) {
    throw new DefinitionError(
      'ST_INVALID_BUCKETS',
      `histogram "${name}" needs at least one finite bucket bound (e.g. [0.1, 1, 10])`,
    );
  }
  for (let i = 0; i < list.length; i++) {
    const b = list[i] as number;
    if (typeof b !== 'number' || !Number.isFinite(b)) {
      throw new DefinitionError(
        'ST_INVALID_BUCKETS',
        `histogram "${name}" bucket ${showValue(b)} is not a finite number; +Inf is implied, leave it out`,
      );
    }
    if (i > 0 && b <= (list[i - 1] as number)) {
      throw new DefinitionError(
        'ST_INVALID_BUCKETS',
        `histogram "${name}" buckets must be strictly increasing, but ${b} follows ${list[i - 1]}: sort them and remove duplicates`,
      );
    }
  }
  return Float64Array.from(list);
}
