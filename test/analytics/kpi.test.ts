/** KPIs computed in SQL over the scripted calls, against the hand-worked values in scripted.ts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KPI_DEFINITIONS, kpisFromStats, percent } from '../../src/analytics/kpi.js';
import type { CallStats } from '../../src/store/types.js';
import { memoryStore, SCRIPTED_KPIS, scriptedUpdates, T0 } from './scripted.js';

const store = memoryStore();
const range = { from: T0, to: T0 + 3_600_000 };
let stats: CallStats;

beforeAll(async () => {
  await store.applyBatch(scriptedUpdates());
  stats = await store.stats(range);
});
afterAll(() => store.close());

describe('KPIs over the scripted calls', () => {
  it('counts what the KPIs need, in SQL', () => {
    expect(stats).toEqual({
      total: 14,
      finished: 12,
      active: 1,
      byStatus: { completed: 4, failed: 4, busy: 2, no_answer: 1, cancelled: 1, timeout: 1, active: 1 },
      byOutcome: {
        answered: 4,
        busy: 2,
        no_answer: 1,
        declined: 1,
        redirected: 1,
        ineffective: 2,
        cancelled: 1,
        failed: 0,
        challenged: 1,
      },
      answered: 4,
      networkEffective: 8,
      sipAttempts: 10,
      sipRedirected: 1,
      sipAnswered: 3,
      sipEffective: 6,
      sipIneffective: 2,
      talkCount: 4,
      talkMsSum: 300_000,
      pddCount: 9,
      pddMsSum: 19_000,
      durationCount: 4,
      durationMsSum: 327_000,
      durationMinMs: 35_000,
      durationMaxMs: 128_000,
      transcripts: 2,
      mediaCount: 2,
      mosAvg: 3.75,
      jitterMsAvg: 15,
      lossPercentAvg: 1.5,
    });
  });

  it('matches the hand-computed KPIs', () => {
    expect(kpisFromStats(stats)).toEqual(SCRIPTED_KPIS);
  });

  it('gives null, not 0, for rates with nothing to divide by', async () => {
    const empty = await store.stats({ from: T0 - 3_600_000, to: T0 });
    expect(kpisFromStats(empty)).toEqual({
      asr: null,
      ner: null,
      ser: null,
      seer: null,
      isa: null,
      acdSeconds: null,
      pddMs: null,
      successRate: null,
      transcriptRate: null,
    });
    // Only GSM calls: carrier KPIs exist, RFC 6076 SIP ones do not.
    const gsm = kpisFromStats(await store.stats({ ...range, channel: 'gsm' }));
    expect(gsm).toMatchObject({ asr: 50, ner: 100, ser: null, seer: null, isa: null, acdSeconds: 90 });
    expect(percent(1, 3)).toBe(33.33);
    expect(percent(0, 0)).toBeNull();
  });

  it('documents every KPI it returns', () => {
    expect(Object.keys(KPI_DEFINITIONS).sort()).toEqual(Object.keys(kpisFromStats(stats)).sort());
    expect(KPI_DEFINITIONS.ner).toContain('E.425');
    expect(KPI_DEFINITIONS.ser).toContain('RFC 6076');
  });
});
