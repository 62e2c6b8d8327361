/**
 * What the PostgreSQL partition tests share: a database from before day partitions, the
 * partitions of a table, and every read from the rollups checked against the same read over the
 * records.
 */
import type pg from 'pg';
import { expect } from 'vitest';
import { PG_MIGRATIONS } from '../../src/store/postgres/sql.js';
import type { PostgresCallStore } from '../../src/store/postgres/store.js';
import type { CallQuery } from '../../src/store/types.js';

/** Floats (media averages) summed in another order may differ in their last bits. */
export const rounded = <T>(x: T): T =>
  JSON.parse(JSON.stringify(x), (_k, v) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(10)) : v,
  ) as T;

/** Every read over `q` from the rollups equals the same read over the records. */
export async function expectReadsExact(store: PostgresCallStore, q: CallQuery): Promise<void> {
  const exact = { ...q, exact: true };
  expect(rounded(await store.stats(q))).toEqual(rounded(await store.stats(exact)));
  expect(rounded(await store.overview(q, 'hour'))).toEqual(rounded(await store.overview(exact, 'hour')));
  expect(await store.series(q, 'day')).toEqual(await store.series(exact, 'day'));
  // Shortest and longest duration: exact from the rollups' bounds, after rows were taken out.
  expect(await store.durationPercentiles(q, [0, 1])).toEqual(await store.durationPercentiles(exact, [0, 1]));
}

/** The partitions of `table` for the test's days (2024), by name; tomorrow's is made too. */
export const partitions = async (db: pg.Client, table: string) =>
  (
    await db.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = $1::regclass ORDER BY 1`,
      [table],
    )
  ).rows
    .map((r) => r.relname as string)
    .filter((name) => name.startsWith(`${table}_2024`));

/**
 * `schema` made as sidetone left a database at version 3 (before day partitions), empty, and the
 * session's search path set to it.
 */
export const atVersion3 = (db: pg.Client, schema: string) => atVersion(db, schema, 3);

/** `schema` made as sidetone left a database at `version`, empty, and the session's search path set to it. */
export async function atVersion(db: pg.Client, schema: string, version: number): Promise<void> {
  await db.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
  await db.query(
    'CREATE TABLE sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
  );
  for (const m of PG_MIGRATIONS.filter((x) => x.version <= version)) {
    await db.query(m.sql);
    await db.query('INSERT INTO sidetone_schema (version, description) VALUES ($1, $2)', [
      m.version,
      m.description,
    ]);
  }
}
