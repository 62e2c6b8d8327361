/** The records the call-record store returns (types.ts): a call, its media, turns and SIP flow, an SMS. */
// The record vocabularies are domain's (one list per concept); the store's names for them.
import type { CallOutcome } from '../../domain/labels.js';
import type {
  CallStatus,
  StoredChannel as Channel,
  FailureReason,
  HangupParty as HangupBy,
  SmsStatus,
} from '../../domain/records.js';
import type {
  AmdCategory,
  Direction,
  MediaStream,
  SmsFailureReason,
  TurnSegment,
} from '../../domain/vocab.js';
import type { TurnSummary } from '../../telephony/outcome/turns.js';

/** Read options. Raw numbers come back only with `reveal: true` AND `storeRaw` enabled in the store config. */
export interface ReadOptions {
  reveal?: boolean;
}

/** A call as stored. Numbers are masked; `from`/`to` appear only when revealed. */
export interface CallRecord {
  callId: string;
  direction: Direction | null;
  channel: Channel | null;
  trunk: string | null;
  fromMasked: string | null;
  toMasked: string | null;
  /** Keyed HMAC-SHA256 of the normalised number: lets you group by caller without seeing the number. */
  fromHash: string | null;
  toHash: string | null;
  from?: string;
  to?: string;
  /** Earliest time any event for this call was seen; the time the call is filed under. */
  firstAt: number;
  startedAt: number | null;
  ringingAt: number | null;
  answeredAt: number | null;
  endedAt: number | null;
  status: CallStatus;
  sipCode: number | null;
  q850: number | null;
  /** Effective reason: the stated one, else derived from SIP code / Q.850 cause. Null while active. */
  reason: FailureReason | null;
  /** RFC 6076 outcome from the call classifier (`challenged` is not an attempt); null while active. */
  outcome: CallOutcome | null;
  /** ITU-T E.425: an attempt answered or ended at the user (NER numerator). */
  networkEffective: boolean;
  hangupBy: HangupBy | null;
  /** started → ended; null when unknown (no start, or closed by zombie cleanup). */
  durationMs: number | null;
  /** answered → ended. */
  talkMs: number | null;
  /** Post-dial delay: started → first ringing. */
  pddMs: number | null;
  transcript: boolean;
  mos: number | null;
  jitterMs: number | null;
  lossPercent: number | null;
  rttMs: number | null;
  /** True when zombie cleanup closed the call (as `timeout`); a later real `ended` replaces it. */
  closedByCleanup: boolean;
  /**
   * The voice agent's half of the call (its turns, heard-silence percentiles, interruptions, dead
   * air, talk and listen time), beside the SIP outcome and media above; null without agent turns.
   */
  agent: AgentTurns | null;
  /** The SIP message sequence captured for the call (failed calls and a sample of others); null when none. */
  sipFlow: SipFlowMessage[] | null;
  /** The answering-machine detector's verdict on who answered; null without a detection. */
  amd: AmdCategory | null;
  /** Answered, and a person on it (src/domain/cost.ts `isHumanConnect`): what outbound campaigns count. */
  humanConnect: boolean;
  /** What the call cost, by part, in the price file's currency; null when nothing was priced. */
  cost: CallCost | null;
  /** The worst media values per direction reported with a `stream`; null when none was. */
  media: MediaDirection[] | null;
  /** The voice agent's first turns (at most TURN_LIST_MAX), by start; null without agent turns. */
  turns: AgentTurn[] | null;
  /**
   * The end-to-end call this leg belongs to (a B2BUA's legs, `hep.leg_correlation`), as stored (the
   * keyed hash call ids are kept as); absent when no correlation was configured, so such a record
   * is what it was before legs were linked.
   */
  endToEndId?: string;
  /** One call read by id (getCall) with other legs stored: the end-to-end call they make. */
  endToEnd?: EndToEndCall;
}

/**
 * One end-to-end call: the legs a B2BUA made of it, each a call record of its own (outcome, PDD,
 * media per direction, SIP flow), and the verdict src/domain/outcome/end-to-end.ts gives them.
 */
export interface EndToEndCall {
  id: string;
  /** RFC 6076 outcome as the caller experienced it; null while a leg is active. */
  outcome: CallOutcome | null;
  /** The leg that failed the call: `a` the caller's (the B2BUA failed it), `b` the far side's. */
  failedLeg: 'a' | 'b' | null;
  /** The caller's PDD: the A leg's INVITE to its first 18x (RFC 6076 4.2). */
  pddMs: number | null;
  /** A first (the first started), then the B legs by start; at most END_TO_END_LEGS_MAX. */
  legs: Array<CallRecord & { leg: 'a' | 'b' }>;
}

/**
 * What a call cost (`voiceai.prices`): the agent's providers by stage, from the usage its spans
 * reported, and the carrier's minutes (the trunk's price when the call started, times its talk time).
 */
export interface CallCost {
  /** ISO 4217. */
  currency: string;
  /** llm + stt + tts + carrier (the parts known). */
  total: number;
  llm: number | null;
  stt: number | null;
  tts: number | null;
  /** Null when the trunk has no price, or the call is not over. */
  carrier: number | null;
  /** Usage reports in a unit the price file does not price: the total lacks them (a lower bound). */
  unpricedReports: number;
}

/** One direction's media as stored: the worst of its reports, the codec they named. */
export interface MediaDirection {
  stream: MediaStream;
  mos: number | null;
  jitterMs: number | null;
  lossPercent: number | null;
  rttMs: number | null;
  codec: string | null;
}

/** One voice-agent turn as stored (no transcript, no caller identity). */
export interface AgentTurn {
  /** The turn's number as the agent sent it, else its order of arrival (1-based). */
  turn: number;
  /** When the caller stopped talking (the heard silence's start), else the turn's first known instant, epoch ms. */
  at: number;
  /** The silence the caller heard, ms; null when unknown. */
  heardMs: number | null;
  /**
   * The heard silence's segments by TURN_SEGMENTS (a stage alone, or `unattributed` for time a
   * missing stage left unsplit): they add up to `heardMs`. Absent segments are unknown, never 0.
   */
  segments: Partial<Record<TurnSegment, number>>;
  interrupted: boolean;
  deadAir: boolean;
  /** LLM calls the reply took (a tool round trip is 2), tool calls and failed ones, where the agent said. */
  llmCalls?: number;
  toolCalls?: number;
  toolErrors?: number;
  /** The end-of-turn detector's probability, the endpointing delay it chose and its detection delay (ms). */
  eouProbability?: number;
  eouEndpointingDelayMs?: number;
  eouDetectionDelayMs?: number;
  /** The speech-to-text's mean confidence over the turn's final transcripts, 0..1. */
  transcriptConfidence?: number;
}

/** One message of a call's stored SIP flow (the `sip.flow` event's form). */
export interface SipFlowMessage {
  atMs: number;
  from: string;
  to: string;
  method: string;
  code?: number;
  q850?: number;
}

/** A call's voice-agent turns as stored, with the talk/listen ratio (agent over caller speech). */
export interface AgentTurns extends TurnSummary {
  talkListenRatio: number | null;
}

export interface SmsRecord {
  messageId: string;
  direction: Direction | null;
  gateway: string | null;
  fromMasked: string | null;
  toMasked: string | null;
  fromHash: string | null;
  toHash: string | null;
  from?: string;
  to?: string;
  firstAt: number;
  receivedAt: number | null;
  sentAt: number | null;
  deliveredAt: number | null;
  failedAt: number | null;
  status: SmsStatus;
  statusCode: number | null;
  failureReason: SmsFailureReason | null;
  segments: number | null;
  /** sent → delivered. */
  latencyMs: number | null;
}
