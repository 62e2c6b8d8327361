/** Temp-file helpers for store tests: real SQLite files under os.tmpdir(), removed afterwards. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteCallStore } from '../../src/store/sqlite/store.js';
import { KEY } from './contract.js';

export function tempDir(prefix = 'sidetone-store-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A store in a fresh temp directory; `remove` closes it and deletes the directory. */
export function tempStore(storeRaw = false): {
  store: SqliteCallStore;
  path: string;
  remove: () => Promise<void>;
} {
  const { dir, remove } = tempDir();
  const path = join(dir, 'calls.db');
  const store = new SqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw } });
  return {
    store,
    path,
    remove: async () => {
      await store.close();
      remove();
    },
  };
}
