/**
 * Carrier and SIP KPIs from a store's {@link CallStats} counts. The store counts in SQL (fast at
 * millions of rows); this turns counts into rates. A rate whose denominator is 0 is `null`, not 0:
 * "no calls" is not "all calls failed".
 */
import type { CallStats, EndToEndStats, KpiCounts } from '../store/types.js';

export interface Kpis {
  /** Answer-seizure ratio, %. */
  asr: number | null;
  /** Network effectiveness ratio, %. */
  ner: number | null;
  /** Session establishment ratio, %. */
  ser: number | null;
  /** Session establishment effectiveness ratio, %. */
  seer: number | null;
  /** Ineffective session attempts, %. */
  isa: number | null;
  /** Average call duration (talk time), seconds. */
  acdSeconds: number | null;
  /** Average post-dial delay, milliseconds. */
  pddMs: number | null;
  /** Completed / finished calls, %. */
  successRate: number | null;
  /** Calls with a transcript / calls, % (the voice-skill's formula). */
  transcriptRate: number | null;
}

/**
 * How each KPI is computed here, returned with every dashboard so readers need not guess.
 * Formulas follow ITU-T E.411 (ASR), E.425 (NER) and RFC 6076 (SER, SEER, ISA).
 */
export const KPI_DEFINITIONS: Readonly<Record<keyof Kpis, string>> = {
  asr:
    'ASR (ITU-T E.411) = answered / attempts x 100. Attempts are ended calls, except 401/407 ' +
    'authentication challenges (RFC 6076); 3xx are not excluded. See docs/kpis.md.',
  ner:
    'NER (ITU-T E.425) = (answered + attempts ending with Q.850 cause 16, 17, 18, 19 or 21) / attempts x 100. ' +
    'The cause is the stated Q.850 value, else from the final SIP code (200->16, 486/600->17, 480->18, ' +
    '603->21; 401/407 are not effective), else for calls without a SIP code from the reason ' +
    '(normal->16, busy->17, no_answer->18, rejected->21).',
  ser:
    'SER (RFC 6076 4.6) = SIP attempts answered / (SIP attempts - SIP attempts answered 3xx) x 100. ' +
    'SIP attempts are attempts on channel sip or webrtc.',
  seer:
    'SEER (RFC 6076 4.7) = SIP attempts answered 200, 480, 486, 600 or 603 / (SIP attempts - SIP attempts ' +
    'answered 3xx) x 100.',
  isa:
    'ISA (RFC 6076 4.8) = SIP attempts answered 408, 500, 503 or 504, or with no final response ' +
    '(Timer B, reason timeout) / SIP attempts x 100.',
  acdSeconds:
    'ACD = sum of talk time (answer to end) of answered calls / answered calls with a known talk time.',
  pddMs: 'PDD = average of start (INVITE) to first ringing (180/183) over calls that rang.',
  successRate: 'Success rate = completed calls / attempts x 100.',
  transcriptRate:
    'Transcript rate = calls with a transcript / calls x 100, over every call of the period whatever its ' +
    'status (the openai-voice-skill formula: 138 of 142 calls is 97.2 %).',
};

/** The carrier and RFC 6076 ratios of a set of counts: one formula for stats and series alike. */
export function ratios(c: KpiCounts): Pick<Kpis, 'asr' | 'ner' | 'ser' | 'seer' | 'isa'> {
  const sipBase = c.sipAttempts - c.sipRedirected;
  return {
    asr: percent(c.answered, c.attempts),
    ner: percent(c.networkEffective, c.attempts),
    ser: percent(c.sipAnswered, sipBase),
    seer: percent(c.sipEffective, sipBase),
    isa: percent(c.sipIneffective, c.sipAttempts),
  };
}

/** `n / d` as a percentage rounded to 2 decimals, or null when `d` is 0. */
export function percent(n: number, d: number): number | null {
  return d > 0 ? round((n / d) * 100, 2) : null;
}

export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

/**
 * KPIs of a stats snapshot.
 *
 * @example
 * ```ts
 * const k = kpisFromStats(await store.stats({ from, to }));
 * k.asr; // e.g. 58.33, or null when there were no finished calls
 * ```
 */
export function kpisFromStats(st: CallStats): Kpis {
  return {
    ...ratios({ ...st, attempts: st.finished }),
    acdSeconds: st.talkCount > 0 ? round(st.talkMsSum / st.talkCount / 1000, 3) : null,
    pddMs: st.pddCount > 0 ? round(st.pddMsSum / st.pddCount, 1) : null,
    successRate: percent(st.byStatus.completed, st.finished),
    transcriptRate: percent(st.transcripts, st.total),
  };
}

/**
 * The KPIs of a period's end-to-end calls (issue 53: a B2BUA's legs linked by
 * `hep.leg_correlation`), each call counted once with the outcome src/domain/outcome/end-to-end.ts
 * decided for it, where the per-leg KPIs above count each leg as a call of its own.
 */
export interface EndToEndKpis {
  /** End-to-end calls whose A leg was filed in the period; `linked` of them had two legs or more. */
  calls: number;
  linked: number;
  /** ASR (ITU-T E.411) over end-to-end calls: answered / attempts x 100, attempts as per leg. */
  asr: number | null;
  /** The caller's PDD (RFC 6076 4.2: A's INVITE to A's first 18x), average over the calls that rang. */
  pddMs: number | null;
  /** Attempts that failed on the caller's leg (the B2BUA failed it) and on the far side's. */
  failedLeg: { a: number; b: number };
  /** True when the period held more legs than one read takes (the figures cover those read). */
  truncated: boolean;
}

/**
 * The end-to-end KPIs of a period's counts (store `endToEndStats`): one formula for the API, the
 * CLI and the console, which all read them from here.
 * @example endToEndKpis(await store.endToEndStats({ from, to })).asr // 50 when 1 of 2 was answered end to end
 */
export function endToEndKpis(s: EndToEndStats): EndToEndKpis {
  return {
    calls: s.calls,
    linked: s.linked,
    asr: percent(s.answered, s.attempts),
    pddMs: s.pddCount > 0 ? round(s.pddMsSum / s.pddCount, 1) : null,
    failedLeg: { a: s.failedA, b: s.failedB },
    truncated: s.truncated,
  };
}
