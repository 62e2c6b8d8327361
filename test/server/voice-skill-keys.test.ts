/**
 * The openai-voice-skill guide's own examples (docs/OBSERVABILITY.md of openai-voice-skill, the seed
 * `001_*` in /work/shared/seeds; quoted below as the guide prints them) against sidetone's routes:
 * every key the guide shows is there, with the guide's meaning, computed with its formulas from the
 * guide's own figures (142 calls: 134 completed, 5 failed, 2 timeout, 1 cancelled; 45 inbound,
 * 97 outbound; 138 with a transcript).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndStatus } from '../../src/domain/records.js';
import { createApp } from '../../src/http/app.js';
import { mountAnalytics } from '../../src/server/analytics-routes.js';
import { openSqliteCallStore } from '../../src/store/index.js';
import type { CallUpdate } from '../../src/store/types.js';

const NOW = Date.UTC(2026, 1, 6, 10, 30);
const MIN = 60_000;
const DAY = 86_400_000;

// The guide's `GET /metrics/dashboard` example, as printed (its `"hourly": [...]` elided there).
const GUIDE_DASHBOARD = {
  generated_at: '2026-02-06T10:30:00.000Z',
  period: { start: '2026-02-05T10:30:00.000Z', end: '2026-02-06T10:30:00.000Z' },
  summary: {
    total_calls: 142,
    total_calls_delta: 15.2,
    success_rate: 94.4,
    success_rate_delta: 2.1,
    avg_duration: 67.3,
    avg_duration_delta: -5.2,
    active_now: 2,
  },
  breakdown: {
    by_status: { completed: 134, failed: 5, timeout: 2, cancelled: 1, active: 0 },
    by_type: { inbound: 45, outbound: 97 },
    // A map of reason -> calls: its keys are the reasons seen (the guide's run saw only `unknown`).
    failure_reasons: {},
  },
  duration: { avg: 67.3, min: 12.1, max: 245.8, p50: 55.2, p95: 145.3, p99: 210.5, total_seconds: 9018 },
  transcript: { calls_with_transcript: 138, transcript_rate: 97.2 },
  timeseries: { hourly: [] as unknown[] },
};
// `GET /metrics/failures?limit=10`, `/metrics/hourly?hours=24`, `/metrics/daily?days=30`.
const GUIDE_FAILURES = {
  failures: [
    {
      call_id: 'abc123',
      call_type: 'outbound',
      caller_number: '+14402915517',
      callee_number: '+1234567890',
      started_at: '2026-02-06T10:15:00',
      ended_at: '2026-02-06T10:15:30',
      duration_seconds: 30.5,
      status: 'failed',
      failure_reason: 'unknown',
    },
  ],
  count: 1,
};
const GUIDE_HOURLY = {
  timeseries: [{ hour: '2026-02-06T09:00:00Z', total: 5, completed: 5, failed: 0, avg_duration: 42.3 }],
  hours: 24,
};
const GUIDE_DAILY = {
  timeseries: [
    { date: '2026-02-05', total: 45, completed: 43, failed: 2, avg_duration: 58.7, success_rate: 95.6 },
  ],
  days: 30,
};

/** Every key of `want` is in `got`, recursively (first element of arrays); returns the missing paths. */
function missing(want: unknown, got: unknown, path = '$'): string[] {
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return [path];
    return want.length > 0 && got.length > 0 ? missing(want[0], got[0], `${path}[0]`) : [];
  }
  if (want === null || typeof want !== 'object') return [];
  if (got === null || typeof got !== 'object') return [path];
  return Object.entries(want).flatMap(([k, v]) =>
    Object.hasOwn(got, k)
      ? missing(v, (got as Record<string, unknown>)[k], `${path}.${k}`)
      : [`${path}.${k}`],
  );
}

const started = (callId: string, at: number, inbound: boolean): CallUpdate => ({
  kind: 'started',
  callId,
  at,
  direction: inbound ? 'inbound' : 'outbound',
  channel: 'sip',
  from: '+14402915517',
  to: '+1234567890',
});

/** The guide's period: 142 calls over the last day, with its status, direction and transcript mix. */
function guideCalls(): CallUpdate[] {
  const out: CallUpdate[] = [];
  const statuses: EndStatus[] = [
    ...Array<EndStatus>(134).fill('completed'),
    ...Array<EndStatus>(5).fill('failed'),
    ...Array<EndStatus>(2).fill('timeout'),
    'cancelled',
  ];
  statuses.forEach((status, i) => {
    const callId = `call-${i}`;
    const at = NOW - 23 * 3_600_000 + i * 9 * MIN;
    out.push(started(callId, at, i < 45));
    if (status === 'completed') out.push({ kind: 'answered', callId, at: at + 2000 });
    // 138 transcripts: every completed call and 4 of the others (the guide's counts say no more).
    if (status === 'completed' || i < 138) out.push({ kind: 'transcript', callId, at: at + 60_000 });
    out.push({ kind: 'ended', callId, at: at + 62_000, status });
  });
  return out;
}

async function appOver(updates: CallUpdate[]) {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-voice-skill-'));
  const store = await openSqliteCallStore({
    path: join(dir, 'v.db'),
    privacy: { hashKey: 'voice-skill-hash-key-0123', storeRaw: false },
  });
  await store.applyBatch(updates);
  const app = createApp({});
  mountAnalytics(app, store, { now: () => NOW });
  const get = async (path: string) => {
    const res = await app.fetch(new Request(`http://localhost${path}`));
    return {
      res,
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
    };
  };
  const close = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { get, close };
}

describe("the voice-skill guide's examples", () => {
  let guide: Awaited<ReturnType<typeof appOver>>;
  beforeAll(async () => {
    guide = await appOver(guideCalls());
  });
  afterAll(() => guide.close());

  it('dashboard: every key of the guide, and its figures from its 142 calls', async () => {
    const { body } = await guide.get('/metrics/dashboard');
    const d = body as typeof GUIDE_DASHBOARD & { kpis: { transcriptRate: number } };
    expect(missing(GUIDE_DASHBOARD, d)).toEqual([]);
    expect(d.generated_at).toBe(GUIDE_DASHBOARD.generated_at);
    expect(d.period).toMatchObject(GUIDE_DASHBOARD.period);
    expect(d.summary.total_calls).toBe(142);
    expect(d.summary.success_rate).toBe(94.4); // 134 / 142
    expect(d.transcript).toEqual({ calls_with_transcript: 138, transcript_rate: 97.2 }); // 138 / 142
    expect(d.kpis.transcriptRate).toBe(97.18); // the same formula to 0.01
    expect(d.breakdown.by_status).toMatchObject(GUIDE_DASHBOARD.breakdown.by_status);
    expect(d.breakdown.by_type).toEqual({ inbound: 45, outbound: 97 });
    const reasons = Object.values(d.breakdown.failure_reasons as Record<string, number>);
    expect(reasons.reduce((n, x) => n + x, 0)).toBe(8);
    expect(d.summary.active_now).toBe(0);
    // Nothing the day before: changes against nothing are unknown, not 100 %.
    expect(d.summary.total_calls_delta).toBeNull();
    expect(d.duration.total_seconds).toBe(134 * 62);
    const hours = d.timeseries.hourly as Array<{ hour: string; total: number }>;
    expect(hours.reduce((n, h) => n + h.total, 0)).toBe(142);
    expect(hours.at(-1)?.hour).toBe('2026-02-06T10:00:00Z');
    expect(missing(GUIDE_HOURLY.timeseries, hours)).toEqual([]);
  });

  it('transcript rate of two calls, one with a transcript and one failed, is 50 (not 100)', async () => {
    const two = await appOver([
      started('t-1', NOW - 10 * MIN, false),
      { kind: 'answered', callId: 't-1', at: NOW - 10 * MIN + 1000 },
      { kind: 'transcript', callId: 't-1', at: NOW - 9 * MIN },
      { kind: 'ended', callId: 't-1', at: NOW - 9 * MIN },
      started('t-2', NOW - 8 * MIN, false),
      { kind: 'ended', callId: 't-2', at: NOW - 8 * MIN + 500, sipCode: 500 },
    ]);
    const { body } = await two.get('/metrics/dashboard');
    const d = body as typeof GUIDE_DASHBOARD & { kpis: { transcriptRate: number }; transcriptRate: number };
    expect(d.transcript).toEqual({ calls_with_transcript: 1, transcript_rate: 50 });
    expect([d.kpis.transcriptRate, d.transcriptRate]).toEqual([50, 50]);
    await two.close();
  });

  it('failures: every key of the guide, the call id as privacy shows it, numbers masked', async () => {
    const { body } = await guide.get('/metrics/failures?limit=10');
    const f = body as typeof GUIDE_FAILURES;
    expect(missing(GUIDE_FAILURES, f)).toEqual([]);
    expect(f.count).toBe(f.failures.length);
    expect(f.count).toBe(8); // 5 failed, 2 timeout, 1 cancelled
    const row = f.failures.find((r) => r.status === 'failed') as (typeof f.failures)[0] & { callId: string };
    expect(row).toMatchObject({ call_type: 'outbound', caller_number: '+1440***5517', duration_seconds: 62 });
    // The id as the privacy setting shows it (hashed unless revealed): the same as sidetone's callId.
    expect(row.call_id).toBe(row.callId);
    expect(row?.started_at).toMatch(/^2026-02-0[56]T\d\d:\d\d:00\.000Z$/);
    // The classifier's reason, under the guide's name (`unknown` only when there is none).
    for (const r of f.failures as unknown as Array<{ failure_reason: string; reason: string | null }>)
      expect(r.failure_reason).toBe(r.reason ?? 'unknown');
  });

  it('hourly and daily: the guide keys beside the series', async () => {
    const h = (await guide.get('/metrics/hourly?hours=24')).body as typeof GUIDE_HOURLY & {
      series: unknown[];
    };
    expect(missing(GUIDE_HOURLY, h)).toEqual([]);
    expect(h.hours).toBe(24);
    expect(h.timeseries).toHaveLength(h.series.length);
    const d = (await guide.get('/metrics/daily?days=30')).body as typeof GUIDE_DAILY;
    expect(missing(GUIDE_DAILY, d)).toEqual([]);
    expect(d.days).toBe(30);
    const total = d.timeseries.reduce((n, x) => n + x.total, 0);
    const done = d.timeseries.reduce((n, x) => n + x.completed, 0);
    const failed = d.timeseries.reduce((n, x) => n + x.failed, 0);
    expect([total, done, failed]).toEqual([142, 134, 7]); // failed or timed out; cancelled is not a failure
  });

  it('export: JSON of the last 30 days when asked for nothing else (the guide: json, 30)', async () => {
    const old = await appOver([
      started('d-20', NOW - 20 * DAY, true),
      { kind: 'ended', callId: 'd-20', at: NOW - 20 * DAY + 1000, sipCode: 486 },
      started('d-40', NOW - 40 * DAY, true),
      { kind: 'ended', callId: 'd-40', at: NOW - 40 * DAY + 1000, sipCode: 486 },
    ]);
    const { res, body } = await old.get('/metrics/export');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((body as Array<{ started_at: string }>).map((r) => r.started_at)).toEqual([
      new Date(NOW - 20 * DAY).toISOString(),
    ]);
    await old.close();
  });
});
