/**
 * What each update writes, for every SQL backend: the upsert to run (by name, see upsert-sql.ts)
 * and its positional parameters. Numbers go through the privacy protector (hash + mask, raw only
 * if enabled) here, before any backend sees them.
 */
import type { ProtectedNumber } from './privacy.js';
import type { CallUpdate, SmsUpdate } from './types.js';
import { CALL_UPSERTS, COMBINED_CALL } from './upsert-sql.js';

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

/** Where each kind's columns start in a combined row (after call_id and first_at). */
const SLOTS = Object.fromEntries(
  (Object.keys(CALL_UPSERTS) as CallWrite[]).map((k) => [
    k,
    COMBINED_CALL.columns.indexOf(CALL_UPSERTS[k].columns[0] as string),
  ]),
) as Record<CallWrite, number>;
const TRANSCRIPT = COMBINED_CALL.columns.indexOf('transcript');

/**
 * A batch of call updates as rows of the combined upsert (UPSERT_CALL_COMBINED), in rounds: a row
 * holds one call's updates, at most one of each kind; a kind already in the row (a 183 after a
 * 180) starts the call's next row, which goes in the next round. One row per call instead of one
 * statement per update; the upserts commute, so rounds give the record one-by-one updates give.
 */
export function callRounds(protect: Protect, updates: readonly CallUpdate[]): unknown[][][] {
  const byCall = new Map<string, Array<{ kinds: Set<CallWrite>; values: unknown[] }>>();
  for (const u of updates) {
    const [kind, values] = callWrite(protect, u);
    const at = values[1] as number;
    let rows = byCall.get(u.callId);
    if (rows === undefined) byCall.set(u.callId, (rows = []));
    let row = rows.find((r) => !r.kinds.has(kind));
    if (row === undefined) {
      const fresh: unknown[] = COMBINED_CALL.columns.map(() => null);
      fresh[0] = u.callId;
      fresh[1] = at;
      fresh[TRANSCRIPT] = 0; // NOT NULL; 0 leaves a stored 1 alone (the rule runs only for a 1)
      rows.push((row = { kinds: new Set(), values: fresh }));
    }
    row.kinds.add(kind);
    if (at < (row.values[1] as number)) row.values[1] = at;
    const slot = SLOTS[kind];
    if (kind === 'transcript') row.values[slot] = 1;
    else for (let i = 2; i < values.length; i++) row.values[slot + i - 2] = values[i];
  }
  const rounds: unknown[][][] = [];
  for (const rows of byCall.values()) {
    rows.forEach((r, i) => {
      (rounds[i] ??= []).push(r.values);
    });
  }
  return rounds;
}
