/**
 * One end-to-end call from the legs a B2BUA made of it (issue 53): each leg is a call of its own
 * (its own Call-ID, outcome, PDD and media, decided by the call classifier), linked to the others
 * by a correlation the operator configured (`hep.leg_correlation`). This is the one place the
 * end-to-end outcome is decided, from the legs' outcomes alone, so every surface (API, CLI, call
 * page) reads the same verdict.
 *
 * RFC 6076 measures at the originating UA: SER/SEER count the caller's INVITE by its final
 * response (4.6, 4.7) and SRD (the PDD) runs from the caller's INVITE to its first 18x (4.2). So
 * the A leg (the caller's, the first leg started: a B2BUA sends B's INVITE only after A's arrived)
 * gives the end-to-end PDD, and the caller's outcome stands unless the B leg says where it failed.
 */
import type { CallOutcome } from '../labels.js';

/** Which leg a decision takes the outcome from; `answered` both; `active` none yet. */
export const END_TO_END_FROM = ['a', 'b', 'answered', 'active'] as const;
export type EndToEndFrom = (typeof END_TO_END_FROM)[number];

/** A leg as the decision sees it: `absent` when the B2BUA made no second leg. */
export const LEG_CLASSES = ['absent', 'active', 'answered', 'cancelled', 'failed'] as const;
export type LegClass = (typeof LEG_CLASSES)[number];

/** The leg that failed the call; null when none did (answered, or the caller cancelled). */
export type FailedLeg = 'a' | 'b' | null;

/**
 * Whose outcome the end-to-end call takes, by the A leg's class (rows) and the B leg's (columns,
 * LEG_CLASSES order). The rows, in words:
 * - A active, or B still running behind an A that ended (its CANCEL or BYE is on its way): active.
 * - A answered: answered end to end when B answered (or there is no B: the B2BUA answered itself,
 *   an IVR); B cancelled or failed: the callee was never reached, B's outcome (A answered early).
 * - A cancelled: the caller gave up; that stands whatever B did, except a B that failed first
 *   (its failure is the cause, the CANCEL crossed it).
 * - A failed: B failed too, the failure came from the far side (B); otherwise the B2BUA failed the
 *   caller on its own (B answered or cancelled, or no B at all): A.
 */
// biome-ignore format: a table reads better in rows
export const END_TO_END_TABLE: Readonly<Record<Exclude<LegClass, 'absent'>, readonly EndToEndFrom[]>> = {
  //           absent      active    answered    cancelled  failed
  active:    ['active',   'active', 'active',   'active',  'active'],
  answered:  ['answered', 'active', 'answered', 'b',       'b'],
  cancelled: ['a',        'active', 'a',        'a',       'b'],
  failed:    ['a',        'active', 'a',        'a',       'b'],
};

/** What the decision reads of one leg (a stored call record has all of it). */
export interface LegFacts {
  /** When the leg's INVITE was seen (else the first event of it), epoch ms. */
  startedAt: number;
  /** First 18x; null when none. */
  ringingAt: number | null;
  /** The classifier's outcome; null while the leg is active. */
  outcome: CallOutcome | null;
}

export interface EndToEnd {
  /** The end-to-end outcome (RFC 6076, as the caller experienced it); null while active. */
  outcome: CallOutcome | null;
  failedLeg: FailedLeg;
  /** The caller's PDD: A's INVITE to A's first 18x (RFC 6076 4.2); null when A never rang. */
  pddMs: number | null;
  /** The legs' indexes in `legs`, A first, then the B legs by start. */
  order: number[];
}

/** A leg's class for the table (a challenge nobody answered is a failure of that leg). */
export function legClass(outcome: CallOutcome | null): Exclude<LegClass, 'absent'> {
  if (outcome === null) return 'active';
  if (outcome === 'answered') return 'answered';
  if (outcome === 'cancelled') return 'cancelled';
  return 'failed';
}

/**
 * The B leg that speaks for the B side: an answered one if any (a B2BUA hunting serially stops at
 * the answer), else one still running, else the last started (the B2BUA's last try).
 */
function bSide(legs: readonly LegFacts[], order: readonly number[]): LegFacts | undefined {
  let pick: LegFacts | undefined;
  for (let i = 1; i < order.length; i++) {
    const leg = legs[order[i] as number] as LegFacts;
    const c = legClass(leg.outcome);
    if (c === 'answered') return leg;
    if (pick !== undefined && legClass(pick.outcome) === 'active') continue;
    pick = leg;
  }
  return pick;
}

/**
 * Decide an end-to-end call from its legs, in any order: A is the first started (ties by index,
 * so the same legs in any order give the same verdict only when their starts differ, which a
 * B2BUA's do: it sends B's INVITE after A's arrived).
 * @example
 * endToEnd([{ startedAt: 0, ringingAt: 900, outcome: 'busy' }, { startedAt: 40, ringingAt: 800, outcome: 'busy' }])
 * // { outcome: 'busy', failedLeg: 'b', pddMs: 900, order: [0, 1] }
 */
export function endToEnd(legs: readonly LegFacts[]): EndToEnd {
  const order = legs
    .map((_, i) => i)
    .sort((x, y) => (legs[x] as LegFacts).startedAt - (legs[y] as LegFacts).startedAt || x - y);
  const a = legs[order[0] as number];
  if (a === undefined) return { outcome: null, failedLeg: null, pddMs: null, order };
  const b = bSide(legs, order);
  const aClass = legClass(a.outcome);
  const bClass = b === undefined ? 0 : LEG_CLASSES.indexOf(legClass(b.outcome));
  const from = END_TO_END_TABLE[aClass][bClass] as EndToEndFrom;
  const pddMs = a.ringingAt === null ? null : Math.max(0, a.ringingAt - a.startedAt);
  switch (from) {
    case 'active':
      return { outcome: null, failedLeg: null, pddMs, order };
    case 'answered':
      return { outcome: 'answered', failedLeg: null, pddMs, order };
    case 'a':
      return { outcome: a.outcome, failedLeg: aClass === 'failed' ? 'a' : null, pddMs, order };
    case 'b': {
      const outcome = (b as LegFacts).outcome;
      return { outcome, failedLeg: legClass(outcome) === 'failed' ? 'b' : null, pddMs, order };
    }
  }
}
