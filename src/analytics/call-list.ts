/**
 * The call list (`GET /metrics/calls`, the console's list): one row per call, and one per
 * end-to-end call when a B2BUA's legs are linked (issue 53, `hep.leg_correlation`): its A leg's
 * row with the end-to-end verdict and every leg's id, outcome and PDD, each leg's call page one
 * `GET /metrics/calls/:id` away. Without leg correlation no record has an end-to-end id and the
 * list is one row per record, as before.
 */
import type { CallOutcome } from '../domain/labels.js';
import type { CallRecord, CallStore, EndToEndCall } from '../store/types.js';
import { type ExportRow, toExportRow } from './export.js';

/** One leg of an end-to-end call in the list: enough to tell the legs apart and open each. */
export interface ListLeg {
  leg: 'a' | 'b';
  call_id: string;
  trunk: string | null;
  direction: string | null;
  outcome: CallOutcome | null;
  pdd_ms: number | null;
}

/** A list row: a call's export row, and for an end-to-end call its verdict and legs. */
export type ListRow = ExportRow & {
  /** Only for an end-to-end call with two legs or more stored; the row is then its A leg's. */
  end_to_end?: {
    id: string;
    /** As the caller experienced it (src/domain/outcome/end-to-end.ts); null while active. */
    outcome: CallOutcome | null;
    failed_leg: 'a' | 'b' | null;
    /** The caller's PDD (RFC 6076 4.2). */
    pdd_ms: number | null;
    legs: ListLeg[];
  };
};

function endToEndRow(e: EndToEndCall): ListRow {
  const a = e.legs[0] as EndToEndCall['legs'][number];
  return {
    ...toExportRow(a),
    end_to_end: {
      id: e.id,
      outcome: e.outcome,
      failed_leg: e.failedLeg,
      pdd_ms: e.pddMs,
      legs: e.legs.map((l) => ({
        leg: l.leg,
        call_id: l.callId,
        trunk: l.trunk,
        direction: l.direction,
        outcome: l.outcome,
        pdd_ms: l.pddMs,
      })),
    },
  };
}

/**
 * The list rows of `records` (newest first, already narrowed), at most `limit`: the legs of one
 * end-to-end call make one row, where its newest leg read would stand; its legs are read from
 * the store (at most one read a row, so at most `limit` reads).
 * @example (await listRows(store, await store.recentCalls({ statuses: ['busy'], limit: 100 }), 50))[0].end_to_end?.legs.length // 2
 */
export async function listRows(
  store: CallStore,
  records: readonly CallRecord[],
  limit: number,
): Promise<ListRow[]> {
  const rows: ListRow[] = [];
  const seen = new Set<string>();
  for (const c of records) {
    if (rows.length >= limit) break;
    const id = c.endToEndId;
    if (id === undefined) {
      rows.push(toExportRow(c));
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const e = await store.endToEndCall(id);
    rows.push(e === undefined ? toExportRow(c) : endToEndRow(e));
  }
  return rows;
}
