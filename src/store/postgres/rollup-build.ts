/**
 * PostgreSQL's side of the background rollup build (rollup/build.ts). Several instances may share
 * the database: each runs the loop, one slice at a time holds an advisory lock, and every instance
 * reads the frontier back from `sidetone_meta` as it tries, so its reads follow the build (a
 * frontier read late is higher than the real one: the reads then take more from the records,
 * never less). A slice holds `calls` in SHARE mode: writes wait for it (a slice is bounded), and
 * no batch's statement trigger adds to a slot while it is rebuilt from the records.
 */
import {
  completed,
  formatState,
  nextSliceRecords,
  PG_SLICE_TARGET_MS,
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
import { pgRebuild, positional } from '../rollup/sql.js';
import { lockedSlice, META_DROP, META_GET, META_SET, type Query, type Transactions } from './meta.js';

/** One builder at a time across the instances sharing the database. */
const LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('sidetone.rollup_build')) AS got";
/** How long an instance that found another one building waits before it looks again. */
const BUSY_WAIT_MS = 1000;

/**
 * The records of a slice, with their filed days bounded as the reads bound theirs (a record is
 * filed at most `lag` days after its `first_at`'s day): a slice plans over its own partitions.
 */
const IN_RANGE = `first_at >= CAST(@lo AS BIGINT) AND first_at < CAST(@hi AS BIGINT)
  AND filed_day >= sidetone_day(CAST(@lo AS BIGINT))
  AND filed_day <= sidetone_day(CAST(@hi AS BIGINT) - 1) + (SELECT COALESCE(MAX(lag), 0) FROM call_days)`;
const REBUILD = pgRebuild(IN_RANGE).map((g) => ({ ms: g.ms, steps: g.sql.map((s) => positional(s)) }));

/**
 * Leave the rollups of the records stored to the background build: run in the migration's
 * transaction that left them out. Nothing when there is no record.
 * @example
 * await startPgRollupBuild((text, values) => client.query(text, values)); // inside BEGIN ... COMMIT
 */
export async function startPgRollupBuild(q: Query): Promise<void> {
  const r = (await q('SELECT MIN(first_at) AS lo, MAX(first_at) AS hi FROM calls')).rows[0] as {
    lo: string | number | null;
    hi: string | number | null;
  };
  if (r.lo === null || r.hi === null) await q(META_DROP, [ROLLUP_BUILD_KEY]);
  else await q(META_SET, [ROLLUP_BUILD_KEY, formatState(startState(Number(r.lo), Number(r.hi)))]);
}

/** The build as one instance sees it. */
export class PgRollupBuild implements RollupBuilder {
  private state: RollupBuildState | undefined;

  /** Records the next slice takes (nextSliceRecords), and the most it may. */
  private n: number;
  private readonly max: number;
  /** The last slice found another instance building. */
  private busy = false;

  constructor(
    private readonly conn: Transactions,
    sliceRecords = SLICE_RECORDS,
  ) {
    this.max = this.n = sliceRecordsOf(sliceRecords);
  }

  /** Read the frontier (at open, on the migrating connection, before the first read). */
  async load(q: Query): Promise<void> {
    const r = await q(META_GET, [ROLLUP_BUILD_KEY]);
    this.state = parseState((r.rows[0] as { value?: string } | undefined)?.value);
  }

  progress(): RollupBuildProgress | undefined {
    return this.state === undefined ? undefined : progressOf(this.state);
  }

  builtFrom(): number {
    return this.state?.from ?? Number.NEGATIVE_INFINITY;
  }

  async slice(): Promise<boolean> {
    const start = performance.now();
    const { state, busy } = await lockedSlice(
      this.conn,
      {
        lock: LOCK,
        key: ROLLUP_BUILD_KEY,
        parse: (v) => parseState(v as string | undefined),
        format: formatState,
      },
      async (q, s) => {
        await q('LOCK TABLE calls IN SHARE MODE');
        const one = async (text: string, values: unknown[]) =>
          (await q(text, values)).rows[0] as Record<string, string | number | null> | undefined;
        const oldest = (await one('SELECT MIN(first_at) AS v FROM calls WHERE first_at < $1', [s.from]))?.v;
        if (oldest === null || oldest === undefined) return undefined;
        const nthRow = await one(
          'SELECT first_at AS v FROM calls WHERE first_at < $1 ORDER BY first_at DESC LIMIT 1 OFFSET $2',
          [s.from, this.n],
        );
        const nth = nthRow === undefined ? null : Number(nthRow.v);
        const lo = sliceFloor(s.from, nth, Number(oldest));
        // The 10-minute slots of the slice from their records, then each coarser grain's slots it
        // completes from the finer rows (those holding `lo` wait for the slices below, if any).
        for (const g of REBUILD) {
          const [glo, ghi] = g === REBUILD[0] ? [lo, s.from] : completed(lo, s.from, g.ms, nth === null);
          if (glo >= ghi) continue;
          const params: Record<string, number> = { lo: glo, hi: ghi };
          for (const st of g.steps)
            await q(
              st.text,
              st.names.map((n) => params[n]),
            );
        }
        return nth === null ? undefined : { ...s, from: lo };
      },
    );
    this.state = state;
    // The database's time, not the event loop's: a slice that holds `calls` long makes writes wait.
    if (!busy) this.n = nextSliceRecords(this.n, performance.now() - start, this.max, PG_SLICE_TARGET_MS);
    this.busy = busy;
    return this.state !== undefined;
  }

  /** Another instance holds the build: look again in a second, not after a slice's time. */
  pauseMs(): number | undefined {
    return this.busy ? BUSY_WAIT_MS : undefined;
  }
}
