/**
 * What a store backend implements under the store front (front.ts): SQL only. Ids arrive in their
 * stored form, updates validated, bounds as integers; rows go back as tuples.
 */
import type { CallStatus } from '../domain/records.js';
import type { EventKeys } from './event-ids.js';
import type { ModemSample } from './modem-samples.js';
import type { CallTuple } from './records/call-rows.js';
import type { LegTuple } from './records/end-to-end.js';
import type { OverviewGroup, SeriesGroup, StatsGroup } from './records/fold.js';
import type { SmsTuple } from './records/sms-rows.js';
import type { RollupBuilder } from './rollup/build.js';
import type { PercentileReads, RangePlan } from './rollup/plan.js';
import type { Bucket, CallQuery, CallUpdate, DeleteResult, SmsUpdate } from './types.js';

/** One keyset page: the rows ordered by (first_at, id) after (`afterAt`, `afterId`), at most `limit`. */
export type Pager<R> = (afterAt: number, afterId: number, limit: number) => Promise<R[]>;

/**
 * What a backend does in SQL. Ids arrive in their stored form, updates validated, bounds as
 * integers; rows go back as the tuples of records/call-rows.ts and records/sms-rows.ts (both backends select the same columns).
 */
export interface StoreDriver {
  /**
   * Write updates in one transaction. `keys` (the events' ids, event-ids.ts) are kept in the same
   * transaction, even with no update.
   */
  writeCalls(what: string, updates: readonly CallUpdate[], keys?: EventKeys): Promise<void>;
  writeSms(what: string, updates: readonly SmsUpdate[], keys?: EventKeys): Promise<void>;
  /** The keys kept (by a write's `keys`) at or after `since`, each with its time. */
  eventKeysSince(since: number): Promise<Array<{ key: string; at: number }>>;
  callById(id: string): Promise<CallTuple | undefined>;
  /** The legs of one end-to-end call (their stored `end_to_end_id`), by first_at; at most `limit`. */
  callLegs(endToEndId: string, limit: number): Promise<CallTuple[]>;
  /**
   * The legs with an end-to-end id filed in [from, to), by first_at; at most `limit` (issue 53:
   * a period's end-to-end KPIs, records/end-to-end.ts foldEndToEnd).
   */
  endToEndLegs(from: number, to: number, limit: number): Promise<LegTuple[]>;
  /** The newest `limit` calls of one status that started before `before`, newest first. */
  recentCalls(status: CallStatus, before: number, limit: number): Promise<CallTuple[]>;
  /** The pages of the calls in `q` (read what a whole export needs first, e.g. a filing lag). */
  callPager(q: CallQuery): Promise<Pager<CallTuple>>;
  smsPager(to: number): Promise<Pager<SmsTuple>>;
  stats(q: CallQuery): Promise<StatsGroup[]>;
  overview(
    q: CallQuery,
    bucket: Bucket,
  ): Promise<{ stats: StatsGroup[]; breakdown: OverviewGroup[]; series: SeriesGroup[] }>;
  series(q: CallQuery, bucket: Bucket): Promise<SeriesGroup[]>;
  /** The plan of `q` and the reads percentiles come from (rollup/plan.ts `durationPercentiles`). */
  percentiles(q: CallQuery, ps: readonly number[]): Promise<{ plan: RangePlan; reads: PercentileReads }>;
  lastActivity(): Promise<{ c: number | null; s: number | null }>;
  countActiveSince(before: number): Promise<number>;
  smsById(id: string): Promise<SmsTuple | undefined>;
  /** `since`: a submission sent after it may still await its report (now - REPORT_WAIT_MS). */
  smsStats(from: number, to: number, since: number): Promise<Record<string, number | null>>;
  /** One batch of zombie calls closed (ended now, reason timeout): how many. */
  closeZombies(now: number, cutoff: number, limit: number): Promise<number>;
  /** What retention can drop whole (PostgreSQL's day partitions) before the batches. */
  dropExpired(cutoff: number): Promise<DeleteResult>;
  /** One batch of records filed before `cutoff` deleted: how many. */
  deleteBatch(table: 'calls' | 'sms', cutoff: number, batch: number): Promise<number>;
  /** Rollup rows and modem samples older than `cutoff` deleted. */
  prune(cutoff: number): Promise<void>;
  appendModemSamples(samples: readonly ModemSample[]): Promise<number>;
  modemHistory(q: {
    from: number;
    to: number;
    modem: string | null;
    limit: number;
    instance: string | null;
  }): Promise<Record<string, unknown>[]>;
  /** The background build of rollups missing at open (rollup/build.ts), where the backend has one. */
  readonly rollupBuild?: RollupBuilder;
  close(): Promise<void>;
}
