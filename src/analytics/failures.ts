/** "Which calls failed and why": the most recent failed calls, numbers masked. */

import type { CallOutcome } from '../domain/labels.js';
import type { CallStatus, FailureReason } from '../domain/records.js';
import { showValue, ValidationError } from '../errors.js';
import type { CallRecord, CallStore } from '../store/types.js';
import { checkRange } from '../store/validate.js';

/** Outcomes listed as failures: every finished call that did not complete. */
export const FAILURE_STATUSES: readonly CallStatus[] = [
  'failed',
  'busy',
  'no_answer',
  'cancelled',
  'timeout',
];

export interface FailedCall {
  callId: string;
  status: CallStatus;
  reason: FailureReason | null;
  /** RFC 6076 outcome (the call classifier's): `challenged` is a 401/407, not a failed attempt. */
  outcome: CallOutcome | null;
  sipCode: number | null;
  q850: number | null;
  direction: string | null;
  channel: string | null;
  trunk: string | null;
  /** Masked unless revealed (and raw storage is on). */
  from: string | null;
  to: string | null;
  startedAt: number | null;
  endedAt: number | null;
  /** Filing time (earliest event), the order of the list. */
  at: number;
  // The openai-voice-skill guide's keys (docs/compat/voice-skill.md), same values, its names.
  /** `callId`: hashed unless the operator reveals call ids. */
  call_id: string;
  /** `direction`. */
  call_type: string | null;
  /** `from`, masked unless revealed. */
  caller_number: string | null;
  /** `to`, masked unless revealed. */
  callee_number: string | null;
  /** ISO 8601 of `startedAt` / `endedAt`. */
  started_at: string | null;
  ended_at: string | null;
  /** Start to end, s. */
  duration_seconds: number | null;
  /** `reason`, `unknown` when none was classified (the guide's value for that). */
  failure_reason: string;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/**
 * The openai-voice-skill guide's keys of one call record, the same in its failures list and its
 * export: direction as `call_type`, the shown numbers, start to end in seconds, and the reason of a
 * failed call (`unknown` when none was classified; null for a call that did not fail).
 * @example
 * const keys = voiceSkillKeys(call, '+1555***4567', null); // { call_type: 'outbound', ... }
 */
export function voiceSkillKeys(c: CallRecord, from: string | null, to: string | null) {
  return {
    call_type: c.direction,
    caller_number: from,
    callee_number: to,
    duration_seconds:
      c.startedAt === null || c.endedAt === null ? null : Math.max(0, c.endedAt - c.startedAt) / 1000,
    failure_reason: FAILURE_STATUSES.includes(c.status) ? (c.reason ?? 'unknown') : null,
  };
}

export interface FailuresOptions {
  /** How many, newest first (default 50, at most 1000). */
  limit?: number;
  /** Only failures filed before this time (for paging). */
  before?: number;
  /** Narrow to some of {@link FAILURE_STATUSES}. */
  statuses?: readonly CallStatus[];
  reveal?: boolean;
}

/**
 * The most recent failed calls with reasons.
 *
 * @example
 * ```ts
 * for (const f of await failures(store, { limit: 20 })) console.log(f.at, f.to, f.status, f.reason, f.sipCode);
 * ```
 */
export async function failures(store: CallStore, opts: FailuresOptions = {}): Promise<FailedCall[]> {
  const limit = opts.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_LIMIT',
      `failures limit must be an integer in 1..1000, got ${showValue(limit)}; e.g. 50`,
      [{ path: 'limit', message: '1..1000' }],
    );
  }
  const statuses = opts.statuses ?? FAILURE_STATUSES;
  const bad = statuses.find((s) => !FAILURE_STATUSES.includes(s));
  if (bad !== undefined) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_STATUS',
      `failure status must be one of ${FAILURE_STATUSES.join(', ')}, got ${showValue(bad)}`,
      [{ path: 'statuses', message: FAILURE_STATUSES.join(', ') }],
    );
  }
  const calls = await store.recentCalls(
    { statuses, limit, ...(opts.before === undefined ? {} : { before: opts.before }) },
    { reveal: opts.reveal === true },
  );
  return calls.map((c) => {
    // The stored id: its keyed hash, unless the operator set store.reveal_call_ids.
    const callId = c.callId;
    const from = c.from ?? c.fromMasked;
    const to = c.to ?? c.toMasked;
    return {
      callId,
      status: c.status,
      reason: c.reason,
      outcome: c.outcome,
      sipCode: c.sipCode,
      q850: c.q850,
      direction: c.direction,
      channel: c.channel,
      trunk: c.trunk,
      from,
      to,
      startedAt: c.startedAt,
      endedAt: c.endedAt,
      at: c.firstAt,
      call_id: callId,
      started_at: iso(c.startedAt),
      ended_at: iso(c.endedAt),
      ...voiceSkillKeys(c, from, to),
      failure_reason: c.reason ?? 'unknown',
    };
  });
}

/** Failed calls of one reason on one trunk. */
export interface FailureGroup {
  reason: string;
  /** A configured trunk name, `other`, or `none` for calls without a trunk. */
  trunk: string;
  calls: number;
}

/**
 * Why calls failed over `[from, to)`, grouped by reason x trunk, largest first: the store's
 * failure breakdown (the classifier's reasons) narrowed to each trunk of the period.
 * @example
 * await failureGroups(store, { from: Date.now() - 3_600_000, to: Date.now() });
 * // [{ reason: 'network_error', trunk: 'trunk-b', calls: 42 }, ...]
 */
export async function failureGroups(
  store: CallStore,
  q: { from: number; to: number },
): Promise<FailureGroup[]> {
  checkRange(q, 'ST_ANALYTICS_INVALID_RANGE');
  const all = (await store.overview(q, 'day')).breakdown;
  const groups: FailureGroup[] = [];
  const onTrunks = new Map<string, number>();
  for (const trunk of Object.keys(all.byTrunk)) {
    const { byFailureReason } = (await store.overview({ ...q, trunk }, 'day')).breakdown;
    for (const [reason, calls] of Object.entries(byFailureReason)) {
      if (calls === 0) continue;
      groups.push({ reason, trunk, calls });
      onTrunks.set(reason, (onTrunks.get(reason) ?? 0) + calls);
    }
  }
  // What is left of each reason belongs to calls without a trunk.
  for (const [reason, calls] of Object.entries(all.byFailureReason)) {
    const rest = calls - (onTrunks.get(reason) ?? 0);
    if (rest > 0) groups.push({ reason, trunk: 'none', calls: rest });
  }
  return groups.sort(
    (a, b) => b.calls - a.calls || a.reason.localeCompare(b.reason) || a.trunk.localeCompare(b.trunk),
  );
}
