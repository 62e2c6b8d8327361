/**
 * SQLite's rollups kept by marked slots (rollup-sql.ts): writes mark the 10-minute slots their
 * calls were and are filed in, inside their own transaction; `flush` rebuilds the marked slots and
 * their hours and days. One per connection; the marks live in the file, so the store's connection
 * and its writer thread's see each other's, and a crash loses none.
 */
import type Database from 'better-sqlite3';
import { SQLITE_DIRTY, SQLITE_REBUILD, TEN_MIN_MS } from './rollup-sql.js';

/** A flush is due after this long with marks, or this many marks: ingest stays batched, reads fresh. */
const FLUSH_AFTER_MS = 1000;
const FLUSH_AFTER_MARKS = 256;

/** The slot of width `ms` a time is filed in, as SQLite's integer division gives it. */
const slotOf = (at: number, ms: number) => Math.trunc(at / ms) * ms;

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
  private readonly rebuild;
  private readonly flushAll: Database.Transaction<() => number>;
  /** Marks made since the last flush on this connection, and when that flush was. */
  private marks = 0;
  private flushedAt = performance.now();

  constructor(db: Database.Database) {
    this.st = {
      mark: db.prepare(SQLITE_DIRTY.mark),
      any: db.prepare(SQLITE_DIRTY.any).pluck(),
      all: db.prepare(SQLITE_DIRTY.all).pluck(),
      clear: db.prepare(SQLITE_DIRTY.clear),
    };
    this.rebuild = SQLITE_REBUILD.map((g) => ({ ms: g.ms, steps: g.sql.map((sql) => db.prepare(sql)) }));
    this.flushAll = db.transaction(() => {
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
      return slots.length;
    });
  }

  /** Whether any connection has marked a slot not yet rebuilt (as this connection's snapshot sees it). */
  marked(): boolean {
    return this.st.any.get() === 1;
  }

  /** Mark the slots of these filing times; call inside the write's transaction. */
  mark(firstAts: Iterable<number>): void {
    const seen = new Set<number>();
    for (const at of firstAts) seen.add(slotOf(at, TEN_MIN_MS));
    for (const t of seen) this.st.mark.run(t);
    this.marks += seen.size;
  }

  /**
   * After a write commits: flush when a second has passed since the last one, or marks piled up.
   * Never throws: the write is already durable, and its marks stay for the next flush.
   */
  maybeFlush(): void {
    if (this.marks === 0) return;
    if (this.marks < FLUSH_AFTER_MARKS && performance.now() - this.flushedAt < FLUSH_AFTER_MS) return;
    this.fresh();
  }

  /**
   * Flush what any connection marked, waiting for the lock no longer than the connection's busy
   * timeout (the store's main connection waits in slices, see `SqliteCallStore`). False when the
   * lock was not had: the marks stay for the next try.
   */
  fresh(): boolean {
    if (!this.marked()) return true;
    try {
      this.flush();
      return true;
    } catch {
      return false;
    }
  }

  /** Rebuild every marked slot (any connection's) in one transaction; returns how many. */
  private flush(): number {
    const n = this.marked() ? this.flushAll.immediate() : 0;
    this.marks = 0;
    this.flushedAt = performance.now();
    return n;
  }
}
