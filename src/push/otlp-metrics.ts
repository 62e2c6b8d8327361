import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  type CollectionResult,
  DataPointType,
  MeterProvider,
  type MetricData,
  type MetricProducer,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { HistogramSeries, Registry } from '../metrics/index.js';
import { renderDuration } from '../metrics/render-time.js';
import type { FamilySnapshot, LabelPairs } from '../metrics/snapshot.js';
import { sidetoneVersion } from '../runtime/version.js';
import { within } from '../sinks/span-queue.js';
import { withUp } from './identity.js';
import type { SnapshotSource } from './pusher.js';

// Prometheus unit words to UCUM, as OTLP expects (`seconds` -> `s`).
const UCUM: Record<string, string> = { seconds: 's', bytes: 'By', ratio: '1', percent: '%', hertz: 'Hz' };
const PROCESS_START_MS = Date.now() - process.uptime() * 1000;

const hr = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
const attrs = (pairs: LabelPairs, external: LabelPairs, extra?: readonly [string, string]): Attributes => {
  const a: Attributes = {};
  for (const [k, v] of pairs) a[k] = v;
  if (extra !== undefined) a[extra[0]] = extra[1];
  for (const [k, v] of external) if (!(k in a)) a[k] = v;
  return a;
};

/**
 * OpenTelemetry metric data for a snapshot: counters as monotonic cumulative sums (name without
 * `_total`), gauges as gauges, info as a gauge `<name>_info` = 1, histograms as explicit-bucket
 * histograms with the registry's bounds (cumulative Prometheus buckets turned into per-bucket
 * counts, `+Inf` implied), summaries as a gauge per quantile plus `_count`/`_sum` sums (OTLP's
 * SDK has no summary type). Start times are each series' creation time, else process start.
 * `external` labels become attributes of every point that lacks them: an OTLP receiver turns point
 * attributes into labels, while resource attributes other than the service's identity only reach
 * `target_info`.
 */
export function toOtelMetrics(
  families: readonly FamilySnapshot[],
  nowMs = Date.now(),
  external: LabelPairs = [],
): MetricData[] {
  const end = hr(nowMs);
  const out: MetricData[] = [];
  const cumulative = AggregationTemporality.CUMULATIVE;
  for (const f of families) {
    const descriptor = (name: string) => ({
      name,
      description: f.help,
      unit: f.unit === undefined ? '' : (UCUM[f.unit] ?? f.unit),
      valueType: ValueType.DOUBLE,
    });
    const start = (createdMs: number | undefined) => hr(createdMs ?? PROCESS_START_MS);
    const points = (pick: (s: FamilySnapshot['series'][number]) => number | undefined) =>
      f.series.flatMap((s) => {
        const value = pick(s);
        return value === undefined
          ? []
          : [{ startTime: start(s.createdMs), endTime: end, attributes: attrs(s.labels, external), value }];
      });
    switch (f.type) {
      case 'counter':
        out.push({
          descriptor: descriptor(f.name),
          aggregationTemporality: cumulative,
          dataPointType: DataPointType.SUM,
          isMonotonic: true,
          dataPoints: points((s) => s.value),
        });
        break;
      case 'gauge':
        out.push({
          descriptor: descriptor(f.name),
          aggregationTemporality: cumulative,
          dataPointType: DataPointType.GAUGE,
          dataPoints: points((s) => s.value),
        });
        break;
      case 'info':
        out.push({
          descriptor: descriptor(`${f.name}_info`),
          aggregationTemporality: cumulative,
          dataPointType: DataPointType.GAUGE,
          dataPoints: points((s) => s.value ?? 1),
        });
        break;
      case 'histogram':
        out.push({
          descriptor: descriptor(f.name),
          aggregationTemporality: cumulative,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: f.series.flatMap((s) => {
            const h = s.histogram;
            if (h === undefined) return [];
            const boundaries: number[] = [];
            const counts: number[] = [];
            let below = 0;
            for (const b of h.buckets) {
              if (b.le !== Number.POSITIVE_INFINITY) boundaries.push(b.le);
              counts.push(b.count - below);
              below = b.count;
            }
            if (h.buckets.at(-1)?.le !== Number.POSITIVE_INFINITY) counts.push(h.count - below);
            return [
              {
                startTime: start(s.createdMs),
                endTime: end,
                attributes: attrs(s.labels, external),
                value: { buckets: { boundaries, counts }, sum: h.sum, count: h.count },
              },
            ];
          }),
        });
        break;
      case 'summary': {
        const quantiles = f.series.flatMap((s) =>
          (s.summary?.quantiles ?? []).map((q) => ({
            startTime: start(s.createdMs),
            endTime: end,
            attributes: attrs(s.labels, external, ['quantile', String(q.q)]),
            value: q.value,
          })),
        );
        out.push({
          descriptor: descriptor(f.name),
          aggregationTemporality: cumulative,
          dataPointType: DataPointType.GAUGE,
          dataPoints: quantiles,
        });
        for (const part of ['count', 'sum'] as const) {
          out.push({
            descriptor: descriptor(`${f.name}_${part}`),
            aggregationTemporality: cumulative,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: points((s) => s.summary?.[part]),
          });
        }
        break;
      }
    }
  }
  return out;
}

/**
 * The registry as an OpenTelemetry `MetricProducer`: hand it to any metric reader and any OTel
 * exporter pushes sidetone's metrics, computed by sidetone's registry (no second aggregation),
 * with `up` = 1 ({@link withUp}) and the `external` labels on every point; `renderTime` observes
 * how long each collection took.
 *
 * @example
 * const reader = new PeriodicExportingMetricReader({ exporter, metricProducers: [registryProducer(registry)] });
 */
export function registryProducer(
  source: SnapshotSource,
  options: { external?: LabelPairs; renderTime?: HistogramSeries } = {},
): MetricProducer {
  return {
    async collect(): Promise<CollectionResult> {
      const started = performance.now();
      await source.collect();
      const metrics = toOtelMetrics(withUp(source.snapshot()), Date.now(), options.external);
      options.renderTime?.observe((performance.now() - started) / 1000);
      return {
        resourceMetrics: {
          resource: resourceFromAttributes({}),
          scopeMetrics: [
            {
              scope: { name: 'sidetone', version: sidetoneVersion() },
              metrics,
            },
          ],
        },
        errors: [],
      };
    },
  };
}

export interface OtlpMetricsOptions {
  source: SnapshotSource;
  /** OTLP/HTTP base URL; metrics go to `<endpoint>/v1/metrics`. Default the `OTEL_EXPORTER_OTLP_*` variables. */
  endpoint?: string;
  /** `service.name`, which a Prometheus OTLP receiver makes the `job` label. Default `OTEL_SERVICE_NAME`, else `sidetone`. */
  serviceName?: string;
  /** `service.instance.id`, which a Prometheus OTLP receiver makes the `instance` label. Default none. */
  instance?: string;
  /** Attributes of every point, so they arrive as labels ({@link toOtelMetrics}). Default none. */
  externalLabels?: Readonly<Record<string, string>>;
  /** Where the export's render time goes (`<prefix>_scrape_duration_seconds{format="otlp"}`). Default none. */
  selfMetrics?: Registry;
  /** Default `OTEL_METRIC_EXPORT_INTERVAL`, else 60 s. */
  intervalMs?: number;
  env?: Record<string, string | undefined>;
  exporter?: PushMetricExporter;
  /** `shutdown()` (a last export, then the exporter's own) resolves within this. Default 2000 ms. */
  shutdownTimeoutMs?: number;
}

/**
 * Export the registry over OTLP/HTTP on a period (`[otel] export_metrics`), cumulative temporality.
 * Returns undefined when no endpoint is configured.
 *
 * @example
 * const metrics = otlpMetrics({ source: registry, endpoint: 'http://collector:4318' });
 * await metrics?.shutdown();
 */
export function otlpMetrics(
  options: OtlpMetricsOptions,
): { flush(): Promise<void>; shutdown(): Promise<void>; url: string } | undefined {
  const env = options.env ?? process.env;
  const url =
    options.endpoint !== undefined && options.endpoint !== ''
      ? `${options.endpoint.replace(/\/+$/, '')}/v1/metrics`
      : env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT?.trim() ||
        (env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
          ? `${(env.OTEL_EXPORTER_OTLP_ENDPOINT as string).trim().replace(/\/+$/, '')}/v1/metrics`
          : undefined);
  if (url === undefined && options.exporter === undefined) return undefined;
  const fromEnv = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  const interval = options.intervalMs ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 60_000);
  const exporter =
    options.exporter ??
    new OTLPMetricExporter({
      url: url as string,
      temporalityPreference: AggregationTemporalityPreference.CUMULATIVE,
      // One snapshot per period; a second request at most while the first still retries.
      concurrencyLimit: 2,
    });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(interval, 30_000),
    metricProducers: [
      registryProducer(options.source, {
        external: Object.entries(options.externalLabels ?? {}),
        ...(options.selfMetrics !== undefined && {
          renderTime: renderDuration(options.selfMetrics).labels({ format: 'otlp' }),
        }),
      }),
    ],
  });
  // The identity the OpenTelemetry-to-Prometheus mapping reads: job = service.name (prefixed by
  // service.namespace, which is not set), instance = service.instance.id.
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': options.serviceName || env.OTEL_SERVICE_NAME?.trim() || 'sidetone',
      ...(options.instance !== undefined && { 'service.instance.id': options.instance }),
      'service.version': sidetoneVersion(),
    }),
    readers: [reader],
  });
  let stopped: Promise<void> | undefined;
  return {
    url: url ?? '(custom exporter)',
    flush: () => provider.forceFlush(),
    shutdown: () => {
      // With the collector down the exporter retries for its whole 10 s timeout; the process
      // should not wait for that to stop (issue 31: 9-10 s). The last snapshot is tried, no longer.
      stopped ??= within(
        options.shutdownTimeoutMs ?? 2000,
        provider.shutdown().catch(() => {}),
      ).then(() => {});
      return stopped;
    },
  };
}
