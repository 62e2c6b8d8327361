/**
 * The call column table (src/store/records/call-columns.ts) against the schema the migrations
 * build, in both backends: released migrations are frozen text, so the table is what follows them,
 * and this is where it would drift. Each backend's `calls` has exactly the table's columns (less
 * PostgreSQL's own where SQLite lacks them), each of the declared SQL type, generated exactly where
 * the table says the schema fills it. And what is derived from the table reaches every column.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/analytics/export.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { CALL_COLUMNS, SQL_TYPES } from '../../src/store/records/call-columns.js';
import { CALL_COLUMN_LIST } from '../../src/store/records/call-rows.js';
import { CALL_UPSERTS, COMBINED_CALL } from '../../src/store/records/upsert-sql.js';
import { applyMigrations, LATEST_VERSION } from '../../src/store/sqlite/migrations.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY } from './contract.js';

const server = postgresForFile();

/** name -> [SQL type, generated] as the table declares them for a backend. */
const declared = (backend: 'sqlite' | 'pg') =>
  Object.fromEntries(
    CALL_COLUMNS.filter((c) => backend === 'pg' || c.pgOnly !== true).map((c) => [
      c.name,
      [SQL_TYPES[c.type][backend], c.fill === 'generated'],
    ]),
  );

describe('the call column table and the migrated schema', () => {
  it('SQLite: the columns of `calls`, their declared types and which are generated', () => {
    const db = new Database(':memory:');
    try {
      applyMigrations(db, 0, LATEST_VERSION);
      // table_xinfo: `hidden` 2 or 3 for a generated column (virtual, stored).
      const rows = db.prepare('PRAGMA table_xinfo(calls)').all() as {
        name: string;
        type: string;
        hidden: number;
      }[];
      const actual = Object.fromEntries(
        rows.map((r) => [r.name, [r.type, r.hidden === 2 || r.hidden === 3]]),
      );
      expect(actual).toEqual(declared('sqlite'));
    } finally {
      db.close();
    }
  });

  it('PostgreSQL: the columns of `calls`, their types and which are generated', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({
      url: server.url,
      schema,
      privacy: { hashKey: KEY, storeRaw: true },
    });
    await store.close();
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ column_name: string; data_type: string; is_generated: string }>(
        `SELECT column_name, data_type, is_generated FROM information_schema.columns
         WHERE table_schema = $1 AND table_name = 'calls'`,
        [schema],
      );
      const actual = Object.fromEntries(
        rows.map((r) => [r.column_name, [r.data_type, r.is_generated === 'ALWAYS']]),
      );
      expect(actual).toEqual(declared('pg'));
    } finally {
      await c.end();
      await dropSchema(server.url, schema);
    }
  });

  it('derives the reads, the upserts and the export from it, each column once', () => {
    const written = CALL_COLUMNS.filter((c) => typeof c.fill === 'object').map((c) => c.name);
    // Every column an update fills is in exactly one kind's upsert, and the combined one has them all.
    const perKind = Object.values(CALL_UPSERTS).flatMap((u) => u.columns);
    expect([...perKind].sort()).toEqual([...written].sort());
    expect(COMBINED_CALL.columns).toEqual(['call_id', 'first_at', ...perKind]);
    expect(new Set(COMBINED_CALL.columns).size).toBe(COMBINED_CALL.columns.length);
    // The reads select each read column once, in table order.
    expect(CALL_COLUMN_LIST).toEqual(CALL_COLUMNS.filter((c) => c.read !== undefined).map((c) => c.name));
    // The export: the table's names in table order, then the voice-skill guide's five.
    expect(EXPORT_COLUMNS.slice(0, -5)).toEqual(CALL_COLUMNS.flatMap((c) => c.export ?? []));
    expect(new Set(EXPORT_COLUMNS).size).toBe(EXPORT_COLUMNS.length);
  });
});
