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
import { CALL_COST_COLUMNS, migrate } from '../../src/store/sqlite/migrations.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallStore } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { cid, KEY, lifecycle, mid, T } from './contract-kit.js';
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
  await store.applySmsBatch([
    {
      kind: 'delivery',
      messageId: 'report-1',
      at: T + 5000,
      outcome: 'delivered',
      match: { reference: RAW_REF, gateway: 'modem0' },
    },
  ]);
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
      // turn list of version 11, the end-to-end id of version 14 (its index goes with it) and the
      // cost columns of version 15.
      await db.query(
        `DELETE FROM sidetone_schema WHERE version > 6; DROP TABLE sidetone_meta; DROP TABLE modem_samples;
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
});
