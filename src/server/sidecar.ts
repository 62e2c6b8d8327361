import { dirname, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { SidetoneConfig } from '../config/schema.js';
import { EventBus } from '../events/bus.js';
import { LoopSampler } from '../health/loop-sampler.js';
import { type Served, serve } from '../http/node.js';
import type { AuthKind } from '../http/router.js';
import { auditLog, callEventLog } from '../logs/index.js';
import { traceIds } from '../logs/logger.js';
import { Registry } from '../metrics/index.js';
import { runtimeMetrics } from '../runtime/index.js';
import { rememberSecrets, secretValues } from '../secrets.js';
import { traceSink } from '../sinks/trace-sink.js';
import type { HepListener } from '../sources/hep/source.js';
import type { ModemSource } from '../sources/modem/source.js';
import { faultCause } from '../store/faults.js';
import { instrumentStore } from '../store/instrumented.js';
import { startMaintenance } from '../store/maintenance.js';
import { recordIds } from '../store/privacy.js';
import type { DemoSummary } from './demo.js';
import { serveHealth } from './health-port.js';
import { clusterFromConfig, hepFromConfig, modemFromConfig, otelFromConfig, startPush } from './on-demand.js';
import { BACKFILL_CHECK, backfillDetail, sidecarHealth } from './sidecar-health.js';
import { logListening, sidecarLogger } from './sidecar-logs.js';
import { demoLabels, sidecarPacks, withSourceTrunks } from './sidecar-packs.js';
import { sidecarRoutes } from './sidecar-routes.js';
import { holdSignals, onSignals } from './sidecar-signals.js';
import { keepListening } from './source-health.js';
import { openStore, storeHashKey } from './store-from-config.js';
import { sidecarStoreSink } from './store-health.js';
import { countUnconsumed, listenedTypes } from './unconsumed.js';

export interface SidecarOptions {
  /** Run the traffic simulator through the same bus (`sidetone demo`). */
  demo?: boolean;
  logger?: Logger;
  /** Install SIGINT/SIGTERM handlers (graceful stop, a second signal exits at once). Default true. */
  signals?: boolean;
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
  /**
   * The same routes through the fetch adapter (`App.fetch`): what a framework mounting the sidecar's
   * app would get, answered by the one dispatch the listener uses.
   */
  fetch(req: Request): Promise<Response>;
  /**
   * A demo (`sidetone demo`): its backfill's progress (0 to 1), and what it wrote and the fault it
   * scheduled once it is written and the live traffic runs (empty when it failed or was stopped).
   */
  readonly demo?: { progress(): number; live: Promise<DemoSummary> };
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
  const { log, logFile } = sidecarLogger(config, options.logger);
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
  // Latency buckets link to the call's trace (OpenMetrics exemplars), when it has a valid one:
  // its own span, or the app's when `POST /events` carried a traceparent. Checked once per span
  // context, not per observation, and the same labels object each time (see traceIds).
  const telephony = sidecarPacks(
    bus,
    registry,
    config,
    labels,
    (callId) => traceIds(traces.spanContext(callId)),
    // Once per list: the name (the logger redacts what looks like PII) and the setting admitting it.
    {
      onUnconfiguredName: (list, name) =>
        log.warn(
          {
            list,
            value: name.slice(0, 64),
            setting: `labels.${list}`,
            env: `SIDETONE_LABELS_${list.toUpperCase()}`,
          },
          `a name outside labels.${list} is counted as other (${config.metrics.prefix}_voiceai_unconfigured_names_total): add it to labels.${list} to see it by name`,
        ),
    },
  );
  const dbPath = resolve(config.store.path);
  // The event loop sampled 10 times a second, not 100 (the library's default, prom-client's): the
  // 10 ms timer was most of an idle sidecar's CPU, 12-15 ms a second against 4-8 (issue 39). A
  // stall of 100 ms or more is always seen; a shorter one in proportion to its length, which
  // rate() over minutes averages out. One sampler for the metrics and the health check, parked a
  // second after the last request or event while the loop has no other work: their two native
  // samplers were 20 of an idle sidecar's ~22 wake-ups a second (issue 51).
  const loop = new LoopSampler({ resolutionMs: 100, parkAfterMs: 1000 });
  const runtime = runtimeMetrics(registry, {
    eventLoopSampler: loop,
    diskPaths: [dirname(dbPath)],
    collectEveryMs: config.metrics.collection_interval_seconds * 1000,
  });
  const numbersKey = storeHashKey(config, dbPath, log);
  const opened = await openStore(config, dbPath, numbersKey, log);
  const store = instrumentStore(opened.store, registry, { prefix: config.metrics.prefix });
  const { sink, failures } = sidecarStoreSink(bus, store, { config, registry, labels, log });
  const otel = await otelFromConfig(config, registry);
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
  // Every event is work: a parked event-loop sampler samples again (after the types listened to are
  // taken: a listener of every type would read as a consumer of each).
  bus.onAny(() => loop.wake());
  const stopCallLog = callEventLog(bus, log, {
    spanContext: (id) => traces.spanContext(id),
    callIds,
    trunks: labels.trunks,
    // serve writes the call lines docs/deploy.md describes; a demo keeps them at debug (its
    // backfill would print ~100k lines before the URLs).
    level: demo ? 'debug' : 'info',
  });
  const stopMaintenance = startMaintenance(store, {
    intervalMs: 60_000,
    maxActiveSeconds: config.store.zombie_max_seconds,
    retentionDays: config.store.retention_days,
    runNow: true,
  });

  let modemSource: ModemSource | undefined;
  const { health, callHealth } = sidecarHealth({
    config,
    demo,
    bus,
    dbPath,
    store,
    sink,
    loop,
    probe: opened.probe,
    modem: telephony.modem,
    // The modem source is created below, with the other sources; the check reads it when it runs.
    modemSource: () => modemSource,
  });

  // A cluster member publishes what it receives and stores what its partitions own (docs/deploy.md).
  const cluster = await clusterFromConfig(config, { bus, sink, registry, health, log });

  const { app, modemSampler, windows, serveOptions } = sidecarRoutes({
    config,
    labels,
    bus,
    registry,
    health,
    callHealth,
    log,
    audit,
    store,
    sink,
    traces,
    activeCalls: () => telephony.calls?.active,
    ...(cluster !== undefined && { publish: (events) => cluster.publishEvents(events) }),
  });

  // Sources that need no code on the operator's side, each loaded only when configured, as the
  // push and trace exporters are (start-up CPU, issue 39).
  const hep = await hepFromConfig(
    config,
    bus,
    registry,
    log,
    cluster && ((buf, now) => cluster.publishHep(buf, now)),
  );
  modemSource = await modemFromConfig(config, bus, registry, labels.modems[0] ?? 'modem0', log);

  // Everything but the listener, in data-flow order: stop feeding, flush, then close the store.
  let push: Awaited<ReturnType<typeof startPush>>;
  let hepRun: Awaited<ReturnType<typeof keepListening>> | undefined;
  const teardown = async () => {
    // First: the last snapshot is queued (and tried) while every metric is still there.
    await push?.stop();
    hepRun?.stop();
    await hep?.close();
    // Its partitions released (their positions committed after a flush), others take them at once.
    await cluster?.close();
    await modemSource?.close();
    await modemSampler.stop();
    windows.stop();
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
  const signals = holdSignals(options.signals !== false);
  try {
    // A listener that cannot bind fails the `hep` check and is retried; it never stops the sidecar.
    hepRun = hep && (await keepListening(hep, { health, log }));
    modemSource?.start();
    windows.start();
    // A demo's sampler starts after its backfill, which samples at simulated times (below).
    if (!demo) modemSampler.start();
    push = await startPush(config, registry, log);
    const onRequest = () => loop.wake();
    served = await serve(app, { ...serveOptions, logger: log, onRequest });
    if (config.health.port !== undefined) healthServed = await serveHealth(config, app, log, onRequest);
  } catch (err) {
    signals.release();
    await served?.close().catch(() => {});
    await teardown().catch(() => {});
    throw err;
  }
  // The simulator is loaded by `sidetone demo` only: serve has no use for its modules. Its backfill
  // runs in the background (issue 50): the sidecar serves at once, not ready until it is written.
  const sim = demo
    ? (await import('./demo.js')).startDemo(config.demo, {
        bus,
        registry,
        flush: () => sink.flush(),
        labels,
        onBackfill: (done, total) =>
          health.report(BACKFILL_CHECK, done < total ? 'fail' : 'pass', backfillDetail(done, total)),
        sample: (at) => modemSampler.tick(at),
      })
    : undefined;
  // A demo's sampler starts after its backfill, which samples at simulated times.
  const live = sim?.live.then(
    (summary) => {
      modemSampler.start();
      if (summary.fault !== undefined) {
        const { name, start, end } = summary.fault;
        log.info(
          { scenario: name, start: new Date(start).toISOString(), end: new Date(end).toISOString() },
          'demo fault scheduled',
        );
      }
      return summary;
    },
    (err: unknown): DemoSummary => {
      // The store failed under the history: not ready, and said why; the sidecar still serves.
      health.report(BACKFILL_CHECK, 'fail', `backfill failed: ${faultCause(err)}`);
      log.error({ cause: faultCause(err) }, 'demo backfill failed; no live traffic');
      return {};
    },
  );

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => {
    resolveDone = r;
  });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await sim?.stop();
      await healthServed?.close();
      await served?.close();
      await teardown();
      log.info('sidetone stopped');
      resolveDone();
    })();
    return closing;
  };
  if (options.signals !== false)
    onSignals({ close, closing: () => closing !== undefined, done, log, logFile, held: signals });
  logListening(log, {
    push,
    url: served.url,
    healthUrl: healthServed?.url,
    db: opened.label,
    demo,
    traces: otel?.url,
  });
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
    fetch: (req) => app.fetch(req),
    ...(sim && live && { demo: { progress: () => sim.progress(), live } }),
  };
}
