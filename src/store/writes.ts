/**
 * What each update writes, for every SQL backend: the upsert to run (by name, see upsert-sql.ts)
 * and its positional parameters. Numbers go through the privacy protector (hash + mask, raw only
 * if enabled) here, before any backend sees them.
 */
import type { ProtectedNumber } from './privacy.js';
import type { CallUpdate, SmsUpdate } from './types.js';

export type Protect = (n: string | undefined) => ProtectedNumber | null;

export type CallWrite = 'started' | 'ringing' | 'answered' | 'ended' | 'transcript' | 'media';

/** hash, masked, raw of `from`, then of `to` (the column order of every upsert). */
function numbers(protect: Protect, from: string | undefined, to: string | undefined): unknown[] {
  const f = protect(from);
  const t = protect(to);
  return [
    f?.hash ?? null,
    f?.masked ?? null,
    f?.raw ?? null,
    t?.hash ?? null,
    t?.masked ?? null,
    t?.raw ?? null,
  ];
}

export function callWrite(protect: Protect, u: CallUpdate): [CallWrite, unknown[]] {
  const id = u.callId;
  const at = Math.trunc(u.at);
  switch (u.kind) {
    case 'started':
      return [
        'started',
        [id, at, at, u.direction, u.channel, u.trunk ?? null, ...numbers(protect, u.from, u.to)],
      ];
    case 'ringing':
    case 'answered':
      return [u.kind, [id, at, at]];
    case 'transcript':
      return ['transcript', [id, at]];
    case 'ended':
      return [
        'ended',
        [
          id,
          at,
          at,
          u.status ?? null,
          u.sipCode ?? null,
          u.q850 ?? null,
          u.reason ?? null,
          u.hangupBy ?? null,
        ],
      ];
    case 'media':
      return ['media', [id, at, u.mos, u.jitterMs, u.lossPercent, u.rttMs ?? null]];
  }
}

type SmsOrigin = Extract<SmsUpdate, { kind: 'received' | 'sent' }>;
type SmsReport = Exclude<SmsUpdate, SmsOrigin>;

export function smsOriginWrite(protect: Protect, u: SmsOrigin): ['smsReceived' | 'smsSent', unknown[]] {
  const at = Math.trunc(u.at);
  return [
    u.kind === 'received' ? 'smsReceived' : 'smsSent',
    [
      u.messageId,
      at,
      at,
      u.gateway ?? null,
      u.segments ?? null,
      ...numbers(protect, u.from, u.to),
      u.kind === 'sent' ? (u.reference ?? null) : null,
    ],
  ];
}

const SMS_RANK = { delivered: 4, failed: 3, pending: 2, unknown: 1 } as const;

/**
 * The `smsReport` parameters of a delivery report or send failure, filed under `messageId`: the
 * submission it matched (reference on its gateway), else its own id.
 */
export function smsReportWrite(u: SmsReport, messageId: string): unknown[] {
  const at = Math.trunc(u.at);
  const outcome = u.kind === 'delivery' ? u.outcome : 'failed';
  return [
    messageId,
    at,
    outcome === 'delivered' ? at : null,
    outcome === 'failed' ? at : null,
    outcome === 'pending' ? at : null,
    outcome === 'unknown' ? at : null,
    u.statusCode ?? null,
    u.kind === 'send_failed' ? (u.reason ?? 'other') : null,
    SMS_RANK[outcome],
  ];
}
