import Database from 'better-sqlite3';
import { applyMigrations, LATEST_VERSION } from './migrations.js';

/**
 * The schema the SQLite migrations build in a new file, as one script: each table, index and
 * trigger in the order the migrations left them (sqlite_master's rowid order), without SQLite's
 * own objects (autoindexes, sqlite_sequence), which the script makes again. A new file has no rows.
 * @example freshSqliteSchema().sql.includes('CREATE TABLE "calls"') // true
 */
export function freshSqliteSchema(): { version: number; sql: string } {
  const db = new Database(':memory:');
  try {
    applyMigrations(db, 0, LATEST_VERSION);
    const statements = db
      .prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid",
      )
      .pluck()
      .all() as string[];
    return { version: LATEST_VERSION, sql: `${statements.join(';\n')};\n` };
  } finally {
    db.close();
  }
}

/** src/store/sqlite/schema.generated.ts, as scripts/gen-docs.mjs writes it. */
export function renderSqliteSchemaModule(): string {
  const { version, sql } = freshSqliteSchema();
  const literal = sql.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${');
  return [
    '// Generated from the SQLite migrations by src/store/sqlite/schema-gen.ts (node scripts/gen-docs.mjs):',
    '// do not edit. test/store/sqlite-schema.test.ts fails when it is stale.',
    '',
    '/** What migrations 1 to `version` build in a new file, as one script (src/store/sqlite/migrations.ts). */',
    `export const FRESH_SQLITE_SCHEMA = {\n  version: ${version},\n  sql: \`${literal}\`,\n} as const;`,
    '',
  ].join('\n');
}
