/** The backend-neutral side of the rollups: how a range is split, and percentiles from buckets. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_ERROR, percentilesFromHistogram, planRange } from '../../src/store/rollup/plan.js';
import { bucketBounds } from '../../src/store/rollup/sql.js';

const M = 600_000;
const H = 3_600_000;
const D = 86_400_000;

/** `percentile_cont` over sorted values, the reference. */
function exact(sorted: number[], p: number): number {
  const rank = p * (sorted.length - 1);
  const k = Math.floor(rank);
  return rank === k ? sorted[k]! : sorted[k]! + (rank - k) * (sorted[k + 1]! - sorted[k]!);
}
/** The bucket the SQL puts a duration in (rollup/sql.ts `bucketExpr`). */
const bucketOf = (ms: number) => (ms < 1 ? -1 : Math.ceil(Number((8 * Math.log2(ms)).toFixed(9))));

describe('planRange', () => {
  it('splits any range into records, 10-minute slots, hours and days that tile it exactly', () => {
    const t = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 3, 1) });
    fc.assert(
      fc.property(t, t, fc.boolean(), (a, b, later) => {
        fc.pre(a !== b);
        const [from, to] = a < b ? [a, b] : [b, a];
        const p = planRange({ from, to }, false, !later);
        const end = later ? to : Math.ceil(to / D) * D;
        // In order, each piece starting where the one before ends.
        const cuts = [p.from, p.m0, p.h0, p.d0, p.d1, p.h1, p.m1];
        for (let i = 1; i < cuts.length; i++) expect(cuts[i]).toBeGreaterThanOrEqual(cuts[i - 1]!);
        expect(p.m1 === p.to || p.m1 <= end).toBe(true);
        // Each non-empty rollup piece is made of whole slots of its grain.
        for (const [a, b, ms] of [
          [p.m0, p.h0, M],
          [p.h1, p.m1, M],
          [p.h0, p.d0, H],
          [p.d1, p.h1, H],
          [p.d0, p.d1, D],
        ] as const) {
          if (a < b) expect([a % ms, b % ms]).toEqual([0, 0]);
        }
        // What the rollups cover lies inside the range (or, with nothing later, past its end).
        if (p.m0 !== p.m1) {
          expect(p.m0).toBeGreaterThanOrEqual(from);
          expect(p.m0 - from).toBeLessThan(M);
          if (later) expect(to - p.m1).toBeLessThan(M);
          else expect(p.m1).toBeGreaterThanOrEqual(to);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads everything from records for `exact` and for ranges without a whole slot', () => {
    const q = { from: Date.UTC(2024, 0, 1, 10, 1), to: Date.UTC(2024, 0, 3, 10, 1) };
    expect(planRange(q, true)).toMatchObject({ m0: q.to, m1: q.to, h0: q.to, d0: q.to, d1: q.to });
    const short = { from: Date.UTC(2024, 0, 1, 10, 1), to: Date.UTC(2024, 0, 1, 10, 9) };
    expect(planRange(short)).toMatchObject({ m0: short.to, m1: short.to });
    // A whole day: one day slot, no hours or minutes left over.
    const day = { from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 2) };
    expect(planRange(day)).toMatchObject({
      m0: day.from,
      h0: day.from,
      d0: day.from,
      d1: day.to,
      h1: day.to,
    });
  });
});

describe('percentilesFromHistogram', () => {
  it('is within one bucket (9.05 %) of percentile_cont, and exact at p0 and p100 (property)', () => {
    const durations = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 300 });
    const ps = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(durations, ps, (values, wanted) => {
        const sorted = [...values].sort((a, b) => a - b);
        const counts = new Map<number, number>();
        for (const v of values) counts.set(bucketOf(v), (counts.get(bucketOf(v)) ?? 0) + 1);
        const rows = [...counts].sort((a, b) => a[0] - b[0]).map(([b, n]) => ({ b, n }));
        const all = [0, 1, ...wanted];
        const est = percentilesFromHistogram(rows, sorted[0]!, sorted.at(-1)!, all);
        all.forEach((p, i) => {
          const truth = exact(sorted, p);
          expect(Math.abs(est[i]! - truth)).toBeLessThanOrEqual(truth * HISTOGRAM_ERROR + 1e-6);
        });
        expect(est.slice(0, 2)).toEqual([sorted[0], sorted.at(-1)]);
        // Without the exact ends the estimate still stays within the bound.
        const loose = percentilesFromHistogram(rows, null, null, wanted);
        wanted.forEach((p, i) => {
          const truth = exact(sorted, p);
          expect(Math.abs(loose[i]! - truth)).toBeLessThanOrEqual(truth * HISTOGRAM_ERROR + 1e-6);
        });
      }),
      { numRuns: 300 },
    );
  });

  it('places values in schema-3 buckets: 2^(1/8) apart, upper bound inclusive', () => {
    expect(bucketBounds(-1)).toEqual([0, 0]);
    expect(bucketOf(1)).toBe(0);
    expect(bucketOf(2)).toBe(8);
    expect(bucketOf(1024)).toBe(80);
    const [lo, hi] = bucketBounds(80);
    expect(hi).toBe(1024);
    expect(hi / lo).toBeCloseTo(2 ** (1 / 8), 12);
  });
});
