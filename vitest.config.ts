import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { ISOLATED } from './test/setup/isolated.js';
import { LongestFirst } from './test/setup/sequencer.js';
import { timeFactor } from './test/setup/time-factor.js';

/**
 * Two suites in one runner (README.md, Development):
 * - `unit`: no process, no server of its own, no real clock; files in parallel on threads. The
 *   inner loop: `npm run test:unit`. test/setup/unit.ts refuses to start a process there. Not
 *   isolated per file: a worker keeps its module cache from file to file, which cut the run's
 *   import time (issue 48; figures in README.md, Development); test/setup/unit.ts fails a file that
 *   leaves the clock's globals replaced. The few files that mock a module
 *   (test/setup/isolated.ts) run isolated, in `unit-isolated`.
 * - `e2e`: real servers and processes (`*.e2e.test.ts`) and the long property suites
 *   (`*.slow.test.ts`), on forks. They mostly wait on other processes, so more run at once than
 *   there are cores; the shared servers (PostgreSQL, Chromium, Prometheus, Alertmanager) start once per run
 *   (test/setup/e2e-global.ts). Files whose verdict depends on wall-clock timing run after them,
 *   so the e2e files' load is not in their figure:
 *   - `e2e-timed` (`*.timed.e2e.test.ts`): replays at the pace they were captured, each a core's
 *     worth of work or less: modem transcripts at the modem's pace (failed 1 run in 3 beside the
 *     e2e files before issue 47 too), the cluster's 500 Kamailio calls to three members, one
 *     SIGKILLed (lost calls beside the HEP lab in a full run), a real LiveKit agent's turns. Two at
 *     once on 2 cores: the phase took 135 s one at a time with the cores 50-94 % idle (run 35).
 *   - `e2e-alone` (`*.alone.e2e.test.ts`): liveness under a held lock or 20 exports, and a SIGKILL
 *     timed to land mid-transaction, which missed the transaction beside the transcripts (issue 48:
 *     0 of 3 kills inside one). One at a time, last.
 * Every timeout is scaled by SIDETONE_TEST_TIME_FACTOR (test/setup/time-factor.ts) on slow machines.
 */
const f = timeFactor();
export default defineConfig({
  test: {
    testTimeout: 30_000 * f,
    hookTimeout: 60_000 * f,
    setupFiles: ['test/setup/fast-check.ts'],
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.e2e.test.ts', 'test/**/*.slow.test.ts', ...ISOLATED],
          pool: 'threads',
          isolate: false,
          // Vitest's default is one worker fewer than the cores: one thread on a 2-core machine,
          // which left a core idle for most of the unit suite.
          maxWorkers: availableParallelism(),
          setupFiles: ['test/setup/unit.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'unit-isolated',
          include: [...ISOLATED],
          pool: 'threads',
          // The same group as `unit` (its files run beside them), so the same worker count.
          maxWorkers: availableParallelism(),
          setupFiles: ['test/setup/unit.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.e2e.test.ts', 'test/**/*.slow.test.ts'],
          exclude: ['test/**/*.timed.e2e.test.ts', 'test/**/*.alone.e2e.test.ts'],
          pool: 'forks',
          // Measured on 2 cores: these files wait on servers much of the time. Four left the cores
          // 12-27 % idle in the project's first five minutes (vmstat, run 27); five filled them (0-6 %)
          // but the span did not fall (630, 696 and 723 s in runs 28, 29 and 31, against 654-725 s
          // with four): the waiting files' demos, pages and pollers ran longer and used the gain.
          maxWorkers: 4,
          globalSetup: ['test/setup/e2e-global.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-timed',
          include: ['test/**/*.timed.e2e.test.ts'],
          pool: 'forks',
          maxWorkers: 2,
          // The cluster's Kamailio replay stores in the shared PostgreSQL: the e2e project's servers,
          // which vitest keeps until the whole run ends (test/setup/e2e-global.ts starts one set for
          // every project that names it).
          globalSetup: ['test/setup/e2e-global.ts'],
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e-alone',
          include: ['test/**/*.alone.e2e.test.ts'],
          pool: 'forks',
          maxWorkers: 1,
          globalSetup: ['test/setup/e2e-global.ts'],
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
