/**
 * The shared call store: PostgreSQL through node-postgres, for several sidetone instances (PBXs,
 * gateways, processes) writing to one database. Same contract as the SQLite store (the suite in
 * test/store runs against both), same privacy rules (numbers hashed and masked before they leave
 * the process), same classifier in the generated columns. Every record carries the instance that
 * first wrote it; reads take `instance` to narrow to one.
 */
import { hostname } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import pg from 'pg';
import type { CallStatus } from '../domain/records.js';
import { StoreError, showValue, ValidationError } from '../errors.js';
import { redactUrlCredentials } from '../secrets.js';
import { Backoff } from './backoff.js';
import { drain } from './drain.js';
import { faultCause } from './faults.js';
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
  PG_DELETE_SAMPLES,
  PG_INSERT_SAMPLES,
  PG_MODEM_HISTORY,
  toModemSample,
} from './modem-samples.js';
import { rollback, storeError } from './postgres-errors.js';
import {
  BEGIN_WRITE,
  CALL_KEYS_FILE,
  dayOf,
  FILED_DAYS,
  type Filing,
  filing,
  KnownDays,
  NESTED_LOOPS,
  type PgRunner,
  RETENTION_LOCK,
  SMS_KEY_INSERT,
} from './postgres-partitions.js';
import { readStatement, WarmConnections } from './postgres-pool.js';
import { dropExpired } from './postgres-retention.js';
import * as SQL from './postgres-sql.js';
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
import { OVERVIEW_COLUMNS } from './rollup-sql.js';
import { type CallTuple, type SmsTuple, toCallRecord, toSmsRecord, toSmsStats } from './sqlite-rows.js';
import { bucketSize } from './sqlite-sql.js';
import { rewritePostgresIds } from './stored-ids.js';
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
import { callRounds, type Protect, smsOriginWrite, smsReportWrite } from './writes.js';
export interface PostgresCallStoreOptions {
  /** `postgres://user:password@host:5432/database` (the password never appears in errors). */
  url: string;
  privacy: PrivacyConfig;
  /** The name records written through this store are tagged with (default: the host name). */
  instance?: string;
  /** A schema to keep the tables in (created if missing); default the connection's search path. */
  schema?: string;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** As in SQLite: answered calls in a range up to which percentiles are exact (default 10,000). */
  exactPercentilesUpTo?: number;
  /**
   * A connection, or a free one of the pool, not had within this fails the operation with
   * `ST_STORE_UNAVAILABLE` (default 5000 ms): a server that is down or hung answers in bounded time.
   */
  connectTimeoutMs?: number;
  /**
   * The server cancels a statement running longer (`statement_timeout`); a server that does not
   * answer at all (stopped, partitioned) is given up on 1 s later and the connection dropped
   * (default 10,000 ms). Migrations are not limited.
   */
  statementTimeoutMs?: number;
}

const DAY_MS = 86_400_000;
const BATCH = 2000;
/** How long a migration statement may run (the client's read timeout; the server's is lifted). */
const MIGRATION_TIMEOUT_MS = 3_600_000;
const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** BIGINT and NUMERIC (counts, sums, epoch ms) as numbers: they fit a double in this schema. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** [column, position] in an `overview` row of the columns each kind of row carries. */
const at = (cs: readonly string[]): Array<[string, number]> =>
  cs.map((c) => [c, (OVERVIEW_COLUMNS as readonly string[]).indexOf(c)]);
const STATS_AT = at(
  OVERVIEW_COLUMNS.filter((c) => !['kind', 'start', 'direction', 'channel', 'trunk', 'failure'].includes(c)),
);
const BREAKDOWN_AT = at(['direction', 'channel', 'trunk', 'failure', 'n']);
const SERIES_AT = at(['start', 'status', 'kpi', 'n', 'dur_count', 'dur_sum']);

/** The URL with its credentials masked (the one redaction list, src/secrets.ts), for messages. */
export function redactUrl(url: string): string {
  try {
    return redactUrlCredentials(new URL(url).toString());
  } catch {
    return '(unparseable URL)';
  }
}

type Db = pg.Pool | pg.PoolClient;

/** A range plan with the filed-day bounds of the PostgreSQL reads (postgres-sql.ts `READS`). */
type FiledPlan = RangePlan & { lag: number; active_from: number };

/** A write by name: node-postgres prepares it once per connection (parse and plan once). */
const write = (db: Db, name: keyof typeof SQL.WRITES, values: unknown[]) =>
  db.query({ name: `sidetone_${name}`, text: SQL.WRITES[name], values });

/**
 * PostgreSQL implementation of {@link CallStore}.
 *
 * @example
 * ```ts
 * const store = await openPostgresCallStore({
 *   url: 'postgres://sidetone@db:5432/telephony',
 *   privacy: { hashKey: process.env.SIDETONE_HASH_KEY!, storeRaw: false },
 *   instance: 'pbx-east',
 * });
 * await store.applyBatch(updates); // one transaction
 * const fleet = await store.stats({ from, to }); // every instance
 * const east = await store.stats({ from, to, instance: 'pbx-east' });
 * ```
 */
export class PostgresCallStore implements CallStore {
  readonly url: string;
  readonly instance: string;
  schemaVersion = 0;
  private readonly pool: pg.Pool;
  private readonly poolSize: number;
  /** The pool's connections run each rollup read once before serving (postgres-pool.ts). */
  private readonly warm = new WarmConnections();
  private readonly privacy: PrivacyConfig;
  private readonly protect: Protect;
  /** Call and message ids and submission references as the database keeps them: keyed hashes unless revealed (privacy.ts). */
  private readonly callIds: (id: string) => string;
  private readonly messageIds: (id: string) => string;
  private readonly references: (reference: string) => string;
  private readonly exactPercentilesUpTo: number;
  private closed = false;
  private readonly schema: string | undefined;
  /** An open in flight (`open`), shared by whoever needs the store meanwhile. */
  private opening: Promise<void> | undefined;
  private readonly openBackoff = new Backoff(250, 5000);
  private openError: unknown;
  /** The largest filing lag read from `call_days` so far: what the bounds read plans with. */
  private lag = 0;
  /** The days whose partitions exist, as far as this store knows (postgres-partitions.ts). */
  private readonly days = new KnownDays();
  /** The partition code's access to the database, with this store's errors and retries. */
  private readonly runner: PgRunner = {
    query: (text, values) => this.query('partitions', text, values),
    transaction: (fn) => this.transaction('deleteOlderThan', fn),
  };

  constructor(opts: PostgresCallStoreOptions) {
    if (typeof opts?.url !== 'string' || !/^postgres(ql)?:\/\//.test(opts.url)) {
      throw new ValidationError(
        'ST_STORE_URL',
        `store url must be a postgres:// URL, got ${showValue(opts?.url === undefined ? undefined : redactUrl(String(opts.url)))}; e.g. "postgres://sidetone@localhost:5432/sidetone"`,
        [{ path: 'url', message: 'postgres://user@host:port/database' }],
      );
    }
    if (opts.schema !== undefined && !IDENT.test(opts.schema)) {
      throw new ValidationError(
        'ST_STORE_URL',
        `schema must be a lower-case SQL identifier, got ${showValue(opts.schema)}; e.g. "sidetone"`,
        [{ path: 'schema', message: '[a-z_][a-z0-9_]*' }],
      );
    }
    this.privacy = checkPrivacyConfig(opts.privacy);
    this.protect = numberProtector(this.privacy);
    this.callIds = recordIds(this.privacy, 'cid');
    this.messageIds = recordIds(this.privacy, 'mid');
    this.references = recordIds(this.privacy, 'ref');
    this.url = redactUrl(opts.url);
    this.instance = opts.instance ?? hostname();
    this.exactPercentilesUpTo = opts.exactPercentilesUpTo ?? EXACT_PERCENTILES_UP_TO;
    // Settings every connection starts with: the instance tag (the tables' column default), the
    // plan cache mode and the schema. Sent as startup options, so no pooled connection can miss them.
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
    // Custom plans for prepared statements: a generic plan of the rollup reads (parameters
    // unknown) scans whole tables, 1.6 s instead of 30 ms at 10M calls; parsing stays cached.
    let options = `-c sidetone.instance=${esc(this.instance)} -c plan_cache_mode=force_custom_plan`;
    if (opts.schema !== undefined) options += ` -c search_path=${opts.schema}`;
    this.poolSize = opts.poolSize ?? 4;
    this.schema = opts.schema;
    const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: this.poolSize,
      // Every connection stays open while idle (a new one is cold: postgres-pool.ts); idle ones
      // do not keep the process alive, as pg-pool's idle timeout let it end before.
      min: this.poolSize,
      allowExitOnIdle: true,
      onConnect: this.warm.onConnect,
      options,
      types: TYPES,
      // Bounded waits (issue 31): a stopped server (SIGSTOP) held every request for as long as it
      // stayed stopped. The server cancels a long statement itself; one that cannot answer at all
      // is given up on by the client a second later, and that connection is dropped (`release`).
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1000,
      // A peer gone without a word (a partition) is found on idle connections too.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A connection the server ends (a restart, `pg_ctl stop`) emits 'error' on its client. An idle
    // one is the pool's (its 'error' event); one lent out has no listener of pg-pool's, and an
    // unhandled 'error' ended the process (9 of 10 stops under ingest, issue 31). The query in
    // flight rejects with the same error, and the broken client is dropped when it is released.
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /**
   * Migrate and open the pool, as `openPostgresCallStore` does. A store constructed but not open
   * yet (the sidecar starting while the database is down) opens on first use, retried with
   * backoff; until then every operation fails with `ST_STORE_UNAVAILABLE`.
   */
  async open(): Promise<void> {
    this.assertOpen('open');
    if (this.schemaVersion > 0) return;
    this.opening ??= (async () => {
      try {
        await this.migrate(this.schema);
        await this.fillPool();
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /** Open on first use (see `open`), no more often than the backoff allows. */
  private async ready(what: string): Promise<void> {
    if (this.opening === undefined && !this.openBackoff.due()) {
      throw new StoreError(
        'ST_STORE_UNAVAILABLE',
        `call store ${this.url}: ${what} failed: not connected yet (${faultCause(this.openError)}); retried shortly`,
        { cause: this.openError },
      );
    }
    try {
      await this.open();
      this.openBackoff.reset();
    } catch (e) {
      // Migrated, but warming the pool failed: the reads are prepared on first use instead.
      if (this.schemaVersion > 0) return;
      this.openBackoff.failed();
      this.openError = e;
      throw this.wrap(e, what);
    }
  }

  /** Open every connection of the pool now, each with the rollup reads prepared (postgres-pool.ts). */
  async fillPool(): Promise<void> {
    this.assertOpen('open');
    try {
      await this.warm.fill(this.pool, this.poolSize);
    } catch (e) {
      throw this.wrap(e, 'open');
    }
  }

  /** Create the schema if asked, and bring it to the latest version under an advisory lock. */
  async migrate(schema?: string): Promise<number> {
    this.assertOpen('migrate');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.wrap(e, 'migrate');
    }
    // A migration may rewrite big tables or wait for another instance's: neither timeout applies.
    const q = (text: string, values?: unknown[]) =>
      client.query({
        text,
        ...(values && { values }),
        query_timeout: MIGRATION_TIMEOUT_MS,
      } as pg.QueryConfig);
    let broken: unknown;
    try {
      await q('BEGIN');
      await q('SET LOCAL statement_timeout = 0');
      // One migrator at a time across instances (CREATE SCHEMA IF NOT EXISTS races too); the lock
      // ends with the transaction.
      await q("SELECT pg_advisory_xact_lock(hashtext('sidetone.migrate'))");
      if (schema !== undefined) await q(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await q(
        'CREATE TABLE IF NOT EXISTS sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
      );
      const r = await q('SELECT MAX(version) AS v FROM sidetone_schema');
      const current = (r.rows[0] as { v: number | null } | undefined)?.v ?? 0;
      if (current > SQL.PG_LATEST_VERSION) {
        throw new StoreError(
          'ST_STORE_SCHEMA_TOO_NEW',
          `call store ${this.url} has schema version ${current}, but this sidetone knows up to ` +
            `${SQL.PG_LATEST_VERSION}; upgrade sidetone, or use another database or schema`,
        );
      }
      for (const m of SQL.PG_MIGRATIONS) {
        if (m.version <= current) continue;
        await q(m.sql);
        await q('INSERT INTO sidetone_schema (version, description) VALUES ($1, $2)', [
          m.version,
          m.description,
        ]);
      }
      // Raw ids of an older version hashed, under the same lock (stored-ids.ts).
      await rewritePostgresIds(client, this.privacy);
      await q('COMMIT');
      this.schemaVersion = Math.max(current, SQL.PG_LATEST_VERSION);
      this.warm.ready = true;
      return this.schemaVersion;
    } catch (e) {
      broken = await rollback(client, e);
      throw this.wrap(e, 'migrate');
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  private async connect(what: string): Promise<pg.PoolClient> {
    this.assertOpen(what);
    if (this.schemaVersion === 0) await this.ready(what);
    try {
      return await this.pool.connect();
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) {
      throw new StoreError(
        'ST_STORE_CLOSED',
        `call store ${this.url} is closed; ${what} needs an open store (open it again)`,
      );
    }
  }

  /** A driver error as the StoreError that names the fix (postgres-errors.ts). */
  private wrap(e: unknown, what: string): Error {
    return storeError(e, this.url, what);
  }

  private async query<R extends pg.QueryResultRow>(
    what: string,
    text: string,
    values: unknown[],
    db: Db = this.pool,
  ): Promise<pg.QueryResult<R>> {
    this.assertOpen(what);
    if (this.schemaVersion === 0) await this.ready(what);
    try {
      return await db.query<R>(text, values);
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  /** Rows as arrays, in column order (the tuple shapes the SQLite backend reads too). */
  private async tuples<T>(what: string, text: string, values: unknown[]): Promise<T[]> {
    this.assertOpen(what);
    if (this.schemaVersion === 0) await this.ready(what);
    try {
      return (await this.pool.query({ text, values, rowMode: 'array' })).rows as T[];
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  /**
   * Run `fn` in one transaction on one connection: all or nothing. Concurrent batches update the
   * same rollup rows; a deadlock (or serialization failure) between them rolls one back, and it
   * is run again, as PostgreSQL advises, rather than failing the write.
   */
  private async transaction(what: string, fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(what);
      let broken: unknown;
      try {
        await client.query('BEGIN');
        await fn(client);
        await client.query('COMMIT');
        return;
      } catch (e) {
        broken = await rollback(client, e);
        const code = (e as { code?: unknown })?.code;
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw this.wrap(e, what);
      } finally {
        client.release(broken as Error | undefined);
      }
    }
  }

  /**
   * A batch as a few set-based statements: the writer's lock (and a day's partition, should it
   * have gone since `KnownDays.prepare`), the calls' filed days, then one upsert per round (see
   * CALL_BATCH_UPSERT).
   */
  private async writeCalls(db: Db, updates: readonly CallUpdate[], filing: Filing): Promise<void> {
    await db.query({ name: 'sidetone_begin_write', text: BEGIN_WRITE, values: ['calls', filing.days] });
    const filed = new Map(filing.ids.map((id, i) => [id, filing.idDays[i]!]));
    const known = await db.query<{ call_id: string; filed_day: number | null }>({
      name: 'sidetone_call_keys',
      text: CALL_KEYS_FILE,
      values: [filing.ids, filing.idDays],
    });
    const late: string[] = [];
    for (const r of known.rows) {
      if (r.filed_day === null) late.push(r.call_id);
      else filed.set(r.call_id, r.filed_day);
    }
    if (late.length > 0) {
      // Filed by a concurrent batch this one waited for: visible to a new statement.
      const more = await db.query<{ call_id: string; filed_day: number }>(FILED_DAYS, [late]);
      for (const r of more.rows) filed.set(r.call_id, r.filed_day);
    }
    for (const rows of callRounds(this.protect, updates)) {
      // Rows to columns: one array parameter per column, the filed day first.
      const columns = [
        rows.map((r) => filed.get(r[0] as string)),
        ...rows[0]!.map((_, i) => rows.map((r) => r[i])),
      ];
      await db.query({ name: 'sidetone_call_batch', text: SQL.CALL_BATCH_UPSERT, values: columns });
    }
  }

  /** Write a batch of call updates in one transaction, filed (see `filing`). */
  private async callBatch(what: string, updates: readonly CallUpdate[]): Promise<void> {
    const f = filing(updates);
    await this.days.prepare(this.runner, 'calls', f.days);
    await this.transaction(what, (c) => this.writeCalls(c, updates, f));
  }

  /** The SMS writer's lock and the partitions of the days these updates may file new ids under. */
  private async beginSms(db: Db, updates: readonly SmsUpdate[]): Promise<void> {
    const days = [...new Set(updates.map((u) => dayOf(Math.trunc(u.at))))];
    await db.query({ name: 'sidetone_begin_write', text: BEGIN_WRITE, values: ['sms', days] });
  }

  private async smsBatch(what: string, updates: readonly SmsUpdate[]): Promise<void> {
    await this.days.prepare(
      this.runner,
      'sms',
      updates.map((u) => dayOf(Math.trunc(u.at))),
    );
    await this.transaction(what, async (c) => {
      await this.beginSms(c, updates);
      for (const u of updates) await this.writeSms(c, u);
    });
  }

  private async writeSms(db: Db, u: SmsUpdate): Promise<void> {
    const file = (id: string) =>
      db.query({ name: 'sidetone_sms_key', text: SMS_KEY_INSERT, values: [id, dayOf(Math.trunc(u.at))] });
    if (u.kind === 'received' || u.kind === 'sent') {
      const [name, values] = smsOriginWrite(this.protect, u);
      await file(u.messageId);
      await write(db, name, values);
      return;
    }
    // Filed under the submission it matches (reference on its gateway), else under its own id.
    const matched =
      u.match === undefined
        ? undefined
        : (
            await db.query<{ message_id: string }>(SQL.SMS_PENDING_BY_REFERENCE, [
              u.match.gateway ?? null,
              u.match.reference,
              Math.trunc(u.at),
            ])
          ).rows[0]?.message_id;
    await file(matched ?? u.messageId);
    await write(db, 'smsReport', smsReportWrite(u, matched ?? u.messageId));
  }

  async apply(update: CallUpdate): Promise<void> {
    checkCallUpdate(update);
    // A batch of one: filing the call takes its key row and maybe a partition, in one transaction.
    await this.callBatch('apply', withStoredCallIds([update], this.callIds));
  }

  async applyBatch(updates: readonly CallUpdate[]): Promise<number> {
    // Validate everything first: a bad update rejects the whole batch before anything is written.
    for (let i = 0; i < updates.length; i++) checkCallUpdate(updates[i]!, i);
    if (updates.length === 0) return 0;
    await this.callBatch('applyBatch', withStoredCallIds(updates, this.callIds));
    return updates.length;
  }

  async applySms(update: SmsUpdate): Promise<void> {
    checkSmsUpdate(update);
    await this.smsBatch('applySms', withStoredSmsIds([update], this.messageIds, this.references));
  }

  async applySmsBatch(updates: readonly SmsUpdate[]): Promise<number> {
    for (let i = 0; i < updates.length; i++) checkSmsUpdate(updates[i]!, i);
    if (updates.length === 0) return 0;
    await this.smsBatch('applySmsBatch', withStoredSmsIds(updates, this.messageIds, this.references));
    return updates.length;
  }

  /** A call by the id it was sent with, or by the hashed id reads show (`cid:…`). */
  async getCall(callId: string, opts?: ReadOptions): Promise<CallRecord | undefined> {
    const [row] = await this.tuples<CallTuple>('getCall', SQL.CALL_BY_ID, [this.callIds(callId)]);
    return row && toCallRecord(row, mayReveal(this.privacy, opts?.reveal));
  }

  async recentCalls(
    q: { statuses: readonly CallStatus[]; limit: number; before?: number },
    opts?: ReadOptions,
  ): Promise<CallRecord[]> {
    const limit = Math.max(0, Math.min(10_000, Math.trunc(q.limit)));
    const before = Math.trunc(q.before ?? Number.MAX_SAFE_INTEGER);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const rows: CallTuple[] = [];
    for (const st of new Set(q.statuses)) {
      rows.push(
        ...(await this.tuples<CallTuple>('recentCalls', SQL.CALLS_RECENT_BY_STATUS, [st, before, limit])),
      );
    }
    rows.sort((a, b) => b[2] - a[2] || b[0] - a[0]);
    return rows.slice(0, limit).map((r) => toCallRecord(r, reveal));
  }

  /** $1..$6 of a call range (see postgres-sql.ts). */
  private range(q: CallQuery): unknown[] {
    return [
      Math.ceil(q.from),
      Math.ceil(q.to),
      q.direction ?? null,
      q.trunk ?? null,
      q.channel ?? null,
      q.instance ?? null,
    ];
  }

  async *iterateCalls(q: CallQuery & { chunkSize?: number }, opts?: ReadOptions): AsyncIterable<CallRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const params = this.range(q);
    const limit = q.chunkSize ?? 1000;
    let afterId = -1;
    const lag = (await this.query<{ lag: number }>('iterateCalls', SQL.CALL_LAG, [])).rows[0]?.lag ?? 0;
    // Keyset pages, as in SQLite: no cursor holds a connection (and a snapshot) for a whole export.
    for (;;) {
      const rows = await this.tuples<CallTuple>('iterateCalls', SQL.CALL_PAGE, [
        ...params,
        afterId,
        limit,
        lag,
      ]);
      for (const r of rows) yield toCallRecord(r, reveal);
      const last = rows[rows.length - 1];
      if (!last || rows.length < limit) return;
      params[0] = last[2];
      afterId = last[0];
      await yieldToLoop();
    }
  }

  /**
   * `fn` in one read-only REPEATABLE READ transaction: the filed-day bounds a plan reads (`plan`)
   * and the read that uses them see one snapshot, so a call a writer commits between the two, filed
   * further back than any before, cannot fall outside the partitions the read takes.
   */
  private async snapshot<T>(what: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect(what);
    let broken: unknown;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const r = await fn(client);
      await client.query('COMMIT');
      return r;
    } catch (e) {
      broken = await rollback(client, e);
      throw this.wrap(e, what);
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  /** A rollup read with its named parameters bound in order. */
  private async rollupRead<R extends pg.QueryResultRow>(
    what: keyof typeof SQL.ROLLUP_READS,
    params: RangePlan & { lag?: number; active_from?: number },
    rowMode?: 'array',
    db: Db = this.pool,
  ): Promise<R[]> {
    const { text, names } = SQL.ROLLUP_READS[what];
    const values = names.map((n) => (params as unknown as Record<string, unknown>)[n] ?? null);
    this.assertOpen(what);
    if (this.schemaVersion === 0) await this.ready(what);
    try {
      // Named: each connection parses these long statements once (when it opens: postgres-pool.ts).
      const name = readStatement(what);
      const q = rowMode ? db.query({ name, text, values, rowMode }) : db.query<R>({ name, text, values });
      return (await q).rows as R[];
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  /** Which slots of `q` come from rollups (see rollup.ts). */
  private async plan(q: CallQuery, db: Db = this.pool): Promise<FiledPlan> {
    const plan = planRange(q, q.exact);
    // With the filed-day bounds the reads' record parts need (postgres-sql.ts `READS`), read with
    // the largest lag seen so far; a larger one since means reading again with it (see RANGE_BOUNDS).
    type Bounds = { later: boolean; lag: number; active_from: number };
    const bounds = async (lag: number) =>
      (await this.rollupRead<Bounds>('after', { ...plan, lag }, undefined, db))[0];
    const seen = this.lag;
    let row = await bounds(seen);
    if (row !== undefined && row.lag > seen) row = await bounds(row.lag);
    this.lag = row?.lag ?? 0;
    const filed = { lag: row?.lag ?? 0, active_from: row?.active_from ?? SQL.NO_ACTIVE_DAY };
    return { ...(q.exact || row?.later ? plan : planRange(q, false, true)), ...filed };
  }

  async stats(q: CallQuery): Promise<CallStats> {
    checkRange(q);
    return foldCallStats(
      await this.snapshot('stats', async (db) =>
        this.rollupRead<StatsGroup>('stats', await this.plan(q, db), undefined, db),
      ),
    );
  }

  async overview(q: CallQuery, bucket: Bucket): Promise<CallOverview> {
    checkRange(q);
    bucketSize(bucket);
    // One statement for the three reads (see rollup-sql.ts `overview`), its rows split by kind.
    // Read as arrays: an object of all 22 columns per row, mostly NULL, cost about 4 ms more than
    // the arrays (7 days by hour: 2,400 series rows).
    const rows = await this.snapshot('overview', async (db) =>
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
    return foldOverview(stats, breakdown, series);
  }

  async durationPercentiles(q: CallQuery, ps: readonly number[]): Promise<(number | null)[]> {
    checkRange(q);
    if (ps.length === 0) return [];
    checkPercentiles(ps);
    const plan = await this.plan(q);
    return durationPercentiles(plan, ps, this.exactPercentilesUpTo, {
      histogram: (plan) => this.rollupRead<{ b: number; n: number }>('histogram', plan),
      bounds: (plan) => this.rollupRead<Bound>('bounds', plan),
      exact: async () => {
        const r = await this.query<Record<string, number | null>>(
          'durationPercentiles',
          SQL.durationPercentilesSql(ps.length),
          [...this.range(q), ...ps, plan.lag],
        );
        const row = r.rows[0] ?? {};
        return ps.map((_, i) => row[`p${i}`] ?? null);
      },
    });
  }

  async series(q: CallQuery, bucket: Bucket): Promise<SeriesRow[]> {
    checkRange(q);
    bucketSize(bucket);
    const read = bucket === 'day' ? 'seriesDay' : 'seriesHour';
    return foldSeries(
      await this.snapshot('series', async (db) =>
        this.rollupRead<SeriesGroup>(read, await this.plan(q, db), undefined, db),
      ),
    );
  }

  async lastActivityAt(): Promise<number | null> {
    const r = await this.query<{ c: number | null; s: number | null }>(
      'lastActivityAt',
      SQL.LAST_ACTIVITY,
      [],
    );
    const { c, s } = r.rows[0] ?? { c: null, s: null };
    return c === null && s === null ? null : Math.max(c ?? 0, s ?? 0);
  }

  async countActiveSince(olderThan: number): Promise<number> {
    const r = await this.query<{ n: number }>('countActiveSince', SQL.COUNT_ACTIVE_SINCE, [
      Math.trunc(olderThan),
    ]);
    return r.rows[0]?.n ?? 0;
  }

  /** A message by the id it was sent with, or by the hashed id reads show (`mid:…`). */
  async getSms(messageId: string, opts?: ReadOptions): Promise<SmsRecord | undefined> {
    const [row] = await this.tuples<SmsTuple>('getSms', SQL.SMS_BY_ID, [this.messageIds(messageId)]);
    return row && toSmsRecord(row, mayReveal(this.privacy, opts?.reveal));
  }

  async *iterateSms(
    q: { from: number; to: number; chunkSize?: number },
    opts?: ReadOptions,
  ): AsyncIterable<SmsRecord> {
    checkRange(q);
    const reveal = mayReveal(this.privacy, opts?.reveal);
    const limit = q.chunkSize ?? 1000;
    let afterAt = Math.ceil(q.from);
    let afterId = -1;
    const lag = await this.smsLag('iterateSms');
    for (;;) {
      const rows = await this.tuples<SmsTuple>('iterateSms', SQL.SMS_PAGE, [
        afterAt,
        Math.ceil(q.to),
        afterId,
        limit,
        lag,
      ]);
      for (const r of rows) yield toSmsRecord(r, reveal);
      const last = rows[rows.length - 1];
      if (!last || rows.length < limit) return;
      afterAt = last[2];
      afterId = last[0];
      await yieldToLoop();
    }
  }

  async smsStats(q: { from: number; to: number }): Promise<SmsStats> {
    checkRange(q);
    const lag = await this.smsLag('smsStats');
    const r = await this.query('smsStats', SQL.SMS_STATS, [Math.ceil(q.from), Math.ceil(q.to), lag]);
    return toSmsStats(r.rows[0] ?? {});
  }

  /** How far past a range's last day its SMS can be filed (SQL.SMS_LAG), bound before planning. */
  private async smsLag(what: string): Promise<number> {
    return (await this.query<{ lag: number }>(what, SQL.SMS_LAG, [])).rows[0]?.lag ?? 0;
  }

  async closeZombies(maxActiveSeconds: number, now: number = Date.now()): Promise<number> {
    checkMaxActive(maxActiveSeconds);
    const params = [Math.trunc(now), Math.trunc(now - maxActiveSeconds * 1000), BATCH];
    return drain(BATCH, async () => {
      let n = 0;
      await this.transaction('closeZombies', async (c) => {
        await c.query(NESTED_LOOPS);
        n = (await c.query(SQL.CLOSE_ZOMBIES, params)).rowCount ?? 0;
      });
      return n;
    });
  }

  async deleteOlderThan(
    days: number,
    opts: { batchSize?: number; now?: number } = {},
  ): Promise<DeleteResult> {
    const batch = opts.batchSize ?? BATCH;
    checkRetention(days, batch);
    const cutoff = Math.trunc((opts.now ?? Date.now()) - days * DAY_MS);
    // Whole expired days first, as partitions dropped (no row-by-row delete, no dead rows left to
    // vacuum); then the rows of newer days filed before the cutoff, in batches, as before.
    let calls = await dropExpired(this.runner, this.days, 'calls', cutoff);
    let sms = await dropExpired(this.runner, this.days, 'sms', cutoff);
    const remove = (sql: string) => async () => {
      let n = 0;
      await this.transaction('deleteOlderThan', async (c) => {
        await c.query(RETENTION_LOCK);
        await c.query(NESTED_LOOPS);
        n = (await c.query(sql, [cutoff, batch])).rowCount ?? 0;
      });
      return n;
    };
    calls += await drain(batch, remove(SQL.DELETE_CALLS_BATCH));
    sms += await drain(batch, remove(SQL.DELETE_SMS_BATCH));
    await this.transaction('deleteOlderThan', async (c) => {
      for (const text of SQL.ROLLUP_PRUNE) await c.query(text, [cutoff]);
    });
    // The modem's history goes with the calls (a minute's samples per modem: one statement).
    await this.query('deleteOlderThan', PG_DELETE_SAMPLES, [cutoff]);
    return { calls, sms };
  }

  async appendModemSamples(samples: readonly ModemSample[]): Promise<number> {
    for (const x of samples) checkModemSample(x);
    if (samples.length === 0) return 0;
    const col = <K extends keyof ModemSample>(k: K) => samples.map((x) => x[k]);
    const r = await this.query('appendModemSamples', PG_INSERT_SAMPLES, [
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

  /** Every instance's modems unless `q.instance` names one (a fleet shares the store). */
  async modemHistory(q: ModemHistoryQuery): Promise<ModemSample[]> {
    checkRange(q);
    const r = await this.query<Record<string, unknown>>('modemHistory', PG_MODEM_HISTORY, [
      Math.trunc(q.from),
      Math.trunc(q.to),
      q.modem ?? null,
      historyLimit(q),
      q.instance ?? null,
    ]);
    return r.rows.map(toModemSample);
  }

  /**
   * Readiness: rejects unless the server takes writes (a hot standby does not). Cheap enough for
   * every health check: one round trip, no table touched.
   */
  async probeWritable(): Promise<void> {
    const r = await this.query<{ ro: boolean }>('probeWritable', 'SELECT pg_is_in_recovery() AS ro', []);
    if (r.rows[0]?.ro !== false) {
      throw new StoreError(
        'ST_STORE_POSTGRES',
        `call store ${this.url} is a read-only standby; point store.url at the primary`,
      );
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/**
 * Connect to PostgreSQL and migrate (creating the schema if given). Several instances may open the
 * same database at once: migrations run one at a time under an advisory lock.
 *
 * @example
 * ```ts
 * const store = await openPostgresCallStore({ url: process.env.DATABASE_URL!, privacy: { hashKey, storeRaw: false } });
 * ```
 */
export async function openPostgresCallStore(opts: PostgresCallStoreOptions): Promise<PostgresCallStore> {
  const store = new PostgresCallStore(opts);
  try {
    await store.open();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
