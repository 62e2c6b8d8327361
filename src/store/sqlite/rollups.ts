/**
 * SQLite's rollups kept by queued changes and marked slots (rollup/sql.ts): writes queue the calls
 * they change, cleanup and retention mark whole 10-minute slots, each inside its own transaction;
 * `flush` applies the queue and rebuilds the marked slots with their hours and days. One per
 * connection; the queue and the marks live in the file, so the store's connection and its writer
 * thread's see each other's, and a crash loses none.
 */
import type Database from 'better-sqlite3';
import { slotOf } from '../rollup/build.js';
import {
  SQLITE_APPLY_QUEUE,
  SQLITE_DIRTY,
  SQLITE_REBUILD,
  SQLITE_SCRATCH,
  TEN_MIN_MS,
} from '../rollup/sql.js';

/** A flush is due after this long with changes pending: ingest stays batched, reads fresh. */
const FLUSH_AFTER_MS = 1000;
/** Or after this many marked slots (a rebuild is per slot), or queued calls (a flush is per call). */
const FLUSH_AFTER_MARKS = 256;
const FLUSH_AFTER_QUEUED = 50_000;

/** Sorted slot starts of width `ms` as runs of consecutive slots, each [start, end). */
function runs(slots: readonly number[], ms: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const t of slots) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === t) last[1] = t + ms;
    else out.push([t, t + ms]);
  }
  return out;
}

export class SqliteRollups {
  private readonly st;
  private readonly apply;
  private readonly rebuild;
  private readonly flushAll: Database.Transaction<() => void>;
  /** Slots marked and calls queued since the last flush on this connection, and when that was. */
  private marks = 0;
  private pending = 0;
  private flushedAt = performance.now();

  constructor(db: Database.Database) {
    db.exec(SQLITE_SCRATCH);
    this.st = {
      mark: db.prepare(SQLITE_DIRTY.mark),
      any: db.prepare(SQLITE_DIRTY.any).pluck(),
      all: db.prepare(SQLITE_DIRTY.all).pluck(),
      clear: db.prepare(SQLITE_DIRTY.clear),
      rolled: db.prepare(SQLITE_DIRTY.rolled).pluck(),
    };
    this.apply = SQLITE_APPLY_QUEUE.map((sql) => db.prepare(sql));
    this.rebuild = SQLITE_REBUILD.map((g) => ({ ms: g.ms, steps: g.sql.map((sql) => db.prepare(sql)) }));
    const flush = () => {
      // The queue first (it leaves out calls in marked slots), then the marked slots from their
      // records, so an hour rebuilt from its 10-minute rows sees the queue's changes too.
      for (const step of this.apply) step.run();
      const slots = this.st.all.all() as number[];
      // Each grain's slots from the marked 10-minute ones (in order), rebuilt finest first, a run
      // of consecutive slots at a time.
      let touched = slots;
      for (const g of this.rebuild) {
        const ts = [...new Set(touched.map((t) => slotOf(t, g.ms)))];
        for (const [lo, hi] of runs(ts, g.ms)) for (const step of g.steps) step.run({ lo, hi });
        touched = ts;
      }
      this.st.clear.run();
    };
    this.flushAll = db.transaction(flush);
    const range = {
      clear: SQLITE_DIRTY.clearRange.map((sql) => db.prepare(sql)),
      mark: db.prepare(SQLITE_DIRTY.markRange),
    };
    this.rebuildRange = (lo, hi) => {
      // Whatever the slots held goes (writes during the build added to rows not built yet), the
      // slots with records are marked, and the flush rebuilds them with their hours and days.
      for (const st of range.clear) st.run({ lo, hi });
      range.mark.run({ lo, hi });
      flush();
    };
  }

  /**
   * Rebuild the 10-minute slots in [lo, hi) from their records, with the hours and days holding
   * them, applying whatever is queued first: the background build's slice (sqlite/rollup-build.ts).
   * Call inside a write transaction.
   */
  readonly rebuildRange: (lo: number, hi: number) => void;

  /** Whether any connection left changes for a flush (as this connection's snapshot sees it). */
  marked(): boolean {
    return this.st.any.get() === 1;
  }

  /** Mark the slots of these filing times for a rebuild; call inside the write's transaction. */
  mark(firstAts: Iterable<number>): void {
    const seen = new Set<number>();
    for (const at of firstAts) seen.add(slotOf(at, TEN_MIN_MS));
    for (const t of seen) this.st.mark.run(t);
    this.marks += seen.size;
  }

  /** Whether the rollups hold no finished call of the 10-minute slot at `t` yet. */
  empty(t: number): boolean {
    return this.st.rolled.get(t) === 0;
  }

  /** A write queued `n` calls (sqlite/write.ts): counted towards the next flush. */
  queued(n: number): void {
    this.pending += n;
  }

  /**
   * After a write commits: flush when a second has passed since the last one, or work piled up.
   * Never throws: the write is already durable, and its changes stay for the next flush.
   */
  maybeFlush(): void {
    if (this.marks === 0 && this.pending === 0) return;
    if (
      this.marks < FLUSH_AFTER_MARKS &&
      this.pending < FLUSH_AFTER_QUEUED &&
      performance.now() - this.flushedAt < FLUSH_AFTER_MS
    ) {
      return;
    }
    this.fresh();
  }

  /**
   * Flush what any connection left, waiting for the lock no longer than the connection's busy
   * timeout (the store's main connection waits in slices, see `SqliteCallStore`). False when the
   * lock was not had: the changes stay for the next try.
   */
  fresh(): boolean {
    if (!this.marked()) return true;
    try {
      this.flushAll.immediate();
      this.marks = 0;
      this.pending = 0;
      this.flushedAt = performance.now();
      return true;
    } catch {
      return false;
    }
  }
}
