import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreError } from '../../src/errors.js';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../src/store/sqlite/migrations.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import { KEY } from './contract.js';
import { tempDir } from './helpers.js';

const privacy = { hashKey: KEY, storeRaw: false };
const T = Date.UTC(2024, 0, 15, 10);

describe('schema migrations', () => {
  let remove = () => {};
  afterEach(() => remove());

  it('has an ordered, gap-free list ending at LATEST_VERSION', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(
      Array.from({ length: MIGRATIONS.length }, (_, i) => i + 1),
    );
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('upgrades a file written at an older version, keeping its data', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'old.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, path, 1)).toBe(1);
    db.prepare(
      "INSERT INTO calls (call_id, first_at, started_at, ended_at, sip_code) VALUES ('old-1', ?, ?, ?, 486)",
    ).run(T, T, T + 5000);
    expect(() => db.prepare('SELECT * FROM sms').all()).toThrow(/no such table/);
    db.close();

    const store = await openSqliteCallStore({ path, privacy });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    expect(await store.getCall('old-1')).toMatchObject({ status: 'busy', durationMs: 5000 });
    // The rollups are built from the records already there: a whole-day read (rollups) counts it.
    const day = { from: Date.UTC(2024, 0, 15), to: Date.UTC(2024, 0, 16) };
    expect((await store.stats(day)).byStatus.busy).toBe(1);
    expect(await store.stats(day)).toEqual(await store.stats({ ...day, exact: true }));
    await store.applySms({ kind: 'sent', messageId: 'new-sms', at: T });
    expect((await store.getSms('new-sms'))!.status).toBe('sent');
    await store.close();
    // Reopening a current file runs nothing and changes nothing.
    const again = await openSqliteCallStore({ path, privacy });
    expect(again.schemaVersion).toBe(LATEST_VERSION);
    await again.close();
  });

  it('leaves the rollups of a store from before them to the background build: open builds none (issue 51)', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'v4.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, path, 4)).toBe(4);
    const insert = db.prepare(
      'INSERT INTO calls (call_id, first_at, started_at, answered_at, ended_at, sip_code) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // Three days of calls, one an hour: busy, then answered ones of growing length.
    for (let i = 0; i < 72; i++) {
      const at = T - 10 * 3_600_000 + i * 3_600_000;
      insert.run(
        `v4-${i}`,
        at,
        at,
        i % 4 === 0 ? null : at + 1000,
        at + 1000 + i * 1000,
        i % 4 === 0 ? 486 : 200,
      );
    }
    db.close();
    const rows = (sql: string) => {
      const check = new Database(path, { readonly: true });
      try {
        return check.prepare(sql).pluck().get();
      } finally {
        check.close();
      }
    };

    const store = await openSqliteCallStore({
      path,
      privacy,
      buildRollupsInBackground: false,
      rollupSliceRecords: 10,
    });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    // The migration built no rollup row; the store says what is left and reads the records meanwhile.
    expect(rows('SELECT COUNT(*) FROM call_rollup_10m')).toBe(0);
    expect(rows('SELECT COUNT(*) FROM call_rollup_day')).toBe(0);
    expect(store.rollupBuild()).toEqual({ built: 0, total: 427 }); // 71 h of 10-minute slots, and the last call's
    const days = { from: Date.UTC(2024, 0, 15), to: Date.UTC(2024, 0, 18) };
    const exact = {
      stats: await store.stats({ ...days, exact: true }),
      p: await store.durationPercentiles({ ...days, exact: true }, [0.5]),
    };
    expect(exact.stats.byStatus.busy).toBe(18);
    expect(await store.stats(days)).toEqual(exact.stats);
    expect(await store.durationPercentiles(days, [0.5])).toEqual(exact.p);
    // A slice, a restart: the build resumes where it was.
    expect(await store.buildRollups()).toBe(true);
    const built = store.rollupBuild()!.built;
    expect(built).toBeGreaterThan(0);
    await store.close();
    const again = await openSqliteCallStore({
      path,
      privacy,
      buildRollupsInBackground: false,
      rollupSliceRecords: 10,
    });
    expect(again.rollupBuild()!.built).toBe(built);
    while (await again.buildRollups()) expect(await again.stats(days)).toEqual(exact.stats);
    expect(again.rollupBuild()).toBeUndefined();
    expect(await again.stats(days)).toEqual(exact.stats);
    await again.close();
    expect(rows('SELECT SUM(n) FROM call_rollup_day WHERE direction = char(2)')).toBe(72);
    expect(rows("SELECT COUNT(*) FROM sidetone_meta WHERE key = 'rollup_build'")).toBe(0);
  });

  it('builds the rollups in the background on its own, and a store opened again has nothing left', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'v4.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    migrate(db, path, 4);
    const insert = db.prepare(
      'INSERT INTO calls (call_id, first_at, started_at, ended_at, sip_code) VALUES (?, ?, ?, ?, 486)',
    );
    for (let i = 0; i < 50; i++)
      insert.run(`v4-${i}`, T + i * 3_600_000, T + i * 3_600_000, T + i * 3_600_000 + 5000);
    db.close();
    // The pauses between slices on a fake clock: each timer the build sets is run until none is left.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const store = await openSqliteCallStore({ path, privacy, rollupSliceRecords: 5 });
    expect(store.rollupBuild()!.built).toBeGreaterThan(0); // the first slice ran at open
    await vi.runAllTimersAsync();
    vi.useRealTimers();
    expect(store.rollupBuild()).toBeUndefined();
    const range = { from: T - 86_400_000, to: T + 4 * 86_400_000 };
    expect((await store.stats(range)).byStatus.busy).toBe(50);
    await store.close();
    const again = await openSqliteCallStore({ path, privacy });
    expect(again.rollupBuild()).toBeUndefined();
    await again.close();
  });

  it('schema 6 applies what schema 5 queued, drops the queue and its triggers', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'v5.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, path, 5)).toBe(5);
    // A plain writer at schema 5: its triggers queue the finished call, nothing applies the queue.
    db.prepare(
      "INSERT INTO calls (call_id, first_at, started_at, ended_at, sip_code) VALUES ('v5-1', ?, ?, ?, 486)",
    ).run(T, T, T + 5000);
    expect(db.prepare('SELECT COUNT(*) FROM rollup_pending').pluck().get()).toBe(1);
    db.close();

    const store = await openSqliteCallStore({ path, privacy });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    const day = { from: Date.UTC(2024, 0, 15), to: Date.UTC(2024, 0, 16) };
    expect((await store.stats(day)).byStatus.busy).toBe(1);
    await store.applyBatch([
      { kind: 'started', callId: 'v6-1', at: T + 1000, direction: 'inbound', channel: 'sip' },
      { kind: 'answered', callId: 'v6-1', at: T + 2000 },
      { kind: 'ended', callId: 'v6-1', at: T + 62_000, sipCode: 200 },
    ]);
    expect((await store.stats(day)).byStatus).toMatchObject({ busy: 1, completed: 1 });
    expect(await store.stats(day)).toEqual(await store.stats({ ...day, exact: true }));
    await store.close();
    const check = new Database(path, { readonly: true });
    const left = check
      .prepare("SELECT name FROM sqlite_master WHERE name = 'rollup_pending' OR type = 'trigger'")
      .pluck()
      .all();
    expect(left).toEqual([]);
    check.close();
  });

  it('schema 7 keeps the slots a schema-6 writer marked, and writes queue calls from then on', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'v6.db');
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    expect(migrate(db, path, 6)).toBe(6);
    // A schema-6 writer: the finished call and the mark of its slot, not yet rebuilt.
    db.transaction(() => {
      db.prepare(
        "INSERT INTO calls (call_id, first_at, started_at, ended_at, sip_code) VALUES ('v6-1', ?, ?, ?, 486)",
      ).run(T, T, T + 5000);
      db.prepare('INSERT INTO rollup_dirty (t) VALUES (?)').run(T - (T % 600_000));
    })();
    db.close();

    const store = await openSqliteCallStore({ path, privacy });
    expect(store.schemaVersion).toBe(LATEST_VERSION);
    const day = { from: Date.UTC(2024, 0, 15), to: Date.UTC(2024, 0, 16) };
    expect((await store.stats(day)).byStatus.busy).toBe(1);
    await store.applyBatch([
      { kind: 'started', callId: 'v7-1', at: T + 1000, direction: 'inbound', channel: 'sip' },
      { kind: 'ended', callId: 'v7-1', at: T + 62_000, sipCode: 200 },
    ]);
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) FROM rollup_add').pluck().get()).toBe(1);
    check.close();
    expect(await store.stats(day)).toEqual(await store.stats({ ...day, exact: true }));
    expect((await store.stats(day)).total).toBe(2);
    await store.close();
  });

  it('refuses a file from a newer sidetone with StoreError naming the fix', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'future.db');
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 7}`);
    db.close();
    const err = await openSqliteCallStore({ path, privacy }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'ST_STORE_SCHEMA_TOO_NEW' });
    expect((err as Error).message).toContain(`schema version ${LATEST_VERSION + 7}`);
    expect((err as Error).message).toContain('upgrade sidetone');
    // The refused file is left untouched.
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 7);
    check.close();
  });

  it('rolls a failing migration back whole: the version is not bumped', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', 1);
    db.exec('CREATE TABLE sms (x INTEGER)'); // makes migration 2 fail half-way
    expect(() => migrate(db, ':memory:')).toThrow(/already exists/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});
