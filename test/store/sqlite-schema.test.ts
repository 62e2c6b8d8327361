import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { applyMigrations, LATEST_VERSION, migrate } from '../../src/store/sqlite/migrations.js';
import { FRESH_SQLITE_SCHEMA } from '../../src/store/sqlite/schema.generated.js';
import { renderSqliteSchemaModule } from '../../src/store/sqlite/schema-gen.js';

/**
 * A new SQLite store file gets its schema as one script generated from the migrations (issue 39:
 * 1.5 ms of CPU at start-up instead of 10-17). It must be the schema the migrations build, object
 * for object and column for column, and stay so as migrations are appended.
 */
const objects = (db: Database.Database) =>
  db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all();
const columns = (db: Database.Database) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]
  ).map((t) => [t, db.pragma(`table_xinfo("${t}")`)]);

describe('the schema of a new SQLite store file', () => {
  it('is generated from the migrations (regenerate: npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs)', () => {
    const file = readFileSync(new URL('../../src/store/sqlite/schema.generated.ts', import.meta.url), 'utf8');
    expect(
      file,
      'src/store/sqlite/schema.generated.ts is stale: run npx tsc -p tsconfig.build.json && node scripts/gen-docs.mjs',
    ).toBe(renderSqliteSchemaModule());
    expect(FRESH_SQLITE_SCHEMA.version).toBe(LATEST_VERSION);
  });

  it('is what the migrations build one by one: every table, column, index and the version', () => {
    const stepped = new Database(':memory:');
    applyMigrations(stepped, 0, LATEST_VERSION);
    stepped.pragma(`user_version = ${LATEST_VERSION}`);
    const fresh = new Database(':memory:');
    expect(migrate(fresh, ':memory:')).toBe(LATEST_VERSION);
    expect(objects(fresh)).toEqual(objects(stepped));
    expect(objects(fresh).length).toBeGreaterThan(20);
    expect(columns(fresh)).toEqual(columns(stepped));
    expect(fresh.pragma('user_version', { simple: true })).toBe(
      stepped.pragma('user_version', { simple: true }),
    );
  });

  it('is used only for an empty file: a file at an older version takes the migrations after it', () => {
    const old = new Database(':memory:');
    applyMigrations(old, 0, 5);
    old.pragma('user_version = 5');
    old.exec("INSERT INTO sms (message_id, first_at) VALUES ('m1', 1)");
    expect(migrate(old, ':memory:')).toBe(LATEST_VERSION);
    expect(old.prepare('SELECT message_id FROM sms').pluck().all()).toEqual(['m1']);
    const stepped = new Database(':memory:');
    applyMigrations(stepped, 0, LATEST_VERSION);
    expect(objects(old)).toEqual(objects(stepped));
    // A file with tables but no version is not new: the migrations run, and fail as they did.
    const foreign = new Database(':memory:');
    foreign.exec('CREATE TABLE sms (x)');
    expect(() => migrate(foreign, ':memory:')).toThrow(/sms/);
  });
});
