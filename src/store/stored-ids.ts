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
import { type PrivacyConfig, RECORD_REF_PATTERN, type RecordKind, recordIds } from './privacy.js';

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

/**
 * PostgreSQL: each id column, with its key table where it has one (postgres/partitions.ts): the
 * raw ids are found there, and a record follows its key.
 */
const PG_COLUMNS: ReadonlyArray<{ keys?: string; table: string; column: string; kind: RecordKind }> = [
  { keys: 'call_keys', table: 'calls', column: 'call_id', kind: 'cid' },
  { keys: 'sms_keys', table: 'sms', column: 'message_id', kind: 'mid' },
  { table: 'sms', column: 'reference', kind: 'ref' },
  // A B2BUA leg's end-to-end id (issue 53): kept as the keyed hash its A leg's call_id is.
  { table: 'calls', column: 'end_to_end_id', kind: 'cid' },
];

/** `column` not already in hashed form: privacy.ts `isRecordRef` as a PostgreSQL regular expression. */
const pgRaw = (column: string) => `${column} !~ '${RECORD_REF_PATTERN}'`;

/** Raw ids and their hashes, for one transaction (the rewrite's): hashed here, joined there. */
const PG_ID_MAP = 'sidetone_id_map';

/**
 * {@link rewriteSqliteIds} for PostgreSQL, through `q`: the migration's client inside its transaction
 * (under its advisory lock, so one instance of a fleet does it; with its timeout, as a statement
 * here rewrites a whole table). Every id has a row in its key table, which is where raw ids are
 * found; `sms_pending` follows `sms` by its triggers.
 *
 * The key stays in this process: pages of raw ids are hashed here into a temporary table, which
 * one statement then joins to the keys and one to the records. Joining each page of 5,000 to the
 * records instead scanned every partition per page, so the open grew with the square of the
 * store (200,000 calls: 75.5 s of rewrite; bench/store-open.mjs).
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
    // The rollups group calls by what the classifier reads, never by an id: this rewrite leaves
    // every rollup row as it is, yet their update trigger would re-add all the calls it touches
    // (4.5 of 10.2 s at 100,000 calls). Off for the rewrite only, inside the migration's
    // transaction (DDL in PostgreSQL is transactional: a failure leaves it on).
    await q('ALTER TABLE calls DISABLE TRIGGER calls_rollup_update');
    await q(`CREATE TEMPORARY TABLE ${PG_ID_MAP} (old TEXT PRIMARY KEY, new TEXT NOT NULL) ON COMMIT DROP`);
    // The records are joined to the map by hashing it and reading them once in their order: a
    // merge join walked them in id order, a page read again for each row once the table outgrew
    // the buffers (1M calls: 103 s against 3.8 s at 100,000). Transaction-local, put back after.
    const joins = await q(
      "SELECT current_setting('enable_mergejoin') AS m, current_setting('enable_nestloop') AS n",
    );
    const { m: merge, n: nested } = joins.rows[0] as { m: string; n: string };
    await q("SELECT set_config('enable_mergejoin', 'off', true), set_config('enable_nestloop', 'off', true)");
    for (const { keys, table, column, kind } of PG_COLUMNS) {
      const ids = recordIds(privacy, kind, 0);
      await q(`TRUNCATE ${PG_ID_MAP}`);
      for (let last = ''; ; ) {
        const page = await q(
          `SELECT DISTINCT ${column} AS id FROM ${keys ?? table} WHERE ${column} > $1 AND ${pgRaw(column)}
           ORDER BY ${column} LIMIT ${BATCH}`,
          [last],
        );
        const old = page.rows.map((x) => (x as { id: string }).id);
        if (old.length === 0) break;
        last = old[old.length - 1] as string;
        await q(`INSERT INTO ${PG_ID_MAP} (old, new) SELECT * FROM unnest($1::text[], $2::text[])`, [
          old,
          old.map(ids),
        ]);
      }
      await q(`ANALYZE ${PG_ID_MAP}`);
      if (keys === undefined) {
        // Ids that are no key (sms_pending follows sms by trigger).
        rewritten +=
          (await q(`UPDATE ${table} t SET ${column} = m.new FROM ${PG_ID_MAP} m WHERE t.${column} = m.old`))
            .rowCount ?? 0;
        continue;
      }
      // A raw id whose hash is already a key (the same call written before and after a reveal was
      // switched off) stays as it is rather than fail the open; its records keep it too.
      const moved = await q(
        `UPDATE ${keys} k SET ${column} = m.new FROM ${PG_ID_MAP} m
         WHERE k.${column} = m.old AND NOT EXISTS (SELECT 1 FROM ${keys} x WHERE x.${column} = m.new)`,
      );
      rewritten += moved.rowCount ?? 0;
      await q(
        `UPDATE ${table} t SET ${column} = m.new FROM ${PG_ID_MAP} m
         WHERE t.${column} = m.old AND NOT EXISTS (SELECT 1 FROM ${keys} k WHERE k.${column} = m.old)`,
      );
    }
    await q("SELECT set_config('enable_mergejoin', $1, true), set_config('enable_nestloop', $2, true)", [
      merge,
      nested,
    ]);
    await q(`DROP TABLE ${PG_ID_MAP}`);
    await q('ALTER TABLE calls ENABLE TRIGGER calls_rollup_update');
  }
  await q(
    'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [KEY, want],
  );
  return rewritten;
}
