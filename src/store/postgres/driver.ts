/**
 * The PostgreSQL driver under the store front (front.ts): reads (rollup reads in one snapshot
 * with the filed-day bounds they plan with), keyset pages, retention by partition then batch, and
 * the modem history. Writes are in postgres/write.ts, connections in postgres/connection.ts.
 */
import type pg from 'pg';
import type { CallStatus } from '../../domain/records.js';
import type { EventKeys } from '../event-ids.js';
import {
  type ModemSample,
  PG_DELETE_SAMPLES,
  PG_INSERT_SAMPLES,
  PG_MODEM_HISTORY,
} from '../modem-samples.js';
import type { PrivacyConfig } from '../privacy.js';
import type { CallTuple } from '../records/call-rows.js';
import type { LegTuple } from '../records/end-to-end.js';
import { type OverviewGroup, SERIES_SUMS, type SeriesGroup, type StatsGroup } from '../records/fold.js';
import type { SmsTuple } from '../records/sms-rows.js';
import type { Protect } from '../records/writes.js';
import type { RollupBuilder } from '../rollup/build.js';
import { SUM_NAMES } from '../rollup/groups.js';
import { type Bound, planRange, type RangePlan } from '../rollup/plan.js';
import { OVERVIEW_COLUMNS } from '../rollup/sql.js';
import type { Pager, StoreDriver } from '../store-driver.js';
import type { Bucket, CallQuery, CallUpdate, DeleteResult, SmsUpdate } from '../types.js';
import type { Db, PgConnection } from './connection.js';
import { KnownDays, type PgRunner } from './days.js';
import { PgIdRewrite } from './id-rewrite.js';
import { META_GET } from './meta.js';
import { keyFiling, NESTED_LOOPS, parseUnkeyed, RETENTION_LOCK, UNKEYED_KEY } from './partitions.js';
import { readStatement } from './pool.js';
import { dropExpired } from './retention.js';
import { PgRollupBuild } from './rollup-build.js';
import * as SQL from './statements.js';
import { eventKeysSince, type WriteContext, writeCalls, writeSmsBatch } from './write.js';

/** [column, position] in an `overview` row of the columns each kind of row carries. */
const at = (cs: readonly string[]): Array<[string, number]> =>
  cs.map((c) => [c, OVERVIEW_COLUMNS.indexOf(c)]);
const STATS_AT = at(['status', 'kpi', ...SUM_NAMES, 'dur_min', 'dur_max']);
const BREAKDOWN_AT = at(['direction', 'channel', 'trunk', 'failure', 'n']);
const SERIES_AT = at(['start', ...SERIES_SUMS.map((s) => s.column)]);

/** A range plan with the filed-day bounds of the PostgreSQL reads (postgres/statements.ts `READS`). */
type FiledPlan = RangePlan & { lag: number; active_from: number };

/** $1..$6 of a call range (see postgres/statements.ts). */
const range = (q: CallQuery): unknown[] => [
  Math.ceil(q.from),
  Math.ceil(q.to),
  q.direction ?? null,
  q.trunk ?? null,
  q.channel ?? null,
  q.instance ?? null,
];

/** The PostgreSQL side of a {@link StoreDriver}; `PostgresCallStore` (postgres/store.ts) is its front. */
export class PostgresDriver implements StoreDriver {
  /** The largest filing lag read from `call_days` so far: what the bounds read plans with. */
  private lag = 0;
  private readonly w: WriteContext;

  /**
   * The background work left at open: rollups to build (postgres/rollup-build.ts), then raw ids to
   * hash (postgres/id-rewrite.ts).
   */
  readonly rollupBuild: RollupBuilder;
  /** Told once the build's state is read after each migration (the store starts the build). */
  onBuildLoaded: () => void = () => {};

  constructor(
    readonly conn: PgConnection,
    privacy: PrivacyConfig,
    protect: Protect,
    sliceRecords?: number,
  ) {
    const build = new PgRollupBuild(conn, sliceRecords);
    const ids = new PgIdRewrite(conn, privacy);
    this.rollupBuild = {
      progress: () => build.progress(),
      ids: () => ids.progress(),
      builtFrom: () => build.builtFrom(),
      // The rollups first, as in SQLite (sqlite/driver.ts): reads without them take the records.
      slice: async () => (build.progress() !== undefined && (await build.slice())) || ids.slice(),
      pauseMs: () => (build.progress() === undefined ? ids.pauseMs() : build.pauseMs()),
    };
    // Read before the store serves a read: the reads plan with the frontier (rollup/plan.ts) and
    // show ids as they will be stored while a rewrite is left.
    conn.afterMigrate = async (q) => {
      await build.load(q);
      await ids.load(q);
      this.w.filing = keyFiling(parseUnkeyed((await q(META_GET, [UNKEYED_KEY])).rows[0]?.value));
      this.onBuildLoaded();
    };
    const days = new KnownDays(); // the days whose partitions exist, as far as this store knows
    // The partition code's access to the database, with this store's errors and retries.
    const runner: PgRunner = {
      query: (text, values) => conn.query('partitions', text, values),
      transaction: (fn) => conn.transaction('deleteOlderThan', fn),
    };
    this.w = { conn, days, runner, protect, filing: keyFiling({}) };
  }

  writeCalls(what: string, updates: readonly CallUpdate[], keys?: EventKeys): Promise<void> {
    // A single update is a batch of one: filing the call takes its key row and maybe a partition.
    return writeCalls(this.w, what, updates, keys);
  }

  writeSms(what: string, updates: readonly SmsUpdate[], keys?: EventKeys): Promise<void> {
    return writeSmsBatch(this.w, what, updates, keys);
  }

  eventKeysSince(since: number): Promise<Array<{ key: string; at: number }>> {
    return eventKeysSince(this.w, since);
  }

  async callById(id: string): Promise<CallTuple | undefined> {
    return (
      await this.conn.tuples<CallTuple>('getCall', SQL.CALL_BY_ID, [id, this.w.filing.unkeyed.calls ?? null])
    )[0];
  }

  callLegs(endToEndId: string, limit: number): Promise<CallTuple[]> {
    return this.conn.tuples<CallTuple>('getCall', SQL.CALL_LEGS, [endToEndId, limit]);
  }

  async endToEndLegs(from: number, to: number, limit: number): Promise<LegTuple[]> {
    const days = (await this.conn.query<{ days: unknown[] }>('stats', SQL.LEG_DAYS, [from, to])).rows[0]
      ?.days;
    if (days === undefined || days.length === 0) return [];
    return this.conn.tuples<LegTuple>('stats', SQL.END_TO_END_LEGS, [from, to, limit, days]);
  }

  async recentCalls(status: CallStatus, before: number, limit: number): Promise<CallTuple[]> {
    const b = await this.activeBounds('recentCalls');
    if (status === 'active' && b.active_from >= SQL.NO_ACTIVE_DAY) return [];
    const from = status === 'active' ? b.active_from : -SQL.NO_ACTIVE_DAY;
    return this.conn.tuples<CallTuple>('recentCalls', SQL.CALLS_RECENT_BY_STATUS, [
      status,
      before,
      limit,
      from,
      b.lag,
    ]);
  }

  async callPager(q: CallQuery): Promise<Pager<CallTuple>> {
    const params = range(q);
    const lag = await this.callLag('iterateCalls');
    return (afterAt, afterId, limit) => {
      params[0] = afterAt;
      return this.conn.tuples<CallTuple>('iterateCalls', SQL.CALL_PAGE, [...params, afterId, limit, lag]);
    };
  }

  async smsPager(to: number): Promise<Pager<SmsTuple>> {
    const lag = await this.smsLag('iterateSms');
    return (afterAt, afterId, limit) =>
      this.conn.tuples<SmsTuple>('iterateSms', SQL.SMS_PAGE, [afterAt, to, afterId, limit, lag]);
  }

  /** A rollup read with its named parameters bound in order. */
  private async rollupRead<R extends pg.QueryResultRow>(
    what: keyof typeof SQL.ROLLUP_READS,
    params: RangePlan & { lag?: number; active_from?: number },
    rowMode?: 'array',
    db: Db = this.conn.pool,
  ): Promise<R[]> {
    const { text, names } = SQL.ROLLUP_READS[what];
    const values = names.map((n) => (params as unknown as Record<string, unknown>)[n] ?? null);
    await this.conn.usable(what);
    try {
      // Named: each connection parses these long statements once (when it opens: postgres/pool.ts).
      const name = readStatement(what);
      const q = rowMode ? db.query({ name, text, values, rowMode }) : db.query<R>({ name, text, values });
      return (await q).rows as R[];
    } catch (e) {
      throw this.conn.wrap(e, what);
    }
  }

  /** Which slots of `q` come from rollups (see rollup/plan.ts). */
  private async plan(q: CallQuery, db: Db = this.conn.pool): Promise<FiledPlan> {
    const builtFrom = this.rollupBuild.builtFrom();
    const plan = planRange(q, q.exact, false, builtFrom);
    // With the filed-day bounds the reads' record parts need (postgres/statements.ts `READS`), read with
    // the largest lag seen so far; a larger one since means reading again with it (see RANGE_BOUNDS).
    type Bounds = { later: boolean; lag: number; active_from: number };
    const bounds = async (lag: number) =>
      (await this.rollupRead<Bounds>('after', { ...plan, lag }, undefined, db))[0];
    const seen = this.lag;
    let row = await bounds(seen);
    if (row !== undefined && row.lag > seen) row = await bounds(row.lag);
    this.lag = row?.lag ?? 0;
    const filed = { lag: row?.lag ?? 0, active_from: row?.active_from ?? SQL.NO_ACTIVE_DAY };
    return { ...(q.exact || row?.later ? plan : planRange(q, false, true, builtFrom)), ...filed };
  }

  stats(q: CallQuery): Promise<StatsGroup[]> {
    return this.conn.snapshot('stats', async (db) =>
      this.rollupRead<StatsGroup>('stats', await this.plan(q, db), undefined, db),
    );
  }

  async overview(q: CallQuery, bucket: Bucket) {
    // One statement for the three reads (see rollup/sql.ts `overview`), its rows split by kind.
    // Read as arrays: an object of all 22 columns per row, mostly NULL, cost about 4 ms more than
    // the arrays (7 days by hour: 2,400 series rows).
    const rows = await this.conn.snapshot('overview', async (db) =>
      this.rollupRead<unknown[]>(
        bucket === 'day' ? 'overviewDay' : 'overviewHour',
        await this.plan(q, db),
        'array',
        db,
      ),
    );
    const stats: StatsGroup[] = [];
    const breakdown: OverviewGroup[] = [];
    const series: SeriesGroup[] = [];
    for (const r of rows) {
      const kind = r[0];
      const row = {} as Record<string, unknown>;
      for (const c of kind === 0 ? STATS_AT : kind === 1 ? BREAKDOWN_AT : SERIES_AT) row[c[0]] = r[c[1]];
      (kind === 0 ? stats : kind === 1 ? breakdown : series).push(row as never);
    }
    // Rows of one bucket only add integers, so their order within it does not matter.
    series.sort((a, b) => a.start - b.start);
    return { stats, breakdown, series };
  }

  series(q: CallQuery, bucket: Bucket): Promise<SeriesGroup[]> {
    const read = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.conn.snapshot('series', async (db) =>
      this.rollupRead<SeriesGroup>(read, await this.plan(q, db), undefined, db),
    );
  }

  async percentiles(q: CallQuery, ps: readonly number[]) {
    const plan = await this.plan(q);
    const reads = {
      histogram: (plan: RangePlan) => this.rollupRead<{ b: number; n: number }>('histogram', plan),
      bounds: (plan: RangePlan) => this.rollupRead<Bound>('bounds', plan),
      exact: async () => {
        const r = await this.conn.query<Record<string, number | null>>(
          'durationPercentiles',
          SQL.durationPercentilesSql(ps.length),
          [...range(q), ...ps, plan.lag],
        );
        const row = r.rows[0] ?? {};
        return ps.map((_, i) => row[`p${i}`] ?? null);
      },
    };
    return { plan, reads };
  }

  async lastActivity(): Promise<{ c: number | null; s: number | null }> {
    // Bounded first (SQL.NEWEST_DAYS): unbounded, each health check planned every day's partition
    // of both tables, 24 ms a read at 91 days of calls and SMS (14-23 ms of it planning) against
    // 1.2 ms for the two statements (PostgreSQL 15, a call and an SMS a day, 2026-11-29).
    const days = (
      await this.conn.query<{ calls_from: number | null; sms_from: number | null }>(
        'lastActivityAt',
        SQL.NEWEST_DAYS,
        [],
      )
    ).rows[0];
    const r = await this.conn.query<{ c: number | null; s: number | null }>(
      'lastActivityAt',
      SQL.LAST_ACTIVITY,
      [days?.calls_from ?? null, days?.sms_from ?? null],
    );
    return r.rows[0] ?? { c: null, s: null };
  }

  async countActiveSince(before: number): Promise<number> {
    const b = await this.activeBounds('countActiveSince');
    if (b.active_from >= SQL.NO_ACTIVE_DAY) return 0;
    const r = await this.conn.query<{ n: number }>('countActiveSince', SQL.COUNT_ACTIVE_SINCE, [
      before,
      b.active_from,
      b.lag,
    ]);
    return r.rows[0]?.n ?? 0;
  }

  async smsById(id: string): Promise<SmsTuple | undefined> {
    return (
      await this.conn.tuples<SmsTuple>('getSms', SQL.SMS_BY_ID, [id, this.w.filing.unkeyed.sms ?? null])
    )[0];
  }

  async smsStats(from: number, to: number, since: number): Promise<Record<string, number | null>> {
    const lag = await this.smsLag('smsStats');
    return (await this.conn.query('smsStats', SQL.SMS_STATS, [from, to, lag, since])).rows[0] ?? {};
  }

  /** The first filed day holding a call in progress, and the calls' lag (SQL.ACTIVE_BOUNDS). */
  private async activeBounds(what: string): Promise<{ active_from: number; lag: number }> {
    const r = await this.conn.query<{ active_from: number; lag: number }>(what, SQL.ACTIVE_BOUNDS, []);
    return r.rows[0] ?? { active_from: SQL.NO_ACTIVE_DAY, lag: 0 };
  }

  /** How far past a range's last day its calls can be filed (SQL.CALL_LAG), bound before planning. */
  private async callLag(what: string): Promise<number> {
    return (await this.conn.query<{ lag: number }>(what, SQL.CALL_LAG, [])).rows[0]?.lag ?? 0;
  }

  /** How far past a range's last day its SMS can be filed (SQL.SMS_LAG), bound before planning. */
  private async smsLag(what: string): Promise<number> {
    return (await this.conn.query<{ lag: number }>(what, SQL.SMS_LAG, [])).rows[0]?.lag ?? 0;
  }

  async closeZombies(now: number, cutoff: number, limit: number): Promise<number> {
    let n = 0;
    await this.conn.transaction('closeZombies', async (c) => {
      await c.query(NESTED_LOOPS);
      n = (await c.query(SQL.CLOSE_ZOMBIES, [now, cutoff, limit])).rowCount ?? 0;
    });
    return n;
  }

  /** Whole expired days, as partitions dropped (no row-by-row delete, no dead rows to vacuum). */
  async dropExpired(cutoff: number): Promise<DeleteResult> {
    const calls = await dropExpired(this.w.runner, this.w.days, 'calls', cutoff);
    const sms = await dropExpired(this.w.runner, this.w.days, 'sms', cutoff);
    return { calls, sms };
  }

  /** The rows of newer days filed before the cutoff, under the retention lock. */
  async deleteBatch(table: 'calls' | 'sms', cutoff: number, batch: number): Promise<number> {
    const sql = table === 'calls' ? SQL.DELETE_CALLS_BATCH : SQL.DELETE_SMS_BATCH;
    let n = 0;
    await this.conn.transaction('deleteOlderThan', async (c) => {
      await c.query(RETENTION_LOCK);
      await c.query(NESTED_LOOPS);
      n = Number((await c.query<{ n: string }>(sql, [cutoff, batch])).rows[0]?.n ?? 0);
    });
    return n;
  }

  async prune(cutoff: number): Promise<void> {
    await this.conn.transaction('deleteOlderThan', async (c) => {
      for (const text of SQL.ROLLUP_PRUNE) await c.query(text, [cutoff]);
    });
    // The modem's history goes with the calls (a minute's samples per modem: one statement).
    await this.conn.query('deleteOlderThan', PG_DELETE_SAMPLES, [cutoff]);
  }

  async appendModemSamples(samples: readonly ModemSample[]): Promise<number> {
    const col = <K extends keyof ModemSample>(k: K) => samples.map((x) => x[k]);
    const r = await this.conn.query('appendModemSamples', PG_INSERT_SAMPLES, [
      col('modem'),
      col('at'),
      col('connected'),
      col('registered'),
      col('signalDbm'),
      col('rsrpDbm'),
      col('reconnects'),
      col('flapping'),
    ]);
    return r.rowCount ?? 0;
  }

  async modemHistory(q: {
    from: number;
    to: number;
    modem: string | null;
    limit: number;
    instance: string | null;
  }) {
    const { from, to, modem, limit, instance } = q;
    const r = await this.conn.query<Record<string, unknown>>('modemHistory', PG_MODEM_HISTORY, [
      from,
      to,
      modem,
      limit,
      instance,
    ]);
    return r.rows;
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}
