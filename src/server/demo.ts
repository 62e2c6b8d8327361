import type { SidetoneConfig } from '../config/schema.js';
import type { ScenarioName } from '../config/source-defaults.js';
import type { EventBus } from '../events/bus.js';
import type { Registry } from '../metrics/index.js';
import { Simulator } from '../sources/simulator/simulator.js';

/** What a demo did before going live, and the fault it runs, for the start-up summary. */
export interface DemoSummary {
  /** The simulated history written at start (`demo.backfill_hours`), when there was one. */
  backfill?: { hours: number; events: number; calls: number; sms: number; seconds: number };
  /** The fault scenario (`demo.scenario`): it starts live, after the backfill. Epoch ms. */
  fault?: { name: ScenarioName; start: number; end: number };
}

export interface DemoOptions {
  bus: EventBus;
  registry: Registry;
  /** The store sink: flushed after each backfill step, which bounds memory and lets requests in. */
  flush: () => Promise<void>;
  labels: { trunks: readonly string[]; queues: readonly string[] };
  /** Progress of the backfill: virtual ms simulated so far, of the total. */
  onBackfill?: (doneMs: number, totalMs: number) => void;
  /** Take the state as of simulated time `at` (epoch ms) after each backfill step: the modem history. */
  sample?: (at: number) => Promise<void>;
}

/** Virtual time simulated per step of a backfill (then the store is flushed). */
const BACKFILL_STEP_MS = 10 * 60_000;
/** Virtual time simulated between two turns of the event loop during a backfill. */
const BACKFILL_SLICE_MS = 60_000;

/** A running demo: its backfill in the background, then live traffic. */
export interface DemoRun {
  /** The backfill's progress, 0 to 1 (1 with no backfill): virtual time written of the total. */
  progress(): number;
  /**
   * Resolves once the backfill is written (each step flushed: acknowledged by the store) and the
   * live traffic runs, with what the backfill wrote and the fault scheduled; rejects if a step
   * failed (then no live traffic runs). Resolves early, without a summary, after stop().
   */
  live: Promise<DemoSummary>;
  /** Stop the backfill after its current step (flushed), or the live traffic; resolves then. */
  stop(): Promise<void>;
}

/**
 * `sidetone demo`'s traffic: `demo.backfill_hours` of history written in the background while the
 * sidecar already serves (issue 50: the 24 h of `npm start` took 121 s under load before its URLs
 * were printed), then real time, and the fault scenario starting `FAULT_START_MS` after the backfill
 * ends, so it happens live whatever the backfill took (24 h: 5 s alone, 95 s each with six demos at
 * once on two busy cores). Each step awaits the store's flush, so requests get their turn between
 * steps and memory stays bounded to one step's events.
 * @example
 * const demo = startDemo(config.demo, { bus, registry, flush: () => sink.flush(), labels });
 * const summary = await demo.live;
 * // ...
 * await demo.stop();
 */
export function startDemo(settings: SidetoneConfig['demo'], o: DemoOptions): DemoRun {
  const now = Date.now();
  const backfillMs = settings.backfill_hours * 3_600_000;
  const sim = new Simulator(o.bus, {
    seed: settings.seed,
    rate: settings.rate,
    registry: o.registry,
    trunks: o.labels.trunks,
    queues: o.labels.queues,
    start: now - backfillMs,
  });
  let doneMs = 0;
  let stopped = false;
  let stopLive: (() => void) | undefined;
  const live = (async (): Promise<DemoSummary> => {
    const summary: DemoSummary = {};
    if (backfillMs > 0) {
      const tally = { calls: 0, sms: 0 };
      const offs = [
        o.bus.on('call.started', () => tally.calls++),
        o.bus.on('sms.sent', () => tally.sms++),
        o.bus.on('sms.received', () => tally.sms++),
      ];
      try {
        // History first (the page and the CLI show real shapes once it is written), then real time.
        for (let t = now - backfillMs; t < now && !stopped; ) {
          const end = Math.min(t + BACKFILL_STEP_MS, now);
          // Simulated a slice at a time, the event loop let in between: a request waits for one
          // slice, not a whole step (a 10-min step blocked /readyz for 0.7-3.7 s at load 14).
          while (t < end) {
            await new Promise((r) => setImmediate(r));
            t = Math.min(t + BACKFILL_SLICE_MS, end);
            sim.advance(t);
          }
          await o.flush();
          await o.sample?.(t);
          // The history's heartbeats are stamped in the past; the running demo says it is alive
          // now. Without it SidetoneSourceSilent (age > 120 s for 2 m) fired during a backfill
          // that took minutes under load (alerting.e2e, load ~8), before any live traffic.
          o.bus.emit({ type: 'heartbeat', ts: Date.now(), source: 'demo', intervalSeconds: 5 });
          doneMs = t - (now - backfillMs);
          o.onBackfill?.(doneMs, backfillMs);
        }
      } finally {
        for (const off of offs) off();
      }
      if (stopped) return summary;
      const seconds = Math.round((Date.now() - now) / 100) / 10;
      summary.backfill = { hours: settings.backfill_hours, events: sim.count, ...tally, seconds };
    }
    // Catch up with the time the backfill took, then start the fault from here.
    sim.advance(Date.now());
    if (settings.scenario !== undefined)
      summary.fault = { name: settings.scenario, ...sim.fault(settings.scenario) };
    stopLive = sim.start();
    return summary;
  })();
  return {
    progress: () => (backfillMs === 0 ? 1 : doneMs / backfillMs),
    live,
    stop: async () => {
      stopped = true;
      stopLive?.();
      await live.catch(() => {});
    },
  };
}
