/**
 * SQL text of the PostgreSQL backend's reads and writes. The writes are the ones SQLite runs
 * (records/upsert-sql.ts) with their `?` numbered and each row filed under its day (see
 * postgres/partitions.ts); the schema they run on is postgres/sql.ts.
 */
import { SMS_STATUSES } from '../../domain/records.js';
import { callColumn, SQL_TYPES } from '../records/call-columns.js';
import { CALL_COLUMN_LIST } from '../records/call-rows.js';
import { KPI_FLAG } from '../records/derive.js';
import { SMS_COLUMN_LIST } from '../records/sms-rows.js';
import * as UPSERT from '../records/upsert-sql.js';
import { ROLLUP_PRUNE as PRUNE_NAMED, positional, rollupReads } from '../rollup/sql.js';
import { DAY_MS, keyed, NO_GATEWAY } from './partitions.js';
import { numbered } from './sql.js';

// --- Writes ----------------------------------------------------------------------------------

/**
 * The SMS upserts, filed (postgres/partitions.ts `keyed`). Calls are written by CALL_BATCH_UPSERT
 * only, a single update as a batch of one.
 */
export const WRITES = {
  smsReceived: keyed(numbered(UPSERT.UPSERT_SMS_RECEIVED), 'sms', 'message_id', 'sms_keys'),
  smsSent: keyed(numbered(UPSERT.UPSERT_SMS_SENT), 'sms', 'message_id', 'sms_keys'),
  smsReport: keyed(numbered(UPSERT.UPSERT_SMS_REPORT), 'sms', 'message_id', 'sms_keys'),
} as const;

/**
 * As in SQLite (the most recent pending submission with the reference on the gateway, sent by the
 * report's time), from the pending submissions kept beside the partitions (`SMS_PENDING`).
 */
export const SMS_PENDING_BY_REFERENCE = `SELECT message_id FROM sms_pending
  WHERE reference = $2 AND sent_at <= $3
    AND ($1::text IS NULL OR gateway = $1::text OR gateway = ${NO_GATEWAY})
  ORDER BY (gateway = COALESCE($1::text, ${NO_GATEWAY})) DESC, sent_at DESC, id DESC LIMIT 1`;

/**
 * One batch of zombie cleanup ($1 now, $2 cutoff, $3 batch size). Rows are found by the primary
 * key (id, filed_day): with the partition key bound, each lookup reads one partition (run after
 * NESTED_LOOPS, postgres/partitions.ts).
 */
export const CLOSE_ZOMBIES = `UPDATE calls SET ended_at = $1, end_status = 'timeout', reason = 'timeout',
  closed_by_cleanup = 1 WHERE (id, filed_day) IN
  (SELECT id, filed_day FROM calls WHERE status = 'active' AND first_at < $2 LIMIT $3)`;

// --- Reads -----------------------------------------------------------------------------------

const CALL_COLUMNS = CALL_COLUMN_LIST.join(', ');
const SMS_COLUMNS = SMS_COLUMN_LIST.join(', ');

/**
 * A call range: $1 from, $2 to, $3 direction, $4 trunk, $5 channel, $6 instance (null = any);
 * further parameters start at $7.
 */
const FILTERS = `($3::text IS NULL OR direction = $3) AND ($4::text IS NULL OR trunk = $4)
  AND ($5::text IS NULL OR channel = $5) AND ($6::text IS NULL OR instance = $6)`;
/**
 * A record starting at or after $1 is filed on its start's day or later (a start only moves
 * earlier): the partitions of earlier days are skipped when the statement is planned.
 */
const FILED = 'filed_day >= sidetone_day($1)';
const RANGE = `first_at >= $1 AND first_at < $2 AND ${FILED} AND ${FILTERS}`;

/**
 * The shared reads with each record part also bounded by filed day, so that planning takes only
 * the partitions that can hold a match (planning all 90 partitions of a 90-day store for each part
 * took a dashboard read from 20 ms to 130 ms). A record starting at or after @x is filed on that
 * day or later (a start only moves earlier); one starting before @x is filed at most @lag after
 * the day of @x - 1, @lag being the largest lag in `call_days`; a call in progress is filed on or
 * after @active_from, the first day in `call_days` with one. RANGE_BOUNDS reads both before each
 * read. Every `first_at` bound of these reads is on `calls`.
 */
const READS = Object.fromEntries(
  Object.entries(rollupReads('pg')).map(([k, sql]) => [
    k,
    sql
      .replace(
        /status = 'active' AND first_at >= (@[a-z0-9_]+)/g,
        "status = 'active' AND filed_day >= CAST(@active_from AS BIGINT) AND first_at >= $1",
      )
      .replace(/\bfirst_at >= (@[a-z0-9_]+)/g, 'first_at >= $1 AND filed_day >= sidetone_day($1)')
      .replace(
        /\bfirst_at < (@[a-z0-9_]+)/g,
        'first_at < $1 AND filed_day <= sidetone_day($1 - 1) + CAST(@lag AS BIGINT)',
      ),
  ]),
) as ReturnType<typeof rollupReads>;
/** No call in progress: @active_from past every day. */
export const NO_ACTIVE_DAY = 8e18;
/** The largest filing lag of a call (ms; `call_days`): a range's records are filed at most this past its last day. */
const MAX_LAG = 'COALESCE((SELECT MAX(lag) FROM call_days), 0)';
/** The largest filing lag of an SMS (ms; `sms_days`), as MAX_LAG is of a call. */
const SMS_MAX_LAG = 'COALESCE((SELECT MAX(lag) FROM sms_days), 0)';
/** The first filed day holding a call in progress (`call_days`), or NO_ACTIVE_DAY. */
const ACTIVE_FROM = `COALESCE((SELECT MIN(filed_day) FROM call_days WHERE active > 0), ${NO_ACTIVE_DAY}::bigint)`;
/**
 * Read before each analytics read: the filed-day bounds of `READS`, and `later`: is anything filed
 * from @to to the end of its day? Only that stretch matters (rollup/plan.ts `planRange`: with nothing
 * there, the reads take @to's slots up to the end of the day from rollups). Its records are filed
 * from the day of @to to @lag after it, so planning takes those partitions alone. Asked of every
 * record at or after @to, as first written, the partitions of every later day were planned: for a
 * dashboard's previous period (its @to is the range's start) the 90 of a 90-day store, 45-74 ms of
 * planning where one day's took 3 ms (10M calls). @lag here is the largest the store has seen; if
 * `call_days` now has a larger one (returned as `lag`), the store asks again with that.
 */
const RANGE_BOUNDS = `SELECT EXISTS (SELECT 1 FROM calls WHERE first_at >= @to AND first_at < sidetone_day(@to - 1) + ${DAY_MS}
    AND filed_day >= sidetone_day(@to) AND filed_day <= sidetone_day(@to - 1) + CAST(@lag AS BIGINT)) AS later,
  ${MAX_LAG} AS lag, ${ACTIVE_FROM} AS active_from`;
/** Rollup rows emptied by retention, deleted after it ($1: the cutoff). */
export const ROLLUP_PRUNE = PRUNE_NAMED.map((sql) => positional(sql).text);
/**
 * The analytics reads over rollups and records (rollup/sql.ts), with named parameters numbered:
 * bind `names.map((n) => params[n])`.
 */
export const ROLLUP_READS = {
  stats: positional(READS.stats),
  breakdown: positional(READS.breakdown),
  seriesHour: positional(READS.seriesHour),
  seriesDay: positional(READS.seriesDay),
  overviewHour: positional(READS.overviewHour),
  overviewDay: positional(READS.overviewDay),
  bounds: positional(READS.bounds),
  histogram: positional(READS.histogram),
  after: positional(RANGE_BOUNDS),
};

/** Percentiles $7, $8, ... of answered call durations; the last parameter is the @lag of READS. */
export const durationPercentilesSql = (n: number) =>
  `SELECT ${Array.from(
    { length: n },
    (_, i) => `percentile_cont($${7 + i}::float8) WITHIN GROUP (ORDER BY duration_ms) AS p${i}`,
  ).join(', ')}
  FROM calls WHERE ${RANGE} AND filed_day <= sidetone_day($2 - 1) + $${7 + n}::int8
    AND status <> 'active' AND (kpi & ${KPI_FLAG.answered}) <> 0 AND duration_ms IS NOT NULL`;

/**
 * Keyset page: $1 after-at, $2 to, filters $3..$6, $7 after-id, $8 limit (see SQLite's CALL_PAGE),
 * $9 the largest filing lag (CALL_LAG; bounds the partitions read, as in READS).
 */
export const CALL_PAGE = `SELECT ${CALL_COLUMNS} FROM calls
  WHERE first_at >= $1 AND first_at < $2 AND (first_at > $1 OR id > $7) AND ${FILED}
    AND filed_day <= sidetone_day($2 - 1) + $9::int8 AND ${FILTERS}
  ORDER BY first_at, id LIMIT $8`;
export const CALL_LAG = `SELECT ${MAX_LAG} AS lag`;
/**
 * SQL: the filed day of record `$1`, from its key row, else `$2`, the unkeyed day of its table or
 * NULL (postgres/partitions.ts `Unkeyed`; a record with neither is not found there either).
 */
const filedDayOf = (keys: string, key: string) =>
  `COALESCE((SELECT filed_day FROM ${keys} WHERE ${key} = $1), $2::int8)`;
/** By id through its filed day: the one partition that can hold it is read, not every day's index. */
export const CALL_BY_ID = `SELECT ${CALL_COLUMNS} FROM calls
  WHERE call_id = $1 AND filed_day = ${filedDayOf('call_keys', 'call_id')}`;
/** A call's legs (issue 53), on each day's partial index calls_end_to_end_id. */
export const CALL_LEGS = `SELECT ${CALL_COLUMNS} FROM calls WHERE end_to_end_id = $1
  ORDER BY first_at, id LIMIT $2`;
/**
 * The filed days that can hold a leg with an end-to-end id starting in [$1, $2): those of the
 * range (and its lag past it, as READS) whose `call_days.legs` counts one. None for a store
 * without leg correlation.
 */
export const LEG_DAYS = `SELECT COALESCE(array_agg(filed_day ORDER BY filed_day), '{}') AS days FROM call_days
  WHERE legs > 0 AND filed_day >= sidetone_day($1::int8) AND filed_day <= sidetone_day($2::int8 - 1) + ${MAX_LAG}`;
/**
 * The legs with an end-to-end id filed in [from, to) (issue 53), on each day's
 * calls_end_to_end_first_at; $4 the days holding one (LEG_DAYS): planning every day's partition
 * was 9.4 ms of each dashboard read (1M calls over 91 days).
 */
export const END_TO_END_LEGS = `SELECT end_to_end_id, first_at, started_at, ringing_at, kpi FROM calls
  WHERE end_to_end_id IS NOT NULL AND first_at >= $1 AND first_at < $2 AND filed_day = ANY ($4::int8[])
  ORDER BY first_at, id LIMIT $3`;
/**
 * The newest calls of status $1 started before $2, filed from $4 to $5 (the lag) past $2's day:
 * for calls in progress $4 is the first day holding one (ACTIVE_BOUNDS), so that the console's
 * live list plans the day or two holding them, not every day's partition (12 ms of planning a read
 * at 91 days).
 */
export const CALLS_RECENT_BY_STATUS = `SELECT ${CALL_COLUMNS} FROM calls WHERE status = $1 AND first_at < $2
  AND filed_day >= $4::int8 AND filed_day <= sidetone_day($2 - 1) + $5::int8
  ORDER BY first_at DESC, id DESC LIMIT $3`;
/**
 * Calls in progress started before $1, filed from $2 (the first day with one) to $3 (the lag)
 * past $1's day, both read by ACTIVE_BOUNDS: planning every day's partition was 18 ms of the 23 ms
 * this took in each dashboard and health read (1M calls over 91 days; 131 ms on a connection's
 * first read, which opens each partition).
 */
export const COUNT_ACTIVE_SINCE = `SELECT COUNT(*) AS n FROM calls WHERE status = 'active' AND first_at < $1
  AND filed_day >= $2::int8 AND filed_day <= sidetone_day($1 - 1) + $3::int8`;
export const ACTIVE_BOUNDS = `SELECT ${ACTIVE_FROM} AS active_from, ${MAX_LAG} AS lag`;
/**
 * The first filed day that can hold the latest call start, and SMS's: the newest filed day less
 * the largest lag. A record is filed on its start's day or up to the lag after it (`READS`), so
 * a start in a day before that one is earlier than one of the newest day's. NULL with none.
 * LAST_ACTIVITY takes them as values, so that it plans those days' partitions, not all of them.
 */
export const NEWEST_DAYS = `SELECT (SELECT MAX(filed_day) FROM call_days) - ${MAX_LAG} AS calls_from,
  (SELECT MAX(filed_day) FROM sms_days) - ${SMS_MAX_LAG} AS sms_from`;
/** The latest call and SMS starts, $1 and $2 their first filed days (NEWEST_DAYS). */
export const LAST_ACTIVITY = `SELECT (SELECT MAX(first_at) FROM calls WHERE filed_day >= $1::int8) AS c,
  (SELECT MAX(first_at) FROM sms WHERE filed_day >= $2::int8) AS s`;
/**
 * One batch of retention among the partitions it cannot drop ($1 cutoff, $2 batch size): the
 * records and their key rows together (a later event for the id starts a new record, filed anew).
 * Answers `n`, the records deleted (an unkeyed record has no key row: postgres/partitions.ts
 * `Unkeyed`). Run under RETENTION_LOCK.
 */
const deleteBatch = (table: string, key: string, keys: string) => `WITH gone AS (DELETE FROM ${table}
  WHERE (id, filed_day) IN (SELECT id, filed_day FROM ${table} WHERE first_at < $1 ORDER BY first_at LIMIT $2)
  RETURNING ${key}), keys AS (DELETE FROM ${keys} k USING gone WHERE k.${key} = gone.${key})
  SELECT COUNT(*) AS n FROM gone`;
export const DELETE_CALLS_BATCH = deleteBatch('calls', 'call_id', 'call_keys');
export const DELETE_SMS_BATCH = deleteBatch('sms', 'message_id', 'sms_keys');

export const SMS_BY_ID = `SELECT ${SMS_COLUMNS} FROM sms
  WHERE message_id = $1 AND filed_day = ${filedDayOf('sms_keys', 'message_id')}`;
/** The largest SMS filing lag (sms_days): SMS reads plan the partitions up to it past their range. */
export const SMS_LAG = `SELECT ${SMS_MAX_LAG} AS lag`;
/** $1 after-at, $2 to, $3 after-id, $4 limit, $5 the lag (SMS_LAG). */
export const SMS_PAGE = `SELECT ${SMS_COLUMNS} FROM sms
  WHERE first_at >= $1 AND first_at < $2 AND (first_at > $1 OR id > $3) AND ${FILED}
    AND filed_day <= sidetone_day($2 - 1) + $5::int8
  ORDER BY first_at, id LIMIT $4`;
/** $1 from, $2 to, $3 the lag (SMS_LAG), $4 since when a submission still awaits its report. */
export const SMS_STATS = `SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE direction = 'inbound') AS inbound,
    COUNT(*) FILTER (WHERE direction = 'outbound') AS outbound,
    ${SMS_STATUSES.map((s) => `COUNT(*) FILTER (WHERE status = '${s}') AS "s_${s}"`).join(', ')},
    COUNT(latency_ms) AS lat_count, AVG(latency_ms) AS lat_avg,
    percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS lat_p50,
    percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS lat_p95, MAX(latency_ms) AS lat_max,
    COUNT(*) FILTER (WHERE ${UPSERT.smsAwaiting('sms', '$4::int8')}) AS awaiting,
    MIN(sent_at) FILTER (WHERE ${UPSERT.smsAwaiting('sms', '$4::int8')}) AS oldest_awaiting
  FROM sms WHERE first_at >= $1 AND first_at < $2 AND ${FILED} AND filed_day <= sidetone_day($2 - 1) + $3::int8`;

// --- Batched writes --------------------------------------------------------------------------

/** PostgreSQL's type of a column the upserts insert, for its array parameter (records/call-columns.ts). */
const typeOf = (column: string) => SQL_TYPES[callColumn(column).type].pgArray;

const combined = UPSERT.COMBINED_CALL;

/**
 * A batch of calls as one set operation: each row carries up to one update of every kind for one
 * call, one array parameter per column (`unnest`), so thousands of updates cost one round trip
 * and one row version per call instead of one per update. A statement may not update a row twice:
 * a call with two updates of one kind in a batch (a 180 and a 183) goes in a second round. The
 * upserts commute, so this gives the record that one-by-one updates give. Each row carries its
 * call's filed day first ($1, from KeyFiling.callKeys in postgres/partitions.ts).
 */
export const CALL_BATCH_UPSERT = `INSERT INTO calls AS o (filed_day, ${combined.columns.join(', ')})
  SELECT * FROM unnest($1::int8[], ${combined.columns.map((c, i) => `$${i + 2}::${typeOf(c)}[]`).join(', ')})
  ON CONFLICT (call_id, filed_day) DO UPDATE SET ${combined.sets.join(', ')}`;
