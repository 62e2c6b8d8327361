import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/store/sqlite/open.js';

/**
 * The store's statements are prepared on first use (src/store/sqlite/open.ts `LazyStatements`), so
 * an SQL text the schema cannot run would fail at its first call, not at open: here every one is
 * prepared against a new store file.
 */
const privacy = { hashKey: 'statements-hash-key-0123456789abcdef', storeRaw: false };
let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
const open = () => {
  dir = mkdtempSync(join(tmpdir(), 'sidetone-statements-'));
  return openDatabase({ path: join(dir, 'calls.db'), privacy });
};

describe('the SQLite store statements', () => {
  it('each prepares against a new store, once: a second use gets the same statement', () => {
    const { db, statements } = open();
    const names: string[] = [];
    for (const name in statements) names.push(name);
    expect(names.length).toBeGreaterThanOrEqual(37);
    for (const name of names) {
      const st = statements[name as keyof typeof statements];
      expect(st.run, name).toBeTypeOf('function');
      expect(statements[name as keyof typeof statements], name).toBe(st);
    }
    // Record reads return arrays (records/call-rows.ts reads them by position).
    db.exec("INSERT INTO calls (call_id, first_at, started_at) VALUES ('c1', 1000, 1000)");
    expect(statements.byId.get('c1')).toEqual(expect.any(Array));
    db.close();
  });

  it('the open prepares none of them: only what runs before the first call', () => {
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    const { db, statements } = open();
    const atOpen = prepare.mock.calls.map(([sql]) => sql);
    const texts = new Set<string>();
    for (const name in statements) texts.add(statements[name as keyof typeof statements].source);
    expect(atOpen.filter((sql) => texts.has(sql))).toEqual([]);
    db.close();
  });
});
