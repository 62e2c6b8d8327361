import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files of each project, started first, so a fresh clone (CI has no vitest cache, and
 * vitest then starts larger files first) does not end with one long file running alone while the
 * other workers sit idle. Seconds each file took in a full `npm test` on the 2-core machine at low
 * load (2026-11-26); only the order matters, so a rough figure is enough. Files not listed keep
 * vitest's own order (its cache of durations when it has one, else size) after these.
 */
const SECONDS: Readonly<Record<string, number>> = {
  'test/logs/pii-fuzz.slow.test.ts': 120,
  'test/contract/call-state.slow.test.ts': 110,
  'test/contract/call-health.e2e.test.ts': 110,
  'test/rules/alerts-healthy-day.e2e.test.ts': 110,
  'test/sources/hep/kamailio-sipp.e2e.test.ts': 100,
  'test/package/install.e2e.test.ts': 120,
  'test/cli/start.e2e.test.ts': 150,
  'test/chaos/store.slow.test.ts': 90,
  'test/browser/dashboard.e2e.test.ts': 85,
  'test/rules/alerting.e2e.test.ts': 85,
  'test/push/fleet.e2e.test.ts': 80,
  'test/server/source-errors.e2e.test.ts': 80,
  'test/rules/alerts-simulated.e2e.test.ts': 70,
  'test/push/remote-write-outage.e2e.test.ts': 65,
  'test/store/postgres.e2e.test.ts': 60,
  'test/server/peak-memory.e2e.test.ts': 60,
  'test/server/prefix.e2e.test.ts': 55,
  'test/clients/python.e2e.test.ts': 45,
  'test/sources/faults.slow.test.ts': 40,
  'test/contract/cross-surface.slow.test.ts': 40,
  'test/browser/console-history.e2e.test.ts': 40,
  'test/browser/call-ladder.e2e.test.ts': 38,
  'test/sources/simulator.slow.test.ts': 35,
  'test/events/exact.slow.test.ts': 35,
  'test/sources/cluster/jetstream.e2e.test.ts': 35,
};

/** Vitest's order, with the files known to be long moved to the front of their project. */
export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
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
