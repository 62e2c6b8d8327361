import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboard } from '../../src/analytics/dashboard.js';
import { ValidationError } from '../../src/errors.js';
import type { CallUpdate } from '../../src/store/types.js';
import { memoryStore, SCRIPTED_KPIS, scriptedUpdates, T0 } from './scripted.js';

const H = 3_600_000;
const store = memoryStore();

/** Previous period (04:00–08:00): two completed calls (60 s and 30 s of talk) and one failure. */
const previous: CallUpdate[] = [
  { kind: 'started', callId: 'p1', at: T0 - 5 * H, direction: 'outbound', channel: 'sip' },
  { kind: 'answered', callId: 'p1', at: T0 - 5 * H + 5000 },
  { kind: 'ended', callId: 'p1', at: T0 - 5 * H + 65_000, sipCode: 200 },
  { kind: 'started', callId: 'p2', at: T0 - 5 * H + 600_000, direction: 'inbound', channel: 'sip' },
  { kind: 'answered', callId: 'p2', at: T0 - 5 * H + 602_000 },
  { kind: 'ended', callId: 'p2', at: T0 - 5 * H + 632_000 },
  { kind: 'started', callId: 'p3', at: T0 - 4 * H, direction: 'outbound', channel: 'sip' },
  { kind: 'ended', callId: 'p3', at: T0 - 4 * H + 1000, sipCode: 503 },
];

beforeAll(async () => {
  await store.applyBatch([...scriptedUpdates(), ...previous]);
});
afterAll(() => store.close());

describe('dashboard', () => {
  it('gives exact totals, deltas, KPIs, breakdowns, durations and an hourly series', async () => {
    const d = await dashboard(store, { from: T0 - 2 * H, to: T0 + 2 * H });
    expect(d.period).toEqual({
      from: T0 - 2 * H,
      to: T0 + 2 * H,
      start: new Date(T0 - 2 * H).toISOString(),
      end: new Date(T0 + 2 * H).toISOString(),
    });
    expect(d.previousPeriod).toEqual({ from: T0 - 6 * H, to: T0 - 2 * H });
    expect(d.totals).toEqual({
      calls: { value: 14, previous: 3, delta: 11, deltaPercent: 366.67 },
      completed: { value: 4, previous: 2, delta: 2, deltaPercent: 100 },
      // Failed attempts: c14's 401 challenge is not an attempt (RFC 6076).
      failed: { value: 8, previous: 1, delta: 7, deltaPercent: 700 },
      answered: { value: 4, previous: 2, delta: 2, deltaPercent: 100 },
      active: { value: 1, previous: 0, delta: 1, deltaPercent: null },
      talkMinutes: { value: 5, previous: 1.5, delta: 3.5, deltaPercent: 233.33 },
    });
    expect(d.kpis).toEqual(SCRIPTED_KPIS);
    // Previous: 3 SIP attempts, p1/p2 answered (p2 without a code counts as 200), p3 503.
    expect(d.previousKpis).toEqual({
      asr: 66.67,
      ner: 66.67,
      ser: 66.67,
      seer: 66.67,
      isa: 33.33,
      acdSeconds: 45,
      pddMs: null,
      successRate: 66.67,
      transcriptRate: 0,
    });
    expect(d.byStatus).toEqual({
      completed: 4,
      failed: 4,
      busy: 2,
      no_answer: 1,
      cancelled: 1,
      timeout: 1,
      active: 1,
    });
    expect(d.byDirection).toEqual({ outbound: 12, inbound: 2 });
    expect(d.byChannel).toEqual({ sip: 12, gsm: 2 });
    expect(d.byTrunk).toEqual({ 'carrier-a': 12, 'modem-1': 2 });
    expect(d.byFailureReason).toEqual({
      busy: 2,
      no_answer: 1,
      network_error: 1,
      timeout: 1,
      other: 1,
      cancelled: 1,
      rejected: 1,
      auth: 1,
    });
    // Durations of answered calls: 35, 70, 94, 128 s; percentiles interpolate like percentile_cont:
    // p50 at rank 1.5 -> 82; p95 at 2.85 -> 94 + 0.85 * 34 = 122.9; p99 at 2.97 -> 126.98.
    expect(d.duration).toEqual({
      count: 4,
      avg: 81.75,
      min: 35,
      max: 128,
      p50: 82,
      p95: 122.9,
      p99: 126.98,
      total_seconds: 327,
    });
    expect(d.media).toEqual({ count: 2, mosAvg: 3.75, jitterMsAvg: 15, lossPercentAvg: 1.5 });
    expect(d.transcriptRate).toBe(14.29);
    expect(d.bucket).toBe('hour');
    expect(d.series.map((p) => [p.start, p.total])).toEqual([
      [T0 - 2 * H, 0],
      [T0 - H, 0],
      [T0, 14],
      [T0 + H, 0],
    ]);
    expect(d.series[2]).toMatchObject({ answered: 4, successRate: 33.33, avgDurationSeconds: 81.75 });
    expect(d.series[0]).toMatchObject({ successRate: null, avgDurationSeconds: null });
    expect(d.definitions.asr).toContain('E.411');
  });

  it('narrows by trunk and switches to daily buckets for long periods', async () => {
    const d = await dashboard(store, { from: T0, to: T0 + H, trunk: 'modem-1' });
    expect(d.totals.calls.value).toBe(2);
    expect(d.kpis.asr).toBe(50);
    const long = await dashboard(store, { from: T0 - 9 * 24 * H, to: T0 + 24 * H });
    expect(long.bucket).toBe('day');
    expect(long.series).toHaveLength(11); // 6 Jan (partial) .. 16 Jan (partial)
    expect(long.series.reduce((n, p) => n + p.total, 0)).toBe(17);
  });

  it('rejects an empty or inverted period', async () => {
    await expect(dashboard(store, { from: T0, to: T0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(dashboard(store, { from: T0, to: T0 - 1 })).rejects.toMatchObject({
      code: 'ST_ANALYTICS_INVALID_RANGE',
    });
  });
});
