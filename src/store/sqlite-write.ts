/**
 * The write paths: one prepared upsert per update kind, bound positionally. Numbers go through
 * the privacy protector (hash + mask, raw only if enabled) before they reach SQL.
 */
import type { ProtectedNumber } from './privacy.js';
import type { Statements } from './sqlite-open.js';
import type { CallUpdate, SmsUpdate } from './types.js';

export type Protect = (n: string | undefined) => ProtectedNumber | null;

const SMS_RANK = { delivered: 4, failed: 3, pending: 2, unknown: 1 } as const;

export function writeCall(s: Statements, protect: Protect, u: CallUpdate): void {
  const id = u.callId;
  const at = Math.trunc(u.at);
  switch (u.kind) {
    case 'started': {
      const f = protect(u.from);
      const t = protect(u.to);
      s.started.run(
        id,
        at,
        at,
        u.direction,
        u.channel,
        u.trunk ?? null,
        f?.hash ?? null,
        f?.masked ?? null,
        f?.raw ?? null,
        t?.hash ?? null,
        t?.masked ?? null,
        t?.raw ?? null,
      );
      return;
    }
    case 'ringing':
    case 'answered':
      s[u.kind].run(id, at, at);
      return;
    case 'transcript':
      s.transcript.run(id, at);
      return;
    case 'ended':
      s.ended.run(
        id,
        at,
        at,
        u.status ?? null,
        u.sipCode ?? null,
        u.q850 ?? null,
        u.reason ?? null,
        u.hangupBy ?? null,
      );
      return;
    case 'media':
      s.media.run(id, at, u.mos, u.jitterMs, u.lossPercent, u.rttMs ?? null);
      return;
  }
}

export function writeSms(s: Statements, protect: Protect, u: SmsUpdate): void {
  const id = u.messageId;
  const at = Math.trunc(u.at);
  if (u.kind === 'received' || u.kind === 'sent') {
    const f = protect(u.from);
    const t = protect(u.to);
    (u.kind === 'received' ? s.smsReceived : s.smsSent).run(
      id,
      at,
      at,
      u.gateway ?? null,
      u.segments ?? null,
      f?.hash ?? null,
      f?.masked ?? null,
      f?.raw ?? null,
      t?.hash ?? null,
      t?.masked ?? null,
      t?.raw ?? null,
      u.kind === 'sent' ? (u.reference ?? null) : null,
    );
    return;
  }
  const outcome = u.kind === 'delivery' ? u.outcome : 'failed';
  // Filed under the submission it matches (reference on its gateway), else under its own id.
  const matched =
    u.match === undefined
      ? undefined
      : (s.smsPendingByReference.pluck().get(u.match.gateway ?? null, u.match.reference, at) as
          | string
          | undefined);
  s.smsReport.run(
    matched ?? id,
    at,
    outcome === 'delivered' ? at : null,
    outcome === 'failed' ? at : null,
    outcome === 'pending' ? at : null,
    outcome === 'unknown' ? at : null,
    u.statusCode ?? null,
    u.kind === 'send_failed' ? (u.reason ?? 'other') : null,
    SMS_RANK[outcome],
  );
}
