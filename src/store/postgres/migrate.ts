/**
 * Bringing a PostgreSQL store's schema to the latest version: one migrator at a time across the
 * instances sharing the database, under an advisory lock, in one transaction.
 */
import type pg from 'pg';
import { InternalError, StoreError } from '../../errors.js';
import type { PrivacyConfig } from '../privacy.js';
import { rederivePostgres } from '../records/rederive.js';
import { hashIdsBeforePartitions, IN_OPEN_ROWS, pgIdRows } from '../stored-ids.js';
import { openPgIds } from './id-rewrite.js';
import { META_SET } from './meta.js';
import { PG_PARTITIONS_ATTACHED, UNKEYED_KEY, type Unkeyed } from './partitions.js';
import { startPgRollupBuild } from './rollup-build.js';
import * as SQL from './sql.js';

/** How long a migration statement may run (the client's read timeout; the server's is lifted). */
const MIGRATION_TIMEOUT_MS = 3_600_000;

/**
 * Create `schema` if given and run the migrations the database lacks, inside a transaction the
 * caller rolls back on a throw; the version the database is at after.
 */
export async function migrateSchema(
  client: pg.PoolClient,
  o: { url: string; privacy: PrivacyConfig; schema: string | undefined },
): Promise<number> {
  // A migration may rewrite big tables or wait for another instance's: neither timeout applies.
  const q = (text: string, values?: unknown[]) =>
    client.query({
      text,
      ...(values && { values }),
      query_timeout: MIGRATION_TIMEOUT_MS,
    } as pg.QueryConfig);
  await q('BEGIN');
  await q('SET LOCAL statement_timeout = 0');
  // One migrator at a time across instances (CREATE SCHEMA IF NOT EXISTS races too); the lock
  // ends with the transaction.
  await q("SELECT pg_advisory_xact_lock(hashtext('sidetone.migrate'))");
  if (o.schema !== undefined) await q(`CREATE SCHEMA IF NOT EXISTS ${o.schema}`);
  await q(
    'CREATE TABLE IF NOT EXISTS sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  const r = await q('SELECT MAX(version) AS v FROM sidetone_schema');
  const current = (r.rows[0] as { v: number | null } | undefined)?.v ?? 0;
  if (current > SQL.PG_LATEST_VERSION) {
    throw new StoreError(
      'ST_STORE_SCHEMA_TOO_NEW',
      `call store ${o.url} has schema version ${current}, but this sidetone knows up to ` +
        `${SQL.PG_LATEST_VERSION}; upgrade sidetone, or use another database or schema`,
    );
  }
  let deferred = false;
  let hashedBefore: number | undefined;
  let attached = false;
  for (const m of SQL.PG_MIGRATIONS) {
    if (m.version <= current) continue;
    // Migration 4 on a small store: its raw ids hashed in the tables the copy into day partitions
    // takes, so that the copy is the only rewrite of their rows (stored-ids.ts). A larger store's
    // tables become one day's partition each instead, their rows left where they are
    // (postgres/partitions.ts `attached`: the copy was most of its open, 1M calls from schema 1
    // in 16.4 s against 5.1 s, bench/store-open.mjs), and its ids are hashed after, mostly in the
    // background (postgres/id-rewrite.ts).
    let sql = withoutRows(m);
    if (m.version === PARTITIONS_VERSION && current > 0) {
      if ((await pgIdRows(q)) <= IN_OPEN_ROWS) hashedBefore = await hashIdsBeforePartitions(q, o.privacy);
      else {
        sql = PG_PARTITIONS_ATTACHED;
        attached = true;
      }
    }
    // The rows a migration would fill from the records stored are built in the background instead
    // (rollup/build.ts): marked below, in this transaction.
    await q(sql);
    deferred ||= m.rows !== undefined;
    await q('INSERT INTO sidetone_schema (version, description) VALUES ($1, $2)', [m.version, m.description]);
  }
  if (deferred) await startPgRollupBuild(q);
  if (attached) await q(META_SET, [UNKEYED_KEY, JSON.stringify(await attachedDays(q))]);
  // Columns and rollups of an older call classifier rebuilt, under the same lock (records/rederive.ts).
  await rederivePostgres(q, o.url);
  // Raw ids of an older version hashed, or left to the background, under the same lock.
  await openPgIds(q, o.privacy, hashedBefore);
  await q('COMMIT');
  return Math.max(current, SQL.PG_LATEST_VERSION);
}

/**
 * The day each table was attached under, in the migration that attached it: each has one
 * partition then, every row filed under that day (a table left empty files none).
 */
async function attachedDays(q: (text: string) => Promise<pg.QueryResult>): Promise<Unkeyed> {
  const r = await q(
    `SELECT (SELECT filed_day FROM calls LIMIT 1) AS calls, (SELECT filed_day FROM sms LIMIT 1) AS sms`,
  );
  const row = r.rows[0] as Record<'calls' | 'sms', string | null>;
  const out: Unkeyed = {};
  for (const t of ['calls', 'sms'] as const) if (row[t] !== null) out[t] = Number(row[t]);
  return out;
}

/** The migration that moves `calls` and `sms` into day partitions (postgres/partitions.ts). */
const PARTITIONS_VERSION = 4;

/** A migration's text without the rows it would build (see `PgMigration.rows`). */
function withoutRows(m: SQL.PgMigration): string {
  if (m.rows === undefined) return m.sql;
  if (!m.sql.endsWith(m.rows))
    throw new InternalError(`migration ${m.version}: its rows are not the end of its text`);
  return m.sql.slice(0, m.sql.length - m.rows.length);
}
