import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPostgres } from '../../scripts/pg-temp.mjs';

export type { TempPostgres } from '../../scripts/pg-temp.mjs';
// The server itself is started the same way by the tests and the benchmarks.
export { startPostgres };

let databases = 0;

/**
 * A real PostgreSQL 15 (Debian's) database of the calling test file's own, inside the run's shared
 * cluster (test/setup/e2e-global.ts): created before its tests, dropped after. `url` is read
 * inside tests.
 */
export function postgresForFile(): { readonly url: string } {
  let url: string | undefined;
  const admin = inject('postgresUrl');
  const name = `f${process.pid}_${++databases}`;
  const query = async (sql: string) => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  beforeAll(async () => {
    await query(`CREATE DATABASE ${name}`);
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
  }, 120_000);
  afterAll(async () => {
    if (url !== undefined) await query(`DROP DATABASE ${name} WITH (FORCE)`);
  });
  return {
    get url() {
      if (url === undefined) throw new Error('PostgreSQL is not started yet: read url inside a test');
      return url;
    },
  };
}

/** A fresh schema name per store, so tests share one server without sharing tables. */
let schemas = 0;
export const freshSchema = () => `t${process.pid}_${++schemas}`;

/** Drop a schema and everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}
