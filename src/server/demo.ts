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

/**
 * `sidetone demo`'s traffic: `demo.backfill_hours` of history written at once, then real time,
 * and the fault scenario starting `FAULT_START_MS` after the backfill ends, so it happens live
 * whatever the backfill took (24 h: 5 s alone, 95 s each with six demos at once on two busy cores).
 * @example
 * const demo = await startDemo(config.demo, { bus, registry, flush: () => sink.flush(), labels });
 * // ...
 * demo.stop();
 */
export async function startDemo(
  settings: SidetoneConfig['demo'],
  o: DemoOptions,
): Promise<{ stop: () => void; summary: DemoSummary }> {
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
  const summary: DemoSummary = {};
  if (backfillMs > 0) {
    const tally = { calls: 0, sms: 0 };
    const offs = [
      o.bus.on('call.started', () => tally.calls++),
      o.bus.on('sms.sent', () => tally.sms++),
      o.bus.on('sms.received', () => tally.sms++),
    ];
    // History first (the page and the CLI show real shapes at once), then real time.
    for (let t = now - backfillMs; t < now; ) {
      t = Math.min(t + BACKFILL_STEP_MS, now);
      sim.advance(t);
      await o.flush();
      await o.sample?.(t);
      o.onBackfill?.(t - (now - backfillMs), backfillMs);
    }
    for (const off of offs) off();
    const seconds = Math.round((Date.now() - now) / 100) / 10;
    summary.backfill = { hours: settings.backfill_hours, events: sim.count, ...tally, seconds };
  }
  // Catch up with the time the backfill took, then start the fault from here.
  sim.advance(Date.now());
  if (settings.scenario !== undefined)
    summary.fault = { name: settings.scenario, ...sim.fault(settings.scenario) };
  return { stop: sim.start(), summary };
}
