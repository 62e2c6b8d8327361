import { afterEach, describe, expect, it } from 'vitest';
import { healthIndicators, healthOptions } from '../../src/analytics/health.js';
import { loadConfig } from '../../src/config/index.js';
import { ValidationError } from '../../src/errors.js';
import type { SqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { MIN, memoryStore, scriptedUpdates, T0 } from './scripted.js';

let store: SqliteCallStore | undefined;
afterEach(() => store?.close());

describe('health indicators', () => {
  it("warns on a trunk's low NER, zombie calls and silence", async () => {
    store = memoryStore();
    await store.applyBatch(scriptedUpdates());
    // 10:14: the last call started at 10:13; c13 has been active since 10:12. carrier-a's 10
    // attempts (c14's 401 is none) have 6 effective (3 answered, 486, 480, 603): NER 60 %.
    const h = await healthIndicators(store, {
      now: T0 + 14 * MIN,
      minNerPercent: 70,
      minAttempts: 5,
      silenceSeconds: 30,
      maxActiveSeconds: 60,
    });
    expect(h).toMatchObject({
      status: 'warning',
      critical: false,
      successRate: 33.33,
      finishedCalls: 12,
      zombieCalls: 1,
      lastActivityAt: T0 + 13 * MIN,
    });
    expect(h.ner).toEqual({
      windowSeconds: 900,
      minPercent: 70,
      minAttempts: 5,
      trunks: [
        { trunk: 'carrier-a', attempts: 10, ner: 60 },
        { trunk: 'modem-1', attempts: 2, ner: 100 },
      ],
    });
    expect(h.warnings.map((w) => [w.code, w.value, w.threshold, w.trunk])).toEqual([
      ['low_ner', 60, 70, 'carrier-a'],
      ['zombie_calls', 1, 60, undefined],
      ['no_traffic', 60, 30, undefined],
    ]);
    expect(h.warnings[0]!.message).toBe(
      'NER on trunk carrier-a over the last 15 min is 60% (10 attempts), below 70% (alerts.ner_min_percent): the network is failing calls',
    );
    expect(h.warnings[1]!.message).toContain('POST /calls/cleanup');
  });

  it('is ok when thresholds are met, quiet about NER from too few attempts, and judges only the last 15 minutes', async () => {
    store = memoryStore();
    await store.applyBatch(scriptedUpdates());
    const quiet = { silenceSeconds: 3600, maxActiveSeconds: 3600 };
    const at14 = { ...quiet, now: T0 + 14 * MIN };
    expect(await healthIndicators(store, { ...at14, minNerPercent: 60, minAttempts: 5 })).toMatchObject({
      status: 'ok',
      warnings: [],
    });
    expect((await healthIndicators(store, { ...at14, minNerPercent: 70, minAttempts: 11 })).warnings).toEqual(
      [],
    );
    // At 10:40 every call is older than 15 minutes: no attempt to judge.
    const later = await healthIndicators(store, { ...quiet, now: T0 + 40 * MIN, minAttempts: 1 });
    expect(later.ner.trunks).toEqual([]);
    expect(later.warnings.map((w) => w.code)).toEqual([]);
  });

  it('counts busy and no answer as effective: a 50 % success rate is healthy; calls of no trunk are `other`', async () => {
    store = memoryStore();
    const codes = [200, 200, 200, 200, 200, 486, 486, 486, 480, 480];
    const updates: CallUpdate[] = codes.flatMap((sipCode, i): CallUpdate[] => {
      const callId = `n${i}`;
      const at = T0 + i * 1000;
      return [
        { kind: 'started', callId, at, direction: 'outbound', channel: 'sip' },
        ...(sipCode === 200 ? [{ kind: 'answered', callId, at: at + 500 } as CallUpdate] : []),
        { kind: 'ended', callId, at: at + 900, sipCode },
      ];
    });
    await store.applyBatch(updates);
    const h = await healthIndicators(store, { now: T0 + MIN, minAttempts: 10 });
    expect(h.successRate).toBe(50);
    expect(h.ner.trunks).toEqual([{ trunk: 'other', attempts: 10, ner: 100 }]);
    expect(h.status).toBe('ok');
  });

  it('takes its thresholds from [alerts], the ones the generated rules use', () => {
    const config = loadConfig({
      env: {},
      flags: { 'alerts.ner_min_percent': 85, 'alerts.kpi_min_attempts': 40, 'store.zombie_max_seconds': 600 },
    });
    expect(healthOptions(config)).toEqual({ minNerPercent: 85, minAttempts: 40, maxActiveSeconds: 600 });
    expect(healthOptions(loadConfig({ env: {} }))).toMatchObject({ minNerPercent: 70, minAttempts: 20 });
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
    await expect(healthIndicators(store, { minNerPercent: 120 })).rejects.toBeInstanceOf(ValidationError);
    await expect(healthIndicators(store, { minAttempts: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
