import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreError, ValidationError } from '../../src/errors.js';
import { startPgRollupBuild } from '../../src/store/postgres/rollup-build.js';
import { PG_LATEST_VERSION, PG_MIGRATIONS } from '../../src/store/postgres/sql.js';
import { ROLLUP_READS } from '../../src/store/postgres/statements.js';
import { openPostgresCallStore, redactUrl } from '../../src/store/postgres/store.js';
import { planRange } from '../../src/store/rollup/plan.js';
import { ROLLUP_CLEAR } from '../../src/store/rollup/sql.js';
import type { CallStore } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY, lifecycle, runCallStoreContract } from './contract.js';

const server = postgresForFile();

runCallStoreContract('PostgreSQL', async ({ storeRaw, exactPercentilesUpTo }) => {
  const schema = freshSchema();
  const privacy = { hashKey: KEY, storeRaw };
  let build = {};
  const open = () =>
    openPostgresCallStore({
      url: server.url,
      schema,
      privacy,
      instance: 'test',
      exactPercentilesUpTo,
      ...build,
    });
  let current: CallStore = await open();
  return {
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = await open();
      return current;
    },
    async withoutRollups(sliceRecords) {
      await current.close();
      const c = new pg.Client({ connectionString: server.url });
      await c.connect();
      try {
        await c.query(`SET search_path = ${schema}`);
        await c.query('BEGIN');
        await c.query(ROLLUP_CLEAR);
        await startPgRollupBuild((text, values) => c.query(text, values));
        await c.query('COMMIT');
      } finally {
        await c.end();
      }
      build = { buildRollupsInBackground: false, rollupSliceRecords: sliceRecords };
      current = await open();
      return current;
    },
    async cleanup() {
      await current.close();
      await dropSchema(server.url, schema);
    },
  };
});

describe('PostgreSQL store specifics', () => {
  const T = Date.UTC(2024, 0, 15, 10);
  const privacy = { hashKey: KEY, storeRaw: false };

  it('tags records with their instance; reads narrow to one instance or take all', async () => {
    const schema = freshSchema();
    const east = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'pbx-east' });
    const west = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'pbx-west' });
    try {
      await east.applyBatch([...lifecycle('e1', T), ...lifecycle('e2', T + 1000)]);
      await west.applyBatch(lifecycle('w1', T + 2000));
      const range = { from: T - 1, to: T + 3_600_000 };
      expect((await west.stats(range)).total).toBe(3);
      expect((await west.stats({ ...range, instance: 'pbx-east' })).total).toBe(2);
      expect((await east.stats({ ...range, instance: 'pbx-west' })).answered).toBe(1);
      const overview = await east.overview({ ...range, instance: 'pbx-east' }, 'hour');
      expect(overview.stats.total).toBe(2);
      const fleet = await east.overview(range, 'hour');
      expect(fleet.stats.total).toBe(3);
    } finally {
      await east.close();
      await west.close();
      await dropSchema(server.url, schema);
    }
  });

  it('two instances opening a new database at once migrate it once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(
      [1, 2, 3].map((i) => openPostgresCallStore({ url: server.url, schema, privacy, instance: `i${i}` })),
    );
    try {
      expect(stores.map((s) => s.schemaVersion)).toEqual([
        PG_LATEST_VERSION,
        PG_LATEST_VERSION,
        PG_LATEST_VERSION,
      ]);
      await Promise.all(stores.map((s, i) => s.applyBatch(lifecycle(`c${i}`, T + i))));
      expect((await stores[0]!.stats({ from: T - 1, to: T + 3_600_000 })).total).toBe(3);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(server.url, schema);
    }
  });

  it('a database from before the rollups opens without building them; one instance builds, both read right (issue 51)', async () => {
    const schema = freshSchema();
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // A version-1 database with three days of calls, one every 20 minutes, a quarter busy.
      await db.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}; SET sidetone.instance = 'old'`);
      await db.query(
        'CREATE TABLE sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const v1 = PG_MIGRATIONS[0]!;
      await db.query(v1.sql);
      await db.query('INSERT INTO sidetone_schema (version, description) VALUES (1, $1)', [v1.description]);
      await db.query(`INSERT INTO calls (call_id, first_at, started_at, answered_at, ended_at, sip_code, trunk)
        SELECT 'v1-' || i, ${T} + i * 1200000, ${T} + i * 1200000,
          CASE WHEN i % 4 = 0 THEN NULL ELSE ${T} + i * 1200000 + 1000 END,
          ${T} + i * 1200000 + 2000 + i * 100, CASE WHEN i % 4 = 0 THEN 486 ELSE 200 END, 'trunk-' || (i % 3)
        FROM generate_series(0, 215) AS s(i)`);
      const open = (instance: string) =>
        openPostgresCallStore({
          url: server.url,
          schema,
          privacy,
          instance,
          buildRollupsInBackground: false,
          rollupSliceRecords: 20,
        });
      const a = await open('a');
      const b = await open('b');
      try {
        const rows = async (t: string) =>
          Number((await db.query(`SELECT COUNT(*) AS n FROM ${t}`)).rows[0].n);
        // No rollup row counts a call (hashing the old raw ids updated every call: the triggers left
        // rows of zeros, taken out and put back).
        expect(await rows('call_rollup_10m WHERE n <> 0')).toBe(0);
        expect(await rows('call_rollup_day WHERE n <> 0')).toBe(0);
        expect(a.rollupBuild()).toMatchObject({ built: 0 });
        const range = { from: T - 3_600_000, to: T + 4 * 86_400_000 };
        const trunk = { ...range, trunk: 'trunk-1' };
        const exact = [await a.stats({ ...range, exact: true }), await a.stats({ ...trunk, exact: true })];
        expect(exact[0]!.byStatus.busy).toBe(54);
        const reads = async (s: CallStore) => [await s.stats(range), await s.stats(trunk)];
        expect(await reads(a)).toEqual(exact);
        let slices = 0;
        while (await a.buildRollups()) {
          slices++;
          expect(await reads(a)).toEqual(exact);
          // The other instance follows the frontier when it tries (the lock is free between slices).
          if (slices === 2) expect(await b.buildRollups()).toBe(true);
          expect(await reads(b)).toEqual(exact);
        }
        expect(slices).toBeGreaterThanOrEqual(5);
        expect(a.rollupBuild()).toBeUndefined();
        expect(await b.buildRollups()).toBe(false);
        expect(b.rollupBuild()).toBeUndefined();
        expect(await reads(a)).toEqual(exact);
        expect(await reads(b)).toEqual(exact);
        expect(
          Number(
            (await db.query('SELECT SUM(n) AS n FROM call_rollup_day WHERE direction = chr(2)')).rows[0].n,
          ),
        ).toBe(216);
        expect(await rows("sidetone_meta WHERE key = 'rollup_build'")).toBe(0);
      } finally {
        await a.close();
        await b.close();
      }
    } finally {
      await db.end();
      await dropSchema(server.url, schema);
    }
  });

  it('every session of the store runs with custom plans and without JIT, whatever the database says', async () => {
    // JIT compiled 1,000+ functions for a zombie batch over 90 day partitions: 1.8 s of 2.4 s at
    // 2M calls, past the statement timeout at 10M (postgres/connection.ts).
    const schema = freshSchema();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const db = `jit_${schema}`;
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.query(`ALTER DATABASE ${db} SET jit = on`);
    await admin.query(`ALTER DATABASE ${db} SET jit_above_cost = 0`);
    const u = new URL(server.url);
    u.pathname = `/${db}`;
    const url = u.toString();
    const store = await openPostgresCallStore({ url, schema, privacy });
    try {
      await store.applyBatch(lifecycle('c1', T));
      const pool = (store as unknown as { driver: { conn: { pool: pg.Pool } } }).driver.conn.pool;
      const settings = await pool.query<{ jit: string; plan: string }>(
        "SELECT current_setting('jit') AS jit, current_setting('plan_cache_mode') AS plan",
      );
      expect(settings.rows[0]).toEqual({ jit: 'off', plan: 'force_custom_plan' });
      const plain = new pg.Client({ connectionString: url });
      await plain.connect();
      // The database's own default, which a session without the store's options gets.
      expect((await plain.query("SELECT current_setting('jit') AS jit")).rows[0].jit).toBe('on');
      await plain.end();
    } finally {
      await store.close();
      await admin.query(`DROP DATABASE ${db} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('unfiltered reads find the dimension-free rollup rows through their index', async () => {
    // The reads plan with their parameters known, so their filter must fold to the partial
    // indexes' predicate (migration 3): a change to it would silently read five times the rows.
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await store.applyBatch(lifecycle('c1', T));
      await client.query(`SET search_path = ${schema}`);
      await client.query('SET plan_cache_mode = force_custom_plan');
      // Tiny tables are read whole otherwise; the question is whether the index can be used.
      await client.query('SET enable_seqscan = off');
      const explain = async (read: keyof typeof ROLLUP_READS, q: Parameters<typeof planRange>[0]) => {
        const plan = planRange(q) as unknown as Record<string, unknown>;
        const { text, names } = ROLLUP_READS[read];
        const r = await client.query(
          `EXPLAIN ${text}`,
          names.map((n) => plan[n] ?? null),
        );
        return r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n');
      };
      const days90 = { from: T - 90 * 86_400_000 + 1_000_000, to: T + 1_000_000 };
      const overview = await explain('overviewDay', days90);
      expect(overview).toContain('call_rollup_day_all');
      expect(overview).toContain('call_rollup_hour_all');
      expect(await explain('histogram', days90)).toContain('call_duration_day_all');
      expect(await explain('seriesHour', { from: T - 7 * 86_400_000, to: T })).toContain(
        'call_rollup_hour_all',
      );
      // A filtered read takes the detailed rows instead.
      expect(await explain('stats', { ...days90, trunk: 'trunk-1' })).not.toContain('_all');
    } finally {
      await client.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('refuses a schema written by a newer sidetone instead of guessing at it', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO ${schema}.sidetone_schema (version, description) VALUES (99, 'future')`,
      );
      const err = await openPostgresCallStore({ url: server.url, schema, privacy }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('ST_STORE_SCHEMA_TOO_NEW');
      expect(String((err as Error).message)).toMatch(/schema version 99.*upgrade sidetone/);
    } finally {
      await client.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('bad URLs and unreachable servers fail with the fix, never the password', async () => {
    const bad = await openPostgresCallStore({ url: 'mysql://x', privacy }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(String((bad as Error).message)).toMatch(/must be a postgres:\/\/ URL/);
    const err = await openPostgresCallStore({
      url: 'postgres://u:hunter2@127.0.0.1:1/db',
      privacy,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('ST_STORE_UNAVAILABLE');
    expect(String((err as Error).message)).toMatch(/start PostgreSQL or fix host and port/);
    expect(String((err as Error).message)).not.toContain('hunter2');
    expect(redactUrl('postgres://u:hunter2@h/db')).toBe('postgres://u:********@h/db');
    expect(redactUrl('postgres://u@h/db?sslmode=require&password=p')).toBe(
      'postgres://u@h/db?sslmode=require&password=********',
    );
    const missing = await openPostgresCallStore({
      url: server.url.replace(/\/\w+$/, '/nosuchdb'),
      privacy,
    }).catch((e: unknown) => e);
    expect(String((missing as Error).message)).toMatch(/createdb/);
  });
});
