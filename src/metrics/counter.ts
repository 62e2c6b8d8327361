import { type ExemplarLabels, type ExemplarSnapshot, exemplarSuffix, makeExemplar } from './exemplar.js';
import { formatSeconds, formatValue } from './format.js';
import { braces, type Lines, line, renderHeaders } from './header.js';
import { Metric } from './metric.js';
import type { Labels, MetricContext, MetricOptions, SeriesOwner, SeriesValues } from './metric-options.js';
import { assertUnit } from './names.js';
import { Series } from './series.js';

/** One counter series. Keep it: `inc()` on a handle does no lookup and allocates nothing. */
export class CounterSeries extends Series {
  value = 0;
  /** The last exemplar given, shown in OpenMetrics. */
  exemplar: ExemplarSnapshot | undefined = undefined;
  private readonly owner: SeriesOwner;
  constructor(now: number, owner: SeriesOwner) {
    super(now);
    this.owner = owner;
  }
  /**
   * Add `v` (default 1). Negative, NaN, infinite and non-number values are dropped and counted,
   * never thrown: the typeof check keeps `'5'` from turning the value into the string `"05"`.
   * `exemplar` (e.g. `{ trace_id }`) links this increment to a trace in OpenMetrics.
   */
  inc(v?: number, exemplar?: ExemplarLabels): void {
    if (v === undefined) {
      this.value++;
      this.idle = 0;
    } else if (typeof v === 'number' && v >= 0 && v < Number.POSITIVE_INFINITY) {
      this.value += v;
      this.idle = 0;
    } else {
      this.owner.drop(v);
      return;
    }
    if (exemplar !== undefined) this.mark(v ?? 1, exemplar);
  }
  /**
   * `inc(values[i])`, the number read here: a number passed to a call V8 does not inline is boxed
   * (a heap allocation each time), a typed array and an index never are (see
   * HistogramSeries.observeAt).
   * @example const v = new Float64Array([1.5]); talk.labels({ side: 'agent' }).incAt(v, 0);
   */
  incAt(values: Float64Array, i: number): void {
    const v = values[i] as number;
    if (v >= 0 && v < Number.POSITIVE_INFINITY) {
      this.value += v;
      this.idle = 0;
    } else this.owner.drop(v);
  }
  private mark(v: number, labels: ExemplarLabels): void {
    const e = makeExemplar(labels, v, Date.now());
    if (e === undefined) this.owner.dropExemplar();
    else this.exemplar = e;
  }
}

export interface CounterOptions<L extends string> extends MetricOptions<L> {
  /** Called before each scrape; set values with `inc` or `set` on series. */
  collect?: (counter: Counter<L>) => void | Promise<void>;
}

/**
 * A monotonically increasing count. The name may end in `_total`; samples are always `<base>_total`.
 * @example
 * const sent = registry.counter({ name: 'sms_sent_total', help: 'SMS sent', labels: ['result'], enums: { result: ['ok', 'failed'] } });
 * const ok = sent.labels({ result: 'ok' });
 * ok.inc();
 */
export class Counter<L extends string> extends Metric<L, CounterSeries> {
  readonly type = 'counter';
  readonly headers: readonly [string, string];
  readonly collect: ((c: Counter<L>) => void | Promise<void>) | undefined;

  constructor(options: CounterOptions<L>, ctx: MetricContext) {
    super('counter', { ...options, name: options.name.replace(/_total$/, '') }, ctx);
    assertUnit(this.name, options.unit);
    this.headers = renderHeaders(`${this.name}_total`, 'counter', this.name, 'counter', this.help, this.unit);
    this.collect = options.collect;
    this.init();
  }

  protected newSeries(now: number): CounterSeries {
    return new CounterSeries(now, this);
  }

  /** Increment the series for `labels` (or the unlabelled series when given a number or nothing). */
  inc(v?: number, exemplar?: ExemplarLabels): void;
  inc(labels: Labels<L>, v?: number, exemplar?: ExemplarLabels): void;
  inc(labels?: Labels<L> | number, v?: number | ExemplarLabels, exemplar?: ExemplarLabels): void {
    // Anything not a label object (a stray `'5'` too) is a value: the series drops it if not a number.
    if (labels === undefined || typeof labels !== 'object') {
      this.single.inc(labels as number, v as ExemplarLabels | undefined);
    } else this.labels(labels).inc(v as number | undefined, exemplar);
  }

  /** Value of a series (for tests and collect callbacks). */
  get(labels?: Labels<L>): number {
    return (labels === undefined ? this.single : this.labels(labels)).value;
  }

  /**
   * Set an absolute value, for counters mirrored from elsewhere in a collect callback. A lower value
   * than the last is the source's counter resetting (a modem reboot): it is taken, as Prometheus
   * takes any decrease as a reset and `rate()`/`increase()` count from the new value, and the
   * series' `_created` moves to now so OpenMetrics says when the new count began. Dropping it would
   * freeze the series at the old total until the source passed it again. Negative, NaN, infinite
   * and non-number values are dropped and counted under their reason.
   */
  set(labels: Labels<L> | undefined, v: number): void {
    const s = labels === undefined ? this.single : this.labels(labels);
    if (typeof v !== 'number' || !(v >= 0 && v < Number.POSITIVE_INFINITY)) {
      this.drop(v);
      return;
    }
    if (v < s.value) s.restart(Date.now());
    s.value = v;
    s.idle = 0;
  }

  /** @internal */
  drop(v: unknown): void {
    this.ctx.dropped(
      this.name,
      typeof v !== 'number' ? 'not_a_number' : Number.isNaN(v) ? 'nan' : v < 0 ? 'negative' : 'infinite',
    );
  }

  protected sample(s: CounterSeries): SeriesValues {
    const v: SeriesValues = { value: s.value, createdMs: s.created };
    if (s.exemplar !== undefined) v.exemplar = s.exemplar;
    return v;
  }

  protected reset(s: CounterSeries): void {
    s.value = 0;
    s.exemplar = undefined;
  }

  /** The sample prefix, `name_total{a="x"} `, one flat string (see `Series.text`). */
  protected override seriesText(labelText: string): string {
    return [this.name, '_total', braces(labelText), ' '].join('');
  }

  renderInto(out: Lines, om: boolean): void {
    out.add(this.headers[om ? 1 : 0]);
    const created = om && this.ctx.createdTimestamps === true ? `${this.name}_created` : undefined;
    // `_created` takes the prefix after `name_total`: `{a="x"} `.
    const labelsAt = this.name.length + '_total'.length;
    this.forEachSeries((s) => {
      if (om && s.exemplar !== undefined) {
        out.add(`${s.text}${formatValue(s.value)}${exemplarSuffix(s.exemplar)}\n`);
      } else out.add(line(s.text, s.value));
      if (created !== undefined) out.add(`${created}${s.text.slice(labelsAt)}${formatSeconds(s.created)}\n`);
    });
  }
}
