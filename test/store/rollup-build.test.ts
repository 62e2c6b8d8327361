/**
 * The background rollup build's arithmetic (src/store/rollup/build.ts) and the plan of a read
 * while it runs (rollup/plan.ts `planRange` with a frontier): whole slots, every part of a range
 * before the frontier read from the records, and a marker that only reads back what was written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildDetail,
  completed,
  formatState,
  nextSliceRecords,
  parseState,
  progressOf,
  sliceFloor,
  startState,
} from '../../src/store/rollup/build.js';
import { planRange } from '../../src/store/rollup/plan.js';

const M10 = 600_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const time = fc.integer({ min: 0, max: 4_000_000_000_000 });

describe('background rollup build', () => {
  it('the marker reads back what was written, and nothing from text that is not a state', () => {
    fc.assert(
      fc.property(time, time, (a, b) => {
        const s = startState(Math.min(a, b), Math.max(a, b));
        expect(parseState(formatState(s))).toEqual(s);
        expect(s.from % M10).toBe(0);
        expect(s.from).toBeGreaterThan(Math.max(a, b));
        expect(progressOf(s)).toMatchObject({ built: 0 });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const s = parseState(text);
        if (s !== undefined) expect([s.from, s.top, s.bottom].every(Number.isSafeInteger)).toBe(true);
      }),
    );
    for (const bad of [undefined, null, '', '{}', '{"from":1.5,"top":2,"bottom":0}', '[1,2,3]', 'null'])
      expect(parseState(bad)).toBeUndefined();
  });

  it('a slice is whole slots below the frontier, at least one, leaving the nth record for the next', () => {
    fc.assert(
      // Filing times are epoch ms after 1970: slots are their integer division, as in SQL.
      fc.property(
        fc.integer({ min: 10_000_000, max: 4e12 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        time,
        (frontierAt, back, oldestAt) => {
          const from = Math.ceil(frontierAt / M10) * M10 + M10;
          const nth = from - back; // a record below the frontier
          const oldest = Math.min(nth, oldestAt);
          const lo = sliceFloor(from, nth, oldest);
          expect(lo % M10).toBe(0);
          expect(lo).toBeLessThan(from);
          // The nth record is left for the next slice, unless its slot is the one left to take.
          const slot = Math.floor(nth / M10) * M10;
          if (slot + M10 < from) expect(lo).toBe(slot + M10);
          else expect(lo).toBe(slot);
          // Fewer than n left: the slice takes them all.
          expect(sliceFloor(from, null, oldest)).toBe(Math.floor(oldest / M10) * M10);
        },
      ),
    );
  });

  it('a slice completes the hours and days that start inside it', () => {
    expect(completed(0, 3 * HOUR, HOUR)).toEqual([0, 3 * HOUR]);
    expect(completed(M10, 3 * HOUR + M10, HOUR)).toEqual([HOUR, 4 * HOUR]);
    expect(completed(M10, 2 * M10, DAY)).toEqual([DAY, DAY]); // none
    // The last slice: nothing below it, so the hour and day holding its start are whole too.
    expect(completed(M10, 2 * M10, DAY, true)).toEqual([0, DAY]);
    expect(completed(HOUR + M10, 3 * HOUR, HOUR, true)).toEqual([HOUR, 3 * HOUR]);
  });

  it('a read plans the part of its range before the frontier from the records', () => {
    fc.assert(
      fc.property(time, fc.integer({ min: 0, max: 200 * DAY }), time, (from, span, f) => {
        const q = { from, to: from + span };
        const builtFrom = Math.floor(f / M10) * M10;
        const p = planRange(q, false, false, builtFrom);
        const free = planRange(q);
        // Records cover [from, m0): everything before the frontier, the rest is as without one.
        expect(p.m0 === p.to || p.m0 >= builtFrom).toBe(true);
        expect(p.m1 === free.m1 || p.m1 === p.to).toBe(true);
        for (const [a, b] of [
          [p.m0, p.h0],
          [p.h0, p.d0],
          [p.d0, p.d1],
          [p.d1, p.h1],
          [p.h1, p.m1],
        ] as const)
          expect(a).toBeLessThanOrEqual(b);
        if (builtFrom <= from) expect(p).toEqual(free);
      }),
    );
  });

  it('slices shrink when they take longer than 25 ms and grow back to the bound', () => {
    expect(nextSliceRecords(8192, 100, 8192)).toBe(2048);
    expect(nextSliceRecords(2048, 5, 8192)).toBe(8192);
    expect(nextSliceRecords(100, 10_000, 8192)).toBe(64);
    expect(nextSliceRecords(40, 1, 40)).toBe(40);
    expect(nextSliceRecords(40, 10_000, 40)).toBe(40);
  });

  it('says how far the build is', () => {
    expect(buildDetail(undefined)).toBe('rollups built');
    expect(buildDetail({ built: 1200, total: 5000 })).toBe(
      'rollups building: 1,200 of 5,000 10-minute slots (24 %); reads take the rest from the records',
    );
    expect(buildDetail({ built: 0, total: 3, failed: 'disk full' })).toBe(
      'rollups building: 0 of 3 10-minute slots (0 %); reads take the rest from the records; the last slice failed (disk full), tried again',
    );
  });
});
