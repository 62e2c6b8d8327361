/**
 * Types of the call-record store: the updates that feed it, the records it returns, the aggregate
 * shapes analytics reads, and the backend-neutral {@link CallStore} interface (SQLite now,
 * PostgreSQL later). All times are epoch milliseconds (UTC); ranges are half-open `[from, to)`.
 */

import type { CallOutcome, SmsOutcome } from '../domain/labels.js';
// The record vocabularies are domain's (one list per concept); the store's names for them.
import type {
  CallStatus,
  StoredChannel as Channel,
  EndStatus,
  FailureReason,
  HangupParty as HangupBy,
  SmsStatus,
} from '../domain/records.js';
import type { Direction, MediaStream, SmsFailureReason, TurnSegment } from '../domain/vocab.js';
import type { TurnSummary } from '../telephony/outcome/turns.js';
import type { ModemHistoryQuery, ModemSample } from './modem-samples.js';

export type { ModemHistoryQuery, ModemSample } from './modem-samples.js';

interface UpdateBase {
  /** Stable id of the call (SIP Call-ID, modem call index + session, agent session id). At most 200 chars. */
  callId: string;
  /** When the event happened, epoch ms. */
  at: number;
}

/**
 * One fact about a call. Updates may arrive duplicated or in any order; the store converges to the
 * same record: times take the earliest report, end details come from the earliest `ended` that
 * carries them, media keeps the worst values seen.
 */
export type CallUpdate =
  | (UpdateBase & {
      kind: 'started';
      direction: Direction;
      channel: Channel;
      trunk?: string;
      /** Phone number or SIP URI; stored hashed and masked (raw only when the operator enables it). */
      from?: string;
      to?: string;
    })
  | (UpdateBase & { kind: 'ringing' })
  | (UpdateBase & { kind: 'answered' })
  | (UpdateBase & {
      kind: 'ended';
      /** Explicit outcome; when absent it is derived from answer, SIP code, Q.850 cause and reason. */
      status?: EndStatus;
      /** Final SIP response to the INVITE (100..699). */
      sipCode?: number;
      /** Q.850 cause value (0..127). */
      q850?: number;
      reason?: FailureReason;
      hangupBy?: HangupBy;
    })
  | (UpdateBase & { kind: 'transcript' })
  /**
   * The voice agent's turns on the call so far, as a whole (telephony/outcome/turns.ts): the store
   * keeps the summary with the most turns (then interruptions), so repeats and reordering converge.
   */
  | (UpdateBase & {
      kind: 'agent';
      /**
       * The call's first turns (at most TURN_LIST_MAX) as compact JSON rows (./turn-list.ts);
       * absent when they did not change: the stored list then stays.
       */
      turnList?: string;
    } & TurnSummary)
  /**
   * The call's SIP message sequence (the ladder, `sip.flow`) as compact JSON of its messages: the
   * store keeps the longest it was given, so a repeat converges.
   */
  | (UpdateBase & { kind: 'flow'; sipFlow: string })
  /**
   * One RTCP-derived report: the call's worst values, and with `stream` its direction's worst
   * (RFC 3550 reports are per interval, so a call's figure is the worst interval, not the last).
   */
  | (UpdateBase & {
      kind: 'media';
      mos: number;
      jitterMs: number;
      lossPercent: number;
      rttMs?: number;
      stream?: MediaStream;
      /** The codec as the report named it (one the E-model knows: the report was scored). */
      codec?: string;
    });

export type CallUpdateKind = CallUpdate['kind'];

interface SmsBase {
  /** Gateway message id (namespace it per modem/provider if ids can collide). At most 200 chars. */
  messageId: string;
  at: number;
}

/**
 * Which submission a report or failure belongs to, when the source knows only the reference: the
 * most recent submission with this reference on this gateway that has no final outcome yet, else
 * one sent with no gateway; with no gateway, one on any gateway (an app that names the modem on
 * one event and not the other still matches). A TP-MR (0..255) wraps per modem, so the reference
 * alone is not an identity, and a submission on another gateway is never taken.
 */
export interface SmsMatch {
  reference: string;
  gateway?: string;
}

/** One fact about an SMS; like calls, duplicates and reordering converge. */
export type SmsUpdate =
  | (SmsBase & { kind: 'received'; from?: string; to?: string; gateway?: string; segments?: number })
  | (SmsBase & {
      kind: 'sent';
      from?: string;
      to?: string;
      gateway?: string;
      segments?: number;
      /** TP-MR or provider id, kept so reports can find this submission ({@link SmsMatch}). */
      reference?: string;
    })
  /**
   * Delivery report: `statusCode` is the TP-Status (3GPP TS 23.040) or provider error code. With
   * `match`, filed under the matching pending submission; `messageId` only when none matches.
   */
  | (SmsBase & { kind: 'delivery'; outcome: SmsOutcome; statusCode?: number; match?: SmsMatch })
  | (SmsBase & {
      kind: 'send_failed';
      reason?: SmsFailureReason;
      statusCode?: number;
      match?: SmsMatch;
    });

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
  /** The worst media values per direction reported with a `stream`; null when none was. */
  media: MediaDirection[] | null;
  /** The voice agent's first turns (at most TURN_LIST_MAX), by start; null without agent turns. */
  turns: AgentTurn[] | null;
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

/** A half-open time range `[from, to)` in epoch ms, optionally narrowed. */
export interface CallQuery {
  from: number;
  to: number;
  direction?: Direction;
  trunk?: string;
  channel?: Channel;
  /**
   * Only calls first written by this sidetone instance (a PostgreSQL store shared by several). A
   * SQLite file belongs to one instance: it ignores this.
   */
  instance?: string;
  /**
   * Read every record instead of the rollups: the same counts, exact duration percentiles, slower
   * on long ranges (an audit, or a test comparing the two).
   */
  exact?: boolean;
}

/**
 * Raw counts over a range, from one grouped query in the backend. Analytics turns them into rates
 * (see `src/analytics/kpi.ts`); keeping counts here keeps every backend's job the same and simple.
 */
export interface CallStats {
  /** Every call filed in the range, active ones included. */
  total: number;
  /**
   * Attempts: ended calls that were not a 401/407 challenge (RFC 6076). The KPI denominators; the
   * call classifier (src/domain/outcome) decides.
   */
  finished: number;
  active: number;
  byStatus: Record<CallStatus, number>;
  /** Ended calls by RFC 6076 outcome, as the calls pack counts `call_outcomes_total`. */
  byOutcome: Record<CallOutcome, number>;
  /** Finished calls that were answered. */
  answered: number;
  /** Finished calls answered or ending with Q.850 cause 16, 17, 18, 19 or 21 (NER numerator). */
  networkEffective: number;
  /** Finished SIP calls (channel sip/webrtc or carrying a SIP code): RFC 6076 denominators. */
  sipAttempts: number;
  sipRedirected: number;
  sipAnswered: number;
  sipEffective: number;
  sipIneffective: number;
  /** Answered calls with a known talk time. */
  talkCount: number;
  talkMsSum: number;
  pddCount: number;
  pddMsSum: number;
  /** Durations (start → end) of answered finished calls. */
  durationCount: number;
  durationMsSum: number;
  durationMinMs: number | null;
  durationMaxMs: number | null;
  /** Calls with a transcript, of any status (active ones included). */
  transcripts: number;
  mediaCount: number;
  mosAvg: number | null;
  jitterMsAvg: number | null;
  lossPercentAvg: number | null;
}

export interface CallBreakdown {
  byDirection: Record<string, number>;
  byChannel: Record<string, number>;
  byTrunk: Record<string, number>;
  /** Effective reason of finished calls that did not complete. */
  byFailureReason: Record<string, number>;
}

export type Bucket = 'hour' | 'day';

/** Counts the KPI ratios need, for one group of calls. */
export interface KpiCounts {
  /** Attempts: ended, not a 401/407 challenge. */
  attempts: number;
  answered: number;
  networkEffective: number;
  sipAttempts: number;
  sipRedirected: number;
  sipAnswered: number;
  sipEffective: number;
  sipIneffective: number;
}

/** One non-empty bucket of a series (analytics fills the empty ones). */
export interface SeriesRow {
  /** Bucket start, epoch ms, aligned to UTC hours or days. */
  start: number;
  total: number;
  byStatus: Record<CallStatus, number>;
  /** What the bucket's KPI ratios need (attempts, answered, SIP outcomes). */
  kpi: KpiCounts;
  answered: number;
  durationCount: number;
  durationMsSum: number;
}

export interface CallOverview {
  stats: CallStats;
  breakdown: CallBreakdown;
  series: SeriesRow[];
}

export interface SmsStats {
  total: number;
  inbound: number;
  outbound: number;
  byStatus: Record<SmsStatus, number>;
  /** Delivered messages with a known sent time. */
  latencyCount: number;
  latencyMsAvg: number | null;
  latencyMsP50: number | null;
  latencyMsP95: number | null;
  latencyMsMax: number | null;
}

export interface DeleteResult {
  calls: number;
  sms: number;
}

/**
 * The call-record store. Every method is async so a networked backend (PostgreSQL) can implement
 * it; the SQLite backend does its work synchronously inside.
 *
 * @example
 * ```ts
 * const store = await openSqliteCallStore({ path: 'data/calls.db', privacy: { hashKey, storeRaw: false } });
 * await store.apply({ kind: 'started', callId: 'c1', at: Date.now(), direction: 'inbound', channel: 'sip' });
 * const stats = await store.stats({ from: Date.now() - 3_600_000, to: Date.now() });
 * ```
 */
export interface CallStore {
  /** Apply one update; resolved means durable against a process crash. */
  apply(update: CallUpdate): Promise<void>;
  /** Apply many updates in one transaction (all or none); the ingest path. Returns the count. */
  applyBatch(updates: readonly CallUpdate[]): Promise<number>;
  applySms(update: SmsUpdate): Promise<void>;
  applySmsBatch(updates: readonly SmsUpdate[]): Promise<number>;

  getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined>;
  /** Most recent calls with one of `statuses` (newest first), optionally before a time. */
  recentCalls(
    q: { statuses: readonly CallStatus[]; limit: number; before?: number },
    opts?: ReadOptions,
  ): Promise<CallRecord[]>;
  /** Stream calls of a range in `firstAt` order, a chunk at a time (constant memory). */
  iterateCalls(q: CallQuery & { chunkSize?: number }, opts?: ReadOptions): AsyncIterable<CallRecord>;

  stats(q: CallQuery): Promise<CallStats>;
  /** Stats, breakdowns and series of one range from one read (what a dashboard needs). */
  overview(q: CallQuery, bucket: Bucket): Promise<CallOverview>;
  /**
   * Linearly interpolated percentiles (as SQL `percentile_cont`) of answered call durations; `ps`
   * in 0..1. Exact for ranges with few answered calls (and `exact` queries); beyond, estimated from
   * the rollup histogram within 9.05 %, with exact minimum and maximum.
   */
  durationPercentiles(q: CallQuery, ps: readonly number[]): Promise<(number | null)[]>;
  series(q: CallQuery, bucket: Bucket): Promise<SeriesRow[]>;
  /** Latest `firstAt` of any call or SMS, or null when the store is empty. */
  lastActivityAt(): Promise<number | null>;
  /** Calls still active whose first event is older than `olderThan`. */
  countActiveSince(olderThan: number): Promise<number>;

  getSms(messageId: string, opts?: ReadOptions): Promise<SmsRecord | undefined>;
  iterateSms(
    q: { from: number; to: number; chunkSize?: number },
    opts?: ReadOptions,
  ): AsyncIterable<SmsRecord>;
  smsStats(q: { from: number; to: number }): Promise<SmsStats>;

  /**
   * Store modem samples (the modem's history); a sample sent again (same modem and time) changes
   * nothing. Returns how many were new. Kept for `store.retention_days`, as calls.
   */
  appendModemSamples(samples: readonly ModemSample[]): Promise<number>;
  /** Modem samples of a range, oldest first: the newest {@link ModemHistoryQuery.limit} of it. */
  modemHistory(q: ModemHistoryQuery): Promise<ModemSample[]>;

  /** Close calls active for more than `maxActiveSeconds` as `timeout`; returns how many. */
  closeZombies(maxActiveSeconds: number, now?: number): Promise<number>;
  /** How long the oldest write waiting for a lock has waited, ms; 0 when none (optional). */
  writeStallMs?(): number;
  /** Delete records filed more than `days` ago, `batchSize` rows per transaction (default 2000), yielding between. */
  deleteOlderThan(days: number, opts?: { batchSize?: number; now?: number }): Promise<DeleteResult>;
  close(): Promise<void>;
}
