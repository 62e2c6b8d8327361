/**
 * Carrier and SIP KPIs from a store's {@link CallStats} counts. The store counts in SQL (fast at
 * millions of rows); this turns counts into rates. A rate whose denominator is 0 is `null`, not 0:
 * "no calls" is not "all calls failed".
 */
import type { CallStats, KpiCounts } from '../store/types.js';

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
