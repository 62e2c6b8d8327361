import pg from 'pg';

// The server itself is started the same way by the tests and the benchmarks.
export { startPostgres } from '../../scripts/pg-temp.mjs';

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
