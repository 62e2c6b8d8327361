import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallOutcome } from '../../src/domain/labels.js';
import { CALL_OUTCOMES } from '../../src/domain/labels.js';
import {
  END_TO_END_TABLE,
  endToEnd,
  LEG_CLASSES,
  type LegFacts,
} from '../../src/domain/outcome/end-to-end.js';

const leg = (startedAt: number, outcome: CallOutcome | null, ringingAt: number | null = null): LegFacts => ({
  startedAt,
  ringingAt,
  outcome,
});

/**
 * Written out from the rule in words (RFC 6076 counts at the originating UA; the B leg says where
 * a failure came from), not copied from the table: A's outcome, B's (undefined: no B leg), then
 * the end-to-end outcome and the leg that failed.
 */
// biome-ignore format: a table reads better in rows
const ROWS: [string, CallOutcome | null, CallOutcome | null | undefined, CallOutcome | null, 'a' | 'b' | null][] = [
  ['A answered, B answered',                         'answered',  'answered',  'answered',  null],
  ['A answered by the B2BUA itself (IVR), no B',     'answered',  undefined,   'answered',  null],
  ['A answered early, B busy',                       'answered',  'busy',      'busy',      'b'],
  ['A answered early, B cancelled (caller left)',    'answered',  'cancelled', 'cancelled', null],
  ['A answered, B still ringing',                    'answered',  null,        null,        null],
  ['A busy relayed from B busy',                     'busy',      'busy',      'busy',      'b'],
  ['A 480 translated from B 486',                    'no_answer', 'busy',      'busy',      'b'],
  ['A 503 after B timed out (408)',                  'failed',    'ineffective', 'ineffective', 'b'],
  ['A 500 while B answered (B2BUA broke)',           'failed',    'answered',  'failed',    'a'],
  ['A 403 from the B2BUA, no B leg',                 'failed',    undefined,   'failed',    'a'],
  ['A 503, B cancelled by the B2BUA',                'failed',    'cancelled', 'failed',    'a'],
  ['A declined while B still running',               'declined',  null,        null,        null],
  ['A cancelled, B cancelled (CANCEL relayed)',      'cancelled', 'cancelled', 'cancelled', null],
  ['A cancelled, B CANCEL still on its way',        'cancelled', null,        null,        null],
  ['A cancelled, no B yet',                          'cancelled', undefined,   'cancelled', null],
  ['A cancelled as B answered (crossed)',            'cancelled', 'answered',  'cancelled', null],
  ['A cancelled after B busy crossed it',            'cancelled', 'busy',      'busy',      'b'],
  ['A active',                                       null,        'busy',      null,        null],
  ['A active, no B',                                 null,        undefined,   null,        null],
  ['A redirected by the B2BUA, no B',                'redirected', undefined,  'redirected', 'a'],
  ['A challenged by the B2BUA, no B',                'challenged', undefined,  'challenged', 'a'],
];

describe('endToEnd: the end-to-end outcome of a B2BUA call', () => {
  it.each(ROWS)('%s', (_name, a, b, outcome, failedLeg) => {
    const legs = b === undefined ? [leg(1000, a)] : [leg(1000, a), leg(1040, b)];
    const e = endToEnd(legs);
    expect({ outcome: e.outcome, failedLeg: e.failedLeg }).toEqual({ outcome, failedLeg });
    // The legs' order does not matter: A is the one started first.
    const swapped = endToEnd([...legs].reverse());
    expect({ outcome: swapped.outcome, failedLeg: swapped.failedLeg }).toEqual({ outcome, failedLeg });
  });

  it('every cell of the table has a row above', () => {
    const classOf = (o: CallOutcome | null | undefined) =>
      o === undefined
        ? 'absent'
        : o === null
          ? 'active'
          : o === 'answered' || o === 'cancelled'
            ? o
            : 'failed';
    const covered = new Set(ROWS.map(([, a, b]) => `${classOf(a)}/${classOf(b)}`));
    const missing: string[] = [];
    for (const a of Object.keys(END_TO_END_TABLE))
      for (const b of LEG_CLASSES) if (!covered.has(`${a}/${b}`) && a !== 'active') missing.push(`${a}/${b}`);
    // A active gives active whatever B is (two rows show it); every other cell is written out.
    expect(missing).toEqual([]);
  });

  it("the PDD is the caller leg's: A's INVITE to A's first 18x (RFC 6076 4.2), not B's", () => {
    const e = endToEnd([leg(5000, 'answered', 5100), leg(1000, 'answered', 3200)]);
    expect(e.order).toEqual([1, 0]);
    expect(e.pddMs).toBe(2200);
    expect(endToEnd([leg(1000, 'failed'), leg(1010, 'failed', 1500)]).pddMs).toBeNull();
  });

  it('serial hunting: an answered B leg speaks for the B side, else the last tried', () => {
    const hunt = [leg(0, 'answered'), leg(10, 'busy'), leg(20, 'no_answer'), leg(30, 'answered')];
    expect(endToEnd(hunt).outcome).toBe('answered');
    const failed = [leg(0, 'no_answer'), leg(10, 'busy'), leg(20, 'no_answer')];
    expect(endToEnd(failed)).toMatchObject({ outcome: 'no_answer', failedLeg: 'b' });
    // One B leg still running keeps the call active.
    expect(endToEnd([leg(0, 'busy'), leg(10, 'busy'), leg(20, null)]).outcome).toBeNull();
  });

  it('any order of the same legs gives the same verdict (distinct starts)', () => {
    const outcome = fc.constantFrom<CallOutcome | null>(null, ...CALL_OUTCOMES);
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 4 }),
        fc.array(outcome, { minLength: 4, maxLength: 4 }),
        fc.infiniteStream(fc.nat()),
        (starts, outcomes, rand) => {
          const legs = starts.map((s, i) => leg(s, outcomes[i] ?? null, s + 100));
          const shuffled = [...legs].sort(() => (rand.next().value % 3) - 1);
          const x = endToEnd(legs);
          const y = endToEnd(shuffled);
          expect([y.outcome, y.failedLeg, y.pddMs]).toEqual([x.outcome, x.failedLeg, x.pddMs]);
        },
      ),
    );
  });
});
