/**
 * The SQLite driver under the store front (front.ts): one file (better-sqlite3) in WAL mode. Work
 * is synchronous inside async methods; statements are prepared once at open. `synchronous =
 * NORMAL` means a commit is in the WAL (the OS's page cache) before the promise resolves: a
 * process crash loses nothing acknowledged, a power loss can lose the last transactions.
 */
import type Database from 'better-sqlite3';
import type { CallStatus } from '../domain/records.js';
import { StoreError } from '../errors.js';
import type { CallTuple } from './call-rows.js';
import type { OverviewGroup, SeriesGroup, StatsGroup } from './fold.js';
import type { Pager, StoreDriver } from './front.js';
import {
  type ModemSample,
  SQLITE_DELETE_SAMPLES,
  SQLITE_INSERT_SAMPLE,
  SQLITE_MODEM_HISTORY,
} from './modem-samples.js';
import type { PrivacyConfig } from './privacy.js';
import { type Bound, planRange, type RangePlan } from './rollup.js';
import { ROLLUP_PRUNE } from './rollup-sql.js';
import type { SmsTuple } from './sms-rows.js';
import { Checkpointer, checkpointsOnThread } from './sqlite-checkpoint.js';
import {
  openDatabase,
  openReader,
  type Reader,
  type SqliteCallStoreOptions,
  type Statements,
  wrap,
} from './sqlite-open.js';
import type { SqliteRollups } from './sqlite-rollups.js';
import * as SQL from './sqlite-sql.js';
import { rangeParams } from './sqlite-sql.js';
import { writeCalls, writeSms } from './sqlite-write.js';
import { WriterThread } from './sqlite-writer.js';
import type { Bucket, CallQuery, CallUpdate, DeleteResult, SmsUpdate } from './types.js';
import type { Protect } from './writes.js';

/** Longest a single write call may block the event loop waiting for another process's lock. */
const BUSY_SLICE_MS = 5;
/** What a read in a snapshot with marked slots returns instead of its result. */
const NOT_FRESH = Symbol('not fresh');
/** How long a rollup read waits for other writers to flush marked slots, else reads the records. */
const READ_FLUSH_WAIT_MS = 1000;

type ReadName = 'stats' | 'seriesHour' | 'seriesDay' | 'durationBounds' | 'durationHistogram';

/** The SQLite side of a {@link StoreDriver}; `SqliteCallStore` (sqlite.ts) is its front. */
export class SqliteDriver implements StoreDriver {
  readonly path: string;
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly s: Statements;
  private readonly percentileStmts = new Map<number, Database.Statement>();
  /** A write to calls in a transaction; a rollup flush after it when one is due. */
  private readonly onCalls: <T>(fn: () => T) => T;
  private readonly rollups: SqliteRollups;
  private readonly inSnapshot: <T>(fn: () => T) => T;
  private readonly writeCallRows: (us: readonly CallUpdate[]) => void;
  private readonly writeSmses: (us: readonly SmsUpdate[]) => void;
  private closed = false;
  private reader: Reader | undefined;
  /** Batch writes on their own thread (`writerThread`), while it runs. */
  private readonly writer: WriterThread | undefined;
  /** WAL checkpoints on their own thread (`checkpointThread`), from the first write on. */
  private readonly checkpoints: Checkpointer | undefined;
  private readonly busyTimeoutMs: number | undefined;
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

  constructor(opts: SqliteCallStoreOptions, privacy: PrivacyConfig, protect: Protect) {
    const { db, path, schemaVersion, statements: s, rollups } = openDatabase({ ...opts, privacy });
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
    this.writeCallRows = (us) => this.onCalls(() => writeCalls(s, protect, rollups, us));
    this.writeSmses = db.transaction((us: readonly SmsUpdate[]) => {
      for (const u of us) writeSms(s, protect, u);
    });
    this.busyTimeoutMs = opts.busyTimeoutMs;
    if (opts.writerThread === true && path !== ':memory:') {
      this.writer = new WriterThread({ ...opts, path, privacy });
    }
    if (checkpointsOnThread(opts)) {
      this.checkpoints = new Checkpointer(path, db);
      // A store with a writer thread is there to write; others start it on their first write, so
      // one that only reads (an export) runs no thread.
      if (this.writer !== undefined) this.checkpoints.start();
    }
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

  /** How long the oldest write still waiting for another process's lock has waited, ms (0: none). */
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

  /** `run` as a promise (the driver's reads are synchronous). */
  private async read<T>(what: string, fn: () => T): Promise<T> {
    return this.run(what, fn);
  }

  async writeCalls(what: string, updates: readonly CallUpdate[], batch: boolean): Promise<void> {
    if (batch && this.writer?.alive) await this.run(what, () => this.writer!.write('calls', updates));
    else await this.write(what, () => this.writeCallRows(updates));
  }

  async writeSms(what: string, updates: readonly SmsUpdate[], batch: boolean): Promise<void> {
    if (batch && this.writer?.alive) await this.run(what, () => this.writer!.write('sms', updates));
    else await this.write(what, () => this.writeSmses(updates));
  }

  callById(id: string): Promise<CallTuple | undefined> {
    return this.read('getCall', () => this.s.byId.get(id) as CallTuple | undefined);
  }

  recentCalls(status: CallStatus, before: number, limit: number): Promise<CallTuple[]> {
    return this.read('recentCalls', () => this.s.recent.all(status, before, limit) as CallTuple[]);
  }

  async callPager(q: CallQuery): Promise<Pager<CallTuple>> {
    const { from: _, ...filters } = rangeParams(q);
    return (afterAt, afterId, limit) =>
      this.read(
        'iterateCalls',
        () => this.bulk().page.all({ ...filters, afterAt, afterId, limit }) as CallTuple[],
      );
  }

  async smsPager(to: number): Promise<Pager<SmsTuple>> {
    return (afterAt, afterId, limit) =>
      this.read('iterateSms', () => this.bulk().smsPage.all({ to, afterAt, afterId, limit }) as SmsTuple[]);
  }

  /**
   * A rollup read's statement for `plan`: without a direction, trunk or channel filter the one
   * over the dimension-free rows (served by their indexes), else the one over the detailed rows.
   */
  private statement(name: ReadName, plan: RangePlan) {
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

  stats(q: CallQuery): Promise<StatsGroup[]> {
    return this.rollupRead('stats', q, (plan) => this.statement('stats', plan).all(plan) as StatsGroup[]);
  }

  overview(q: CallQuery, bucket: Bucket) {
    const series = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.rollupRead('overview', q, (plan) => ({
      stats: this.statement('stats', plan).all(plan) as StatsGroup[],
      breakdown: this.s.breakdown.all(plan) as OverviewGroup[],
      series: this.statement(series, plan).all(plan) as SeriesGroup[],
    }));
  }

  series(q: CallQuery, bucket: Bucket): Promise<SeriesGroup[]> {
    const st = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.rollupRead('series', q, (plan) => this.statement(st, plan).all(plan) as SeriesGroup[]);
  }

  async percentiles(q: CallQuery, ps: readonly number[]) {
    const what = 'durationPercentiles';
    // Planned once the marks are flushed; estimates within the histogram's error need no one snapshot.
    const plan = await this.rollupRead(what, q, (plan) => plan);
    const reads = {
      histogram: (plan: RangePlan) =>
        this.read(
          what,
          () => this.statement('durationHistogram', plan).all(plan) as Array<{ b: number; n: number }>,
        ),
      bounds: (plan: RangePlan) =>
        this.read(what, () => this.statement('durationBounds', plan).all(plan) as Bound[]),
      exact: () =>
        this.read(what, () => {
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
    };
    return { plan, reads };
  }

  lastActivity(): Promise<{ c: number | null; s: number | null }> {
    return this.read(
      'lastActivityAt',
      () => this.s.lastActivity.get() as { c: number | null; s: number | null },
    );
  }

  countActiveSince(before: number): Promise<number> {
    return this.read('countActiveSince', () => (this.s.activeSince.get(before) as { n: number }).n);
  }

  smsById(id: string): Promise<SmsTuple | undefined> {
    return this.read('getSms', () => this.s.smsById.get(id) as SmsTuple | undefined);
  }

  smsStats(from: number, to: number): Promise<Record<string, number | null>> {
    return this.read('smsStats', () => this.s.smsStats.get({ from, to }) as Record<string, number | null>);
  }

  closeZombies(now: number, cutoff: number, limit: number): Promise<number> {
    return this.write('closeZombies', () =>
      this.onCalls(() => {
        const filed = this.s.zombies.all({ now, cutoff, limit }) as number[];
        this.rollups.mark(filed);
        return filed.length;
      }),
    );
  }

  async dropExpired(): Promise<DeleteResult> {
    return { calls: 0, sms: 0 }; // no partitions: every record goes in batches
  }

  deleteBatch(table: 'calls' | 'sms', cutoff: number, batch: number): Promise<number> {
    if (table === 'sms')
      return this.write('deleteOlderThan', () => this.s.deleteSms.run(cutoff, batch).changes);
    return this.write('deleteOlderThan', () =>
      this.onCalls(() => {
        const filed = this.s.deleteCalls.all(cutoff, batch) as number[];
        this.rollups.mark(filed);
        return filed.length;
      }),
    );
  }

  async prune(cutoff: number): Promise<void> {
    await this.write('deleteOlderThan', () =>
      this.db.transaction(() => {
        for (const sql of ROLLUP_PRUNE) this.db.prepare(sql).run({ cutoff });
      })(),
    );
    // The modem's history goes with the calls (a minute's samples per modem: one statement).
    await this.write('deleteOlderThan', () => this.modem().prune.run(cutoff));
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

  appendModemSamples(samples: readonly ModemSample[]): Promise<number> {
    return this.write('appendModemSamples', () => this.modem().insert(samples));
  }

  /** One file is one instance: `instance` has nothing to narrow. */
  modemHistory(q: { from: number; to: number; modem: string | null; limit: number }) {
    const { from, to, modem, limit } = q;
    return this.read(
      'modemHistory',
      () => this.modem().history.all({ from, to, modem, limit }) as Record<string, unknown>[],
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writer?.close();
    await this.checkpoints?.close();
    // Fold the WAL back into the main file so a closed store is one self-contained file.
    try {
      this.reader?.db.close();
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}
