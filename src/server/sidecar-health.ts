import { dirname } from 'node:path';
import { healthIndicators, healthOptions } from '../analytics/health.js';
import type { SidetoneConfig } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import { diskSpaceCheck, eventLoopCheck, HealthRegistry } from '../health/index.js';
import type { LoopSampler } from '../health/loop-sampler.js';
import { STORE_CHECK } from '../http/health-routes.js';
import type { StoreSink } from '../sinks/store-sink.js';
import type { ModemSource } from '../sources/modem/source.js';
import type { instrumentStore } from '../store/instrumented.js';
import { buildDetail } from '../store/rollup/build.js';
import { idsDetail } from '../store/stored-ids.js';
import type { ModemPack } from '../telephony/packs/modem.js';
import { modemReadiness } from './source-health.js';
import { storeCheck } from './store-health.js';

/** The readiness check that says how far the background build of missing rollups is (store/rollup/build.ts). */
export const ROLLUPS_CHECK = 'store_rollups';

/** The readiness check of a demo's backfill (`sidetone demo --backfill`). */
export const BACKFILL_CHECK = 'demo_backfill';

/** What /readyz and the console say of a backfill: `backfilling 42 %`, then `backfill done (100 %)`. */
export const backfillDetail = (doneMs: number, totalMs: number) =>
  doneMs < totalMs ? `backfilling ${Math.floor((100 * doneMs) / totalMs)} %` : 'backfill done (100 %)';

/** What the sidecar's health checks read. */
export interface SidecarHealthParts {
  config: SidetoneConfig;
  demo: boolean;
  bus: EventBus;
  dbPath: string;
  store: ReturnType<typeof instrumentStore>;
  sink: StoreSink;
  /** The event-loop sampler the check reads (the sidecar's, shared with its metrics). */
  loop: LoopSampler;
  probe: Parameters<typeof storeCheck>[0]['probe'];
  /** The modem pack, when it runs. */
  modem: ModemPack | undefined;
  /** The modem source, created after the checks: read when a check runs. */
  modemSource: () => ModemSource | undefined;
}

/**
 * The sidecar's readiness and liveness checks: event loop, disk, store, source heartbeats, the
 * modem where one is expected, call quality. With the call-quality thresholds (`[alerts]`) the
 * analytics routes use too.
 */
export function sidecarHealth(p: SidecarHealthParts) {
  const { config, demo, bus, store, modem } = p;
  const health = new HealthRegistry();
  health.register(eventLoopCheck({ sampler: p.loop }));
  health.register(diskSpaceCheck({ path: dirname(p.dbPath) }));
  health.register(
    storeCheck({
      name: STORE_CHECK,
      sink: p.sink,
      probe: p.probe,
      // A write stuck behind another process's lock for a second means the store is not taking
      // data: not ready (503), while liveness, which never waits on storage, stays 200.
      writeStallMs: () => store.writeStallMs?.() ?? 0,
      stallMs: STORE_STALL_MS,
      stuckMs: config.store.stuck_seconds * 1000,
    }),
  );
  health.register({
    name: ROLLUPS_CHECK,
    // Rollups missing at open (a store from before them) are built in the background (issue 51).
    // Meanwhile reads take the missing part from the records, with the same numbers, and ingest
    // is untouched: the store is ready, and the detail says how far the build is. A 503 would take
    // a sidecar out of its load balancer for the whole build (617 s at 1M calls) for nothing wrong.
    critical: false,
    // So with raw ids an older store kept, hashed in the background after the rollups are built
    // (sqlite/id-rewrite.ts): reads show them hashed meanwhile.
    check: () => {
      const rollups = store.rollupBuild?.();
      const ids = store.idRewrite?.();
      return {
        status: 'pass',
        detail: rollups === undefined && ids !== undefined ? idsDetail(ids) : buildDetail(rollups),
      };
    },
  });
  if (demo && config.demo.backfill_hours > 0) {
    // Written in the background while the sidecar serves (issue 50): not ready until the history
    // the page and the read verbs show is all there; the detail says how far it is.
    health.register({ name: BACKFILL_CHECK, critical: true });
    health.report(BACKFILL_CHECK, 'fail', backfillDetail(0, 1));
  }
  const silence = config.health.source_silence_seconds || (demo ? 30 : 0);
  if (silence > 0) {
    // A push check: each heartbeat reports pass; silence past the limit turns it unknown (not ready).
    health.register({ name: 'source', critical: true, staleAfterMs: silence * 1000 });
    bus.on('heartbeat', () => health.report('source', 'pass', `heartbeat within ${silence} s`));
  }
  // Readiness waits on a modem only where one is expected: a modem source, the demo's, or the
  // modem pack asked for by name (Callstack's contract); not on every sidecar the default pack runs in.
  const modemExpected = config.modem.path !== undefined || config.packs.modem === true || demo;
  if (modem !== undefined && modemExpected)
    health.register({ name: 'modem', critical: true, check: modemReadiness(modem, p.modemSource) });
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
  return { health, callHealth };
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
