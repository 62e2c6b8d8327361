/**
 * Types of the call-record store: the updates that feed it, the records it returns, the aggregate
 * shapes analytics reads, and the backend-neutral {@link CallStore} interface (SQLite and
 * PostgreSQL). All times are epoch milliseconds (UTC); ranges are half-open `[from, to)`.
 */

import type { CallStatus } from '../domain/records.js';
import type { EventIds, StoredEventIds } from './event-ids.js';
import type { ModemHistoryQuery, ModemSample } from './modem-samples.js';
import type {
  Bucket,
  CallOverview,
  CallQuery,
  CallStats,
  DeleteResult,
  EndToEndStats,
  SeriesRow,
  SmsStats,
} from './records/query-types.js';
import type { CallRecord, EndToEndCall, ReadOptions, SmsRecord } from './records/record-types.js';
import type { CallUpdate, SmsUpdate } from './records/update-types.js';

export type { EventIds, StoredEventIds } from './event-ids.js';
export type { ModemHistoryQuery, ModemSample } from './modem-samples.js';
export type {
  Bucket,
  CallBreakdown,
  CallOverview,
  CallQuery,
  CallStats,
  DeleteResult,
  EndToEndStats,
  KpiCounts,
  SeriesRow,
  SmsStats,
} from './records/query-types.js';
export type {
  AgentTurn,
  AgentTurns,
  CallCost,
  CallRecord,
  EndToEndCall,
  MediaDirection,
  ReadOptions,
  SipFlowMessage,
  SmsRecord,
} from './records/record-types.js';
export type {
  CallUpdate,
  CallUpdateKind,
  CarrierPrice,
  SmsMatch,
  SmsUpdate,
  VoiceCost,
} from './records/update-types.js';

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
  /**
   * Apply many updates in one transaction (all or none); the ingest path. Returns the count.
   * `eventIds`: the ids of the events the updates came from, kept (as keyed hashes) in the same
   * transaction, even when there is no update, for {@link storedEventIds} (event-ids.ts).
   */
  applyBatch(updates: readonly CallUpdate[], eventIds?: EventIds): Promise<number>;
  applySms(update: SmsUpdate): Promise<void>;
  applySmsBatch(updates: readonly SmsUpdate[], eventIds?: EventIds): Promise<number>;
  /**
   * The event ids batches kept at or after `since` (epoch ms), read once: a restarted sidecar's
   * ingest asks it which ids of a request were stored before the restart (duplicates).
   */
  storedEventIds(since: number): Promise<StoredEventIds>;

  getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined>;
  /**
   * The end-to-end call of a stored `endToEndId` (a record's, as read), when two legs or more of it
   * are stored; undefined otherwise (issue 53: the call list's one row per end-to-end call).
   */
  endToEndCall(endToEndId: string, opts?: ReadOptions): Promise<EndToEndCall | undefined>;
  /**
   * The end-to-end calls of a period, each decided once (src/domain/outcome/end-to-end.ts) and
   * counted in the period its A leg was filed in: what the end-to-end ASR and PDD are made of.
   * Zero calls when no leg correlation was configured (no leg has an end-to-end id).
   */
  endToEndStats(q: Pick<CallQuery, 'from' | 'to'>): Promise<EndToEndStats>;
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
  /** SMS of `[from, to)`; `awaiting` as of `now` (default: the clock). */
  smsStats(q: { from: number; to: number; now?: number }): Promise<SmsStats>;

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
  /**
   * How far the background build of rollups missing at open is, in 10-minute slots; undefined
   * once every rollup is built (optional; rollup/build.ts).
   */
  rollupBuild?(): { built: number; total: number; failed?: string } | undefined;
  /**
   * How far the background hashing of raw ids an older store kept is, in rows; undefined once
   * none is left (optional; sqlite/id-rewrite.ts).
   */
  idRewrite?(): { done: number; total: number; failed?: string } | undefined;
  /**
   * Do one slice of that background work now (rollups, then raw ids); true while more is left
   * (optional; rollup/build.ts).
   */
  buildRollups?(): Promise<boolean>;
  /** Delete records filed more than `days` ago, `batchSize` rows per transaction (default 2000), yielding between. */
  deleteOlderThan(days: number, opts?: { batchSize?: number; now?: number }): Promise<DeleteResult>;
  close(): Promise<void>;
}
