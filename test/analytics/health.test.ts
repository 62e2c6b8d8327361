import { afterEach, describe, expect, it } from 'vitest';
import { healthIndicators } from '../../src/analytics/health.js';
import { ValidationError } from '../../src/errors.js';
import type { SqliteCallStore } from '../../src/store/sqlite.js';
import { MIN, memoryStore, scriptedUpdates, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

describe('health indicators', () => {
  it('warns on low success rate, zombie calls and silence', async () => {
    store = memoryStore();
    await store.applyBatch(scriptedUpdates());
    // 10:30: the last call started at 10:13 (17 min ago); c13 has been active since 10:12.
    const h = await healthIndicators(store, {
      now: T0 + 30 * MIN,
      minSuccessRate: 80,
      silenceSeconds: 900,
      maxActiveSeconds: 600,
    });
    expect(h).toMatchObject({
      status: 'warning',
      critical: false,
      successRate: 33.33,
      finishedCalls: 12,
      zombieCalls: 1,
      lastActivityAt: T0 + 13 * MIN,
    });
    expect(h.warnings.map((w) => [w.code, w.value, w.threshold])).toEqual([
      ['low_success_rate', 33.33, 80],
      ['zombie_calls', 1, 600],
      ['no_traffic', 1020, 900],
    ]);
    expect(h.warnings[1]!.message).toContain('POST /calls/cleanup');
  });

  it('is ok when thresholds are met, and quiet about rates from too few calls', async () => {
    store = memoryStore();
    await store.applyBatch(scriptedUpdates());
    const ok = await healthIndicators(store, {
      now: T0 + 30 * MIN,
      minSuccessRate: 30,
      silenceSeconds: 3600,
      maxActiveSeconds: 3600,
    });
    expect(ok).toMatchObject({ status: 'ok', warnings: [] });
    const few = await healthIndicators(store, {
      now: T0 + 30 * MIN,
      minSuccessRate: 80,
      silenceSeconds: 3600,
      maxActiveSeconds: 3600,
      minCalls: 20,
    });
    expect(few.warnings).toEqual([]);
  });

  it('warns that nothing was recorded on an empty store', async () => {
    store = memoryStore();
    const h = await healthIndicators(store, { now: T0 });
    expect(h).toMatchObject({ status: 'warning', successRate: null, zombieCalls: 0, lastActivityAt: null });
    expect(h.warnings).toEqual([
      { code: 'no_traffic', message: 'no call or SMS has been recorded yet', value: null, threshold: 900 },
    ]);
    // SMS traffic counts as activity.
    await store.applySms({ kind: 'received', messageId: 's1', at: T0 - 1000 });
    expect((await healthIndicators(store, { now: T0 })).status).toBe('ok');
    await expect(healthIndicators(store, { silenceSeconds: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(healthIndicators(store, { minSuccessRate: 120 })).rejects.toBeInstanceOf(ValidationError);
  });
});
