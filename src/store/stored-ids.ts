/**
 * Call and message ids (and SMS submission references) already in a store, brought to the form
 * the store keeps now: files and databases written before ids were hashed (schema 8 and PostgreSQL
 * schema 6) hold raw Call-IDs, bare phone numbers among them. On open, with ids hashed (the
 * default), every raw id is replaced by its keyed hash (privacy.ts `recordIds`), once:
 * `sidetone_meta` records that the store's ids are hashed, so later opens read one row. With
 * `revealCallIds` the store records `revealed` and keeps new ids as sent; hashed ids cannot be
 * turned back.
 *
 * SQLite rewrites with `secure_delete` on and then checkpoints the WAL into the file, so the raw
 * ids' bytes are overwritten, not left in freed cells or pages. PostgreSQL leaves dead tuples
 * until VACUUM (docs/deploy.md says to run `VACUUM FULL calls, call_keys, sms, sms_keys` once).
 */
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { type PrivacyConfig, recordIds } from './privacy.js';

/** The `sidetone_meta` key that records how the store's ids are kept. */
const KEY = 'record_ids';
/** Ids rewritten per statement: bounded memory on stores of any size. */
const BATCH = 5000;

const wanted = (privacy: PrivacyConfig) => (privacy.revealCallIds === true ? 'revealed' : 'hashed');

/** The tables and id columns to rewrite, with the hash kind of each id. */
const SQLITE_TABLES = [
  { table: 'calls', column: 'call_id', kind: 'cid' },
  { table: 'sms', column: 'message_id', kind: 'mid' },
  { table: 'sms', column: 'reference', kind: 'ref' },
  // A B2BUA leg's end-to-end id (issue 53): kept as the keyed hash its A leg's call_id is.
  { table: 'calls', column: 'end_to_end_id', kind: 'cid' },
] as const;

/**
 * Bring a SQLite store's ids to the configured form (see above). Returns how many ids were
 * rewritten. Runs in one transaction: a crash leaves the file as it was, and the next open redoes it.
 *
 * @example rewriteSqliteIds(db, { hashKey, storeRaw: false }); // 0 once the file is hashed
 */
export function rewriteSqliteIds(db: Database.Database, privacy: PrivacyConfig): number {
  const want = wanted(privacy);
  const got = db.prepare('SELECT value FROM sidetone_meta WHERE key = ?').pluck().get(KEY);
  if (got === want) return 0;
  const mark = db.prepare('INSERT OR REPLACE INTO sidetone_meta (key, value) VALUES (?, ?)');
  if (want === 'revealed') {
    mark.run(KEY, want);
    return 0;
  }
  let rewritten = 0;
  const secure = db.pragma('secure_delete', { simple: true });
  db.pragma('secure_delete = ON');
  try {
    db.transaction(() => {
      for (const { table, column, kind } of SQLITE_TABLES) {
        const ids = recordIds(privacy, kind);
        const page = db
          .prepare(`SELECT id, ${column} FROM ${table} WHERE id > ? ORDER BY id LIMIT ${BATCH}`)
          .raw();
        // OR IGNORE: a raw id whose hash is already a record (the same call written before and after
        // a reveal was switched off) stays as it is rather than fail the open.
        const set = db.prepare(`UPDATE OR IGNORE ${table} SET ${column} = ? WHERE id = ?`);
        for (let after = -1; ; ) {
          const rows = page.all(after) as Array<[number, string | null]>;
          for (const [id, raw] of rows) {
            if (raw === null) continue;
            const hashed = ids(raw);
            if (hashed !== raw) rewritten += set.run(hashed, id).changes;
          }
          if (rows.length < BATCH) break;
          after = (rows[rows.length - 1] as [number, string | null])[0];
        }
      }
      mark.run(KEY, want);
    })();
    // The WAL holds the new pages; copy them over the old ones in the file now.
    if (rewritten > 0) db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.pragma(`secure_delete = ${secure === 1 ? 'ON' : 'OFF'}`);
  }
  return rewritten;
}

/** PostgreSQL: each id column and its key table (postgres/partitions.ts). */
const PG_TABLES = [
  { keys: 'call_keys', table: 'calls', column: 'call_id', kind: 'cid' },
  { keys: 'sms_keys', table: 'sms', column: 'message_id', kind: 'mid' },
] as const;

/** PostgreSQL: ids with no key table, rewritten along their records. */
const PG_RECORD_COLUMNS = [
  { table: 'sms', column: 'reference', kind: 'ref' },
  // A B2BUA leg's end-to-end id (issue 53): kept as the keyed hash its A leg's call_id is.
  { table: 'calls', column: 'end_to_end_id', kind: 'cid' },
] as const;

/**
 * {@link rewriteSqliteIds} for PostgreSQL, on a client inside the migration's transaction (under
 * its advisory lock, so one instance of a fleet does it). Every id has a row in its key table,
 * which is where raw ids are found; `sms_pending` follows `sms` by its triggers.
 */
export async function rewritePostgresIds(client: pg.PoolClient, privacy: PrivacyConfig): Promise<number> {
  const want = wanted(privacy);
  const r = await client.query<{ value: string }>('SELECT value FROM sidetone_meta WHERE key = $1', [KEY]);
  if (r.rows[0]?.value === want) return 0;
  let rewritten = 0;
  if (want === 'hashed') {
    for (const { keys, table, column, kind } of PG_TABLES) {
      const ids = recordIds(privacy, kind);
      // One pass along the key table's primary key; a raw id whose hash is already a record (the
      // same call written before and after a reveal was switched off) stays rather than fail.
      for (let last = ''; ; ) {
        const page = await client.query<{ id: string }>(
          `SELECT ${column} AS id FROM ${keys} WHERE ${column} > $1 ORDER BY ${column} LIMIT ${BATCH}`,
          [last],
        );
        if (page.rows.length === 0) break;
        last = (page.rows[page.rows.length - 1] as { id: string }).id;
        const from = page.rows.map((x) => x.id).filter((id) => ids(id) !== id);
        if (from.length === 0) continue;
        const moved = await client.query<{ old: string; new: string }>(
          `UPDATE ${keys} k SET ${column} = m.new
           FROM (SELECT * FROM unnest($1::text[], $2::text[]) AS m(old, new)) m
           WHERE k.${column} = m.old AND NOT EXISTS (SELECT 1 FROM ${keys} x WHERE x.${column} = m.new)
           RETURNING m.old, m.new`,
          [from, from.map(ids)],
        );
        await client.query(
          `UPDATE ${table} t SET ${column} = m.new
           FROM (SELECT * FROM unnest($1::text[], $2::text[]) AS m(old, new)) m WHERE t.${column} = m.old`,
          [moved.rows.map((x) => x.old), moved.rows.map((x) => x.new)],
        );
        rewritten += moved.rows.length;
      }
    }
    // Ids that are no key: along the records themselves (sms_pending follows sms by trigger).
    for (const { table, column, kind } of PG_RECORD_COLUMNS) {
      const ids = recordIds(privacy, kind);
      for (let last = '0'; ; ) {
        const page = await client.query<{ id: string; v: string }>(
          `SELECT id::text AS id, ${column} AS v FROM ${table} WHERE id > $1::bigint AND ${column} IS NOT NULL ORDER BY id LIMIT ${BATCH}`,
          [last],
        );
        if (page.rows.length === 0) break;
        last = (page.rows[page.rows.length - 1] as { id: string }).id;
        const raw = page.rows.filter((r) => ids(r.v) !== r.v);
        if (raw.length === 0) continue;
        await client.query(
          `UPDATE ${table} s SET ${column} = m.new
           FROM (SELECT * FROM unnest($1::bigint[], $2::text[]) AS m(id, new)) m WHERE s.id = m.id`,
          [raw.map((r) => r.id), raw.map((r) => ids(r.v))],
        );
        rewritten += raw.length;
      }
    }
  }
  await client.query(
    'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [KEY, want],
  );
  return rewritten;
}
