/**
 * The PostgreSQL store's connections, kept open and warm for the analytics reads (issue 17: a
 * dashboard, hourly or daily read over any range in <= 50 ms at 10M calls, the slowest of five
 * runs included).
 *
 * A backend's first execution of a rollup read parses its text (a statement of a dozen and more
 * parts) and loads the catalog entries of every table and index it plans. At 10M calls, over 10
 * new connections each (min / median, on a shared two-core machine): the 90-day overview 37.9 /
 * 47.5 ms first, 24.4 / 34.7 ms later; a 7-day stats read 10.7 / 14.7 ms first, 3.3 / 4.8 ms later
 * (parsing it again on a warm connection: 5.7 / 7.2 ms, so the catalog is most of it). The reads
 * are named statements, prepared per connection, and a dashboard's three reads go to whichever of
 * the pool's connections are idle, so each connection met each read cold once, at any point of a
 * run: in the rollup bench's sequence 6 of its 40 timed dashboards did. Hence every connection
 * runs each read once, over a range where nothing can be, before it serves anything; the store
 * opens all of them at once; and none is closed for being idle (pg-pool closes one after 10 s by
 * default, which would make every read of a dashboard refreshed less often than that start on new,
 * cold backends).
 */
import type pg from 'pg';
import { NO_ACTIVE_DAY, ROLLUP_READS } from './statements.js';

export type RollupReadName = keyof typeof ROLLUP_READS;

/** The name a rollup read is prepared under on each connection. */
export const readStatement = (what: RollupReadName) => `sidetone_read_${what}`;

/** The reads the store runs (postgres/store.ts `rollupRead`); `breakdown` is SQLite's alone. */
const WARMED: readonly RollupReadName[] = [
  'after',
  'stats',
  'overviewHour',
  'overviewDay',
  'seriesHour',
  'seriesDay',
  'histogram',
  'bounds',
];

/**
 * Every bound of a warming read: a day no partition holds (about AD 37,600), so that each record
 * part plans no partition and each rollup part an empty index range; planning still opens the
 * rollup tables and their indexes, which is the catalog a real read needs.
 */
const NOWHERE = 2 ** 50;
const WARM_PARAMS: Record<string, unknown> = {
  from: NOWHERE,
  to: NOWHERE,
  m0: NOWHERE,
  m1: NOWHERE,
  h0: NOWHERE,
  h1: NOWHERE,
  d0: NOWHERE,
  d1: NOWHERE,
  lag: 0,
  active_from: NO_ACTIVE_DAY,
};

/** Each read the store runs, as a named query over the empty range above. */
export function warmingReads(): pg.QueryConfig[] {
  return WARMED.map((what) => {
    const { text, names } = ROLLUP_READS[what];
    return { name: readStatement(what), text, values: names.map((n) => WARM_PARAMS[n] ?? null) };
  });
}

/**
 * One 16 MB value, made and dropped by the server: its allocator then keeps the memory a read
 * frees instead of giving it back to the kernel. glibc's malloc raises its mmap threshold to the
 * size of the largest mapped chunk freed, and its trim threshold to twice that (mallopt(3),
 * M_MMAP_THRESHOLD), so the backend's heap keeps up to 32 MB of freed memory. Without it a
 * backend gave back and took again about 3 MB per dashboard overview: 650-900 page faults each,
 * 10-25 ms more server CPU a dashboard (10M calls, PostgreSQL 15 on Debian's glibc, two-core VM),
 * in most runs; 7-110 faults a dashboard with it. Under another allocator it is one 16 MB value.
 */
const KEEP_HEAP = "SELECT length(repeat('x', 16000000))";

/**
 * Keep the backend's freed memory (`KEEP_HEAP`), then prepare and run each rollup read once on
 * `client`. Best effort: a failure here (a dropped connection) leaves the read to be prepared on
 * first use, as before.
 */
export async function warmConnection(client: pg.ClientBase): Promise<boolean> {
  try {
    await client.query(KEEP_HEAP);
    for (const q of warmingReads()) await client.query(q);
    return true;
  } catch {
    return false;
  }
}

/**
 * Connections that have run {@link warmConnection}: a new connection is warmed before the pool
 * hands it out (its `onConnect`), once the schema is migrated; `fill` opens the whole pool and
 * warms what is not yet (the migration's own connection among them).
 */
export class WarmConnections {
  private readonly warm = new WeakSet<pg.ClientBase>();
  /** Set once the schema has the tables the reads plan. */
  ready = false;

  /** pg-pool's `onConnect`: awaited before the connection serves its first query. */
  readonly onConnect = async (client: pg.ClientBase): Promise<void> => {
    if (this.ready && (await warmConnection(client))) this.warm.add(client);
  };

  /** Open `size` connections (the pool's maximum), warm each, and give them back idle. */
  async fill(pool: pg.Pool, size: number): Promise<void> {
    const opened = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
    const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      await Promise.all(
        clients.map(async (c) => {
          if (!this.warm.has(c) && (await warmConnection(c))) this.warm.add(c);
        }),
      );
    } finally {
      for (const c of clients) c.release();
    }
    const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
