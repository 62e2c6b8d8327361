/**
 * Rollups built in the background (issue 51): a store whose records have no rollups yet (one
 * migrated from before them, or one whose call classifier changed, records/rederive.ts) opens at
 * once, and its rollups are built from the records a slice at a time, newest first, while it
 * serves. Opening a store of 1M calls without them took 617 s when the build ran in the migration.
 *
 * The state is one frontier kept in `sidetone_meta` (key {@link ROLLUP_BUILD_KEY}): every
 * 10-minute slot at or after `from` is built (and kept by the writes as usual), every slot before
 * it is not yet. Reads plan with it (rollup/plan.ts `planRange`): what lies before the frontier
 * comes from the records, so a read answers the same numbers during the build as after it. A slice
 * rebuilds the slots from a lower bound up to the frontier from their records and moves the
 * frontier down, in one transaction: a restart resumes where the last slice committed. The
 * marker goes when no record is left before the frontier.
 */

import { showValue, ValidationError } from '../../errors.js';
import type { IdRewriteProgress } from '../stored-ids.js';
import { TEN_MIN_MS } from './groups.js';

/** The `sidetone_meta` key of the build's state; no row: every rollup is built. */
export const ROLLUP_BUILD_KEY = 'rollup_build';

/**
 * The state of a build: slots before `from` are not built. `top` is where it started and
 * `bottom` the oldest slot it had then (for its progress).
 */
export interface RollupBuildState {
  from: number;
  top: number;
  bottom: number;
}

/** How far a build is, in 10-minute slots of time between its start and the oldest record. */
export interface RollupBuildProgress {
  built: number;
  total: number;
  /** Why the last slice failed, when it did (it is tried again in a second). */
  failed?: string;
}

/** The slot of width `ms` a time is filed in, as the databases' integer division gives it. */
export const slotOf = (at: number, ms: number) => Math.trunc(at / ms) * ms;
const up = (t: number, ms: number) => Math.ceil(t / ms) * ms;

/** The state of a build that starts now, over records filed from `oldest` to `newest`. */
export function startState(oldest: number, newest: number): RollupBuildState {
  const top = slotOf(newest, TEN_MIN_MS) + TEN_MIN_MS;
  return { from: top, top, bottom: slotOf(oldest, TEN_MIN_MS) };
}

/** The marker's text in `sidetone_meta`. */
export const formatState = (s: RollupBuildState) => JSON.stringify(s);

/** The marker read back; undefined for none (or one that is not a build's state: nothing to build). */
export function parseState(value: string | undefined | null): RollupBuildState | undefined {
  if (value === undefined || value === null) return undefined;
  try {
    const s = JSON.parse(value) as Partial<RollupBuildState>;
    const ok = [s.from, s.top, s.bottom].every((n) => typeof n === 'number' && Number.isSafeInteger(n));
    return ok ? (s as RollupBuildState) : undefined;
  } catch {
    return undefined;
  }
}

/** How far a build is. */
export function progressOf(s: RollupBuildState): RollupBuildProgress {
  const built = Math.max(0, (s.top - s.from) / TEN_MIN_MS);
  // Records filed before the oldest slot once the build started make it longer than it was.
  return { built, total: Math.max(built + 1, (s.top - Math.min(s.bottom, s.from)) / TEN_MIN_MS) };
}

/**
 * What /readyz and the console say of a build: the store is ready (reads answer from the records
 * where rollups are missing, with the same numbers), so it is a detail, not a failure.
 * @example
 * buildDetail({ built: 1200, total: 5000 }); // 'rollups building: 1,200 of 5,000 10-minute slots (24 %); reads take the rest from the records'
 */
export function buildDetail(p: RollupBuildProgress | undefined): string {
  if (p === undefined) return 'rollups built';
  const pct = Math.floor((100 * p.built) / p.total);
  const failed = p.failed === undefined ? '' : `; the last slice failed (${p.failed}), tried again`;
  return `rollups building: ${p.built.toLocaleString('en-US')} of ${p.total.toLocaleString('en-US')} 10-minute slots (${pct} %); reads take the rest from the records${failed}`;
}

/**
 * The lower bound of the next slice below the frontier `from`: `nth`, the filing time of the
 * record `n` places below the frontier (the newest record below it is the first), or null when
 * fewer are left; `oldest`, the oldest record below it. Whole slots, at least one: a slice holds
 * the records of its slots, at most `n` unless one slot alone holds more.
 */
export function sliceFloor(from: number, nth: number | null, oldest: number): number {
  if (nth === null) return slotOf(oldest, TEN_MIN_MS);
  const lo = slotOf(nth, TEN_MIN_MS) + TEN_MIN_MS;
  return lo < from ? lo : slotOf(nth, TEN_MIN_MS);
}

/**
 * The slots of each coarser grain a slice [lo, hi) completes: those that start at or after `lo`
 * and hold some of the slice (their finer rows are now all built), and with the `last` slice (no
 * record left below `lo`) the one holding `lo` too. Empty when none.
 */
export const completed = (lo: number, hi: number, ms: number, last = false): [number, number] => [
  last ? slotOf(lo, ms) : up(lo, ms),
  up(hi, ms),
];

/** Records a slice groups at most (about 3 us a record to group, sqlite/rollups.ts). */
export const SLICE_RECORDS = 8192;
/** What a SQLite slice aims at: the event loop is held no longer (the project's bound on a stall is 50 ms). */
export const SLICE_TARGET_MS = 25;
/**
 * What a PostgreSQL slice aims at: it holds no event loop (its work is the server's), only writes
 * waiting for `calls`; at 25 ms slices shrank to a few hundred records and the build of 200k calls
 * ran for minutes, the fixed cost of each (the lock over every partition, the coarser grains) ruling.
 */
export const PG_SLICE_TARGET_MS = 200;

/**
 * The records the next slice takes after one of `n` took `ms`: scaled toward `targetMs`, at
 * most `max` (the option), at least 64 (or `max`, if smaller), so a slow or loaded machine takes
 * smaller slices instead of holding the event loop longer.
 * @example
 * nextSliceRecords(8192, 100, 8192); // 2048
 */
export function nextSliceRecords(n: number, ms: number, max: number, targetMs = SLICE_TARGET_MS): number {
  const scaled = Math.round((n * targetMs) / Math.max(ms, 1));
  return Math.max(Math.min(64, max), Math.min(max, scaled));
}
/** A slice size as asked for, checked: a whole number of records, at least one. */
export function sliceRecordsOf(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ValidationError(
      'ST_STORE_INVALID_SLICE',
      `rollupSliceRecords must be a whole number of records, at least 1; got ${showValue(n)}`,
      [{ path: 'rollupSliceRecords', message: 'integer >= 1' }],
    );
  }
  return n;
}

/**
 * The part of each second the build may take: after a slice of d ms it waits as long again, so
 * ingest and reads keep the event loop at least half the time.
 */
export const SLICE_PAUSE_FACTOR = 1;

/** A backend's side of the build (sqlite/rollup-build.ts, postgres/rollup-build.ts). */
export interface RollupBuilder {
  /** The progress as this store last saw it; undefined when every rollup is built. */
  progress(): RollupBuildProgress | undefined;
  /**
   * The frontier reads plan with (rollup/plan.ts `planRange`): slots before it come from the
   * records. Minus infinity when every rollup is built.
   */
  builtFrom(): number;
  /** Build one slice; false when nothing is left to build (by this store or another). */
  slice(): Promise<boolean>;
  /**
   * Raw ids the slices hash once the rollups are built (sqlite/id-rewrite.ts,
   * postgres/id-rewrite.ts); undefined when none are left.
   */
  ids?(): IdRewriteProgress | undefined;
  /** How long to wait before the next slice, when the builder knows better than the slice's time. */
  pauseMs?(): number | undefined;
}

/** A build running in the background: `stop` ends it after the slice in flight, `done` then settles. */
export interface BackgroundBuild {
  stop(): void;
  done: Promise<void>;
}

/**
 * Run `b` to the end in the background: a slice, then a pause as long as the slice took (at least
 * a turn of the event loop), until nothing is left or it is stopped. A failed slice is tried again
 * after a second (`onError` hears of it, and of `undefined` after each slice that worked); the
 * build never throws. The pause's timer does not keep
 * the process alive, and `stop` cuts it short, so a store closes at once.
 * @example
 * const build = runInBackground(builder);
 * build.stop();
 * await build.done;
 */
export function runInBackground(b: RollupBuilder, onError: (e: unknown) => void = () => {}): BackgroundBuild {
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, Math.max(1, Math.round(ms)));
      timer.unref();
    });
  const done = (async () => {
    while (!stopped) {
      const start = performance.now();
      let more = true;
      let wait = 1000;
      try {
        more = await b.slice();
        wait = b.pauseMs?.() ?? (performance.now() - start) * SLICE_PAUSE_FACTOR;
        onError(undefined);
      } catch (e) {
        if (!stopped) onError(e);
      }
      if (!more || stopped) return;
      await pause(wait);
    }
  })();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
    done,
  };
}
