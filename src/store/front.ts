/**
 * The store front: the half of a {@link CallStore} that is the same on every backend, done once.
 * It validates every update and query, clamps limits and bounds, turns ids into their stored
 * (keyed-hash) form, hands numbers to the writes through one protector (hash + mask), and maps the
 * rows a driver reads back to records, revealed only where the privacy config allows. A driver
 * (sqlite/driver.ts, postgres/driver.ts) only talks SQL: it gets validated input with stored ids
 * and returns rows. The two backends drifted while each did this itself (`before` of
 * `recentCalls` truncated on PostgreSQL, a modem history's bounds truncated on PostgreSQL and raw
 * on SQLite); here there is one place to get it right.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { CallStatus } from '../domain/records.js';
import { REPORT_WAIT_MS } from '../domain/standards/sms.js';
import { drain } from './drain.js';
import { type EventIds, type EventKeys, eventKeyOf, eventKeys, StoredEventIds } from './event-ids.js';
import { faultCause } from './faults.js';
import {
  checkModemSample,
  historyLimit,
  type ModemHistoryQuery,
  type ModemSample,
  toModemSample,
} from './modem-samples.js';
import {
  checkPrivacyConfig,
  mayReveal,
  numberProtector,
  type PrivacyConfig,
  recordIds,
  withStoredCallIds,
  withStoredSmsIds,
} from './privacy.js';
import { type CallTuple, toCallRecord } from './records/call-rows.js';
import {
  END_TO_END_EDGE_MS,
  END_TO_END_LEGS_MAX,
  END_TO_END_READ_MAX,
  endToEndCall,
  foldEndToEnd,
} from './records/end-to-end.js';
import { foldCallStats, foldOverview, foldSeries } from './records/fold.js';
import { toSmsRecord, toSmsStats } from './records/sms-rows.js';
import type { Protect } from './records/writes.js';
import { type BackgroundBuild, type RollupBuildProgress, runInBackground } from './rollup/build.js';
import { durationPercentiles, EXACT_PERCENTILES_UP_TO } from './rollup/plan.js';
import { bucketSize } from './sqlite/sql.js';
import type { Pager, StoreDriver } from './store-driver.js';
import type { IdRewriteProgress } from './stored-ids.js';
import type {
  Bucket,
  CallOverview,
  CallQuery,
  CallRecord,
  CallStats,
  CallStore,
  CallUpdate,
  DeleteResult,
  EndToEndCall,
  EndToEndStats,
  ReadOptions,
  SeriesRow,
  SmsRecord,
  SmsStats,
  SmsUpdate,
} from './types.js';
import {
  checkCallUpdate,
  checkEventIds,
  checkMaxActive,
  checkPercentiles,
  checkRange,
  checkRetention,
  checkSmsUpdate,
} from './validate.js';

const DAY_MS = 86_400_000;
/** Rows per maintenance transaction: ~10–20 ms each on a 1M-call store, so the loop keeps turning. */
const BATCH = 2000;
/** The most records `recentCalls` returns. */
const RECENT_MAX = 10_000;
/** Rows per page of `iterateCalls` / `iterateSms` unless the caller says. */
const PAGE = 1000;

/** A bound on an integer column, as the queries compare it: `at < 1.5` is `at < 2`. */
const bound = (t: number) => Math.ceil(t);

/** What the front needs from a backend's options. */
export interface FrontOptions {
  privacy: PrivacyConfig;
  /** Answered calls in a range up to which percentiles are exact (default 10,000). */
  exactPercentilesUpTo?: number;
}

/** The privacy config checked, and the number protector built from it, for a driver's writes. */
export function frontPrivacy(opts: FrontOptions): { privacy: PrivacyConfig; protect: Protect } {
  const privacy = checkPrivacyConfig(opts?.privacy);
  return { privacy, protect: numberProtector(privacy) };
}

/**
 * A {@link CallStore} over a {@link StoreDriver}. The backends' public classes extend it.
 *
 * @example
 * ```ts
 * const { privacy, protect } = frontPrivacy(opts);
 * const store = new StoreFront(new MyDriver(opts, protect), privacy, opts.exactPercentilesUpTo);
 * ```
 */
export class StoreFront<D extends StoreDriver = StoreDriver> implements CallStore {
  /** Call and message ids and submission references as stored: keyed hashes unless revealed (privacy.ts). */
  private readonly callIds: (id: string) => string;
  private readonly messageIds: (id: string) => string;
  private readonly references: (reference: string) => string;
  /** Event ids as the dedupe table keeps them: keyed hashes, always (event-ids.ts). */
  private readonly eventKey: (id: string) => string;
  private readonly exactPercentilesUpTo: number;
  /** The background build of missing rollups while it runs (rollup/build.ts). */
  private building: BackgroundBuild | undefined;
  /** Why the build's last slice failed, if it did (readiness shows it). */
  private buildFailed: string | undefined;
  private closing = false;

  constructor(
    protected readonly driver: D,
    private readonly privacy: PrivacyConfig,
    exactPercentilesUpTo = EXACT_PERCENTILES_UP_TO,
  ) {
    this.callIds = recordIds(privacy, 'cid');
    this.messageIds = recordIds(privacy, 'mid');
    this.references = recordIds(privacy, 'ref');
    this.eventKey = eventKeyOf(privacy);
    this.exactPercentilesUpTo = exactPercentilesUpTo;
  }

  private reveal(opts: ReadOptions | undefined): boolean {
    return mayReveal(this.privacy, opts?.reveal);
  }

  /**
   * `ids` while raw ids of an older store are hashed in the background (sqlite/id-rewrite.ts,
   * postgres/id-rewrite.ts):
   * reads show every id as it will be stored, so they answer the same during the rewrite as
   * after it. Undefined otherwise (the ids are read as stored).
   */
  private shownIds(ids: (id: string) => string): ((id: string) => string) | undefined {
    return this.driver.rollupBuild?.ids?.() === undefined ? undefined : ids;
  }

  async apply(update: CallUpdate): Promise<void> {
    checkCallUpdate(update);
    await this.driver.writeCalls('apply', withStoredCallIds([update], this.callIds));
  }

  async applyBatch(batch: readonly CallUpdate[], eventIds?: EventIds): Promise<number> {
    // Validate everything first: a bad update rejects the whole batch before anything is written.
    for (let i = 0; i < batch.length; i++) checkCallUpdate(batch[i]!, i);
    const keys = this.keysOf(eventIds);
    if (batch.length === 0 && keys === undefined) return 0;
    await this.driver.writeCalls('applyBatch', withStoredCallIds(batch, this.callIds), keys);
    return batch.length;
  }

  async applySms(update: SmsUpdate): Promise<void> {
    checkSmsUpdate(update);
    await this.driver.writeSms('applySms', withStoredSmsIds([update], this.messageIds, this.references));
  }

  async applySmsBatch(batch: readonly SmsUpdate[], eventIds?: EventIds): Promise<number> {
    for (let i = 0; i < batch.length; i++) checkSmsUpdate(batch[i]!, i);
    const keys = this.keysOf(eventIds);
    if (batch.length === 0 && keys === undefined) return 0;
    const updates = withStoredSmsIds(batch, this.messageIds, this.references);
    await this.driver.writeSms('applySmsBatch', updates, keys);
    return batch.length;
  }

  /** The keys of `eventIds` as a driver writes them; undefined when there are none. */
  private keysOf(eventIds: EventIds | undefined): EventKeys | undefined {
    if (eventIds === undefined || eventIds.ids.length === 0) return undefined;
    checkEventIds(eventIds);
    return eventKeys(this.eventKey, eventIds);
  }

  async storedEventIds(since: number): Promise<StoredEventIds> {
    const at = new Map<string, number>();
    for (const r of await this.driver.eventKeysSince(Math.trunc(since))) {
      if (r.at > (at.get(r.key) ?? -1)) at.set(r.key, r.at);
    }
    return new StoredEventIds(this.eventKey, at);
  }

  /** A call by the id it was sent with, or by the hashed id reads show (`cid:…`). */
  async getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined> {
    const shown = this.shownIds(this.callIds);
    let row = await this.driver.callById(this.callIds(callId));
    // A row the background rewrite has not reached still has the id as sent.
    if (row === undefined && shown !== undefined) row = await this.driver.callById(callId);
    if (row === undefined) return undefined;
    const reveal = this.reveal(opts);
    const call = toCallRecord(row, reveal, shown);
    const id = call.endToEndId;
    if (id === undefined) return call;
    // Its other legs, if any: the end-to-end call is decided once, on read, from what they hold.
    const legs = await this.driver.callLegs(id, END_TO_END_LEGS_MAX);
    if (legs.length > 1)
      call.endToEnd = endToEndCall(
        id,
        legs.map((r) => toCallRecord(r, reveal, shown)),
      );
    return call;
  }

  async endToEndCall(endToEndId: string, opts?: ReadOptions): Promise<EndToEndCall | undefined> {
    const legs = await this.driver.callLegs(endToEndId, END_TO_END_LEGS_MAX);
    if (legs.length < 2) return undefined;
    const reveal = this.reveal(opts);
    const shown = this.shownIds(this.callIds);
    return endToEndCall(
      endToEndId,
      legs.map((r) => toCallRecord(r, reveal, shown)),
    );
  }

  async endToEndStats(q: Pick<CallQuery, 'from' | 'to'>): Promise<EndToEndStats> {
    checkRange(q);
    const from = bound(q.from);
    const to = bound(q.to);
    const rows = await this.driver.endToEndLegs(
      from - END_TO_END_EDGE_MS,
      to + END_TO_END_EDGE_MS,
      END_TO_END_READ_MAX,
    );
    const shown = this.shownIds(this.callIds);
    if (shown !== undefined) for (const r of rows) r[0] = shown(r[0]);
    return foldEndToEnd(rows, from, to, rows.length >= END_TO_END_READ_MAX);
  }

  async recentCalls(
    q: { statuses: readonly CallStatus[]; limit: number; before?: number },
    opts?: ReadOptions,
  ): Promise<CallRecord[]> {
    const limit = Math.max(0, Math.min(RECENT_MAX, Math.trunc(q.limit) || 0));
    const before = q.before === undefined ? Number.MAX_SAFE_INTEGER : bound(q.before);
    const reveal = this.reveal(opts);
    // One indexed (status, first_at) scan per status, merged here: fast however rare a status is.
    const rows: CallTuple[] = [];
    for (const st of new Set(q.statuses)) rows.push(...(await this.driver.recentCalls(st, before, limit)));
    rows.sort((a, b) => b[2] - a[2] || b[0] - a[0]); // newest first_at, then id
    const shown = this.shownIds(this.callIds);
    return rows.slice(0, limit).map((r) => toCallRecord(r, reveal, shown));
  }

  async *iterateCalls(q: CallQuery & { chunkSize?: number }, opts?: ReadOptions): AsyncIterable<CallRecord> {
    checkRange(q);
    const reveal = this.reveal(opts);
    const shown = this.shownIds(this.callIds);
    yield* pages(await this.driver.callPager(q), bound(q.from), q.chunkSize, (r) =>
      toCallRecord(r, reveal, shown),
    );
  }

  async stats(q: CallQuery): Promise<CallStats> {
    checkRange(q);
    return foldCallStats(await this.driver.stats(q));
  }

  async overview(q: CallQuery, bucket: Bucket): Promise<CallOverview> {
    checkRange(q);
    bucketSize(bucket);
    const { stats, breakdown, series } = await this.driver.overview(q, bucket);
    return foldOverview(stats, breakdown, series);
  }

  async durationPercentiles(q: CallQuery, ps: readonly number[]): Promise<(number | null)[]> {
    checkRange(q);
    if (ps.length === 0) return [];
    checkPercentiles(ps);
    const { plan, reads } = await this.driver.percentiles(q, ps);
    return durationPercentiles(plan, ps, this.exactPercentilesUpTo, reads);
  }

  async series(q: CallQuery, bucket: Bucket): Promise<SeriesRow[]> {
    checkRange(q);
    bucketSize(bucket);
    return foldSeries(await this.driver.series(q, bucket));
  }

  async lastActivityAt(): Promise<number | null> {
    const { c, s } = await this.driver.lastActivity();
    return c === null && s === null ? null : Math.max(c ?? 0, s ?? 0);
  }

  async countActiveSince(olderThan: number): Promise<number> {
    return this.driver.countActiveSince(Math.trunc(olderThan));
  }

  /** A message by the id it was sent with, or by the hashed id reads show (`mid:…`). */
  async getSms(messageId: string, opts?: ReadOptions): Promise<SmsRecord | undefined> {
    const shown = this.shownIds(this.messageIds);
    let row = await this.driver.smsById(this.messageIds(messageId));
    if (row === undefined && shown !== undefined) row = await this.driver.smsById(messageId);
    return row && toSmsRecord(row, this.reveal(opts), shown);
  }

  async *iterateSms(
    q: { from: number; to: number; chunkSize?: number },
    opts?: ReadOptions,
  ): AsyncIterable<SmsRecord> {
    checkRange(q);
    const reveal = this.reveal(opts);
    const shown = this.shownIds(this.messageIds);
    yield* pages(await this.driver.smsPager(bound(q.to)), bound(q.from), q.chunkSize, (r) =>
      toSmsRecord(r, reveal, shown),
    );
  }

  async smsStats(q: { from: number; to: number; now?: number }): Promise<SmsStats> {
    checkRange(q);
    const since = (q.now ?? Date.now()) - REPORT_WAIT_MS;
    return toSmsStats(await this.driver.smsStats(bound(q.from), bound(q.to), bound(since)));
  }

  async appendModemSamples(samples: readonly ModemSample[]): Promise<number> {
    for (const x of samples) checkModemSample(x);
    if (samples.length === 0) return 0;
    return this.driver.appendModemSamples(samples);
  }

  /** Every instance's modems unless `q.instance` names one (a fleet shares a PostgreSQL store). */
  async modemHistory(q: ModemHistoryQuery): Promise<ModemSample[]> {
    checkRange(q);
    const rows = await this.driver.modemHistory({
      from: bound(q.from),
      to: bound(q.to),
      modem: q.modem ?? null,
      limit: historyLimit(q),
      instance: q.instance ?? null,
    });
    return rows.map(toModemSample);
  }

  async closeZombies(maxActiveSeconds: number, now: number = Date.now()): Promise<number> {
    checkMaxActive(maxActiveSeconds);
    const at = Math.trunc(now);
    const cutoff = Math.trunc(now - maxActiveSeconds * 1000);
    return drain(BATCH, () => this.driver.closeZombies(at, cutoff, BATCH));
  }

  async deleteOlderThan(
    days: number,
    opts: { batchSize?: number; now?: number } = {},
  ): Promise<DeleteResult> {
    const batch = opts.batchSize ?? BATCH;
    checkRetention(days, batch);
    const cutoff = Math.trunc((opts.now ?? Date.now()) - days * DAY_MS);
    // Whole expired partitions first where the backend has them; then small transactions with a
    // turn of the event loop between them, so ingest and reads keep flowing.
    let { calls, sms } = await this.driver.dropExpired(cutoff);
    calls += await drain(batch, () => this.driver.deleteBatch('calls', cutoff, batch));
    sms += await drain(batch, () => this.driver.deleteBatch('sms', cutoff, batch));
    await this.driver.prune(cutoff);
    return { calls, sms };
  }

  /**
   * How far the background build of missing rollups is (rollup/build.ts): undefined when every
   * rollup is built. Reads meanwhile take what is missing from the records, with the same numbers.
   *
   * @example
   * const p = store.rollupBuild(); // { built: 1200, total: 5000 } while building
   */
  rollupBuild(): RollupBuildProgress | undefined {
    const p = this.driver.rollupBuild?.progress();
    return p === undefined || this.buildFailed === undefined ? p : { ...p, failed: this.buildFailed };
  }

  /**
   * How far the background hashing of raw ids an older store kept is (sqlite/id-rewrite.ts):
   * undefined when none are left. Reads meanwhile show every id hashed.
   *
   * @example
   * const p = store.idRewrite(); // { done: 250000, total: 1000000 } while hashing
   */
  idRewrite(): IdRewriteProgress | undefined {
    const p = this.driver.rollupBuild?.ids?.();
    return p === undefined || this.buildFailed === undefined ? p : { ...p, failed: this.buildFailed };
  }

  /**
   * Build one slice of the missing rollups now (then of the raw ids left, sqlite/id-rewrite.ts);
   * true while more is left. The store builds them in the background on its own (unless opened
   * with `buildRollupsInBackground: false`).
   *
   * @example
   * while (await store.buildRollups()) {} // every rollup built
   */
  async buildRollups(): Promise<boolean> {
    return (await this.driver.rollupBuild?.slice()) ?? false;
  }

  /**
   * Start (or resume) building the missing rollups in the background, when there are any and the
   * store was not opened with `buildRollupsInBackground: false`. The backends call it once they
   * know the build's state (at open).
   */
  protected resumeRollupBuild(background = true): void {
    const b = this.driver.rollupBuild;
    if (!background || b === undefined || this.building !== undefined || this.closing) return;
    if (b.progress() === undefined && b.ids?.() === undefined) return;
    const build = runInBackground(b, (e) => {
      this.buildFailed = e === undefined ? undefined : faultCause(e);
    });
    this.building = build;
    void build.done.finally(() => {
      if (this.building === build) this.building = undefined;
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    this.building?.stop();
    await this.building?.done; // a slice in flight ends before the connections do
    return this.driver.close();
  }
}

/**
 * Keyset pages (rows ordered by first_at, id; tuple slots 2 and 0) instead of one long-lived
 * cursor: a cursor would hold a connection and a snapshot for a whole export and block ingest;
 * pages let writes interleave, with a turn of the event loop between them.
 */
async function* pages<R extends [number, string, number, ...unknown[]], T>(
  page: Pager<R>,
  from: number,
  chunkSize: number | undefined,
  map: (row: R) => T,
): AsyncIterable<T> {
  const limit = Math.max(1, Math.trunc(chunkSize ?? PAGE) || PAGE);
  let afterAt = from;
  let afterId = -1;
  for (;;) {
    const rows = await page(afterAt, afterId, limit);
    for (const r of rows) yield map(r);
    const last = rows[rows.length - 1];
    if (!last || rows.length < limit) return;
    afterAt = last[2];
    afterId = last[0];
    await yieldToLoop();
  }
}
