/** The SQLite write paths: the shared writes (writes.ts) run through statements prepared at open. */
import type { Statements } from './sqlite-open.js';
import type { SqliteRollups } from './sqlite-rollups.js';
import type { CallUpdate, SmsUpdate } from './types.js';
import { callRounds, type Protect, smsOriginWrite, smsReportWrite } from './writes.js';

export type { Protect } from './writes.js';

/**
 * A batch: one combined upsert per call (per round), run inside the caller's transaction. The
 * rollup slots the calls were filed in (as stored) and are filed in now (the earliest time the
 * batch brings, if earlier) are marked for the next flush.
 */
export function writeCalls(
  s: Statements,
  protect: Protect,
  rollups: SqliteRollups,
  updates: readonly CallUpdate[],
): void {
  const rounds = callRounds(protect, updates);
  if (rounds.length === 0) return;
  const filed: number[] = [];
  // Every call of the batch has its first row in the first round.
  for (const row of rounds[0]!) {
    const stored = s.firstAt.get(row[0]) as number | undefined;
    if (stored !== undefined) filed.push(stored);
  }
  for (const rows of rounds) {
    for (const row of rows) {
      s.combined.run(...row);
      filed.push(row[1] as number); // a row's earliest time: where the call is filed if it is the earliest
    }
  }
  rollups.mark(filed);
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
      : (s.smsPendingByReference.pluck().get(u.match.gateway ?? null, u.match.reference, Math.trunc(u.at)) as
          | string
          | undefined);
  s.smsReport.run(...smsReportWrite(u, matched ?? u.messageId));
}
