/**
 * End-to-end B2BUA calls on every read surface (issue 53): with the legs linked
 * (`hep.leg_correlation` set, so `call.started` carries `endToEndId`), the call list shows one row
 * per end-to-end call with each leg reachable, and the dashboard's end-to-end ASR and PDD are the
 * same through the API and the CLI (one fold, analytics/kpi.ts endToEndKpis, over the domain's
 * verdicts). With the correlation unset the same legs are two records each, as before.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListRow } from '../../src/analytics/call-list.js';
import type { CallView } from '../../src/analytics/export.js';
import type { Dashboard } from '../../src/analytics/index.js';
import type { LiveState } from '../../src/analytics/problems.js';
import { createApp } from '../../src/http/app.js';
import { mountAnalytics } from '../../src/server/analytics-routes.js';
import { mountConsoleApi } from '../../src/server/console-routes.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { HASH_KEY, run, tempDir } from '../cli/helpers.js';

interface Leg {
  ring?: number;
  code?: number;
}

/**
 * A B2BUA call: A (inbound on `trunk-a`), and B (outbound on `trunk-b`, 20 ms later) unless
 * absent; `linked`: each leg's call.started carries the key (A's Call-ID, as `X-CID` gives it).
 */
function call(key: string, at: number, linked: boolean, a: Leg, b?: Leg): CallUpdate[] {
  const leg = (id: string, t: number, direction: 'inbound' | 'outbound', l: Leg): CallUpdate[] => {
    const u: CallUpdate[] = [
      {
        kind: 'started',
        callId: id,
        at: t,
        direction,
        channel: 'sip',
        trunk: direction === 'inbound' ? 'trunk-a' : 'trunk-b',
        ...(linked && { endToEndId: key }),
      },
    ];
    if (l.ring !== undefined) u.push({ kind: 'ringing', callId: id, at: t + l.ring });
    if (l.code === 200) u.push({ kind: 'answered', callId: id, at: t + 2000 });
    if (l.code !== undefined) u.push({ kind: 'ended', callId: id, at: t + 9000, sipCode: l.code });
    return u;
  };
  return [...leg(key, at, 'inbound', a), ...(b === undefined ? [] : leg(`${key}-b`, at + 20, 'outbound', b))];
}

/** Four end-to-end calls (three with a B leg) in the last 20 minutes. */
function calls(now: number, linked: boolean): CallUpdate[] {
  const t = now - 20 * 60_000;
  return [
    ...call('e2e-answered', t, linked, { ring: 400, code: 200 }, { ring: 300, code: 200 }),
    // The far side was busy: busy end to end, failed on B; the caller's PDD is A's.
    ...call('e2e-busy', t + 60_000, linked, { ring: 800, code: 486 }, { ring: 700, code: 486 }),
    // The B2BUA failed the caller though B answered: failed on A, A never rang.
    ...call('e2e-a-failed', t + 120_000, linked, { code: 503 }, { ring: 100, code: 200 }),
    // No B leg (the B2BUA's IVR answered).
    ...call('e2e-lone', t + 180_000, linked, { ring: 600, code: 200 }),
  ];
}

async function seed(path: string, linked: boolean, now: number): Promise<void> {
  const store = await openSqliteCallStore({ path, privacy: { hashKey: HASH_KEY, storeRaw: false } });
  await store.applyBatch(calls(now, linked));
  await store.close();
}

/** The API of a sidecar over the store file: the analytics and console routes, in this process. */
async function api(path: string, now: number) {
  const store = await openSqliteCallStore({ path, privacy: { hashKey: HASH_KEY, storeRaw: false } });
  const app = createApp();
  mountAnalytics(app, store, { now: () => now });
  mountConsoleApi(app, {
    store,
    config: {} as never,
    live: async () => ({}) as LiveState,
    now: () => now,
  });
  const get = async <T>(p: string): Promise<T> => {
    const res = await app.fetch(new Request(`http://localhost${p}`));
    expect(res.status, p).toBe(200);
    return (await res.json()) as T;
  };
  return { get, close: () => store.close() };
}

let tmp: ReturnType<typeof tempDir>;
let linkedDb: string;
let unlinkedDb: string;
const NOW = Date.now();

beforeAll(async () => {
  tmp = tempDir();
  linkedDb = join(tmp.dir, 'linked.db');
  unlinkedDb = join(tmp.dir, 'unlinked.db');
  await seed(linkedDb, true, NOW);
  await seed(unlinkedDb, false, NOW);
});
afterAll(() => tmp.remove());

describe('end-to-end calls with the legs linked (issue 53)', () => {
  it('the end-to-end ASR and PDD are the same on the API and the CLI, decided once', async () => {
    const a = await api(linkedDb, NOW);
    const fromApi = await a.get<Dashboard>('/metrics/dashboard?hours=1');
    await a.close();
    const expected = {
      calls: 4,
      linked: 3,
      // Answered end to end: e2e-answered and e2e-lone, of 4 attempts.
      asr: 50,
      // The caller's PDD: A's 400, 800 and 600 ms (e2e-a-failed's A never rang).
      pddMs: 600,
      failedLeg: { a: 1, b: 1 },
      truncated: false,
    };
    expect(fromApi.endToEnd).toEqual(expected);
    // Per leg the same calls are 7 records: the KPIs above it count each leg, as before.
    expect(fromApi.totals.calls.value).toBe(7);
    const cli = await run(['dashboard', '--db', linkedDb, '--json', '--hours', '1']);
    expect(cli.code, cli.stderr).toBe(0);
    expect((JSON.parse(cli.stdout) as Dashboard).endToEnd).toEqual(fromApi.endToEnd);
    const text = await run(['dashboard', '--db', linkedDb, '--hours', '1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^END TO END\s+NOW$/m);
    expect(text.stdout).toMatch(/^calls \(legs linked\)\s+4 \(3\)$/m);
    expect(text.stdout).toMatch(/^ASR\s+50(\.0+)?%$/m);
    expect(text.stdout).toMatch(/^PDD \(caller\)\s+600 ms$/m);
    expect(text.stdout).toMatch(/^failed on the far leg\s+1$/m);
  });

  it('the call list shows one row per end-to-end call, each leg one request away', async () => {
    const a = await api(linkedDb, NOW);
    const { calls: rows } = await a.get<{ calls: ListRow[] }>('/metrics/calls?window=1h');
    // 7 records, 4 end-to-end calls: one row each, newest first, the A leg's row.
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => [r.direction, r.end_to_end?.outcome, r.end_to_end?.failed_leg])).toEqual([
      ['inbound', undefined, undefined], // e2e-lone: one leg, a plain row
      ['inbound', 'ineffective', 'a'],
      ['inbound', 'busy', 'b'],
      ['inbound', 'answered', null],
    ]);
    const busy = rows[2]!.end_to_end!;
    expect(busy.pdd_ms).toBe(800);
    expect(busy.legs.map((l) => [l.leg, l.trunk, l.outcome, l.pdd_ms])).toEqual([
      ['a', 'trunk-a', 'busy', 800],
      ['b', 'trunk-b', 'busy', 700],
    ]);
    expect(busy.legs[0]!.call_id).toBe(rows[2]!.call_id);
    // Each leg's page: the call and the same end-to-end verdict.
    for (const leg of busy.legs) {
      const v = await a.get<CallView>(`/metrics/calls/${encodeURIComponent(leg.call_id)}`);
      expect(v.call.call_id).toBe(leg.call_id);
      expect(v.end_to_end).toMatchObject({ outcome: 'busy', failed_leg: 'b', pdd_ms: 800 });
    }
    // Narrowed to failures: the busy and failed calls, one row each.
    const { calls: failed } = await a.get<{ calls: ListRow[] }>('/metrics/calls?window=1h&outcome=failed');
    expect(failed.map((r) => r.end_to_end?.outcome)).toEqual(['ineffective', 'busy']);
    await a.close();
  });
});

describe('the same legs with the correlation unset', () => {
  it('are two records each, as before: no end-to-end row, no end-to-end figures', async () => {
    const a = await api(unlinkedDb, NOW);
    const { calls: rows } = await a.get<{ calls: ListRow[] }>('/metrics/calls?window=1h');
    expect(rows).toHaveLength(7);
    expect(rows.every((r) => r.end_to_end === undefined)).toBe(true);
    const d = await a.get<Dashboard>('/metrics/dashboard?hours=1');
    expect(d).not.toHaveProperty('endToEnd');
    expect(d.totals.calls.value).toBe(7);
    await a.close();
    const text = await run(['dashboard', '--db', unlinkedDb, '--hours', '1']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toContain('END TO END');
  });
});
