/**
 * The call-outcome table: every fact sidetone decides about an ended call (outcome, status,
 * failure reason, KPI membership) follows from these rows. The JS classifier (classify.ts) and
 * the SQL generator (sql.ts) both read them, so the metric packs, the store, the SQL aggregates
 * and the analytics cannot disagree. Sources: RFC 6076 (SER, SEER, ISA), ITU-T E.411 (ASR),
 * E.425 (NER), RFC 3398 (SIP <-> Q.850). Definitions in prose: docs/kpis.md.
 */

import { CALL_OUTCOMES, type CallOutcome } from '../labels.js';
import type { CallStatus, EndStatus, FailureReason } from '../records.js';
import { q850ToSip } from '../standards/sip.js';

/**
 * The revision of this table and its SQL (sql.ts). Bump it with any change that changes what a
 * stored call's status, reason or KPI bits would be, and pin the new SQL in
 * test/store/migrations-frozen.test.ts: stores built at an older revision rebuild those columns and
 * their rollups when they open (src/store/records/rederive.ts), so they agree with `/metrics`.
 */
export const CLASSIFIER_REVISION = 1;

/** One final SIP response: the failure reason shown, and the RFC 6076 outcome it counts as. */
export interface SipRow {
  reason: FailureReason;
  outcome: CallOutcome;
}

/**
 * Final responses 300..699 with a row of their own; any other 3xx is `redirected`/`other`, any
 * other 4xx-6xx `failed`/`other`. 401/407 are authentication challenges: RFC 6076 does not count
 * them as attempts (the re-sent INVITE with credentials is the attempt).
 */
// biome-ignore format: a table reads better in rows
export const SIP_ROWS: Readonly<Record<number, SipRow>> = {
  401: { reason: 'auth', outcome: 'challenged' },
  403: { reason: 'rejected', outcome: 'failed' },
  404: { reason: 'unavailable', outcome: 'failed' },
  407: { reason: 'auth', outcome: 'challenged' },
  408: { reason: 'timeout', outcome: 'ineffective' },
  410: { reason: 'unavailable', outcome: 'failed' },
  415: { reason: 'codec', outcome: 'failed' },
  480: { reason: 'no_answer', outcome: 'no_answer' },
  484: { reason: 'unavailable', outcome: 'failed' },
  486: { reason: 'busy', outcome: 'busy' },
  487: { reason: 'cancelled', outcome: 'cancelled' },
  488: { reason: 'codec', outcome: 'failed' },
  500: { reason: 'network_error', outcome: 'ineffective' },
  502: { reason: 'network_error', outcome: 'failed' },
  503: { reason: 'network_error', outcome: 'ineffective' },
  504: { reason: 'network_error', outcome: 'ineffective' },
  600: { reason: 'busy', outcome: 'busy' },
  603: { reason: 'rejected', outcome: 'declined' },
  604: { reason: 'unavailable', outcome: 'failed' },
  606: { reason: 'codec', outcome: 'failed' },
};

/** A final response without a row of its own. */
export function sipRowOf(code: number): SipRow {
  return (
    SIP_ROWS[code] ??
    (code < 400 ? { reason: 'other', outcome: 'redirected' } : { reason: 'other', outcome: 'failed' })
  );
}

/** Q.850 cause -> failure reason (ITU-T Q.850 cause values). Unlisted causes read as `other`. */
// biome-ignore format: a table reads better in rows
export const Q850_REASON: Readonly<Record<number, FailureReason>> = {
  1: 'unavailable', 3: 'unavailable', 16: 'normal', 17: 'busy', 18: 'no_answer', 19: 'no_answer',
  20: 'unavailable', 21: 'rejected', 22: 'unavailable', 27: 'unavailable', 28: 'unavailable',
  31: 'normal', 34: 'network_error', 38: 'network_error', 41: 'network_error', 42: 'network_error',
  47: 'network_error', 58: 'codec', 65: 'codec', 79: 'codec', 88: 'codec', 102: 'timeout',
};

/**
 * Q.850 cause -> outcome, for a release without a SIP final response (GSM, PSTN): the cause is
 * mapped to SIP through RFC 3398 7.2.4.1 and read through {@link SIP_ROWS}; normal clearing before
 * an answer (16, 31) is the caller giving up, and 102 (recovery on timer expiry) is a timeout.
 * Causes that map to nothing, or to an outcome of `failed`, are left out (the default).
 */
export const Q850_OUTCOME: Readonly<Record<number, CallOutcome>> = (() => {
  const out: Record<number, CallOutcome> = {};
  for (let cause = 0; cause <= 127; cause++) {
    const code = q850ToSip(cause);
    let o: CallOutcome = code === undefined ? 'failed' : sipRowOf(code).outcome;
    if (cause === 16 || cause === 31) o = 'cancelled';
    if (cause === 102) o = 'ineffective';
    // A release is never an authentication challenge.
    if (o === 'challenged') o = 'failed';
    if (o !== 'failed') out[cause] = o;
  }
  return out;
})();

/** A stated reason (store API, or Timer B as `timeout`) -> outcome when no SIP code says more. */
export const REASON_OUTCOME: Readonly<Partial<Record<FailureReason, CallOutcome>>> = {
  busy: 'busy',
  no_answer: 'no_answer',
  rejected: 'declined',
  cancelled: 'cancelled',
  // An unanswered call cleared normally was given up by the caller.
  normal: 'cancelled',
  timeout: 'ineffective',
};

/** A stated end status (store API, zombie cleanup) -> outcome, when nothing more precise is known. */
export const STATUS_OUTCOME: Readonly<Record<EndStatus, CallOutcome>> = {
  completed: 'answered',
  failed: 'failed',
  busy: 'busy',
  no_answer: 'no_answer',
  cancelled: 'cancelled',
  timeout: 'ineffective',
};

/** Effective reason -> status of an unanswered call; anything unlisted is `failed`. */
export const REASON_STATUS: Readonly<Partial<Record<FailureReason, CallStatus>>> = {
  busy: 'busy',
  no_answer: 'no_answer',
  cancelled: 'cancelled',
  normal: 'cancelled',
  timeout: 'timeout',
};

/**
 * SIP -> Q.850 for network effectiveness (after RFC 3398 8.2.6.1), deliberately only these:
 * 401/407 map to 21 in RFC 3398 but say nothing about the called user.
 */
export const SIP_Q850_FOR_NER: Readonly<Record<number, number>> = {
  200: 16,
  480: 18,
  486: 17,
  600: 17,
  603: 21,
};
/** Without a SIP code or a cause, the reason stands in for the cause. */
export const REASON_Q850_FOR_NER: Readonly<Partial<Record<FailureReason, number>>> = {
  normal: 16,
  busy: 17,
  no_answer: 18,
  rejected: 21,
};
/** Q.850 causes counted as network-effective by ITU-T E.425. */
export const NER_CAUSES = [16, 17, 18, 19, 21] as const;
/** Final responses that count for SEER (RFC 6076 4.7). */
export const SEER_CODES = [200, 480, 486, 600, 603] as const;
/** Final responses that count as ineffective (RFC 6076 4.8); no final response (Timer B) too. */
export const ISA_CODES = [408, 500, 503, 504] as const;

/**
 * KPI bits of a classified call. The store keeps them in one integer column so aggregates are
 * sums over a small GROUP BY; bits 9.. hold the outcome's index + 1 (0 = no outcome yet).
 */
export const KPI_FLAG = {
  /** Answered (an answer seen, a 2xx final response, or stated `completed`). */
  answered: 1,
  /** The end's Q.850 cause (stated, from the SIP code, or from the reason) is network-effective. */
  nerCause: 2,
  /** A SIP call: channel sip or webrtc. */
  sip: 4,
  /** Outcome `redirected` (3xx). */
  sipRedirected: 8,
  /** Outcome `answered` (SER numerator). */
  sipAnswered: 16,
  /** Outcome answered, busy, no_answer or declined (SEER numerator: 200, 480, 486/600, 603). */
  sipEffective: 32,
  /** Outcome `ineffective` (ISA numerator: 408, 500, 503, 504, or Timer B). */
  sipIneffective: 64,
  /** An attempt (seizure): ended, and not an authentication challenge. The KPI denominators. */
  seizure: 128,
  /** Ended on a 401/407 challenge: not an attempt. */
  challenged: 256,
} as const;

/** Shift of the outcome index in the KPI integer. */
export const OUTCOME_SHIFT = 9;

/** The bits an outcome contributes (seizure included), outcome index in the high bits. */
export function outcomeBits(outcome: CallOutcome): number {
  const F = KPI_FLAG;
  let bits = (CALL_OUTCOMES.indexOf(outcome) + 1) << OUTCOME_SHIFT;
  bits |= outcome === 'challenged' ? F.challenged : F.seizure;
  if (outcome === 'answered') bits |= F.answered | F.sipAnswered;
  if (outcome === 'answered' || outcome === 'busy' || outcome === 'no_answer' || outcome === 'declined') {
    bits |= F.sipEffective;
  }
  if (outcome === 'redirected') bits |= F.sipRedirected;
  if (outcome === 'ineffective') bits |= F.sipIneffective;
  return bits;
}

/** The outcome held in a KPI integer, or null (active call). */
export function outcomeOfBits(kpi: number): CallOutcome | null {
  return CALL_OUTCOMES[(kpi >> OUTCOME_SHIFT) - 1] ?? null;
}
