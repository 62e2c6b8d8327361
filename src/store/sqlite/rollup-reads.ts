/**
 * SQLite's rollup reads: the statement for a plan, the plan of a range, and a read that sees the
 * rollups fresh (no marked slot) in one snapshot, else the records alone (sqlite/rollups.ts).
 */

import type Database from 'better-sqlite3';
import type { Bound } from '../rollup/plan.js';
import { planRange, type RangePlan } from '../rollup/plan.js';
import type { CallQuery } from '../types.js';
import type { Statements } from './open.js';
import type { SqliteRollups } from './rollups.js';
import * as SQL from './sql.js';
import { rangeParams } from './sql.js';

/** What a read in a snapshot with marked slots returns instead of its result. */
const NOT_FRESH = Symbol('not fresh');
/** How long a rollup read waits for other writers to flush marked slots, else reads the records. */
const READ_FLUSH_WAIT_MS = 1000;

type ReadName = 'stats' | 'seriesHour' | 'seriesDay' | 'durationBounds' | 'durationHistogram';

/** The rollup reads of one SQLite store. */
export class SqliteRollupReads {
  private readonly percentileStmts = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly s: Statements,
    private readonly rollups: SqliteRollups,
    /** `fn` in one read transaction: every statement in it sees one snapshot of the file. */
    private readonly inSnapshot: <T>(fn: () => T) => T,
    /** `fn` with the store open, its errors as StoreErrors. */
    private readonly run: <T>(what: string, fn: () => T) => T,
    /** Slots before this are not built yet (sqlite/rollup-build.ts): reads take them from the records. */
    private readonly builtFrom: () => number = () => Number.NEGATIVE_INFINITY,
  ) {}

  /**
   * A rollup read's statement for `plan`: without a direction, trunk or channel filter the one
   * over the dimension-free rows (served by their indexes), else the one over the detailed rows.
   */
  statement(name: ReadName, plan: RangePlan): Database.Statement {
    const unfiltered = plan.direction === null && plan.trunk === null && plan.channel === null;
    return this.s[unfiltered ? (`${name}All` as const) : name];
  }

  /** Which slots of `q` come from rollups (see rollup/plan.ts); call inside `run`. */
  private plan(q: CallQuery, exact = q.exact === true): RangePlan {
    if (exact) return planRange(q, true);
    const { later } = this.s.callsAfter.get({ to: Math.ceil(q.to) }) as { later: number };
    return planRange(q, false, later === 0, this.builtFrom());
  }

  /**
   * `read` with the plan of `q`, in one snapshot in which no slot is marked, so that the rollups it
   * reads hold every record it sees (a batch committed between a flush and the read would otherwise
   * be missing from its slots). Marked slots are flushed first. The lock is tried, not waited for:
   * another writer's turn is waited out in slices with the event loop turning, as writes do, and
   * after READ_FLUSH_WAIT_MS the records answer alone.
   */
  async read<T>(what: string, q: CallQuery, read: (plan: RangePlan) => T): Promise<T> {
    if (q.exact !== true) {
      const start = performance.now();
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        const r = this.run(what, () =>
          this.rollups.fresh()
            ? this.inSnapshot(() => (this.rollups.marked() ? NOT_FRESH : read(this.plan(q))))
            : NOT_FRESH,
        );
        if (r !== NOT_FRESH) return r as T;
        if (performance.now() - start + pause > READ_FLUSH_WAIT_MS) break;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    return this.run(what, () => read(this.plan(q, true)));
  }

  /** The plan of `q` and the reads its duration percentiles come from (rollup/plan.ts). */
  async percentiles(q: CallQuery, ps: readonly number[]) {
    const what = 'durationPercentiles';
    // Planned once the marks are flushed; estimates within the histogram's error need no one snapshot.
    const plan = await this.read(what, q, (plan) => plan);
    const reads = {
      histogram: async (plan: RangePlan) =>
        this.run(
          what,
          () => this.statement('durationHistogram', plan).all(plan) as Array<{ b: number; n: number }>,
        ),
      bounds: async (plan: RangePlan) =>
        this.run(what, () => this.statement('durationBounds', plan).all(plan) as Bound[]),
      exact: async () =>
        this.run(what, () => {
          const params: Record<string, unknown> = rangeParams(q);
          ps.forEach((p, i) => {
            params[`p${i}`] = p;
          });
          let st = this.percentileStmts.get(ps.length);
          if (!st)
            this.percentileStmts.set(
              ps.length,
              (st = this.db.prepare(SQL.durationPercentilesSql(ps.length))),
            );
          const row = st.get(params) as Record<string, number | null>;
          return ps.map((_, i) => row[`p${i}`] ?? null);
        }),
    };
    return { plan, reads };
  }
}
