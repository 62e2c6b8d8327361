import { DefinitionError, LabelPolicyError, showValue } from '../errors.js';
import type { PiiKind } from '../guard/pii-kinds.js';
import { type GuardOptions, type RejectReason, resolveGuardOptions } from '../guard/policy.js';
import { Counter, type CounterOptions } from './counter.js';
import { type ExpositionFormat, renderRegistry } from './exposition.js';
import { Gauge, type GaugeOptions } from './gauge.js';
import { Lines } from './header.js';
import { Histogram, type HistogramOptions } from './histogram.js';
import { Info, type InfoOptions } from './info.js';
import type { Metric } from './metric.js';
import type { DropReason, MetricContext } from './metric-options.js';
import type { NativeHistogramOptions } from './native-histogram.js';
import type { Series } from './series.js';
import type { FamilySnapshot } from './snapshot.js';
import { Summary, type SummaryOptions } from './summary.js';

export interface RegistryOptions {
  /**
   * Prefix of sidetone's own families: the registry's self-metrics here, and what reads
   * {@link Registry.prefix} (scrape, health, build, push). Default `sidetone`; `metrics.prefix`
   * sets it for the sidecar, so a Callstack deployment sees `callstack_*` only.
   */
  prefix?: string;
  /** Label policy: series cap, value length limit, strict mode. */
  guard?: GuardOptions;
  /** How long collect callbacks may take before the scrape fails. Default 1000 ms. */
  collectTimeoutMs?: number;
  /**
   * Native (exponential) buckets for every histogram that does not set its own `native`, e.g. the
   * telephony packs' latency histograms. Default off. See {@link HistogramOptions.native}.
   */
  nativeHistograms?: boolean | NativeHistogramOptions;
  /**
   * Write a `_created` sample for every counter, histogram and summary series in OpenMetrics text.
   * Default off, as client_golang's `promhttp` (`EnableOpenMetricsTextCreatedSamples`): a Prometheus
   * without created-timestamp ingestion (`--enable-feature=created-timestamp-zero-ingestion`)
   * stores each as one more series per counter, and they took 2.2x the bytes of 10k counters.
   * client_python writes them unless told not to; prom-client and @prometheus-io/client never do.
   * Turn it on for a Prometheus that ingests them. The Prometheus text format never has them; the
   * protobuf format and snapshots (OTLP start time) always carry the creation time, as a field.
   */
  createdTimestamps?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds metrics of every label set.
export type AnyMetric = Metric<any, Series> & {
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  collect?: ((m: any) => void | Promise<void>) | undefined;
};

/**
 * Holds metric families and renders them. Definition errors throw; everything on the recording
 * path is dropped and counted in self-metrics (`sidetone_samples_dropped_total` and friends).
 * @example
 * const registry = new Registry();
 * const calls = registry.counter({ name: 'calls_total', help: 'Calls', labels: ['direction'], enums: { direction: ['inbound', 'outbound'] } });
 * calls.labels({ direction: 'inbound' }).inc();
 * const text = await registry.metrics('openmetrics');
 */
export class Registry {
  readonly collectTimeoutMs: number;
  /** Whether OpenMetrics text carries `_created` samples; see {@link RegistryOptions.createdTimestamps}. */
  readonly createdTimestamps: boolean;
  /** Prefix of sidetone's own families (`<prefix>_samples_dropped_total`, ...). */
  readonly prefix: string;
  private lastBytes = 0;
  private readonly families = new Map<string, AnyMetric>();
  /** Every sample name a family exposes, so `x_total` cannot be claimed twice. */
  private readonly sampleNames = new Map<string, string>();
  private readonly ctx: MetricContext;
  private readonly self: {
    dropped: Counter<'metric' | 'reason'>;
    redacted: Counter<'metric' | 'label' | 'kind'>;
    rejected: Counter<'metric' | 'label' | 'reason'>;
    unknown: Counter<'metric'>;
    overflow: Counter<'metric'>;
    collectErrors: Counter<'metric'>;
  };

  constructor(options: RegistryOptions = {}) {
    const guard = resolveGuardOptions(options.guard);
    this.prefix = options.prefix ?? 'sidetone';
    this.collectTimeoutMs = options.collectTimeoutMs ?? 1000;
    this.createdTimestamps = options.createdTimestamps ?? false;
    const strictDrop = (metric: string, reason: DropReason): void => {
      if (guard.strict) {
        throw new LabelPolicyError(
          'ST_SAMPLE_DROPPED',
          `metric "${metric}" got an invalid sample (${reason}): record finite numbers (counters only go up)`,
        );
      }
    };
    this.ctx = {
      guard,
      internal: false,
      nativeHistograms: options.nativeHistograms ?? false,
      createdTimestamps: this.createdTimestamps,
      dropped: (metric, reason) => {
        strictDrop(metric, reason);
        this.self.dropped.labels({ metric, reason }).inc();
      },
      rejected: (metric, label, reason: RejectReason) =>
        this.self.rejected.labels({ metric, label, reason }).inc(),
      redacted: (metric, label, kind: PiiKind) => this.self.redacted.labels({ metric, label, kind }).inc(),
      // Counted by metric only: the key is caller input (it can be a phone number), never a label value.
      unknownLabel: (metric) => this.self.unknown.labels({ metric }).inc(),
      overflow: (metric) => this.self.overflow.labels({ metric }).inc(),
    };
    const internal: MetricContext = { ...this.ctx, internal: true };
    const c = <L extends string>(name: string, help: string, labels: readonly L[]): Counter<L> =>
      this.add(new Counter<L>({ name, help, labels }, internal)) as Counter<L>;
    this.self = {
      dropped: c(`${this.prefix}_samples_dropped`, 'Samples dropped on the recording path, by reason', [
        'metric',
        'reason',
      ]),
      redacted: c(
        `${this.prefix}_label_values_redacted`,
        'Label values replaced with redacted because they looked like PII',
        ['metric', 'label', 'kind'],
      ),
      rejected: c(
        `${this.prefix}_label_values_rejected`,
        'Label values replaced with other (not in the enum, too long)',
        ['metric', 'label', 'reason'],
      ),
      unknown: c(
        `${this.prefix}_unknown_labels`,
        'Undeclared label keys dropped at first sight of a series',
        ['metric'],
      ),
      overflow: c(
        `${this.prefix}_series_overflow`,
        'Samples routed to the overflow series after the series cap',
        ['metric'],
      ),
      collectErrors: c(`${this.prefix}_collect_errors`, 'Collect callbacks that threw or timed out', [
        'metric',
      ]),
    };
  }

  /** Define (or get the identical existing) counter. */
  counter<const L extends string = never>(options: CounterOptions<L>): Counter<L> {
    return this.define(options, () => new Counter(options, this.ctx));
  }
  /** Define (or get the identical existing) gauge. */
  gauge<const L extends string = never>(options: GaugeOptions<L>): Gauge<L> {
    return this.define(options, () => new Gauge(options, this.ctx));
  }
  /** Define (or get the identical existing) histogram. */
  histogram<const L extends string = never>(options: HistogramOptions<L>): Histogram<L> {
    return this.define(options, () => new Histogram(options, this.ctx));
  }
  /** Define (or get the identical existing) summary. */
  summary<const L extends string = never>(options: SummaryOptions<L>): Summary<L> {
    return this.define(options, () => new Summary(options, this.ctx));
  }
  /** Define a static info family. */
  info(options: InfoOptions): Info {
    return this.define(
      { ...options, labels: Object.keys(options.values) },
      () => new Info(options, this.ctx),
    );
  }

  /** A family by name (the name given at definition, with or without `_total`/`_info`). */
  get(name: string): AnyMetric | undefined {
    return this.families.get(name) ?? this.families.get(name.replace(/_(total|info)$/, ''));
  }

  /** Unregister a family and free its sample names. */
  removeMetric(name: string): boolean {
    const m = this.get(name);
    if (m === undefined) return false;
    this.families.delete(m.name);
    for (const [sample, owner] of this.sampleNames) if (owner === m.name) this.sampleNames.delete(sample);
    return true;
  }

  /** All families in definition order. */
  all(): IterableIterator<AnyMetric> {
    return this.families.values();
  }

  /** Expire idle series (metrics with `ttlSeconds`). Also run at every render. */
  sweep(now = Date.now()): number {
    let removed = 0;
    for (const m of this.families.values()) if (m.ttlMs > 0) removed += m.sweep(now);
    return removed;
  }

  /**
   * Run collect callbacks (each within `collectTimeoutMs`), then render. A callback that throws or
   * times out leaves its families stale (their last values) and is counted in
   * `sidetone_collect_errors_total{metric}`: one broken source never fails the whole scrape.
   * @example
   * const text = await registry.metrics('openmetrics');
   */
  async metrics(format: ExpositionFormat = 'prometheus'): Promise<string> {
    await this.collect();
    return this.render(format);
  }

  /**
   * Run every collect callback; see `metrics()`. Never rejects: resolves with the failures
   * (`"<metric>: <reason>"`), each already counted, for callers that want to log them.
   */
  async collect(): Promise<string[]> {
    const failures: string[] = [];
    const runs: Promise<void>[] = [];
    for (const m of this.families.values()) {
      const fn = m.collect;
      if (fn === undefined) continue;
      runs.push(
        withTimeout(() => fn(m), this.collectTimeoutMs).catch((err: unknown) => {
          this.self.collectErrors.labels({ metric: m.name }).inc();
          failures.push(`${m.name}: ${err instanceof Error ? err.message : showValue(err)}`);
        }),
      );
    }
    if (runs.length > 0) await Promise.all(runs);
    return failures;
  }

  /**
   * Every family, format-neutral (families, series, label pairs, values), in definition order.
   * Runs no collect callbacks: call `await registry.collect()` first, as for `render`. Remote-write,
   * OTLP and the cluster aggregator read this; `renderSnapshot` writes it as exposition text.
   * @example
   * await registry.collect();
   * const families = registry.snapshot();
   */
  snapshot(): FamilySnapshot[] {
    const now = Date.now();
    this.sweep(now);
    const out: FamilySnapshot[] = [];
    for (const m of this.families.values()) out.push(m.snapshot(now));
    return out;
  }

  /** Render synchronously without running collect callbacks. */
  render(format: ExpositionFormat = 'prometheus'): string {
    const out = new Lines();
    this.sweep();
    renderRegistry(this.families.values(), format === 'openmetrics', out);
    return out.text();
  }

  /**
   * Render straight to UTF-8 bytes, what a server sends: no intermediate string of the whole
   * exposition. Like `render`, runs no collect callbacks (call `collect()` first).
   */
  renderBytes(format: ExpositionFormat = 'prometheus'): Buffer {
    // Start at the last render's size (plus room to grow): one allocation instead of a doubling
    // series of multi-megabyte buffers and copies on every scrape.
    const out = new Lines(true, Math.ceil(this.lastBytes * 1.25));
    this.sweep();
    renderRegistry(this.families.values(), format === 'openmetrics', out);
    const bytes = out.bytes();
    this.lastBytes = bytes.length;
    return bytes;
  }

  private define<M extends AnyMetric>(
    options: { name: string; labels?: readonly string[] },
    make: () => M,
  ): M {
    const metric = make();
    const existing = this.families.get(metric.name);
    if (existing !== undefined) {
      if (sameShape(existing, metric)) return existing as M;
      throw new DefinitionError(
        'ST_DUPLICATE_METRIC',
        `metric "${metric.name}" is already registered as a ${existing.type} with labels [${existing.labelNames.join(', ')}]; ` +
          `the new definition (${metric.type} with labels [${(options.labels ?? []).join(', ')}]) differs: use one definition or another name`,
      );
    }
    return this.add(metric);
  }

  private add<M extends AnyMetric>(metric: M): M {
    const names = exposedNames(metric);
    for (const n of names) {
      const owner = this.sampleNames.get(n);
      if (owner !== undefined) {
        throw new DefinitionError(
          'ST_METRIC_NAME_CLASH',
          `metric "${metric.name}" would expose "${n}", which metric "${owner}" already exposes: rename one of them`,
        );
      }
    }
    for (const n of names) this.sampleNames.set(n, metric.name);
    this.families.set(metric.name, metric);
    return metric;
  }
}

function sameShape(a: AnyMetric, b: AnyMetric): boolean {
  if (a.type !== b.type || a.help !== b.help || a.unit !== b.unit) return false;
  if (a.labelNames.join('\0') !== b.labelNames.join('\0')) return false;
  if (a instanceof Histogram && b instanceof Histogram) return a.bounds.join() === b.bounds.join();
  // An info family is its values: other keys or values are another family, refused at definition.
  if (a instanceof Info && b instanceof Info) {
    const ka = Object.keys(a.values);
    const kb = Object.keys(b.values);
    return ka.length === kb.length && ka.every((k) => a.values[k] === b.values[k]);
  }
  return true;
}

function exposedNames(m: AnyMetric): string[] {
  const n = m.name;
  switch (m.type) {
    case 'counter':
      return [n, `${n}_total`, `${n}_created`];
    case 'gauge':
      return [n];
    case 'info':
      return [n, `${n}_info`];
    default:
      return [n, `${n}_bucket`, `${n}_sum`, `${n}_count`, `${n}_created`];
  }
}

async function withTimeout(fn: () => void | Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(fn),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
