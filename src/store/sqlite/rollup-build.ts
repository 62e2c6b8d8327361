/**
 * SQLite's side of the background rollup build (rollup/build.ts): the marker in `sidetone_meta`,
 * and a slice, one write transaction that rebuilds the slots below the frontier from their records
 * through the marked-slot flush (sqlite/rollups.ts) and moves the frontier down.
 */
import type Database from 'better-sqlite3';
import {
  formatState,
  nextSliceRecords,
  parseState,
  progressOf,
  ROLLUP_BUILD_KEY,
  type RollupBuilder,
  type RollupBuildProgress,
  type RollupBuildState,
  SLICE_RECORDS,
  sliceFloor,
  sliceRecordsOf,
  startState,
} from '../rollup/build.js';
import type { SqliteRollups } from './rollups.js';
import { META_DROP as DROP, META_GET as GET, META_SET as SET } from './sql.js';

/**
 * Leave the rollups of the records stored to the background build: call in the transaction that
 * left them out (a migration, a classifier change). Nothing when there is no record.
 * @example
 * db.transaction(() => { db.exec(ROLLUP_CLEAR); startRollupBuild(db); })();
 */
export function startRollupBuild(db: Database.Database): void {
  const r = db.prepare('SELECT MIN(first_at) AS lo, MAX(first_at) AS hi FROM calls').get() as {
    lo: number | null;
    hi: number | null;
  };
  if (r.lo === null || r.hi === null) db.prepare(DROP).run(ROLLUP_BUILD_KEY);
  else db.prepare(SET).run(ROLLUP_BUILD_KEY, formatState(startState(r.lo, r.hi)));
}

/** The build of one SQLite store (one writer per file: the state is kept here between slices). */
export class SqliteRollupBuild implements RollupBuilder {
  private state: RollupBuildState | undefined;
  private readonly st;
  private readonly step: Database.Transaction<() => RollupBuildState | undefined>;

  /** Records the next slice takes (nextSliceRecords), and the most it may. */
  private n: number;
  private readonly max: number;

  constructor(db: Database.Database, rollups: SqliteRollups, sliceRecords = SLICE_RECORDS) {
    this.max = this.n = sliceRecordsOf(sliceRecords);
    this.st = {
      set: db.prepare(SET),
      drop: db.prepare(DROP),
      nth: db
        .prepare('SELECT first_at FROM calls WHERE first_at < ? ORDER BY first_at DESC LIMIT 1 OFFSET ?')
        .pluck(),
      oldest: db.prepare('SELECT MIN(first_at) FROM calls WHERE first_at < ?').pluck(),
    };
    const get = db.prepare(GET).pluck();
    const read = () => parseState(get.get(ROLLUP_BUILD_KEY) as string | undefined);
    this.state = read();
    this.step = db.transaction(() => {
      // As the file has it: another process on the same file (a read verb) may have built since.
      const s = read();
      if (s === undefined) return undefined;
      const oldest = this.st.oldest.get(s.from) as number | null;
      let next: RollupBuildState | undefined;
      if (oldest !== null) {
        const nth = (this.st.nth.get(s.from, this.n) as number | undefined) ?? null;
        const lo = sliceFloor(s.from, nth, oldest);
        rollups.rebuildRange(lo, s.from);
        next = nth === null ? undefined : { ...s, from: lo };
      }
      if (next === undefined) this.st.drop.run(ROLLUP_BUILD_KEY);
      else this.st.set.run(ROLLUP_BUILD_KEY, formatState(next));
      return next;
    });
  }

  progress(): RollupBuildProgress | undefined {
    return this.state === undefined ? undefined : progressOf(this.state);
  }

  builtFrom(): number {
    return this.state?.from ?? Number.NEGATIVE_INFINITY;
  }

  /** One slice; synchronous (better-sqlite3), so call it where writes are retried on the lock. */
  sliceNow(): boolean {
    if (this.state === undefined) return false;
    // Immediate: the slice reads the records it rebuilds from, and a writer's lock must not come between.
    const start = performance.now();
    this.state = this.step.immediate();
    this.n = nextSliceRecords(this.n, performance.now() - start, this.max);
    return this.state !== undefined;
  }

  async slice(): Promise<boolean> {
    return this.sliceNow();
  }
}
