/**
 * The call classifier: the one place a call's outcome, status, failure reason and KPI membership
 * are decided. The calls pack classifies at `call.ended`; the store derives the same from the SQL
 * that sql.ts generates from the same table (test/store/derive.test.ts checks the two agree).
 */

import type { CallOutcome } from '../labels.js';
import type { CallStatus, EndStatus, FailureReason } from '../records.js';
import { q850Class, sipToQ850 } from '../standards/sip.js';
import type { HangupBy } from '../vocab.js';
import {
  KPI_FLAG,
  NER_CAUSES,
  outcomeBits,
  Q850_OUTCOME,
  Q850_REASON,
  REASON_OUTCOME,
  REASON_Q850_FOR_NER,
  REASON_STATUS,
  SIP_Q850_FOR_NER,
  SIP_ROWS,
  STATUS_OUTCOME,
  sipRowOf,
} from './table.js';

/** What is known about a call. Nulls are unknown; only `ended` and `answered` are required. */
export interface CallFacts {
  ended: boolean;
  /** An answer (200 OK / CONNECT) was seen. */
  answered: boolean;
  /** Final SIP response to the INVITE. 1xx is not final and is ignored; 2xx means answered. */
  sipCode?: number | null | undefined;
  /** Q.850 cause (Reason header, PSTN or GSM release). */
  q850?: number | null | undefined;
  /** No final response (Timer B): the same as a stated reason `timeout`. */
  timeout?: boolean | undefined;
  /** A stated reason (store API). */
  reason?: FailureReason | null | undefined;
  /** A stated status (store API, zombie cleanup). */
  endStatus?: EndStatus | null | undefined;
  hangupBy?: HangupBy | null | undefined;
  /** Signalling: `sip` and `webrtc` calls are the RFC 6076 population. */
  channel?: string | null | undefined;
}

/** What sidetone decides about a call. */
export interface CallClass {
  /** RFC 6076 outcome; null while the call is active. */
  outcome: CallOutcome | null;
  status: CallStatus;
  /** Failure reason (`normal` for a completed call); null while active. */
  reason: FailureReason | null;
  /** {@link KPI_FLAG} bits plus the outcome index: what the store keeps in its `kpi` column. */
  kpi: number;
}

const isNerCause = (c: number | null | undefined) =>
  c !== null && c !== undefined && (NER_CAUSES as readonly number[]).includes(c);

function isAnswered(f: CallFacts): boolean {
  const c = f.sipCode;
  return f.answered || f.endStatus === 'completed' || (c != null && c >= 200 && c <= 299);
}

/** Final code 300..699, else null (absent, or a 1xx that is not final). */
function finalFailure(f: CallFacts): number | null {
  const c = f.sipCode;
  return c != null && c >= 300 ? c : null;
}

function statedReason(f: CallFacts): FailureReason | null {
  return f.reason ?? (f.timeout === true ? 'timeout' : null);
}

function outcomeOf(f: CallFacts, answered: boolean): CallOutcome {
  if (answered) return 'answered';
  const code = finalFailure(f);
  if (code !== null) return sipRowOf(code).outcome;
  const stated = statedReason(f);
  if (stated !== null) return REASON_OUTCOME[stated] ?? 'failed';
  if (f.q850 != null) return Q850_OUTCOME[f.q850] ?? 'failed';
  if (f.endStatus != null) return STATUS_OUTCOME[f.endStatus];
  return f.hangupBy === 'caller' ? 'cancelled' : 'failed';
}

function reasonOf(f: CallFacts, answered: boolean): FailureReason {
  const stated = statedReason(f);
  if (stated !== null) return stated;
  const code = finalFailure(f);
  if (code !== null && SIP_ROWS[code]) return SIP_ROWS[code].reason;
  if (f.q850 != null && Q850_REASON[f.q850]) return Q850_REASON[f.q850]!;
  if (code !== null) return 'other';
  if (answered) return 'normal';
  return f.hangupBy === 'caller' ? 'cancelled' : 'other';
}

/**
 * Classify a call from its facts.
 *
 * @example
 * ```ts
 * classifyCall({ ended: true, answered: false, timeout: true, channel: 'sip' });
 * // { outcome: 'ineffective', status: 'timeout', reason: 'timeout', kpi: ... } (counts for ISA)
 * classifyCall({ ended: true, answered: false, sipCode: 407 }).outcome; // 'challenged': not an attempt
 * ```
 */
export function classifyCall(f: CallFacts): CallClass {
  if (!f.ended) return { outcome: null, status: 'active', reason: null, kpi: 0 };
  const answered = isAnswered(f);
  const outcome = outcomeOf(f, answered);
  const reason = reasonOf(f, answered);
  const status: CallStatus = f.endStatus ?? (answered ? 'completed' : (REASON_STATUS[reason] ?? 'failed'));
  let kpi = outcomeBits(outcome);
  const code = f.sipCode;
  const cause =
    f.q850 ??
    (code != null
      ? (SIP_Q850_FOR_NER[code] ?? null)
      : (REASON_Q850_FOR_NER[statedReason(f) ?? (answered ? 'normal' : 'other')] ?? null));
  if (isNerCause(cause)) kpi |= KPI_FLAG.nerCause;
  if (f.channel === 'sip' || f.channel === 'webrtc') kpi |= KPI_FLAG.sip;
  return { outcome, status, reason, kpi };
}

/** E.425: an attempt (not a challenge) answered or ended at the user. */
export function isNetworkEffective(kpi: number): boolean {
  return (kpi & KPI_FLAG.seizure) !== 0 && (kpi & (KPI_FLAG.answered | KPI_FLAG.nerCause)) !== 0;
}

/**
 * Q.850 cause group for the hangup metric: from the cause, else from the SIP code through
 * RFC 3398 8.2.6.1; an answered call without either ended normally (BYE = cause 16), and Timer B
 * is recovery on timer expiry (102).
 */
export function hangupCause(f: CallFacts): ReturnType<typeof q850Class> {
  if (f.q850 != null) return q850Class(f.q850);
  if (f.sipCode != null) {
    const cause = sipToQ850(f.sipCode);
    if (cause !== undefined) return q850Class(cause);
    if (f.sipCode === 487) return 'normal';
    return 'other';
  }
  if (f.answered) return 'normal';
  if (f.timeout === true) return 'network';
  return 'other';
}

/** What a `call.ended` event says about the end of its call. */
export interface CallEnd {
  sipCode?: number | undefined;
  q850?: number | undefined;
  timeout?: boolean | undefined;
  hangupBy?: HangupBy | undefined;
}

/** The last verdict of {@link classifyEnded} and the facts it was decided from. */
const lastEnd = {
  set: false,
  answered: false,
  sipCode: undefined as number | undefined,
  q850: undefined as number | undefined,
  timeout: undefined as boolean | undefined,
  hangupBy: undefined as HangupBy | undefined,
  verdict: undefined as unknown as Readonly<CallClass>,
};

/**
 * {@link classifyCall} for an ended call, from its end event and whether it was answered, decided
 * once for every listener of the same `call.ended`: the calls pack (outcome and NER metrics), the
 * call log (`call.failed` or not) and the trace sink (span status) each ask in turn. The last
 * verdict is kept with the facts it came from (compared, not the event's identity, so an event
 * changed and emitted again is classified again) and shared, frozen, like the media score
 * (outcome/media.ts). Classifying in each listener was two or three CallFacts and CallClass
 * objects and table walks a call in the ingest bench.
 *
 * The channel is not an end fact, so `kpi` lacks the `sip` flag; nothing else depends on it
 * (outcome, status, reason, and the seizure, answered and NER-cause bits that network
 * effectiveness reads).
 * @example classifyEnded({ sipCode: 486 }, false).status // 'busy'
 */
export function classifyEnded(e: CallEnd, answered: boolean): Readonly<CallClass> {
  const l = lastEnd;
  if (
    l.set &&
    l.answered === answered &&
    l.sipCode === e.sipCode &&
    l.q850 === e.q850 &&
    l.timeout === e.timeout &&
    l.hangupBy === e.hangupBy
  ) {
    return l.verdict;
  }
  l.verdict = Object.freeze(
    classifyCall({
      ended: true,
      answered,
      sipCode: e.sipCode,
      q850: e.q850,
      timeout: e.timeout,
      hangupBy: e.hangupBy,
    }),
  );
  l.answered = answered;
  l.sipCode = e.sipCode;
  l.q850 = e.q850;
  l.timeout = e.timeout;
  l.hangupBy = e.hangupBy;
  l.set = true;
  return l.verdict;
}
