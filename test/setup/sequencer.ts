import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files of each project, started first, so a fresh clone (CI has no vitest cache, and
 * vitest then starts larger files first) does not end with one long file running alone while the
 * other workers sit idle. Seconds each file's tests took in run 8 of `npm test` on the 2-core
 * machine (c5d05c8, 2026-11-26, all 3,606 passed; /tmp/run8.json's start and end of each file),
 * the e2e files of 20 s or more; fleet's is scaled by what running its two receivers side by side
 * saved alone (106.6 -> 57.4 s). Only the order matters, so a rough figure is enough: the earlier
 * table put start (48 s) and install (31 s) first and source-errors (120 s) 11th, so it started
 * 186 s into the e2e project. Files not listed keep vitest's own order (its cache of durations
 * when it has one, else size) after these.
 */
const SECONDS: Readonly<Record<string, number>> = {
  // The paced replays, two at once (run 35): the transcripts first, the other two beside them.
  'test/sources/modem/transcripts.timed.e2e.test.ts': 57,
  'test/sources/cluster/kamailio-cluster.timed.e2e.test.ts': 29,
  'test/sources/otlp/livekit-agents-js.timed.e2e.test.ts': 28,
  // Stop 59: source-errors' alerts in virtual time (130 -> 11 s); the slow-LLM demo at rate 15
  // (console-voice-scenarios 124 -> 84 s); the phone-leg delay, moved from the timed project (30 s).
  'test/server/source-errors.e2e.test.ts': 11,
  'test/sources/hep/phone-delay.e2e.test.ts': 30,
  // Run 11 (eb0f86b): files added since run 8; the first started 637 s into the run and ran 105 s.
  'test/browser/console-voice-scenarios.e2e.test.ts': 84,
  'test/store/record-ids-open.e2e.test.ts': 35,
  'test/rules/alerts-simulated.e2e.test.ts': 26,
  'test/server/startup-modules.e2e.test.ts': 24,
  'test/sources/modem/modem-pty.e2e.test.ts': 21,
  'test/chaos/store.slow.test.ts': 109,
  'test/contract/call-health.e2e.test.ts': 106,
  'test/sources/hep/kamailio-sipp.e2e.test.ts': 102,
  'test/rules/alerts-healthy-day.e2e.test.ts': 91,
  'test/browser/dashboard.e2e.test.ts': 90,
  'test/push/remote-write-outage.e2e.test.ts': 67,
  'test/server/peak-memory.e2e.test.ts': 63,
  'test/store/postgres.e2e.test.ts': 61,
  'test/lint/prometheus-text.e2e.test.ts': 58,
  'test/cli/start.e2e.test.ts': 48,
  'test/logs/pii-fuzz.slow.test.ts': 42,
  'test/push/fleet.e2e.test.ts': 40,
  'test/server/prefix.e2e.test.ts': 40,
  'test/browser/call-ladder.e2e.test.ts': 40,
  'test/browser/console-history.e2e.test.ts': 36,
  'test/cli/db.e2e.test.ts': 35,
  'test/clients/python.e2e.test.ts': 35,
  'test/package/install.e2e.test.ts': 31,
  'test/cli/serve.e2e.test.ts': 28,
  'test/cli/usage.e2e.test.ts': 27,
  'test/contract/call-state.slow.test.ts': 27,
  'test/package/exports.e2e.test.ts': 27,
  'test/lint/renders.e2e.test.ts': 25,
  'test/sources/faults.slow.test.ts': 25,
  'test/server/disk-full.e2e.test.ts': 25,
  'test/server/pii-outputs.e2e.test.ts': 25,
  'test/server/idle-wakeups.e2e.test.ts': 24,
  'test/events/exact.slow.test.ts': 23,
  'test/sources/cluster/jetstream.e2e.test.ts': 23,
  'test/server/secrets-outputs.e2e.test.ts': 22,
  'test/package/workspaces.e2e.test.ts': 22,
  'test/compat/pages.e2e.test.ts': 22,
  'test/contract/cross-surface.slow.test.ts': 21,
  'test/server/sigkill-loop.e2e.test.ts': 21,
  'test/metrics/fuzz.e2e.test.ts': 21,
};

/**
 * The files in an order drawn from `seed` (mulberry32, Fisher-Yates): the same seed, the same order.
 * @example shuffled(['a', 'b', 'c'], 4811) // the same permutation on every run
 */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Vitest's order, with the files known to be long moved to the front of their project. With
 * `--sequence.shuffle` the files run in an order drawn from the run's seed instead (vitest
 * shuffles files only with its own sequencer, and this one replaces it): what one file leaves
 * for the next in a worker shows up in an order no run had before (issue 48), and the seed
 * printed at the start replays it. SIDETONE_TEST_FILE_SEED=N shuffles the files alone, by N, each
 * file's tests in their written order: what it proves is that no file depends on the files before
 * it, where --sequence.shuffle also moves the tests of files whose tests are steps of one story
 * (analytics-routes' cleanup closes the zombie a later health test looks for).
 */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { shuffle, seed } = this.ctx.config.sequence;
    if (shuffle) return shuffled(files, seed);
    const fileSeed = process.env.SIDETONE_TEST_FILE_SEED;
    if (fileSeed) return shuffled(files, Number(fileSeed));
    const base = await super.sort(files);
    const rank = new Map(base.map((f, i) => [f, i]));
    const seconds = (f: TestSpecification) => {
      const rel = f.moduleId.slice(f.project.config.root.length + 1);
      return SECONDS[rel] ?? 0;
    };
    return [...base].sort((a, b) =>
      a.project === b.project
        ? seconds(b) - seconds(a) || (rank.get(a) ?? 0) - (rank.get(b) ?? 0)
        : (rank.get(a) ?? 0) - (rank.get(b) ?? 0),
    );
  }
}
