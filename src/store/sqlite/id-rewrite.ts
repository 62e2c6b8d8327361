/**
 * SQLite's rewrite of raw ids into their keyed hashes (stored-ids.ts says why and when), split so
 * that a store of any size opens within seconds (issue 51: done all in the open, in one
 * transaction, it took 11.4 s of the open at 1M calls and 91.7 s at 5M).
 *
 * - **In the open:** a small store's every row ({@link IN_OPEN_ROWS}); in a larger one, the rows
 *   that events may still reach, so that a call's next event or a delivery report finds its row by
 *   the hashed id it now arrives as: calls not ended or first seen within {@link LIVE_MS}, SMS
 *   first seen within it (a report is waited for REPORT_WAIT_MS).
 * - **In the background:** every row, in id order, a slice (one write transaction) at a time,
 *   with the next row id kept in `sidetone_meta` ({@link CURSOR_KEY}): a restart resumes there,
 *   and a second process on the file (a read verb) takes up where the last slice left it.
 *
 * Meanwhile the store is ready: its reads show each id in the form it will have (the store front
 * hashes the raw ones it reads, `shownIds`), so a listing or an export is the same during the
 * rewrite as after it. `secure_delete` stays on from the open to the last slice, so no write in
 * between leaves a raw id's bytes in a freed cell; what pages written before keep is only copied
 * away by `VACUUM`, which a store rewritten in the open gets (docs/guarantees.md).
 */
import type Database from 'better-sqlite3';
import { type PrivacyConfig, type RecordKind, recordIds } from '../privacy.js';
import { nextSliceRecords, SLICE_RECORDS } from '../rollup/build.js';
import {
  CURSOR_KEY,
  cursorProgress,
  type IdCursor,
  type IdRewriteProgress,
  IN_OPEN_ROWS,
  LIVE_MS,
  parseIdCursor,
  RECORD_IDS_KEY,
  recordIdsWanted,
} from '../stored-ids.js';
import { META_DROP, META_GET, META_SET } from './sql.js';

/**
 * What a slice aims at, and the rows the first one takes: the rollup build's 25 ms and 8,192 rows
 * made slices of up to 60 ms and a first one of 115 ms.
 */
const SLICE_TARGET_MS = 15;
/** Checkpoint-thread.ts's tick: a pause this long lets it copy a slice's pages before the next. */
const PAUSE_MIN_MS = 100;
const FIRST_SLICE_ROWS = 1024;

/** The tables and id columns to rewrite, with the hash kind of each id and its live rows. */
const COLUMNS: ReadonlyArray<{ table: string; column: string; kind: RecordKind; live: string }> = [
  { table: 'calls', column: 'call_id', kind: 'cid', live: "status = 'active' OR first_at >= ?" },
  { table: 'sms', column: 'message_id', kind: 'mid', live: 'first_at >= ?' },
  { table: 'sms', column: 'reference', kind: 'ref', live: 'first_at >= ?' },
  // A B2BUA leg's end-to-end id (issue 53): kept as the keyed hash its A leg's call_id is.
  { table: 'calls', column: 'end_to_end_id', kind: 'cid', live: "status = 'active' OR first_at >= ?" },
];

/**
 * Bring a SQLite store's ids to the configured form: the live rows now (see above), and a rewrite
 * of the rest for the background; undefined when nothing is left to do.
 *
 * @example
 * const rest = openIdRewrite(db, privacy);
 * while (rest?.slice()) {} // every raw id hashed
 */
export function openIdRewrite(
  db: Database.Database,
  privacy: PrivacyConfig,
  now = Date.now(),
): SqliteIdRewrite | undefined {
  const want = recordIdsWanted(privacy);
  const got = db.prepare(META_GET).pluck().get(RECORD_IDS_KEY);
  if (got === want) return undefined;
  if (want === 'revealed') {
    db.transaction(() => {
      db.prepare(META_SET).run(RECORD_IDS_KEY, want);
      db.prepare(META_DROP).run(CURSOR_KEY);
    })();
    return undefined;
  }
  const rest = new SqliteIdRewrite(db, privacy);
  if ((rest.progress()?.total ?? 0) > IN_OPEN_ROWS) {
    rest.rewriteLive(now - LIVE_MS);
    return rest;
  }
  // A small store is done in the open (about a second here), and then copied afresh: b-tree
  // interior pages keep copies of index keys (the raw ids) as dividers, and pages written before
  // without `secure_delete` keep stale cells in their free space, neither of which updating every
  // row overwrites (a store of 57k calls kept 473 raw ids in 9 such pages; none after VACUUM,
  // 104 ms for 48k calls here).
  while (rest.slice(IN_OPEN_ROWS)) {} // one transaction: nothing else waits on the open
  if (rest.rewritten > 0) {
    db.exec('VACUUM');
    // The WAL holds the new pages; copy them over the old ones in the file now.
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return undefined;
}

/** The rewrite of one SQLite file (its connection's `secure_delete` is on until it ends). */
export class SqliteIdRewrite {
  private readonly hash: Array<(id: string) => string>;
  private readonly st;
  private readonly step: Database.Transaction<(n: number) => IdCursor | undefined>;
  /** The highest row id of each column's table at open: the progress's total. */
  private readonly tops: number[];
  private readonly secureBefore: unknown;
  private cursor: IdCursor | undefined;
  /** Rows the next slice takes (nextSliceRecords), adapted to the time a slice takes. */
  private n = FIRST_SLICE_ROWS;
  /** Ids this process has rewritten. */
  rewritten = 0;
  /** How long the last slice took, ms. */
  private lastMs = 0;

  constructor(
    private readonly db: Database.Database,
    privacy: PrivacyConfig,
  ) {
    this.hash = COLUMNS.map((c) => recordIds(privacy, c.kind));
    this.secureBefore = db.pragma('secure_delete', { simple: true });
    db.pragma('secure_delete = ON');
    const readCursor = db.prepare(META_GET).pluck();
    const read = (): IdCursor => parseIdCursor(readCursor.get(CURSOR_KEY), COLUMNS.length) ?? [0, -1];
    this.st = {
      cursor: db.prepare(META_SET),
      dropCursor: db.prepare(META_DROP),
      // OR IGNORE: a raw id whose hash is already a record (the same call written before and after
      // a reveal was switched off) stays as it is rather than fail the rewrite.
      set: COLUMNS.map((c) => db.prepare(`UPDATE OR IGNORE ${c.table} SET ${c.column} = ? WHERE id = ?`)),
      page: COLUMNS.map((c) =>
        db.prepare(`SELECT id, ${c.column} FROM ${c.table} WHERE id > ? ORDER BY id LIMIT ?`).raw(),
      ),
    };
    this.tops = COLUMNS.map(
      (c) => (db.prepare(`SELECT MAX(id) FROM ${c.table}`).pluck().get() as number | null) ?? 0,
    );
    this.cursor = read();
    this.step = db.transaction((n: number) => {
      // As the file has it: another process on the file may have gone on since this one's slice.
      let at: IdCursor | undefined = read();
      for (let left = n; at !== undefined && left > 0; ) {
        const [column, after]: IdCursor = at;
        const rows = this.st.page[column]!.all(after, left) as Array<[number, string | null]>;
        for (const [id, raw] of rows) this.rewrite(column, id, raw);
        left -= rows.length;
        if (rows.length > 0) at = [column, (rows[rows.length - 1] as [number, unknown])[0]];
        else at = column + 1 < COLUMNS.length ? [column + 1, -1] : undefined;
      }
      if (at === undefined) {
        this.st.dropCursor.run(CURSOR_KEY);
        this.st.cursor.run(RECORD_IDS_KEY, 'hashed');
      } else this.st.cursor.run(CURSOR_KEY, JSON.stringify(at));
      return at;
    });
  }

  /**
   * In one transaction, the ids of the rows first seen at or after `since` or not ended (the
   * background pass reaches them later), each read and rewritten by its row id (the set is found
   * by index first).
   */
  rewriteLive(since: number): void {
    this.db.transaction(() =>
      COLUMNS.forEach((c, column) => {
        const ids = this.db
          .prepare(`SELECT id FROM ${c.table} WHERE ${c.live}`)
          .pluck()
          .all(since) as number[];
        const get = this.db.prepare(`SELECT ${c.column} FROM ${c.table} WHERE id = ?`).pluck();
        for (const id of ids) this.rewrite(column, id, get.get(id) as string | null);
      }),
    )();
  }

  private rewrite(column: number, id: number, raw: string | null): void {
    if (raw === null) return;
    const hashed = this.hash[column]!(raw);
    if (hashed !== raw) this.rewritten += this.st.set[column]!.run(hashed, id).changes;
  }

  /**
   * The pause after a slice: as long as the slice took, and at least {@link PAUSE_MIN_MS}. Each id
   * moves to a random page of its unique index, so a slice dirties about a page a row; paced
   * back to back (a pause as long as the slice), the WAL outran the checkpoint thread, and a
   * commit in ten then met the writers' backstop (BACKSTOP_PAGES) and checkpointed 16 MiB in it
   * (20-60 ms), or its fsync (0.1-1.2 s at 5M calls when each slice checkpointed its own pages).
   */
  pauseMs(): number {
    return Math.max(this.lastMs, PAUSE_MIN_MS);
  }

  /** How far the background part is; undefined once it is done. */
  progress(): IdRewriteProgress | undefined {
    return this.cursor === undefined ? undefined : cursorProgress(this.cursor, this.tops);
  }

  /**
   * One slice of `rows` rows (by default as many as fit the slice's aim), in an immediate
   * transaction (it reads what it rewrites); false once every id is hashed. The checkpoint thread
   * copies its pages into the file (a TRUNCATE checkpoint at the end of 5M calls held the event
   * loop 467 ms).
   */
  slice(rows = this.n): boolean {
    if (this.cursor === undefined) return false;
    const start = performance.now();
    this.cursor = this.step.immediate(rows);
    this.lastMs = performance.now() - start;
    this.n = nextSliceRecords(rows, this.lastMs, SLICE_RECORDS, SLICE_TARGET_MS);
    if (this.cursor !== undefined) return true;
    this.db.pragma(`secure_delete = ${this.secureBefore === 1 ? 'ON' : 'OFF'}`);
    return false;
  }
}
