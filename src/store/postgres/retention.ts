/**
 * Retention of the PostgreSQL store by day partitions (issue 17: "retention drops partitions"):
 * every record of filed day D starts before D + 1 day (postgres/partitions.ts), so a partition
 * whose whole day is older than the cutoff is dropped whole, its records taken out of the rollups
 * in the same transaction as a DELETE of them would take them out.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { InternalError } from '../../errors.js';
import { PG_ROLLUPS } from '../rollup/sql.js';
import type { KnownDays, PgRunner } from './days.js';
import { boundCleanup, DAY_MS, NESTED_LOOPS, RETENTION_LOCK } from './partitions.js';

/** Partitions of $1 whose whole day ends at or before $2 (the cutoff), oldest first. */
export const EXPIRED_PARTITIONS = `SELECT c.relname AS name, b[1]::bigint - ${DAY_MS} AS day FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid,
  LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''?(-?\\d+)''?\\)') b
  WHERE i.inhparent = to_regclass($1) AND b[1]::bigint <= $2 ORDER BY b[1]::bigint`;

/** Is $1 still a partition of $2 (another instance's retention may have dropped it meanwhile)? */
export const IS_PARTITION = `SELECT EXISTS (SELECT 1 FROM pg_inherits
  WHERE inhrelid = to_regclass($1) AND inhparent = to_regclass($2)) AS ok`;

/**
 * The delete trigger's statements (migration 2) with its transition table replaced by a detached
 * partition: dropping a partition fires no trigger, so its rows leave the rollups this way, in the
 * same transaction, exactly as a DELETE of them would take them out. The trigger function is the
 * one migration 2 installed; a migration that replaces it must replace this too.
 */
const DELETE_BODY =
  /CREATE FUNCTION sidetone_rollup_delete\(\) RETURNS trigger LANGUAGE plpgsql AS \$fn\$ BEGIN([\s\S]*?);\s*RETURN NULL;/.exec(
    PG_ROLLUPS,
  )?.[1];
if (DELETE_BODY === undefined || !/\bold_rows\b/.test(DELETE_BODY)) {
  throw new InternalError('rollup delete trigger text not found in PG_ROLLUPS');
}
const PARTITION_NAME = /^(calls|sms)_[a-z0-9]+$/;

/** Statements that drop one expired partition `name` of `table` (run after RETENTION_LOCK). */
export function dropPartition(
  table: 'calls' | 'sms',
  name: string,
  day: number,
): { count: string; drop: string } {
  if (!PARTITION_NAME.test(name) || !name.startsWith(`${table}_`)) {
    throw new InternalError(`not a partition name: ${name}`);
  }
  const keys = table === 'calls' ? 'call_keys' : 'sms_keys';
  const key = table === 'calls' ? 'call_id' : 'message_id';
  // Detached first: the rollup statements re-read `calls` for shortest and longest durations,
  // which must no longer see these rows.
  const rollups =
    table === 'calls'
      ? [
          boundCleanup(DELETE_BODY!.replace(/\bold_rows\b/g, name)),
          `DELETE FROM call_days WHERE filed_day = ${Math.trunc(day)}`,
        ]
      : [
          `DELETE FROM sms_days WHERE filed_day = ${Math.trunc(day)}`,
          `DELETE FROM sms_pending p USING ${name} x WHERE p.message_id = x.message_id`,
        ];
  return {
    count: `SELECT COUNT(*) AS n FROM ${name}`,
    drop: [
      `ALTER TABLE ${table} DETACH PARTITION ${name}`,
      ...rollups,
      `DELETE FROM ${keys} k USING ${name} x WHERE k.${key} = x.${key}`,
      `DROP TABLE ${name}`,
    ].join(';\n'),
  };
}

/**
 * Drop the partitions of `table` whose whole day is before `cutoff`, one transaction each (the
 * writers wait for one day's drop at a time); returns the records dropped. A call partition's
 * rows leave the rollups in the same transaction (`dropPartition`), as the batched delete's
 * trigger takes them out, so the rollups stay equal to the records.
 */
export async function dropExpired(
  run: PgRunner,
  days: KnownDays,
  table: 'calls' | 'sms',
  cutoff: number,
): Promise<number> {
  const expired = await run.query<{ name: string; day: number }>(EXPIRED_PARTITIONS, [table, cutoff]);
  if (expired.rows.length > 0) days.forget(table);
  let dropped = 0;
  for (const { name, day } of expired.rows) {
    const sql = dropPartition(table, name, day);
    let n = 0;
    await run.transaction(async (c) => {
      n = 0;
      await c.query(RETENTION_LOCK);
      // The rollup statements join a day's groups to the rollup tables: by key, not by hashing
      // every rollup row (40 ms of each day's drop at 300,000 calls, growing with the tables).
      await c.query(NESTED_LOOPS);
      // Another instance's retention may have dropped it while this one waited for the lock.
      if (!(await c.query<{ ok: boolean }>(IS_PARTITION, [name, table])).rows[0]?.ok) return;
      n = (await c.query<{ n: number }>(sql.count)).rows[0]?.n ?? 0;
      await c.query(sql.drop);
    });
    dropped += n;
    await yieldToLoop();
  }
  return dropped;
}
