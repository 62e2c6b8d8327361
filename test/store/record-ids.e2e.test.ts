/**
 * Call and message ids, and SMS submission references, as the stores keep them (issue 31, defect
 * 7: the SQLite file kept raw Call-IDs, bare phone numbers among them). On both backends: written
 * ids become their keyed hash, a lookup by the id as sent or by the reference finds the record, a
 * store written before (or with ids revealed) is rewritten once on open, and afterwards no raw id
 * is left: not in any table, and on SQLite not in the file's bytes either.
 */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_LATEST_VERSION } from '../../src/store/postgres/sql.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { type PrivacyConfig, recordIds } from '../../src/store/privacy.js';
import { AGENT_COLUMNS, STREAM_COLUMNS } from '../../src/store/records/upsert-sql.js';
import { GRAINS } from '../../src/store/rollup/groups.js';
import { CALL_COST_COLUMNS, migrate } from '../../src/store/sqlite/migrations.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import { rewritePostgresIds } from '../../src/store/stored-ids.js';
import type { CallStore } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { cid, deliveredByReference, KEY, lifecycle, mid, T } from './contract-kit.js';
import { tempDir } from './helpers.js';

const HASHED: PrivacyConfig = { hashKey: KEY, storeRaw: false };
const REVEALED: PrivacyConfig = { ...HASHED, revealCallIds: true };
const ref = recordIds(HASHED, 'ref');

/** Ids no store may keep: a name, a bare number, a number in a Call-ID. */
const RAW_CALLS = ['Margaret-Thatcher-1234', '+447700900123', '447700900999@10.0.0.7'];
const RAW_SMS = 'sms-to-Margaret-Thatcher';
const RAW_REF = 'SMb1f2e3d4c5Margaret';

async function writeRaw(store: CallStore): Promise<void> {
  for (const [i, id] of RAW_CALLS.entries()) await store.applyBatch(lifecycle(id, T + i * 1000));
  await store.applySmsBatch([
    { kind: 'sent', messageId: RAW_SMS, at: T, to: '+447700900555', gateway: 'modem0', reference: RAW_REF },
  ]);
}

/** Every raw id is gone, every record is found by its id as sent and by its reference. */
async function expectHashed(store: CallStore): Promise<void> {
  for (const id of RAW_CALLS) {
    const byId = await store.getCall(id);
    expect(byId?.callId, id).toBe(cid(id));
    expect((await store.getCall(cid(id)))?.status).toBe('completed');
  }
  expect((await store.getSms(RAW_SMS))?.messageId).toBe(mid(RAW_SMS));
  // The reference still matches: a delivery report finds its submission by it.
  await store.applySmsBatch([deliveredByReference(RAW_REF, T + 5000)]);
  expect((await store.getSms(RAW_SMS))?.status).toBe('delivered');
}

const LEAKS = [...RAW_CALLS, RAW_SMS, RAW_REF, 'Margaret', '447700900'];

describe('record ids on SQLite', () => {
  let remove = () => {};
  afterEach(() => remove());

  it('keeps only keyed hashes; the file bytes hold no raw id', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy: HASHED });
    await writeRaw(store);
    await expectHashed(store);
    await store.close();
    expectCleanFile(path);
  });

  it('rewrites the end-to-end ids a revealed store kept (B2BUA legs, issue 53) when ids are hashed', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const [a, b] = RAW_CALLS as unknown as [string, string];
    const revealed = await openSqliteCallStore({ path, privacy: REVEALED });
    for (const [id, at] of [
      [a, T],
      [b, T + 20],
    ] as const)
      await revealed.applyBatch([
        { kind: 'started', callId: id, at, direction: 'inbound', channel: 'sip', endToEndId: a },
        { kind: 'ended', callId: id, at: at + 3000, sipCode: 486 },
      ]);
    expect((await revealed.getCall(b))?.endToEndId).toBe(a);
    await revealed.close();
    const store = await openSqliteCallStore({ path, privacy: HASHED });
    const e = (await store.getCall(b))?.endToEnd;
    expect(e?.id).toBe(cid(a));
    expect(e?.legs.map((l) => l.callId)).toEqual([cid(a), cid(b)]);
    await store.close();
    expectCleanFile(path);
  });

  it('rewrites a schema-8 file with raw ids once on open, overwriting their bytes', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'old.db');
    // A file as sidetone wrote it before ids were hashed: schema 8, raw ids, raw reference.
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, path, 8)).toBe(8);
    db.close();
    const old = await openSqliteCallStore({ path, privacy: REVEALED });
    await writeRaw(old);
    await old.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT call_id FROM calls ORDER BY id').pluck().all()).toEqual(RAW_CALLS);
    raw.close();

    const store = await openSqliteCallStore({ path, privacy: HASHED });
    await expectHashed(store);
    await store.close();
    expectCleanFile(path);
    const after = new Database(path, { readonly: true });
    expect(after.prepare("SELECT value FROM sidetone_meta WHERE key = 'record_ids'").pluck().get()).toBe(
      'hashed',
    );
    after.close();
  });
});

/** Neither the file nor its WAL holds any raw id, in any table, index or freed page. */
function expectCleanFile(path: string): void {
  for (const file of [path, `${path}-wal`]) {
    if (!existsSync(file)) continue;
    const bytes = readFileSync(file, 'latin1');
    for (const s of LEAKS) expect(bytes.includes(s), `${s} in ${file}`).toBe(false);
  }
}

describe('record ids on PostgreSQL', () => {
  const server = postgresForFile();

  it('keeps only keyed hashes, and rewrites a schema-6 database with raw ids once on open', async () => {
    const schema = freshSchema();
    const open = (privacy: PrivacyConfig) =>
      openPostgresCallStore({ url: server.url, schema, privacy, instance: 't' });
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      // A database as an older sidetone left it: raw ids, schema 6 (no sidetone_meta).
      const old = await open(REVEALED);
      await writeRaw(old);
      await old.close();
      await db.query(`SET search_path = ${schema}`);
      // Everything after version 6 undone: its meta table, the agent summary of version 8, the
      // SIP flow of version 9, the modem history of version 10, the media per direction and
      // turn list of version 11, the end-to-end id of version 14 (its index goes with it), the
      // cost columns of version 15 and the legs per day of version 17.
      await db.query(
        `DELETE FROM sidetone_schema WHERE version > 6; DROP TABLE sidetone_meta; DROP TABLE modem_samples;
         ALTER TABLE call_days DROP COLUMN legs;
         ALTER TABLE calls ${[...AGENT_COLUMNS, 'sip_flow', ...STREAM_COLUMNS, 'agent_turn_list', 'end_to_end_id', ...CALL_COST_COLUMNS].map((c) => `DROP COLUMN ${c}`).join(', ')}`,
      );
      expect(
        (await db.query('SELECT call_id FROM call_keys ORDER BY call_id')).rows.map((r) => r.call_id),
      ).toEqual([...RAW_CALLS].sort());

      const store = await open(HASHED);
      expect(store.schemaVersion).toBe(PG_LATEST_VERSION);
      await expectHashed(store);
      await store.close();
      const left = await db.query(
        `SELECT call_id AS v FROM calls UNION ALL SELECT call_id FROM call_keys
         UNION ALL SELECT message_id FROM sms UNION ALL SELECT message_id FROM sms_keys
         UNION ALL SELECT message_id FROM sms_pending UNION ALL SELECT reference FROM sms`,
      );
      const values = left.rows.map((r) => String(r.v));
      for (const s of LEAKS)
        expect(
          values.filter((v) => v.includes(s)),
          s,
        ).toEqual([]);
      expect(values).toContain(ref(RAW_REF));
      expect((await db.query("SELECT value FROM sidetone_meta WHERE key = 'record_ids'")).rows).toEqual([
        { value: 'hashed' },
      ]);
      // Opening again rewrites nothing and finds the same records.
      const again = await open(HASHED);
      expect((await again.getCall(RAW_CALLS[0] as string))?.callId).toBe(cid(RAW_CALLS[0] as string));
      await again.close();
    } finally {
      await db.end();
      await dropSchema(server.url, schema);
    }
  });
  it('rewrites the records of 12,000 raw ids in as many statements as those of 4 (one pass over each table), leaving the rollups as they were', async () => {
    const statements: number[] = [];
    for (const n of [4, 12_000]) {
      const schema = freshSchema();
      const old = await openPostgresCallStore({ url: server.url, schema, privacy: REVEALED, instance: 't' });
      await writeRaw(old);
      await old.close();
      const db = new pg.Client({ connectionString: server.url });
      await db.connect();
      try {
        await db.query(`SET search_path = ${schema}`);
        // The rest of the calls as an older sidetone filed them: raw ids, each with its key.
        await db.query(
          `INSERT INTO calls (call_id, first_at, started_at, answered_at, ended_at, sip_code, filed_day)
           SELECT 'raw-call-' || i, $1::bigint + i, $1::bigint + i, $1::bigint + i + 900, $1::bigint + i + 60000, 200,
             sidetone_day($1::bigint) FROM generate_series(1, $2::int) i`,
          [T, n - RAW_CALLS.length],
        );
        await db.query(
          "INSERT INTO call_keys (call_id, filed_day) SELECT call_id, filed_day FROM calls WHERE call_id LIKE 'raw-call-%'",
        );
        const rollups = async () =>
          (
            await db.query(
              `${GRAINS.flatMap((g) => [g.calls, g.durations])
                .map((t) => `SELECT '${t}' AS t, to_jsonb(r)::text AS row FROM ${t} r`)
                .join(' UNION ALL ')} ORDER BY 1, 2`,
            )
          ).rows;
        const before = await rollups();
        // Every index of the tables (12,000 ids are rewritten with the indexes dropped and built again).
        const indexes = async () =>
          (
            await db.query(
              'SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname',
            )
          ).rows;
        const indexesBefore = await indexes();
        expect(before.length).toBeGreaterThan(0);
        // Statements that rewrite records: each pass over a partitioned table reads every partition.
        let count = 0;
        const counting = (text: string, values?: unknown[]) => {
          if (/^\s*UPDATE (calls|sms)\b/.test(text)) count++;
          return db.query(text, values);
        };
        await db.query('BEGIN');
        expect(await rewritePostgresIds(counting, HASHED)).toBe(n + 2);
        await db.query('COMMIT');
        statements.push(count);
        const raw = await db.query(
          `SELECT (SELECT count(*) FROM calls WHERE call_id NOT LIKE 'cid:%')::int AS calls,
             (SELECT count(*) FROM call_keys WHERE call_id NOT LIKE 'cid:%')::int AS keys`,
        );
        expect(raw.rows[0]).toEqual({ calls: 0, keys: 0 });
        expect(await rollups()).toEqual(before);
        expect(await indexes()).toEqual(indexesBefore);
        // The triggers the rewrite switched off (rollups, filing lags) are on again.
        const on = await db.query(
          "SELECT tgname, tgenabled FROM pg_trigger WHERE tgname IN ('calls_rollup_update', 'calls_days_update') AND tgrelid = 'calls'::regclass ORDER BY 1",
        );
        expect(on.rows).toEqual([
          { tgname: 'calls_days_update', tgenabled: 'O' },
          { tgname: 'calls_rollup_update', tgenabled: 'O' },
        ]);
      } finally {
        await db.end();
      }
      const store = await openPostgresCallStore({ url: server.url, schema, privacy: HASHED, instance: 't' });
      await expectHashed(store);
      expect((await store.getCall('raw-call-1'))?.callId).toBe(cid('raw-call-1'));
      await store.close();
      await dropSchema(server.url, schema);
    }
    expect(statements[1], 'record updates for 12,000 calls against 4').toBe(statements[0]);
  });
  it('leaves a raw id whose hash is already a record as it is, key and record, and hashes the rest', async () => {
    const schema = freshSchema();
    const old = await openPostgresCallStore({ url: server.url, schema, privacy: REVEALED, instance: 't' });
    // The same call written with ids revealed, then again after they were hashed.
    await old.applyBatch(lifecycle('dup-call', T));
    await old.applyBatch(lifecycle(cid('dup-call'), T + 5000));
    await old.applyBatch(lifecycle('lone-call', T + 9000));
    await old.close();
    const db = new pg.Client({ connectionString: server.url });
    await db.connect();
    try {
      await db.query(`SET search_path = ${schema}`);
      await db.query('BEGIN');
      expect(await rewritePostgresIds((t, v) => db.query(t, v), HASHED)).toBe(1);
      await db.query('COMMIT');
      const ids = async (t: string) =>
        (await db.query(`SELECT call_id FROM ${t} ORDER BY call_id`)).rows.map((r) => r.call_id);
      const want = ['dup-call', cid('dup-call'), cid('lone-call')].sort();
      expect(await ids('calls')).toEqual(want);
      expect(await ids('call_keys')).toEqual(want);
    } finally {
      await db.end();
      await dropSchema(server.url, schema);
    }
  });
});
