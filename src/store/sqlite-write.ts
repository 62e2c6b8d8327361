/** The SQLite write paths: the shared writes (writes.ts) run through statements prepared at open. */
import type { Statements } from './sqlite-open.js';
import type { CallUpdate, SmsUpdate } from './types.js';
import { callRounds, callWrite, type Protect, smsOriginWrite, smsReportWrite } from './writes.js';

export type { Protect } from './writes.js';

export function writeCall(s: Statements, protect: Protect, u: CallUpdate): void {
  const [name, values] = callWrite(protect, u);
  s[name].run(...values);
}

/** A batch: one combined upsert per call (per round), run inside the caller's transaction. */
export function writeCalls(s: Statements, protect: Protect, updates: readonly CallUpdate[]): void {
  for (const rows of callRounds(protect, updates)) for (const row of rows) s.combined.run(...row);
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
