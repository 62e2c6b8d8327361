import { expect, it } from 'vitest';
import { timeFactor } from '../setup/time-factor.js';
import { firedExpr, keepRuleInputs, MIN, promtoolRules, simulateDemo } from './simulated.js';

/**
 * The healthy demo over a day of virtual time, as `npm start` backfills it, through the shipped
 * rules in the real `promtool test rules` (./simulated.ts): no alert fires at any evaluation.
 * Its own file, so it runs beside the scenarios (promtool evaluates the 1-day KPI windows
 * 1,440 times: most of this file's minute or two).
 */
it(
  'a day of the healthy demo fires no alert',
  async () => {
    const run = await simulateDemo({ hours: 24, keep: keepRuleInputs });
    expect(run.at.at(-1)).toBe(24 * 60 * MIN);
    const r = promtoolRules('healthy', run, 'healthy:9464', [
      { expr: firedExpr(24 * 60), at: 24 * 60, samples: [] },
    ]);
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
    // The input held the families the rules read from the packs: not an empty day.
    expect(r.series).toBeGreaterThan(100);
  },
  600_000 * timeFactor(),
);
