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
import { hmacSha256Pads } from './hmac.js';
import {
  type PrivacyConfig,
  RECORD_REF_HEX,
  RECORD_REF_PATTERN,
  type RecordKind,
  recordIds,
} from './privacy.js';

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
 * `recordIds(privacy, kind)` of the text column `column`, in SQL: the HMAC computed by PostgreSQL's
 * own `sha256()` from the padded keys `$1` (inner) and `$2` (outer) (hmac.ts `hmacSha256Pads`), and
 * a value already in hashed form (privacy.ts `isRecordRef`) left as it is by the caller's WHERE.
 */
const pgRecordId = (kind: RecordKind, column: string) =>
  `'${kind}:' || left(${pgHmacSha256Hex(column)}, ${RECORD_REF_HEX})`;

/**
 * HMAC-SHA256 of the text `column` (its UTF-8 bytes, as Node hashes a string) as lower-case hex,
 * in PostgreSQL (11 and later: `sha256()`), the padded keys bound as `$1` and `$2`. @internal
 * Exported for its test against RFC 4231's vectors and Node's HMAC.
 *
 * @example client.query(`SELECT ${pgHmacSha256Hex("'Hi There'")} AS mac`, [inner, outer])
 */
export const pgHmacSha256Hex = (column: string) =>
  `encode(sha256($2::bytea || sha256($1::bytea || convert_to(${column}, 'UTF8'))), 'hex')`;
/** `column` not already in hashed form: privacy.ts `isRecordRef` as a PostgreSQL regular expression. */
const pgRaw = (column: string) => `${column} !~ '${RECORD_REF_PATTERN}'`;

/**
 * {@link rewriteSqliteIds} for PostgreSQL, through `q`: the migration's client inside its transaction
 * (under its advisory lock, so one instance of a fleet does it; with its timeout, as one statement
 * here rewrites a whole table). Every id has a row in its key table,
 * which is where raw ids are found; `sms_pending` follows `sms` by its triggers.
 *
 * One statement per id column, the HMAC computed in the database: paging the key table through
 * Node and joining each page of 5,000 back to the partitioned records scanned every partition per
 * page, so the open grew with the square of the store (200,000 calls: 75.5 s; bench/store-open.mjs).
 *
 * @example await rewritePostgresIds((t, v) => client.query(t, v), { hashKey, storeRaw: false }); // 0 once hashed
 */
export async function rewritePostgresIds(
  q: (text: string, values?: unknown[]) => Promise<pg.QueryResult>,
  privacy: PrivacyConfig,
): Promise<number> {
  const want = wanted(privacy);
  const r = await q('SELECT value FROM sidetone_meta WHERE key = $1', [KEY]);
  if (r.rows[0]?.value === want) return 0;
  let rewritten = 0;
  if (want === 'hashed') {
    const { inner, outer } = hmacSha256Pads(privacy.hashKey);
    // The rollups group calls by what the classifier reads, never by an id: this update leaves
    // every rollup row as it is, yet its statement trigger would re-add all the store's calls
    // (4.5 of 10.2 s at 100,000 calls). Off for the rewrite only, inside the migration's
    // transaction (DDL in PostgreSQL is transactional: a failure leaves it on).
    await q('ALTER TABLE calls DISABLE TRIGGER calls_rollup_update');
    for (const { keys, table, column, kind } of PG_TABLES) {
      // A raw id whose hash is already a key (the same call written before and after a reveal was
      // switched off) stays as it is rather than fail the open.
      const moved = await q(
        `UPDATE ${keys} k SET ${column} = ${pgRecordId(kind, `k.${column}`)} WHERE ${pgRaw(`k.${column}`)}
           AND NOT EXISTS (SELECT 1 FROM ${keys} x WHERE x.${column} = ${pgRecordId(kind, `k.${column}`)})`,
        [inner, outer],
      );
      rewritten += moved.rowCount ?? 0;
      // The records follow their keys: those whose raw key stayed keep it. Each record's own id
      // hashed again rather than joined to the keys moved: the join walked the records in id
      // order, a page read back for each of its rows once the table outgrew the buffers (1M
      // calls: 103 s against 100,000: 3.8 s), where this reads them once in their order.
      await q(
        `UPDATE ${table} t SET ${column} = ${pgRecordId(kind, `t.${column}`)} WHERE ${pgRaw(`t.${column}`)}
           AND NOT EXISTS (SELECT 1 FROM ${keys} k WHERE k.${column} = t.${column})`,
        [inner, outer],
      );
    }
    // Ids that are no key: along the records themselves (sms_pending follows sms by trigger).
    for (const { table, column, kind } of PG_RECORD_COLUMNS) {
      const done = await q(
        `UPDATE ${table} SET ${column} = ${pgRecordId(kind, column)} WHERE ${column} IS NOT NULL AND ${pgRaw(column)}`,
        [inner, outer],
      );
      rewritten += done.rowCount ?? 0;
    }
    await q('ALTER TABLE calls ENABLE TRIGGER calls_rollup_update');
  }
  await q(
    'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [KEY, want],
  );
  return rewritten;
}
