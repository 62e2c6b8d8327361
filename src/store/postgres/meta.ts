/**
 * `sidetone_meta` on PostgreSQL (the store's own state: a background build's frontier, a rewrite's
 * cursor), and the one transaction the background work runs its slices in. The transaction is
 * named here, not taken from connection.ts: that file reaches the background work through
 * migrate.ts, and the layers test allows no import cycle, type-only ones included.
 */
import type pg from 'pg';

export const META_GET = 'SELECT value FROM sidetone_meta WHERE key = $1';
export const META_SET =
  'INSERT INTO sidetone_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value';
export const META_DROP = 'DELETE FROM sidetone_meta WHERE key = $1';

/** One statement on the client of a transaction (the migration's, a slice's). */
export type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

/** What a slice needs of the store's connection (connection.ts's PgConnection has it). */
export interface Transactions {
  transaction(what: string, fn: (c: pg.PoolClient) => Promise<void>): Promise<void>;
}

/**
 * One slice of background work that the instances sharing the database take turns at, in one
 * transaction: `lock` (a `pg_try_advisory_xact_lock` query answering `got`) is tried and the state
 * kept under `key` read back. Only the holder of the lock runs `work`, on the state as read; what
 * it returns is the next state, written back under `key`, or undefined (done), which drops it.
 * Resolves to the state as it now stands and whether another instance held the lock.
 * @example
 * const { state, busy } = await lockedSlice(conn, { lock: LOCK, key: 'k', parse, format }, async (q, s) => next(s));
 */
export async function lockedSlice<S>(
  conn: Transactions,
  o: { lock: string; key: string; parse: (value: unknown) => S | undefined; format: (state: S) => string },
  work: (q: Query, state: S) => Promise<S | undefined>,
): Promise<{ state: S | undefined; busy: boolean }> {
  let state: S | undefined;
  let busy = false;
  await conn.transaction('buildRollups', async (c) => {
    const q: Query = (text, values) => c.query(text, values);
    const got = ((await q(o.lock)).rows[0] as { got: boolean }).got;
    const read = o.parse((await q(META_GET, [o.key])).rows[0]?.value);
    state = read;
    if (read === undefined) return;
    if (!got) {
      busy = true;
      return;
    }
    const next = await work(q, read);
    if (next === undefined) await q(META_DROP, [o.key]);
    else await q(META_SET, [o.key, o.format(next)]);
    state = next;
  });
  return { state, busy };
}
