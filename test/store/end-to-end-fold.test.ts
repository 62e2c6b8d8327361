// A period's end-to-end counts (issue 53, records/end-to-end.ts foldEndToEnd) against each call
// decided on its own by the domain (src/domain/outcome/end-to-end.ts), as the call page reads it:
// the fold counts every call once, in its A leg's period, whatever order the legs come in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CALL_OUTCOMES, type CallOutcome } from '../../src/domain/labels.js';
import { endToEnd } from '../../src/domain/outcome/end-to-end.js';
import { outcomeBits } from '../../src/domain/outcome/table.js';
import { foldEndToEnd, type LegTuple } from '../../src/store/records/end-to-end.js';

const FROM = 1_000_000;
const TO = 2_000_000;

const leg = fc.record({
  // Around the period, its edges included.
  at: fc.integer({ min: FROM - 50_000, max: TO + 50_000 }),
  // A leg whose INVITE was not seen has no started_at: its first event's time stands for it.
  started: fc.boolean(),
  ring: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: null }),
  outcome: fc.option(fc.constantFrom(...CALL_OUTCOMES), { nil: null }),
});
// Legs of one call start apart (a B2BUA sends B's INVITE after A's arrived); on a tie the domain
// takes the first listed as A, and the store lists by first_at then id.
const calls = fc.array(fc.uniqueArray(leg, { minLength: 1, maxLength: 4, selector: (l) => l.at }), {
  maxLength: 30,
});

type Leg = { at: number; started: boolean; ring: number | null; outcome: CallOutcome | null };

const tuple = (key: string, l: Leg): LegTuple => [
  key,
  l.at,
  l.started ? l.at : null,
  l.ring === null ? null : l.at + l.ring,
  l.outcome === null ? 0 : outcomeBits(l.outcome as CallOutcome),
];

describe('foldEndToEnd', () => {
  it('counts each call once as the domain decides it, in its A leg period, the whole the sum of each alone in any order', () => {
    fc.assert(
      fc.property(calls, fc.nat(), (cs, seed) => {
        const rows = cs.flatMap((legs, i) => legs.map((l) => tuple(`call-${i}`, l)));
        // The store reads by first_at; any other order must give the same counts.
        const shuffled = rows
          .map((r, k) => [((k + 1) * 2654435761 + seed) % 4294967296, r] as const)
          .sort((a, b) => a[0] - b[0])
          .map(([, r]) => r);
        // Each call alone: in the period by its A leg (the earliest), counted as the domain decides it.
        const sum = {
          calls: 0,
          linked: 0,
          attempts: 0,
          answered: 0,
          pddMsSum: 0,
          pddCount: 0,
          failedA: 0,
          failedB: 0,
        };
        cs.forEach((legs, i) => {
          const one = foldEndToEnd(
            legs.map((l) => tuple(`call-${i}`, l)),
            FROM,
            TO,
            false,
          );
          const e = endToEnd(
            legs.map((l) => ({
              startedAt: l.at,
              ringingAt: l.ring === null ? null : l.at + l.ring,
              outcome: l.outcome,
            })),
          );
          const earliest = Math.min(...legs.map((l) => l.at));
          const inside = earliest >= FROM && earliest < TO ? 1 : 0;
          const attempt = inside && e.outcome !== null && e.outcome !== 'challenged' ? 1 : 0;
          expect(one).toEqual({
            calls: inside,
            linked: inside && legs.length > 1 ? 1 : 0,
            attempts: attempt,
            answered: attempt && e.outcome === 'answered' ? 1 : 0,
            pddMsSum: inside ? (e.pddMs ?? 0) : 0,
            pddCount: inside && e.pddMs !== null ? 1 : 0,
            failedA: attempt && e.failedLeg === 'a' ? 1 : 0,
            failedB: attempt && e.failedLeg === 'b' ? 1 : 0,
            legs: legs.length,
            truncated: false,
          });
          for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += one[k];
        });
        // All calls at once: the sum of each alone, whatever the order of the rows.
        const got = foldEndToEnd(rows, FROM, TO, false);
        expect(got).toEqual({ ...sum, legs: rows.length, truncated: false });
        expect(foldEndToEnd(shuffled, FROM, TO, false)).toEqual(got);
      }),
      { numRuns: 500 },
    );
  });
});
