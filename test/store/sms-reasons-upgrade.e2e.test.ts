/**
 * One word per SMS failure reason (issue 33): stores written before SQLite 14 / PostgreSQL 12 held
 * `network_error`, `modem_error`, `no_credit`; after the upgrade every read gives the ingest API's
 * `network`, `modem`, `quota`, on both backends (a real PostgreSQL).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_LATEST_VERSION } from '../../src/store/postgres/sql.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { CALL_COST_COLUMNS } from '../../src/store/sqlite/migrations.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallStore, SmsRecord } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY } from './contract.js';
import { tempDir } from './helpers.js';

const server = postgresForFile();
const privacy = { hashKey: KEY, storeRaw: false };
const T = Date.UTC(2024, 0, 15, 10);
const OLD: Record<string, string> = { network: 'network_error', modem: 'modem_error', quota: 'no_credit' };
const NEW = ['network', 'modem', 'quota', 'timeout'] as const;

/** Messages refused for each reason (and one delivered, with none). */
async function write(store: CallStore): Promise<void> {
  await store.applySmsBatch([
    ...NEW.map((reason, i) => ({
      kind: 'send_failed' as const,
      messageId: `m-${reason}`,
      at: T + i,
      reason,
    })),
    { kind: 'sent', messageId: 'm-ok', at: T + 9, to: '+15551234567' },
  ]);
}

/** What each read path gives for the reasons: by id, and by range. */
async function reasons(store: CallStore): Promise<Record<string, unknown>> {
  const byId = Object.fromEntries(
    await Promise.all(NEW.map(async (r) => [r, (await store.getSms(`m-${r}`))?.failureReason])),
  );
  const listed: SmsRecord[] = [];
  for await (const m of store.iterateSms({ from: T - 1, to: T + 60_000, chunkSize: 2 })) listed.push(m);
  // Listed ids are shown hashed: the reasons in filing order.
  return { byId, listed: listed.map((m) => m.failureReason) };
}

const EXPECTED = {
  byId: { network: 'network', modem: 'modem', quota: 'quota', timeout: 'timeout' },
  listed: [...NEW, null],
};

/** `UPDATE sms` back to the old words, as a store of the previous release holds them. */
const OLD_WORDS = `UPDATE sms SET failure_reason = CASE failure_reason ${Object.entries(OLD)
  .map(([now, old]) => `WHEN '${now}' THEN '${old}'`)
  .join(' ')} ELSE failure_reason END`;

describe('SMS failure reasons: one word, old stores migrated', () => {
  it('SQLite: a schema-13 file with the old words reads back the new ones everywhere', async () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'old.db');
      const store = await openSqliteCallStore({ path, privacy });
      await write(store);
      await store.close();
      // The file as schema 13 left it: the same tables (without version 16's end-to-end id,
      // version 17's cost columns and version 18's index on the linked legs), the old words.
      const db = new Database(path);
      db.exec(
        'DROP INDEX calls_end_to_end_first_at; DROP INDEX calls_end_to_end_id; ALTER TABLE calls DROP COLUMN end_to_end_id',
      );
      for (const c of CALL_COST_COLUMNS) db.exec(`ALTER TABLE calls DROP COLUMN ${c}`);
      db.exec(OLD_WORDS);
      db.pragma('user_version = 13');
      expect(db.prepare('SELECT DISTINCT failure_reason FROM sms ORDER BY 1').pluck().all()).toEqual([
        null,
        'modem_error',
        'network_error',
        'no_credit',
        'timeout',
      ]);
      db.close();

      const upgraded = await openSqliteCallStore({ path, privacy });
      expect(upgraded.schemaVersion).toBe(18);
      expect(await reasons(upgraded)).toEqual(EXPECTED);
      await upgraded.close();
    } finally {
      t.remove();
    }
  });

  it('PostgreSQL: a schema-11 database with the old words reads back the new ones everywhere', async () => {
    const schema = freshSchema();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const store = await openPostgresCallStore({ url: server.url, schema, privacy });
      await write(store);
      await store.close();
      await client.query(`SET search_path = ${schema}`);
      await client.query(OLD_WORDS);
      await client.query('DELETE FROM sidetone_schema WHERE version > 11');
      // Version 14's end-to-end id undone too (its indexes, 16's too, go with it): schema 11 had none.
      await client.query('ALTER TABLE calls DROP COLUMN end_to_end_id');
      // And version 15's cost columns.
      for (const c of CALL_COST_COLUMNS) await client.query(`ALTER TABLE calls DROP COLUMN ${c}`);
      // And version 17's legs per day.
      await client.query('ALTER TABLE call_days DROP COLUMN legs');
      const { rows } = await client.query('SELECT DISTINCT failure_reason AS r FROM sms ORDER BY 1');
      expect(rows.map((r) => r.r)).toEqual(['modem_error', 'network_error', 'no_credit', 'timeout', null]);

      const upgraded = await openPostgresCallStore({ url: server.url, schema, privacy });
      expect(upgraded.schemaVersion).toBe(PG_LATEST_VERSION);
      expect(await reasons(upgraded)).toEqual(EXPECTED);
      await upgraded.close();
    } finally {
      await client.end();
      await dropSchema(server.url, schema);
    }
  });
});
