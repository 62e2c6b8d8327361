/**
 * Call KPIs over a batch of INVITE attempts: RFC 6076 (SER, SEER, ISA, measured at the
 * originating side) and the carrier KPIs ASR (ITU-T E.411), NER (ITU-T E.425), ACD and PDD.
 */

import { classifyCall } from '../../src/domain/outcome/classify.js';
import { KPI_FLAG } from '../../src/domain/outcome/table.js';

/**
 * One call attempt: the initial INVITE of a call, counted once (RFC 6076), whatever
 * happened after.
 *
 * Authentication challenges: an INVITE answered 401/407 is not an attempt (RFC 6076). A caller
 * may pass the challenged INVITE as its own entry with `finalCode` 401 or 407 and it is
 * dropped; the re-sent INVITE with credentials is the attempt and carries the real outcome.
 */
export interface CallAttempt {
  /** Final SIP response to the INVITE; undefined = no final response (Timer B fired). */
  finalCode?: number;
  /** True when the INVITE was answered with 2xx (the call was connected). */
  answered: boolean;
  /** Answered calls: seconds from 200 OK to BYE (call hold time). */
  durationSeconds?: number;
  /** Post-dial delay in seconds: INVITE sent -> first 180/183. */
  pddSeconds?: number;
  /** Q.850 cause, e.g. from a Reason header (RFC 3326) or the PSTN side of a gateway. */
  q850?: number;
}

/** KPI results; percentages are 0..100 and null (not 0) when their denominator is 0. */
export interface CallKpis {
  /** Attempts counted (401/407 challenges excluded). */
  attempts: number;
  answered: number;
  /** Answer-seizure ratio: answered / attempts (E.411; 3xx stays in the denominator). */
  asr: number | null;
  /** Network effectiveness ratio (E.425): answered or ended by the user / attempts. */
  ner: number | null;
  /** Session establishment ratio (RFC 6076 4.6): answered / (attempts - 3xx). */
  ser: number | null;
  /** Session establishment effectiveness ratio (RFC 6076 4.7): {200,480,486,600,603} / (attempts - 3xx). */
  seer: number | null;
  /** Ineffective session attempts (RFC 6076 4.8): {408,500,503,504} or no final response / attempts. */
  isa: number | null;
  /** Average call duration in seconds over answered calls that report a duration. */
  acd: number | null;
  /** Mean post-dial delay in seconds over attempts that report one. */
  pdd: number | null;
}

function pct(n: number, d: number): number | null {
  return d > 0 ? (n * 100) / d : null;
}

/**
 * Compute RFC 6076 and carrier KPIs over a list of attempts.
 *
 * @example
 * ```ts
 * callKpis([
 *   { finalCode: 200, answered: true, durationSeconds: 60 },
 *   { finalCode: 486, answered: false },
 * ]) // { attempts: 2, answered: 1, asr: 50, ner: 100, ser: 50, seer: 100, isa: 0, acd: 60, pdd: null }
 * ```
 */
export function callKpis(attempts: readonly CallAttempt[]): CallKpis {
  let total = 0;
  let answered = 0;
  let redirected = 0;
  let effective = 0;
  let seerHits = 0;
  let ineffective = 0;
  let durationSum = 0;
  let durationCount = 0;
  let pddSum = 0;
  let pddCount = 0;

  for (const a of attempts) {
    // The one call classifier decides; no final response on an unanswered attempt is Timer B.
    const { kpi } = classifyCall({
      ended: true,
      answered: a.answered,
      sipCode: a.finalCode ?? null,
      q850: a.q850 ?? null,
      timeout: a.finalCode === undefined && !a.answered,
      channel: 'sip',
    });
    if ((kpi & KPI_FLAG.seizure) === 0) continue; // a 401/407 challenge is not an attempt
    total++;
    if (kpi & KPI_FLAG.answered) {
      answered++;
      if (a.durationSeconds !== undefined && Number.isFinite(a.durationSeconds) && a.durationSeconds >= 0) {
        durationSum += a.durationSeconds;
        durationCount++;
      }
    }
    if (kpi & (KPI_FLAG.answered | KPI_FLAG.nerCause)) effective++;
    if (kpi & KPI_FLAG.sipEffective) seerHits++;
    if (kpi & KPI_FLAG.sipIneffective) ineffective++;
    if (kpi & KPI_FLAG.sipRedirected) redirected++;
    if (a.pddSeconds !== undefined && Number.isFinite(a.pddSeconds) && a.pddSeconds >= 0) {
      pddSum += a.pddSeconds;
      pddCount++;
    }
  }

  const established = total - redirected;
  return {
    attempts: total,
    answered,
    asr: pct(answered, total),
    ner: pct(effective, total),
    ser: pct(answered, established),
    seer: pct(seerHits, established),
    isa: pct(ineffective, total),
    acd: durationCount > 0 ? durationSum / durationCount : null,
    pdd: pddCount > 0 ? pddSum / pddCount : null,
  };
}
