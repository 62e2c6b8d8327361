/**
 * A call's row as both backends select it (a tuple, in CALL_COLUMN_LIST order) and its mapping to
 * the public CallRecord (the row codec); records/sms-rows.ts has the SMS's.
 */

import { carrierCost, isHumanConnect } from '../../domain/cost.js';
import { isNetworkEffective } from '../../domain/outcome/classify.js';
import { outcomeOfBits } from '../../domain/outcome/table.js';
import type { CallStatus, FailureReason, HangupParty, StoredChannel } from '../../domain/records.js';
import { type AmdCategory, type Direction, MEDIA_STREAMS } from '../../domain/vocab.js';
import { InternalError } from '../../errors.js';
import { type TurnSummary, talkListenRatio } from '../../telephony/outcome/turns.js';
import type { AgentTurns, CallCost, CallRecord, MediaDirection, SipFlowMessage } from '../types.js';
import { CALL_READ_COLUMNS, STREAM_PREFIXES } from './call-columns.js';
import { decodeTurnList } from './turn-list.js';

/**
 * Rows are read in raw (array) mode: building a 30-property object per row in the driver cost
 * half the export time. The columns selected, in order, are the call column table's read ones
 * (records/call-columns.ts); the codec below finds each by its position there.
 */
export const CALL_COLUMN_LIST = CALL_READ_COLUMNS;

export type N = number | null;
export type S = string | null;
/**
 * A call's row as the reads give it: CALL_COLUMN_LIST's values, in its order. The first three are
 * the keyset pages' and the recent list's (front.ts reads them by position): checked below.
 */
export type CallTuple = [id: number, callId: string, firstAt: number, ...rest: (string | number | null)[]];
if (CALL_COLUMN_LIST.slice(0, 3).join() !== 'id,call_id,first_at')
  throw new InternalError(
    'the call reads must select id, call_id and first_at first (records/call-columns.ts)',
  );

/** Where each selected column is in a row. */
const AT: Readonly<Record<string, number>> = Object.fromEntries(CALL_COLUMN_LIST.map((c, i) => [c, i]));
const at = (column: string): number => {
  const i = AT[column];
  if (i === undefined) throw new InternalError(`the call reads select no column ${column}`);
  return i;
};
const I = {
  callId: at('call_id'),
  firstAt: at('first_at'),
  direction: at('direction'),
  channel: at('channel'),
  trunk: at('trunk'),
  endToEndId: at('end_to_end_id'),
  fromHash: at('from_hash'),
  fromMasked: at('from_masked'),
  fromRaw: at('from_raw'),
  toHash: at('to_hash'),
  toMasked: at('to_masked'),
  toRaw: at('to_raw'),
  startedAt: at('started_at'),
  ringingAt: at('ringing_at'),
  answeredAt: at('answered_at'),
  endedAt: at('ended_at'),
  status: at('status'),
  sipCode: at('sip_code'),
  q850: at('q850'),
  reason: at('reason_eff'),
  hangupBy: at('hangup_by'),
  durationMs: at('duration_ms'),
  talkMs: at('talk_ms'),
  pddMs: at('pdd_ms'),
  transcript: at('transcript'),
  mos: at('mos'),
  jitterMs: at('jitter_ms'),
  lossPercent: at('loss_percent'),
  rttMs: at('rtt_ms'),
  closedByCleanup: at('closed_by_cleanup'),
  kpi: at('kpi'),
  agentTurns: at('agent_turns'),
  silenceP50Ms: at('agent_silence_p50_ms'),
  silenceP95Ms: at('agent_silence_p95_ms'),
  interruptions: at('agent_interruptions'),
  deadAir: at('agent_dead_air'),
  agentTalkMs: at('agent_talk_ms'),
  callerTalkMs: at('agent_listen_ms'),
  sipFlow: at('sip_flow'),
  turnList: at('agent_turn_list'),
  amd: at('amd_category'),
  costCurrency: at('cost_currency'),
  costLlm: at('cost_llm'),
  costStt: at('cost_stt'),
  costTts: at('cost_tts'),
  costUnpriced: at('cost_unpriced'),
  carrierCurrency: at('carrier_currency'),
  carrierPerMinute: at('carrier_per_minute'),
  carrierIncrement: at('carrier_increment_s'),
};
/** Each stream's first column (its MOS), MEDIA_STREAMS order; jitter, loss, RTT, codec follow. */
const STREAMS_AT = STREAM_PREFIXES.map((p) => at(`${p}_mos`));

const num = (row: CallTuple, i: number) => row[i] as N;
const str = (row: CallTuple, i: number) => row[i] as S;

/** The streams a row holds media for, in MEDIA_STREAMS order; null when none. */
function mediaOf(row: CallTuple): MediaDirection[] | null {
  const out: MediaDirection[] = [];
  MEDIA_STREAMS.forEach((stream, k) => {
    const i = STREAMS_AT[k] as number;
    const mos = num(row, i);
    const jitterMs = num(row, i + 1);
    const lossPercent = num(row, i + 2);
    const rttMs = num(row, i + 3);
    if (mos !== null || jitterMs !== null || lossPercent !== null || rttMs !== null)
      out.push({ stream, mos, jitterMs, lossPercent, rttMs, codec: str(row, i + 4) });
  });
  return out.length === 0 ? null : out;
}

/**
 * The call's cost: the agent's stages as the sink summed them, and the carrier's (its price per
 * minute when the call started, times its talk time: domain/cost.ts). A carrier price in another
 * currency than the agent's (the price file changed) is left out, not added.
 */
function costOf(row: CallTuple, talkMs: number | null, ended: boolean): CallCost | null {
  const currency = str(row, I.costCurrency);
  const carrierCurrency = str(row, I.carrierCurrency);
  const perMinute = num(row, I.carrierPerMinute);
  const cur = currency ?? carrierCurrency;
  if (cur === null) return null;
  // An unanswered call that ended had no talk time: its minutes cost nothing. Still active: unknown.
  const carrier =
    perMinute === null || carrierCurrency !== cur || (talkMs === null && !ended)
      ? null
      : carrierCost(
          { trunk: '', perMinute, incrementSeconds: num(row, I.carrierIncrement) ?? 1 },
          talkMs ?? 0,
        );
  const llm = currency === null ? null : num(row, I.costLlm);
  const stt = currency === null ? null : num(row, I.costStt);
  const tts = currency === null ? null : num(row, I.costTts);
  return {
    currency: cur,
    total: (llm ?? 0) + (stt ?? 0) + (tts ?? 0) + (carrier ?? 0),
    llm,
    stt,
    tts,
    carrier,
    unpricedReports: num(row, I.costUnpriced) ?? 0,
  };
}

/** The stored summary with its talk/listen ratio (derived on read, like the durations). */
const withRatio = (s: TurnSummary): AgentTurns => ({ ...s, talkListenRatio: talkListenRatio(s) });

/**
 * A call's record from its row. `ids`, when given, turns the row's ids into the form reads show
 * (the keyed hash of a raw id a background rewrite has not reached yet, sqlite/id-rewrite.ts).
 */
export function toCallRecord(row: CallTuple, reveal: boolean, ids?: (id: string) => string): CallRecord {
  const kpi = row[I.kpi] as number;
  const agentTurns = num(row, I.agentTurns);
  const sipFlow = str(row, I.sipFlow);
  const turnList = str(row, I.turnList);
  const amd = str(row, I.amd) as AmdCategory | null;
  const answeredAt = num(row, I.answeredAt);
  const talkMs = num(row, I.talkMs);
  const rec: CallRecord = {
    callId: ids === undefined ? (row[I.callId] as string) : ids(row[I.callId] as string),
    direction: row[I.direction] as Direction | null,
    channel: row[I.channel] as StoredChannel | null,
    trunk: str(row, I.trunk),
    fromMasked: str(row, I.fromMasked),
    toMasked: str(row, I.toMasked),
    fromHash: str(row, I.fromHash),
    toHash: str(row, I.toHash),
    firstAt: row[I.firstAt] as number,
    startedAt: num(row, I.startedAt),
    ringingAt: num(row, I.ringingAt),
    answeredAt,
    endedAt: num(row, I.endedAt),
    status: row[I.status] as CallStatus,
    sipCode: num(row, I.sipCode),
    q850: num(row, I.q850),
    reason: row[I.reason] as FailureReason | null,
    outcome: outcomeOfBits(kpi),
    networkEffective: isNetworkEffective(kpi),
    hangupBy: row[I.hangupBy] as HangupParty | null,
    durationMs: num(row, I.durationMs),
    talkMs,
    pddMs: num(row, I.pddMs),
    transcript: row[I.transcript] === 1,
    mos: num(row, I.mos),
    jitterMs: num(row, I.jitterMs),
    lossPercent: num(row, I.lossPercent),
    rttMs: num(row, I.rttMs),
    closedByCleanup: row[I.closedByCleanup] === 1,
    agent:
      agentTurns === null
        ? null
        : withRatio({
            turns: agentTurns,
            silenceP50Ms: num(row, I.silenceP50Ms),
            silenceP95Ms: num(row, I.silenceP95Ms),
            interruptions: num(row, I.interruptions) ?? 0,
            deadAir: num(row, I.deadAir) ?? 0,
            agentTalkMs: num(row, I.agentTalkMs) ?? 0,
            callerTalkMs: num(row, I.callerTalkMs) ?? 0,
          }),
    sipFlow: sipFlow === null ? null : (JSON.parse(sipFlow) as SipFlowMessage[]),
    media: mediaOf(row),
    turns: turnList === null ? null : decodeTurnList(turnList),
    amd,
    humanConnect: isHumanConnect(answeredAt !== null, amd),
    cost: costOf(row, talkMs, row[I.endedAt] !== null),
  };
  const endToEndId = str(row, I.endToEndId);
  if (endToEndId !== null) rec.endToEndId = ids === undefined ? endToEndId : ids(endToEndId);
  // Raw numbers only leave the store when the caller asked and the operator stores them.
  if (reveal) {
    const fromRaw = str(row, I.fromRaw);
    const toRaw = str(row, I.toRaw);
    if (fromRaw !== null) rec.from = fromRaw;
    if (toRaw !== null) rec.to = toRaw;
  }
  return rec;
}
