/**
 * How a call's reason and status follow from the facts collected about it. Defined once here, as
 * tables, and rendered both as JS (for tests and other backends) and as SQL expressions (for the
 * SQLite generated columns), so the two cannot drift apart.
 */
import type { CallStatus, EndStatus, FailureReason, HangupBy } from './types.js';

/** Final SIP response → reason. Other 3xx–6xx responses read as `other`. */
export const SIP_REASON: Readonly<Record<number, FailureReason>> = {
  200: 'normal',
  401: 'auth',
  403: 'rejected',
  404: 'unavailable',
  407: 'auth',
  408: 'timeout',
  410: 'unavailable',
  415: 'codec',
  480: 'no_answer',
  484: 'unavailable',
  486: 'busy',
  487: 'cancelled',
  488: 'codec',
  500: 'network_error',
  502: 'network_error',
  503: 'network_error',
  504: 'network_error',
  600: 'busy',
  603: 'rejected',
  604: 'unavailable',
  606: 'codec',
};

/** Q.850 cause → reason (ITU-T Q.850 cause values). Unlisted causes read as `other`. */
export const Q850_REASON: Readonly<Record<number, FailureReason>> = {
  1: 'unavailable',
  3: 'unavailable',
  16: 'normal',
  17: 'busy',
  18: 'no_answer',
  19: 'no_answer',
  20: 'unavailable',
  21: 'rejected',
  22: 'unavailable',
  27: 'unavailable',
  28: 'unavailable',
  31: 'normal',
  34: 'network_error',
  38: 'network_error',
  41: 'network_error',
  42: 'network_error',
  47: 'network_error',
  58: 'codec',
  65: 'codec',
  79: 'codec',
  88: 'codec',
  102: 'timeout',
};

/**
 * SIP → Q.850 for network effectiveness (telecom.md, after RFC 3398 8.2.6.1), deliberately only
 * these: 401/407 map to 21 in RFC 3398 but are not network-effective.
 */
export const SIP_Q850_FOR_NER: Readonly<Record<number, number>> = {
  200: 16,
  480: 18,
  486: 17,
  600: 17,
  603: 21,
};
/** For calls without a SIP code (GSM, PSTN): the reason stands in for the cause. */
export const REASON_Q850_FOR_NER: Readonly<Partial<Record<FailureReason, number>>> = {
  normal: 16,
  busy: 17,
  no_answer: 18,
  rejected: 21,
};
/** Q.850 causes counted as network-effective by ITU-T E.425. */
export const NER_CAUSES = [16, 17, 18, 19, 21] as const;
/** Final responses that count for SEER (RFC 6076). */
export const SEER_CODES = [200, 480, 486, 600, 603] as const;
/** Final responses that count as ineffective (ISA, RFC 6076). */
export const ISA_CODES = [408, 500, 503, 504] as const;

/** Facts the derivation reads. */
export interface EndFacts {
  endedAt: number | null;
  answeredAt: number | null;
  endStatus: EndStatus | null;
  sipCode: number | null;
  q850: number | null;
  reason: FailureReason | null;
  hangupBy: HangupBy | null;
}

/**
 * Effective reason: the stated reason, else the SIP code's, else the Q.850 cause's, else a
 * catch-all for the SIP class, else `normal` if answered, `cancelled` if the caller hung up, `other`.
 */
export function effectiveReason(f: EndFacts): FailureReason | null {
  if (f.endedAt === null) return null;
  if (f.reason !== null) return f.reason;
  if (f.sipCode !== null && SIP_REASON[f.sipCode]) return SIP_REASON[f.sipCode]!;
  if (f.q850 !== null && Q850_REASON[f.q850]) return Q850_REASON[f.q850]!;
  if (f.sipCode !== null && f.sipCode >= 300 && f.sipCode <= 699) return 'other';
  if (f.answeredAt !== null) return 'normal';
  if (f.hangupBy === 'caller') return 'cancelled';
  return 'other';
}

/** Reason → status for unanswered calls; anything unlisted is `failed`. */
const REASON_STATUS: Readonly<Partial<Record<FailureReason, CallStatus>>> = {
  busy: 'busy',
  no_answer: 'no_answer',
  cancelled: 'cancelled',
  // An unanswered call cleared normally was given up by the caller.
  normal: 'cancelled',
  timeout: 'timeout',
};

/**
 * Status: `active` until ended; then the stated status, `completed` if answered, else from the reason.
 *
 * @example
 * ```ts
 * const base = { endedAt: 1, answeredAt: null, endStatus: null, q850: null, reason: null, hangupBy: null };
 * deriveStatus({ ...base, sipCode: 486 }); // 'busy'
 * deriveStatus({ ...base, sipCode: 503 }); // 'failed' (reason network_error)
 * ```
 */
export function deriveStatus(f: EndFacts): CallStatus {
  if (f.endedAt === null) return 'active';
  if (f.endStatus !== null) return f.endStatus;
  if (f.answeredAt !== null || f.sipCode === 200) return 'completed';
  const reason = effectiveReason(f);
  return (reason && REASON_STATUS[reason]) || 'failed';
}

/**
 * `col = a OR col = b ...`. Used instead of `col IN (a, b)` in generated columns: SQLite builds an
 * ephemeral table for an IN list on every statement run, which made each upsert ~10x slower.
 */
function anyOf(column: string, values: readonly (number | string)[]): string {
  return `(${values.map((v) => `${column} = ${typeof v === 'number' ? v : `'${v}'`}`).join(' OR ')})`;
}

function sqlCase(column: string, map: Readonly<Record<number, string | number>>): string {
  const arms = Object.entries(map)
    .map(([k, v]) => `WHEN ${Number(k)} THEN ${typeof v === 'number' ? v : `'${v}'`}`)
    .join(' ');
  return `(CASE ${column} ${arms} END)`;
}

/** SQL for {@link effectiveReason} over columns ended_at, answered_at, reason, sip_code, q850, hangup_by. */
export function reasonSql(): string {
  return `(CASE WHEN ended_at IS NULL THEN NULL ELSE COALESCE(reason, ${sqlCase('sip_code', SIP_REASON)},
    ${sqlCase('q850', Q850_REASON)}, CASE WHEN sip_code BETWEEN 300 AND 699 THEN 'other' END,
    CASE WHEN answered_at IS NOT NULL THEN 'normal' WHEN hangup_by = 'caller' THEN 'cancelled' ELSE 'other' END) END)`;
}

/** SQL for {@link deriveStatus}; reads the `reason_eff` column. */
export function statusSql(): string {
  const arms = Object.entries(REASON_STATUS)
    .map(([k, v]) => `WHEN '${k}' THEN '${v}'`)
    .join(' ');
  return `(CASE WHEN ended_at IS NULL THEN 'active' WHEN end_status IS NOT NULL THEN end_status
    WHEN answered_at IS NOT NULL OR sip_code = 200 THEN 'completed'
    ELSE (CASE reason_eff ${arms} ELSE 'failed' END) END)`;
}

/**
 * Per-call KPI facts, stored as a bitmask at write time so aggregate queries are plain sums over a
 * small GROUP BY instead of CASE expressions evaluated per row at read time (the dashboard budget).
 */
export const KPI_FLAG = {
  /** Answered (answer time seen, or the call completed). */
  answered: 1,
  /** Q.850 cause (stated, from the SIP code, or from the reason) is network-effective. */
  nerCause: 2,
  /** A SIP call: channel sip/webrtc, or it carries a SIP code. */
  sip: 4,
  /** Final SIP response 3xx. */
  sipRedirected: 8,
  /** Final SIP response 200 (an answered call without a code counts as 200). */
  sipAnswered: 16,
  /** Final SIP response in {@link SEER_CODES}. */
  sipEffective: 32,
  /** Final SIP response in {@link ISA_CODES}, or none with reason `timeout` (Timer B). */
  sipIneffective: 64,
} as const;

/** Facts the KPI flags read, beyond {@link EndFacts}. */
export interface KpiFacts extends EndFacts {
  channel: string | null;
}

/** The KPI bitmask of a call, in JS: the specification the SQL column is tested against. */
export function kpiFlags(f: KpiFacts): number {
  const status = deriveStatus(f);
  const reason = effectiveReason(f);
  const ans = f.answeredAt !== null || status === 'completed';
  const fsip = f.sipCode ?? (ans ? 200 : null);
  const cause =
    f.q850 ??
    (f.sipCode !== null
      ? (SIP_Q850_FOR_NER[f.sipCode] ?? null)
      : reason
        ? (REASON_Q850_FOR_NER[reason] ?? null)
        : null);
  let flags = 0;
  if (ans) flags |= KPI_FLAG.answered;
  if (cause !== null && (NER_CAUSES as readonly number[]).includes(cause)) flags |= KPI_FLAG.nerCause;
  if (f.channel === 'sip' || f.channel === 'webrtc' || f.sipCode !== null) flags |= KPI_FLAG.sip;
  if (fsip !== null && fsip >= 300 && fsip <= 399) flags |= KPI_FLAG.sipRedirected;
  if (fsip === 200) flags |= KPI_FLAG.sipAnswered;
  if (fsip !== null && (SEER_CODES as readonly number[]).includes(fsip)) flags |= KPI_FLAG.sipEffective;
  if (
    (fsip !== null && (ISA_CODES as readonly number[]).includes(fsip)) ||
    (fsip === null && reason === 'timeout')
  ) {
    flags |= KPI_FLAG.sipIneffective;
  }
  return flags;
}

/**
 * SQL for the `kpi` column: {@link kpiFlags} written over base columns only. Referencing the
 * generated `status`/`reason_eff` columns here made SQLite inline their big CASE expressions
 * several times per write (measured: ~12x slower upserts), so the conditions are expanded by hand.
 */
export function kpiFlagsSql(): string {
  // answered: an answer time, or ended as completed (stated, or unstated with a 200). `IS` rather
  // than `=` keeps it 0/1, never NULL: it is negated below, and NOT NULL is NULL.
  const ans = `(answered_at IS NOT NULL OR (ended_at IS NOT NULL AND (end_status IS 'completed'
    OR (end_status IS NULL AND sip_code IS 200))))`;
  const reasonArms = Object.entries(REASON_Q850_FOR_NER)
    .map(([k, v]) => `WHEN '${k}' THEN ${v}`)
    .join(' ');
  // Without a SIP code or cause, the effective reason is the stated one, else `normal` if answered.
  const cause = `COALESCE(q850, ${sqlCase('sip_code', SIP_Q850_FOR_NER)}, CASE WHEN sip_code IS NULL
    AND ended_at IS NOT NULL THEN (CASE WHEN reason IS NOT NULL THEN (CASE reason ${reasonArms} END)
    WHEN answered_at IS NOT NULL THEN 16 END) END)`;
  // No final response and not answered: the effective reason is the stated one, else the cause's.
  const timedOut = `(ended_at IS NOT NULL AND COALESCE(reason, ${sqlCase('q850', Q850_REASON)}) = 'timeout')`;
  const bit = (cond: string, flag: number) => `(CASE WHEN ${cond} THEN ${flag} ELSE 0 END)`;
  return `(${[
    bit(ans, KPI_FLAG.answered),
    // A CASE evaluates the cause expression once; `anyOf` would repeat it per value.
    `(CASE ${cause} ${NER_CAUSES.map((c) => `WHEN ${c} THEN ${KPI_FLAG.nerCause}`).join(' ')} ELSE 0 END)`,
    bit(`${anyOf('channel', ['sip', 'webrtc'])} OR sip_code IS NOT NULL`, KPI_FLAG.sip),
    bit('sip_code BETWEEN 300 AND 399', KPI_FLAG.sipRedirected),
    bit(`sip_code = 200 OR (sip_code IS NULL AND ${ans})`, KPI_FLAG.sipAnswered),
    bit(`${anyOf('sip_code', SEER_CODES)} OR (sip_code IS NULL AND ${ans})`, KPI_FLAG.sipEffective),
    bit(
      `${anyOf('sip_code', ISA_CODES)} OR (sip_code IS NULL AND NOT ${ans} AND ${timedOut})`,
      KPI_FLAG.sipIneffective,
    ),
  ].join(' | ')})`;
}
