/**
 * SQLite's rollups by marked slots (src/store/sqlite-rollups.ts): marks are durable with the batch,
 * any connection's marks are flushed before a rollup read, a held lock makes reads answer from the
 * records instead of waiting, and marks that pile up are flushed by the writer itself.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteCallStore } from '../../src/store/sqlite.js';
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

const marks = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM rollup_dirty').pluck().get() as number;
  } finally {
    db.close();
  }
};

describe('SQLite rollups by marked slots', () => {
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
    const rollups = (store as unknown as { rollups: { fresh: (ms?: number) => boolean } }).rollups;
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

  it('flushes by itself once marks pile up, with no read', async () => {
    const t = tempDir();
    remove = t.remove;
    const path = join(t.dir, 'calls.db');
    const store = await openSqliteCallStore({ path, privacy });
    // 300 calls ten minutes apart: 300 slots marked in one batch, more than a flush waits for.
    await store.applyBatch(calls('p', 300, DAY0 - 2 * 86_400_000, 600_000));
    expect(marks(path)).toBe(0);
    const all = { from: DAY0 - 3 * 86_400_000, to: DAY0 + 86_400_000 };
    expect(await store.stats(all)).toEqual(await store.stats({ ...all, exact: true }));
    await store.close();
  });
});
