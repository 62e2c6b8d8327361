/**
 * A call's legs as one end-to-end call (issue 53): the records the store holds for one stored
 * `end_to_end_id`, and the verdict of the one decision (src/domain/outcome/end-to-end.ts).
 */
import { endToEnd } from '../../domain/outcome/end-to-end.js';
import { outcomeOfBits } from '../../domain/outcome/table.js';
import type { CallRecord, EndToEndCall } from '../types.js';
import type { EndToEndStats } from './query-types.js';

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

/** A leg as the period's end-to-end read selects it (driver `endToEndLegs`). */
export type LegTuple = [
  endToEndId: string,
  firstAt: number,
  startedAt: number | null,
  ringingAt: number | null,
  kpi: number,
];

/** The most legs a period's end-to-end figures read: past it they cover the legs read (`truncated`). */
export const END_TO_END_READ_MAX = 100_000;
/**
 * How far from the period its legs are read: a B2BUA sends B's INVITE once A's arrived (ms later;
 * a serial hunt, a few tries of a ring timeout each), so legs filed this close to the period's
 * edges may belong to a call whose A leg is inside it, or outside.
 */
export const END_TO_END_EDGE_MS = 10 * 60_000;

/**
 * Fold the legs read for [from, to) (END_TO_END_EDGE_MS either side) into the period's counts.
 * @example foldEndToEnd([['k', 0, 0, 900, kpiOf('busy')], ['k', 40, 40, 800, kpiOf('busy')]], 0, 1000, false).failedB // 1
 */
export function foldEndToEnd(
  rows: readonly LegTuple[],
  from: number,
  to: number,
  truncated: boolean,
): EndToEndStats {
  const byId = new Map<string, LegTuple[]>();
  for (const r of rows) {
    const list = byId.get(r[0]);
    if (list === undefined) byId.set(r[0], [r]);
    else if (list.length < END_TO_END_LEGS_MAX) list.push(r);
  }
  const s: EndToEndStats = {
    calls: 0,
    linked: 0,
    attempts: 0,
    answered: 0,
    pddMsSum: 0,
    pddCount: 0,
    failedA: 0,
    failedB: 0,
    legs: rows.length,
    truncated,
  };
  for (const legs of byId.values()) {
    const e = endToEnd(
      legs.map((l) => ({
        startedAt: Number(l[2] ?? l[1]),
        ringingAt: l[3] === null ? null : Number(l[3]),
        outcome: outcomeOfBits(Number(l[4])),
      })),
    );
    const a = legs[e.order[0] as number] as LegTuple;
    const filed = Number(a[1]);
    if (filed < from || filed >= to) continue;
    s.calls++;
    if (legs.length > 1) s.linked++;
    if (e.pddMs !== null) {
      s.pddMsSum += e.pddMs;
      s.pddCount++;
    }
    if (e.outcome === null || e.outcome === 'challenged') continue;
    s.attempts++;
    if (e.outcome === 'answered') s.answered++;
    if (e.failedLeg === 'a') s.failedA++;
    else if (e.failedLeg === 'b') s.failedB++;
  }
  return s;
}
