/**
 * How a stored call's reason, status and KPI bits follow from its facts. Decided by the one call
 * classifier (src/domain/outcome); this adapts a stored row's facts to it and re-exports the SQL
 * the backends use for their generated columns, so the store and the metric packs cannot disagree.
 */
import { classifyCall } from '../../domain/outcome/classify.js';
import type { CallStatus, EndStatus, FailureReason, HangupParty } from '../../domain/records.js';

export { kpiSql as kpiFlagsSql, outcomeLabelSql, reasonSql, statusSql } from '../../domain/outcome/sql.js';
export {
  ISA_CODES,
  KPI_FLAG,
  NER_CAUSES,
  OUTCOME_SHIFT,
  outcomeOfBits,
  Q850_REASON,
  SEER_CODES,
  SIP_Q850_FOR_NER,
  SIP_ROWS,
} from '../../domain/outcome/table.js';

/** Facts the derivation reads, as stored (a Timer B call has reason `timeout`). */
export interface EndFacts {
  endedAt: number | null;
  answeredAt: number | null;
  endStatus: EndStatus | null;
  sipCode: number | null;
  q850: number | null;
  reason: FailureReason | null;
  hangupBy: HangupParty | null;
}

/** Facts the KPI bits read, beyond {@link EndFacts}. */
export interface KpiFacts extends EndFacts {
  channel: string | null;
}

const classify = (f: EndFacts, channel: string | null = null) =>
  classifyCall({
    ended: f.endedAt !== null,
    answered: f.answeredAt !== null,
    sipCode: f.sipCode,
    q850: f.q850,
    reason: f.reason,
    endStatus: f.endStatus,
    hangupBy: f.hangupBy,
    channel,
  });

/** Effective reason of a stored call (null while active). */
export function effectiveReason(f: EndFacts): FailureReason | null {
  return classify(f).reason;
}

/**
 * Status of a stored call.
 * @example
 * ```ts
 * const base = { endedAt: 1, answeredAt: null, endStatus: null, q850: null, reason: null, hangupBy: null };
 * deriveStatus({ ...base, sipCode: 486 }); // 'busy'
 * deriveStatus({ ...base, sipCode: 503 }); // 'failed' (reason network_error)
 * ```
 */
export function deriveStatus(f: EndFacts): CallStatus {
  return classify(f).status;
}

/** The KPI integer of a stored call, in JS: the specification the SQL column is tested against. */
export function kpiFlags(f: KpiFacts): number {
  return classify(f, f.channel).kpi;
}
