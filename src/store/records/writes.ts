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
  | 'flow'
  | 'amd'
  | 'cost';

/**
 * Where a combined row (COMBINED_CALL) holds a column, by name: the order is the call column
 * table's (records/call-columns.ts). Each kind's columns sit together (the combined upsert is built
 * kind by kind), which `callWrite` relies on.
 */
const col = (c: string) => {
  const i = COMBINED_CALL.columns.indexOf(c);
  if (i < 0) throw new InternalError(`combined call upsert lacks column ${c}`);
  return i;
};
const WIDTH = COMBINED_CALL.columns.length;
const C = {
  startedAt: col('started_at'),
  direction: col('direction'),
  channel: col('channel'),
  trunk: col('trunk'),
  endToEndId: col('end_to_end_id'),
  carrierCurrency: col('carrier_currency'),
  carrierPerMinute: col('carrier_per_minute'),
  carrierIncrement: col('carrier_increment_s'),
  amdCategory: col('amd_category'),
  amdAt: col('amd_at'),
  costCurrency: col('cost_currency'),
  costAi: col('cost_ai'),
  costLlm: col('cost_llm'),
  costStt: col('cost_stt'),
  costTts: col('cost_tts'),
  costReports: col('cost_reports'),
  costUnpriced: col('cost_unpriced'),
  ringingAt: col('ringing_at'),
  answeredAt: col('answered_at'),
  endedAt: col('ended_at'),
  endStatus: col('end_status'),
  sipCode: col('sip_code'),
  q850: col('q850'),
  reason: col('reason'),
  hangupBy: col('hangup_by'),
  transcript: col('transcript'),
  mos: col('mos'),
  jitterMs: col('jitter_ms'),
  lossPercent: col('loss_percent'),
  rttMs: col('rtt_ms'),
  agentTurns: col('agent_turns'),
  silenceP50Ms: col('agent_silence_p50_ms'),
  silenceP95Ms: col('agent_silence_p95_ms'),
  interruptions: col('agent_interruptions'),
  deadAir: col('agent_dead_air'),
  agentTalkMs: col('agent_talk_ms'),
  callerTalkMs: col('agent_listen_ms'),
  turnList: col('agent_turn_list'),
  sipFlow: col('sip_flow'),
};
/** A number's hash, masked and raw columns. */
const numberColumns = (p: string) => [col(`${p}_hash`), col(`${p}_masked`), col(`${p}_raw`)] as const;
const FROM = numberColumns('from');
const TO = numberColumns('to');
/** Each stream's columns, in MEDIA_STREAMS order. */
const STREAM = STREAM_PREFIXES.map((p) => ({
  mos: col(`${p}_mos`),
  jitterMs: col(`${p}_jitter_ms`),
  lossPercent: col(`${p}_loss_percent`),
  rttMs: col(`${p}_rtt_ms`),
  codec: col(`${p}_codec`),
}));
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
  amd: 256,
  cost: 512,
};

/** A number's hash, masked and raw forms in its columns of a combined row (nulls when absent). */
function setNumber(row: unknown[], at: readonly [number, number, number], p: ReturnType<Protect>): void {
  row[at[0]] = p === null ? null : p.hash;
  row[at[1]] = p === null ? null : p.masked;
  row[at[2]] = p === null ? null : p.raw;
}

/** hash, masked, raw of a number (the column order of every upsert). */
const numbers = (p: ReturnType<Protect>) => (p === null ? [null, null, null] : [p.hash, p.masked, p.raw]);

/**
 * Whether a combined row holds an update of INDEXED_KINDS (records/upsert-sql.ts): each sets its
 * time column (`fill`), which a row without it leaves null.
 */
export const holdsIndexedKind = (row: readonly unknown[]): boolean =>
  row[C.startedAt] !== null || row[C.answeredAt] !== null || row[C.endedAt] !== null;

/** A combined row holding nothing yet but the call and its time. */
function blankRow(callId: string, at: number): unknown[] {
  const row: unknown[] = new Array(WIDTH).fill(null);
  row[0] = callId;
  row[1] = at;
  row[C.transcript] = 0; // NOT NULL; 0 leaves a stored 1 alone (the rule runs only for a 1)
  return row;
}

/** Write update `u` (filed at `at`) into its kind's columns of a combined row. */
function fill(row: unknown[], protect: Protect, u: CallUpdate, at: number): void {
  switch (u.kind) {
    case 'started':
      row[C.startedAt] = at;
      row[C.direction] = u.direction;
      row[C.channel] = u.channel;
      row[C.trunk] = u.trunk ?? null;
      row[C.endToEndId] = u.endToEndId ?? null;
      row[C.carrierCurrency] = u.carrier?.currency ?? null;
      row[C.carrierPerMinute] = u.carrier?.perMinute ?? null;
      row[C.carrierIncrement] = u.carrier?.incrementSeconds ?? null;
      setNumber(row, FROM, protect(u.from));
      setNumber(row, TO, protect(u.to));
      return;
    case 'ringing':
      row[C.ringingAt] = at;
      return;
    case 'answered':
      row[C.answeredAt] = at;
      return;
    case 'transcript':
      row[C.transcript] = 1;
      return;
    case 'ended':
      row[C.endedAt] = at;
      row[C.endStatus] = u.status ?? null;
      row[C.sipCode] = u.sipCode ?? null;
      row[C.q850] = u.q850 ?? null;
      row[C.reason] = u.reason ?? null;
      row[C.hangupBy] = u.hangupBy ?? null;
      return;
    case 'media':
      row[C.mos] = u.mos;
      row[C.jitterMs] = u.jitterMs;
      row[C.lossPercent] = u.lossPercent;
      row[C.rttMs] = u.rttMs ?? null;
      if (u.stream !== undefined) {
        const s = STREAM[MEDIA_STREAMS.indexOf(u.stream)]!;
        row[s.mos] = u.mos;
        row[s.jitterMs] = u.jitterMs;
        row[s.lossPercent] = u.lossPercent;
        row[s.rttMs] = u.rttMs ?? null;
        row[s.codec] = u.codec ?? null;
      }
      return;
    case 'agent':
      row[C.agentTurns] = u.turns;
      row[C.silenceP50Ms] = u.silenceP50Ms;
      row[C.silenceP95Ms] = u.silenceP95Ms;
      row[C.interruptions] = u.interruptions;
      row[C.deadAir] = u.deadAir;
      row[C.agentTalkMs] = u.agentTalkMs;
      row[C.callerTalkMs] = u.callerTalkMs;
      row[C.turnList] = u.turnList ?? null;
      return;
    case 'flow':
      row[C.sipFlow] = u.sipFlow;
      return;
    case 'amd':
      row[C.amdCategory] = u.category;
      row[C.amdAt] = at;
      return;
    case 'cost':
      row[C.costCurrency] = u.currency;
      row[C.costAi] = u.llm + u.stt + u.tts;
      row[C.costLlm] = u.llm;
      row[C.costStt] = u.stt;
      row[C.costTts] = u.tts;
      row[C.costReports] = u.reports;
      row[C.costUnpriced] = u.unpriced;
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
