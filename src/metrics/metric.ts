import { DefinitionError, showValue } from '../errors.js';
import { assertNoPii, OTHER } from '../guard/policy.js';
import { Lines } from './header.js';
import { LabelIndex } from './label-index.js';
import type { Labels, MetricContext, MetricOptions, SeriesValues } from './metric-options.js';
import { assertLabelNames, assertMetricName } from './names.js';
import type { Series } from './series.js';
import type { FamilySnapshot, SeriesSnapshot } from './snapshot.js';

/**
 * A metric family: its definition (name, help, unit, labels and their enums, checked once here),
 * the label index that holds its series (label-index.ts: the metric has one, it is not one), and
 * its output (a snapshot every writer reads, or exposition text). Counter, gauge, histogram,
 * summary and info extend it.
 */
export abstract class Metric<L extends string, S extends Series> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  readonly name: string;
  readonly help: string;
  readonly unit: string | undefined;
  readonly labelNames: readonly L[];
  readonly ttlMs: number;
  protected readonly ctx: MetricContext;
  private readonly index: LabelIndex<L, S>;
  /** The one series of a metric with no labels, once `init()` ran (kept across `clear()`). */
  private one: S | undefined;

  constructor(type: string, options: MetricOptions<L>, ctx: MetricContext) {
    assertMetricName(options.name);
    const labelNames = options.labels ?? [];
    assertLabelNames(options.name, type, labelNames);
    // Blank HELP (only whitespace) is as empty as no HELP: promtool lint refuses both.
    if (typeof options.help !== 'string' || options.help.trim().length === 0) {
      throw new DefinitionError(
        'ST_MISSING_HELP',
        `metric "${options.name}" needs a non-blank help string (got ${showValue(options.help)}): say what it counts and in which unit`,
      );
    }
    if (!ctx.internal) {
      assertNoPii('the name', options.name, options.name);
      assertNoPii('the help text', options.name, options.help);
    }
    const ttlMs = options.ttlSeconds === undefined ? 0 : positive(options, 'ttlSeconds') * 1000;
    const maxSeries = options.maxSeries === undefined ? ctx.guard.maxSeries : positive(options, 'maxSeries');
    const enums: Partial<Record<string, readonly string[]>> = options.enums ?? {};
    for (const key of Object.keys(enums)) {
      if (!labelNames.includes(key as L)) {
        throw new DefinitionError(
          'ST_ENUM_UNKNOWN_LABEL',
          `metric "${options.name}" declares allowed values for label "${key}", which is not in its labels: add it to labels`,
        );
      }
    }
    const configured = new Set<string>(options.configuredLabels ?? []);
    for (const n of configured) {
      if (!Object.hasOwn(enums, n)) {
        throw new DefinitionError(
          'ST_ENUM_UNKNOWN_LABEL',
          `metric "${options.name}" marks label "${n}" as configured, but declares no enum of its values: list them in enums`,
        );
      }
    }
    const allowed = labelNames.map((n) => {
      // Own keys only: a label named `constructor` must not read Object.prototype's.
      const values = Object.hasOwn(enums, n) ? enums[n] : undefined;
      if (values === undefined) return undefined;
      for (const v of values) {
        if (typeof v !== 'string') {
          throw new DefinitionError(
            'ST_INVALID_ENUM',
            `enum of label "${n}" on metric "${options.name}" has ${showValue(v)}: values must be strings`,
          );
        }
        if (!ctx.internal && !configured.has(n)) assertNoPii(`enum value of label "${n}"`, options.name, v);
      }
      // `other` is always allowed: it is where misses and the overflow series go.
      return new Set([...values, OTHER]);
    });
    this.name = options.name;
    this.help = options.help;
    this.unit = options.unit;
    this.labelNames = labelNames;
    this.ttlMs = ttlMs;
    this.ctx = ctx;
    this.index = new LabelIndex(options.name, labelNames, allowed, { maxSeries, ttlMs }, ctx, {
      newSeries: (now, labelText) => {
        const s = this.newSeries(now);
        s.text = this.seriesText(labelText);
        return s;
      },
      reset: (s) => this.reset(s),
    });
  }

  /** Subclasses call this last in their constructor, once `newSeries` can run. */
  protected init(): void {
    this.one = this.index.init();
  }

  /** A new series in its initial state. */
  protected abstract newSeries(now: number): S;

  /**
   * What a render writes before a series' values (`Series.text`), from its label text
   * (`a="x",b="y"`, escaped, or ''); made once per series. Default: the label text itself.
   */
  protected seriesText(labelText: string): string {
    return labelText;
  }

  /** Put a series back to the state `newSeries` gives it (used by `clear()`). */
  protected abstract reset(series: S): void;

  /** The series with no labels (metrics declared without labels). */
  protected get single(): S {
    return this.one ?? this.index.labels({} as Labels<L>);
  }

  /** How many series are exposed. */
  get size(): number {
    return this.index.size;
  }

  /**
   * Bind a series. Keep the handle: updates through it do no lookup at all.
   * @example
   * const ok = invites.labels({ direction: 'inbound', class: '2xx' });
   * ok.inc();
   */
  labels(values: Labels<L>): S {
    return this.index.labels(values);
  }

  /**
   * Visit every exposed series in exposition order; `series.text` is what a render writes before
   * its values (see `Series.text`).
   * @example
   * calls.forEachSeries((s) => console.log(s.text, s.value));
   */
  forEachSeries(fn: (series: S) => void): void {
    this.index.forEachSeries(fn);
  }

  /** Remove one series; a handle bound to it keeps working but is no longer exposed. */
  remove(values: Labels<L>): boolean {
    return this.index.remove(values);
  }

  /**
   * Remove every series. A metric without labels keeps its one series (handles stay bound to it),
   * reset to its initial state, so `clear()` means the same for every type.
   */
  clear(): void {
    this.index.clear();
  }

  /**
   * Expire series idle for longer than `ttlSeconds`; returns how many were removed. A series
   * written through its handle since it was swept is put back first.
   */
  sweep(now: number): number {
    return this.index.sweep(now);
  }

  /** Append this family (HELP, TYPE, samples) to a render. */
  abstract renderInto(out: Lines, om: boolean): void;

  /** @internal Count an exemplar that could not be kept (see `makeExemplar`). */
  dropExemplar(): void {
    this.ctx.dropped(this.name, 'invalid_exemplar');
  }

  /** A series' values for a snapshot; `undefined` leaves the series out (an unknown gauge). */
  protected abstract sample(series: S, now: number): SeriesValues | undefined;

  /**
   * This family, format-neutral: what every writer (text, OpenMetrics, remote-write, OTLP) reads.
   * @example
   * const family = calls.snapshot();
   */
  snapshot(now = Date.now()): FamilySnapshot {
    const series: SeriesSnapshot[] = [];
    const names = this.labelNames;
    this.index.forEachLabelValues((s, values) => {
      const v = this.sample(s, now);
      if (v === undefined) return;
      const labels = values.map((value, i) => [names[i] as string, value] as const);
      series.push({ labels, ...v });
    });
    const family: FamilySnapshot = { name: this.name, type: this.type, help: this.help, series };
    if (this.unit !== undefined) family.unit = this.unit;
    return family;
  }

  /** This family alone, as exposition text. */
  render(om: boolean): string {
    const out = new Lines();
    this.renderInto(out, om);
    return out.text();
  }
}

function positive(options: MetricOptions<string>, key: 'ttlSeconds' | 'maxSeries'): number {
  const v = options[key];
  if (typeof v !== 'number' || !(v > 0) || (key === 'maxSeries' && !Number.isInteger(v))) {
    throw new DefinitionError(
      'ST_INVALID_OPTION',
      `${key} of metric "${options.name}" must be a positive ${key === 'maxSeries' ? 'integer' : 'number'}, got ${showValue(v)}`,
    );
  }
  return v;
}
