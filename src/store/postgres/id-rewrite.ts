/**
 * PostgreSQL's rewrite of raw ids into their keyed hashes (stored-ids.ts says why and when), split
 * as SQLite's is (sqlite/id-rewrite.ts) so that a store of any size opens fast (issue 51: done all
 * in the open it took 34.3 s of it at 1M partitioned calls, growing with the store).
 *
 * - **In the open** (the migration's transaction, under its lock): a small store's every id
 *   (stored-ids.ts `rewritePostgresIds`); in a larger one, the rows events may still reach
 *   (`LIVE_MS`), so a call's next event or a delivery report, arriving hashed, finds its row; then
 *   the cursor is set.
 * - **In the background:** every row, in row id order, a slice (one transaction) at a time, its
 *   key and its record together; the cursor in `sidetone_meta` says where. Several instances may
 *   share the database: each runs the loop, one slice at a time holds an advisory lock, and each
 *   reads the cursor back as it tries, so every instance knows when the rewrite is done.
 *
 * Meanwhile reads show every id hashed (the store front's `shownIds`), and a lookup by the id as
 * sent finds a row not reached yet. A raw id whose hash is already a key (the same call written
 * before and after a reveal was switched off) stays as it is, key and record, as in the open.
 */
import { isRecordRef, type PrivacyConfig, recordIds } from '../privacy.js';
import { nextSliceRecords } from '../rollup/build.js';
import {
  CURSOR_KEY,
  cursorProgress,
  type IdCursor,
  type IdRewriteProgress,
  IN_OPEN_ROWS,
  LIVE_MS,
  PG_COLUMNS,
  parseIdCursor,
  pgIdRows,
  pgIdTops,
  RECORD_IDS_KEY,
  recordIdsWanted,
  rewritePostgresIds,
  setLocal,
} from '../stored-ids.js';
import { lockedSlice, META_DROP, META_GET, META_SET, type Query, type Transactions } from './meta.js';
import { NESTED_LOOPS } from './partitions.js';

/** One rewriter at a time across the instances sharing the database. */
const LOCK =
  "SELECT pg_try_advisory_xact_lock(hashtext('sidetone.record_ids'), hashtext(current_schema())) AS got";
/** How long an instance that found another one rewriting waits before it looks again. */
const BUSY_WAIT_MS = 1000;

/**
 * What a slice aims at, and the rows the first one takes. A slice of calls holds their writes
 * (see `triggers`), and the pause after it is as long as it took.
 */
const SLICE_TARGET_MS = 100;
const FIRST_SLICE_ROWS = 2048;
const SLICE_ROWS_MAX = 20_000;
/** Rows of the live pass (in the open) per statement: bounded memory at any store size. */
const LIVE_PAGE = 20_000;

/**
 * The statement that rewrites one column's raw ids, given `$1` row ids, `$2` their filed days,
 * `$3` the ids as stored and `$4` their hashes. A keyed column moves its key first and the record
 * follows the keys that moved (none whose hash is already a key); a record without a key row (an
 * attached table's: postgres/partitions.ts `Unkeyed`) moves and is keyed under its hash. Both run
 * with the triggers of `calls` switched off, which holds its writers until the transaction ends
 * (`triggers`), so no writer files the hash in between. The rest move by row.
 */
const MOVE = PG_COLUMNS.map(({ keys, table, column }) => {
  const batch = 'SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[])';
  const byRow = (m: string) => `t.id = ${m}.id AND t.filed_day = ${m}.day`;
  if (keys === undefined)
    return `WITH m (id, day, old, new) AS (${batch})
      UPDATE ${table} t SET ${column} = m.new FROM m WHERE ${byRow('m')}`;
  const noKey = (id: string) => `NOT EXISTS (SELECT 1 FROM ${keys} x WHERE x.${column} = ${id})`;
  return `WITH m (id, day, old, new) AS (${batch}),
    moved AS (UPDATE ${keys} y SET ${column} = m.new FROM m WHERE y.${column} = m.old AND ${noKey('m.new')}
      RETURNING m.id, m.day, m.new),
    unkeyed AS (UPDATE ${table} t SET ${column} = m.new FROM m WHERE ${byRow('m')} AND ${noKey('m.old')}
      AND ${noKey('m.new')} RETURNING t.${column}, t.filed_day),
    filed AS (INSERT INTO ${keys} (${column}, filed_day) SELECT * FROM unkeyed)
    UPDATE ${table} t SET ${column} = moved.new FROM moved WHERE ${byRow('moved')}`;
});

type Row = { id: string; filed_day: string; v: string | null };

/** The raw ids of `rows` (column `column`) moved to their hashes; how many records changed. */
async function moveRows(q: Query, column: number, rows: readonly Row[], hash: (id: string) => string) {
  const raw = rows.filter((r) => r.v !== null && !isRecordRef(r.v));
  if (raw.length === 0) return 0;
  const r = await q(MOVE[column] as string, [
    raw.map((x) => x.id),
    raw.map((x) => x.filed_day),
    raw.map((x) => x.v),
    raw.map((x) => hash(x.v as string)),
  ]);
  return r.rowCount ?? 0;
}

/**
 * Bring a PostgreSQL store's ids to the configured form inside the migration's transaction
 * (migrate.ts): a small store's every id now, a larger one's live rows now and the rest left to
 * {@link PgIdRewrite}; the ids rewritten. `before`: what stored-ids.ts `hashIdsBeforePartitions`
 * rewrote in this transaction (it runs only for a small store).
 *
 * @example await openPgIds((t, v) => client.query(t, v), privacy); // inside BEGIN ... COMMIT
 */
export async function openPgIds(
  q: Query,
  privacy: PrivacyConfig,
  before?: number,
  now = Date.now(),
): Promise<number> {
  const want = recordIdsWanted(privacy);
  if (want === 'revealed') await q(META_DROP, [CURSOR_KEY]);
  else if (before === undefined && (await q(META_GET, [RECORD_IDS_KEY])).rows[0]?.value !== want) {
    // Under way already (a restart, or another instance opened first): the background goes on.
    if ((await q(META_GET, [CURSOR_KEY])).rows.length > 0) return 0;
    if ((await pgIdRows(q)) > IN_OPEN_ROWS) {
      const rewritten = await rewriteLive(q, privacy, now - LIVE_MS);
      await q(META_SET, [CURSOR_KEY, JSON.stringify([0, 0])]);
      return rewritten;
    }
  }
  return rewritePostgresIds(q, privacy, before);
}

/**
 * The rollups' and filing lags' update triggers of `calls`, off while ids move and on again, in
 * one transaction (DDL in PostgreSQL is transactional: no other transaction sees them off, and a
 * failure leaves them on). No rollup groups by id, yet the update trigger takes every call it
 * touches out of its rollups and puts it back: a background slice then took 100-250 µs a row,
 * rising as the rewrite went on (1,300 rows to 380 in 100 ms over 40,000 calls), and 30 µs a row,
 * flat, without it. Switching them takes a SHARE ROW EXCLUSIVE lock on `calls`: writes wait for the
 * slice, as for a slice of the rollup build (postgres/rollup-build.ts); reads do not.
 */
const triggers = async (q: Query, to: 'DISABLE' | 'ENABLE') => {
  await q(`ALTER TABLE calls ${to} TRIGGER calls_rollup_update`);
  await q(`ALTER TABLE calls ${to} TRIGGER calls_days_update`);
};

/** The ids of the rows first seen at or after `since` or not ended, a page at a time by row id. */
async function rewriteLive(q: Query, privacy: PrivacyConfig, since: number): Promise<number> {
  await triggers(q, 'DISABLE');
  const restore = await setLocal(q, { enable_hashjoin: 'off', enable_mergejoin: 'off' });
  let rewritten = 0;
  for (const [column, c] of PG_COLUMNS.entries()) {
    const hash = recordIds(privacy, c.kind, 0);
    for (let after = '0'; ; ) {
      const rows = (
        await q(
          `SELECT id, filed_day, ${c.column} AS v FROM ${c.table} WHERE ${c.live} AND id > $2 ORDER BY id LIMIT ${LIVE_PAGE}`,
          [since, after],
        )
      ).rows as Row[];
      rewritten += await moveRows(q, column, rows, hash);
      if (rows.length < LIVE_PAGE) break;
      after = (rows[rows.length - 1] as Row).id;
    }
  }
  await restore();
  await triggers(q, 'ENABLE');
  return rewritten;
}

/** The background part as one instance sees it: a slice per call of {@link slice}. */
export class PgIdRewrite {
  private readonly hash;
  private cursor: IdCursor | undefined;
  /** The highest row id of each column's table when the cursor was read at open: the total. */
  private tops: number[] = [];
  private n = FIRST_SLICE_ROWS;
  /** The last slice found another instance rewriting. */
  private busy = false;

  constructor(
    private readonly conn: Transactions,
    privacy: PrivacyConfig,
  ) {
    this.hash = PG_COLUMNS.map((c) => recordIds(privacy, c.kind, 0));
  }

  /** Read the cursor (at open, on the migrating connection, before the first read). */
  async load(q: Query): Promise<void> {
    this.cursor = parseIdCursor((await q(META_GET, [CURSOR_KEY])).rows[0]?.value, PG_COLUMNS.length);
    if (this.cursor !== undefined) this.tops = await pgIdTops(q);
  }

  /** How far the rewrite is, as this instance last read it; undefined once it is done. */
  progress(): IdRewriteProgress | undefined {
    return this.cursor === undefined ? undefined : cursorProgress(this.cursor, this.tops);
  }

  /**
   * One slice, in one transaction: the next rows of the cursor's column in row id order, their raw
   * ids moved (keys, records; `sms_pending` follows `sms` by its triggers); false once every id is
   * hashed, by this instance or another.
   */
  async slice(): Promise<boolean> {
    if (this.cursor === undefined) return false;
    const start = performance.now();
    const { state, busy } = await lockedSlice(
      this.conn,
      {
        lock: LOCK,
        key: CURSOR_KEY,
        parse: (v) => parseIdCursor(v, PG_COLUMNS.length),
        format: JSON.stringify,
      },
      async (q, from) => {
        // A record is found by its primary key (id, filed_day), not by a hash of every partition.
        await q(NESTED_LOOPS);
        let off = false; // the triggers of `calls`, switched off for its columns only
        let at: IdCursor | undefined = from;
        for (let left = this.n; at !== undefined && left > 0; ) {
          const [column, after]: IdCursor = at;
          const c = PG_COLUMNS[column]!;
          if (c.table === 'calls' && !off) {
            await triggers(q, 'DISABLE');
            off = true;
          }
          const rows = (
            await q(
              `SELECT id, filed_day, ${c.column} AS v FROM ${c.table} WHERE id > $1 ORDER BY id LIMIT $2`,
              [after, left],
            )
          ).rows as Row[];
          await moveRows(q, column, rows, this.hash[column]!);
          left -= rows.length;
          if (rows.length > 0) at = [column, Number((rows[rows.length - 1] as Row).id)];
          else at = column + 1 < PG_COLUMNS.length ? [column + 1, 0] : undefined;
        }
        if (off) await triggers(q, 'ENABLE');
        if (at === undefined) await q(META_SET, [RECORD_IDS_KEY, 'hashed']);
        return at;
      },
    );
    this.cursor = state;
    if (!busy) this.n = nextSliceRecords(this.n, performance.now() - start, SLICE_ROWS_MAX, SLICE_TARGET_MS);
    this.busy = busy;
    return this.cursor !== undefined;
  }

  /** Another instance holds the rewrite: look again in a second. */
  pauseMs(): number | undefined {
    return this.busy ? BUSY_WAIT_MS : undefined;
  }
}
