/**
 * Versioned schema for the SQLite store. The version lives in `PRAGMA user_version`; each
 * migration runs in its own transaction together with the version bump, so a crash mid-upgrade
 * leaves the file at the previous version, never half-migrated. Append new migrations; never edit
 * a released one (test/store/migrations-frozen.test.ts pins each by its SHA-256; pin a new one
 * there when it is released).
 *
 * When the call classifier changes (a row of src/domain/outcome/table.ts, or its SQL), append no
 * migration: bump CLASSIFIER_REVISION there and pin the new SQL in migrations-frozen.test.ts. On
 * open, after the migrations, a store built at an older revision rebuilds the columns derived
 * from the classifier (status, reason, KPI bits) and every rollup from its records, on both
 * backends (records/rederive.ts), so old files agree with `/metrics`. The released migrations keep
 * building revision 1 (records/classifier-r1.ts): their text never follows the live classifier.
 */
import type Database from 'better-sqlite3';
import { InternalError, StoreError } from '../../errors.js';
import { SQLITE_EVENT_IDS } from '../event-ids.js';
import { SQLITE_MODEM_SAMPLES } from '../modem-samples.js';
import { CLASSIFIER_R1, type ClassifierSql } from '../records/classifier-r1.js';
import {
  ROLLUP_ROWS,
  SQLITE_CHANGE_QUEUE,
  SQLITE_READ_INDEXES,
  SQLITE_ROLLUPS,
  SQLITE_SLOT_MARKS,
} from '../rollup/sql.js';
import { startRollupBuild } from './rollup-build.js';
import { FRESH_SQLITE_SCHEMA } from './schema.generated.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
  /**
   * The end of `sql` that fills new tables from the records already stored: left out when the
   * migration runs, and done in the background once the store is open (rollup/build.ts).
   */
  rows?: string;
}

/** The version that adds `sidetone_meta`, where a build left to the background is recorded. */
const META_VERSION = 9;

/**
 * SQLite 14 and PostgreSQL 12: the SMS failure reasons stored before them in the ingest API's
 * words. Literal (frozen once released), the same text on both backends.
 */
/**
 * Issue 53: the end-to-end call a B2BUA leg belongs to (legs linked by hep.leg_correlation), null
 * for a call with no correlation configured, which the partial index leaves out. The same text in
 * both backends (PostgreSQL makes the index on every day's partition).
 */
export const END_TO_END_ID = `
      ALTER TABLE calls ADD COLUMN end_to_end_id TEXT;
      CREATE INDEX calls_end_to_end_id ON calls (end_to_end_id) WHERE end_to_end_id IS NOT NULL;
    `;
/**
 * Issue 53: the end-to-end figures of a period (ASR, PDD as the caller experienced them) read the
 * legs filed in it that carry an end-to-end id: a partial index on the filing time of those alone,
 * so a store without leg correlation reads nothing (the index is empty) and one with it reads the
 * period's legs, not every leg it keeps. The same text in both backends.
 */
export const END_TO_END_FIRST_AT = `
      CREATE INDEX calls_end_to_end_first_at ON calls (first_at) WHERE end_to_end_id IS NOT NULL;
    `;
/**
 * Issue 52: what a call cost and who answered it. The answering-machine verdict (the earliest
 * kept, with its time); the agent's provider cost by stage in the price file's currency (the sink
 * sends a call's running total, the one folding more usage reports wins); the carrier's price per
 * minute for the call's trunk, fixed when the call starts (its cost is that times the talk time,
 * computed on read). `real` and `bigint`: each backend's names for an 8-byte float and integer.
 */
const CALL_COST: ReadonlyArray<readonly [string, 'text' | 'int' | 'bigint' | 'real']> = [
  ['amd_category', 'text'],
  ['amd_at', 'bigint'],
  ['cost_currency', 'text'],
  ['cost_ai', 'real'],
  ['cost_llm', 'real'],
  ['cost_stt', 'real'],
  ['cost_tts', 'real'],
  ['cost_reports', 'int'],
  ['cost_unpriced', 'int'],
  ['carrier_currency', 'text'],
  ['carrier_per_minute', 'real'],
  ['carrier_increment_s', 'int'],
];
/** The columns SQLite 17 and PostgreSQL 15 add (the upgrade tests model the schemas before them). */
export const CALL_COST_COLUMNS: readonly string[] = CALL_COST.map(([c]) => c);
export const callCost = (real: 'REAL' | 'DOUBLE PRECISION', bigint: 'INTEGER' | 'BIGINT') => {
  const types = { text: 'TEXT', int: 'INTEGER', bigint, real };
  return CALL_COST.map(([c, t]) => `ALTER TABLE calls ADD COLUMN ${c} ${types[t]};`).join('\n');
};
export const SMS_REASON_RENAME = `UPDATE sms SET failure_reason = CASE failure_reason
  WHEN 'network_error' THEN 'network' WHEN 'modem_error' THEN 'modem' WHEN 'no_credit' THEN 'quota' END
  WHERE failure_reason IN ('network_error', 'modem_error', 'no_credit');`;

const numberColumns = (p: string) => `${p}_hash TEXT, ${p}_masked TEXT, ${p}_raw TEXT`;

/** Columns holding facts (everything but the generated columns): what a rebuild copies. */
const CALL_FACT_COLUMNS = `id, call_id, first_at, direction, channel, trunk, from_hash, from_masked, from_raw,
  to_hash, to_masked, to_raw, started_at, ringing_at, answered_at, ended_at, end_status, sip_code, q850,
  reason, hangup_by, closed_by_cleanup, transcript, mos, jitter_ms, loss_percent, rtt_ms`;

/**
 * The calls table. Status, reason, KPI bits and durations are generated columns: functions of the
 * collected facts, so any order of updates that collects the same facts yields the same record.
 * The derivations come from the one call classifier (src/domain/outcome): the released migrations
 * with its frozen revision 1 (records/classifier-r1.ts), a rebuild with the current one (records/rederive.ts).
 */
export function callsTable(name: string, classifier: ClassifierSql): string {
  return `
      CREATE TABLE ${name} (
        id INTEGER PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE,
        first_at INTEGER NOT NULL,
        direction TEXT, channel TEXT, trunk TEXT,
        ${numberColumns('from')}, ${numberColumns('to')},
        started_at INTEGER, ringing_at INTEGER, answered_at INTEGER, ended_at INTEGER,
        end_status TEXT, sip_code INTEGER, q850 INTEGER, reason TEXT, hangup_by TEXT,
        closed_by_cleanup INTEGER NOT NULL DEFAULT 0,
        transcript INTEGER NOT NULL DEFAULT 0,
        mos REAL, jitter_ms REAL, loss_percent REAL, rtt_ms REAL,
        reason_eff TEXT GENERATED ALWAYS AS ${classifier.reason} STORED,
        status TEXT GENERATED ALWAYS AS ${classifier.status} STORED,
        kpi INTEGER GENERATED ALWAYS AS ${classifier.kpi} STORED,
        duration_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND started_at IS NOT NULL THEN MAX(0, ended_at - started_at) END) STORED,
        talk_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND answered_at IS NOT NULL THEN MAX(0, ended_at - answered_at) END) STORED,
        pdd_ms INTEGER GENERATED ALWAYS AS (CASE WHEN ringing_at IS NOT NULL AND started_at IS NOT NULL
          THEN MAX(0, ringing_at - started_at) END) STORED
      );
      CREATE INDEX ${name}_first_at ON ${name} (first_at);
      CREATE INDEX ${name}_status_first_at ON ${name} (status, first_at);
    `;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'calls table with derived status, reason, KPI flags and durations',
    sql: callsTable('calls', CLASSIFIER_R1),
  },
  {
    version: 2,
    description: 'sms table with derived status and delivery latency',
    sql: `
      CREATE TABLE sms (
        id INTEGER PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        first_at INTEGER NOT NULL,
        direction TEXT, gateway TEXT, segments INTEGER,
        ${numberColumns('from')}, ${numberColumns('to')},
        received_at INTEGER, sent_at INTEGER, pending_at INTEGER, delivered_at INTEGER,
        failed_at INTEGER, unknown_at INTEGER, status_code INTEGER, failure_reason TEXT,
        status TEXT GENERATED ALWAYS AS (CASE WHEN direction = 'inbound' THEN 'received'
          WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN failed_at IS NOT NULL THEN 'failed'
          WHEN pending_at IS NOT NULL THEN 'pending' WHEN unknown_at IS NOT NULL THEN 'unknown'
          WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'queued' END) STORED,
        latency_ms INTEGER GENERATED ALWAYS AS (CASE WHEN delivered_at IS NOT NULL AND sent_at IS NOT NULL
          THEN MAX(0, delivered_at - sent_at) END) STORED
      );
      CREATE INDEX sms_first_at ON sms (first_at);
    `,
  },
  {
    version: 3,
    description:
      'calls: status, reason and KPI bits from the one call classifier (Timer B, 401/407, outcome)',
    // SQLite cannot alter a generated column: rebuild the table, copying the facts; the derived
    // columns are recomputed by the new expressions. Index names keep the v1 names.
    sql: `
      ${callsTable('calls_v3', CLASSIFIER_R1)}
      INSERT INTO calls_v3 (${CALL_FACT_COLUMNS}) SELECT ${CALL_FACT_COLUMNS} FROM calls;
      DROP TABLE calls;
      ALTER TABLE calls_v3 RENAME TO calls;
      DROP INDEX calls_v3_first_at;
      DROP INDEX calls_v3_status_first_at;
      CREATE INDEX calls_first_at ON calls (first_at);
      CREATE INDEX calls_status_first_at ON calls (status, first_at);
    `,
  },
  {
    version: 4,
    description: 'sms: the submission reference, so a report finds its submission per modem',
    // A TP-MR wraps at 255 per modem: records are keyed by submission, and a report is matched to
    // the most recent pending submission with its reference on its modem (index below).
    sql: `
      ALTER TABLE sms ADD COLUMN reference TEXT;
      CREATE INDEX sms_gateway_reference ON sms (gateway, reference, sent_at);
    `,
  },
  {
    version: 5,
    description: 'calls: hourly and daily rollups with duration histograms, kept by triggers',
    sql: SQLITE_ROLLUPS,
    rows: ROLLUP_ROWS('sqlite'),
  },
  {
    version: 6,
    description: 'calls: rollup slots marked by writes and rebuilt per flush; the trigger queue dropped',
    sql: SQLITE_SLOT_MARKS,
  },
  {
    version: 7,
    description:
      'calls: writes queue the calls they change for the rollups; slots stay marked by cleanup and retention',
    sql: SQLITE_CHANGE_QUEUE,
  },
  {
    version: 8,
    description: 'calls: indexes over the dimension-free hourly and daily rollup rows, for unfiltered reads',
    sql: SQLITE_READ_INDEXES,
  },
  {
    version: 9,
    description: 'store-wide facts (sidetone_meta): whether call and message ids are kept hashed',
    // The ids themselves are rewritten in code, with the key (stored-ids.ts).
    sql: 'CREATE TABLE sidetone_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
  },
  {
    version: 10,
    description:
      "calls: the voice agent's turn summary (turns, heard-silence p50/p95, interruptions, dead air, talk)",
    // Plain columns (records/upsert-sql.ts AGENT_COLUMNS): SQLite adds them without rebuilding the table.
    sql: `
      ALTER TABLE calls ADD COLUMN agent_turns INTEGER;
      ALTER TABLE calls ADD COLUMN agent_silence_p50_ms REAL;
      ALTER TABLE calls ADD COLUMN agent_silence_p95_ms REAL;
      ALTER TABLE calls ADD COLUMN agent_interruptions INTEGER;
      ALTER TABLE calls ADD COLUMN agent_dead_air INTEGER;
      ALTER TABLE calls ADD COLUMN agent_talk_ms REAL;
      ALTER TABLE calls ADD COLUMN agent_listen_ms REAL;
    `,
  },
  {
    version: 11,
    description: "calls: the call's SIP message sequence (the ladder), JSON",
    sql: 'ALTER TABLE calls ADD COLUMN sip_flow TEXT;',
  },
  {
    version: 12,
    description: "modem_samples: each modem's state a minute and at each change, for its history",
    sql: SQLITE_MODEM_SAMPLES,
  },
  {
    version: 13,
    description:
      "calls: media per direction (worst MOS, jitter, loss, RTT and the codec of each stream) and the voice agent's first turns, JSON",
    // Columns per direction, not JSON: the upsert keeps each one's worst in SQL (as for the call's
    // worst), so reports commute and a retry changes nothing, with no read-modify-write.
    sql: `
      ALTER TABLE calls ADD COLUMN c2e_mos REAL;
      ALTER TABLE calls ADD COLUMN c2e_jitter_ms REAL;
      ALTER TABLE calls ADD COLUMN c2e_loss_percent REAL;
      ALTER TABLE calls ADD COLUMN c2e_rtt_ms REAL;
      ALTER TABLE calls ADD COLUMN c2e_codec TEXT;
      ALTER TABLE calls ADD COLUMN e2c_mos REAL;
      ALTER TABLE calls ADD COLUMN e2c_jitter_ms REAL;
      ALTER TABLE calls ADD COLUMN e2c_loss_percent REAL;
      ALTER TABLE calls ADD COLUMN e2c_rtt_ms REAL;
      ALTER TABLE calls ADD COLUMN e2c_codec TEXT;
      ALTER TABLE calls ADD COLUMN agent_turn_list TEXT;
    `,
  },
  {
    version: 14,
    description: "sms: failure reasons in the ingest API's words (network, modem, quota)",
    // One word per reason on every surface (issue 33): the words of schemas up to 13 rewritten
    // (domain/records.ts RENAMED_SMS_FAILURE_REASONS). No rollup holds an SMS reason.
    sql: SMS_REASON_RENAME,
  },
  {
    version: 15,
    description: 'event_ids: keyed hashes of the event ids stored, so a retry after a restart is a duplicate',
    // Written in the transaction of the events they name (event-ids.ts), bounded by each write.
    sql: SQLITE_EVENT_IDS,
  },
  {
    version: 16,
    description:
      "calls: the end-to-end call a B2BUA leg belongs to (its keyed hash), indexed to join a call's legs",
    sql: END_TO_END_ID,
  },
  {
    version: 17,
    description:
      "calls: the answering-machine verdict, the agent's provider cost by stage and the carrier's price per minute (issue 52)",
    sql: callCost('REAL', 'INTEGER'),
  },
  {
    version: 18,
    description:
      "calls: the legs with an end-to-end id indexed by filing time, for a period's end-to-end KPIs (issue 53)",
    sql: END_TO_END_FIRST_AT,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Bring `db` up to `target` (default: latest). Returns the version the file is at afterwards.
 *
 * @example
 * ```ts
 * const db = new Database('calls.db');
 * migrate(db, 'calls.db'); // 2 (LATEST_VERSION)
 * ```
 * Throws StoreError `ST_STORE_SCHEMA_TOO_NEW` for a
 * file written by a newer sidetone, rather than guessing at a schema it does not know.
 */
export function migrate(db: Database.Database, file: string, target: number = LATEST_VERSION): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) {
    throw new StoreError(
      'ST_STORE_SCHEMA_TOO_NEW',
      `call store ${JSON.stringify(file)} has schema version ${current}, but this sidetone knows up to ` +
        `${LATEST_VERSION}; upgrade sidetone, or point the store path at another file`,
    );
  }
  const empty = current === 0 && db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === 0;
  if (empty && target === FRESH_SQLITE_SCHEMA.version) {
    // A new file gets what the migrations would leave, in one transaction: 1.5 ms of CPU here
    // instead of 10-17 (issue 39, start-up on a Pi).
    db.transaction(() => {
      db.exec(FRESH_SQLITE_SCHEMA.sql);
      db.pragma(`user_version = ${target}`);
    })();
  } else applyMigrations(db, current, target);
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Run the migrations after `current` up to `target`, each in its own transaction with its version
 * bump. @internal migrate() and the schema of a new file (sqlite/schema-gen.ts) use it.
 */
export function applyMigrations(db: Database.Database, current: number, target: number): void {
  const steps = MIGRATIONS.filter((m) => m.version > current && m.version <= target);
  const run = (m: Migration, sql: string) => {
    db.exec(sql);
    db.pragma(`user_version = ${m.version}`);
  };
  // From a migration whose rows can wait (the rollups', 617 s at 1M calls) on, the rest run in one
  // transaction that records the build left to the background: a crash leaves the file before
  // that migration, never at a version that lacks its rows with nothing saying so. Where the
  // target has no `sidetone_meta` to record it in, the rows are built as they were.
  const first = target >= META_VERSION ? steps.findIndex((m) => m.rows !== undefined) : -1;
  for (const m of first < 0 ? steps : steps.slice(0, first)) db.transaction(() => run(m, m.sql))();
  if (first < 0) return;
  db.transaction(() => {
    for (const m of steps.slice(first)) run(m, withoutRows(m));
    startRollupBuild(db);
  })();
}

/** A migration's text without the rows it would build (see `Migration.rows`). */
function withoutRows(m: Migration): string {
  if (m.rows === undefined) return m.sql;
  if (!m.sql.endsWith(m.rows))
    throw new InternalError(`migration ${m.version}: its rows are not the end of its text`);
  return m.sql.slice(0, m.sql.length - m.rows.length);
}
