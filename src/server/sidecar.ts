import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import { healthIndicators, healthOptions } from '../analytics/health.js';
import { CONFIG_PACKS, type SidetoneConfig } from '../config/schema.js';
import { EventBus } from '../events/bus.js';
import { diskSpaceCheck, eventLoopCheck, HealthRegistry } from '../health/index.js';
import { type App, createApp } from '../http/app.js';
import { httpOptionsFromConfig } from '../http/from-config.js';
import { STORE_CHECK } from '../http/health-routes.js';
import { type Served, serve } from '../http/node.js';
import { RequestMetrics } from '../http/request-metrics.js';
import type { AuthKind } from '../http/router.js';
import { fileDestination, stdoutDestination } from '../logs/destination.js';
import { auditLog, callEventLog, createLogger, trusted } from '../logs/index.js';
import { traceIds } from '../logs/logger.js';
import { prettyDestination } from '../logs/pretty.js';
import { Registry } from '../metrics/index.js';
import { runtimeMetrics } from '../runtime/index.js';
import { rememberSecrets, secretValues } from '../secrets.js';
import { otlpTracesUrl } from '../sinks/otlp-protocol.js';
import { storeSink } from '../sinks/store-sink.js';
import { traceSink } from '../sinks/trace-sink.js';
import type { HepListener } from '../sources/hep/source.js';
import { ingestHandler, ingestRouteOf } from '../sources/ingest.js';
import { INGEST_DOC } from '../sources/ingest-doc.js';
import type { ModemSource } from '../sources/modem/source.js';
import { OTLP_TRACES_DOC } from '../sources/otlp/doc.js';
import { OtlpTraceReceiver } from '../sources/otlp/receiver.js';
import { otlpTracesRoute } from '../sources/otlp/route.js';
import { DEMO_AGENTS, DEMO_MODELS } from '../sources/simulator/voice.js';
import { faultCause } from '../store/faults.js';
import { instrumentStore } from '../store/instrumented.js';
import { startMaintenance } from '../store/maintenance.js';
import { recordIds } from '../store/privacy.js';
import { instrument } from '../telephony/index.js';
import { mountAnalytics } from './analytics-routes.js';
import { liveReader } from './console-live.js';
import { mountDashboard } from './dashboard.js';
import { type DemoSummary, startDemo } from './demo.js';
import { directIngest, INGEST_PATH } from './direct-ingest.js';
import { serveHealth } from './health-port.js';
import { ModemSampler } from './modem-sampler.js';
import { mountOpenApi } from './openapi-route.js';
import { keepListening, modemReadiness } from './source-health.js';
import { openStore, storeHashKey } from './store-from-config.js';
import { storeCheck, storeFailureLog, storeQueueMetrics } from './store-health.js';
import { countUnconsumed, listenedTypes } from './unconsumed.js';

export interface SidecarOptions {
  /** Run the traffic simulator through the same bus (`sidetone demo`). */
  demo?: boolean;
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers (graceful stop, a second signal exits at once). Default true. */
  signals?: boolean;
  /** Progress of `demo.backfill_hours`: virtual ms simulated so far, of the total. */
  onBackfill?: (doneMs: number, totalMs: number) => void;
}

/** A running sidecar. */
export interface SidecarHandle {
  url: string;
  /** The health-only listener's base URL, when `health.port` is set. */
  healthUrl?: string;
  /** Stop accepting, finish requests in flight, flush and close the store. Idempotent. */
  close(): Promise<void>;
  /** Resolves once closed (by `close()` or a signal). */
  done: Promise<void>;
  readonly bus: EventBus;
  readonly registry: Registry;
  /** Bound HEP listeners (`hep.listen`), ports resolved. */
  readonly hep: readonly HepListener[];
  /** The store, as logs name it: the SQLite file, or the PostgreSQL URL without its password. */
  readonly store: string;
  /** Every route with the scope it needs (docs/http.md, Route scopes). */
  routes(): Array<{ method: string; path: string; auth: AuthKind }>;
  /** A demo's backfill and fault scenario (`sidetone demo`). */
  readonly demo?: DemoSummary;
}

/**
 * Start the sidecar: events in over `POST /events`, metrics, health and analytics out, on an
 * embedded SQLite store. The whole data path in one place: sources -> bus -> sinks -> read side.
 *
 * @example
 * const sidecar = await startSidecar(loadConfig({ file: 'sidetone.toml' }));
 * console.log(`metrics at ${sidecar.url}/metrics`);
 * await sidecar.done;
 */
export async function startSidecar(
  config: SidetoneConfig,
  options: SidecarOptions = {},
): Promise<SidecarHandle> {
  // Every configured secret is masked wherever it would be shown (logs, health, errors), even in a
  // driver's message that quotes it.
  rememberSecrets(secretValues(config));
  const logFile =
    options.logger === undefined && config.log.file !== undefined
      ? fileDestination(config.log.file)
      : undefined;
  const log =
    options.logger ??
    createLogger({
      level: config.log.level,
      traceIds: config.otel.log_trace_id,
      destination: logDestination(config.log.format, logFile),
    });
  const audit = auditLog(log);
  const demo = options.demo === true;
  const labels = withSourceTrunks(demo ? demoLabels(config) : config.labels, config);

  // Sinks first, so nothing a source emits is missed.
  const registry = new Registry({
    // Every family sidetone owns takes the prefix (Callstack: `callstack_*`), self-metrics too.
    prefix: config.metrics.prefix,
    guard: { maxSeries: config.metrics.max_series },
    nativeHistograms: config.metrics.native_histograms,
    createdTimestamps: config.metrics.created_timestamps,
  });
  const bus = new EventBus({
    registry,
    prefix: config.metrics.prefix,
    // The error text may quote event fields, so only its class is logged.
    onError: (err, type) =>
      log.warn(
        { type, error: err instanceof Error ? err.name : typeof err },
        'an event subscriber threw; the others still ran',
      ),
  });
  // Every pack the operator did not turn off (`packs.<name> = false`): `POST /events` accepts
  // every event type, and the modem's RING/+CLCC and HEP's calls need packs beyond their own.
  const packs = Object.fromEntries(CONFIG_PACKS.map((p) => [p, config.packs[p] !== false]));
  const telephony = instrument(bus, registry, {
    prefix: config.metrics.prefix,
    packs,
    ...labels,
    flapping: {
      reconnects: config.modem.flapping_reconnects,
      windowSeconds: config.modem.flapping_window_seconds,
    },
    deadAirSeconds: config.voiceai.dead_air_seconds,
    // Latency buckets link to the call's trace (OpenMetrics exemplars), when it has a valid one:
    // its own span, or the app's when `POST /events` carried a traceparent. Checked once per span
    // context, not per observation, and the same labels object each time (see traceIds).
    exemplar: (callId) => traceIds(traces.spanContext(callId)),
  });
  const dbPath = resolve(config.store.path);
  const runtime = runtimeMetrics(registry, {
    diskPaths: [dirname(dbPath)],
    collectEveryMs: config.metrics.collection_interval_seconds * 1000,
  });
  const numbersKey = storeHashKey(config, dbPath, log);
  const opened = await openStore(config, dbPath, numbersKey, log);
  const store = instrumentStore(opened.store, registry, { prefix: config.metrics.prefix });
  const failures = storeFailureLog(log, () => sink);
  const deadLetterMetric = storeQueueMetrics(registry, config.metrics.prefix, () => sink);
  const sink = storeSink(bus, store, {
    trunks: labels.trunks,
    modems: labels.modems,
    maxPending: config.store.max_pending_updates,
    deadAirSeconds: config.voiceai.dead_air_seconds,
    onError: failures.onError,
    onDeadLetter: (letter) => {
      deadLetterMetric(letter);
      failures.onDeadLetter(letter);
    },
  });
  // Call spans go over OTLP when [otel] or OTEL_* name an endpoint, else wherever a globally
  // registered OpenTelemetry SDK sends them (nowhere by default). The SDK and its exporters are
  // loaded only then: ~110 ms of CPU here that a sidecar without tracing would pay at start-up.
  const otelOn = otlpTracesUrl({
    ...(config.otel.endpoint !== undefined && { endpoint: config.otel.endpoint }),
  });
  const otel =
    otelOn === undefined
      ? undefined
      : (await import('../sinks/otel.js')).otelTracing({
          ...(config.otel.endpoint !== undefined && { endpoint: config.otel.endpoint }),
          ...(config.otel.protocol !== undefined && { protocol: config.otel.protocol }),
          ...(config.otel.service_name !== undefined && { serviceName: config.otel.service_name }),
          ...(config.otel.sample_ratio !== undefined && { sampleRatio: config.otel.sample_ratio }),
          ...(config.otel.queue_max_spans !== undefined && { maxQueueSpans: config.otel.queue_max_spans }),
          shutdownTimeoutMs: config.otel.shutdown_timeout_ms,
          registry,
          prefix: config.metrics.prefix,
        });
  // Everything listening so far makes an event into data (a metric, a stored row); the trace
  // sink does too when its spans leave the process. The call log only repeats the store.
  const stored = listenedTypes(bus);
  // Call ids as the store keeps them (a keyed `cid:…` hash unless revealed), on spans and lines too.
  const callIds = recordIds(opened.privacy, 'cid');
  const traces = traceSink(bus, {
    ...(otel !== undefined && { tracer: otel.tracer }),
    hashKey: numbersKey,
    callIds,
    trunks: labels.trunks,
  });
  const stopUnconsumed = countUnconsumed(bus, registry, {
    consumed: otel === undefined ? stored : listenedTypes(bus),
    log,
  });
  const stopCallLog = callEventLog(bus, log, {
    spanContext: (id) => traces.spanContext(id),
    callIds,
    trunks: labels.trunks,
  });
  const stopMaintenance = startMaintenance(store, {
    intervalMs: 60_000,
    maxActiveSeconds: config.store.zombie_max_seconds,
    retentionDays: config.store.retention_days,
    runNow: true,
  });

  const health = new HealthRegistry();
  health.register(eventLoopCheck());
  health.register(diskSpaceCheck({ path: dirname(dbPath) }));
  health.register(
    storeCheck({
      name: STORE_CHECK,
      sink,
      probe: opened.probe,
      // A write stuck behind another process's lock for a second means the store is not taking
      // data: not ready (503), while liveness, which never waits on storage, stays 200.
      writeStallMs: () => store.writeStallMs?.() ?? 0,
      stallMs: STORE_STALL_MS,
      stuckMs: config.store.stuck_seconds * 1000,
    }),
  );
  const silence = config.health.source_silence_seconds || (demo ? 30 : 0);
  if (silence > 0) {
    // A push check: each heartbeat reports pass; silence past the limit turns it unknown (not ready).
    health.register({ name: 'source', critical: true, staleAfterMs: silence * 1000 });
    bus.on('heartbeat', () => health.report('source', 'pass', `heartbeat within ${silence} s`));
  }
  // Readiness waits on a modem only where one is expected: a modem source, the demo's, or the
  // modem pack asked for by name (Callstack's contract); not on every sidecar the default pack runs in.
  const modem = telephony.modem;
  const modemExpected = config.modem.path !== undefined || config.packs.modem === true || demo;
  // The modem source is created below, with the other sources; the check reads it when it runs.
  let modemSource: ModemSource | undefined;
  if (modem !== undefined && modemExpected)
    health.register({ name: 'modem', critical: true, check: modemReadiness(modem, () => modemSource) });
  // The SIM (+CPIN): a locked, missing or failed SIM is not ready, whatever the port answers.
  if (modem !== undefined && modemExpected)
    health.register({ name: 'modem_sim', critical: true, check: () => modem.simReadiness() });
  // One set of thresholds ([alerts], as the generated rules use them) for every health surface.
  const callHealth = healthOptions(config);
  health.register({
    name: 'call_quality',
    critical: false,
    timeoutMs: 2000,
    // The indicators scan the last hour of calls: every scrape and readiness probe would pay for
    // it (350 ms at 375k calls an hour). They change slowly, so one run serves for a while.
    check: everyAtMost(CALL_QUALITY_EVERY_MS, async () => {
      const h = await healthIndicators(store, callHealth);
      return {
        status: h.status === 'ok' ? ('pass' as const) : ('fail' as const),
        detail: h.warnings.map((w) => w.message).join('; ') || 'ok',
      };
    }),
  });

  const http = httpOptionsFromConfig(config);
  const requestMetrics = new RequestMetrics(registry, { prefix: `${config.metrics.prefix}_http_server` });
  const app = createApp({
    ...http.app,
    registry,
    health,
    logger: log,
    activeCalls: () => telephony.calls?.active,
    requestMetrics,
  });
  const ingest = ingestHandler(bus, {
    sink,
    maxBodyBytes: config.server.body_limit_bytes,
    traceparent: (header, events, state) => traces.adopt(header, events, state),
    onReject: (rejected) => audit.rejectedItems(rejected),
  });
  app.route('POST', INGEST_PATH, ingestRouteOf(ingest), { auth: 'ingest', doc: INGEST_DOC });
  // Agent frameworks' OpenTelemetry spans, code-free: the turns they end are stored, then emitted.
  const receiver = new OtlpTraceReceiver({
    callIdAttributes: config.otlp_receiver.call_id_attributes,
    agents: labels.agents,
    models: labels.models,
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
    { auth: 'ingest', doc: OTLP_TRACES_DOC },
  );
  mountAnalytics(app, store, { health: callHealth });
  mountDashboard(app, { store, registry, config });
  // The modem's history (issue 37): its decided state into the store, a minute and each change.
  const readLive = liveReader(registry, config.metrics.prefix);
  const modemSampler = new ModemSampler({
    store,
    read: async () => (await readLive()).modems,
    onError: (err) => log.warn({ cause: faultCause(err) }, 'modem samples not stored; kept for a retry'),
  });
  registry.counter({
    name: `${config.metrics.prefix}_store_modem_samples_dropped_total`,
    help: 'Modem history samples dropped: the store stayed down past 120 waiting, or refused them',
    collect: (c) => c.set(undefined, modemSampler.dropped),
  });
  mountOpenApi(app);

  // Sources that need no code on the operator's side: HEP capture (docs/sources/hep.md). Each is
  // loaded only when configured, as the push and trace exporters are (start-up CPU, issue 39).
  const hep =
    config.hep.listen.length > 0
      ? new (await import('../sources/hep/source.js')).HepSource(bus, {
          listen: config.hep.listen,
          registry,
          prefix: config.metrics.prefix,
          trunks: config.hep.trunks,
          timerBMs: config.hep.timer_b_ms,
          maxCalls: config.hep.max_calls,
          reorderWindowMs: config.hep.reorder_window_ms,
          maxClockSkewMs: config.hep.max_clock_skew_ms,
          mediaTimeoutMs: config.hep.media_timeout_ms,
          flowSample: config.hep.flow_sample,
          forward: config.hep.forward,
          forwardQueueMax: config.hep.forward_queue_max,
          password: config.hep.password,
          tcpMaxConnections: config.hep.tcp_max_connections,
          tcpIdleTimeoutMs: config.hep.tcp_idle_timeout_ms,
          udpReceiveBufferBytes: config.hep.udp_receive_buffer_bytes,
          onError: (err) => log.error({ error: err.message }, 'HEP listener failed'),
          onWarn: (message, detail) => log.warn(detail, message),
        })
      : undefined;
  // A GSM modem on a serial AT port (docs/sources/modem.md); it reopens itself after an unplug.
  modemSource =
    config.modem.path !== undefined
      ? new (await import('../sources/modem/source.js')).ModemSource(bus, {
          path: config.modem.path,
          baudRate: config.modem.baud_rate,
          modem: labels.modems[0] ?? 'modem0',
          mode: config.modem.mode,
          pollMs: config.modem.poll_seconds * 1000,
          commandTimeoutMs: config.modem.command_timeout_ms,
          registry,
          prefix: config.metrics.prefix,
          onLog: (message, detail) => log.warn(detail, message),
          // The path is the operator's setting, not data: keep it readable.
          onError: (cause) => log.error({ cause: trusted(cause) }, 'modem source cannot open its port'),
        })
      : undefined;

  // Everything but the listener, in data-flow order: stop feeding, flush, then close the store.
  let push: Awaited<ReturnType<typeof startPush>>;
  let hepRun: Awaited<ReturnType<typeof keepListening>> | undefined;
  const teardown = async () => {
    // First: the last snapshot is queued (and tried) while every metric is still there.
    await push?.stop();
    hepRun?.stop();
    await hep?.close();
    await modemSource?.close();
    await modemSampler.stop();
    // A store still down at shutdown: what it did not take was never acknowledged; say how much.
    await sink
      .close()
      .catch((err: unknown) =>
        log.error(
          { cause: faultCause(err), pending: sink.state().pending },
          'call store unavailable at shutdown; updates not stored',
        ),
      );
    failures.stop();
    await stopMaintenance();
    telephony.close();
    stopUnconsumed();
    stopCallLog();
    traces.close();
    await otel
      ?.shutdown()
      .catch((err: unknown) =>
        log.warn({ error: err instanceof Error ? err.name : typeof err }, 'trace export at shutdown failed'),
      );
    runtime.stop();
    health.close();
    await store.close();
  };
  let served: Served | undefined;
  let healthServed: Served | undefined;
  // A signal from the moment the port opens until the graceful handlers below exist (the health
  // port, the demo's backfill) is held and acted on then: left to Node's default it ended the
  // process unflushed (the chaos suite's SIGTERM right after a restart, under load, saw exit SIGTERM).
  let held: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    held ??= signal;
  };
  const release = () => {
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
  };
  if (options.signals !== false) {
    process.on('SIGINT', hold);
    process.on('SIGTERM', hold);
  }
  try {
    // A listener that cannot bind fails the `hep` check and is retried; it never stops the sidecar.
    hepRun = hep && (await keepListening(hep, { health, log }));
    modemSource?.start();
    modemSampler.start();
    push = await startPush(config, registry, log);
    served = await serve(audited(app, audit), {
      ...http.serve,
      logger: log,
      direct: directIngest({ app, ingest, requestMetrics, logger: log }),
    });
    if (config.health.port !== undefined) healthServed = await serveHealth(config, app, log);
  } catch (err) {
    release();
    await served?.close().catch(() => {});
    await teardown().catch(() => {});
    throw err;
  }
  const sim = demo
    ? await startDemo(config.demo, {
        bus,
        registry,
        flush: () => sink.flush(),
        labels,
        ...(options.onBackfill && { onBackfill: options.onBackfill }),
      }).catch((err: unknown) => {
        release(); // a failed start leaves no handler holding the process's signals
        throw err;
      })
    : undefined;
  if (sim?.summary.fault !== undefined) {
    const { name, start, end } = sim.summary.fault;
    log.info(
      { scenario: name, start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      'demo fault scheduled',
    );
  }

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      sim?.stop();
      await healthServed?.close();
      await served?.close();
      await teardown();
      log.info('sidetone stopped');
      resolveDone();
    })();
    return closing;
  };
  if (options.signals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing !== undefined) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      log.info({ signal }, 'stopping: finishing requests in flight and flushing the store');
      close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    // logrotate moved the file: write to a new one under the configured name.
    const onHangup = () => logFile?.reopen();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (logFile !== undefined) process.on('SIGHUP', onHangup);
    done.then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onHangup);
    });
    release();
    if (held !== undefined) onSignal(held);
  }
  log.info(
    {
      ...(push?.remoteWrite !== undefined && { remote_write: trusted(originOf(push.remoteWrite)) }),
      ...(push?.otlp !== undefined && { otlp_metrics: trusted(originOf(push.otlp)) }),
      // The operator's checked setting or host name: which series are this host's on the receiver.
      ...(push !== undefined && { push_instance: trusted(push.instance) }),
      url: trusted(served.url),
      ...(healthServed !== undefined && { health_url: trusted(healthServed.url) }),
      db: trusted(opened.label),
      demo,
      ...(otel !== undefined && { traces: trusted(originOf(otel.url)) }),
    },
    'sidetone listening',
  );
  return {
    url: served.url,
    ...(healthServed !== undefined && { healthUrl: healthServed.url }),
    close,
    done,
    bus,
    registry,
    hep: hepRun?.listeners ?? [],
    store: opened.label,
    routes: () => app.routes(),
    ...(sim && { demo: sim.summary }),
  };
}

/** Trunk names from HEP trunk rules become labels too: a rule is a declaration of the trunk. */
function withSourceTrunks(
  labels: SidetoneConfig['labels'],
  config: SidetoneConfig,
): SidetoneConfig['labels'] {
  const extra = config.hep.trunks.map((t) => t.name).filter((n) => !labels.trunks.includes(n));
  return extra.length === 0 ? labels : { ...labels, trunks: [...labels.trunks, ...extra] };
}

/** JSON lines, or readable ones on a terminal (`log.format`, default auto); to `log.file` when set. */
function logDestination(format: 'auto' | 'json' | 'pretty', file?: ReturnType<typeof fileDestination>) {
  const tty = file === undefined && process.stdout.isTTY === true;
  const out = file ?? stdoutDestination();
  const pretty = format === 'pretty' || (format === 'auto' && tty);
  return pretty ? prettyDestination(out, tty && !process.env.NO_COLOR) : out;
}

/** A write waiting this long for another process's lock makes the store check fail. */
const STORE_STALL_MS = 1000;

/** How stale the call-quality indicators may be. */
const CALL_QUALITY_EVERY_MS = 15_000;

/**
 * `fn`, run at most once per `ms`: calls in between share the last result (or the run in flight).
 * A failed run is not kept, so the next call tries again.
 */
export function everyAtMost<T>(ms: number, fn: () => Promise<T>): () => Promise<T> {
  let last: Promise<T> | undefined;
  let at = Number.NEGATIVE_INFINITY;
  return () => {
    const now = performance.now();
    if (last === undefined || now - at >= ms) {
      at = now;
      last = fn();
      last.catch(() => {
        last = undefined;
      });
    }
    return last;
  };
}

/** `[push]` and `[otel] export_metrics`: both read the registry through `Registry#snapshot()`. */
async function startPush(config: SidetoneConfig, registry: Registry, log: Logger) {
  if (config.push.remote_write_url === undefined && !config.otel.export_metrics) return undefined;
  // Loaded only when configured: the OTLP metrics SDK and the remote-write encoder are the largest
  // part of what the sidecar would load at start-up (92-106 ms of CPU here).
  return (await import('../push/from-config.js')).startPushFromConfig(config, registry, registry, log);
}

/** Scheme, host and port only: a configured URL may carry credentials in its user part. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(custom)';
  }
}

/** The app with an audit line for every refused credential (the 401s and 403s it answers). */
function audited(app: App, audit: ReturnType<typeof auditLog>): App {
  return {
    ...app,
    async fetch(req) {
      const res = await app.fetch(req);
      if (res.status === 401 || res.status === 403) {
        const sent = (req.headers.get('authorization') ?? '').trim();
        const realm = /realm="([a-z0-9_-]+)"/.exec(res.headers.get('www-authenticate') ?? '')?.[1];
        audit.refusedCredential({
          realm: realm ?? 'unknown',
          reason:
            res.status === 403 ? 'scope' : sent === '' ? 'missing' : sent.includes(' ') ? 'invalid' : 'empty',
          method: req.method,
          path: new URL(req.url).pathname,
        });
      }
      return res;
    },
  };
}

/** The demo runs every pack; give it the names its simulator uses, unless configured. */
function demoLabels(config: SidetoneConfig): SidetoneConfig['labels'] {
  const l = config.labels;
  return {
    ...l,
    trunks: l.trunks.length > 0 ? l.trunks : ['trunk-a', 'trunk-b'],
    queues: l.queues.length > 0 ? l.queues : ['support', 'sales'],
    operators: l.operators.length > 0 ? l.operators : ['Demo Mobile'],
    agents: l.agents.length > 0 ? l.agents : [...DEMO_AGENTS],
    models: l.models.length > 0 ? l.models : [...DEMO_MODELS],
  };
}
