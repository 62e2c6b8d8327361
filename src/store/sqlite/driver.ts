/**
 * The SQLite driver under the store front (front.ts): one file (better-sqlite3) in WAL mode. Work
 * is synchronous inside async methods; statements are prepared once, on first use. `synchronous =
 * NORMAL` means a commit is in the WAL (the OS's page cache) before the promise resolves: a
 * process crash loses nothing acknowledged, a power loss can lose the last transactions.
 */
import type Database from 'better-sqlite3';
import type { CallStatus } from '../../domain/records.js';
import { StoreError } from '../../errors.js';
import type { EventKeys } from '../event-ids.js';
import type { ModemSample } from '../modem-samples.js';
import type { PrivacyConfig } from '../privacy.js';
import type { CallTuple } from '../records/call-rows.js';
import type { LegTuple } from '../records/end-to-end.js';
import type { OverviewGroup, SeriesGroup, StatsGroup } from '../records/fold.js';
import type { SmsTuple } from '../records/sms-rows.js';
import type { Protect } from '../records/writes.js';
import type { RollupBuilder } from '../rollup/build.js';
import { ROLLUP_PRUNE } from '../rollup/sql.js';
import type { Pager, StoreDriver } from '../store-driver.js';
import type { Bucket, CallQuery, CallUpdate, DeleteResult, SmsUpdate } from '../types.js';
import { Checkpointer, checkpointsOnThread, IdleCheckpointer } from './checkpoint.js';
import { BUSY_SLICE_MS, LockWaits } from './lock-waits.js';
import { type SqliteModem, sqliteModem } from './modem.js';
import {
  openDatabase,
  openReader,
  type Reader,
  type SqliteCallStoreOptions,
  type Statements,
  wrap,
} from './open.js';
import { SqliteRollupBuild } from './rollup-build.js';
import { SqliteRollupReads } from './rollup-reads.js';
import type { SqliteRollups } from './rollups.js';
import { rangeParams } from './sql.js';
import { writeCalls, writeEventKeys, writeSms } from './write.js';

/** The SQLite side of a {@link StoreDriver}; `SqliteCallStore` (sqlite/store.ts) is its front. */
export class SqliteDriver implements StoreDriver {
  readonly path: string;
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly s: Statements;
  /** A write to calls in a transaction; a rollup flush after it when one is due. */
  private readonly onCalls: <T>(fn: () => T) => T;
  private readonly rollups: SqliteRollups;
  /** The rollup reads: planned, fresh, in one snapshot (sqlite/rollup-reads.ts). */
  private readonly reads: SqliteRollupReads;
  private readonly writeCallRows: (us: readonly CallUpdate[], keys: EventKeys | undefined) => void;
  private readonly writeSmses: (us: readonly SmsUpdate[], keys: EventKeys | undefined) => void;
  private closed = false;
  private reader: Reader | undefined;
  /** WAL checkpoints on their own thread (`checkpointThread`), from the first write on. */
  private readonly checkpoints: Checkpointer | undefined;
  /** Without that thread: WAL checkpoints on the main connection once writes pause. */
  private readonly idleCheckpoints: IdleCheckpointer | undefined;
  private readonly busyTimeoutMs: number | undefined;
  private readonly lockWaits: LockWaits; // writes waiting for another process's lock
  private modemSql: SqliteModem | undefined; // the modem history's statements, on first use
  /**
   * The background work left at open, a slice per write: rollups to build (sqlite/rollup-build.ts),
   * then raw ids to hash (sqlite/id-rewrite.ts).
   */
  readonly rollupBuild: RollupBuilder;

  constructor(opts: SqliteCallStoreOptions, privacy: PrivacyConfig, protect: Protect) {
    const { db, path, schemaVersion, statements: s, rollups, ids } = openDatabase({ ...opts, privacy });
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.s = s;
    this.rollups = rollups;
    // A transaction around `fn`: deferred for reads (every statement sees one snapshot of the
    // file), immediate for writes (onCalls).
    const snapshot = db.transaction((fn: () => unknown) => fn());
    const inSnapshot = <T>(fn: () => T) => snapshot.deferred(fn) as T;
    const build = new SqliteRollupBuild(db, rollups, opts.rollupSliceRecords);
    this.rollupBuild = {
      progress: () => build.progress(),
      ids: () => ids?.progress(),
      builtFrom: () => build.builtFrom(),
      // The rollups first, newest first: a dashboard read without them takes its records (97-160
      // ms for a day of 1M calls, against at most 46 ms once the build has begun); the raw ids
      // left at open after them (sqlite/id-rewrite.ts), which reads meanwhile show hashed.
      slice: () => this.write('buildRollups', () => build.sliceNow() || (ids?.slice() ?? false)),
      pauseMs: () => (build.progress() === undefined ? ids?.pauseMs() : undefined),
    };
    this.reads = new SqliteRollupReads(
      db,
      s,
      rollups,
      inSnapshot,
      (what, fn) => this.run(what, fn),
      () => build.builtFrom(),
    );
    this.onCalls = (fn) => {
      // IMMEDIATE: the write reads before it writes (the filing times it marks), and a deferred
      // transaction that read first is refused the lock at once instead of waiting for it. One
      // wrapper for every write (as `snapshot`): db.transaction builds five functions per call.
      const r = snapshot.immediate(fn) as ReturnType<typeof fn>;
      rollups.maybeFlush();
      return r;
    };
    this.writeCallRows = (us, keys) =>
      this.onCalls(() => {
        writeCalls(s, protect, rollups, us);
        writeEventKeys(s, keys);
      });
    this.writeSmses = db.transaction((us: readonly SmsUpdate[], keys: EventKeys | undefined) => {
      for (const u of us) writeSms(s, protect, u);
      writeEventKeys(s, keys);
    });
    this.busyTimeoutMs = opts.busyTimeoutMs;
    this.lockWaits = new LockWaits(opts.busyTimeoutMs ?? 5000);
    // The thread starts with the first write: a store that only reads (an export) runs none.
    if (checkpointsOnThread(opts)) this.checkpoints = new Checkpointer(path, db);
    else if (path !== ':memory:') this.idleCheckpoints = new IdleCheckpointer(db);
    // Writes wait for another process's lock in short slices (sqlite/lock-waits.ts).
    if (path !== ':memory:') db.pragma(`busy_timeout = ${BUSY_SLICE_MS}`);
  }

  /** `fn` with the store open, retried while another process holds the lock (sqlite/lock-waits.ts). */
  private write<T>(what: string, fn: () => T): Promise<T> {
    this.checkpoints?.start();
    this.idleCheckpoints?.wrote();
    return this.lockWaits.retry(() => this.run(what, fn));
  }

  /** How long the oldest write still waiting for another process's lock has waited, ms (0: none). */
  writeStallMs(): number {
    const oldest = this.lockWaits.oldest();
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

  async writeCalls(what: string, updates: readonly CallUpdate[], keys?: EventKeys): Promise<void> {
    await this.write(what, () => this.writeCallRows(updates, keys));
  }

  async writeSms(what: string, updates: readonly SmsUpdate[], keys?: EventKeys): Promise<void> {
    await this.write(what, () => this.writeSmses(updates, keys));
  }

  eventKeysSince(since: number): Promise<Array<{ key: string; at: number }>> {
    return this.read(
      'storedEventIds',
      () => this.s.eventIdsSince.all(since) as Array<{ key: string; at: number }>,
    );
  }

  callById(id: string): Promise<CallTuple | undefined> {
    return this.read('getCall', () => this.s.byId.get(id) as CallTuple | undefined);
  }

  callLegs(endToEndId: string, limit: number): Promise<CallTuple[]> {
    return this.read('getCall', () => this.s.legs.all(endToEndId, limit) as CallTuple[]);
  }

  endToEndLegs(from: number, to: number, limit: number): Promise<LegTuple[]> {
    return this.read('stats', () => this.s.endToEndLegs.all(from, to, limit) as LegTuple[]);
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

  stats(q: CallQuery): Promise<StatsGroup[]> {
    return this.reads.read(
      'stats',
      q,
      (plan) => this.reads.statement('stats', plan).all(plan) as StatsGroup[],
    );
  }

  overview(q: CallQuery, bucket: Bucket) {
    const series = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.reads.read('overview', q, (plan) => ({
      stats: this.reads.statement('stats', plan).all(plan) as StatsGroup[],
      breakdown: this.s.breakdown.all(plan) as OverviewGroup[],
      series: this.reads.statement(series, plan).all(plan) as SeriesGroup[],
    }));
  }

  series(q: CallQuery, bucket: Bucket): Promise<SeriesGroup[]> {
    const st = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return this.reads.read('series', q, (plan) => this.reads.statement(st, plan).all(plan) as SeriesGroup[]);
  }

  percentiles(q: CallQuery, ps: readonly number[]) {
    return this.reads.percentiles(q, ps);
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

  smsStats(from: number, to: number, since: number): Promise<Record<string, number | null>> {
    return this.read(
      'smsStats',
      () => this.s.smsStats.get({ from, to, since }) as Record<string, number | null>,
    );
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

  private modem(): SqliteModem {
    this.modemSql ??= sqliteModem(this.db);
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
