/**
 * A store built by the released migrations, then opened by a sidetone whose call classifier has a
 * changed row (issue 33, "frozen migrations"). The change is made the way a developer makes it:
 * a new row in the table (src/domain/outcome/table.ts) and its revision bumped, here by a module
 * mock, so the SQL generator, the JS classifier and the calls pack all read it. After the upgrade
 * the stored call, its rollups and `/metrics` must give the call the same outcome; without the
 * rebuild on open (src/store/records/rederive.ts) the file keeps the released derivation for good.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type * as Table from '../../src/domain/outcome/table.js';
import type { CallStore, CallUpdate } from '../../src/store/types.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY } from './contract.js';
import { tempDir } from './helpers.js';

const server = postgresForFile();
const privacy = { hashKey: KEY, storeRaw: false };
const T = Date.UTC(2024, 0, 15, 10);
const DAY = { from: Date.UTC(2024, 0, 15), to: Date.UTC(2024, 0, 16) };
const TABLE = '../../src/domain/outcome/table.js';

// 433 Anonymity Disallowed has no row in the released table: `other`, outcome `failed`. The
// changed table gives it one, as a refusal by the called party. No Q.850 cause maps to 433
// (RFC 3398), so no table derived from the rows at load time changes with it.
const CODE = 433;
const ROW = { reason: 'rejected', outcome: 'declined' } as const;
const CALLS: ReadonlyArray<readonly [string, number]> = [
  ['a', CODE],
  ['b', CODE],
  ['c', 486],
  ['d', 503],
];

/** The modules of the released sidetone, or of one with the changed classifier row. */
async function sidetone(changed: boolean) {
  vi.resetModules();
  if (changed) {
    vi.doMock(TABLE, async (original) => {
      const t = await original<typeof Table>();
      const SIP_ROWS: Record<number, Table.SipRow> = { ...t.SIP_ROWS, [CODE]: ROW };
      return {
        ...t,
        CLASSIFIER_REVISION: t.CLASSIFIER_REVISION + 1,
        SIP_ROWS,
        sipRowOf: (code: number) => SIP_ROWS[code] ?? t.sipRowOf(code),
      };
    });
  } else vi.doUnmock(TABLE);
  return {
    ...(await import('../../src/store/sqlite/store.js')),
    ...(await import('../../src/store/postgres/store.js')),
    ...(await import('../../src/events/bus.js')),
    ...(await import('../../src/metrics/index.js')),
    ...(await import('../../src/telephony/instrument.js')),
  };
}

const updates = (): CallUpdate[] =>
  CALLS.flatMap(([id, sipCode], i): CallUpdate[] => [
    { kind: 'started', callId: id, at: T + i * 1000, direction: 'outbound', channel: 'sip', trunk: 't1' },
    { kind: 'ended', callId: id, at: T + i * 1000 + 500, sipCode },
  ]);

/** What `/metrics` says of the same calls: `call_outcomes_total` by outcome. */
async function metricsOutcomes(m: Awaited<ReturnType<typeof sidetone>>): Promise<Record<string, number>> {
  const registry = new m.Registry();
  const bus = new m.EventBus({ registry, validate: false });
  m.instrument(bus, registry, { packs: 'all', trunks: ['t1'] });
  for (const [id, sipCode] of CALLS) {
    bus.emit({ type: 'call.started', callId: id, direction: 'outbound', channel: 'sip', trunk: 't1' });
    bus.emit({ type: 'call.ended', callId: id, sipCode });
  }
  const out: Record<string, number> = {};
  for (const [, outcome, n] of (await registry.metrics()).matchAll(
    /^sidetone_call_outcomes_total\{[^}]*outcome="(\w+)"\} (\d+)$/gm,
  ))
    out[outcome!] = (out[outcome!] ?? 0) + Number(n);
  return out;
}

/** The store's outcome of each call, and its rollups' and records' counts by outcome. */
async function storedOutcomes(store: CallStore) {
  const calls = Object.fromEntries(
    await Promise.all(
      CALLS.map(async ([id]) => {
        const c = await store.getCall(id);
        return [id, [c?.outcome, c?.reason]];
      }),
    ),
  );
  const nonZero = (r: Record<string, number>) =>
    Object.fromEntries(Object.entries(r).filter(([, n]) => n > 0));
  return {
    calls,
    rollups: nonZero((await store.stats(DAY)).byOutcome),
    records: nonZero((await store.stats({ ...DAY, exact: true })).byOutcome),
  };
}

/** Build with the released sidetone, reopen with the changed one, compare with `/metrics`. */
async function upgrade(open: (m: Awaited<ReturnType<typeof sidetone>>) => Promise<CallStore>) {
  const released = await sidetone(false);
  const old = await open(released);
  await old.applyBatch(updates());
  const before = await storedOutcomes(old);
  await old.close();
  expect(before.calls.a).toEqual(['failed', 'other']);
  expect(before.rollups).toEqual({ failed: 2, busy: 1, ineffective: 1 });

  const changed = await sidetone(true);
  const metrics = await metricsOutcomes(changed);
  expect(metrics).toEqual({ declined: 2, busy: 1, ineffective: 1 });
  const store = await open(changed);
  try {
    const after = await storedOutcomes(store);
    expect(after.calls).toEqual({
      a: ['declined', 'rejected'],
      b: ['declined', 'rejected'],
      c: ['busy', 'busy'],
      d: ['ineffective', 'network_error'],
    });
    expect(after.rollups).toEqual(metrics);
    expect(after.records).toEqual(metrics);
    // Writes after the upgrade are classified by the changed row too, into the same rollups.
    await store.applyBatch([
      { kind: 'started', callId: 'e', at: T + 9000, direction: 'outbound', channel: 'sip', trunk: 't1' },
      { kind: 'ended', callId: 'e', at: T + 9500, sipCode: CODE },
    ]);
    expect((await store.stats(DAY)).byOutcome.declined).toBe(3);
    expect(await store.stats(DAY)).toEqual(await store.stats({ ...DAY, exact: true }));
  } finally {
    await store.close();
    vi.doUnmock(TABLE);
    vi.resetModules();
  }
}

describe('a changed classifier row: an old store upgrades and agrees with /metrics', () => {
  it('SQLite', async () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'released.db');
      await upgrade((m) => m.openSqliteCallStore({ path, privacy }));
    } finally {
      t.remove();
    }
  });

  it('PostgreSQL', async () => {
    const schema = freshSchema();
    try {
      await upgrade((m) => m.openPostgresCallStore({ url: server.url, schema, privacy }));
    } finally {
      await dropSchema(server.url, schema);
    }
  });

  it('refuses a store classified by a newer revision, leaving it untouched', async () => {
    const t = tempDir();
    try {
      const path = join(t.dir, 'future.db');
      const m = await sidetone(false);
      await (await m.openSqliteCallStore({ path, privacy })).close();
      const db = new Database(path);
      db.prepare("INSERT INTO sidetone_meta (key, value) VALUES ('classifier_revision', '99')").run();
      db.close();
      const err = await m.openSqliteCallStore({ path, privacy }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ST_STORE_SCHEMA_TOO_NEW' });
      expect((err as Error).message).toContain('call classifier revision 99');
      expect((err as Error).message).toContain('upgrade sidetone');
      const check = new Database(path, { readonly: true });
      expect(
        check.prepare("SELECT value FROM sidetone_meta WHERE key = 'classifier_revision'").pluck().get(),
      ).toBe('99');
      expect(
        check.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'calls_next'").pluck().get(),
      ).toBe(0);
      check.close();
    } finally {
      t.remove();
    }
  });
});
