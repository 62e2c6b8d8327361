/**
 * Opening the SQLite file: directory creation, pragmas, migrations, statements prepared on first
 * use, and the translation of driver errors into StoreErrors that name the fix.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type CodeOf, SidetoneError, StoreError, showValue, ValidationError } from '../../errors.js';
import { SQLITE_EVENT_ID_SQL } from '../event-ids.js';
import type { PrivacyConfig } from '../privacy.js';
import { rederiveSqlite } from '../records/rederive.js';
import { SQLITE_QUEUE } from '../rollup/sql.js';
import { BACKSTOP_PAGES } from './checkpoint.js';
import { openIdRewrite, type SqliteIdRewrite } from './id-rewrite.js';
import { migrate } from './migrations.js';
import { SqliteRollups } from './rollups.js';
import * as SQL from './sql.js';

export interface SqliteCallStoreOptions {
  /** Database file, created (with its directory) on first use; `:memory:` for a throwaway store. */
  path: string;
  privacy: PrivacyConfig;
  /** SQLite page cache in MiB (default 32): bigger speeds ingest into large stores, costs RSS. */
  cacheSizeMb?: number;
  /** How long to wait for another process's write lock (default 5000 ms). */
  busyTimeoutMs?: number;
  /**
   * Answered calls in a range up to which duration percentiles are exact (read from the records);
   * above, they come from the rollup histogram within 9.05 %. Default 10,000.
   */
  exactPercentilesUpTo?: number;
  /**
   * Copy the WAL back into the file on a thread of its own instead of inside the commits that
   * cross SQLite's threshold (default true; ignored for `:memory:`). Writers then checkpoint only
   * past a 16 MiB backstop. Costs a thread once the store first writes. Pays in bulk ingest with a
   * core to spare (sqlite/checkpoint.ts); the sidecar runs without it (server/store-from-config.ts).
   */
  checkpointThread?: boolean;
  /**
   * Build rollups missing at open (a store from before them, a classifier change) in the
   * background, a bounded slice at a time (default true); false leaves it to `buildRollups()`.
   */
  buildRollupsInBackground?: boolean;
  /** Records a slice of that build rebuilds (default 8,192: about 25 ms of work on this machine). */
  rollupSliceRecords?: number;
}

/** The statements of a store, each prepared once, on first use. */
export type Statements = Record<keyof typeof STATEMENT_SQL, Database.Statement>;

/**
 * Turn a driver error into a StoreError that says what to do; our own errors pass through. The code
 * says what a writer can do about it (the store sink reads it): `ST_STORE_FULL` (free disk space),
 * `ST_STORE_UNAVAILABLE` (another writer holds the lock: retry), `ST_STORE_REFUSED` (SQLite cannot
 * keep a value of this item: retrying it fails again), `ST_STORE_SQLITE` (anything else).
 */
export function wrap(e: unknown, what: string, file: string): Error {
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
            : refused(code)
              ? 'SQLite cannot keep a value of this item; it is not retried'
              : 'check the store path and disk';
  return new StoreError(
    sqliteCode(code),
    `call store ${JSON.stringify(file)}: ${what} failed (${msg}); ${fix}`,
    {
      cause: e,
    },
  );
}

/**
 * Refusals of one item's values: a type SQLite cannot store in the column (a time past 2^63 was
 * SQLITE_MISMATCH), a value over its size limit, or a constraint.
 */
const refused = (code: string) =>
  code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG' || code.startsWith('SQLITE_CONSTRAINT');

function sqliteCode(code: string): CodeOf<'store'> {
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'ST_STORE_FULL';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'ST_STORE_UNAVAILABLE';
  return refused(code) ? 'ST_STORE_REFUSED' : 'ST_STORE_SQLITE';
}

/** Every statement the store runs, by name: each prepared on its first use (`LazyStatements`). */
const STATEMENT_SQL = {
  combined: SQL.UPSERT_CALL_COMBINED,
  // The combined upsert without the rules a row cannot change (records/upsert-sql.ts), by its bits.
  combinedKeepingFirst: SQL.UPSERT_CALL_NARROWED[1],
  combinedUnindexed: SQL.UPSERT_CALL_NARROWED[2],
  combinedKeepingFirstUnindexed: SQL.UPSERT_CALL_NARROWED[3],
  // Writes to calls queue them for the rollups (rollup/sql.ts, sqlite/rollups.ts).
  callBefore: SQLITE_QUEUE.before,
  rollupRemove: SQLITE_QUEUE.remove,
  rollupAdd: SQLITE_QUEUE.add,
  zombies: `${SQL.CLOSE_ZOMBIES} RETURNING first_at`,
  smsReceived: SQL.UPSERT_SMS_RECEIVED,
  smsSent: SQL.UPSERT_SMS_SENT,
  smsReport: SQL.UPSERT_SMS_REPORT,
  smsPendingByReference: SQL.SMS_PENDING_BY_REFERENCE,
  // Rollup reads: with a filter (detailed rows), and without (`...All`, dimension-free rows).
  stats: SQL.ROLLUP_READS.stats,
  statsAll: SQL.ROLLUP_READS_ALL.stats,
  breakdown: SQL.ROLLUP_READS.breakdown,
  seriesHour: SQL.ROLLUP_READS.seriesHour,
  seriesHourAll: SQL.ROLLUP_READS_ALL.seriesHour,
  seriesDay: SQL.ROLLUP_READS.seriesDay,
  seriesDayAll: SQL.ROLLUP_READS_ALL.seriesDay,
  durationBounds: SQL.ROLLUP_READS.bounds,
  durationBoundsAll: SQL.ROLLUP_READS_ALL.bounds,
  durationHistogram: SQL.ROLLUP_READS.histogram,
  durationHistogramAll: SQL.ROLLUP_READS_ALL.histogram,
  callsAfter: SQL.ROLLUP_READS.after,
  page: SQL.CALL_PAGE,
  byId: SQL.CALL_BY_ID,
  legs: SQL.CALL_LEGS,
  endToEndLegs: SQL.END_TO_END_LEGS,
  recent: SQL.CALLS_RECENT_BY_STATUS,
  activeSince: SQL.COUNT_ACTIVE_SINCE,
  lastActivity: SQL.LAST_ACTIVITY,
  deleteCalls: `${SQL.DELETE_CALLS_BATCH} RETURNING first_at`,
  deleteSms: SQL.DELETE_SMS_BATCH,
  smsById: SQL.SMS_BY_ID,
  ...SQLITE_EVENT_ID_SQL,
  smsPage: SQL.SMS_PAGE,
  smsStats: SQL.SMS_STATS,
} as const;

/** Filing times come back as plain numbers. */
const PLUCK: ReadonlySet<string> = new Set(['zombies', 'deleteCalls']);
/** Record reads (see records/call-rows.ts, records/sms-rows.ts) and the write's look at a call return arrays. */
const RAW: ReadonlySet<string> = new Set([
  'callBefore',
  'page',
  'byId',
  'legs',
  'endToEndLegs',
  'recent',
  'smsById',
  'smsPage',
]);

const NAMES = Object.keys(STATEMENT_SQL) as Array<keyof Statements>;
const DB = Symbol('db');
const MADE = Symbol('made');

/**
 * The store's statements, each prepared on its first use and kept: a start prepares only what it
 * runs before it is ready (reads of the console, retention's deletes, the SMS statements of a
 * SIP-only sidecar wait for their first call). Preparing all 37 at open was 16 of the 49 ms the
 * open took in a profiled start; `sidetone serve`'s CPU to its first 200 on /readyz went from 430
 * to 420 ms (medians of 12 alternating starts, issue 51's start-up). A getter on the
 * prototype over a slot array keeps the object's shape fixed, so a hot path's `s.combined` stays
 * a monomorphic load; test/store/sqlite-statements.test.ts prepares every one against a new store.
 */
class LazyStatements {
  // Symbol keys: the statements' names are the only enumerable properties.
  readonly [MADE]: Array<Database.Statement | undefined> = new Array(NAMES.length).fill(undefined);
  readonly [DB]: Database.Database;
  constructor(db: Database.Database) {
    this[DB] = db;
  }
}
for (const [i, name] of NAMES.entries()) {
  const sql = STATEMENT_SQL[name];
  Object.defineProperty(LazyStatements.prototype, name, {
    enumerable: true,
    get(this: LazyStatements): Database.Statement {
      let st = this[MADE][i];
      if (st === undefined) {
        st = this[DB].prepare(sql);
        st = RAW.has(name) ? st.raw(true) : PLUCK.has(name) ? st.pluck() : st;
        this[MADE][i] = st;
      }
      return st;
    },
  });
}

/** Validate the path, create its directory, open in WAL mode, migrate (statements wait for their use). */
export function openDatabase(opts: SqliteCallStoreOptions): {
  db: Database.Database;
  path: string;
  schemaVersion: number;
  statements: Statements;
  /** Keeps the rollups up with the writes to calls (sqlite/rollups.ts). */
  rollups: SqliteRollups;
  /** The raw ids left for the background to hash (sqlite/id-rewrite.ts); undefined for none. */
  ids: SqliteIdRewrite | undefined;
} {
  if (typeof opts.path !== 'string' || opts.path === '') {
    throw new ValidationError(
      'ST_STORE_PATH',
      `store path must be a file path, got ${showValue(opts.path)}; e.g. "data/calls.db"`,
      [{ path: 'path', message: 'non-empty string' }],
    );
  }
  const memory = opts.path === ':memory:';
  const path = memory ? opts.path : resolve(opts.path);
  let db: Database.Database | undefined;
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: opts.busyTimeoutMs ?? 5000 });
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (!memory && mode !== 'wal') {
      throw new StoreError(
        'ST_STORE_NO_WAL',
        `call store ${JSON.stringify(path)} could not switch to WAL (got ${showValue(mode)}); ` +
          'put the file on a local filesystem',
      );
    }
    // NORMAL in WAL mode: commits survive a process crash without an fsync per transaction.
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${-Math.round((opts.cacheSizeMb ?? 32) * 1024)}`);
    db.pragma('temp_store = MEMORY');
    // The checkpoint thread or, without it, the idle checkpoints copy the WAL (sqlite/checkpoint.ts):
    // a writer's own checkpoint is the backstop.
    if (!memory) db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    const schemaVersion = migrate(db, path);
    rederiveSqlite(db, path);
    const ids = openIdRewrite(db, opts.privacy);
    return {
      db,
      path,
      schemaVersion,
      statements: new LazyStatements(db) as unknown as Statements,
      rollups: new SqliteRollups(db),
      ids,
    };
  } catch (e) {
    db?.close();
    throw wrap(e, 'open', path);
  }
}

/** A second connection for bulk reads (exports), with its own small page cache. */
export interface Reader {
  db: Database.Database;
  page: Database.Statement;
  smsPage: Database.Statement;
}

/**
 * Open the export reader. A full-table export would otherwise flush the writer's page cache (hot
 * ingest pages) and hold it at its maximum size; 2 MiB is plenty for sequential keyset pages.
 */
export function openReader(path: string, busyTimeoutMs = 5000): Reader {
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    db.pragma('query_only = 1');
    db.pragma('cache_size = -2048');
    return {
      db,
      page: db.prepare(SQL.CALL_PAGE).raw(true),
      smsPage: db.prepare(SQL.SMS_PAGE).raw(true),
    };
  } catch (e) {
    db.close();
    throw wrap(e, 'open reader', path);
  }
}
