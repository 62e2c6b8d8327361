/**
 * Day partitions of the PostgreSQL store (issue 17): records land in their filed day's partition,
 * a call stays one row whatever the order of its events, retention drops whole expired days and
 * the reads afterwards equal the records, and a version-3 database keeps every row when migrated.
 */

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { numbered, PG_LATEST_VERSION } from '../../src/store/postgres/sql.js';
import {
  CALL_PAGE,
  SMS_LAG,
  SMS_PAGE,
  SMS_PENDING_BY_REFERENCE,
  SMS_STATS,
} from '../../src/store/postgres/statements.js';
import { openPostgresCallStore, type PostgresCallStore } from '../../src/store/postgres/store.js';
import { numberProtector } from '../../src/store/privacy.js';
import * as UPSERT from '../../src/store/records/upsert-sql.js';
import { callWrite, smsOriginWrite } from '../../src/store/records/writes.js';
import { CALL_COST_COLUMNS } from '../../src/store/sqlite/migrations.js';
import type { CallUpdate } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { until } from '../helpers/until.js';
import { KEY, lifecycle } from './contract.js';
import { atVersion3, expectReadsExact, partitions } from './partitions-kit.js';

const server = postgresForFile();

const DAY = 86_400_000;
const D0 = Date.UTC(2024, 2, 10);
// Ids as sent: these tests read partitions and key tables by id in SQL. Hashed ids on PostgreSQL
// (and the rewrite of an older database's) are tested in record-ids.e2e.test.ts.
const privacy = { hashKey: KEY, storeRaw: false, revealCallIds: true };

/** Call `i` of a mixed day: answered, busy, failed with a cause, or still active. */
function call(id: string, at: number, i: number): CallUpdate[] {
  switch (i % 4) {
    case 0:
      return lifecycle(id, at, { to: '+15551234567' });
    case 1:
      return [
        { kind: 'started', callId: id, at, direction: 'inbound', channel: 'sip', trunk: `t${i % 3}` },
        { kind: 'ended', callId: id, at: at + 4000, sipCode: 486 },
      ];
    case 2:
      return [
        { kind: 'started', callId: id, at, direction: 'outbound', channel: 'pstn' },
        { kind: 'ringing', callId: id, at: at + 1500 },
        { kind: 'ended', callId: id, at: at + 9000, q850: 34, reason: 'network_error' },
      ];
    default:
      return [{ kind: 'started', callId: id, at, direction: 'outbound', channel: 'sip', trunk: 't1' }];
  }
}

async function withStore(
  fn: (store: PostgresCallStore, db: pg.Client, schema: string) => Promise<void>,
  opts: { exactPercentilesUpTo?: number } = {},
): Promise<void> {
  const schema = freshSchema();
  const store = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'p', ...opts });
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query(`SET search_path = ${schema}`);
  try {
    await fn(store, db, schema);
  } finally {
    await db.end();
    await store.close();
    await dropSchema(server.url, schema);
  }
}

const partitionOf = async (db: pg.Client, table: string) =>
  Object.fromEntries(
    (
      await db.query(`SELECT ${table === 'calls' ? 'call_id' : 'message_id'} AS id,
      tableoid::regclass::text AS part FROM ${table}`)
    ).rows.map((r) => [r.id, r.part]),
  ) as Record<string, string>;
const tomorrow = () => {
  const d = new Date(Date.now() + DAY);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
};

describe('PostgreSQL day partitions', () => {
  it('files each record in the partition of its first day, and a call stays one row', async () => {
    await withStore(async (store, db) => {
      const batch: CallUpdate[] = [];
      for (let d = 0; d < 3; d++)
        for (let i = 0; i < 8; i++) batch.push(...call(`d${d}-${i}`, D0 + d * DAY + i * 60_000, i));
      await store.applyBatch(batch);
      // Across midnight: started on day 0, answered and ended on day 1, in three batches.
      const late = D0 + DAY - 10_000;
      await store.apply({
        kind: 'started',
        callId: 'midnight',
        at: late,
        direction: 'inbound',
        channel: 'sip',
      });
      await store.applyBatch([{ kind: 'answered', callId: 'midnight', at: late + 20_000 }]);
      await store.applyBatch([{ kind: 'ended', callId: 'midnight', at: late + 80_000, sipCode: 200 }]);
      // An earlier event arriving late: first seen on day 2, then its start on day 1.
      await store.applyBatch([
        { kind: 'answered', callId: 'moved', at: D0 + 2 * DAY + 5000 },
        { kind: 'ended', callId: 'moved', at: D0 + 2 * DAY + 65_000, sipCode: 200 },
      ]);
      await store.applyBatch([
        {
          kind: 'started',
          callId: 'moved',
          at: D0 + 2 * DAY - 30_000,
          direction: 'outbound',
          channel: 'sip',
        },
      ]);
      // The same for a call still in progress, moved back by more than a day.
      await store.applyBatch([{ kind: 'ringing', callId: 'moved-active', at: D0 + 2 * DAY + 1000 }]);
      await store.applyBatch([
        { kind: 'started', callId: 'moved-active', at: D0 + 5000, channel: 'sip', direction: 'inbound' },
      ]);
      await store.applySmsBatch([
        { kind: 'sent', messageId: 's0', at: D0 + 1000, to: '+15551234567' },
        { kind: 'delivery', messageId: 's0', at: D0 + DAY + 1000, outcome: 'delivered' },
        { kind: 'received', messageId: 's2', at: D0 + 2 * DAY, from: '+15557654321' },
      ]);

      expect(await partitions(db, 'calls')).toEqual(['calls_20240310', 'calls_20240311', 'calls_20240312']);
      // Made before it is needed, so that midnight's first calls create no partition.
      const ahead = await db.query('SELECT to_regclass($1) AS c, to_regclass($2) AS s', [
        `calls_${tomorrow()}`,
        `sms_${tomorrow()}`,
      ]);
      expect(ahead.rows[0]).toEqual({ c: `calls_${tomorrow()}`, s: `sms_${tomorrow()}` });
      const parts = await partitionOf(db, 'calls');
      expect(parts['d0-3']).toBe('calls_20240310');
      expect(parts['d2-7']).toBe('calls_20240312');
      expect(parts.midnight).toBe('calls_20240310');
      // Filed under the day it was first seen; its record starts on the day before.
      expect(parts.moved).toBe('calls_20240312');
      expect(await store.getCall('moved')).toMatchObject({
        firstAt: D0 + 2 * DAY - 30_000,
        status: 'completed',
        durationMs: 95_000,
      });
      expect(await store.getCall('midnight')).toMatchObject({ status: 'completed', durationMs: 80_000 });
      const count = async (sql: string) => Number((await db.query(sql)).rows[0].n);
      expect(parts['moved-active']).toBe('calls_20240312');
      expect(await count('SELECT COUNT(*) AS n FROM calls')).toBe(24 + 3);
      expect(await count('SELECT COUNT(DISTINCT call_id) AS n FROM calls')).toBe(24 + 3);
      expect(await count('SELECT COUNT(*) AS n FROM call_keys')).toBe(24 + 3);
      // The reads' filed-day bounds (call_days) still find the moved records, over any range.
      for (const [from, to] of [
        [D0, D0 + DAY],
        [D0 + DAY, D0 + 2 * DAY],
        [D0 + 3_000, D0 + 7_000],
        [D0 + DAY + 600_000, D0 + 2 * DAY - 600_000],
        [D0, D0 + 3 * DAY],
      ] as const) {
        const raw = await db.query(
          'SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE ended_at IS NULL) AS a FROM calls WHERE first_at >= $1 AND first_at < $2',
          [from, to],
        );
        let exported = 0;
        for await (const _ of store.iterateCalls({ from, to, chunkSize: 4 })) exported++;
        expect(exported).toBe(Number(raw.rows[0].n));
        for (const exact of [false, true]) {
          const stats = await store.stats({ from, to, exact });
          expect([stats.total, stats.active], `${from}..${to} exact ${exact}`).toEqual([
            Number(raw.rows[0].n),
            Number(raw.rows[0].a),
          ]);
        }
      }
      // A delivery report the next day updates the submission's row in its own partition.
      expect(await partitionOf(db, 'sms')).toEqual({ s0: 'sms_20240310', s2: 'sms_20240312' });
      expect((await store.getSms('s0'))?.status).toBe('delivered');
      await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
      await expectReadsExact(store, { from: D0 + DAY - 3_600_000, to: D0 + DAY + 3_600_000 });
      // A page of records from day 2 on never reads the partitions of earlier days.
      const plan = (
        await db.query(`EXPLAIN ${CALL_PAGE}`, [
          D0 + 2 * DAY,
          D0 + 3 * DAY,
          null,
          null,
          null,
          null,
          -1,
          10,
          DAY,
        ])
      ).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toContain('calls_20240312');
      expect(plan).not.toMatch(/calls_2024031[01]/);
    });
  });

  it('SMS reads plan only the days a range can be filed under, and find messages moved back', async () => {
    await withStore(async (store, db) => {
      await store.applySmsBatch(
        [0, 1, 2, 3, 4].map((d) => ({ kind: 'sent' as const, messageId: `s${d}`, at: D0 + d * DAY + 5000 })),
      );
      // A report first (filed on day 3), its submission on day 1 after it: the record starts two
      // days before its filed day.
      await store.applySmsBatch([
        { kind: 'delivery', messageId: 'late', at: D0 + 3 * DAY + 7000, outcome: 'delivered' },
      ]);
      await store.applySmsBatch([{ kind: 'sent', messageId: 'late', at: D0 + DAY + 9000 }]);
      expect((await partitionOf(db, 'sms')).late).toBe('sms_20240313');
      expect(Number((await db.query(SMS_LAG)).rows[0].lag)).toBe(2 * DAY);

      const day1 = { from: D0 + DAY, to: D0 + 2 * DAY };
      const stats = await store.smsStats(day1);
      expect([stats.total, stats.byStatus.delivered]).toEqual([2, 1]);
      const ids: string[] = [];
      for await (const m of store.iterateSms({ ...day1, chunkSize: 1 })) ids.push(m.messageId);
      expect(ids.sort()).toEqual(['late', 's1']);

      // Planned: day 1 and the two days its messages can be filed after it; not day 0, not day 4.
      const planned = async (sql: string, values: unknown[]) => {
        const plan = (await db.query(`EXPLAIN ${sql}`, values)).rows.map((r) => r['QUERY PLAN']).join('\n');
        return [...new Set(plan.match(/sms_\d{8}/g))].sort(); // tomorrow's partition (made ahead) too
      };
      const want = ['sms_20240311', 'sms_20240312', 'sms_20240313'];
      expect(await planned(SMS_STATS, [day1.from, day1.to, 2 * DAY, day1.to - DAY])).toEqual(want);
      expect(await planned(SMS_PAGE, [day1.from, day1.to, -1, 10, 2 * DAY])).toEqual(want);

      // A report matched by reference finds its submission of any day without reading a partition.
      await store.applySmsBatch([
        { kind: 'sent', messageId: 'p0', at: D0 + 6000, gateway: 'gw', reference: '7' },
        { kind: 'sent', messageId: 'pn', at: D0 + DAY + 6000, reference: '9' },
        { kind: 'sent', messageId: 'p2', at: D0 + 2 * DAY + 6000, gateway: 'gw', reference: '7' },
      ]);
      const pending = async () =>
        (await db.query('SELECT message_id FROM sms_pending ORDER BY 1')).rows.map((r) => r.message_id);
      expect(await pending()).toEqual(['p0', 'p2', 'pn']);
      expect(await planned(SMS_PENDING_BY_REFERENCE, ['gw', '7', D0 + 4 * DAY])).toEqual([]);
      const report = (id: string, reference: string, gateway?: string) => ({
        kind: 'delivery' as const,
        messageId: id,
        at: D0 + 3 * DAY + 1000,
        outcome: 'delivered' as const,
        match: { reference, ...(gateway === undefined ? {} : { gateway }) },
      });
      // The most recent pending one first; once delivered, the next report takes the older one.
      await store.applySms(report('r1', '7', 'gw'));
      await store.applySms(report('r2', '7', 'gw'));
      await store.applySms(report('r3', '9'));
      for (const id of ['p0', 'p2', 'pn']) expect((await store.getSms(id))?.status).toBe('delivered');
      expect(await store.getSms('r1')).toBeUndefined(); // filed under the submission, not its own id
      expect(await pending()).toEqual([]);
    });
  });

  it('retention drops whole expired days; reads afterwards equal the records', async () => {
    await withStore(
      async (store, db) => {
        const batch: CallUpdate[] = [];
        for (let d = 0; d < 5; d++)
          for (let i = 0; i < 12; i++) batch.push(...call(`d${d}-${i}`, D0 + d * DAY + i * 3_600_000, i));
        await store.applyBatch(batch);
        // First seen on day 3, moved back to day 1: its partition stays, the batched delete takes it.
        await store.applyBatch([{ kind: 'ended', callId: 'moved', at: D0 + 3 * DAY + 1000, sipCode: 486 }]);
        await store.applyBatch([
          { kind: 'started', callId: 'moved', at: D0 + DAY + 1000, direction: 'inbound', channel: 'sip' },
        ]);
        await store.applySmsBatch(
          [0, 1, 2, 3].map((d) => ({
            kind: 'sent' as const,
            messageId: `s${d}`,
            at: D0 + d * DAY + 5000,
            gateway: 'gw',
            reference: String(d),
          })),
        );
        expect(await partitions(db, 'calls')).toHaveLength(5);
        await expectReadsExact(store, { from: D0, to: D0 + 5 * DAY });

        // Cutoff at day 2, 06:00: days 0 and 1 are dropped whole; day 2 keeps rows from 06:00.
        const cutoff = D0 + 2 * DAY + 6 * 3_600_000;
        const res = await store.deleteOlderThan(1, { now: cutoff + DAY, batchSize: 5 });
        // 12 + 12 dropped with their partitions, 6 of day 2 and `moved` deleted in batches.
        expect(res).toEqual({ calls: 12 + 12 + 6 + 1, sms: 2 + 1 });
        expect(await partitions(db, 'calls')).toEqual(['calls_20240312', 'calls_20240313', 'calls_20240314']);
        expect(await partitions(db, 'sms')).toEqual(['sms_20240312', 'sms_20240313']);
        const gone = await db.query(
          "SELECT to_regclass('calls_20240310') AS a, to_regclass('sms_20240311') AS b",
        );
        expect(gone.rows[0]).toEqual({ a: null, b: null });
        expect(await store.getCall('moved')).toBeUndefined();
        expect(await store.getCall('d1-5')).toBeUndefined();
        expect(await store.getCall('d2-6')).toBeDefined();
        const n = async (sql: string) => Number((await db.query(sql)).rows[0].n);
        expect(await n('SELECT COUNT(*) AS n FROM calls')).toBe(60 - 31 + 1);
        expect(await n('SELECT COUNT(*) AS n FROM call_keys')).toBe(60 - 31 + 1);
        expect(await n('SELECT COUNT(*) AS n FROM sms_keys')).toBe(1);
        // The dropped days' filing lags went with them (sms_days, call_days), and their submissions
        // from the ones a report can match, as the batched delete's did.
        for (const t of ['sms_days', 'call_days'])
          expect(await n(`SELECT COUNT(*) AS n FROM ${t} WHERE filed_day < ${D0 + 2 * DAY}`)).toBe(0);
        expect((await db.query('SELECT message_id FROM sms_pending')).rows).toEqual([{ message_id: 's3' }]);
        // Nothing of the expired days is left in the rollups (retention prunes emptied rows).
        expect(await n(`SELECT COUNT(*) AS n FROM call_rollup_10m WHERE t < ${cutoff - 600_000 + 1}`)).toBe(
          0,
        );
        expect(await n(`SELECT COUNT(*) AS n FROM call_rollup_day WHERE t < ${D0 + 2 * DAY}`)).toBe(0);
        expect((await store.stats({ from: D0, to: D0 + 5 * DAY })).total).toBe(60 - 31 + 1);
        await expectReadsExact(store, { from: D0, to: D0 + 5 * DAY });
        await expectReadsExact(store, { from: cutoff - DAY, to: cutoff + DAY, trunk: 't1' });
        // The dropped days' call ids are new again: a late event starts a new record, filed anew.
        await store.applyBatch([{ kind: 'ended', callId: 'd0-1', at: D0 + 4 * DAY, sipCode: 486 }]);
        expect((await partitionOf(db, 'calls'))['d0-1']).toBe('calls_20240314');
        await expectReadsExact(store, { from: D0, to: D0 + 5 * DAY });
      },
      { exactPercentilesUpTo: 0 },
    );
  });

  it('a call another instance files while this batch waits for it keeps that day', async () => {
    await withStore(async (store, db) => {
      // Both days' partitions first: creating one would wait for the open transaction below.
      await store.applyBatch([
        { kind: 'ringing', callId: 'w0', at: D0 },
        { kind: 'ringing', callId: 'w1', at: D0 + DAY },
      ]);
      // Another instance, mid-batch: it has filed 'race' under day 0 and written its record.
      await db.query('BEGIN');
      await db.query('INSERT INTO call_keys (call_id, filed_day) VALUES ($1, $2)', ['race', D0]);
      await db.query('INSERT INTO calls (call_id, first_at, filed_day, ringing_at) VALUES ($1, $2, $3, $2)', [
        'race',
        D0 + 5000,
        D0,
      ]);
      // This batch would file it under day 1; its key insert waits for the other transaction.
      const pending = store.applyBatch([
        { kind: 'started', callId: 'race', at: D0 + DAY + 1000, direction: 'inbound', channel: 'sip' },
      ]);
      // Waiting for it indeed (was a fixed 300 ms): a lock request this transaction blocks, read
      // live from pg_locks (pg_stat_activity would be a snapshot taken once per transaction).
      await until(
        async () =>
          (
            await db.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))',
            )
          ).rows[0]?.n === 1,
        "the batch's key insert to wait for this transaction",
      );
      await db.query('COMMIT');
      await pending;
      const rows = await db.query(
        "SELECT tableoid::regclass::text AS part, first_at, started_at FROM calls WHERE call_id = 'race'",
      );
      expect(rows.rows).toEqual([
        { part: 'calls_20240310', first_at: String(D0 + 5000), started_at: String(D0 + DAY + 1000) },
      ]);
    });
  });

  it('instances writing new days and retention at once: no lost or doubled call', async () => {
    const schema = freshSchema();
    const open = (instance: string) =>
      openPostgresCallStore({ url: server.url, schema, privacy, instance, poolSize: 2 });
    const stores = await Promise.all(['a', 'b', 'c'].map(open));
    try {
      // An expired day to drop while the instances write.
      await stores[0]!.applyBatch(
        Array.from({ length: 40 }, (_, i) => call(`old-${i}`, D0 + i * 1000, i)).flat(),
      );
      // Each instance writes every call (the same ids, in another order), over days no partition
      // exists for yet, while one of them drops the expired day (and then finds nothing to drop).
      const ids = Array.from({ length: 60 }, (_, i) => i);
      const writes = stores.map(async (s, k) => {
        for (let r = 0; r < 6; r++) {
          const day = D0 + (r + 1) * DAY;
          await s.applyBatch(ids.flatMap((i) => call(`r${r}-${(i + k * 7) % 60}`, day + i * 1000, i)));
        }
      });
      const retention = (async () => {
        let dropped = 0;
        for (let r = 0; r < 6; r++)
          dropped += (await stores[0]!.deleteOlderThan(1, { now: D0 + 2 * DAY })).calls;
        return dropped;
      })();
      const [dropped] = await Promise.all([retention, ...writes]);
      expect(dropped).toBe(40);
      const fleet = { from: D0, to: D0 + 10 * DAY };
      expect((await stores[1]!.stats(fleet)).total).toBe(6 * 60);
      await expectReadsExact(stores[2]!, fleet);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(server.url, schema);
    }
  }, 60_000);

  it('migrates a version-3 database: every row moves, rollups stay equal to the records', async () => {
    const schema = freshSchema();
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // A database as sidetone left it at version 3, written by that version's statements.
      await atVersion3(db, schema);
      await db.query("SET sidetone.instance = 'old'");
      const protect = numberProtector(privacy);
      const CARRIER = [
        ['carrier_currency', 'TEXT'],
        ['carrier_per_minute', 'DOUBLE PRECISION'],
        ['carrier_increment_s', 'INTEGER'],
      ] as const;
      const v3 = {
        started: UPSERT.UPSERT_STARTED,
        ringing: UPSERT.UPSERT_RINGING,
        answered: UPSERT.UPSERT_ANSWERED,
        ended: UPSERT.UPSERT_ENDED,
        transcript: UPSERT.UPSERT_TRANSCRIPT,
        media: UPSERT.UPSERT_MEDIA,
      };
      // Today's `started` also writes version 14's end-to-end id and version 15's carrier price
      // (null here, no update has one): the columns are there only while they write, so the
      // database is then as version 3 left it.
      await db.query('ALTER TABLE calls ADD COLUMN end_to_end_id TEXT');
      for (const c of CARRIER) await db.query(`ALTER TABLE calls ADD COLUMN ${c[0]} ${c[1]}`);
      for (let d = 0; d < 3; d++) {
        for (let i = 0; i < 10; i++) {
          for (const u of call(`v3-${d}-${i}`, D0 + d * DAY + i * 600_000, i)) {
            // A version-3 database knew no voice-agent summary (version 8 added it).
            if (u.kind === 'agent') continue;
            const [kind, values] = callWrite(protect, u);
            await db.query(numbered(v3[kind as keyof typeof v3]), values);
          }
        }
      }
      await db.query('ALTER TABLE calls DROP COLUMN end_to_end_id');
      for (const c of CARRIER) await db.query(`ALTER TABLE calls DROP COLUMN ${c[0]}`);
      const [name, values] = smsOriginWrite(protect, {
        kind: 'sent',
        messageId: 'old-sms',
        at: D0,
        to: '+15551234567',
      });
      await db.query(
        numbered(name === 'smsSent' ? UPSERT.UPSERT_SMS_SENT : UPSERT.UPSERT_SMS_RECEIVED),
        values,
      );
      // Every row of the records and rollups, in a stable order (the copy keeps ids and values).
      const snapshot = async () => {
        const out: Record<string, string[]> = {};
        for (const t of [
          'calls',
          'sms',
          'call_rollup_10m',
          'call_rollup_hour',
          'call_rollup_day',
          'call_duration_day',
        ]) {
          // Columns later migrations add (the agent summary, version 8; the SIP flow, version 9; the
          // media per direction and turn list, version 11; the end-to-end id, version 14; the AMD
          // verdict and the cost, version 15) are null on moved rows.
          out[t] = (await db.query(`SELECT * FROM ${t}`)).rows
            .map(({ filed_day: _, ...rest }) =>
              JSON.stringify(
                Object.fromEntries(
                  Object.entries(rest).filter(
                    ([k]) =>
                      !k.startsWith('agent_') &&
                      k !== 'sip_flow' &&
                      k !== 'end_to_end_id' &&
                      !CALL_COST_COLUMNS.includes(k) &&
                      !/^(c2e|e2c)_/.test(k),
                  ),
                ),
              ),
            )
            .sort();
        }
        return out;
      };
      const before = await snapshot();
      expect(before.calls).toHaveLength(30);

      const store = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'new' });
      try {
        expect(store.schemaVersion).toBe(PG_LATEST_VERSION);
        expect(await snapshot()).toEqual(before);
        expect(await partitions(db, 'calls')).toEqual(['calls_20240310', 'calls_20240311', 'calls_20240312']);
        expect(Number((await db.query('SELECT COUNT(*) AS n FROM call_keys')).rows[0].n)).toBe(30);
        expect(await store.getCall('v3-1-4')).toMatchObject({
          status: 'completed',
          firstAt: D0 + DAY + 4 * 600_000,
        });
        expect((await store.getSms('old-sms'))?.status).toBe('sent');
        await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
        // Writing goes on: updates to moved calls, new calls with new ids.
        await store.applyBatch([
          { kind: 'ended', callId: 'v3-2-3', at: D0 + 2 * DAY + 4 * 3_600_000, sipCode: 200 },
          ...call('after', D0 + 2 * DAY + 7_200_000, 0),
        ]);
        const ids = (await db.query("SELECT call_id, id FROM calls WHERE call_id IN ('after', 'v3-2-3')"))
          .rows;
        expect(Number(ids.find((r) => r.call_id === 'after').id)).toBeGreaterThan(
          Math.max(...before.calls!.map((r) => Number(JSON.parse(r).id))),
        );
        expect(
          Number((await db.query("SELECT COUNT(*) AS n FROM calls WHERE call_id = 'v3-2-3'")).rows[0].n),
        ).toBe(1);
        await expectReadsExact(store, { from: D0, to: D0 + 3 * DAY });
      } finally {
        await store.close();
      }
    } finally {
      await db.end();
      await dropSchema(server.url, schema);
    }
  });
});
