import type { Logger } from 'pino';
import type { healthOptions } from '../analytics/health.js';
import { withPrices } from '../config/prices.js';
import type { SidetoneConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { SidetoneEvent } from '../events/types.js';
import type { HealthRegistry } from '../health/index.js';
import { createApp } from '../http/app.js';
import { httpOptionsFromConfig } from '../http/from-config.js';
import { RequestMetrics } from '../http/request-metrics.js';
import type { auditLog } from '../logs/index.js';
import type { Registry } from '../metrics/index.js';
import type { StoreSink } from '../sinks/store-sink.js';
import type { traceSink } from '../sinks/trace-sink.js';
import { ingestRoute } from '../sources/ingest.js';
import { OtlpTraceReceiver } from '../sources/otlp/receiver.js';
import { otlpTracesRoute } from '../sources/otlp/route.js';
import { faultCause } from '../store/faults.js';
import type { instrumentStore } from '../store/instrumented.js';
import { mountAnalytics } from './analytics-routes.js';
import { liveReader } from './console-live.js';
import { consoleWindows, humanConnectLive, voiceAgents, voiceView } from './console-voice.js';
import { mountDashboard } from './dashboard.js';
import { MODEM_STATE_EVENTS, ModemSampler } from './modem-sampler.js';
import { mountOpenApi } from './openapi-route.js';

/** What the sidecar's routes read and write. */
export interface SidecarRouteParts {
  config: SidetoneConfig;
  labels: SidetoneConfig['labels'];
  bus: EventBus;
  registry: Registry;
  health: HealthRegistry;
  callHealth: ReturnType<typeof healthOptions>;
  log: Logger;
  audit: ReturnType<typeof auditLog>;
  store: ReturnType<typeof instrumentStore>;
  sink: StoreSink;
  traces: ReturnType<typeof traceSink>;
  activeCalls: () => number | undefined;
  /** A cluster member's: `POST /events` goes to the stream (sources/cluster/node.ts). */
  publish?: (events: readonly SidetoneEvent[]) => Promise<{ duplicates: number }>;
}

/**
 * The sidecar's app: health and metrics, `POST /events` and `POST /v1/traces` in, analytics, the
 * dashboard and the OpenAPI documents out; and the modem's history sampler and the console's
 * window sampler (started with the sources). Every route is answered by the app's one dispatch, over node:http and through `fetch`.
 */
export function sidecarRoutes(p: SidecarRouteParts) {
  const { config, bus, registry, sink, store, log } = p;
  const http = httpOptionsFromConfig(config);
  const requestMetrics = new RequestMetrics(registry, { prefix: `${config.metrics.prefix}_http_server` });
  const app = createApp({
    ...http.app,
    registry,
    health: p.health,
    logger: log,
    activeCalls: p.activeCalls,
    requestMetrics,
    onRefusedCredential: (refusal) => p.audit.refusedCredential(refusal),
  });
  app.route(
    'POST',
    '/events',
    ingestRoute(bus, {
      sink,
      maxBodyBytes: config.server.body_limit_bytes,
      traceparent: (header, events, state) => p.traces.adopt(header, events, state),
      onReject: (rejected) => p.audit.rejectedItems(rejected),
      registry,
      ...(p.publish !== undefined && { publish: p.publish }),
    }),
    {
      auth: 'ingest',
      // Its document's response schemas are zod's: built with the first /openapi.json (issue 39).
      doc: async () => (await import('../sources/ingest-doc.js')).INGEST_DOC,
      // The same limit whichever server carries the request (node:http, or a framework through
      // `fetch`): one 413, the same answer.
      bodyLimitBytes: config.server.body_limit_bytes,
    },
  );
  // Agent frameworks' OpenTelemetry spans, code-free: the turns they end are stored, then emitted.
  const receiver = new OtlpTraceReceiver({
    callIdAttributes: config.otlp_receiver.call_id_attributes,
    agents: p.labels.agents,
    models: p.labels.models,
    ...withPrices(config),
    maxTraces: config.otlp_receiver.max_traces,
    maxSpans: config.otlp_receiver.max_spans,
    idleSeconds: config.otlp_receiver.idle_seconds,
    registry,
    prefix: config.metrics.prefix,
  });
  app.route(
    'POST',
    '/v1/traces',
    otlpTracesRoute(bus, receiver, {
      sink,
      maxBodyBytes: config.otlp_receiver.max_body_bytes,
      maxInFlight: config.otlp_receiver.max_in_flight,
    }),
    {
      auth: 'ingest',
      doc: async () => (await import('../sources/otlp/doc.js')).OTLP_TRACES_DOC,
      // Read up to the OTLP limit, not server.body_limit_bytes: exporters send uncompressed by
      // default and drop a batch answered 413 (OTLP/HTTP "Failures": 413 is not retryable).
      bodyLimitBytes: config.otlp_receiver.max_body_bytes,
    },
  );
  // The registry over the alerts' windows, for the console's voice panel and problems and the
  // dashboard's voice agents: the sidecar starts it with the sources and stops it at close.
  const windows = consoleWindows(registry, config.metrics.prefix);
  // An event may move what it samples: a sampler parked while nothing changed samples again.
  bus.onAny(() => windows.wake());
  mountAnalytics(app, store, {
    health: p.callHealth,
    registry,
    voice: () => voiceView(voiceAgents(windows), humanConnectLive(windows)),
  });
  mountDashboard(app, { store, registry, config, windows, health: p.health });
  // The modem's history (issue 37): its decided state into the store, a minute and each change.
  const readLive = liveReader(registry, config.metrics.prefix, windows);
  const modemSampler = new ModemSampler({
    store,
    read: async () => (await readLive()).modems,
    onError: (err) => log.warn({ cause: faultCause(err) }, 'modem samples not stored; kept for a retry'),
  });
  // What a modem says resumes a sampler that parked with no modem heard from.
  for (const type of MODEM_STATE_EVENTS) bus.on(type, () => modemSampler.wake());
  registry.counter({
    name: `${config.metrics.prefix}_store_modem_samples_dropped_total`,
    help: 'Modem history samples dropped: the store stayed down past 120 waiting, or refused them',
    collect: (c) => c.set(undefined, modemSampler.dropped),
  });
  mountOpenApi(app);
  return { app, modemSampler, windows, serveOptions: http.serve };
}
