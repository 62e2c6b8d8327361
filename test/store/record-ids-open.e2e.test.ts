/**
 * Opening a PostgreSQL store whose ids are raw (written before ids were hashed, issue 31) with ids
 * hashed, fast at any size (issue 51): a store from before day partitions has its ids hashed in
 * the tables the partition move then copies (no key or record is updated after the move); a
 * SIGKILL in the middle of the rewrite (records moved with the indexes dropped, indexes half built,
 * or before the move) leaves a store that opens, finishes it, and is then the same as one rewritten
 * without the kill: records, keys, rollups, indexes, triggers.
 */

import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateSchema } from '../../src/store/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../src/store/postgres/sql.js';
import { openPostgresCallStore } from '../../src/store/postgres/store.js';
import { type PrivacyConfig, recordIds } from '../../src/store/privacy.js';
import { GRAINS } from '../../src/store/rollup/groups.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { spawnNode } from '../helpers/spawn.js';
import { cid, deliveredByReference, KEY, mid, T } from './contract-kit.js';

const HASHED: PrivacyConfig = { hashKey: KEY, storeRaw: false };
const ref = recordIds(HASHED, 'ref');
const fixture = fileURLToPath(new URL('fixtures/open-killed.mjs', import.meta.url));

/** Calls with raw ids: more than the rewrite moves with the indexes in place (stored-ids.ts REBUILD_MIN). */
const N = 12_000;
const RAW_SMS = 'sms-to-Margaret-Thatcher';
const RAW_REF = 'SMb1f2e3d4c5Margaret';

/**
 * A store as an older sidetone left it, at schema `version` (3: before day partitions; 6: before
 * ids were hashed): N calls over three days with raw ids, one call kept twice (raw, and hashed
 * after a reveal was switched off), a pending and a delivered message with raw ids and references.
 */
async function rawStore(url: string, schema: string, version: 3 | 6): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    await c.query(
      'CREATE TABLE sidetone_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const migrate = async (from: number, to: number) => {
      for (const m of PG_MIGRATIONS.filter((x) => x.version >= from && x.version <= to)) {
        await c.query(m.sql);
        await c.query('INSERT INTO sidetone_schema (version, description) VALUES ($1, $2)', [
          m.version,
          m.description,
        ]);
      }
    };
    await migrate(1, 3);
    await c.query(
      `INSERT INTO calls (call_id, first_at, direction, started_at, answered_at, ended_at, sip_code)
       SELECT id, at, 'outbound', at, CASE WHEN i % 3 > 0 THEN at + 900 END, at + 60000, CASE WHEN i % 3 > 0 THEN 200 ELSE 486 END
       FROM (SELECT i, 'raw-call-' || i AS id, $1::bigint + i * 20000 AS at FROM generate_series(1, $2::int) i) s
       UNION ALL SELECT 'dup-call', $1::bigint, 'inbound', $1::bigint, NULL, $1::bigint + 3000, 486
       UNION ALL SELECT $3, $1::bigint + 5000, 'inbound', $1::bigint + 5000, NULL, $1::bigint + 8000, 486`,
      [T, N, cid('dup-call')],
    );
    await c.query(
      `INSERT INTO sms (message_id, first_at, direction, gateway, reference, sent_at, delivered_at) VALUES
       ($1, $3, 'outbound', 'modem0', $2, $3, NULL), ('sms-delivered', $3, 'outbound', 'modem0', 'ref-2', $3, $3 + 4000)`,
      [RAW_SMS, RAW_REF, T],
    );
    if (version === 6) await migrate(4, 6);
  } finally {
    await c.end();
  }
}

/** Everything a rewrite may change, as text, with the schema's name taken out. */
async function snapshot(url: string, schema: string): Promise<Record<string, string[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`SET search_path = ${schema}`);
    const tables = ['calls', 'call_keys', 'sms', 'sms_keys', 'sms_pending', 'call_days', 'sidetone_meta'];
    const out: Record<string, string[]> = {};
    for (const t of [...tables, ...GRAINS.flatMap((g) => [g.calls, g.durations])])
      out[t] = (await c.query(`SELECT to_jsonb(t)::text AS r FROM ${t} t ORDER BY 1`)).rows.map((r) => r.r);
    out.versions = (
      await c.query('SELECT version::text AS v FROM sidetone_schema ORDER BY version')
    ).rows.map((r) => r.v);
    out.indexes = (
      await c.query(
        'SELECT replace(indexdef, $1, $2) AS d FROM pg_indexes WHERE schemaname = $3 ORDER BY tablename, indexname',
        [`${schema}.`, '', schema],
      )
    ).rows.map((r) => r.d);
    out.triggers = (
      await c.query(
        `SELECT c.relname || ' ' || t.tgname || ' ' || t.tgenabled::text AS t FROM pg_trigger t
         JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`,
        [schema],
      )
    ).rows.map((r) => r.t);
    return out;
  } finally {
    await c.end();
  }
}

/** The store as the rewrite must leave it: every id hashed but the one whose hash was a record already. */
function expectRewritten(s: Record<string, string[]>): void {
  const ids = (t: string, column: string) => (s[t] ?? []).map((r) => JSON.parse(r)[column] as string);
  for (const t of ['calls', 'call_keys']) {
    const raw = ids(t, 'call_id').filter((id) => !id.startsWith('cid:'));
    expect(raw, t).toEqual(['dup-call']);
    expect(ids(t, 'call_id')).toContain(cid('raw-call-1'));
    expect(ids(t, 'call_id')).toHaveLength(N + 2);
  }
  for (const t of ['sms', 'sms_keys', 'sms_pending']) expect(ids(t, 'message_id'), t).toContain(mid(RAW_SMS));
  expect(ids('sms', 'message_id').every((id) => id.startsWith('mid:'))).toBe(true);
  expect(ids('sms', 'reference').sort()).toEqual([ref(RAW_REF), ref('ref-2')].sort());
  expect(s.sidetone_meta?.map((r) => JSON.parse(r))).toContainEqual({ key: 'record_ids', value: 'hashed' });
}

describe('opening a PostgreSQL store with raw ids, ids hashed', () => {
  const server = postgresForFile();

  it('hashes the ids of a store from before day partitions in the tables the move copies: no key or record is updated after it', async () => {
    const schema = freshSchema();
    await rawStore(server.url, schema, 3);
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const statements: string[] = [];
    try {
      await c.query(`SET search_path = ${schema}`);
      const logged = {
        query: (config: string | pg.QueryConfig, values?: unknown[]) => {
          statements.push(typeof config === 'string' ? config : config.text);
          return c.query(config, values);
        },
      };
      await migrateSchema(logged as unknown as pg.PoolClient, {
        url: server.url,
        privacy: HASHED,
        schema: undefined,
      });
    } finally {
      await c.end();
    }
    const move = statements.findIndex((s) => s.includes('PARTITION BY RANGE'));
    expect(move).toBeGreaterThan(0);
    const updates = (from: number, to: number) =>
      statements
        .slice(from, to)
        .filter((s) => /^\s*UPDATE\b[\s\S]*\bsidetone_id_map\b/.test(s))
        .map((s) => s.trim().split(/\s+/).slice(0, 2).join(' '));
    // Updates of ids (joined to the map of raw ids and their hashes). Before the move: the call ids,
    // then the message ids. After it: only the references, which no key holds.
    expect(updates(0, move)).toEqual(['UPDATE calls', 'UPDATE sms']);
    expect(updates(move, statements.length)).toEqual(['UPDATE sms']);
    expectRewritten(await snapshot(server.url, schema));
    const store = await openPostgresCallStore({ url: server.url, schema, privacy: HASHED, instance: 't' });
    try {
      expect((await store.getCall('raw-call-7'))?.callId).toBe(cid('raw-call-7'));
      expect((await store.getSms(RAW_SMS))?.status).toBe('sent');
      // A delivery report still finds its submission by the reference as sent.
      await store.applySmsBatch([deliveredByReference(RAW_REF, T + 5000)]);
      expect((await store.getSms(RAW_SMS))?.status).toBe('delivered');
    } finally {
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it.each([
    {
      version: 6,
      at: '^UPDATE calls t SET call_id',
      point: 'after the records moved, their indexes dropped',
    },
    { version: 6, at: '^ALTER TABLE calls ADD CONSTRAINT', point: 'with the records’ indexes half built' },
    {
      version: 3,
      at: '^UPDATE calls t SET call_id',
      point: 'after the ids moved, before the partition move',
    },
  ] as const)('a SIGKILL $point (schema $version) leaves a store that opens and finishes the rewrite, the same as one never killed', async ({
    version,
    at,
  }) => {
    const [killed, whole] = [freshSchema(), freshSchema()];
    try {
      await rawStore(server.url, killed, version);
      await rawStore(server.url, whole, version);
      const child = spawnNode([fixture, server.url, killed, KEY, at]);
      expect(await child.exited, child.output()).toBe(null);
      expect(child.child.signalCode).toBe('SIGKILL');
      expect(child.stdout()).toBe('killed\n');
      for (const schema of [killed, whole])
        await (
          await openPostgresCallStore({ url: server.url, schema, privacy: HASHED, instance: 't' })
        ).close();
      const after = await snapshot(server.url, killed);
      expectRewritten(after);
      expect(after).toEqual(await snapshot(server.url, whole));
    } finally {
      await dropSchema(server.url, killed);
      await dropSchema(server.url, whole);
    }
  });
});
