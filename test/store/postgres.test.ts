import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError, ValidationError } from '../../src/errors.js';
import { openPostgresCallStore, redactUrl } from '../../src/store/postgres.js';
import { PG_LATEST_VERSION } from '../../src/store/postgres-sql.js';
import type { CallStore } from '../../src/store/types.js';
import { dropSchema, freshSchema, startPostgres } from '../helpers/postgres.js';
import { KEY, lifecycle, runCallStoreContract } from './contract.js';

// A real PostgreSQL 15 (Debian's), started in a temporary directory for this file.
let server: Awaited<ReturnType<typeof startPostgres>>;
beforeAll(async () => {
  server = await startPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

runCallStoreContract('PostgreSQL', async ({ storeRaw, exactPercentilesUpTo }) => {
  const schema = freshSchema();
  const privacy = { hashKey: KEY, storeRaw };
  const open = () =>
    openPostgresCallStore({ url: server.url, schema, privacy, instance: 'test', exactPercentilesUpTo });
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
    async cleanup() {
      await current.close();
      await dropSchema(server.url, schema);
    },
  };
});

describe('PostgreSQL store specifics', () => {
  const T = Date.UTC(2024, 0, 15, 10);
  const privacy = { hashKey: KEY, storeRaw: false };

  it('tags records with their instance; reads narrow to one instance or take all', async () => {
    const schema = freshSchema();
    const east = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'pbx-east' });
    const west = await openPostgresCallStore({ url: server.url, schema, privacy, instance: 'pbx-west' });
    try {
      await east.applyBatch([...lifecycle('e1', T), ...lifecycle('e2', T + 1000)]);
      await west.applyBatch(lifecycle('w1', T + 2000));
      const range = { from: T - 1, to: T + 3_600_000 };
      expect((await west.stats(range)).total).toBe(3);
      expect((await west.stats({ ...range, instance: 'pbx-east' })).total).toBe(2);
      expect((await east.stats({ ...range, instance: 'pbx-west' })).answered).toBe(1);
      const overview = await east.overview({ ...range, instance: 'pbx-east' }, 'hour');
      expect(overview.stats.total).toBe(2);
      const fleet = await east.overview(range, 'hour');
      expect(fleet.stats.total).toBe(3);
    } finally {
      await east.close();
      await west.close();
      await dropSchema(server.url, schema);
    }
  });

  it('two instances opening a new database at once migrate it once', async () => {
    const schema = freshSchema();
    const stores = await Promise.all(
      [1, 2, 3].map((i) => openPostgresCallStore({ url: server.url, schema, privacy, instance: `i${i}` })),
    );
    try {
      expect(stores.map((s) => s.schemaVersion)).toEqual([
        PG_LATEST_VERSION,
        PG_LATEST_VERSION,
        PG_LATEST_VERSION,
      ]);
      await Promise.all(stores.map((s, i) => s.applyBatch(lifecycle(`c${i}`, T + i))));
      expect((await stores[0]!.stats({ from: T - 1, to: T + 3_600_000 })).total).toBe(3);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(server.url, schema);
    }
  });

  it('refuses a schema written by a newer sidetone instead of guessing at it', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(
        `INSERT INTO ${schema}.sidetone_schema (version, description) VALUES (99, 'future')`,
      );
      const err = await openPostgresCallStore({ url: server.url, schema, privacy }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe('ST_STORE_SCHEMA_TOO_NEW');
      expect(String((err as Error).message)).toMatch(/schema version 99.*upgrade sidetone/);
    } finally {
      await client.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });

  it('bad URLs and unreachable servers fail with the fix, never the password', async () => {
    const bad = await openPostgresCallStore({ url: 'mysql://x', privacy }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect(String((bad as Error).message)).toMatch(/must be a postgres:\/\/ URL/);
    const err = await openPostgresCallStore({
      url: 'postgres://u:hunter2@127.0.0.1:1/db',
      privacy,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('ST_STORE_POSTGRES');
    expect(String((err as Error).message)).toMatch(/start PostgreSQL or fix host and port/);
    expect(String((err as Error).message)).not.toContain('hunter2');
    expect(redactUrl('postgres://u:hunter2@h/db')).toBe('postgres://u:***@h/db');
    const missing = await openPostgresCallStore({
      url: server.url.replace(/\/postgres$/, '/nosuchdb'),
      privacy,
    }).catch((e: unknown) => e);
    expect(String((missing as Error).message)).toMatch(/createdb/);
  });
});
