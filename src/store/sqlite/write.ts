/** The SQLite write paths: the shared writes (records/writes.ts) run through statements prepared at open. */

import type { EventKeys } from '../event-ids.js';
import {
  callRounds,
  holdsIndexedKind,
  type Protect,
  smsOriginWrite,
  smsReportWrite,
} from '../records/writes.js';
import { slotOf } from '../rollup/build.js';
import { TEN_MIN_MS } from '../rollup/sql.js';
import type { CallUpdate, SmsUpdate } from '../types.js';
import type { Statements } from './open.js';
import type { SqliteRollups } from './rollups.js';

export type { Protect } from '../records/writes.js';

/** The combined upsert and its narrowed forms, by UPSERT_CALL_NARROWED's bits (records/upsert-sql.ts). */
const COMBINED = [
  'combined',
  'combinedKeepingFirst',
  'combinedUnindexed',
  'combinedKeepingFirstUnindexed',
] as const satisfies ReadonlyArray<keyof Statements>;

/**
 * A batch: one combined upsert per call (per round), run inside the caller's transaction, and
 * each call handed to the rollups (rollup/sql.ts): a call they may hold and that is not queued yet
 * has its contribution kept first, before its upsert changes it; then the call is queued, or its
 * slot marked when the rollups hold nothing there yet.
 */
export function writeCalls(
  s: Statements,
  protect: Protect,
  rollups: SqliteRollups,
  updates: readonly CallUpdate[],
): void {
  const rounds = callRounds(protect, updates);
  if (rounds.length === 0) return;
  // Every call of the batch has its first row in the first round, with the batch's earliest time.
  const first = rounds[0]!;
  // Per call: the id to queue (null when it is queued already, undefined for a new call: its
  // insert gives it) and the slot it is filed in after the batch.
  const ids: Array<number | bigint | null | undefined> = new Array(first.length);
  const slots: number[] = new Array(first.length);
  for (let i = 0; i < first.length; i++) {
    const row = first[i]!;
    let filed = row[1] as number;
    // UPSERT_CALL_NARROWED's bits: 1 where the stored first_at stays, 2 where no index reads the row's kinds.
    let narrowed = holdsIndexedKind(row) ? 0 : 2;
    const found = s.callBefore.get(row[0]) as [number, number, number, number] | undefined;
    if (found !== undefined) {
      const [id, firstAt, done, queued] = found;
      if (queued === 0 && done === 1) s.rollupRemove.run(id);
      ids[i] = queued === 1 ? null : id;
      if (firstAt <= filed) {
        narrowed |= 1;
        filed = firstAt;
      }
    }
    slots[i] = slotOf(filed, TEN_MIN_MS);
    const info = s[COMBINED[narrowed]!].run(...row);
    if (ids[i] === undefined) ids[i] = info.lastInsertRowid;
  }
  // Later rounds (two updates of one kind for a call in a batch, rare) take the full first_at rule.
  for (let r = 1; r < rounds.length; r++) {
    for (const row of rounds[r]!) s[COMBINED[holdsIndexedKind(row) ? 0 : 2]].run(...row);
  }
  const empty = new Map<number, boolean>();
  const marked: number[] = [];
  let queued = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id == null) continue;
    const t = slots[i]!;
    let none = empty.get(t);
    if (none === undefined) empty.set(t, (none = rollups.empty(t)));
    if (none) marked.push(t);
    else if (s.rollupAdd.run(id).changes === 1) queued++;
  }
  rollups.mark(marked);
  rollups.queued(queued);
}

export function writeSms(s: Statements, protect: Protect, u: SmsUpdate): void {
  if (u.kind === 'received' || u.kind === 'sent') {
    const [name, values] = smsOriginWrite(protect, u);
    s[name].run(...values);
    return;
  }
  // Filed under the submission it matches (reference on its gateway), else under its own id.
  const matched =
    u.match === undefined
      ? undefined
      : (s.smsPendingByReference
          .pluck()
          .get({ gateway: u.match.gateway ?? null, reference: u.match.reference, at: Math.trunc(u.at) }) as
          | string
          | undefined);
  s.smsReport.run(...smsReportWrite(u, matched ?? u.messageId));
}

/**
 * Keep the keys of the events a batch stored, in the batch's transaction (event-ids.ts), then drop
 * those past the window: by age (an index seek when none is), then beyond the newest `keep`.
 */
export function writeEventKeys(s: Statements, k: EventKeys | undefined): void {
  if (k === undefined || k.keys.length === 0) return;
  s.eventIdsPut.run(k.at, JSON.stringify(k.keys));
  s.eventIdsAged.run(k.since);
  s.eventIdsOver.run(k.keep);
}
