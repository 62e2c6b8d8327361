/**
 * The write statements every SQL backend runs, in SQL that SQLite and PostgreSQL both accept:
 * positional `?` parameters (the PostgreSQL backend numbers them), the stored row aliased `o`
 * (PostgreSQL rejects a bare column in `DO UPDATE SET` as ambiguous with `excluded`), and CASE
 * where SQLite would use its two-argument MIN. Upserts are written so that updates commute: times
 * take the earliest report, descriptive fields come from the earliest event that carries them
 * (`pick`), media keeps the worst value seen.
 */

import { type CallColumn, UPSERT_KINDS, type UpsertKind, upsertColumns } from './call-columns.js';
import { FIRST_AT as firstAt, minOf, pick, pickNumber } from './merge-sql.js';

export { AGENT_COLUMNS, STREAM_COLUMNS, STREAM_PREFIXES } from './call-columns.js';

/**
 * One call update kind: the columns it inserts after `call_id, first_at` (each a `?` unless given
 * in `values`), and how it merges into a stored row. `present`, where set, is the condition on
 * `excluded` under which the update is in a row: a combined row (a batch puts several kinds in one
 * row) runs those rules only then, as they would not hold for a missing update.
 */
export interface CallUpsert {
  columns: readonly string[];
  values?: readonly string[];
  sets: readonly string[];
  present?: string;
}

/** An update kind's upsert, from the call column table (records/call-columns.ts). */
function kindUpsert(kind: UpsertKind): CallUpsert {
  const columns = upsertColumns(kind);
  const fill = (c: CallColumn) => c.fill as Exclude<CallColumn['fill'], string>;
  const spec: { present?: string; also?: readonly string[] } = UPSERT_KINDS[kind];
  const literal = columns.some((c) => fill(c).value !== undefined);
  return {
    columns: columns.map((c) => c.name),
    ...(literal && { values: columns.map((c) => fill(c).value ?? '?') }),
    sets: [...columns.map((c) => fill(c).merge(c.name)), ...(spec.also ?? [])],
    ...(spec.present !== undefined && { present: spec.present }),
  };
}

/** Every update kind's upsert, in UPSERT_KINDS order (the combined upsert's column order). */
export const CALL_UPSERTS = Object.fromEntries(
  (Object.keys(UPSERT_KINDS) as UpsertKind[]).map((k) => [k, kindUpsert(k)]),
) as Record<UpsertKind, CallUpsert>;

/** `INSERT ... ON CONFLICT DO UPDATE` of one kind; the stored row's `first_at` keeps the earliest. */
function callUpsert(u: CallUpsert): string {
  const values = u.values ?? u.columns.map(() => '?');
  return `INSERT INTO calls AS o (call_id, first_at, ${u.columns.join(', ')})
  VALUES (?, ?, ${values.join(', ')})
  ON CONFLICT (call_id) DO UPDATE SET ${firstAt}, ${u.sets.join(', ')}`;
}

export const UPSERT_STARTED = callUpsert(CALL_UPSERTS.started);
export const UPSERT_RINGING = callUpsert(CALL_UPSERTS.ringing);
export const UPSERT_ANSWERED = callUpsert(CALL_UPSERTS.answered);
export const UPSERT_ENDED = callUpsert(CALL_UPSERTS.ended);
export const UPSERT_TRANSCRIPT = callUpsert(CALL_UPSERTS.transcript);
export const UPSERT_MEDIA = callUpsert(CALL_UPSERTS.media);

/**
 * Every kind in one statement, what batches run in both backends: one row per call carries up to
 * one update of each kind. A kind's rules run only where its update is present (`present`), or
 * tolerate its absence (null `excluded` values keep the stored ones). The kinds write disjoint
 * columns (and `first_at` takes the minimum), so one combined row gives what its updates one by
 * one give. `leave`: the rules left out of the SET list (UPSERT_CALL_NARROWED).
 */
function combinedCallUpsert(leave: { firstAt?: boolean; kinds?: readonly UpsertKind[] } = {}): {
  columns: string[];
  sets: string[];
} {
  const columns = ['call_id', 'first_at'];
  const sets = leave.firstAt === true ? [] : [firstAt];
  for (const [kind, u] of Object.entries(CALL_UPSERTS) as Array<[UpsertKind, CallUpsert]>) {
    columns.push(...u.columns);
    if (leave.kinds?.includes(kind)) continue;
    for (const set of u.sets) {
      if (u.present === undefined) sets.push(set);
      else {
        const [column, rule] = [set.slice(0, set.indexOf(' = ')), set.slice(set.indexOf(' = ') + 3)];
        sets.push(`${column} = CASE WHEN ${u.present} THEN ${rule} ELSE o.${column} END`);
      }
    }
  }
  return { columns, sets };
}

const combinedSql = (u: { columns: string[]; sets: string[] }) =>
  `INSERT INTO calls AS o (${u.columns.join(', ')})
  VALUES (${u.columns.map(() => '?').join(', ')})
  ON CONFLICT (call_id) DO UPDATE SET ${u.sets.join(', ')}`;

export const COMBINED_CALL = combinedCallUpsert();
/** The combined upsert, one row of `?` (SQLite runs it once per row; PostgreSQL unnests arrays). */
export const UPSERT_CALL_COMBINED = combinedSql(COMBINED_CALL);

/**
 * The update kinds whose columns an index of calls reads: `started` (the end-to-end id's partial
 * indexes), `answered` and `ended` (the generated `status` of calls_status_first_at).
 */
export const INDEXED_KINDS = ['started', 'answered', 'ended'] as const satisfies readonly UpsertKind[];

/**
 * The combined upsert for SQLite without the rules a row cannot change: SQLite rewrites the entry
 * of every index that reads an assigned column, changed or not, and each index's leaf is one more
 * page the commit writes to the WAL. A ringing on a stored call wrote 3 WAL frames through the
 * combined upsert (the row, calls_first_at, calls_status_first_at) and 1 without those rules
 * (1,000 single-update commits on a store of 20,000 calls: 53 us a commit against 35); the Pi
 * bench's calls, an update a commit, 54 us an update against 32, and the sidecar at 20 calls/s
 * 606 us of CPU an event against 633 (side by side, all of 8 windows lower). Indexed by
 * two bits: 1, the stored `first_at` is not later than the row's (its rule would keep it); 2, the
 * row holds none of INDEXED_KINDS (their rules keep every stored value when their columns are
 * null). The same parameters as UPSERT_CALL_COMBINED; [0] is that upsert. PostgreSQL needs none: it
 * compares the indexed values themselves (a heap-only tuple update when none changed).
 */
export const UPSERT_CALL_NARROWED = [
  UPSERT_CALL_COMBINED,
  combinedSql(combinedCallUpsert({ firstAt: true })),
  combinedSql(combinedCallUpsert({ kinds: INDEXED_KINDS })),
  combinedSql(combinedCallUpsert({ firstAt: true, kinds: INDEXED_KINDS })),
] as const;

// --- SMS -------------------------------------------------------------------------------------

/**
 * A submission a delivery report may still be matched to (by its reference on its gateway): outbound,
 * referenced, sent, and without a final outcome. SQLite's lookup (sqlite/sql.ts) and PostgreSQL's
 * `sms_pending` (postgres/partitions.ts) both take it from here; `r` is the row's alias.
 */
export const smsPending = (r: string) =>
  `${r}.direction = 'outbound' AND ${r}.reference IS NOT NULL AND ${r}.sent_at IS NOT NULL
    AND ${r}.delivered_at IS NULL AND ${r}.failed_at IS NULL`;

/**
 * A submission awaiting its delivery report (domain/standards/sms.ts `awaitsReport`, the one
 * definition the metric, the console and `sidetone sms` share): one a report may still be matched
 * to, sent after `since` (now - REPORT_WAIT_MS, a bound parameter). test/contract/sms-awaiting.test.ts
 * holds this to `awaitsReport`.
 */
export const smsAwaiting = (r: string, since: string) => `${smsPending(r)} AND ${r}.sent_at > ${since}`;

const smsOrigin = (c: string, direction: string) => {
  const earlier = `(o.${c} IS NULL OR excluded.${c} < o.${c})`;
  return `INSERT INTO sms AS o (message_id, first_at, ${c}, direction, gateway, segments,
    from_hash, from_masked, from_raw, to_hash, to_masked, to_raw, reference)
  VALUES (?, ?, ?, '${direction}', ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (message_id) DO UPDATE SET ${firstAt}, ${minOf(c)},
    direction = COALESCE(o.direction, excluded.direction),
    ${pick('gateway', earlier)}, ${pick('segments', earlier)}, reference = COALESCE(o.reference, excluded.reference),
    ${[...pickNumber('from', earlier), ...pickNumber('to', earlier)].join(', ')}`;
};
export const UPSERT_SMS_RECEIVED = smsOrigin('received_at', 'inbound');
export const UPSERT_SMS_SENT = smsOrigin('sent_at', 'outbound');

/** Rank of the outcome a row already holds: a report's code is kept from the most final outcome. */
const SMS_RANK = `(CASE WHEN o.delivered_at IS NOT NULL THEN 4 WHEN o.failed_at IS NOT NULL THEN 3
  WHEN o.pending_at IS NOT NULL THEN 2 WHEN o.unknown_at IS NOT NULL THEN 1 ELSE 0 END)`;
/** Last param: the rank of this report's outcome (delivered 4, failed 3, pending 2, unknown 1). */
export const UPSERT_SMS_REPORT = `INSERT INTO sms AS o (message_id, first_at, direction, delivered_at, failed_at,
    pending_at, unknown_at, status_code, failure_reason)
  VALUES (?, ?, 'outbound', ?, ?, ?, ?, ?, ?)
  ON CONFLICT (message_id) DO UPDATE SET ${firstAt}, direction = COALESCE(o.direction, excluded.direction),
    ${['delivered_at', 'failed_at', 'pending_at', 'unknown_at'].map(minOf).join(', ')},
    status_code = CASE WHEN ? > ${SMS_RANK} THEN COALESCE(excluded.status_code, o.status_code)
      ELSE COALESCE(o.status_code, excluded.status_code) END,
    failure_reason = COALESCE(o.failure_reason, excluded.failure_reason)`;
