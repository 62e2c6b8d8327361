import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerEarMs, phoneLegDelayMs } from '../../src/domain/caller-ear.js';

const dir = (rttMs: number | null, jitterMs: number | null) => ({ rttMs, jitterMs });

describe("the silence at the caller's ear (issue 52)", () => {
  it.each([
    ['no media', null, null],
    ['no round trip reported (RR without an SR back: LSR 0)', [dir(null, 5), dir(null, 7)], null],
    ["one direction's round trip, both jitters", [dir(120, 5), dir(null, 7)], 132],
    ['both round trips: the larger (the same path, reported twice)', [dir(80, 4), dir(90, 6)], 100],
    ['a round trip of 0 (a LAN) is known, not missing', [dir(0, 0), dir(0, 0)], 0],
    ['no jitter reported: the round trip alone', [dir(200, null), dir(190, null)], 200],
  ] as const)('%s', (_, media, want) => {
    expect(phoneLegDelayMs(media)).toBe(want);
  });

  it('adds the leg to the heard silence; unknown when either is', () => {
    expect(callerEarMs(1100, 100)).toBe(1200);
    expect(callerEarMs(null, 100)).toBeNull();
    expect(callerEarMs(1100, null)).toBeNull();
  });

  it('property: a delay added on the leg in one direction (netem on one side) adds one for one; the heard silence does not move', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 1000 }),
        (heard, rtt, j1, j2, added) => {
          const before = callerEarMs(heard, phoneLegDelayMs([dir(rtt, j1), dir(rtt, j2)]));
          const after = callerEarMs(heard, phoneLegDelayMs([dir(rtt + added, j1), dir(rtt + added, j2)]));
          expect((after as number) - (before as number)).toBeCloseTo(added, 6);
        },
      ),
    );
  });
});
