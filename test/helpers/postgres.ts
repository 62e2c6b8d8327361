import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres } from '../../scripts/pg-temp.mjs';

export type { TempPostgres } from '../../scripts/pg-temp.mjs';
// The server itself is started the same way by the tests and the benchmarks.
export { startPostgres };

/**
 * A real PostgreSQL 15 (Debian's) in a temporary directory for the calling test file: started
 * before its tests, stopped after. `url` is read inside tests.
 */
export function postgresForFile(): { readonly url: string } {
  let server: Awaited<ReturnType<typeof startPostgres>> | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get url() {
      if (server === undefined) throw new Error('PostgreSQL is not started yet: read url inside a test');
      return server.url;
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
