/**
 * The classifier as SQL: plain CASE expressions over a call row's base columns (ended_at,
 * answered_at, end_status, sip_code, q850, reason, hangup_by, channel), generated from table.ts so
 * a backend's generated columns or aggregates cannot drift from classify.ts. Standard SQL only
 * (no IN lists, no functions), so SQLite and PostgreSQL can both use it. A Timer B call is stored
 * with reason `timeout`, which is how the classifier reads `timeout: true`.
 */
import { CALL_OUTCOMES, type CallOutcome } from '../labels.js';
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
} from './table.js';

const lit = (v: string | number) => (typeof v === 'number' ? String(v) : `'${v}'`);

/** `(CASE col WHEN k THEN v ... [ELSE e] END)` from a map. */
function caseOf(
  column: string,
  map: Readonly<Record<string | number, string | number | undefined>>,
  otherwise?: string,
): string {
  const arms = Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `WHEN ${lit(/^\d+$/.test(k) ? Number(k) : k)} THEN ${lit(v as string | number)}`)
    .join(' ');
  return `(CASE ${column} ${arms}${otherwise === undefined ? '' : ` ELSE ${otherwise}`} END)`;
}

const mapValues = <K extends string | number, V, W>(m: Readonly<Partial<Record<K, V>>>, f: (v: V) => W) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, f(v as V)])) as Record<string, W>;

/** Answered: an answer seen, stated completed, or a 2xx final response. Used only as a WHEN condition (NULL reads false). */
export const ANSWERED_SQL = `(answered_at IS NOT NULL OR end_status = 'completed' OR (sip_code >= 200 AND sip_code <= 299))`;

/** The SQL of an outcome, rendered by `render` (its label, or its KPI bits). */
function outcomeSql(render: (o: CallOutcome) => string | number): string {
  const sip = caseOf(
    'sip_code',
    mapValues(SIP_ROWS, (r) => render(r.outcome)),
    `(CASE WHEN sip_code < 400 THEN ${lit(render('redirected'))} ELSE ${lit(render('failed'))} END)`,
  );
  const stated = caseOf('reason', mapValues(REASON_OUTCOME, render), lit(render('failed')));
  const q850 = caseOf('q850', mapValues(Q850_OUTCOME, render), lit(render('failed')));
  const status = caseOf('end_status', mapValues(STATUS_OUTCOME, render), lit(render('failed')));
  return `(CASE WHEN ${ANSWERED_SQL} THEN ${lit(render('answered'))}
    WHEN sip_code >= 300 THEN ${sip}
    WHEN reason IS NOT NULL THEN ${stated}
    WHEN q850 IS NOT NULL THEN ${q850}
    WHEN end_status IS NOT NULL THEN ${status}
    WHEN hangup_by = 'caller' THEN ${lit(render('cancelled'))}
    ELSE ${lit(render('failed'))} END)`;
}

/** SQL for `classifyCall(...).outcome`: a label, NULL while active. */
export function outcomeLabelSql(): string {
  return `(CASE WHEN ended_at IS NULL THEN NULL ELSE ${outcomeSql((o) => o)} END)`;
}

/** SQL for `classifyCall(...).reason`. */
export function reasonSql(): string {
  return `(CASE WHEN ended_at IS NULL THEN NULL ELSE COALESCE(reason,
    (CASE WHEN sip_code >= 300 THEN ${caseOf(
      'sip_code',
      mapValues(SIP_ROWS, (r) => r.reason),
    )} END),
    ${caseOf('q850', Q850_REASON)},
    CASE WHEN sip_code >= 300 THEN 'other' END,
    CASE WHEN ${ANSWERED_SQL} THEN 'normal' WHEN hangup_by = 'caller' THEN 'cancelled' ELSE 'other' END) END)`;
}

/** SQL for `classifyCall(...).status`; reads the `reason_eff` column ({@link reasonSql}). */
export function statusSql(): string {
  return `(CASE WHEN ended_at IS NULL THEN 'active' WHEN end_status IS NOT NULL THEN end_status
    WHEN ${ANSWERED_SQL} THEN 'completed'
    ELSE ${caseOf('reason_eff', REASON_STATUS as Record<string, string>, "'failed'")} END)`;
}

/**
 * SQL for `classifyCall(...).kpi`, over base columns only: referencing the generated reason/status
 * columns made SQLite inline their CASE expressions several times per write (~12x slower upserts).
 */
export function kpiSql(): string {
  const reasonCause = caseOf(
    `COALESCE(reason, CASE WHEN ${ANSWERED_SQL} THEN 'normal' END)`,
    REASON_Q850_FOR_NER as Record<string, number>,
  );
  const cause = `COALESCE(q850, ${caseOf('sip_code', SIP_Q850_FOR_NER)},
    CASE WHEN sip_code IS NULL THEN ${reasonCause} END)`;
  const ner = `(CASE ${cause} ${NER_CAUSES.map((c) => `WHEN ${c} THEN ${KPI_FLAG.nerCause}`).join(' ')} ELSE 0 END)`;
  const sip = `(CASE WHEN channel = 'sip' OR channel = 'webrtc' THEN ${KPI_FLAG.sip} ELSE 0 END)`;
  return `(CASE WHEN ended_at IS NULL THEN 0 ELSE (${outcomeSql(outcomeBits)} | ${ner} | ${sip}) END)`;
}

/** Every outcome label, in the order of their index in the KPI integer. */
export const OUTCOME_LABELS = CALL_OUTCOMES;
