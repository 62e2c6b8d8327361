import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError, ValidationError } from '../../src/errors.js';
import { ROLLUP_CLEAR } from '../../src/store/rollup/sql.js';
import {
  AUTO_CHECKPOINT_PAGES,
  BACKSTOP_PAGES,
  IDLE_CHECKPOINT_MS,
} from '../../src/store/sqlite/checkpoint.js';
import { LATEST_VERSION } from '../../src/store/sqlite/migrations.js';
import { startRollupBuild } from '../../src/store/sqlite/rollup-build.js';
import { openSqliteCallStore, SqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallStore, CallUpdate } from '../../src/store/types.js';
import { KEY, lifecycle, runCallStoreContract } from './contract.js';

/** The SQLite driver under a store's front (front.ts), for the tests that look inside it. */
const driverOf = (store: SqliteCallStore): unknown => (store as unknown as { driver: unknown }).driver;

import { tempDir } from './helpers.js';

runCallStoreContract('SQLite file', async ({ storeRaw, exactPercentilesUpTo }) => {
  const { dir, remove } = tempDir();
  const path = join(dir, 'nested', 'calls.db');
  const privacy = { hashKey: KEY, storeRaw };
  let build = {};
  const open = () => openSqliteCallStore({ path, privacy, exactPercentilesUpTo, ...build });
  let current: CallStore = await open();
  return {
    get store() {
      return current;
    },
    async reopen() {
      await current.close();
      current = await open();
      return current;
    },
    async withoutRollups(sliceRecords) {
      await current.close();
      const db = new Database(path);
      db.transaction(() => {
        db.exec(
          `DELETE FROM rollup_add; DELETE FROM rollup_remove; DELETE FROM rollup_dirty; ${ROLLUP_CLEAR}`,
        );
        startRollupBuild(db);
      })();
      db.close();
      build = { buildRollupsInBackground: false, rollupSliceRecords: sliceRecords };
      current = await open();
      return current;
    },
    async cleanup() {
      await current.close();
      remove();
    },
  };
});

describe('SQLite store specifics', () => {
  const T = Date.UTC(2024, 0, 15, 10);

  it('creates the file and its directory on first use, in WAL mode with synchronous=NORMAL', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'a', 'b', 'calls.db');
      const store = await openSqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw: false } });
      await store.applyBatch(lifecycle('c1', T));
      expect(existsSync(path)).toBe(true);
      expect(existsSync(`${path}-wal`)).toBe(true);
      const peek = new Database(path, { readonly: true });
      expect(peek.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(peek.prepare('SELECT COUNT(*) AS n FROM calls').get()).toEqual({ n: 1 });
      // Numbers are not stored raw unless enabled: only hash and mask are in the file.
      const row = peek.prepare('SELECT from_raw, to_raw FROM calls').get();
      expect(row).toEqual({ from_raw: null, to_raw: null });
      peek.close();
      expect(store.schemaVersion).toBe(LATEST_VERSION);
      await store.close();
      await store.close(); // idempotent
      // close() checkpoints: the WAL is folded back into the main file.
      expect(existsSync(`${path}-wal`)).toBe(false);
    } finally {
      remove();
    }
  });

  it('never writes raw numbers to the file unless storeRaw is on', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'calls.db');
      const store = await openSqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw: false } });
      await store.apply({
        kind: 'started',
        callId: 'p',
        at: T,
        direction: 'inbound',
        channel: 'sip',
        from: '+15551234567',
      });
      await store.applySms({ kind: 'received', messageId: 's', at: T, from: '+15559876543' });
      await store.close();
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(path).toString('latin1');
      expect(bytes).not.toContain('5551234567');
      expect(bytes).not.toContain('5559876543');
      expect(bytes).toContain('+1555***4567');
    } finally {
      remove();
    }
  });

  it('reports unusable paths and files as StoreError naming the fix', async () => {
    const { dir, remove } = tempDir();
    try {
      const notDb = join(dir, 'not-a-db.db');
      writeFileSync(notDb, 'this is not a sqlite database, just some text that is long enough'.repeat(20));
      const e1 = await openSqliteCallStore({ path: notDb, privacy: { hashKey: KEY, storeRaw: false } }).catch(
        (e: unknown) => e,
      );
      expect(e1).toBeInstanceOf(StoreError);
      expect(e1).toMatchObject({ code: 'ST_STORE_SQLITE' });
      expect((e1 as Error).message).toMatch(/not-a-db\.db.*point the store path at another file/);
      const e2 = await openSqliteCallStore({ path: dir, privacy: { hashKey: KEY, storeRaw: false } }).catch(
        (e: unknown) => e,
      );
      expect(e2).toBeInstanceOf(StoreError);
      const e3 = await openSqliteCallStore({
        path: join(dir, 'x.db'),
        privacy: { hashKey: 'short', storeRaw: false },
      }).catch((e: unknown) => e);
      expect(e3).toBeInstanceOf(ValidationError);
      expect(e3).toMatchObject({ code: 'ST_STORE_HASH_KEY' });
      expect((e3 as Error).message).not.toContain('short');
      expect(() => new SqliteCallStore({ path: '', privacy: { hashKey: KEY, storeRaw: false } })).toThrow(
        expect.objectContaining({ code: 'ST_STORE_PATH' }),
      );
    } finally {
      remove();
    }
  });

  it('serves a :memory: store for throwaway use', async () => {
    const store = await openSqliteCallStore({ path: ':memory:', privacy: { hashKey: KEY, storeRaw: false } });
    await store.applyBatch(lifecycle('m', T));
    expect((await store.getCall('m'))!.status).toBe('completed');
    await store.close();
  });

  it('uses the first_at and (status, first_at) indexes for range and failure queries', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'calls.db');
      const store = await openSqliteCallStore({ path, privacy: { hashKey: KEY, storeRaw: false } });
      await store.close();
      const db = new Database(path, { readonly: true });
      const plan = (sql: string) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join('; ');
      expect(plan('SELECT COUNT(*) FROM calls WHERE first_at >= 1 AND first_at < 2')).toContain(
        'calls_first_at',
      );
      expect(
        plan("SELECT * FROM calls WHERE status = 'busy' AND first_at < 5 ORDER BY first_at DESC LIMIT 3"),
      ).toContain('calls_status_first_at');
      db.close();
    } finally {
      remove();
    }
  });
  it("a later update of a stored call writes only the pages it can change: the row, the rollups' queue and the indexes its columns feed", async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'calls.db');
      const store = await openSqliteCallStore({
        path,
        privacy: { hashKey: KEY, storeRaw: false },
        checkpointThread: false,
      });
      const db = (driverOf(store) as { db: Database.Database }).db;
      const calls = Array.from({ length: 400 }, (_, i) => `w${i}`);
      await store.applyBatch(
        calls.map((callId, i) => ({
          kind: 'started',
          callId,
          at: T + i,
          direction: 'outbound',
          channel: 'sip',
        })),
      );
      // WAL frames one update's commit writes: the WAL emptied first, the rollups' queue flushed
      // (a rollup read does), so the write queues its call again (one page) and nothing else runs.
      const frames = async (u: CallUpdate) => {
        await store.stats({ from: T - 1, to: T + 1e6 });
        db.pragma('wal_checkpoint(TRUNCATE)');
        await store.apply(u);
        return (statSync(`${path}-wal`).size - 32) / (4096 + 24);
      };
      // SQLite rewrites the entry of every index reading an assigned column, changed or not: the
      // full combined upsert wrote 4 pages for each (the row, calls_first_at, calls_status_first_at,
      // the queue).
      expect(await frames({ kind: 'ringing', callId: 'w17', at: T + 2000 })).toBe(2);
      expect(
        await frames({ kind: 'media', callId: 'w18', at: T + 9000, mos: 4, jitterMs: 1, lossPercent: 0 }),
      ).toBe(2);
      // An answer can change the generated status: its index too.
      expect(await frames({ kind: 'answered', callId: 'w17', at: T + 5000 })).toBe(3);
      // An update earlier than the call's first time moves it, in both indexes: the full upsert,
      // each index's entry deleted from one leaf and inserted in another.
      expect(await frames({ kind: 'ringing', callId: 'w300', at: T - 5000 })).toBe(6);
      expect((await store.getCall('w300'))?.firstAt).toBe(T - 5000);
      expect(await store.getCall('w17')).toMatchObject({
        firstAt: T + 17,
        ringingAt: T + 2000,
        answeredAt: T + 5000,
      });
      await store.close();
    } finally {
      remove();
    }
  });

  it('checkpointThread: a thread started by the first write copies the WAL into the file; writers keep a backstop', async () => {
    const { dir, remove } = tempDir();
    try {
      const path = join(dir, 'calls.db');
      const privacy = { hashKey: KEY, storeRaw: false };
      const store = await openSqliteCallStore({ path, privacy });
      const main = (driverOf(store) as { db: Database.Database }).db;
      const internals = driverOf(store) as {
        checkpoints: { worker?: { terminate(): Promise<number> }; exited: Promise<void> };
      };
      // In WAL mode only a checkpoint writes the main file; the writer's own threshold is 4,096
      // pages, far above what these writes leave in the WAL, so a grown file is the thread's work.
      expect(main.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      expect(internals.checkpoints.worker).toBeUndefined(); // no thread for a store that only reads
      const before = statSync(path).size;
      await store.applyBatch(lifecycle('k1', T));
      const walPages = statSync(`${path}-wal`).size / 4096;
      expect(walPages).toBeLessThan(BACKSTOP_PAGES);
      const deadline = Date.now() + 5000;
      while (statSync(path).size === before && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(statSync(path).size).toBeGreaterThan(before);
      const peek = new Database(path, { readonly: true });
      expect(peek.prepare('SELECT COUNT(*) AS n FROM calls').get()).toEqual({ n: 1 });
      peek.close();

      // The thread gone, the main connection checkpoints as SQLite does by default, and writes go on.
      await internals.checkpoints.worker!.terminate();
      await internals.checkpoints.exited;
      expect(main.pragma('wal_autocheckpoint', { simple: true })).toBe(AUTO_CHECKPOINT_PAGES);
      await store.applyBatch(lifecycle('k2', T + 1000));
      expect((await store.getCall('k2'))?.status).toBe('completed');
      await store.close();
      expect(existsSync(`${path}-wal`)).toBe(false);

      // Turned off: no thread; the main connection checkpoints once writes pause for a second
      // (between requests), the writers' backstop in the commits (not SQLite's 1,000 pages).
      const plain = await openSqliteCallStore({ path, privacy, checkpointThread: false });
      // In WAL mode only a checkpoint writes the main file: its bytes tell when one ran.
      const fileBefore = readFileSync(path);
      await plain.applyBatch(lifecycle('k3', T + 2000));
      expect(
        (driverOf(plain) as { db: Database.Database }).db.pragma('wal_autocheckpoint', { simple: true }),
      ).toBe(BACKSTOP_PAGES);
      expect((driverOf(plain) as { checkpoints?: unknown }).checkpoints).toBeUndefined();
      const walBefore = statSync(`${path}-wal`).size;
      expect(walBefore).toBeGreaterThan(0);
      // Nothing copied into the file while the write is fresh: not inside the commit.
      expect(readFileSync(path).equals(fileBefore)).toBe(true);
      const idleDeadline = Date.now() + IDLE_CHECKPOINT_MS + 4000;
      while (readFileSync(path).equals(fileBefore) && Date.now() < idleDeadline)
        await new Promise((r) => setTimeout(r, 50));
      expect(readFileSync(path).equals(fileBefore)).toBe(false);
      expect((await plain.stats({ from: T - 1000, to: T + 60_000 })).total).toBe(3);
      await plain.close();
    } finally {
      remove();
    }
  });
});
