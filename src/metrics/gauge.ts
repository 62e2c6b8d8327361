import { braces, type Lines, line, renderHeaders } from './header.js';
import { Metric } from './metric.js';
import type { Labels, MetricContext, MetricOptions, SeriesOwner, SeriesValues } from './metric-options.js';
import { assertUnit } from './names.js';
import { Series } from './series.js';

/**
 * One gauge series. NaN means "unknown": the series is not exposed until a real value arrives, so
 * a dashboard shows a gap instead of a fake zero.
 */
export class GaugeSeries extends Series {
  value: number;
  private readonly owner: SeriesOwner;
  constructor(now: number, owner: SeriesOwner, initial: number) {
    super(now);
    this.owner = owner;
    this.value = initial;
  }
  /** Set the value; NaN and non-numbers are dropped and counted (use `unset()` for unknown). */
  set(v: number): void {
    if (typeof v === 'number' && !Number.isNaN(v)) {
      this.value = v;
      this.idle = 0;
    } else this.owner.drop(v);
  }
  inc(v = 1): void {
    if (typeof v === 'number' && !Number.isNaN(v)) {
      // An increment on an unknown gauge starts from zero.
      this.value = Number.isNaN(this.value) ? v : this.value + v;
      this.idle = 0;
    } else this.owner.drop(v);
  }
  dec(v = 1): void {
    // Negate numbers only: `-'7'` would coerce a string into a valid-looking number.
    this.inc(typeof v === 'number' ? -v : v);
  }
  /** Mark the value unknown: the series disappears from the exposition until set again. */
  unset(): void {
    this.value = Number.NaN;
  }
  setToCurrentTime(): void {
    this.set(Date.now() / 1000);
  }
}

export interface GaugeOptions<L extends string> extends MetricOptions<L> {
  /** Value of a new series: `0` (default) or `'unknown'` (not exposed until first set). */
  initial?: 0 | 'unknown';
  collect?: (gauge: Gauge<L>) => void | Promise<void>;
}

/**
 * A value that goes up and down.
 * @example
 * const rssi = registry.gauge({ name: 'modem_signal_dbm', help: 'Signal strength', initial: 'unknown' });
 * rssi.set(-85);
 */
export class Gauge<L extends string> extends Metric<L, GaugeSeries> {
  readonly type = 'gauge';
  readonly headers: readonly [string, string];
  readonly collect: ((g: Gauge<L>) => void | Promise<void>) | undefined;
  private readonly initial: number;

  constructor(options: GaugeOptions<L>, ctx: MetricContext) {
    super('gauge', options, ctx);
    assertUnit(this.name, options.unit);
    this.headers = renderHeaders(this.name, 'gauge', this.name, 'gauge', this.help, this.unit);
    this.collect = options.collect;
    this.initial = options.initial === 'unknown' ? Number.NaN : 0;
    this.init();
  }

  protected newSeries(now: number): GaugeSeries {
    return new GaugeSeries(now, this, this.initial);
  }

  set(labels: Labels<L> | number, v?: number): void {
    if (typeof labels !== 'object') this.single.set(labels as number);
    else this.labels(labels).set(v as number);
  }
  inc(labels?: Labels<L> | number, v?: number): void {
    if (labels === undefined || typeof labels !== 'object') this.single.inc(labels as number);
    else this.labels(labels).inc(v);
  }
  dec(labels?: Labels<L> | number, v?: number): void {
    if (labels === undefined || typeof labels !== 'object') this.single.dec(labels as number);
    else this.labels(labels).dec(v);
  }
  get(labels?: Labels<L>): number {
    return (labels === undefined ? this.single : this.labels(labels)).value;
  }

  /** @internal */
  drop(v: unknown): void {
    this.ctx.dropped(this.name, typeof v === 'number' ? 'nan' : 'not_a_number');
  }

  protected sample(s: GaugeSeries): SeriesValues | undefined {
    return Number.isNaN(s.value) ? undefined : { value: s.value };
  }

  protected reset(s: GaugeSeries): void {
    s.value = this.initial;
  }

  /** The sample prefix, `name{a="x"} `, one flat string (see `Series.text`). */
  protected override seriesText(labelText: string): string {
    return [this.name, braces(labelText), ' '].join('');
  }

  renderInto(out: Lines, om: boolean): void {
    out.add(this.headers[om ? 1 : 0]);
    this.forEachSeries((s) => {
      if (!Number.isNaN(s.value)) out.add(line(s.text, s.value));
    });
  }
}
