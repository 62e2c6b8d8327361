/**
 * SQL text of the SQLite backend, kept apart from the code that runs it. Writes bind positional
 * `?` (measurably faster than named parameters on the ingest path) and are shared with PostgreSQL
 * (records/upsert-sql.ts); reads bind named ones.
 */

import { SMS_STATUSES } from '../../domain/records.js';
import { showValue, ValidationError } from '../../errors.js';
import { CALL_COLUMN_LIST } from '../records/call-rows.js';
import { KPI_FLAG } from '../records/derive.js';
import { SMS_COLUMN_LIST } from '../records/sms-rows.js';
import { smsAwaiting, smsPending } from '../records/upsert-sql.js';
import { rollupReads } from '../rollup/sql.js';
import type { Bucket, CallQuery } from '../types.js';

export type { CallUpsert } from '../records/upsert-sql.js';
export {
  CALL_UPSERTS,
  COMBINED_CALL,
  smsPending,
  UPSERT_ANSWERED,
  UPSERT_CALL_COMBINED,
  UPSERT_CALL_NARROWED,
  UPSERT_ENDED,
  UPSERT_MEDIA,
  UPSERT_RINGING,
  UPSERT_SMS_RECEIVED,
  UPSERT_SMS_REPORT,
  UPSERT_SMS_SENT,
  UPSERT_STARTED,
  UPSERT_TRANSCRIPT,
} from '../records/upsert-sql.js';

/** One batch of zombie cleanup (batched like retention, so a backlog cannot stall the loop). */
export const CLOSE_ZOMBIES = `UPDATE calls SET ended_at = @now, end_status = 'timeout', reason = 'timeout',
  closed_by_cleanup = 1 WHERE id IN (SELECT id FROM calls WHERE status = 'active' AND first_at < @cutoff LIMIT @limit)`;

// --- SMS -------------------------------------------------------------------------------------

/**
 * The submission a report with this reference on this gateway belongs to (types.ts SmsMatch): the
 * most recent one sent at or before the report with no final outcome yet, on its gateway first,
 * else with none; a report with no gateway takes any (params: gateway, reference, report time).
 */
export const SMS_PENDING_BY_REFERENCE = `SELECT message_id FROM sms s
  WHERE reference = @reference AND sent_at <= @at AND ${smsPending('s')}
    AND (@gateway IS NULL OR gateway IS NULL OR gateway = @gateway)
  ORDER BY (gateway IS @gateway) DESC, sent_at DESC, id DESC LIMIT 1`;

// --- Reads -----------------------------------------------------------------------------------

/** A `sidetone_meta` value by its key; set; dropped (the rollup build's and the id rewrite's state). */
export const META_GET = 'SELECT value FROM sidetone_meta WHERE key = ?';
export const META_SET = 'INSERT OR REPLACE INTO sidetone_meta (key, value) VALUES (?, ?)';
export const META_DROP = 'DELETE FROM sidetone_meta WHERE key = ?';

export const CALL_COLUMNS = CALL_COLUMN_LIST.join(', ');
export const SMS_COLUMNS = SMS_COLUMN_LIST.join(', ');

const BUCKET_MS: Record<Bucket, number> = { hour: 3_600_000, day: 86_400_000 };

/** The `@size` param of a bucketed query; ValidationError for anything but hour/day. */
export function bucketSize(bucket: Bucket): number {
  const size = BUCKET_MS[bucket];
  if (!size) {
    throw new ValidationError(
      'ST_STORE_INVALID_BUCKET',
      `bucket must be "hour" or "day", got ${showValue(bucket)}`,
    );
  }
  return size;
}

/**
 * The params of {@link CALL_RANGE}. Times are stored as integers: `first_at >= 1.5` is
 * `first_at >= 2`, `first_at < 9.5` is `first_at < 10`.
 */
export const rangeParams = (q: CallQuery) => ({
  from: Math.ceil(q.from),
  to: Math.ceil(q.to),
  direction: q.direction ?? null,
  trunk: q.trunk ?? null,
  channel: q.channel ?? null,
});

/** Named params @from, @to, @direction, @trunk, @channel (null = any). */
const CALL_FILTERS = `(@direction IS NULL OR direction = @direction)
  AND (@trunk IS NULL OR trunk = @trunk) AND (@channel IS NULL OR channel = @channel)`;
export const CALL_RANGE = `first_at >= @from AND first_at < @to AND ${CALL_FILTERS}`;

/**
 * Keyset paging after (@afterAt, @afterId), which starts at (@from, -1). The index range must start
 * at @afterAt: with `first_at >= @from` in the WHERE, SQLite scanned from @from on every page,
 * making an export quadratic.
 */
const AFTER = `first_at >= @afterAt AND first_at < @to AND (first_at > @afterAt OR id > @afterId)`;

const ANSWERED = `(kpi & ${KPI_FLAG.answered}) != 0`;

/**
 * Analytics reads over rollups and records (rollup/sql.ts); records/fold.ts folds their rows. Two sets:
 * reads with a direction, trunk or channel filter take the detailed rollup rows, unfiltered ones
 * the dimension-free rows through their indexes (`ROLLUP_READS_ALL`).
 */
export const ROLLUP_READS = rollupReads('sqlite', 'detailed');
export const ROLLUP_READS_ALL = rollupReads('sqlite', 'all');

/** Exact percentiles from the records (ranges with few answered calls, and `exact` reads). */
export const durationPercentilesSql = (n: number) =>
  `SELECT ${Array.from({ length: n }, (_, i) => `percentile_cont(duration_ms, @p${i}) AS p${i}`).join(', ')}
  FROM calls WHERE ${CALL_RANGE} AND status != 'active' AND ${ANSWERED} AND duration_ms IS NOT NULL`;

export const CALL_PAGE = `SELECT ${CALL_COLUMNS} FROM calls WHERE ${AFTER} AND ${CALL_FILTERS}
  ORDER BY first_at, id LIMIT @limit`;
export const CALL_BY_ID = `SELECT ${CALL_COLUMNS} FROM calls WHERE call_id = ?`;
/** A call's legs (issue 53), on the partial index calls_end_to_end_id. */
export const CALL_LEGS = `SELECT ${CALL_COLUMNS} FROM calls WHERE end_to_end_id = ? ORDER BY first_at, id LIMIT ?`;
/**
 * The legs with an end-to-end id filed in [from, to) (issue 53), on the partial index
 * calls_end_to_end_first_at (`end_to_end_id IS NOT NULL` spelled as the index's condition).
 */
export const END_TO_END_LEGS = `SELECT end_to_end_id, first_at, started_at, ringing_at, kpi FROM calls
  WHERE end_to_end_id IS NOT NULL AND first_at >= ? AND first_at < ? ORDER BY first_at, id LIMIT ?`;
export const CALLS_RECENT_BY_STATUS = `SELECT ${CALL_COLUMNS} FROM calls WHERE status = ? AND first_at < ?
  ORDER BY first_at DESC, id DESC LIMIT ?`;
export const COUNT_ACTIVE_SINCE = `SELECT COUNT(*) AS n FROM calls WHERE status = 'active' AND first_at < ?`;
export const LAST_ACTIVITY = `SELECT (SELECT MAX(first_at) FROM calls) AS c, (SELECT MAX(first_at) FROM sms) AS s`;
export const DELETE_CALLS_BATCH = `DELETE FROM calls WHERE id IN
  (SELECT id FROM calls WHERE first_at < ? ORDER BY first_at LIMIT ?)`;
export const DELETE_SMS_BATCH = `DELETE FROM sms WHERE id IN
  (SELECT id FROM sms WHERE first_at < ? ORDER BY first_at LIMIT ?)`;

export const SMS_BY_ID = `SELECT ${SMS_COLUMNS} FROM sms WHERE message_id = ?`;
export const SMS_PAGE = `SELECT ${SMS_COLUMNS} FROM sms WHERE ${AFTER} ORDER BY first_at, id LIMIT @limit`;
export const SMS_STATS = `SELECT COUNT(*) AS total, COALESCE(SUM(direction = 'inbound'), 0) AS inbound,
    COALESCE(SUM(direction = 'outbound'), 0) AS outbound,
    ${SMS_STATUSES.map((s) => `COALESCE(SUM(status = '${s}'), 0) AS "s_${s}"`).join(', ')},
    COUNT(latency_ms) AS lat_count, AVG(latency_ms) AS lat_avg, percentile_cont(latency_ms, 0.5) AS lat_p50,
    percentile_cont(latency_ms, 0.95) AS lat_p95, MAX(latency_ms) AS lat_max,
    COALESCE(SUM(${smsAwaiting('sms', '@since')}), 0) AS awaiting,
    MIN(CASE WHEN ${smsAwaiting('sms', '@since')} THEN sent_at END) AS oldest_awaiting
  FROM sms WHERE first_at >= @from AND first_at < @to`;
