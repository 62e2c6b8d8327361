/**
 * What each update writes, for every SQL backend: the upsert to run (by name, see records/upsert-sql.ts)
 * and its positional parameters. Numbers go through the privacy protector (hash + mask, raw only
 * if enabled) here, before any backend sees them.
 */

import { MEDIA_STREAMS } from '../../domain/vocab.js';
import { InternalError } from '../../errors.js';
import type { ProtectedNumber } from '../privacy.js';
import type { CallUpdate, SmsUpdate } from '../types.js';
import { CALL_UPSERTS, COMBINED_CALL, STREAM_PREFIXES } from './upsert-sql.js';

export type Protect = (n: string | undefined) => ProtectedNumber | null;

export type CallWrite =
  | 'started'
  | 'ringing'
  | 'answered'
  | 'ended'
  | 'transcript'
  | 'media'
  | 'agent'
  | 'flow';

/**
 * Where a combined row (COMBINED_CALL) holds a column. Each kind's columns sit together in the
 * order of its CALL_UPSERTS entry (the combined upsert is built from them), so a kind's later
 * columns are at offsets from its first.
 */
const col = (c: string) => {
  const i = COMBINED_CALL.columns.indexOf(c);
  if (i < 0) throw new InternalError(`combined call upsert lacks column ${c}`);
  return i;
};
const WIDTH = COMBINED_CALL.columns.length;
const STARTED = col('started_at');
const FROM = col('from_hash');
const TO = col('to_hash');
const RINGING = col('ringing_at');
const ANSWERED = col('answered_at');
const ENDED = col('ended_at');
const TRANSCRIPT = col('transcript');
const MEDIA = col('mos');
const AGENT = col('agent_turns');
const TURN_LIST = col('agent_turn_list');
/** Each stream's first column (its MOS), in MEDIA_STREAMS order; jitter, loss, RTT, codec follow. */
const STREAM = STREAM_PREFIXES.map((p) => col(`${p}_mos`));
const FLOW = col('sip_flow');
/** Each kind as a bit: a row holds at most one update of each. */
const BIT: Record<CallWrite, number> = {
  started: 1,
  ringing: 2,
  answered: 4,
  ended: 8,
  transcript: 16,
  media: 32,
  agent: 64,
  flow: 128,
};

/** A number's hash, masked and raw forms at `i` of a combined row (nulls when absent). */
function setNumber(row: unknown[], i: number, p: ReturnType<Protect>): void {
  row[i] = p === null ? null : p.hash;
  row[i + 1] = p === null ? null : p.masked;
  row[i + 2] = p === null ? null : p.raw;
}

/** hash, masked, raw of a number (the column order of every upsert). */
const numbers = (p: ReturnType<Protect>) => (p === null ? [null, null, null] : [p.hash, p.masked, p.raw]);

/** A combined row holding nothing yet but the call and its time. */
function blankRow(callId: string, at: number): unknown[] {
  const row: unknown[] = new Array(WIDTH).fill(null);
  row[0] = callId;
  row[1] = at;
  row[TRANSCRIPT] = 0; // NOT NULL; 0 leaves a stored 1 alone (the rule runs only for a 1)
  return row;
}

/** Write update `u` (filed at `at`) into its kind's columns of a combined row. */
function fill(row: unknown[], protect: Protect, u: CallUpdate, at: number): void {
  switch (u.kind) {
    case 'started':
      row[STARTED] = at;
      row[STARTED + 1] = u.direction;
      row[STARTED + 2] = u.channel;
      row[STARTED + 3] = u.trunk ?? null;
      setNumber(row, FROM, protect(u.from));
      setNumber(row, TO, protect(u.to));
      return;
    case 'ringing':
      row[RINGING] = at;
      return;
    case 'answered':
      row[ANSWERED] = at;
      return;
    case 'transcript':
      row[TRANSCRIPT] = 1;
      return;
    case 'ended':
      row[ENDED] = at;
      row[ENDED + 1] = u.status ?? null;
      row[ENDED + 2] = u.sipCode ?? null;
      row[ENDED + 3] = u.q850 ?? null;
      row[ENDED + 4] = u.reason ?? null;
      row[ENDED + 5] = u.hangupBy ?? null;
      return;
    case 'media':
      row[MEDIA] = u.mos;
      row[MEDIA + 1] = u.jitterMs;
      row[MEDIA + 2] = u.lossPercent;
      row[MEDIA + 3] = u.rttMs ?? null;
      if (u.stream !== undefined) {
        const i = STREAM[MEDIA_STREAMS.indexOf(u.stream)] as number;
        row[i] = u.mos;
        row[i + 1] = u.jitterMs;
        row[i + 2] = u.lossPercent;
        row[i + 3] = u.rttMs ?? null;
        row[i + 4] = u.codec ?? null;
      }
      return;
    case 'agent':
      row[AGENT] = u.turns;
      row[AGENT + 1] = u.silenceP50Ms;
      row[AGENT + 2] = u.silenceP95Ms;
      row[AGENT + 3] = u.interruptions;
      row[AGENT + 4] = u.deadAir;
      row[AGENT + 5] = u.agentTalkMs;
      row[AGENT + 6] = u.callerTalkMs;
      row[TURN_LIST] = u.turnList ?? null;
      return;
    case 'flow':
      row[FLOW] = u.sipFlow;
      return;
  }
}

/**
 * One update as the parameters of its kind's own upsert (UPSERT_STARTED, ...): `call_id, first_at`
 * and the kind's columns. The one-statement-per-update writes of schema 3 (tests replay them).
 */
export function callWrite(protect: Protect, u: CallUpdate): [CallWrite, unknown[]] {
  const at = Math.trunc(u.at);
  const row = blankRow(u.callId, at);
  fill(row, protect, u, at);
  if (u.kind === 'transcript') return ['transcript', [u.callId, at]];
  const first = col(CALL_UPSERTS[u.kind].columns[0] as string);
  return [u.kind, [u.callId, at, ...row.slice(first, first + CALL_UPSERTS[u.kind].columns.length)]];
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
      ...numbers(protect(u.from)),
      ...numbers(protect(u.to)),
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

/** A combined row of one call, the kinds it holds, and the call's next row (next round). */
interface Row {
  kinds: number;
  values: unknown[];
  next: Row | undefined;
}

/**
 * A batch of call updates as rows of the combined upsert (UPSERT_CALL_COMBINED), in rounds: a row
 * holds one call's updates, at most one of each kind; a kind already in the row (a 183 after a
 * 180) goes to the call's next row, in the next round. One row per call instead of one statement
 * per update; the upserts commute, so rounds give the record one-by-one updates give. Written for
 * the hot path: one array per row, kinds as bits, no intermediate parameter lists.
 */
export function callRounds(protect: Protect, updates: readonly CallUpdate[]): unknown[][][] {
  const firstRow = new Map<string, Row>();
  const rounds: unknown[][][] = [];
  for (let i = 0; i < updates.length; i++) {
    const u = updates[i]!;
    const at = Math.trunc(u.at);
    const bit = BIT[u.kind];
    let row = firstRow.get(u.callId);
    if (row === undefined) {
      row = { kinds: 0, values: blankRow(u.callId, at), next: undefined };
      firstRow.set(u.callId, row);
      (rounds[0] ??= []).push(row.values);
    } else {
      for (let round = 1; (row.kinds & bit) !== 0; round++) {
        if (row.next === undefined) {
          row.next = { kinds: 0, values: blankRow(u.callId, at), next: undefined };
          (rounds[round] ??= []).push(row.next.values);
        }
        row = row.next;
      }
    }
    row.kinds |= bit;
    if (at < (row.values[1] as number)) row.values[1] = at;
    fill(row.values, protect, u, at);
  }
  return rounds;
}
