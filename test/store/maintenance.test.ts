import { afterEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { type MaintenanceResult, runMaintenance, startMaintenance } from '../../src/store/maintenance.js';
import type { CallStore } from '../../src/store/types.js';
import { until } from '../helpers/until.js';
import { tempStore } from './helpers.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 5, 1, 12);

async function seed(store: CallStore) {
  await store.applyBatch([
    { kind: 'started', callId: 'zombie', at: NOW - 5 * 3_600_000, direction: 'inbound', channel: 'sip' },
    { kind: 'started', callId: 'live', at: NOW - 60_000, direction: 'inbound', channel: 'sip' },
    { kind: 'started', callId: 'ancient', at: NOW - 100 * DAY, direction: 'inbound', channel: 'sip' },
    { kind: 'ended', callId: 'ancient', at: NOW - 100 * DAY + 1000, sipCode: 200 },
  ]);
}

describe('maintenance', () => {
  let cleanup = async () => {};
  afterEach(() => cleanup());

  it('runs zombie cleanup and retention on demand', async () => {
    const t = tempStore();
    cleanup = t.remove;
    await seed(t.store);
    const r = await runMaintenance(t.store, {
      maxActiveSeconds: 4 * 3600,
      retentionDays: 90,
      now: () => NOW,
    });
    expect(r).toEqual({ zombiesClosed: 1, deleted: { calls: 1, sms: 0 }, at: NOW });
    expect((await t.store.getCall('zombie'))!.status).toBe('timeout');
    expect((await t.store.getCall('live'))!.status).toBe('active');
    expect(await t.store.getCall('ancient')).toBeUndefined();
    // Nothing configured, nothing done.
    expect(await runMaintenance(t.store, { now: () => NOW })).toEqual({
      zombiesClosed: 0,
      deleted: { calls: 0, sms: 0 },
      at: NOW,
    });
  });

  it('runs periodically until stopped, with an unref()ed timer', async () => {
    const t = tempStore();
    cleanup = t.remove;
    await seed(t.store);
    const runs: MaintenanceResult[] = [];
    const stop = startMaintenance(t.store, {
      intervalMs: 20,
      maxActiveSeconds: 4 * 3600,
      retentionDays: 90,
      now: () => NOW,
      onRun: (r) => runs.push(r),
    });
    await until(() => runs.length >= 2, 'two maintenance runs', { everyMs: 5 });
    await stop();
    const count = runs.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(runs[0]).toMatchObject({ zombiesClosed: 1, deleted: { calls: 1 } });
    expect(runs[1]).toMatchObject({ zombiesClosed: 0, deleted: { calls: 0 } });
    // Three intervals with no run after stop(): a fixed window, as it proves that none comes.
    await new Promise((r) => setTimeout(r, 60));
    expect(runs.length).toBe(count);
  });

  it('reports failures to onError and keeps going', async () => {
    const t = tempStore();
    cleanup = t.remove;
    const errors: unknown[] = [];
    const stop = startMaintenance(t.store, {
      intervalMs: 15,
      maxActiveSeconds: 3600,
      runNow: true,
      onError: (e) => errors.push(e),
    });
    await t.store.close(); // every run now fails with ST_STORE_CLOSED
    await until(() => errors.length >= 2, 'two failed runs', { everyMs: 5 });
    await stop();
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toMatchObject({ code: 'ST_STORE_CLOSED' });
  });

  it('validates the interval', () => {
    const fake = {} as CallStore;
    expect(() => startMaintenance(fake, { intervalMs: 0 })).toThrow(ValidationError);
  });
});
