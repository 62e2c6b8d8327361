/**
 * The chaos suite's store scenarios in their bounded form (issue 31), as `npm run chaos` runs them
 * against the built sidecar (`npm test` builds first): PostgreSQL stopped and started under ingest
 * and at start-up, PostgreSQL hung (SIGSTOP), the disk under SQLite full, SIGKILL mid-request,
 * mid-commit and idle. Each drives retrying clients and reads the store back: every acknowledged
 * call and SMS stored exactly once, and what each scenario must hold (no crash, 503 with
 * Retry-After and the cause during an outage, answers within the timeouts).
 */
import { describe, expect, it } from 'vitest';
import { type ChaosResult, loadScenarios, runScenarios, table } from '../../scripts/chaos/runner.mjs';

const SCENARIOS = ['pg-stop', 'pg-hang', 'disk-full', 'sigkill'];

describe('chaos: the store under faults', async () => {
  const scenarios = await loadScenarios(SCENARIOS);
  it('finds every store scenario', () => {
    expect(scenarios.map((s) => s.name).sort()).toEqual([...SCENARIOS].sort());
  });
  for (const scenario of scenarios) {
    it(`${scenario.name}: acknowledged = stored, exactly once`, async () => {
      const result = (await runScenarios([scenario], { full: false }))[0] as ChaosResult;
      console.log(table([result]));
      expect(result.error).toBeUndefined();
      expect(result.figures.skipped).toBeUndefined();
      expect(result.figures.acknowledged).toBeGreaterThan(0);
      expect(result.figures.lost).toBe(0);
      expect(result.figures.doubled).toBe(0);
      expect(result.figures.stored).toBe(result.figures.acknowledged);
    }, 240_000);
  }
});
