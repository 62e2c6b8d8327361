/**
 * A call's legs as one end-to-end call (issue 53): the records the store holds for one stored
 * `end_to_end_id`, and the verdict of the one decision (src/domain/outcome/end-to-end.ts).
 */
import { endToEnd } from '../../domain/outcome/end-to-end.js';
import type { CallRecord, EndToEndCall } from '../types.js';

/** Legs read for one end-to-end call: a B2BUA hunting serially makes a few, never dozens. */
export const END_TO_END_LEGS_MAX = 8;

/**
 * The end-to-end call of `legs` (two or more records sharing `id`), legs A first.
 * @example endToEndCall('cid:…', [aLeg, bLeg]).outcome // 'busy' when B was busy
 */
export function endToEndCall(id: string, legs: readonly CallRecord[]): EndToEndCall {
  const e = endToEnd(
    legs.map((l) => ({ startedAt: l.startedAt ?? l.firstAt, ringingAt: l.ringingAt, outcome: l.outcome })),
  );
  return {
    id,
    outcome: e.outcome,
    failedLeg: e.failedLeg,
    pddMs: e.pddMs,
    legs: e.order.map((i, k) => ({ ...(legs[i] as CallRecord), leg: k === 0 ? 'a' : 'b' })),
  };
}
