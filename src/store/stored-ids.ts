/**
 * Call and message ids (and SMS submission references) already in a store, brought to the form
 * the store keeps now: files and databases written before ids were hashed (schema 8 and PostgreSQL
 * schema 6) hold raw Call-IDs, bare phone numbers among them. On open, with ids hashed (the
 * default), every raw id is replaced by its keyed hash (privacy.ts `recordIds`), once:
 * `sidetone_meta` records that the store's ids are hashed, so later opens read one row. With
 * `revealCallIds` the store records `revealed` and keeps new ids as sent; hashed ids cannot be
 * turned back.
 *
 * Both backends rewrite a small store ({@link IN_OPEN_ROWS}) whole in the open; a larger one has
 * the rows events may still reach ({@link LIVE_MS}) rewritten in the open and the rest in the
 * background, a slice at a time from a cursor ({@link CURSOR_KEY}), while reads show every id
 * hashed (store front `shownIds`). SQLite (sqlite/id-rewrite.ts) copies a store rewritten in the
 * open afresh (VACUUM), so its file keeps no raw id's bytes, and keeps `secure_delete` on for a
 * rewrite in the background (docs/guarantees.md says what its file may still keep). PostgreSQL
 * (here, and postgres/id-rewrite.ts) leaves dead tuples until VACUUM (docs/deploy.md says to run
 * `VACUUM FULL calls, call_keys, sms, sms_keys` once).
 */
import type pg from 'pg';
import { REPORT_WAIT_MS } from '../domain/standards/sms.js';
import type { Query } from './postgres/meta.js';
import { type PrivacyConfig, RECORD_REF_PATTERN, type RecordKind, recordIds } from './privacy.js';

/** The `sidetone_meta` key that records how the store's ids are kept. */
export const RECORD_IDS_KEY = 'record_ids';

/**
 * The `sidetone_meta` key of a rewrite left to the background: the column (an index into the
 * backend's list of id columns) and the last row id done. A restart resumes there, and another
 * process on the store takes up where the last slice left it.
 */
export const CURSOR_KEY = 'record_ids_cursor';

/**
 * Rows this recent are rewritten in the open: twice the wait for a delivery report (a submission
 * may sit queued before it is sent), and a day of calls is far past any call's last event.
 */
export const LIVE_MS = 2 * REPORT_WAIT_MS;

/**
 * Rows (over every id column: the highest row id of each column's table, summed) a store may have
 * for its whole rewrite to be done in the open: 100k took about 1 s in SQLite on a two-core machine
 * (10.5 s per 1M ids, issue 51), and 1.44 s in PostgreSQL (50,000 calls, bench/store-open.mjs).
 */
export const IN_OPEN_ROWS = 100_000;

/** Where a rewrite left to the background is: the column's index and the last row id done. */
export type IdCursor = [column: number, after: number];

/**
 * The cursor as `sidetone_meta` keeps it ({@link CURSOR_KEY}), for a backend of `columns` id
 * columns; undefined for none, or for a value that is no cursor.
 * @example parseIdCursor('[1,5000]', 4); // [1, 5000]
 */
export function parseIdCursor(value: unknown, columns: number): IdCursor | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const c = JSON.parse(value) as unknown;
    if (Array.isArray(c) && c.length === 2 && c.every(Number.isSafeInteger) && c[0] >= 0 && c[0] < columns)
      return c as IdCursor;
  } catch {}
  return undefined;
}

/**
 * How far a rewrite at `cursor` is, over columns whose tables' highest row ids are `tops`.
 * @example cursorProgress([1, 500], [1000, 1000]); // { done: 1500, total: 2000 }
 */
export function cursorProgress(cursor: IdCursor, tops: readonly number[]): IdRewriteProgress {
  const [column, after] = cursor;
  let done = 0;
  for (let i = 0; i < column; i++) done += tops[i]!;
  done += Math.min(Math.max(after, 0), tops[column]!);
  return { done, total: tops.reduce((a, b) => a + b, 0) };
}

/** What {@link RECORD_IDS_KEY} must read for the configured privacy. */
export const recordIdsWanted = (privacy: PrivacyConfig) =>
  privacy.revealCallIds === true ? 'revealed' : 'hashed';

/**
 * How far a rewrite left to the background is (SQLite, sqlite/id-rewrite.ts): rows gone through
 * of rows to go through, over every id column.
 */
export interface IdRewriteProgress {
  done: number;
  total: number;
  /** Why the last slice failed, when it did (it is tried again in a second). */
  failed?: string;
}

/**
 * What /readyz and the console say of a rewrite in progress.
 * @example
 * idsDetail({ done: 250_000, total: 1_000_000 }); // 'ids hashing: 250,000 of 1,000,000 rows (25 %); reads show them hashed'
 */
export function idsDetail(p: IdRewriteProgress): string {
  const pct = Math.floor((100 * p.done) / Math.max(1, p.total));
  const failed = p.failed === undefined ? '' : `; the last slice failed (${p.failed}), tried again`;
  return `ids hashing: ${p.done.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} rows (${pct} %); reads show them hashed${failed}`;
}

/** A call not ended or first seen within {@link LIVE_MS} (`$1`: the time from which). */
const LIVE_CALL = "(status = 'active' OR first_at >= $1)";

/**
 * PostgreSQL: each id column, with its key table where it has one (postgres/partitions.ts): the
 * raw ids are found there, and a record follows its key. `live`: its rows events may still reach.
 */
export const PG_COLUMNS: ReadonlyArray<{
  keys?: string;
  table: string;
  column: string;
  kind: RecordKind;
  live: string;
}> = [
  { keys: 'call_keys', table: 'calls', column: 'call_id', kind: 'cid', live: LIVE_CALL },
  { keys: 'sms_keys', table: 'sms', column: 'message_id', kind: 'mid', live: 'first_at >= $1' },
  { table: 'sms', column: 'reference', kind: 'ref', live: 'first_at >= $1' },
  // A B2BUA leg's end-to-end id (issue 53): kept as the keyed hash its A leg's call_id is.
  { table: 'calls', column: 'end_to_end_id', kind: 'cid', live: LIVE_CALL },
];

/**
 * Planner settings for the rest of the transaction (`set_config(..., true)`); the function returned
 * puts back what they were.
 * @example const restore = await setLocal(q, { enable_hashjoin: 'off' }); ...; await restore();
 */
export async function setLocal(q: Query, settings: Record<string, string>): Promise<() => Promise<void>> {
  const names = Object.keys(settings);
  const set = (values: string[]) =>
    q(`SELECT ${names.map((n, i) => `set_config('${n}', $${i + 1}, true)`).join(', ')}`, values);
  const was = (await q(`SELECT ${names.map((n, i) => `current_setting('${n}') AS s${i}`).join(', ')}`))
    .rows[0] as Record<string, string>;
  await set(Object.values(settings));
  return async () => {
    await set(names.map((_, i) => was[`s${i}`] as string));
  };
}

/**
 * The highest row id of each of {@link PG_COLUMNS}' tables: partitioned or not, `calls` and `sms`
 * number their rows from a sequence. Summed, the ids {@link IN_OPEN_ROWS} counts.
 */
export async function pgIdTops(q: Query): Promise<number[]> {
  const r = await q(
    'SELECT (SELECT COALESCE(MAX(id), 0) FROM calls) AS calls, (SELECT COALESCE(MAX(id), 0) FROM sms) AS sms',
  );
  const top = r.rows[0] as Record<string, string>;
  return PG_COLUMNS.map((c) => Number(top[c.table]));
}
/** The ids a PostgreSQL store may hold, as {@link IN_OPEN_ROWS} counts them. */
export const pgIdRows = async (q: Query) => (await pgIdTops(q)).reduce((a, b) => a + b, 0);

/** `column` not already in hashed form: privacy.ts `isRecordRef` as a PostgreSQL regular expression. */
const pgRaw = (column: string) => `${column} !~ '${RECORD_REF_PATTERN}'`;

/** Raw ids and their hashes, for one transaction (the rewrite's): hashed here, joined there. */
const PG_ID_MAP = 'sidetone_id_map';

/**
 * Raw ids read, hashed and written back per round trip: bounded memory (two pages in flight). At
 * 1M ids in pages of 5,000 the fill took 19.4 s (load 11): selects 3.3 s, hashing 5.7 s, inserts
 * 10.3 s, one after the other; see `fillIdMap` for how they now overlap.
 */
const PG_PAGE = 20_000;

/** A statement left in flight while this process hashes: its failure is read where it is awaited. */
function inFlight<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Empty {@link PG_ID_MAP} and fill it with the raw ids of `column` in `source` and their hashes;
 * how many. The next page is asked for before this page is hashed, and a page is written while
 * the next one is hashed: the database and this process work at the same time (hashing 1M ids is
 * 5-10 s of this process on a loaded machine). The map has no index: it is only hash-joined.
 */
async function fillIdMap(
  q: Query,
  source: string,
  column: string,
  ids: (id: string) => string,
): Promise<number> {
  await q(`TRUNCATE ${PG_ID_MAP}`);
  const page = (after: string) =>
    inFlight(
      q(
        `SELECT DISTINCT ${column} AS id FROM ${source} WHERE ${column} > $1 AND ${pgRaw(column)}
         ORDER BY ${column} LIMIT ${PG_PAGE}`,
        [after],
      ),
    );
  let filled = 0;
  let next: Promise<pg.QueryResult> | undefined = page('');
  let written: Promise<unknown> | undefined;
  while (next !== undefined) {
    const old: string[] = (await next).rows.map((x) => (x as { id: string }).id);
    next = old.length === PG_PAGE ? page(old[old.length - 1] as string) : undefined;
    if (old.length === 0) break;
    const hashed = old.map(ids);
    await written;
    // As JSON: 116 ms a page against 159 ms as two text[] (load 10). Ids read from the database
    // are valid UTF-8 and hold no NUL, so JSON carries every one as it is.
    written = inFlight(
      q(
        `INSERT INTO ${PG_ID_MAP} (old, new)
         SELECT * FROM ROWS FROM (json_array_elements_text($1::json), json_array_elements_text($2::json))`,
        [JSON.stringify(old), JSON.stringify(hashed)],
      ),
    );
    filled += old.length;
  }
  await written;
  if (filled > 0) await q(`ANALYZE ${PG_ID_MAP}`);
  return filled;
}

/** Map rows whose hash is already an id of `table` (the same call written before and after a
 * reveal was switched off): that raw id stays as it is rather than fail the open, its records too. */
const PRUNE = (table: string, column: string) =>
  `DELETE FROM ${PG_ID_MAP} m USING ${table} x WHERE x.${column} = m.new`;
const MOVE = (table: string, column: string) =>
  `UPDATE ${table} t SET ${column} = m.new FROM ${PG_ID_MAP} m WHERE t.${column} = m.old`;

/** A name from the catalog as an SQL identifier. */
const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The indexes of `table` a rewrite of most of its rows drops (and, with `rebuild`, builds again
 * after, each as it was): partial ones stay, since a row their predicate excludes costs them
 * nothing. With its indexes, moving 1M call ids took 81.5 s (and 22 s for their keys, load 11);
 * without them 12-23 s, and building the five again about 20 s (keys: 4.6 + 2.5 s).
 */
async function withoutIndexes<T>(
  q: Query,
  table: string,
  rebuild: boolean,
  run: () => Promise<T>,
): Promise<T> {
  const found = await q(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def, con.conname, pg_get_constraintdef(con.oid) AS con
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
     WHERE i.indrelid = $1::regclass AND i.indpred IS NULL ORDER BY c.relname`,
    [table],
  );
  const indexes = found.rows as Array<{
    name: string;
    def: string;
    conname: string | null;
    con: string | null;
  }>;
  for (const ix of indexes)
    await q(
      ix.conname === null
        ? `DROP INDEX ${ident(ix.name)}`
        : `ALTER TABLE ${table} DROP CONSTRAINT ${ident(ix.conname)}`,
    );
  const out = await run();
  if (rebuild)
    for (const ix of indexes)
      await q(
        ix.conname === null
          ? // A partitioned table's index reads `ON ONLY`, which would build no partition's.
            ix.def.replace(' ON ONLY ', ' ON ')
          : `ALTER TABLE ${table} ADD CONSTRAINT ${ident(ix.conname)} ${ix.con}`,
      );
  return out;
}

/**
 * Rewriting this share of a table's rows or more goes without its indexes (see `withoutIndexes`):
 * at 1M of 1M rows that is 81.5 s against 12-23 s plus 20 s to build them again, so the rebuild
 * pays from about a quarter of the rows; under 10,000 ids the table is not even counted.
 */
const REBUILD_SHARE = 4;
const REBUILD_MIN = 10_000;

/** `MOVE` over `table`, without its indexes when the map holds enough of its rows; rows changed. */
async function move(q: Query, table: string, column: string, ids: number): Promise<number> {
  const run = async () => (await q(MOVE(table, column))).rowCount ?? 0;
  if (ids < REBUILD_MIN) return run();
  const rows = Number((await q(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return ids * REBUILD_SHARE >= rows ? withoutIndexes(q, table, true, run) : run();
}

/** The map, and hash joins only, for the rest of the transaction (see `rewritePostgresIds`). */
async function startMap(q: Query): Promise<() => Promise<void>> {
  await q(`CREATE TEMPORARY TABLE ${PG_ID_MAP} (old TEXT NOT NULL, new TEXT NOT NULL) ON COMMIT DROP`);
  // The records are joined to the map by hashing it and reading them once in their order: a
  // merge join walked them in id order, a page read again for each row once the table outgrew
  // the buffers (1M calls: 103 s against 3.8 s at 100,000).
  const restore = await setLocal(q, { enable_mergejoin: 'off', enable_nestloop: 'off' });
  return async () => {
    await restore();
    await q(`DROP TABLE ${PG_ID_MAP}`);
  };
}

/**
 * A store from before partitioning (schema 3 or older) with its ids hashed: run by the migration
 * just before migration 4 moves `calls` and `sms` into day partitions (postgres/partitions.ts), it
 * hashes their ids in the tables that move, so the move copies hashed ids and builds every index
 * and key table once; the tables it leaves behind are dropped by the move, so their indexes are
 * dropped here first and not built again. Rewriting after the move instead updated every key and
 * every record a second time: at 1M calls 88.8-117 s of a 120-173 s open (bench/store-open.mjs).
 * Returns how many ids were rewritten; {@link rewritePostgresIds} then finds none of these left.
 *
 * @example await hashIdsBeforePartitions((t, v) => client.query(t, v), privacy); // before migration 4
 */
export async function hashIdsBeforePartitions(q: Query, privacy: PrivacyConfig): Promise<number> {
  if (recordIdsWanted(privacy) !== 'hashed') return 0;
  const done = await startMap(q);
  // No rollup groups by id (see rewritePostgresIds); the table goes with its trigger in the move.
  await q('ALTER TABLE calls DISABLE TRIGGER calls_rollup_update');
  let rewritten = 0;
  for (const { table, column, kind } of PG_COLUMNS) {
    if (PRE_PARTITION[column] !== table) continue;
    const ids = await fillIdMap(q, table, column, recordIds(privacy, kind, 0));
    if (ids === 0) continue;
    await q(PRUNE(table, column));
    rewritten += await withoutIndexes(
      q,
      table,
      false,
      async () => (await q(MOVE(table, column))).rowCount ?? 0,
    );
  }
  await done();
  return rewritten;
}
/** The id columns {@link hashIdsBeforePartitions} rewrites: the keyed ones, by their table. */
const PRE_PARTITION: Record<string, string> = { call_id: 'calls', message_id: 'sms' };

/**
 * Every raw id of a PostgreSQL store rewritten, through `q`: the migration's client inside its transaction
 * (under its advisory lock, so one instance of a fleet does it; with its timeout, as a statement
 * here rewrites a whole table). Every id has a row in its key table, which is where raw ids are
 * found; `sms_pending` follows `sms` by its triggers. `before`: what {@link hashIdsBeforePartitions}
 * returned in this transaction (its columns are not searched again).
 *
 * The key stays in this process: pages of raw ids are hashed here into a temporary table, which
 * one statement then joins to the keys and one to the records. Joining each page of 5,000 to the
 * records instead scanned every partition per page, so the open grew with the square of the
 * store (200,000 calls: 75.5 s of rewrite; bench/store-open.mjs).
 *
 * @example await rewritePostgresIds((t, v) => client.query(t, v), { hashKey, storeRaw: false }); // 0 once hashed
 */
export async function rewritePostgresIds(q: Query, privacy: PrivacyConfig, before?: number): Promise<number> {
  const want = recordIdsWanted(privacy);
  const r = await q('SELECT value FROM sidetone_meta WHERE key = $1', [RECORD_IDS_KEY]);
  if (r.rows[0]?.value === want) return before ?? 0;
  let rewritten = before ?? 0;
  if (want === 'hashed') {
    // The rollups group calls by what the classifier reads, never by an id: this rewrite leaves
    // every rollup row as it is, yet their update trigger would re-add all the calls it touches
    // (4.5 of 10.2 s at 100,000 calls). The filing lags (call_days) read status and times only,
    // and their trigger kept both transition tables of every row moved. Off for the rewrite only,
    // inside the migration's transaction (DDL in PostgreSQL is transactional: a failure leaves them on).
    await q('ALTER TABLE calls DISABLE TRIGGER calls_rollup_update');
    await q('ALTER TABLE calls DISABLE TRIGGER calls_days_update');
    const done = await startMap(q);
    for (const { keys, table, column, kind } of PG_COLUMNS) {
      if (before !== undefined && PRE_PARTITION[column] === table) continue;
      const ids = await fillIdMap(q, keys ?? table, column, recordIds(privacy, kind, 0));
      if (ids === 0) continue;
      if (keys === undefined) {
        // Ids that are no key (sms_pending follows sms by trigger).
        rewritten += await move(q, table, column, ids);
        continue;
      }
      // The map then holds exactly the keys that move, and the records follow them.
      await q(PRUNE(keys, column));
      rewritten += await move(q, keys, column, ids);
      await move(q, table, column, ids);
    }
    await done();
    await q('ALTER TABLE calls ENABLE TRIGGER calls_days_update');
    await q('ALTER TABLE calls ENABLE TRIGGER calls_rollup_update');
  }
  await q(
    'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    [RECORD_IDS_KEY, want],
  );
  return rewritten;
}
