import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { dashboard } from '../../src/analytics/dashboard.js';
import { warmConnection, warmingReads } from '../../src/store/postgres/pool.js';
import { ROLLUP_READS } from '../../src/store/postgres/statements.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { planRange } from '../../src/store/rollup/plan.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY, lifecycle } from './contract.js';
import { rounded } from './contract-kit.js';
import { atVersion } from './partitions-kit.js';

const server = postgresForFile();
const privacy = { hashKey: KEY, storeRaw: false };
const T = Date.UTC(2024, 0, 15, 10);

describe('PostgreSQL store reads', () => {
  it('a store opens its whole pool at once and keeps it while it reads and writes', async () => {
    const schema = freshSchema();
    const probe = new pg.Client({ connectionString: server.url });
    await probe.connect();
    const backends = async () =>
      (
        await probe.query<{ n: number }>(
          // This file's database only: the cluster is shared by the run (test/setup/e2e-global.ts).
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()",
        )
      ).rows[0]!.n;
    const before = await backends();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy, poolSize: 3 });
    try {
      expect(await backends()).toBe(before + 3);
      await store.applyBatch(lifecycle('c1', T));
      const range = { from: T - 1, to: T + 3_600_000 };
      const [stats, overview] = await Promise.all([store.stats(range), store.overview(range, 'hour')]);
      expect(stats.total).toBe(1);
      expect(overview.stats.answered).toBe(1);
      expect(await backends()).toBe(before + 3);
    } finally {
      await store.close();
      await probe.end();
      await dropSchema(server.url, schema);
    }
  });

  it('warming prepares every read the store runs, over a range that plans no day partition', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const c = new pg.Client({
      connectionString: server.url,
      options: `-c search_path=${schema} -c plan_cache_mode=force_custom_plan`,
    });
    await c.connect();
    try {
      await store.applyBatch(lifecycle('c1', T));
      expect(await warmConnection(c)).toBe(true);
      const prepared = await c.query<{ name: string }>(
        'SELECT name FROM pg_prepared_statements ORDER BY name',
      );
      expect(prepared.rows.map((r) => r.name)).toEqual(
        warmingReads()
          .map((q) => q.name)
          .sort(),
      );
      const explain = async (text: string, values: unknown[]) =>
        (await c.query({ text: `EXPLAIN ${text}`, values })).rows.map((r) => r['QUERY PLAN']).join('\n');
      // A read over the call's day plans its partition (what the check below would catch) ...
      const plan = { ...planRange({ from: T - 1, to: T + 3_600_000 }), lag: 0, active_from: T } as Record<
        string,
        unknown
      >;
      const { text, names } = ROLLUP_READS.stats;
      expect(
        await explain(
          text,
          names.map((n) => plan[n] ?? null),
        ),
      ).toMatch(/calls_20240115/);
      // ... and a warming read none: warming a connection must not open every day's partition.
      for (const q of warmingReads()) {
        expect(await explain(q.text, q.values as unknown[])).not.toMatch(/calls_\d{8}/);
      }
    } finally {
      await c.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('the bounds read plans the partitions of its day, and reads again when a lag grew', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const c = new pg.Client({ connectionString: server.url, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      const D = Date.UTC(2024, 0, 15);
      const H = 3_600_000;
      // x is filed on the 16th, then a late event moves its start to 23:00 on the 15th (a lag of
      // a day); y starts at 22:10 on the 15th.
      await store.applyBatch(lifecycle('x', D + 24.5 * H));
      await store.applyBatch([{ kind: 'ringing', callId: 'x', at: D + 23 * H }]);
      await store.applyBatch([...lifecycle('y', D + 22 * H + 600_000), ...lifecycle('z', D + 48.5 * H)]);
      const { text } = ROLLUP_READS.after;
      const plan = (await c.query(`EXPLAIN ${text}`, [D + 22.5 * H, 0])).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/calls_20240115/);
      expect(plan).not.toMatch(/calls_2024011[67]/);
      // The store has seen no lag yet: its first bounds read misses x (filed a day later), sees the
      // lag, and reads again. Were x missed, the range would run to midnight and count it.
      const range = { from: D + 22 * H, to: D + 22.5 * H };
      expect((await store.stats(range)).total).toBe(1);
      expect((await store.stats({ ...range, exact: true })).total).toBe(1);
    } finally {
      await c.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('plans and reads in one snapshot: a call committed in between, filed in the slot of @to, is not counted', async () => {
    const schema = freshSchema();
    const reader = await openPostgresCallStore({ url: server.url, schema, privacy });
    const writer = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'other' });
    try {
      for (let i = 0; i < 6; i++) await writer.applyBatch(lifecycle(`c${i}`, T + i * 300_000));
      // Nothing is filed after @to: the plan reads the slots holding @to whole from the rollups.
      const range = { from: T - 1, to: T + 1_987_000 };
      const want = await reader.stats({ ...range, exact: true });
      expect(want.total).toBe(6);
      // The moment between the two: the plan has said "nothing later", the read has not run. A
      // writer commits a call filed 13 s after @to, in the same 10-minute slot; the statement
      // triggers put it in that slot's rollups at once.
      // The driver under the store's front (front.ts) reads the rollups.
      const internals = (reader as unknown as { driver: unknown }).driver as {
        rollupRead: (what: string, ...rest: unknown[]) => Promise<unknown[]>;
      };
      const rollupRead = internals.rollupRead.bind(internals);
      let between = 0;
      internals.rollupRead = async (what, ...rest) => {
        const rows = await rollupRead(what, ...rest);
        if (what === 'after') await writer.applyBatch(lifecycle(`late${between++}`, range.to + 13_000));
        return rows;
      };
      const got = await reader.stats(range);
      const overview = await reader.overview(range, 'hour');
      expect(between).toBe(2);
      expect(rounded(got)).toEqual(rounded(want));
      expect(rounded(overview.stats)).toEqual(rounded(want));
      // And once committed before the plan, the late calls move the plan off the rollups of @to's slot.
      internals.rollupRead = rollupRead;
      expect(rounded(await reader.stats(range))).toEqual(rounded(want));
      expect((await reader.stats({ from: T - 1, to: range.to + 60_000 })).total).toBe(8);
    } finally {
      await reader.close();
      await writer.close();
      await dropSchema(server.url, schema);
    }
  });

  it('a dashboard plans only the day partitions its range can be filed in, in every statement it runs', async () => {
    // Each statement the store sends for a dashboard over an hour of a store of three days is
    // explained with its values: planning every day's partition cost a 90-day store 9-18 ms a
    // statement (END_TO_END_LEGS and COUNT_ACTIVE_SINCE did, unbounded), 130 ms on a new connection.
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const c = new pg.Client({ connectionString: server.url, options: `-c search_path=${schema}` });
    await c.connect();
    const sent: Array<{ text: string; values: unknown[] }> = [];
    const query = pg.Client.prototype.query;
    try {
      const DAY = 86_400_000;
      for (const d of [2, 1, 0]) await store.applyBatch(lifecycle(`c${d}`, T - d * DAY));
      await store.applyBatch([{ kind: 'ringing', callId: 'live', at: T + 60_000 }]);
      // B2BUA legs (issue 53): two of one call in the range, one two days before.
      const leg = (callId: string, at: number) =>
        ({ kind: 'started', callId, at, direction: 'inbound', channel: 'sip', endToEndId: 'e2e-1' }) as const;
      await store.applyBatch([
        leg('a-leg', T + 1000),
        leg('b-leg', T + 1020),
        leg('old-leg', T - 2 * DAY),
        { kind: 'ended', callId: 'old-leg', at: T - 2 * DAY + 9000, sipCode: 486 },
      ]);
      // Every statement the store sends (not this test's own EXPLAIN), with its values.
      pg.Client.prototype.query = function (this: pg.Client, q: unknown, ...rest: unknown[]) {
        const config =
          typeof q === 'string' ? { text: q, values: rest[0] } : (q as { text?: string; values?: unknown });
        if (this !== c && typeof config.text === 'string')
          sent.push({ text: config.text, values: (config.values as unknown[] | undefined) ?? [] });
        return (query as (...a: unknown[]) => unknown).call(this, q, ...rest);
      } as typeof query;
      const planned = async () => {
        const onCalls = sent.splice(0).filter((q) => /\bFROM calls\b/.test(q.text));
        expect(onCalls.length).toBeGreaterThan(0);
        const parts = [];
        for (const q of onCalls) {
          const plan = (await c.query({ text: `EXPLAIN ${q.text}`, values: q.values })).rows
            .map((r) => r['QUERY PLAN'])
            .join('\n');
          parts.push(...new Set(plan.match(/calls_\d{8}/g)));
        }
        return parts;
      };
      const d = await dashboard(store, { from: T, to: T + 3_600_000 });
      expect(d.totals.calls.value).toBe(4);
      expect(d.totals.active.value).toBe(3);
      expect(sent.some((q) => q.text.includes('end_to_end_id IS NOT NULL'))).toBe(true);
      const dashboardParts = await planned();
      expect(dashboardParts.length).toBeGreaterThan(3);
      expect(new Set(dashboardParts)).toEqual(new Set(['calls_20240115']));
      // The console's live list: from the first day holding a call in progress on (a later day's
      // partition exists: a write makes tomorrow's), none before it.
      expect(
        (await store.recentCalls({ statuses: ['active'], limit: 50 })).map((r) => r.callId),
      ).toHaveLength(3);
      const liveParts = await planned();
      expect(liveParts).toContain('calls_20240115');
      expect(liveParts.filter((p) => p < 'calls_20240115')).toEqual([]);
      // The health read's latest start (analytics/health.ts, every health check): from the newest
      // filed day less the lag on, not every day's partition.
      expect(await store.lastActivityAt()).toBe(T + 60_000);
      const activityParts = await planned();
      expect(activityParts).toContain('calls_20240115');
      expect(activityParts.filter((p) => p < 'calls_20240115')).toEqual([]);
    } finally {
      pg.Client.prototype.query = query;
      await c.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('call_days counts the legs of each day: from the legs stored when the column came, then kept by writes and retention', async () => {
    const schema = freshSchema();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const DAY = 86_400_000;
    const D = T - (T % DAY);
    const stored = async () =>
      (
        await c.query(
          'SELECT filed_day::float8 AS day, COUNT(*)::int AS n FROM calls WHERE end_to_end_id IS NOT NULL GROUP BY 1 ORDER BY 1',
        )
      ).rows;
    const counted = async () =>
      (
        await c.query(
          'SELECT filed_day::float8 AS day, legs::int AS n FROM call_days WHERE legs <> 0 ORDER BY 1',
        )
      ).rows;
    let store: Awaited<ReturnType<typeof openPostgresCallStore>> | undefined;
    try {
      // A store at version 16, as the sidetone before this column left it: three legs over two days.
      await atVersion(c, schema, 16);
      await c.query(`SELECT sidetone_day_partition('calls', d) FROM unnest($1::int8[]) d`, [[D - DAY, D]]);
      await c.query(
        `WITH k AS (INSERT INTO call_keys SELECT * FROM unnest($1::text[], $2::int8[]) RETURNING *)
         INSERT INTO calls (call_id, filed_day, first_at, direction, started_at, end_to_end_id)
         SELECT call_id, filed_day, filed_day + 3600000, 'inbound', filed_day + 3600000,
           CASE WHEN call_id LIKE 'leg%' THEN 'e2e-old' END FROM k`,
        [
          ['leg-1', 'leg-2', 'leg-3', 'plain'],
          [D - DAY, D, D, D],
        ],
      );
      store = await openPostgresCallStore({ url: server.url, schema, privacy });
      const want = [
        { day: D - DAY, n: 1 },
        { day: D, n: 2 },
      ];
      expect(await stored()).toEqual(want);
      expect(await counted()).toEqual(want);
      // Written: new legs (inserts), an old call that becomes a leg and one already a leg (updates).
      await store.applyBatch([
        {
          kind: 'started',
          callId: 'leg-4',
          at: T + DAY,
          direction: 'inbound',
          channel: 'sip',
          endToEndId: 'e2e-new',
        },
        {
          kind: 'started',
          callId: 'leg-5',
          at: T + DAY,
          direction: 'inbound',
          channel: 'sip',
          endToEndId: 'e2e-new',
        },
        { kind: 'ringing', callId: 'leg-1', at: D - DAY + 3_700_000 },
        {
          kind: 'started',
          callId: 'plain',
          at: D + 3_600_000,
          direction: 'inbound',
          channel: 'sip',
          endToEndId: 'e2e-old',
        },
      ]);
      expect(await counted()).toEqual(await stored());
      expect((await counted()).map((r) => r.n)).toEqual([1, 3, 2]);
      // Retention: the first day dropped whole, the second's legs deleted in batches.
      await store.deleteOlderThan(1, { now: D + DAY + 3_600_000 + 1, batchSize: 1 });
      expect(await stored()).toEqual([{ day: D + DAY, n: 2 }]);
      expect(await counted()).toEqual(await stored());
    } finally {
      await store?.close();
      await c.end();
      await dropSchema(server.url, schema);
    }
  });
});
