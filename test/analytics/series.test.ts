import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketStart, daily, hourly } from '../../src/analytics/series.js';
import { ValidationError } from '../../src/errors.js';
import { memoryStore, scriptedUpdates, T0 } from './scripted.js';

const H = 3_600_000;
const D = 24 * H;
const store = memoryStore();

beforeAll(async () => {
  await store.applyBatch([
    ...scriptedUpdates(),
    // One completed call at 12:15 (61 s) and one failed call just before midnight two days earlier.
    { kind: 'started', callId: 'x1', at: T0 + 2 * H + 900_000, direction: 'inbound', channel: 'webrtc' },
    { kind: 'answered', callId: 'x1', at: T0 + 2 * H + 901_000 },
    { kind: 'ended', callId: 'x1', at: T0 + 2 * H + 961_000 },
    {
      kind: 'started',
      callId: 'x2',
      at: Date.UTC(2024, 0, 13, 23, 59, 59, 999),
      direction: 'inbound',
      channel: 'sip',
    },
    { kind: 'ended', callId: 'x2', at: Date.UTC(2024, 0, 14, 0, 0, 1), sipCode: 404 },
  ]);
});
afterAll(() => store.close());

describe('hourly and daily series', () => {
  it('returns every hour up to the current one, empty hours filled', async () => {
    const points = await hourly(store, { hours: 6, now: T0 + 3 * H + 1_800_000 });
    expect(points.map((p) => (p.start - T0) / H)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(points.map((p) => p.total)).toEqual([0, 0, 14, 0, 1, 0]);
    expect(points[2]).toEqual({
      start: T0,
      total: 14,
      byStatus: { completed: 4, failed: 4, busy: 2, no_answer: 1, cancelled: 1, timeout: 1, active: 1 },
      answered: 4,
      // c14's 401 is a challenge, not an attempt: 4 completed of 12 attempts (scripted.ts).
      successRate: 33.33,
      kpis: { asr: 33.33, ner: 66.67, ser: 33.33, seer: 66.67, isa: 20 },
      avgDurationSeconds: 81.75,
    });
    expect(points[4]).toMatchObject({ answered: 1, successRate: 100, avgDurationSeconds: 61 });
    expect(points[0]).toEqual({
      start: T0 - 2 * H,
      total: 0,
      byStatus: { completed: 0, failed: 0, busy: 0, no_answer: 0, cancelled: 0, timeout: 0, active: 0 },
      answered: 0,
      successRate: null,
      kpis: { asr: null, ner: null, ser: null, seer: null, isa: null },
      avgDurationSeconds: null,
    });
  });

  it('returns UTC days, a call filed by its first event (23:59:59.999 stays on its day)', async () => {
    const points = await daily(store, { days: 4, now: T0 });
    expect(points.map((p) => new Date(p.start).toISOString().slice(0, 10))).toEqual([
      '2024-01-12',
      '2024-01-13',
      '2024-01-14',
      '2024-01-15',
    ]);
    expect(points.map((p) => p.total)).toEqual([0, 1, 0, 15]);
    expect(points[1]).toMatchObject({ byStatus: { failed: 1 }, successRate: 0, avgDurationSeconds: null });
    // 5 completed of 13 attempts (15 calls: 1 active, 1 challenged).
    expect(points[3]).toMatchObject({ answered: 5, successRate: 38.46 });
  });

  it('filters by channel and direction', async () => {
    const points = await hourly(store, { hours: 1, now: T0 + 2 * H, channel: 'webrtc' });
    expect(points.map((p) => p.total)).toEqual([1]);
    const inbound = await daily(store, { days: 1, now: T0, direction: 'inbound' });
    expect(inbound[0]!.total).toBe(3);
  });

  it('validates windows and aligns buckets to UTC', async () => {
    await expect(hourly(store, { hours: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(daily(store, { days: 1.5 })).rejects.toMatchObject({ code: 'ST_ANALYTICS_INVALID_WINDOW' });
    await expect(hourly(store, { hours: 20_000 })).rejects.toBeInstanceOf(ValidationError);
    expect(bucketStart(T0 + 59 * 60_000, 'hour')).toBe(T0);
    expect(bucketStart(T0, 'day')).toBe(Date.UTC(2024, 0, 15));
    expect(D).toBe(86_400_000);
  });
});
