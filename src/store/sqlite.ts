/**
 * The embedded call store: one SQLite file (better-sqlite3) in WAL mode. Work is synchronous
 * inside async methods; statements are prepared once at open. `synchronous = NORMAL` means a
 * commit is in the WAL (the OS's page cache) before the promise resolves: a process crash loses
 * nothing acknowledged, a power loss can lose the last transactions.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SidetoneError, StoreError, showValue, ValidationError } from '../errors.js';
import { foldCallStats, foldSeries, type SeriesGroup, type StatsGroup } from './fold.js';
import { migrate } from './migrations.js';
import {
  checkPrivacyConfig,
  mayReveal,
  numberProtector,
  type PrivacyConfig,
  type ProtectedNumber,
} from './privacy.js';
import {
  type CallRow,
  type SmsRow,
  toBreakdown,
  toCallRecord,
  toSmsRecord,
  toSmsStats,
} from './sqlite-rows.js';
import * as SQL from './sqlite-sql.js';
import type {
  Bucket,
  CallBreakdown,
  CallQuery,
  CallRecord,
  CallStats,
  CallStatus,
  CallStore,
  CallUpdate,
  DeleteResult,
  ReadOptions,
  SeriesRow,
  SmsRecord,
  SmsStats,
  SmsUpdate,
} from './types.js';
import { checkCallUpdate, checkRange, checkSmsUpdate } from './validate.js';

export interface SqliteCallStoreOptions {
  /** Database file, created (with its directory) on first use; `:memory:` for a throwaway store. */
  path: string;
  privacy: PrivacyConfig;
  /** SQLite page cache in MiB (default 32): bigger speeds ingest into large stores, costs RSS. */
  cacheSizeMb?: number;
  /** How long to wait for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
}

const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };
const DAY_MS = 86_400_000;
type Stmt = Database.Statement;

/** Turn a driver error into a StoreError that says what to do; our own errors pass through. */
function wrap(e: unknown, what: string, file: string): Error {
  if (e instanceof SidetoneError) return e;
  const code = (e as { code?: string })?.code ?? '';
  const msg = (e as Error)?.message ?? String(e);
  const fix =
    code === 'SQLITE_BUSY'
      ? 'another process holds the write lock; run one writer per store file or raise busyTimeoutMs'
      : code === 'SQLITE_FULL'
        ? 'the disk is full; free space or lower retention'
        : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN'
          ? 'make the store path a writable file in a writable directory'
          : code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
            ? 'the file is not a sidetone store or is damaged; point the store path at another file'
            : 'check the store path and disk';
  return new StoreError(
    'ST_STORE_SQLITE',
    `call store ${JSON.stringify(file)}: ${what} failed (${msg}); ${fix}`,
    {
      cause: e,
    },
  );
}

const rangeParams = (q: CallQuery) => ({
  from: Math.trunc(q.from),
  to: Math.trunc(q.to),
  direction: q.direction ?? null,
  trunk: q.trunk ?? null,
  channel: q.channel ?? null,
});

const SMS_RANK = { delivered: 4, failed: 3, pending: 2, unknown: 1 } as const;

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
  private readonly protect: (n: string | undefined) => ProtectedNumber | null;
  private readonly s: Record<string, Stmt>;
  private readonly percentileStmts = new Map<number, Stmt>();
  private readonly writeCalls: (us: readonly CallUpdate[]) => void;
  private readonly writeSmses: (us: readonly SmsUpdate[]) => void;
  private closed = false;

  constructor(opts: SqliteCallStoreOptions) {
    this.privacy = checkPrivacyConfig(opts?.privacy);
    this.protect = numberProtector(this.privacy);
    if (typeof opts.path !== 'string' || opts.path === '') {
      throw new ValidationError(
        'ST_STORE_PATH',
        `store path must be a file path, got ${showValue(opts.path)}; e.g. "data/calls.db"`,
        [{ path: 'path', message: 'non-empty string' }],
      );
    }
    const memory = opts.path === ':memory:';
    this.path = memory ? opts.path : resolve(opts.path);
    let db: Database.Database | undefined;
    try {
      if (!memory) mkdirSync(dirname(this.path), { recursive: true });
      db = new Database(this.path, { timeout: opts.busyTimeoutMs ?? 5000 });
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (!memory && mode !== 'wal') {
        throw new StoreError(
          'ST_STORE_NO_WAL',
          `call store ${JSON.stringify(this.path)} could not switch to WAL (got ${showValue(mode)}); ` +
            'put the file on a local filesystem',
        );
      }
      db.pragma('synchronous = NORMAL');
      db.pragma(`cache_size = ${-Math.round((opts.cacheSizeMb ?? 32) * 1024)}`);
      db.pragma('temp_store = MEMORY');
      this.schemaVersion = migrate(db, this.path);
      const p = (sql: string) => db!.prepare(sql);
      this.s = {
        started: p(SQL.UPSERT_STARTED),
        ringing: p(SQL.UPSERT_RINGING),
        answered: p(SQL.UPSERT_ANSWERED),
        ended: p(SQL.UPSERT_ENDED),
        transcript: p(SQL.UPSERT_TRANSCRIPT),
        media: p(SQL.UPSERT_MEDIA),
        zombies: p(SQL.CLOSE_ZOMBIES),
        smsReceived: p(SQL.UPSERT_SMS_RECEIVED),
        smsSent: p(SQL.UPSERT_SMS_SENT),
        smsReport: p(SQL.UPSERT_SMS_REPORT),
        stats: p(SQL.CALL_STATS),
        breakdown: p(SQL.CALL_BREAKDOWN),
        series: p(SQL.CALL_SERIES),
        page: p(SQL.CALL_PAGE),
        byId: p(SQL.CALL_BY_ID),
        recent: p(SQL.CALLS_RECENT_BY_STATUS),
        activeSince: p(SQL.COUNT_ACTIVE_SINCE),
        lastActivity: p(SQL.LAST_ACTIVITY),
        deleteCalls: p(SQL.DELETE_CALLS_BATCH),
        deleteSms: p(SQL.DELETE_SMS_BATCH),
        smsById: p(SQL.SMS_BY_ID),
        smsPage: p(SQL.SMS_PAGE),
        smsStats: p(SQL.SMS_STATS),
      };
    } catch (e) {
      db?.close();
      throw wrap(e, 'open', this.path);
    }
    this.db = db;
    this.writeCalls = db.transaction((us: readonly CallUpdate[]) => {
      for (const u of us) this.writeCall(u);
    });
    this.writeSmses = db.transaction((us: readonly SmsUpdate[]) => {
      for (const u of us) this.writeSms(u);
    });
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

  private writeCall(u: CallUpdate): void {
    const id = u.callId;
    const at = Math.trunc(u.at);
    const s = this.s;
    switch (u.kind) {
      case 'started': {
        const f = this.protect(u.from);
        const t = this.protect(u.to);
        s.started!.run(
          id,
          at,
          at,
          u.direction,
          u.channel,
          u.trunk ?? null,
          f?.hash ?? null,
          f?.masked ?? null,
          f?.raw ?? null,
          t?.hash ?? null,
          t?.masked ?? null,
          t?.raw ?? null,
        );
        return;
      }
      case 'ringing':
      case 'answered':
        s[u.kind]!.run(id, at, at);
        return;
      case 'transcript':
        s.transcript!.run(id, at);
        return;
      case 'ended':
        s.ended!.run(
          id,
          at,
          at,
          u.status ?? null,
          u.sipCode ?? null,
          u.q850 ?? null,
          u.reason ?? null,
          u.hangupBy ?? null,
        );
        return;
      case 'media':
        s.media!.run(id, at, u.mos, u.jitterMs, u.lossPercent, u.rttMs ?? null);
        return;
    }
  }

  private writeSms(u: SmsUpdate): void {
    const id = u.messageId;
    const at = Math.trunc(u.at);
    if (u.kind === 'received' || u.kind === 'sent') {
      const f = this.protect(u.from);
      const t = this.protect(u.to);
      (u.kind === 'received' ? this.s.smsReceived : this.s.smsSent)!.run(
        id,
        at,
        at,
        u.gateway ?? null,
        u.segments ?? null,
        f?.hash ?? null,
        f?.masked ?? null,
        f?.raw ?? null,
        t?.hash ?? null,
        t?.masked ?? null,
        t?.raw ?? null,
      );
      return;
    }
    const outcome = u.kind === 'delivery' ? u.outcome : 'failed';
    this.s.smsReport!.run(
      id,
      at,
      outcome === 'delivered' ? at : null,
      outcome === 'failed' ? at : null,
      outcome === 'pending' ? at : null,
      outcome === 'unknown' ? at : null,
      u.statusCode ?? null,
      u.kind === 'send_failed' ? (u.reason ?? 'other') : null,
      SMS_RANK[outcome],
    );
  }

  async apply(update: CallUpdate): Promise<void> {
    checkCallUpdate(update);
    this.run('apply', () => this.writeCall(update));
  }

  async applyBatch(updates: readonly CallUpdate[]): Promise<number> {
    // Validate everything first: a bad update rejects the whole batch before anything is written.
    for (let i = 0; i < updates.length; i++) checkCallUpdate(updates[i]!, i);
    this.run('applyBatch', () => this.writeCalls(updates));
    return updates.length;
  }

  async applySms(update: SmsUpdate): Promise<void> {
    checkSmsUpdate(update);
    this.run('applySms', () => this.writeSms(update));
  }

  async applySmsBatch(updates: readonly SmsUpdate[]): Promise<number> {
    for (let i = 0; i < updates.length; i++) checkSmsUpdate(updates[i]!, i);
    this.run('applySmsBatch', () => this.writeSmses(updates));
    return updates.length;
  }

  async getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined> {
    const row = this.run('getCall', () => this.s.byId!.get(callId) as CallRow | undefined);
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
      [...new Set(q.statuses)].flatMap((st) => this.s.recent!.all(st, before, limit) as CallRow[]),
    );
    rows.sort((a, b) => b.first_at - a.first_at || b.id - a.id);
    return rows.slice(0, limit).map((r) => toCallRecord(r, reveal));
  }

  async *iterateCalls(q: CallQuery & { chunkSize?: number }, opts?: ReadOptions): AsyncIterable<CallRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const params = {
      ...rangeParams(q),
      afterAt: Math.trunc(q.from),
      afterId: -1,
      limit: q.chunkSize ?? 1000,
    };
    // Keyset pages instead of one long-lived cursor: a cursor would hold the connection (and a WAL
    // snapshot) for the whole export and block ingest; pages let writes interleave.
    for (;;) {
      const rows = this.run('iterateCalls', () => this.s.page!.all(params) as CallRow[]);
      for (const r of rows) yield toCallRecord(r, reveal);
      const last = rows[rows.length - 1];
      if (!last || rows.length < params.limit) return;
      params.afterAt = last.first_at;
      params.afterId = last.id;
      await yieldToLoop();
    }
  }

  async stats(q: CallQuery): Promise<CallStats> {
    checkRange(q);
    return foldCallStats(this.run('stats', () => this.s.stats!.all(rangeParams(q)) as StatsGroup[]));
  }

  async breakdown(q: CallQuery): Promise<CallBreakdown> {
    checkRange(q);
    return toBreakdown(this.run('breakdown', () => this.s.breakdown!.all(rangeParams(q)) as never));
  }

  async durationPercentiles(q: CallQuery, ps: readonly number[]): Promise<(number | null)[]> {
    checkRange(q);
    if (ps.length === 0) return [];
    const params: Record<string, unknown> = rangeParams(q);
    ps.forEach((p, i) => {
      if (!(p >= 0 && p <= 1)) {
        throw new ValidationError(
          'ST_STORE_INVALID_PERCENTILE',
          `percentile must be in 0..1, got ${showValue(p)}`,
        );
      }
      params[`p${i}`] = p;
    });
    const row = this.run('durationPercentiles', () => {
      let st = this.percentileStmts.get(ps.length);
      if (!st)
        this.percentileStmts.set(ps.length, (st = this.db.prepare(SQL.durationPercentilesSql(ps.length))));
      return st.get(params) as Record<string, number | null>;
    });
    return ps.map((_, i) => row[`p${i}`] ?? null);
  }

  async series(q: CallQuery, bucket: Bucket): Promise<SeriesRow[]> {
    checkRange(q);
    const size = BUCKET_MS[bucket];
    if (!size) {
      throw new ValidationError(
        'ST_STORE_INVALID_BUCKET',
        `bucket must be "hour" or "day", got ${showValue(bucket)}`,
      );
    }
    return foldSeries(
      this.run('series', () => this.s.series!.all({ ...rangeParams(q), size }) as SeriesGroup[]),
    );
  }

  async lastActivityAt(): Promise<number | null> {
    const r = this.run(
      'lastActivityAt',
      () => this.s.lastActivity!.get() as { c: number | null; s: number | null },
    );
    return r.c === null && r.s === null ? null : Math.max(r.c ?? 0, r.s ?? 0);
  }

  async countActiveSince(olderThan: number): Promise<number> {
    return this.run(
      'countActiveSince',
      () => (this.s.activeSince!.get(Math.trunc(olderThan)) as { n: number }).n,
    );
  }

  async getSms(messageId: string, opts?: ReadOptions): Promise<SmsRecord | undefined> {
    const row = this.run('getSms', () => this.s.smsById!.get(messageId) as SmsRow | undefined);
    return row && toSmsRecord(row, mayReveal(this.privacy, opts?.reveal));
  }

  async *iterateSms(
    q: { from: number; to: number; chunkSize?: number },
    opts?: ReadOptions,
  ): AsyncIterable<SmsRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const params = {
      from: q.from,
      to: q.to,
      afterAt: Math.trunc(q.from),
      afterId: -1,
      limit: q.chunkSize ?? 1000,
    };
    for (;;) {
      const rows = this.run('iterateSms', () => this.s.smsPage!.all(params) as SmsRow[]);
      for (const r of rows) yield toSmsRecord(r, reveal);
      const last = rows[rows.length - 1];
      if (!last || rows.length < params.limit) return;
      params.afterAt = last.first_at;
      params.afterId = last.id;
      await yieldToLoop();
    }
  }

  async smsStats(q: { from: number; to: number }): Promise<SmsStats> {
    checkRange(q);
    return toSmsStats(this.run('smsStats', () => this.s.smsStats!.get({ from: q.from, to: q.to }) as never));
  }

  async closeZombies(maxActiveSeconds: number, now: number = Date.now()): Promise<number> {
    if (!(maxActiveSeconds > 0)) {
      throw new ValidationError(
        'ST_STORE_INVALID_MAX_ACTIVE',
        `maxActiveSeconds must be a positive number, got ${showValue(maxActiveSeconds)}; e.g. 14400 (4 h)`,
      );
    }
    const cutoff = Math.trunc(now - maxActiveSeconds * 1000);
    return this.run('closeZombies', () => this.s.zombies!.run({ now: Math.trunc(now), cutoff }).changes);
  }

  async deleteOlderThan(
    days: number,
    opts: { batchSize?: number; now?: number } = {},
  ): Promise<DeleteResult> {
    const batch = opts.batchSize ?? 5000;
    if (!(days > 0) || !Number.isInteger(batch) || batch < 1) {
      throw new ValidationError(
        'ST_STORE_INVALID_RETENTION',
        `retention needs days > 0 and an integer batchSize ≥ 1, got days=${showValue(days)} ` +
          `batchSize=${showValue(batch)}; e.g. deleteOlderThan(90, { batchSize: 5000 })`,
      );
    }
    const cutoff = Math.trunc((opts.now ?? Date.now()) - days * DAY_MS);
    const result: DeleteResult = { calls: 0, sms: 0 };
    for (const [key, st] of [
      ['calls', this.s.deleteCalls!],
      ['sms', this.s.deleteSms!],
    ] as const) {
      // Small transactions with a turn of the event loop between: ingest and reads keep flowing.
      for (;;) {
        const n = this.run('deleteOlderThan', () => st.run(cutoff, batch).changes);
        result[key] += n;
        if (n < batch) break;
        await yieldToLoop();
      }
    }
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Fold the WAL back into the main file so a closed store is one self-contained file.
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.close();
    }
  }
}

/** Open (creating and migrating as needed) a SQLite call store. */
export async function openSqliteCallStore(opts: SqliteCallStoreOptions): Promise<SqliteCallStore> {
  return new SqliteCallStore(opts);
}
