/**
 * The PostgreSQL backend's versioned schema: released migrations are frozen text (pinned by
 * SHA-256 in test/store/migrations-frozen.test.ts). Status, reason and KPI bits are generated
 * columns from the one call classifier, as in SQLite, so both backends file a call the same way.
 */

import { PG_EVENT_IDS } from '../event-ids.js';
import { PG_MODEM_SAMPLES } from '../modem-samples.js';
import { CLASSIFIER_R1, pgStatus } from '../records/classifier-r1.js';
import { PG_READ_INDEXES, PG_ROLLUPS, ROLLUP_ROWS } from '../rollup/sql.js';
import { callCost, END_TO_END_FIRST_AT, END_TO_END_ID, SMS_REASON_RENAME } from '../sqlite/migrations.js';
import { CALL_DAYS_LEGS, PG_PARTITIONS, SMS_DAYS, SMS_PENDING } from './partitions.js';

/** `?` placeholders as PostgreSQL's `$1, $2, ...`, in textual order (the order they are bound in). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export interface PgMigration {
  version: number;
  description: string;
  sql: string;
  /** As in SQLite (sqlite/migrations.ts `Migration.rows`): the end of `sql` built in the background. */
  rows?: string;
}

const numberColumns = (p: string) => `${p}_hash TEXT, ${p}_masked TEXT, ${p}_raw TEXT`;
const nonNegative = (a: string, b: string) => `GREATEST(0, ${a} - ${b})`;

/**
 * Migrations, applied in order in one transaction under an advisory lock (several instances may
 * start at once), each recorded in `sidetone_schema`: a failure leaves the schema where it was.
 * Append; never edit a released one. Records carry the instance that first wrote them: the
 * connection's `sidetone.instance` setting is the column default, so the shared upserts need no
 * extra parameter.
 */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: 'calls and sms tables with derived status, reason, KPI bits, durations and instance',
    sql: `
      CREATE TABLE calls (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        call_id TEXT NOT NULL UNIQUE,
        instance TEXT DEFAULT current_setting('sidetone.instance', true),
        first_at BIGINT NOT NULL,
        direction TEXT, channel TEXT, trunk TEXT,
        ${numberColumns('from')}, ${numberColumns('to')},
        started_at BIGINT, ringing_at BIGINT, answered_at BIGINT, ended_at BIGINT,
        end_status TEXT, sip_code INTEGER, q850 INTEGER, reason TEXT, hangup_by TEXT,
        closed_by_cleanup INTEGER NOT NULL DEFAULT 0,
        transcript INTEGER NOT NULL DEFAULT 0,
        mos DOUBLE PRECISION, jitter_ms DOUBLE PRECISION, loss_percent DOUBLE PRECISION, rtt_ms DOUBLE PRECISION,
        reason_eff TEXT GENERATED ALWAYS AS ${CLASSIFIER_R1.reason} STORED,
        status TEXT GENERATED ALWAYS AS ${pgStatus(CLASSIFIER_R1)} STORED,
        kpi INTEGER GENERATED ALWAYS AS ${CLASSIFIER_R1.kpi} STORED,
        duration_ms BIGINT GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND started_at IS NOT NULL THEN ${nonNegative('ended_at', 'started_at')} END) STORED,
        talk_ms BIGINT GENERATED ALWAYS AS (CASE WHEN closed_by_cleanup = 0 AND ended_at IS NOT NULL
          AND answered_at IS NOT NULL THEN ${nonNegative('ended_at', 'answered_at')} END) STORED,
        pdd_ms BIGINT GENERATED ALWAYS AS (CASE WHEN ringing_at IS NOT NULL AND started_at IS NOT NULL
          THEN ${nonNegative('ringing_at', 'started_at')} END) STORED
      );
      CREATE INDEX calls_first_at ON calls (first_at);
      CREATE INDEX calls_status_first_at ON calls (status, first_at);
      CREATE INDEX calls_instance_first_at ON calls (instance, first_at);
      CREATE TABLE sms (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        message_id TEXT NOT NULL UNIQUE,
        instance TEXT DEFAULT current_setting('sidetone.instance', true),
        first_at BIGINT NOT NULL,
        direction TEXT, gateway TEXT, segments INTEGER,
        ${numberColumns('from')}, ${numberColumns('to')},
        received_at BIGINT, sent_at BIGINT, pending_at BIGINT, delivered_at BIGINT,
        failed_at BIGINT, unknown_at BIGINT, status_code INTEGER, failure_reason TEXT, reference TEXT,
        status TEXT GENERATED ALWAYS AS (CASE WHEN direction = 'inbound' THEN 'received'
          WHEN delivered_at IS NOT NULL THEN 'delivered' WHEN failed_at IS NOT NULL THEN 'failed'
          WHEN pending_at IS NOT NULL THEN 'pending' WHEN unknown_at IS NOT NULL THEN 'unknown'
          WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'queued' END) STORED,
        latency_ms BIGINT GENERATED ALWAYS AS (CASE WHEN delivered_at IS NOT NULL AND sent_at IS NOT NULL
          THEN ${nonNegative('delivered_at', 'sent_at')} END) STORED
      );
      CREATE INDEX sms_first_at ON sms (first_at);
      CREATE INDEX sms_gateway_reference ON sms (gateway, reference, sent_at);
    `,
  },
  {
    version: 2,
    description: 'calls: hourly and daily rollups with duration histograms, kept by statement triggers',
    sql: PG_ROLLUPS,
    rows: ROLLUP_ROWS('pg'),
  },
  {
    version: 3,
    description: 'calls: hourly and daily rollups indexed by time for their dimension-free rows',
    sql: PG_READ_INDEXES,
  },
  {
    version: 4,
    description: 'calls and sms partitioned by filed day (call_keys, sms_keys), rows moved over',
    sql: PG_PARTITIONS,
  },
  {
    version: 5,
    description: 'sms: the filing lag of each day (sms_days), so SMS reads plan only the days they can match',
    sql: SMS_DAYS,
  },
  {
    version: 6,
    description:
      'sms: the submissions a delivery report can still match (sms_pending), read instead of every day',
    sql: SMS_PENDING,
  },
  {
    version: 7,
    description: 'store-wide facts (sidetone_meta): whether call and message ids are kept hashed',
    // The ids themselves are rewritten in code, with the key (stored-ids.ts).
    sql: 'CREATE TABLE sidetone_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);',
  },
  {
    version: 8,
    description:
      "calls: the voice agent's turn summary (turns, heard-silence p50/p95, interruptions, dead air, talk)",
    // On the partitioned table: every day's partition gets the columns. DOUBLE PRECISION, not
    // REAL: PostgreSQL's REAL is 4 bytes, SQLite's 8.
    sql: `
      ALTER TABLE calls ADD COLUMN agent_turns INTEGER;
      ALTER TABLE calls ADD COLUMN agent_silence_p50_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN agent_silence_p95_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN agent_interruptions INTEGER;
      ALTER TABLE calls ADD COLUMN agent_dead_air INTEGER;
      ALTER TABLE calls ADD COLUMN agent_talk_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN agent_listen_ms DOUBLE PRECISION;
    `,
  },
  {
    version: 9,
    description: "calls: the call's SIP message sequence (the ladder), JSON",
    // TEXT as in SQLite: it is stored and served whole, never queried inside.
    sql: 'ALTER TABLE calls ADD COLUMN sip_flow TEXT;',
  },
  {
    version: 10,
    description:
      "modem_samples: each modem's state a minute and at each change, per instance, for its history",
    sql: PG_MODEM_SAMPLES,
  },
  {
    version: 11,
    description:
      "calls: media per direction (worst MOS, jitter, loss, RTT and the codec of each stream) and the voice agent's first turns, JSON",
    // As SQLite's 13: columns per direction merged in SQL; the turn list TEXT, served whole.
    sql: `
      ALTER TABLE calls ADD COLUMN c2e_mos DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN c2e_jitter_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN c2e_loss_percent DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN c2e_rtt_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN c2e_codec TEXT;
      ALTER TABLE calls ADD COLUMN e2c_mos DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN e2c_jitter_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN e2c_loss_percent DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN e2c_rtt_ms DOUBLE PRECISION;
      ALTER TABLE calls ADD COLUMN e2c_codec TEXT;
      ALTER TABLE calls ADD COLUMN agent_turn_list TEXT;
    `,
  },
  {
    version: 12,
    description: "sms: failure reasons in the ingest API's words (network, modem, quota)",
    // As SQLite's 14; on the partitioned table, every day's rows.
    sql: SMS_REASON_RENAME,
  },
  {
    version: 13,
    description: 'event_ids: keyed hashes of the event ids stored, so a retry after a restart is a duplicate',
    // As SQLite's 15: one table for the instances sharing the database.
    sql: PG_EVENT_IDS,
  },
  {
    version: 14,
    description:
      "calls: the end-to-end call a B2BUA leg belongs to (its keyed hash), indexed to join a call's legs",
    // As SQLite's 16; the index is made on every day's partition.
    sql: END_TO_END_ID,
  },
  {
    version: 15,
    description:
      "calls: the answering-machine verdict, the agent's provider cost by stage and the carrier's price per minute (issue 52)",
    // As SQLite's 17.
    sql: callCost('DOUBLE PRECISION', 'BIGINT'),
  },
  {
    version: 16,
    description:
      "calls: the legs with an end-to-end id indexed by filing time, for a period's end-to-end KPIs (issue 53)",
    // As SQLite's 18; the index is made on every day's partition.
    sql: END_TO_END_FIRST_AT,
  },
  {
    version: 17,
    description:
      "calls: per filed day, the legs with an end-to-end id (call_days.legs), so a period's end-to-end read plans only the days holding one",
    sql: CALL_DAYS_LEGS,
  },
];

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;
