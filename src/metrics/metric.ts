import { DefinitionError, showValue } from '../errors.js';
import { assertNoPii, OTHER } from '../guard/policy.js';
import { Lines } from './header.js';
import { LabelIndex } from './label-index.js';
import type { MetricContext, MetricOptions, SeriesValues } from './metric-options.js';
import { assertLabelNames, assertMetricName } from './names.js';
import type { Series } from './series.js';
import type { FamilySnapshot, SeriesSnapshot } from './snapshot.js';

/**
 * A metric family: its definition (name, help, unit, labels and their enums, checked once here)
 * over the label index that holds its series (label-index.ts), and its output (a snapshot every
 * writer reads, or exposition text). Counter, gauge, histogram, summary and info extend it.
 */
export abstract class Metric<L extends string, S extends Series> extends LabelIndex<L, S> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
  readonly help: string;
  readonly unit: string | undefined;

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
    super(options.name, labelNames, allowed, { maxSeries, ttlMs }, ctx);
    this.help = options.help;
    this.unit = options.unit;
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
    this.forEachLabelValues((s, values) => {
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
