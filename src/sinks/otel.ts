import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import type { Registry } from '../metrics/index.js';
import { sidetoneVersion } from '../runtime/version.js';
import { type OtlpProtocol, otlpProtocol, otlpTracesUrl } from './otlp-protocol.js';
import { BoundedSpanProcessor, SPAN_DROP_REASONS } from './span-queue.js';

/** The `[otel]` settings; every one may also come from the standard `OTEL_*` variables. */
export interface OtelOptions {
  /**
   * OTLP/HTTP base URL (`http://collector:4318`): spans go to `<endpoint>/v1/traces`. Default
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is) or `OTEL_EXPORTER_OTLP_ENDPOINT`; with none
   * of them set, tracing is off.
   */
  endpoint?: string;
  /**
   * `grpc` (spans to the endpoint itself, a collector's 4317) or `http` (`<endpoint>/v1/traces`).
   * Default `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`, else `grpc` for
   * an endpoint on port 4317 and `http` otherwise.
   */
  protocol?: OtlpProtocol;
  /** `service.name` of the resource. Default `OTEL_SERVICE_NAME`, else `sidetone`. */
  serviceName?: string;
  /**
   * Share of new traces kept, 0..1. A call continuing an app's trace (`traceparent`) follows the
   * app's sampling decision instead. Default `OTEL_TRACES_SAMPLER_ARG`, else 1.
   */
  sampleRatio?: number;
  /** Variables to read (tests pass their own). Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Replace the OTLP exporter (tests, or an app's own exporter). */
  exporter?: SpanExporter;
  /**
   * Ended spans waiting for export at most; past it the oldest is dropped and counted. Default
   * `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048.
   */
  maxQueueSpans?: number;
  /** `shutdown()` resolves within this, whatever the collector does. Default 2000 ms. */
  shutdownTimeoutMs?: number;
  /**
   * Where the export's self-metrics go: `<prefix>_otel_spans_exported_total`,
   * `<prefix>_otel_spans_dropped_total{reason}` (queue_full, export_failed, shutdown) and
   * `<prefix>_otel_spans_queued`.
   */
  registry?: Registry;
  prefix?: string;
}

/** A private tracer provider: sidetone's spans, exported on their own schedule. */
export interface OtelTracing {
  tracer: Tracer;
  /** Where spans go (for the startup log line). */
  url: string;
  /** Export everything ended so far. */
  flush(): Promise<void>;
  /** Flush and stop within the shutdown timeout whatever the collector does; idempotent. */
  shutdown(): Promise<void>;
}

/** A positive number from an `OTEL_*` variable, else undefined. */
function envNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = Number(env[name]);
  return env[name] !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * Start a tracer provider that exports sidetone's call spans over OTLP/HTTP. It is NOT registered
 * globally, so an app that embeds sidetone keeps its own global provider; headers, timeouts and
 * TLS come from the standard `OTEL_EXPORTER_OTLP_*` variables the exporter reads itself.
 * Returns undefined when tracing is off (see {@link otlpTracesUrl}).
 *
 * @example
 * const otel = otelTracing({ endpoint: 'http://127.0.0.1:4318', serviceName: 'pbx-1' });
 * if (otel) traceSink(bus, { tracer: otel.tracer });
 */
export function otelTracing(options: OtelOptions = {}): OtelTracing | undefined {
  const env = options.env ?? process.env;
  const url = otlpTracesUrl(options);
  if (url === undefined && options.exporter === undefined) return undefined;
  const serviceName = options.serviceName || env.OTEL_SERVICE_NAME?.trim() || 'sidetone';
  const fromEnv = Number(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio =
    options.sampleRatio ??
    (env.OTEL_TRACES_SAMPLER_ARG !== undefined && Number.isFinite(fromEnv) ? fromEnv : 1);
  // Two requests at most: one export runs at a time, plus one the processor gave up waiting for.
  const base =
    options.endpoint ||
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() ||
    env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const grpc = url !== undefined && otlpProtocol(base, options.protocol, env, 'TRACES') === 'grpc';
  const exporter =
    options.exporter ??
    (grpc
      ? // gRPC has no path: the service name travels in the request (opentelemetry.proto TraceService).
        new GrpcTraceExporter({ url: base as string, concurrencyLimit: 2 })
      : new OTLPTraceExporter({ url: url as string, concurrencyLimit: 2 }));
  const prefix = options.prefix ?? 'sidetone';
  const dropped = options.registry?.counter({
    name: `${prefix}_otel_spans_dropped_total`,
    help: 'Call spans not exported: the queue was full (oldest dropped), the export failed or timed out, or the process stopped',
    labels: ['reason'],
    enums: { reason: SPAN_DROP_REASONS },
  });
  const exported = options.registry
    ?.counter({ name: `${prefix}_otel_spans_exported_total`, help: 'Call spans the OTLP collector accepted' })
    .labels({});
  const queue = new BoundedSpanProcessor(exporter, {
    maxQueue: options.maxQueueSpans ?? envNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE') ?? 2048,
    ...(envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE') !== undefined && {
      maxBatch: envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
    }),
    ...(envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY') !== undefined && {
      delayMs: envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY'),
    }),
    exportTimeoutMs:
      envNumber(env, 'OTEL_BSP_EXPORT_TIMEOUT') ??
      envNumber(env, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT') ??
      envNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT') ??
      10_000,
    shutdownTimeoutMs: options.shutdownTimeoutMs ?? 2000,
    onDrop: (reason, n) => dropped?.labels({ reason }).inc(n),
    onExported: (n) => exported?.inc(n),
  });
  options.registry?.gauge({
    name: `${prefix}_otel_spans_queued`,
    help: 'Call spans waiting for export',
    collect: (g) => g.set(queue.queued),
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      'service.version': sidetoneVersion(),
    }),
    // Parent-based: a call that continues an app's trace keeps the app's decision, so its trace is
    // never cut in half; new traces are sampled by trace id, the same way on every host.
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(Math.min(1, Math.max(0, ratio))) }),
    spanProcessors: [queue],
  });
  let stopped: Promise<void> | undefined;
  return {
    tracer: provider.getTracer('sidetone', sidetoneVersion()),
    url: (grpc ? base : url) ?? '(custom exporter)',
    flush: () => provider.forceFlush(),
    shutdown: () => {
      if (stopped === undefined) stopped = provider.shutdown();
      return stopped;
    },
  };
}
