/**
 * SQLite's rollups by queued changes and marked slots (src/store/sqlite/rollups.ts): the queue is
 * durable with the batch, any connection's changes are flushed before a rollup read, a held lock
 * makes reads answer from the records instead of waiting, and work that piles up is flushed by the
 * writer itself.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { planRange } from '../../src/store/rollup/plan.js';
import { ROLLUP_READS, ROLLUP_READS_ALL } from '../../src/store/sqlite/sql.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { CallUpdate } from '../../src/store/types.js';
import { KEY } from './contract.js';
import { tempDir } from './helpers.js';

const privacy = { hashKey: KEY, storeRaw: false };
const DAY0 = Date.UTC(2024, 0, 15);
const day = { from: DAY0, to: DAY0 + 86_400_000 };

/** `n` finished calls from `at`, `every` ms apart. */
function calls(prefix: string, n: number, at: number, every: number): CallUpdate[] {
  return Array.from({ length: n }, (_, i): CallUpdate[] => {
    const t = at + i * every;
    const callId = `${prefix}-${i}`;
    return [
      { kind: 'started', callId, at: t, direction: 'inbound', channel: 'sip', trunk: 'carrier-a' },
      { kind: 'ended', callId, at: t + 30_000, sipCode: i % 3 === 0 ? 486 : 200 },
    ];
  }).flat();
}

/** One number read from the store file by another connection. */
const count = (path: string, sql: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
};

/** Changes left for a flush: marked slots, queued calls and kept contributions. */
const marks = (path: string) =>
  count(
    path,
    'SELECT (SELECT COUNT(*) FROM rollup_dirty) + (SELECT COUNT(*) FROM rollup_add) + (SELECT COUNT(*) FROM rollup_remove)',
  );

describe('SQLite rollups by queued changes and marked slots', () => {
  let remove = () => {};
  afterEach(() => remove());

  it('keeps the marks of a batch across a restart; the next read rebuilds them', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    // The clock stands still: the writer's once-a-second flush does not come before the close.
    vi.useFakeTimers({ toFake: ['performance'] });
    const first = await openSqliteCallStore({ path, privacy });
    try {
      await first.applyBatch(calls('a', 5, DAY0 + 3_600_000, 60_000));
    } finally {
      vi.useRealTimers();
    }
    await first.close(); // no flush at close: a crash would leave the same
    expect(marks(path)).toBeGreaterThan(0);

    const again = await openSqliteCallStore({ path, privacy });
    const stats = await again.stats(day);
    expect(stats.total).toBe(5);
    expect(stats).toEqual(await again.stats({ ...day, exact: true }));
    expect(marks(path)).toBe(0);
    await again.close();
  });

  it("flushes another connection's marks before reading rollups", async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const reader = await openSqliteCallStore({ path, privacy });
    const writer = await openSqliteCallStore({ path, privacy });
    await writer.applyBatch(calls('w', 4, DAY0 + 7_200_000, 600_000));
    expect(marks(path)).toBeGreaterThan(0);
    const overview = await reader.overview(day, 'hour');
    expect(overview).toEqual(await reader.overview({ ...day, exact: true }, 'hour'));
    expect((await reader.stats(day)).total).toBe(4);
    await writer.close();
    await reader.close();
  });

  it('answers from the records, without waiting out the busy timeout, while another process holds the lock', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    await store.applyBatch(calls('h', 6, DAY0 + 3_600_000, 300_000));
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const started = performance.now();
      const stats = await store.stats(day);
      const ms = performance.now() - started;
      expect(stats.total).toBe(6);
      expect(stats).toEqual(await store.stats({ ...day, exact: true }));
      expect(ms).toBeLessThan(4000); // the read waits ~1 s for the lock, not the 5 s busy timeout
      expect(marks(path)).toBeGreaterThan(0); // nothing could be rebuilt
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(await store.stats(day)).toEqual(await store.stats({ ...day, exact: true }));
    expect(marks(path)).toBe(0);
    await store.close();
  });

  it('never reads rollups beside records a writer committed after the flush', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    await store.applyBatch(calls('r', 3, DAY0 + 3_600_000, 60_000));
    // Another writer commits a finished call (and its mark, as every writer does) right after the
    // read's flush and before its query: the read must not take the stale slot.
    const other = new Database(path);
    const rollups = (store as unknown as { driver: { rollups: { fresh: (ms?: number) => boolean } } }).driver
      .rollups;
    const fresh = rollups.fresh.bind(rollups);
    let injected = false;
    rollups.fresh = (ms) => {
      const ok = fresh(ms);
      if (!injected) {
        injected = true;
        const at = DAY0 + 3_600_000 + 120_000;
        other.transaction(() => {
          other
            .prepare(
              "INSERT INTO calls (call_id, first_at, started_at, ended_at, sip_code) VALUES ('late', ?, ?, ?, 200)",
            )
            .run(at, at, at + 60_000);
          other.prepare('INSERT OR IGNORE INTO rollup_dirty (t) VALUES (?)').run(at - (at % 600_000));
        })();
      }
      return ok;
    };
    const stats = await store.stats(day);
    expect(injected).toBe(true);
    expect(stats.total).toBe(4);
    expect(stats).toEqual(await store.stats({ ...day, exact: true }));
    other.close();
    await store.close();
  });

  it('flushes by itself once marked slots pile up, with no read', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    vi.useFakeTimers({ toFake: ['performance'] }); // no flush for the time passed
    try {
      const store = await openSqliteCallStore({ path, privacy });
      // 300 calls ten minutes apart that never end: cleanup closes them in one transaction and
      // marks 300 slots, more than a flush waits for.
      const start = DAY0 - 3 * 86_400_000;
      await store.applyBatch(calls('p', 300, start, 600_000).filter((u) => u.kind === 'started'));
      expect(await store.closeZombies(60, DAY0)).toBe(300);
      expect(marks(path)).toBe(0);
      const timeouts = "SELECT SUM(n) FROM call_rollup_day WHERE status = 'timeout' AND direction = '\u0002'";
      expect(count(path, timeouts)).toBe(300);
      await store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('flushes queued calls by itself a second after the last flush, with no read', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const store = await openSqliteCallStore({ path, privacy });
      await store.applyBatch(calls('q', 20, DAY0 + 3_600_000, 1000));
      expect(marks(path)).toBeGreaterThan(0);
      vi.advanceTimersByTime(1001);
      await store.applyBatch(calls('q2', 1, DAY0 + 7_200_000, 1000));
      expect(marks(path)).toBe(0);
      await store.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('queues the calls of a slot the rollups already hold, and rebuilds only a slot they hold nothing of', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    const at = DAY0 + 3_600_000;
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      // A slot with nothing rolled up yet is marked whole: no row per call.
      await store.applyBatch(calls('a', 50, at, 1000));
      expect(count(path, 'SELECT COUNT(*) FROM rollup_dirty')).toBe(1);
      expect(count(path, 'SELECT COUNT(*) FROM rollup_add')).toBe(0);
      expect((await store.stats(day)).total).toBe(50); // the read flushes
      // Live traffic into the same slot: each call queued, the slot not marked, so a flush does
      // not group the 50 calls already rolled up again.
      await store.applyBatch(calls('b', 30, at + 60_000, 1000));
      expect(count(path, 'SELECT COUNT(*) FROM rollup_dirty')).toBe(0);
      expect(count(path, 'SELECT COUNT(*) FROM rollup_add')).toBe(30);
    } finally {
      vi.useRealTimers();
    }
    expect(await store.stats(day)).toEqual(await store.stats({ ...day, exact: true }));
    expect((await store.stats(day)).total).toBe(80);
    await store.close();
  });

  it('takes a changed call out as the rollups hold it, once, however often it changes before a flush', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    const at = DAY0 + 3_600_000 + 5 * 60_000;
    await store.applyBatch([
      { kind: 'started', callId: 'x', at, direction: 'inbound', channel: 'sip', trunk: 'carrier-a' },
      { kind: 'answered', callId: 'x', at: at + 2000 },
      { kind: 'ended', callId: 'x', at: at + 60_000, sipCode: 200 },
      ...calls('other', 3, at, 60_000),
    ]);
    expect((await store.stats(day)).total).toBe(4); // the read flushed: x is in the rollups
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      // Three changes with no flush between: a media report, then an earlier start that moves x
      // to another slot, hour and day, then a worse media report.
      await store.applyBatch([
        { kind: 'media', callId: 'x', at: at + 61_000, mos: 4.1, jitterMs: 3, lossPercent: 0 },
      ]);
      const earlier = DAY0 - 30 * 60_000;
      await store.applyBatch([
        {
          kind: 'started',
          callId: 'x',
          at: earlier,
          direction: 'outbound',
          channel: 'sip',
          trunk: 'carrier-a',
        },
      ]);
      await store.applyBatch([
        { kind: 'media', callId: 'x', at: at + 62_000, mos: 2.5, jitterMs: 30, lossPercent: 4 },
      ]);
      expect(count(path, 'SELECT COUNT(*) FROM rollup_remove')).toBe(1);
    } finally {
      vi.useRealTimers();
    }
    const twoDays = { from: DAY0 - 86_400_000, to: DAY0 + 86_400_000 };
    for (const q of [
      day,
      twoDays,
      { ...day, trunk: 'carrier-a' },
      { ...twoDays, direction: 'inbound' as const },
    ]) {
      expect(await store.stats(q)).toEqual(await store.stats({ ...q, exact: true }));
    }
    expect((await store.stats(day)).total).toBe(3);
    expect((await store.stats(twoDays)).total).toBe(4);
    for (const bucket of ['hour', 'day'] as const) {
      expect(await store.overview(twoDays, bucket)).toEqual(
        await store.overview({ ...twoDays, exact: true }, bucket),
      );
    }
    await store.close();
  });
});

describe('SQLite rollup reads', () => {
  let remove = () => {};
  afterEach(() => remove());

  it('take the dimension-free hourly and daily rows through their indexes when unfiltered, the detailed rows when filtered', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    // Three days of calls on two trunks: whole days, hours and 10-minute slots for every read.
    const updates = calls('r', 300, DAY0, 864_000).map((u, i) =>
      u.kind === 'started' && i % 4 === 0 ? { ...u, trunk: 'carrier-b' } : u,
    );
    await store.applyBatch(updates);
    const range = { from: DAY0 + 1_234_567, to: DAY0 + 3 * 86_400_000 - 7_654_321 };
    for (const q of [range, { ...range, trunk: 'carrier-b' }, { ...range, direction: 'inbound' as const }]) {
      expect(await store.stats(q)).toEqual(await store.stats({ ...q, exact: true }));
      expect(await store.series(q, 'hour')).toEqual(await store.series({ ...q, exact: true }, 'hour'));
      expect(await store.overview(q, 'day')).toEqual(await store.overview({ ...q, exact: true }, 'day'));
    }
    await store.close();
    // The plans: SQLite picks a partial index only when the statement's filter implies its WHERE,
    // which the filter decided in SQL (CASE on the parameters) never did.
    const db = new Database(path, { readonly: true });
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(planRange(range)) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .filter((d) => /call_(rollup|duration)_(hour|day)/.test(d));
    for (const sql of [ROLLUP_READS_ALL.stats, ROLLUP_READS_ALL.seriesDay, ROLLUP_READS_ALL.histogram]) {
      const steps = plan(sql);
      expect(steps.length).toBeGreaterThan(0);
      for (const s of steps) expect(s).toMatch(/USING COVERING INDEX call_(rollup|duration)_(hour|day)_all /);
    }
    for (const s of plan(ROLLUP_READS.stats)) expect(s).toMatch(/USING PRIMARY KEY/);
    db.close();
  });
});
