import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/http/app.js';
import { mountAnalytics } from '../../src/server/analytics-routes.js';
import { openSqliteCallStore, type SqliteCallStore } from '../../src/store/index.js';
import { recordIds } from '../../src/store/privacy.js';

const TOKEN = 'analytics-token-0123456789';
const ADMIN = 'analytics-admin-0123456789';
const NOW = Date.UTC(2026, 10, 21, 12, 30);
const MIN = 60_000;

/** A store with three calls of the last hour on trunk-a and a zombie started ten hours ago. */
async function analyticsFixture(dir: string): Promise<{ store: SqliteCallStore; app: App }> {
  const store = await openSqliteCallStore({
    path: join(dir, 'a.db'),
    privacy: { hashKey: 'analytics-hash-key-0123', storeRaw: false },
  });
  const call = (id: string, at: number, end: object) => [
    {
      kind: 'started' as const,
      callId: id,
      at,
      direction: 'outbound' as const,
      channel: 'sip' as const,
      trunk: 'trunk-a',
      to: '+15551234567',
    },
    { kind: 'ended' as const, callId: id, at: at + 30_000, ...end },
  ];
  await store.applyBatch([
    ...call('ok1', NOW - 50 * MIN, {}),
    { kind: 'answered', callId: 'ok1', at: NOW - 50 * MIN + 5000 },
    ...call('busy1', NOW - 40 * MIN, { sipCode: 486 }),
    ...call('fail1', NOW - 30 * MIN, { sipCode: 503 }),
    { kind: 'started', callId: 'zombie', at: NOW - 10 * 3_600_000, direction: 'inbound', channel: 'sip' },
  ]);
  const app = createApp({ auth: { scrape: { tokens: [TOKEN] }, admin: { tokens: [ADMIN] } } });
  mountAnalytics(app, store, { now: () => NOW, health: { maxActiveSeconds: 3600 } });
  return { store, app };
}

const request = (app: App, path: string, token: string | null = TOKEN, method = 'GET') =>
  app.fetch(
    new Request(`http://localhost${path}`, {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    }),
  );

// The reads share one store and change nothing; the cleanup, which closes the zombie, has its own
// (the reads pass in any order: --sequence.shuffle).
describe('analytics routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-analytics-'));
  let store: SqliteCallStore;
  let app: App;

  beforeAll(async () => {
    ({ store, app } = await analyticsFixture(dir));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, token: string | null = TOKEN, method = 'GET') =>
    request(app, path, token, method);

  it('dashboard: totals and KPIs of the period', async () => {
    const res = await get('/metrics/dashboard?hours=1');
    expect(res.status).toBe(200);
    const d = (await res.json()) as { totals: { calls: { value: number } }; kpis: { asr: number | null } };
    expect(d.totals.calls.value).toBe(3);
    expect(d.kpis.asr).toBeCloseTo(33.33, 1);
  });

  it('trunks: the dashboard KPIs narrowed to each trunk, with an hourly ASR trend', async () => {
    const res = await get('/metrics/trunks?hours=1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      bucket: string;
      trunks: Array<{ trunk: string; calls: number; kpis: { asr: number }; asrTrend: unknown[] }>;
    };
    expect(body.bucket).toBe('hour');
    expect(body.trunks.map((t) => [t.trunk, t.calls])).toEqual([['trunk-a', 3]]);
    // One truth: the same number the dashboard route gives for that trunk.
    const dash = (await (await get('/metrics/dashboard?hours=1&trunk=trunk-a')).json()) as {
      kpis: { asr: number };
    };
    expect(body.trunks[0]?.kpis).toEqual(dash.kpis);
    expect(body.trunks[0]?.asrTrend.length).toBeGreaterThanOrEqual(1);
    expect((await get('/metrics/trunks?weeks=1')).status).toBe(400);
  });

  it('sms: the SMS summary of the period', async () => {
    const res = await get('/metrics/sms?days=1');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ total: 0, deliveryRate: null });
  });

  it('failures: newest first, numbers masked', async () => {
    const body = (await (await get('/metrics/failures?limit=5')).json()) as {
      failures: Array<{ callId: string; to: string; sipCode: number }>;
    };
    const cid = recordIds({ hashKey: 'analytics-hash-key-0123', storeRaw: false }, 'cid');
    expect(body.failures.map((f) => f.callId)).toEqual(['fail1', 'busy1'].map(cid));
    expect(body.failures[0]?.to).toBe('+1555***4567');
  });

  it('hourly and daily series fill empty buckets', async () => {
    const h = (await (await get('/metrics/hourly?hours=3')).json()) as { series: Array<{ total: number }> };
    // Calls at 11:40 and 11:50 fall in the 11:00 bucket, the 12:00 one in the current hour.
    expect(h.series.map((p) => p.total)).toEqual([0, 2, 1]);
    const d = (await (await get('/metrics/daily?days=2')).json()) as { series: unknown[] };
    expect(d.series).toHaveLength(2);
  });

  it('export streams CSV with a header and masked numbers, or JSON', async () => {
    const res = await get('/metrics/export?format=csv&days=1');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="calls-2026-11-21.csv"');
    const lines = (await res.text()).trim().split('\r\n');
    // Header plus four calls: the three of the last hour and the zombie started ten hours ago.
    expect(lines).toHaveLength(5);
    expect(lines.slice(1).join()).not.toContain('5551234567');
    const json = (await (await get('/metrics/export?format=json&days=1')).json()) as unknown[];
    expect(json).toHaveLength(4);
  });

  it('health: warnings include the zombie call', async () => {
    const h = (await (await get('/metrics/health')).json()) as { warnings: Array<{ code: string }> };
    expect(h.warnings.map((w) => w.code)).toContain('zombie_calls');
  });

  it.each([
    ['/metrics/failures?limit=abc', 'limit'],
    ['/metrics/failures?limit=0', 'limit'],
    ['/metrics/export?format=xml', 'format'],
    ['/metrics/hourly?hours=-1', 'hours'],
    ['/metrics/daily?days=99999', 'days'],
    ['/metrics/dashboard?weeks=2', 'weeks'],
  ])('%s is a 400 naming %s', async (path, param) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    const body = (await res.json()) as {
      error: { code: string; message: string; issues: Array<{ path: string }> };
    };
    expect(body.error.code).toBe('ST_INVALID_QUERY');
    expect(body.error.issues[0]?.path).toBe(param);
    expect(body.error.message).toContain(param);
  });

  it('every route needs the scrape token', async () => {
    for (const path of [
      '/metrics/dashboard',
      '/metrics/failures',
      '/metrics/export',
      '/metrics/hourly',
      '/metrics/daily',
      '/metrics/health',
    ]) {
      expect((await get(path, null)).status, path).toBe(401);
      expect((await get(path, 'wrong-token-0123456789')).status, path).toBe(401);
    }
    expect((await get('/calls/cleanup', null, 'POST')).status).toBe(401);
  });
});

describe('POST /calls/cleanup', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-cleanup-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('closes zombie calls as timeout, with an admin token only', async () => {
    const { store, app } = await analyticsFixture(dir);
    try {
      expect((await request(app, '/calls/cleanup', TOKEN, 'POST')).status).toBe(403);
      expect((await store.getCall('zombie'))?.status).toBe('active');
      const res = await request(app, '/calls/cleanup', ADMIN, 'POST');
      expect(await res.json()).toEqual({ closed: 1, maxActiveSeconds: 3600 });
      expect((await store.getCall('zombie'))?.status).toBe('timeout');
    } finally {
      await store.close();
    }
  });
});

describe('/metrics/health for a low-volume agent (the voice-skill contract, issue 47)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-health-low-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A store with `completed` answered calls and `failed` 503s in the last hour, and its app. */
  async function agent(name: string, completed: number, failed: number) {
    const store = await openSqliteCallStore({
      path: join(dir, `${name}.db`),
      privacy: { hashKey: 'analytics-hash-key-0123', storeRaw: false },
    });
    const updates = Array.from({ length: completed + failed }, (_, i) => {
      const callId = `${name}${i}`;
      const at = NOW - 10 * MIN + i * MIN;
      return [
        { kind: 'started' as const, callId, at, direction: 'inbound' as const, channel: 'sip' as const },
        ...(i < completed ? [{ kind: 'answered' as const, callId, at: at + 2000 }] : []),
        { kind: 'ended' as const, callId, at: at + 30_000, ...(i < completed ? {} : { sipCode: 503 }) },
      ];
    }).flat();
    await store.applyBatch(updates);
    const app = createApp();
    mountAnalytics(app, store, { now: () => NOW });
    const res = await app.fetch(new Request('http://localhost/metrics/health'));
    const body = (await res.json()) as {
      status: string;
      indicators: { success_rate: number; calls_last_hour: number };
      warnings: Array<{ code: string; message: string; value: number; threshold: number }>;
    };
    await store.close();
    return { status: res.status, body };
  }

  it('6 calls at 50 % success: 503 degraded, warning success_rate < 80 %', async () => {
    const h = await agent('half', 3, 3);
    expect(h.status).toBe(503);
    expect(h.body.status).toBe('degraded');
    expect(h.body.indicators).toMatchObject({ success_rate: 50, calls_last_hour: 6 });
    const w = h.body.warnings.find((x) => x.code === 'low_success_rate');
    expect(w).toMatchObject({ value: 50, threshold: 80 });
    expect(w?.message).toContain('success_rate < 80 %');
  });

  it('6 calls at 100 % success: 200 healthy, no warning', async () => {
    const h = await agent('full', 6, 0);
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'healthy', warnings: [] });
  });
});
