import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresCallStore } from '../../src/store/postgres.js';
import { ROLLUP_READS } from '../../src/store/postgres-sql.js';
import { dropSchema, freshSchema, postgresForFile } from '../helpers/postgres.js';
import { KEY, lifecycle } from './contract.js';

const server = postgresForFile();
const privacy = { hashKey: KEY, storeRaw: false };

describe('PostgreSQL store reads', () => {
  it('the bounds read plans the partitions of its day, and reads again when a lag grew', async () => {
    const schema = freshSchema();
    const store = await openPostgresCallStore({ url: server.url, schema, privacy });
    const c = new pg.Client({ connectionString: server.url, options: `-c search_path=${schema}` });
    await c.connect();
    try {
      const D = Date.UTC(2024, 0, 15);
      const H = 3_600_000;
      // x is filed on the 16th, then a late event moves its start to 23:00 on the 15th (a lag of
      // a day); y starts at 22:10 on the 15th.
      await store.applyBatch(lifecycle('x', D + 24.5 * H));
      await store.applyBatch([{ kind: 'ringing', callId: 'x', at: D + 23 * H }]);
      await store.applyBatch([...lifecycle('y', D + 22 * H + 600_000), ...lifecycle('z', D + 48.5 * H)]);
      const { text } = ROLLUP_READS.after;
      const plan = (await c.query(`EXPLAIN ${text}`, [D + 22.5 * H, 0])).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
      expect(plan).toMatch(/calls_20240115/);
      expect(plan).not.toMatch(/calls_2024011[67]/);
      // The store has seen no lag yet: its first bounds read misses x (filed a day later), sees the
      // lag, and reads again. Were x missed, the range would run to midnight and count it.
      const range = { from: D + 22 * H, to: D + 22.5 * H };
      expect((await store.stats(range)).total).toBe(1);
      expect((await store.stats({ ...range, exact: true })).total).toBe(1);
    } finally {
      await c.end();
      await store.close();
      await dropSchema(server.url, schema);
    }
  });
});
