/**
 * The embedded call store: one SQLite file (better-sqlite3) in WAL mode. Work is synchronous
 * inside async methods; statements are prepared once at open. `synchronous = NORMAL` means a
 * commit is in the WAL (the OS's page cache) before the promise resolves: a process crash loses
 * nothing acknowledged, a power loss can lose the last transactions.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { CallStatus } from '../domain/records.js';
import { StoreError } from '../errors.js';
import { drain } from './drain.js';
import {
  foldCallStats,
  foldOverview,
  foldSeries,
  type OverviewGroup,
  type SeriesGroup,
  type StatsGroup,
} from './fold.js';
import {
  checkModemSample,
  historyLimit,
  type ModemHistoryQuery,
  type ModemSample,
  SQLITE_DELETE_SAMPLES,
  SQLITE_INSERT_SAMPLE,
  SQLITE_MODEM_HISTORY,
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
import {
  type Bound,
  durationPercentiles,
  EXACT_PERCENTILES_UP_TO,
  planRange,
  type RangePlan,
} from './rollup.js';
import { ROLLUP_PRUNE } from './rollup-sql.js';
import { Checkpointer, checkpointsOnThread, IdleCheckpointer } from './sqlite-checkpoint.js';
import {
  openDatabase,
  openReader,
  type Reader,
  type SqliteCallStoreOptions,
  type Statements,
  wrap,
} from './sqlite-open.js';
import type { SqliteRollups } from './sqlite-rollups.js';
import { type CallTuple, type SmsTuple, toCallRecord, toSmsRecord, toSmsStats } from './sqlite-rows.js';
import * as SQL from './sqlite-sql.js';
import { bucketSize, rangeParams } from './sqlite-sql.js';
import { writeCalls, writeSms } from './sqlite-write.js';
import { WriterThread } from './sqlite-writer.js';
import type {
  Bucket,
  CallOverview,
  CallQuery,
  CallRecord,
  CallStats,
  CallStore,
  CallUpdate,
  DeleteResult,
  ReadOptions,
  SeriesRow,
  SmsRecord,
  SmsStats,
  SmsUpdate,
} from './types.js';
import {
  checkCallUpdate,
  checkMaxActive,
  checkPercentiles,
  checkRange,
  checkRetention,
  checkSmsUpdate,
} from './validate.js';

export type { SqliteCallStoreOptions } from './sqlite-open.js';

const DAY_MS = 86_400_000;
/** Longest a single write call may block the event loop waiting for another process's lock. */
const BUSY_SLICE_MS = 5;

/** What a read in a snapshot with marked slots returns instead of its result. */
const NOT_FRESH = Symbol('not fresh');
/** How long a rollup read waits for other writers to flush marked slots, else reads the records. */
const READ_FLUSH_WAIT_MS = 1000;

/** Rows per maintenance transaction: ~10–20 ms each on a 1M-call store, so the loop keeps turning. */
const BATCH = 2000;

/**
 * SQLite implementation of {@link CallStore}.
 *
 * @example
 * ```ts
 * const store = await openSqliteCallStore({ path: 'data/calls.db', privacy: { hashKey: secret, storeRaw: false } });
 * await store.applyBatch(updates); // one transaction
 * for await (const call of store.iterateCalls({ from, to })) console.log(call.callId, call.fromMasked);
 * await store.close();
 * ```
 */
export class SqliteCallStore implements CallStore {
  readonly path: string;
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly privacy: PrivacyConfig;
  /** Call and message ids and submission references as the file keeps them: keyed hashes unless revealed (privacy.ts). */
  private readonly callIds: (id: string) => string;
  private readonly messageIds: (id: string) => string;
  private readonly references: (reference: string) => string;
  private readonly s: Statements;
  private readonly percentileStmts = new Map<number, Database.Statement>();
  /** A write to calls in a transaction; a rollup flush after it when one is due. */
  private readonly onCalls: <T>(fn: () => T) => T;
  private readonly rollups: SqliteRollups;
  private readonly inSnapshot: <T>(fn: () => T) => T;
  private readonly writeCalls: (us: readonly CallUpdate[]) => void;
  private readonly writeSmses: (us: readonly SmsUpdate[]) => void;
  private readonly writeOneCall: (u: CallUpdate) => void;
  private readonly writeOneSms: (u: SmsUpdate) => void;
  private closed = false;
  private reader: Reader | undefined;
  /** Batch writes on their own thread (`writerThread`), from the first batch on, while it runs. */
  private writer: WriterThread | undefined;
  /** Options the writer thread opens its connection with, until it is started. */
  private writerOptions: (SqliteCallStoreOptions & { path: string }) | undefined;
  /** WAL checkpoints on their own thread (`checkpointThread`), from the first write on. */
  private readonly checkpoints: Checkpointer | undefined;
  /** Without that thread: WAL checkpoints on the main connection once writes pause. */
  private readonly idleCheckpoints: IdleCheckpointer | undefined;
  private readonly busyTimeoutMs: number | undefined;
  private readonly exactPercentilesUpTo: number;
  /** When the oldest write still waiting for another process's lock started to wait. */
  private readonly waiting = new Set<number>();
  /** The modem history's statements, prepared on first use. */
  private modemSql:
    | {
        insert: (ss: readonly ModemSample[]) => number;
        history: Database.Statement;
        prune: Database.Statement;
      }
    | undefined;

  constructor(opts: SqliteCallStoreOptions) {
    this.privacy = checkPrivacyConfig(opts?.privacy);
    const protect = numberProtector(this.privacy);
    this.callIds = recordIds(this.privacy, 'cid');
    this.messageIds = recordIds(this.privacy, 'mid');
    this.references = recordIds(this.privacy, 'ref');
    const { db, path, schemaVersion, statements: s, rollups } = openDatabase(opts);
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.s = s;
    this.rollups = rollups;
    // A read transaction: every statement in it sees one snapshot of the file.
    const snapshot = db.transaction((fn: () => unknown) => fn());
    this.inSnapshot = (fn) => snapshot.deferred(fn) as ReturnType<typeof fn>;
    this.onCalls = (fn) => {
      // IMMEDIATE: the write reads before it writes (the filing times it marks), and a deferred
      // transaction that read first is refused the lock at once instead of waiting for it.
      const r = db.transaction(fn).immediate();
      rollups.maybeFlush();
      return r;
    };
    this.writeCalls = (us) => this.onCalls(() => writeCalls(s, protect, rollups, us));
    this.writeSmses = db.transaction((us: readonly SmsUpdate[]) => {
      for (const u of us) writeSms(s, protect, u);
    });
    this.writeOneCall = (u) => this.writeCalls([u]);
    this.writeOneSms = (u) => writeSms(s, protect, u);
    this.busyTimeoutMs = opts.busyTimeoutMs;
    this.exactPercentilesUpTo = opts.exactPercentilesUpTo ?? EXACT_PERCENTILES_UP_TO;
    // Threads start with the first write, so a store that only reads (an export) or has not been
    // written to yet (a sidecar at start-up: each thread loads its own copy of the store's modules,
    // issue 39) runs none.
    if (opts.writerThread === true && path !== ':memory:') {
      this.writerOptions = { ...opts, path, privacy: this.privacy };
    }
    if (checkpointsOnThread(opts)) this.checkpoints = new Checkpointer(path, db);
    else if (path !== ':memory:') this.idleCheckpoints = new IdleCheckpointer(db);
    // better-sqlite3 waits for a lock by sleeping inside the call, which freezes the event loop
    // (and with it /healthz) for as long as another process holds the write lock. Writes wait
    // in short slices instead, with the event loop turning between them (see `write`).
    if (path !== ':memory:') db.pragma(`busy_timeout = ${BUSY_SLICE_MS}`);
  }

  /**
   * A write that meets another process's lock is retried after a pause, up to the busy timeout in
   * all: liveness keeps answering while the store waits, and readiness shows a stalled store.
   */
  private async write<T>(what: string, fn: () => T): Promise<T> {
    this.checkpoints?.start();
    this.idleCheckpoints?.wrote();
    const budget = this.busyTimeoutMs ?? 5000;
    const start = performance.now();
    try {
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          return this.run(what, fn);
        } catch (e) {
          const code = String((e as { cause?: { code?: unknown } }).cause?.code ?? '');
          const busy = code.startsWith('SQLITE_BUSY');
          if (!busy || performance.now() - start + pause > budget) throw e;
          this.waiting.add(start);
          await new Promise((r) => setTimeout(r, pause));
        }
      }
    } finally {
      this.waiting.delete(start);
    }
  }

  /** The writer thread, started by the first batch (with the checkpoint thread) when configured. */
  private writerThread(): WriterThread | undefined {
    if (this.writerOptions !== undefined && !this.closed) {
      this.writer = new WriterThread(this.writerOptions);
      this.writerOptions = undefined;
      this.checkpoints?.start();
    }
    if (this.writer?.alive) this.idleCheckpoints?.wrote();
    return this.writer;
  }

  /**
   * How long the oldest write still waiting for another process's lock has waited, ms (0: none).
   * Readiness reads it: a store that cannot write is not ready, while liveness stays up.
   */
  writeStallMs(): number {
    // A batch on the writer thread that has not committed yet waits for the lock there.
    let oldest = this.writer?.oldestInFlight() ?? Number.POSITIVE_INFINITY;
    for (const t of this.waiting) if (t < oldest) oldest = t;
    return oldest === Number.POSITIVE_INFINITY ? 0 : performance.now() - oldest;
  }

  /** Statements for bulk reads: a separate small-cache connection for files, the main one for :memory:. */
  private bulk(): { page: Database.Statement; smsPage: Database.Statement } {
    if (this.path === ':memory:') return this.s;
    this.reader ??= openReader(this.path, this.busyTimeoutMs);
    return this.reader;
  }

  private run<T>(what: string, fn: () => T): T {
    if (this.closed) {
      throw new StoreError(
        'ST_STORE_CLOSED',
        `call store ${JSON.stringify(this.path)} is closed; ${what} needs an open store (open it again)`,
      );
    }
    try {
      return fn();
    } catch (e) {
      throw wrap(e, what, this.path);
    }
  }

  async apply(update: CallUpdate): Promise<void> {
    checkCallUpdate(update);
    const [u] = withStoredCallIds([update], this.callIds) as [CallUpdate];
    await this.write('apply', () => this.writeOneCall(u));
  }

  async applyBatch(batch: readonly CallUpdate[]): Promise<number> {
    // Validate everything first: a bad update rejects the whole batch before anything is written.
    for (let i = 0; i < batch.length; i++) checkCallUpdate(batch[i]!, i);
    const updates = withStoredCallIds(batch, this.callIds);
    const writer = this.writerThread();
    if (writer?.alive) await this.run('applyBatch', () => writer.write('calls', updates));
    else await this.write('applyBatch', () => this.writeCalls(updates));
    return updates.length;
  }

  async applySms(update: SmsUpdate): Promise<void> {
    checkSmsUpdate(update);
    const [u] = withStoredSmsIds([update], this.messageIds, this.references) as [SmsUpdate];
    await this.write('applySms', () => this.writeOneSms(u));
  }

  async applySmsBatch(batch: readonly SmsUpdate[]): Promise<number> {
    for (let i = 0; i < batch.length; i++) checkSmsUpdate(batch[i]!, i);
    const updates = withStoredSmsIds(batch, this.messageIds, this.references);
    const writer = this.writerThread();
    if (writer?.alive) await this.run('applySmsBatch', () => writer.write('sms', updates));
    else await this.write('applySmsBatch', () => this.writeSmses(updates));
    return updates.length;
  }

  /** A call by the id it was sent with, or by the hashed id reads show (`cid:…`). */
  async getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined> {
    const id = this.callIds(callId);
    const row = this.run('getCall', () => this.s.byId.get(id) as CallTuple | undefined);
    return row && toCallRecord(row, mayReveal(this.privacy, opts?.reveal));
  }

  async recentCalls(
    q: { statuses: readonly CallStatus[]; limit: number; before?: number },
    opts?: ReadOptions,
  ): Promise<CallRecord[]> {
    const limit = Math.max(0, Math.min(10_000, Math.trunc(q.limit)));
    const before = q.before ?? Number.MAX_SAFE_INTEGER;
    const reveal = mayReveal(this.privacy, opts?.reveal);
    // One indexed (status, first_at) scan per status, merged here: stays fast however rare a status is.
    const rows = this.run('recentCalls', () =>
      [...new Set(q.statuses)].flatMap((st) => this.s.recent.all(st, before, limit) as CallTuple[]),
    );
    rows.sort((a, b) => b[2] - a[2] || b[0] - a[0]); // newest first_at, then id
    return rows.slice(0, limit).map((r) => toCallRecord(r, reveal));
  }

  async *iterateCalls(q: CallQuery & { chunkSize?: number }, opts?: ReadOptions): AsyncIterable<CallRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const { from, ...filters } = rangeParams(q);
    const params = { ...filters, afterAt: from, afterId: -1, limit: q.chunkSize ?? 1000 };
    yield* this.pages(
      'iterateCalls',
      () => this.bulk().page,
      params,
      (r: CallTuple) => toCallRecord(r, reveal),
    );
  }

  /**
   * Keyset pages (rows ordered by first_at, id; tuple slots 2 and 0) instead of one long-lived
   * cursor: a cursor would hold the connection and a WAL snapshot for the whole export and block
   * ingest; pages let writes interleave, with a turn of the event loop between them.
   */
  private async *pages<R extends [number, string, number, ...unknown[]], T>(
    what: string,
    statement: () => Database.Statement,
    params: { afterAt: number; afterId: number; limit: number },
    map: (row: R) => T,
  ): AsyncIterable<T> {
    for (;;) {
      const rows = this.run(what, () => statement().all(params) as R[]);
      for (const r of rows) yield map(r);
      const last = rows[rows.length - 1];
      if (!last || rows.length < params.limit) return;
      params.afterAt = last[2];
      params.afterId = last[0];
      await yieldToLoop();
    }
  }

  /**
   * A rollup read's statement for `plan`: without a direction, trunk or channel filter the one
   * over the dimension-free rows (served by their indexes), else the one over the detailed rows.
   */
  private read(
    name: 'stats' | 'seriesHour' | 'seriesDay' | 'durationBounds' | 'durationHistogram',
    plan: RangePlan,
  ) {
    const unfiltered = plan.direction === null && plan.trunk === null && plan.channel === null;
    return this.s[unfiltered ? (`${name}All` as const) : name];
  }

  /** Which slots of `q` come from rollups (see rollup.ts); call inside `run`. */
  private plan(q: CallQuery, exact = q.exact === true): RangePlan {
    if (exact) return planRange(q, true);
    const { later } = this.s.callsAfter.get({ to: Math.ceil(q.to) }) as { later: number };
    return planRange(q, false, later === 0);
  }

  /**
   * `read` with the plan of `q`, in one snapshot in which no slot is marked, so that the rollups it
   * reads hold every record it sees (a batch committed between a flush and the read would otherwise
   * be missing from its slots). Marked slots are flushed first. The lock is tried, not waited for:
   * another writer's turn is waited out in slices with the event loop turning, as writes do, and
   * after READ_FLUSH_WAIT_MS the records answer alone.
   */
  private async rollupRead<T>(what: string, q: CallQuery, read: (plan: RangePlan) => T): Promise<T> {
    if (q.exact !== true) {
      const start = performance.now();
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        const r = this.run(what, () =>
          this.rollups.fresh()
            ? this.inSnapshot(() => (this.rollups.marked() ? NOT_FRESH : read(this.plan(q))))
            : NOT_FRESH,
        );
        if (r !== NOT_FRESH) return r as T;
        if (performance.now() - start + pause > READ_FLUSH_WAIT_MS) break;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
    return this.run(what, () => read(this.plan(q, true)));
  }

  async stats(q: CallQuery): Promise<CallStats> {
    checkRange(q);
    return foldCallStats(
      await this.rollupRead('stats', q, (plan) => this.read('stats', plan).all(plan) as StatsGroup[]),
    );
  }

  async overview(q: CallQuery, bucket: Bucket): Promise<CallOverview> {
    checkRange(q);
    bucketSize(bucket);
    const series = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.rollupRead('overview', q, (plan) =>
      foldOverview(
        this.read('stats', plan).all(plan) as StatsGroup[],
        this.s.breakdown.all(plan) as OverviewGroup[],
        this.read(series, plan).all(plan) as SeriesGroup[],
      ),
    );
  }

  async durationPercentiles(q: CallQuery, ps: readonly number[]): Promise<(number | null)[]> {
    checkRange(q);
    if (ps.length === 0) return [];
    checkPercentiles(ps);
    const run = <T>(fn: () => T) => Promise.resolve(this.run('durationPercentiles', fn));
    // Planned once the marks are flushed; estimates within the histogram's error need no one snapshot.
    const plan = await this.rollupRead('durationPercentiles', q, (plan) => plan);
    return durationPercentiles(plan, ps, this.exactPercentilesUpTo, {
      histogram: (plan) =>
        run(() => this.read('durationHistogram', plan).all(plan) as Array<{ b: number; n: number }>),
      bounds: (plan) => run(() => this.read('durationBounds', plan).all(plan) as Bound[]),
      exact: () =>
        run(() => {
          const params: Record<string, unknown> = rangeParams(q);
          ps.forEach((p, i) => {
            params[`p${i}`] = p;
          });
          let st = this.percentileStmts.get(ps.length);
          if (!st)
            this.percentileStmts.set(
              ps.length,
              (st = this.db.prepare(SQL.durationPercentilesSql(ps.length))),
            );
          const row = st.get(params) as Record<string, number | null>;
          return ps.map((_, i) => row[`p${i}`] ?? null);
        }),
    });
  }

  async series(q: CallQuery, bucket: Bucket): Promise<SeriesRow[]> {
    checkRange(q);
    bucketSize(bucket);
    const st = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return foldSeries(
      await this.rollupRead('series', q, (plan) => this.read(st, plan).all(plan) as SeriesGroup[]),
    );
  }

  async lastActivityAt(): Promise<number | null> {
    const r = this.run(
      'lastActivityAt',
      () => this.s.lastActivity.get() as { c: number | null; s: number | null },
    );
    return r.c === null && r.s === null ? null : Math.max(r.c ?? 0, r.s ?? 0);
  }

  async countActiveSince(olderThan: number): Promise<number> {
    return this.run(
      'countActiveSince',
      () => (this.s.activeSince.get(Math.trunc(olderThan)) as { n: number }).n,
    );
  }

  /** A message by the id it was sent with, or by the hashed id reads show (`mid:…`). */
  async getSms(messageId: string, opts?: ReadOptions): Promise<SmsRecord | undefined> {
    const id = this.messageIds(messageId);
    const row = this.run('getSms', () => this.s.smsById.get(id) as SmsTuple | undefined);
    return row && toSmsRecord(row, mayReveal(this.privacy, opts?.reveal));
  }

  async *iterateSms(
    q: { from: number; to: number; chunkSize?: number },
    opts?: ReadOptions,
  ): AsyncIterable<SmsRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const params = {
      to: Math.ceil(q.to),
      afterAt: Math.ceil(q.from),
      afterId: -1,
      limit: q.chunkSize ?? 1000,
    };
    yield* this.pages(
      'iterateSms',
      () => this.bulk().smsPage,
      params,
      (r: SmsTuple) => toSmsRecord(r, reveal),
    );
  }

  async smsStats(q: { from: number; to: number }): Promise<SmsStats> {
    checkRange(q);
    return toSmsStats(
      this.run(
        'smsStats',
        () => this.s.smsStats.get({ from: Math.ceil(q.from), to: Math.ceil(q.to) }) as never,
      ),
    );
  }

  async closeZombies(maxActiveSeconds: number, now: number = Date.now()): Promise<number> {
    checkMaxActive(maxActiveSeconds);
    const params = { now: Math.trunc(now), cutoff: Math.trunc(now - maxActiveSeconds * 1000), limit: BATCH };
    return drain(BATCH, () =>
      this.write('closeZombies', () =>
        this.onCalls(() => {
          const filed = this.s.zombies.all(params) as number[];
          this.rollups.mark(filed);
          return filed.length;
        }),
      ),
    );
  }

  async deleteOlderThan(
    days: number,
    opts: { batchSize?: number; now?: number } = {},
  ): Promise<DeleteResult> {
    const batch = opts.batchSize ?? BATCH;
    checkRetention(days, batch);
    const cutoff = Math.trunc((opts.now ?? Date.now()) - days * DAY_MS);
    // Small transactions with a turn of the event loop between: ingest and reads keep flowing.
    const calls = await drain(batch, () =>
      this.write('deleteOlderThan', () =>
        this.onCalls(() => {
          const filed = this.s.deleteCalls.all(cutoff, batch) as number[];
          this.rollups.mark(filed);
          return filed.length;
        }),
      ),
    );
    const sms = await drain(batch, () =>
      this.write('deleteOlderThan', () => this.s.deleteSms.run(cutoff, batch).changes),
    );
    await this.write('deleteOlderThan', () =>
      this.db.transaction(() => {
        for (const sql of ROLLUP_PRUNE) this.db.prepare(sql).run({ cutoff });
      })(),
    );
    // The modem's history goes with the calls (a minute's samples per modem: one statement).
    await this.write('deleteOlderThan', () => this.modem().prune.run(cutoff));
    return { calls, sms };
  }

  private modem() {
    if (this.modemSql !== undefined) return this.modemSql;
    const insert = this.db.prepare(SQLITE_INSERT_SAMPLE);
    const b = (v: boolean | null) => (v === null ? null : v ? 1 : 0);
    this.modemSql = {
      insert: this.db.transaction((ss: readonly ModemSample[]) => {
        let n = 0;
        for (const x of ss)
          n += insert.run(
            x.modem,
            x.at,
            b(x.connected),
            b(x.registered),
            x.signalDbm,
            x.rsrpDbm,
            x.reconnects,
            x.flapping ? 1 : 0,
          ).changes;
        return n;
      }),
      history: this.db.prepare(SQLITE_MODEM_HISTORY),
      prune: this.db.prepare(SQLITE_DELETE_SAMPLES),
    };
    return this.modemSql;
  }

  async appendModemSamples(samples: readonly ModemSample[]): Promise<number> {
    for (const x of samples) checkModemSample(x);
    if (samples.length === 0) return 0;
    return this.write('appendModemSamples', () => this.modem().insert(samples));
  }

  async modemHistory(q: ModemHistoryQuery): Promise<ModemSample[]> {
    checkRange(q);
    return this.run('modemHistory', () =>
      (
        this.modem().history.all({
          from: q.from,
          to: q.to,
          modem: q.modem ?? null,
          limit: historyLimit(q),
        }) as Record<string, unknown>[]
      ).map(toModemSample),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer?.close();
    await this.checkpoints?.close();
    this.idleCheckpoints?.close();
    // Fold the WAL back into the main file so a closed store is one self-contained file.
    try {
      this.reader?.db.close();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}

/**
 * Open (creating the file and its directory, and migrating, as needed) a SQLite call store.
 *
 * @example
 * ```ts
 * const store = await openSqliteCallStore({
 *   path: 'data/calls.db',
 *   privacy: { hashKey: process.env.SIDETONE_HASH_KEY!, storeRaw: false },
 * });
 * ```
 */
export async function openSqliteCallStore(opts: SqliteCallStoreOptions): Promise<SqliteCallStore> {
  return new SqliteCallStore(opts);
}
