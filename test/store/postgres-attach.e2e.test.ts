/**
 * A large PostgreSQL store from before day partitions (version 3) opens without copying its rows
 * (issue 51: "a store of any size is ready within 60 s"): its `calls` and `sms` become the
 * partition of one day each (postgres/partitions.ts `attached`). Against a small store of the same
 * version, which migration 4 copies day by day: the same schema, the same rows and rollups, and
 * then writes, reads and retention behave as for any day's partition.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_LATEST_VERSION } from '../../src/store/postgres/sql.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { IN_OPEN_ROWS } from '../../src/store/stored-ids.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { timeFactor } from '../setup/time-factor.js';
import { KEY } from './contract.js';
import { atVersion3, expectReadsExact, partitions } from './partitions-kit.js';

const server = postgresForFile();

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 2, 10);
// Ids as sent: the test reads key tables and partitions by id in SQL.
const privacy = { hashKey: KEY, storeRaw: false, revealCallIds: true };

/**
 * A database as sidetone left it at version 3, with `calls` calls and `sms` messages over three
 * days (D0 to D0 + 3 days), written in SQL: answered, busy, failed and still active calls on four
 * trunks; inbound and outbound messages, a quarter of those sent delivered.
 */
async function version3(db: pg.Client, schema: string, calls: number, sms: number): Promise<void> {
  await atVersion3(db, schema);
  await db.query("SET sidetone.instance = 'old'");
  // Call i: day i % 3, every 2 s of its day (33,334 calls a day fit in 18.5 hours).
  const at = `(${D0} + (i % 3) * ${DAY} + (i / 3) * 2000)`;
  await db.query(`INSERT INTO calls (call_id, first_at, direction, channel, trunk, started_at, ringing_at,
      answered_at, ended_at, sip_code, mos)
    SELECT 'c' || i, ${at}, CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'sip', 't' || (i % 4),
      ${at}, ${at} + 900 + i % 700, CASE WHEN i % 4 = 0 THEN ${at} + 3000 END,
      CASE WHEN i % 4 = 3 THEN NULL WHEN i % 4 = 0 THEN ${at} + 3000 + (i % 600) * 1000 ELSE ${at} + 8000 END,
      CASE i % 4 WHEN 0 THEN 200 WHEN 1 THEN 486 WHEN 2 THEN 503 END,
      CASE WHEN i % 4 = 0 THEN 3.5 + (i % 90) / 100.0 END
    FROM generate_series(0, ${calls - 1}) i`);
  const sAt = `(${D0} + (i % 3) * ${DAY} + (i / 3) * 60000)`;
  await db.query(`INSERT INTO sms (message_id, first_at, direction, gateway, segments, received_at, sent_at,
      delivered_at, reference)
    SELECT 'm' || i, ${sAt}, CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END, 'gw', 1 + i % 3,
      CASE WHEN i % 2 = 0 THEN ${sAt} END, CASE WHEN i % 2 = 1 THEN ${sAt} END,
      CASE WHEN i % 4 = 1 THEN ${sAt} + 5000 END, CASE WHEN i % 2 = 1 THEN (i % 256)::text END
    FROM generate_series(0, ${sms - 1}) i`);
}

/** A digest of `table`'s rows over the columns it had at version 3, and their count. */
async function digest(db: pg.Client, table: string, columns: string): Promise<{ n: number; md5: string }> {
  const r = await db.query(
    `SELECT COUNT(*) AS n, md5(string_agg(row(${columns})::text, '|' ORDER BY row(${columns})::text)) AS md5 FROM ${table}`,
  );
  return { n: Number(r.rows[0].n), md5: r.rows[0].md5 };
}
const RECORDS = ['calls', 'sms'];
const ROLLUPS = ['call_rollup_10m', 'call_rollup_hour', 'call_rollup_day', 'call_duration_day'];

/**
 * The schema's catalog as the store reads and writes it: the tables other than partitions with
 * their columns, defaults and generated expressions, constraints, indexes and triggers; the
 * functions; and for each day partition its bounds and its indexes (names left out: a partition's
 * are made by PostgreSQL on a copy, and kept from version 3 on an attached table).
 */
async function catalog(db: pg.Client, schema: string): Promise<Record<string, unknown>> {
  await db.query(`SET search_path = ${schema}`);
  const rows = async (sql: string) => (await db.query(sql, [schema])).rows;
  const tables = `SELECT oid FROM pg_class WHERE relnamespace = $1::regnamespace AND NOT relispartition`;
  const out = {
    tables: await rows(`SELECT relname, relkind FROM pg_class WHERE relnamespace = $1::regnamespace
      AND NOT relispartition AND relkind IN ('r', 'p', 'S', 'v') ORDER BY 1`),
    columns: await rows(`SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
        a.attnotnull, a.attgenerated, a.attidentity, pg_get_expr(d.adbin, d.adrelid) AS expr
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid IN (${tables}) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`),
    constraints: await rows(`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE conrelid IN (${tables}) ORDER BY 1, 2`),
    indexes: await rows(`SELECT c.relname, i.relname AS index, pg_get_indexdef(x.indexrelid) AS def
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
      WHERE x.indrelid IN (${tables}) ORDER BY 1, 2`),
    triggers:
      await rows(`SELECT tgrelid::regclass::text AS rel, tgname, tgfoid::regproc::text AS fn, tgtype, tgenabled
      FROM pg_trigger WHERE tgrelid IN (${tables}) AND NOT tgisinternal ORDER BY 1, 2`),
    functions: await rows(`SELECT proname, md5(prosrc) AS src FROM pg_proc
      WHERE pronamespace = $1::regnamespace ORDER BY 1`),
    partitions:
      await rows(`SELECT p.relname AS parent, c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound,
        (SELECT array_agg(d ORDER BY d) FROM (SELECT regexp_replace(pg_get_indexdef(x.indexrelid),
           ' INDEX \\S+ ON \\S+', ' INDEX ON') AS d FROM pg_index x WHERE x.indrelid = c.oid) z) AS indexes,
        (SELECT COUNT(*) FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal) AS triggers,
        (SELECT COUNT(*) FROM pg_index x WHERE x.indrelid = c.oid
           AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = x.indexrelid)) AS unattached
      FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_class p ON p.oid = h.inhparent
      WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND c.relname ~ '_2024'
      ORDER BY 1, 2`),
  };
  // Index definitions name their table with its schema.
  return JSON.parse(JSON.stringify(out).replaceAll(`${schema}.`, ''));
}

// 100,501 rows written, opened, read, expired: 11 s alone, 17.5-23 s in a full local run, over
// 30 s on CI's machine (2026-11-28). The give-up point is for that work, not a wait.
describe('a large PostgreSQL store from before day partitions', { timeout: 120_000 * timeFactor() }, () => {
  it('is attached, not copied: the schema of a copied store, every row kept, then written and expired as any day', async () => {
    const big = freshSchema();
    const small = freshSchema();
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // Over the line by 500 ids: the big store's tables are attached, the small one's copied.
      await version3(db, big, IN_OPEN_ROWS, 501);
      const columns: Record<string, string> = {};
      for (const t of [...RECORDS, ...ROLLUPS]) {
        const r = await db.query(
          `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) AS cols
          FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
          [t],
        );
        columns[t] = r.rows[0].cols;
      }
      const before: Record<string, unknown> = {};
      for (const t of [...RECORDS, ...ROLLUPS]) before[t] = await digest(db, t, columns[t]!);
      await version3(db, small, 300, 30);

      const store = await openPostgresCallStore({ url: server.url, schema: big, privacy, instance: 'new' });
      const copied = await openPostgresCallStore({
        url: server.url,
        schema: small,
        privacy,
        instance: 'new',
      });
      try {
        expect(store.schemaVersion).toBe(PG_LATEST_VERSION);
        const attachedCatalog = await catalog(db, big);
        const copiedCatalog = await catalog(db, small);
        // The copy files three days' partitions, the attach one (the latest day's): the same bounds
        // and indexes for that day, every index of it one of the parent's.
        const [cPart, sPart] = attachedCatalog.partitions as Array<Record<string, unknown>>;
        expect(attachedCatalog.partitions).toEqual([
          {
            parent: 'calls',
            relname: 'calls_20240312',
            bound: expect.any(String),
            indexes: expect.any(Array),
            triggers: '0',
            unattached: '0',
          },
          {
            parent: 'sms',
            relname: 'sms_20240312',
            bound: expect.any(String),
            indexes: expect.any(Array),
            triggers: '0',
            unattached: '0',
          },
        ]);
        const copiedDay = (copiedCatalog.partitions as Array<Record<string, unknown>>).filter((p) =>
          String(p.relname).endsWith('_20240312'),
        );
        expect([cPart, sPart]).toEqual(copiedDay);
        expect({ ...attachedCatalog, partitions: [] }).toEqual({ ...copiedCatalog, partitions: [] });

        // Every row and every rollup as it was. No id is keyed yet: the store knows the day its
        // unkeyed records are filed under, and files each as it is next written.
        await db.query(`SET search_path = ${big}`);
        for (const t of [...RECORDS, ...ROLLUPS])
          expect([t, await digest(db, t, columns[t]!)]).toEqual([t, before[t]]);
        const L = D0 + 2 * DAY;
        const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
        const keyRows = async () =>
          (
            await db.query(`SELECT 'call' AS k, call_id AS id, filed_day::float8 AS day FROM call_keys
              UNION ALL SELECT 'sms', message_id, filed_day::float8 FROM sms_keys ORDER BY 1, 2`)
          ).rows;
        expect(await keyRows()).toEqual([]);
        expect((await db.query(`SELECT value FROM sidetone_meta WHERE key = 'unkeyed_days'`)).rows).toEqual([
          { value: JSON.stringify({ calls: L, sms: L }) },
        ]);
        // The day's oldest record starts two days before it: the lag reads bound their days with.
        expect((await db.query('SELECT filed_day, active, lag FROM call_days')).rows).toEqual([
          { filed_day: String(L), active: String(IN_OPEN_ROWS / 4), lag: String(2 * DAY) },
        ]);
        expect(await store.getCall('c0')).toMatchObject({ status: 'completed', firstAt: D0 });
        expect((await store.getSms('m1'))?.status).toBe('delivered');
        expect((await store.getSms('m3'))?.status).toBe('sent');
        await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
        await expectReadsExact(store, { from: D0 + DAY / 2, to: D0 + DAY, trunk: 't1' });

        // Writes go on: a call of day 0 still active ends where it is; a new call of day 1 gets
        // that day's own partition, one of day 2 joins the attached table. No call is doubled.
        await store.applyBatch([
          { kind: 'ended', callId: 'c3', at: D0 + 3_600_000, sipCode: 487 },
          {
            kind: 'started',
            callId: 'new-1',
            at: D0 + DAY + 5000,
            direction: 'outbound',
            channel: 'sip',
            trunk: 't1',
          },
          {
            kind: 'started',
            callId: 'new-2',
            at: L + 5000,
            direction: 'outbound',
            channel: 'sip',
            trunk: 't1',
          },
        ]);
        const where = await db.query(`SELECT call_id, tableoid::regclass::text AS part FROM calls
          WHERE call_id IN ('c3', 'new-1', 'new-2') ORDER BY 1`);
        expect(where.rows).toEqual([
          { call_id: 'c3', part: 'calls_20240312' },
          { call_id: 'new-1', part: 'calls_20240311' },
          { call_id: 'new-2', part: 'calls_20240312' },
        ]);
        expect(await store.getCall('c3')).toMatchObject({ endedAt: D0 + 3_600_000, sipCode: 487 });
        // A call of the attached table written again later: found through its key row now.
        await store.applyBatch([
          { kind: 'media', callId: 'c3', at: D0 + 3_600_500, mos: 4.1, jitterMs: 5, lossPercent: 0 },
        ]);
        expect(await store.getCall('c3')).toMatchObject({ sipCode: 487, mos: 4.1 });
        expect(await count("SELECT COUNT(*) AS n FROM calls WHERE call_id = 'c3'")).toBe(1);
        // A delivery report finds the most recent pending submission with its reference (m259, of
        // day 1: m3 is older) among the attached table's rows.
        await store.applySms({
          kind: 'delivery',
          messageId: 'r259',
          at: D0 + DAY + 90 * 60_000,
          outcome: 'delivered',
          match: { reference: '3', gateway: 'gw' },
        });
        expect((await store.getSms('m259'))?.status).toBe('delivered');
        expect((await store.getSms('m3'))?.status).toBe('sent');
        await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
        // Keyed are the records written since, each under the day it is filed under.
        expect(await keyRows()).toEqual([
          { k: 'call', id: 'c3', day: L },
          { k: 'call', id: 'new-1', day: L - DAY },
          { k: 'call', id: 'new-2', day: L },
          { k: 'sms', id: 'm259', day: L },
        ]);

        // Retention at day 1, 12:00: no day is over, so the records before it go batch by batch,
        // the attached table's with the rest, and their keys with them.
        const cutoff = D0 + DAY + DAY / 2;
        const expired = await count(`SELECT COUNT(*) AS n FROM calls WHERE first_at < ${cutoff}`);
        expect(expired).toBeGreaterThan(50_000);
        expect((await store.deleteOlderThan(1, { now: cutoff + DAY })).calls).toBe(expired);
        expect(await partitions(db, 'calls')).toEqual(['calls_20240311', 'calls_20240312']);
        expect(await count(`SELECT COUNT(*) AS n FROM calls WHERE first_at < ${cutoff}`)).toBe(0);
        // Every key row has its record; every record has a key row or is an unkeyed one.
        expect(
          await count(`SELECT COUNT(*) AS n FROM call_keys k WHERE NOT EXISTS
            (SELECT 1 FROM calls c WHERE c.call_id = k.call_id AND c.filed_day = k.filed_day)`),
        ).toBe(0);
        expect(
          await count(`SELECT COUNT(*) AS n FROM calls c WHERE filed_day <> ${L}
            AND NOT EXISTS (SELECT 1 FROM call_keys k WHERE k.call_id = c.call_id)`),
        ).toBe(0);
        await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
        // At day 3 both days are over: the attached table is dropped whole like any day's
        // partition, and the reads' lag goes with its day.
        await store.deleteOlderThan(1, { now: D0 + 4 * DAY });
        expect(await partitions(db, 'calls')).toEqual([]);
        expect(await partitions(db, 'sms')).toEqual([]);
        expect(await count('SELECT COUNT(*) AS n FROM call_keys')).toBe(0);
        expect(await count('SELECT COALESCE(MAX(lag), 0) AS n FROM call_days')).toBe(0);
        expect(await count('SELECT COUNT(*) AS n FROM sms_pending')).toBe(0);
        expect((await store.stats({ from: D0, to: D0 + 3 * DAY })).total).toBe(0);
      } finally {
        await copied.close();
        await store.close();
      }
    } finally {
      await db.end();
      await dropSchema(server.url, big);
      await dropSchema(server.url, small);
    }
  });
});
