/**
 * Backend-neutral side of the rollups (rollup/sql.ts): which parts of a range come from rollups and
 * which from records, and percentiles from the duration histogram.
 */
import { bucketBounds, DAY_MS, HOUR_MS, TEN_MIN_MS } from './sql.js';

export { HISTOGRAM_ERROR } from './sql.js';

import type { CallQuery } from '../types.js';

/** Answered calls in a range up to which percentiles are computed exactly from the records. */
export const EXACT_PERCENTILES_UP_TO = 10_000;

/** The named parameters of the rollup reads (see rollup/sql.ts `SLOTS`). */
export interface RangePlan {
  from: number;
  to: number;
  m0: number;
  m1: number;
  h0: number;
  h1: number;
  d0: number;
  d1: number;
  direction: string | null;
  trunk: string | null;
  channel: string | null;
  instance: string | null;
}

/**
 * Split `[from, to)`: the whole 10-minute slots, the whole hours inside them and the whole days
 * inside those come from rollups, the minutes at the ends from records. `exact` reads everything
 * from records. With `nothingLater` (no call is filed at or after `to`: a range that ends now) the
 * slots holding `to` are whole too, so the open hour is read from rollups as well. Times are
 * stored as integers, so the bounds round up like the record queries' (`first_at >= 1.5` is `>= 2`).
 * `builtFrom` (a 10-minute slot): rollups before it are still being built (rollup/build.ts), so
 * the part of the range before it comes from the records too, with the same numbers.
 *
 * @example
 * planRange({ from: 0, to: 86_400_000 }, false, false, 43_200_000).m0; // 43_200_000: the first half from records
 */
export function planRange(
  q: CallQuery,
  exact = false,
  nothingLater = false,
  builtFrom = Number.NEGATIVE_INFINITY,
): RangePlan {
  const from = Math.ceil(q.from);
  const to = Math.ceil(q.to);
  const end = nothingLater ? Math.ceil(to / DAY_MS) * DAY_MS : to;
  const up = (t: number, ms: number) => Math.ceil(t / ms) * ms;
  const down = (t: number, ms: number) => Math.floor(t / ms) * ms;
  // Each grain inside the one before; an empty one collapses onto the end of the one before, so
  // the finer grain (or the records) covers it all.
  let [m0, m1] = exact ? [to, to] : [Math.max(up(from, TEN_MIN_MS), builtFrom), down(end, TEN_MIN_MS)];
  if (m0 >= m1) m0 = m1 = to;
  let [h0, h1] = [up(m0, HOUR_MS), down(m1, HOUR_MS)];
  if (h0 >= h1) h0 = h1 = m1;
  let [d0, d1] = [up(h0, DAY_MS), down(h1, DAY_MS)];
  if (d0 >= d1) d0 = d1 = h1;
  const filters = {
    direction: q.direction ?? null,
    trunk: q.trunk ?? null,
    channel: q.channel ?? null,
    instance: q.instance ?? null,
  };
  return { from, to, m0, m1, h0, h1, d0, d1, ...filters };
}

/**
 * Percentiles (as `percentile_cont`: linear between the two nearest ranks) estimated from histogram
 * buckets. A rank's value is placed inside its bucket by its position there, so it lies in the same
 * bucket as the true value: off by less than one bucket's width, {@link HISTOGRAM_ERROR} (9.05 %)
 * of the value. The shortest and longest durations, when known (`lo`, `hi`), are exact and clamp.
 *
 * @example
 * percentilesFromHistogram([{ b: 40, n: 3 }], 30, 32, [0.5]); // [31.39…]
 */
export function percentilesFromHistogram(
  rows: ReadonlyArray<{ b: number; n: number }>,
  lo: number | null,
  hi: number | null,
  ps: readonly number[],
): number[] {
  const total = rows.reduce((a, r) => a + Number(r.n), 0);
  const at = (k: number): number => {
    if (k <= 0 && lo !== null) return lo;
    if (k >= total - 1 && hi !== null) return hi;
    let before = 0;
    let v = 0;
    for (const r of rows) {
      const n = Number(r.n);
      const [a, b] = bucketBounds(Number(r.b));
      v = b;
      if (k < before + n) {
        v = a + ((b - a) * (k - before + 1)) / n;
        break;
      }
      before += n;
    }
    return Math.min(hi ?? v, Math.max(lo ?? v, v));
  };
  return ps.map((p) => {
    const rank = p * (total - 1);
    const k = Math.floor(rank);
    const v = at(k);
    return rank === k ? v : v + (rank - k) * (at(k + 1) - v);
  });
}

/** The shortest and longest answered duration of one part of a range. */
export interface Bound {
  lo: number | null;
  hi: number | null;
}

/** How a backend reads what {@link durationPercentiles} needs. */
export interface PercentileReads {
  histogram(plan: RangePlan): Promise<Array<{ b: number; n: number }>>;
  bounds(plan: RangePlan): Promise<Bound[]>;
  /** `percentile_cont` over the records. */
  exact(): Promise<(number | null)[]>;
}

/**
 * Duration percentiles of a range: exact from the records while the range holds at most
 * `exactUpTo` answered calls (or when the query asks for `exact`), else from the rollup histogram
 * within {@link HISTOGRAM_ERROR}.
 */
export async function durationPercentiles(
  plan: RangePlan,
  ps: readonly number[],
  exactUpTo: number,
  reads: PercentileReads,
): Promise<(number | null)[]> {
  if (plan.m0 === plan.to && plan.m1 === plan.to) return reads.exact(); // nothing whole to roll up
  const rows = await reads.histogram(plan);
  const total = rows.reduce((a, r) => a + Number(r.n), 0);
  if (total === 0) return ps.map(() => null);
  if (total <= exactUpTo) return reads.exact();
  // The exact ends cost another read: only p0 and p100 need them (they are the min and max).
  const parts = ps.some((p) => p === 0 || p === 1) ? await reads.bounds(plan) : [];
  const known = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null).map(Number);
  const lo = known(parts.map((p) => p.lo));
  const hi = known(parts.map((p) => p.hi));
  return percentilesFromHistogram(
    rows,
    lo.length > 0 ? Math.min(...lo) : null,
    hi.length > 0 ? Math.max(...hi) : null,
    ps,
  );
}
