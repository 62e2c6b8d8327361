/**
 * The store front (src/store/front.ts): validation, clamping, id hashing and reveal happen once,
 * above the drivers. Two parts: the front over a recording driver (what reaches SQL), and the
 * cases where the two backends used to answer the same input differently, run on a real SQLite
 * file and a real PostgreSQL and compared.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { StoreFront } from '../../src/store/front.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { recordIds } from '../../src/store/privacy.js';
import { openSqliteCallStore } from '../../src/store/sqlite/store.js';
import type { StoreDriver } from '../../src/store/store-driver.js';
import type { CallStore, ModemSample } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY, lifecycle } from './contract.js';
import { T } from './contract-kit.js';
import { tempDir } from './helpers.js';

const privacy = { hashKey: KEY, storeRaw: false };

/** A driver that records what the front hands it and answers nothing. */
function recordingDriver(): { driver: StoreDriver; calls: Array<[string, unknown[]]> } {
  const calls: Array<[string, unknown[]]> = [];
  const driver = new Proxy({} as StoreDriver, {
    get:
      (_, name: string) =>
      async (...args: unknown[]) => {
        calls.push([name, args]);
        if (name === 'callPager' || name === 'smsPager') return async () => [];
        if (name === 'dropExpired') return { calls: 0, sms: 0 };
        if (name === 'lastActivity') return { c: null, s: null };
        return name === 'recentCalls' || name === 'modemHistory' ? [] : 0;
      },
  });
  return { driver, calls };
}

describe('store front over a driver', () => {
  it('rejects a bad update or range before the driver sees anything', async () => {
    const { driver, calls } = recordingDriver();
    const store = new StoreFront(driver, privacy);
    const good = lifecycle('c1', T)[0]!;
    await expect(store.applyBatch([good, { ...good, at: -1 }])).rejects.toBeInstanceOf(ValidationError);
    await expect(store.stats({ from: T, to: T })).rejects.toBeInstanceOf(ValidationError);
    await expect(store.overview({ from: T, to: T + 1 }, 'week' as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.durationPercentiles({ from: T, to: T + 1 }, [1.5])).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(store.closeZombies(-1)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.deleteOlderThan(0)).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toEqual([]);
  });

  it('hands the driver stored ids and integer bounds, clamps the limit, and skips empty batches', async () => {
    const { driver, calls } = recordingDriver();
    const store = new StoreFront(driver, privacy);
    await store.apply(lifecycle('c1', T)[0]!);
    expect(calls[0]![0]).toBe('writeCalls');
    const [, written] = calls[0]![1] as [string, Array<{ callId: string }>];
    expect(written[0]!.callId).toBe(recordIds(privacy, 'cid')('c1'));
    expect(await store.applyBatch([])).toBe(0);
    expect(await store.applySmsBatch([])).toBe(0);
    calls.length = 0;
    await store.recentCalls({ statuses: ['failed', 'failed'], limit: 1e9, before: T + 0.5 });
    await store.recentCalls({ statuses: ['busy'], limit: Number.NaN });
    await store.modemHistory({ from: T - 0.5, to: T + 0.5 });
    expect(calls).toEqual([
      ['recentCalls', ['failed', T + 1, 10_000]],
      ['recentCalls', ['busy', Number.MAX_SAFE_INTEGER, 0]],
      ['modemHistory', [{ from: T, to: T + 1, modem: null, limit: 12_000, instance: null }]],
    ]);
  });
});

const server = postgresForFile();

/** The same store on both backends: a SQLite file and a fresh PostgreSQL schema. */
async function bothBackends(): Promise<{ stores: Array<[string, CallStore]>; close: () => Promise<void> }> {
  const dir = tempDir();
  const schema = freshSchema();
  const sqlite = await openSqliteCallStore({ path: `${dir.dir}/calls.db`, privacy });
  const postgres = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'test' });
  return {
    stores: [
      ['SQLite', sqlite],
      ['PostgreSQL', postgres],
    ],
    close: async () => {
      await sqlite.close();
      await postgres.close();
      await dropSchema(server.url, schema);
      dir.remove();
    },
  };
}

const sample = (at: number): ModemSample => ({
  modem: 'modem0',
  at,
  connected: true,
  registered: true,
  signalDbm: -71,
  rsrpDbm: null,
  reconnects: 0,
  flapping: false,
});

describe('the backends agree where they drifted', () => {
  it('a fractional `before`, modem-history bounds and a chunk size of 0 read the same on both', async () => {
    const { stores, close } = await bothBackends();
    try {
      // Both public store classes are the front over their driver: the contract suite
      // (sqlite.test.ts, postgres.e2e.test.ts) runs through it on each backend.
      for (const [, store] of stores) expect(store).toBeInstanceOf(StoreFront);
      const answers: unknown[] = [];
      for (const [, store] of stores) {
        // Two failed calls a millisecond apart, and modem samples on the same milliseconds.
        await store.applyBatch([
          { kind: 'started', callId: 'a', at: T, direction: 'outbound', channel: 'sip' },
          { kind: 'ended', callId: 'a', at: T + 10, status: 'failed', sipCode: 503 },
          { kind: 'started', callId: 'b', at: T + 1, direction: 'outbound', channel: 'sip' },
          { kind: 'ended', callId: 'b', at: T + 11, status: 'failed', sipCode: 503 },
        ]);
        await store.appendModemSamples([sample(T), sample(T + 1)]);
        const recent = async (before: number) =>
          (await store.recentCalls({ statuses: ['failed'], limit: 10, before })).map((c) => c.firstAt);
        const history = async (from: number, to: number) =>
          (await store.modemHistory({ from, to })).map((s) => s.at);
        const all: number[] = [];
        for await (const c of store.iterateCalls({ from: T, to: T + 60_000, chunkSize: 0 }))
          all.push(c.firstAt);
        answers.push({
          // `before` is exclusive: a call at T is before T + 0.5 (PostgreSQL truncated it to T).
          before: [await recent(T + 0.5), await recent(T + 1), await recent(T + 1.5)],
          // [from, to) on integer times: T + 0.5 holds neither T (from) nor more than T (to).
          history: [await history(T + 0.5, T + 2), await history(T - 1, T + 0.5)],
          all,
        });
      }
      expect(answers[0]).toEqual({
        before: [[T], [T], [T + 1, T]],
        history: [[T + 1], [T]],
        all: [T, T + 1],
      });
      expect(answers[1]).toEqual(answers[0]);
    } finally {
      await close();
    }
  });
});
