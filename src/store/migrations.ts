/**
 * Versioned schema for the SQLite store. The version lives in `PRAGMA user_version`; each
 * migration runs in its own transaction together with the version bump, so a crash mid-upgrade
 * leaves the file at the previous version, never half-migrated. Append new migrations; never edit
 * a released one.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { kpiFlagsSql, reasonSql, statusSql } from './derive.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

const numberColumns = (p: string) => `${p}_hash TEXT, ${p}_masked TEXT, ${p}_raw TEXT`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'calls table with derived status, reason, KPI flags and durations',
    // Status, reason and durations are generated columns: they are functions of the collected
    // facts, so any order of updates that collects the same facts yields the same record.
    sql: `
      CREATE TABLE calls (
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
        reason_eff TEXT GENERATED ALWAYS AS ${reasonSql()} STORED,
        status TEXT GENERATED ALWAYS AS ${statusSql()} STORED,
        kpi INTEGER GENERATED ALWAYS AS ${kpiFlagsSql()} STORED,
        duration_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND started_at IS NOT NULL THEN MAX(0, ended_at - started_at) END) STORED,
        talk_ms INTEGER GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND answered_at IS NOT NULL THEN MAX(0, ended_at - answered_at) END) STORED,
        pdd_ms INTEGER GENERATED ALWAYS AS (CASE WHEN ringing_at IS NOT NULL AND started_at IS NOT NULL
          THEN MAX(0, ringing_at - started_at) END) STORED
      );
      CREATE INDEX calls_first_at ON calls (first_at);
      CREATE INDEX calls_status_first_at ON calls (status, first_at);
    `,
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
  for (const m of MIGRATIONS) {
    if (m.version <= current || m.version > target) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
