import type { CallOutcome } from '../labels.js';
import {
  isNetworkEffective,
  isSipNetworkEffective,
  q850Class,
  q850ToSip,
  sipToQ850,
} from '../standards/sip.js';

/** What a call's end says, as far as the KPIs care. */
export interface CallEnd {
  answered: boolean;
  sipCode?: number | undefined;
  q850?: number | undefined;
  timeout?: boolean | undefined;
}

/**
 * Outcome of an ended call, so that RFC 6076 ratios are sums of outcomes:
 * answered; busy 486/600; no_answer 480; declined 603 (SEER numerator together with answered);
 * redirected 3xx (out of the SER/SEER denominators); ineffective 408/500/503/504 or no final
 * response at all (ISA numerator, RFC 6076 4.8); cancelled 487; failed for any other final.
 * Without a SIP code the Q.850 cause is mapped through RFC 3398 7.2.4.1 (a PSTN release).
 * @example callOutcome({ answered: false, sipCode: 503 }) // 'ineffective'
 */
export function callOutcome(end: CallEnd): CallOutcome {
  if (end.answered) return 'answered';
  const code = end.sipCode ?? (end.q850 === undefined ? undefined : q850ToSip(end.q850));
  if (code === undefined) {
    if (end.timeout === true) return 'ineffective';
    // Normal clearing before an answer: the caller gave up (a CANCEL on the SIP side).
    if (end.q850 === 16 || end.q850 === 31) return 'cancelled';
    return 'failed';
  }
  if (code === 486 || code === 600) return 'busy';
  if (code === 480) return 'no_answer';
  if (code === 603) return 'declined';
  if (code >= 300 && code < 400) return 'redirected';
  if (code === 408 || code === 500 || code === 503 || code === 504) return 'ineffective';
  if (code === 487) return 'cancelled';
  return 'failed';
}

/**
 * ITU-T E.425 network effectiveness of an ended call: answered, or stopped at the user. A Q.850
 * cause is more precise than the SIP code (480 may carry cause 20, subscriber absent), so it wins.
 */
export function isEffective(end: CallEnd): boolean {
  if (end.answered) return true;
  if (end.q850 !== undefined) return isNetworkEffective(end.q850);
  if (end.sipCode !== undefined) return isSipNetworkEffective(end.sipCode);
  return false;
}

/**
 * Q.850 cause group for the hangup metric: from the cause, else from the SIP code through
 * RFC 3398 8.2.6.1; an answered call without either ended normally (BYE = cause 16), and a
 * transaction timeout is recovery on timer expiry (102).
 */
export function hangupCause(end: CallEnd): ReturnType<typeof q850Class> {
  if (end.q850 !== undefined) return q850Class(end.q850);
  if (end.sipCode !== undefined) {
    const cause = sipToQ850(end.sipCode);
    if (cause !== undefined) return q850Class(cause);
    if (end.sipCode === 487) return 'normal';
    return 'other';
  }
  if (end.answered) return 'normal';
  if (end.timeout === true) return 'network';
  return 'other';
}
