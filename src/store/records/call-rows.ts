/**
 * A call's row as both backends select it (a tuple, in CALL_COLUMN_LIST order) and its mapping to
 * the public CallRecord; records/sms-rows.ts has the SMS's.
 */
import { isNetworkEffective } from '../../domain/outcome/classify.js';
import { outcomeOfBits } from '../../domain/outcome/table.js';
import type { CallStatus, FailureReason, HangupParty, StoredChannel } from '../../domain/records.js';
import { type Direction, MEDIA_STREAMS } from '../../domain/vocab.js';
import { type TurnSummary, talkListenRatio } from '../../telephony/outcome/turns.js';
import type { AgentTurns, CallRecord, MediaDirection, SipFlowMessage } from '../types.js';
import { decodeTurnList } from './turn-list.js';
import { AGENT_COLUMNS, STREAM_COLUMNS } from './upsert-sql.js';

/**
 * Rows are read in raw (array) mode: building a 30-property object per row in the driver cost
 * half the export time. Column lists and tuple types below must stay in the same order.
 */
export const CALL_COLUMN_LIST = [
  'id',
  'call_id',
  'first_at',
  'direction',
  'channel',
  'trunk',
  'from_hash',
  'from_masked',
  'from_raw',
  'to_hash',
  'to_masked',
  'to_raw',
  'started_at',
  'ringing_at',
  'answered_at',
  'ended_at',
  'status',
  'sip_code',
  'q850',
  'reason_eff',
  'hangup_by',
  'duration_ms',
  'talk_ms',
  'pdd_ms',
  'transcript',
  'mos',
  'jitter_ms',
  'loss_percent',
  'rtt_ms',
  'closed_by_cleanup',
  'kpi',
  ...AGENT_COLUMNS,
  'sip_flow',
  ...STREAM_COLUMNS,
  'agent_turn_list',
] as const;

export type N = number | null;
export type S = string | null;
export type CallTuple = [
  id: number,
  callId: string,
  firstAt: number,
  direction: Direction | null,
  channel: StoredChannel | null,
  trunk: S,
  fromHash: S,
  fromMasked: S,
  fromRaw: S,
  toHash: S,
  toMasked: S,
  toRaw: S,
  startedAt: N,
  ringingAt: N,
  answeredAt: N,
  endedAt: N,
  status: CallStatus,
  sipCode: N,
  q850: N,
  reason: FailureReason | null,
  hangupBy: HangupParty | null,
  durationMs: N,
  talkMs: N,
  pddMs: N,
  transcript: number,
  mos: N,
  jitterMs: N,
  lossPercent: N,
  rttMs: N,
  closedByCleanup: number,
  kpi: number,
  agentTurns: N,
  silenceP50Ms: N,
  silenceP95Ms: N,
  interruptions: N,
  deadAir: N,
  agentTalkMs: N,
  callerTalkMs: N,
  sipFlow: string | null,
  // Per stream (STREAM_COLUMNS): mos, jitter, loss, RTT, codec; caller to callee, then back.
  ...StreamTuple,
  ...StreamTuple,
  turnList: string | null,
];
type StreamTuple = [mos: N, jitterMs: N, lossPercent: N, rttMs: N, codec: string | null];

/** The streams a row holds media for, in MEDIA_STREAMS order; null when none. */
function mediaOf(row: CallTuple, first: number): MediaDirection[] | null {
  const out: MediaDirection[] = [];
  MEDIA_STREAMS.forEach((stream, k) => {
    const [mos, jitterMs, lossPercent, rttMs, codec] = row.slice(
      first + 5 * k,
      first + 5 * k + 5,
    ) as StreamTuple;
    if (mos !== null || jitterMs !== null || lossPercent !== null || rttMs !== null)
      out.push({ stream, mos, jitterMs, lossPercent, rttMs, codec });
  });
  return out.length === 0 ? null : out;
}
const STREAMS_AT = CALL_COLUMN_LIST.indexOf('c2e_mos');
const TURN_LIST_AT = CALL_COLUMN_LIST.indexOf('agent_turn_list');

/** The stored summary with its talk/listen ratio (derived on read, like the durations). */
const withRatio = (s: TurnSummary): AgentTurns => ({ ...s, talkListenRatio: talkListenRatio(s) });

export function toCallRecord(row: CallTuple, reveal: boolean): CallRecord {
  const [
    ,
    callId,
    firstAt,
    direction,
    channel,
    trunk,
    fromHash,
    fromMasked,
    fromRaw,
    toHash,
    toMasked,
    toRaw,
    startedAt,
    ringingAt,
    answeredAt,
    endedAt,
    status,
    sipCode,
    q850,
    reason,
    hangupBy,
    durationMs,
    talkMs,
    pddMs,
    transcript,
    mos,
    jitterMs,
    lossPercent,
    rttMs,
    closedByCleanup,
    kpi,
    agentTurns,
    silenceP50Ms,
    silenceP95Ms,
    interruptions,
    deadAir,
    agentTalkMs,
    callerTalkMs,
    sipFlow,
  ] = row;
  const rec: CallRecord = {
    callId,
    direction,
    channel,
    trunk,
    fromMasked,
    toMasked,
    fromHash,
    toHash,
    firstAt,
    startedAt,
    ringingAt,
    answeredAt,
    endedAt,
    status,
    sipCode,
    q850,
    reason,
    outcome: outcomeOfBits(kpi),
    networkEffective: isNetworkEffective(kpi),
    hangupBy,
    durationMs,
    talkMs,
    pddMs,
    transcript: transcript === 1,
    mos,
    jitterMs,
    lossPercent,
    rttMs,
    closedByCleanup: closedByCleanup === 1,
    agent:
      agentTurns === null
        ? null
        : withRatio({
            turns: agentTurns,
            silenceP50Ms,
            silenceP95Ms,
            interruptions: interruptions ?? 0,
            deadAir: deadAir ?? 0,
            agentTalkMs: agentTalkMs ?? 0,
            callerTalkMs: callerTalkMs ?? 0,
          }),
    sipFlow: sipFlow === null ? null : (JSON.parse(sipFlow) as SipFlowMessage[]),
    media: mediaOf(row, STREAMS_AT),
    turns: row[TURN_LIST_AT] === null ? null : decodeTurnList(row[TURN_LIST_AT] as string),
  };
  // Raw numbers only leave the store when the caller asked and the operator stores them.
  if (reveal) {
    if (fromRaw !== null) rec.from = fromRaw;
    if (toRaw !== null) rec.to = toRaw;
  }
  return rec;
}
