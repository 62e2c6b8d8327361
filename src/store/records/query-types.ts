/** The call-record store's queries and the aggregate shapes analytics reads (types.ts). */
import type { CallOutcome } from '../../domain/labels.js';
import type { CallStatus, StoredChannel as Channel, SmsStatus } from '../../domain/records.js';
import type { Direction } from '../../domain/vocab.js';

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
  /** Outbound messages of the range awaiting their report now (domain/standards/sms.ts `awaitsReport`). */
  awaiting: number;
  /** When the oldest of them was sent, ms (null when none awaits). */
  oldestAwaitingAt: number | null;
}

export interface DeleteResult {
  calls: number;
  sms: number;
}

/**
 * The counts a period's end-to-end KPIs are made of (analytics/kpi.ts endToEndKpis; records/end-to-end.ts foldEndToEnd): each
 * end-to-end call decided once by src/domain/outcome/end-to-end.ts, counted in the period its A
 * leg (the first started) was filed in.
 */
export interface EndToEndStats {
  /** End-to-end calls: legs sharing an id, one or more (a lone leg: the B2BUA made no B leg). */
  calls: number;
  /** Of them, those with two legs or more stored. */
  linked: number;
  /** Decided (not active) and not an authentication challenge: ASR's attempts, as per leg. */
  attempts: number;
  answered: number;
  /** The caller's PDD (A's INVITE to A's first 18x) of the calls whose A leg rang. */
  pddMsSum: number;
  pddCount: number;
  /** Calls failed on the caller's leg (the B2BUA failed it), and on the far side's. */
  failedA: number;
  failedB: number;
  /** Legs read; `truncated` when END_TO_END_READ_MAX of them were (the figures cover those). */
  legs: number;
  truncated: boolean;
}
