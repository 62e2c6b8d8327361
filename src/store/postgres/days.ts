/**
 * The PostgreSQL store's side of the day partitions (postgres/partitions.ts): the day each call of
 * a batch is filed under, and the partitions known to exist, created ahead of the writes.
 */
import type pg from 'pg';
import type { CallUpdate } from '../types.js';
import { BEGIN_WRITE, DAY_MS, dayOf } from './partitions.js';

/** What the partition code needs of the store: a query, and a transaction retried on deadlock. */
export interface PgRunner {
  query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>>;
  transaction(fn: (c: pg.PoolClient) => Promise<void>): Promise<void>;
}

/** The calls of a batch, sorted, with the day each is filed under if new, and the distinct days. */
export interface Filing {
  ids: string[];
  idDays: number[];
  days: number[];
}

/**
 * A new call is filed under the day of its earliest event in the batch that first names it (a
 * known call keeps its day). Ids are sorted, so concurrent batches wait on each other's new keys
 * in one order instead of deadlocking.
 */
export function filing(updates: readonly CallUpdate[]): Filing {
  const earliest = new Map<string, number>();
  for (const u of updates) {
    const at = Math.trunc(u.at);
    const seen = earliest.get(u.callId);
    if (seen === undefined || at < seen) earliest.set(u.callId, at);
  }
  const ids = [...earliest.keys()].sort();
  const idDays = ids.map((id) => dayOf(earliest.get(id)!));
  return { ids, idDays, days: [...new Set(idDays)] };
}

/**
 * The days whose partitions a store has made sure of. `prepare` creates the partitions of days not
 * seen yet, and tomorrow's, in a short transaction of its own before the write: creating a
 * partition locks the whole table (ACCESS EXCLUSIVE in PostgreSQL 15), which inside a batch's
 * transaction would hold every reader and writer until that batch commits, and could deadlock
 * with another instance's batch waiting on the same new call. Tomorrow's partition exists before
 * midnight, so the first calls of a day create nothing. The write's own BEGIN_WRITE still checks,
 * in case another instance's retention dropped a day since.
 */
export class KnownDays {
  private readonly known = { calls: new Set<number>(), sms: new Set<number>() };

  async prepare(run: PgRunner, table: 'calls' | 'sms', days: Iterable<number>): Promise<void> {
    const known = this.known[table];
    const missing = new Set([...days].filter((d) => !known.has(d)));
    if (missing.size === 0) return;
    const tomorrow = dayOf(Date.now()) + DAY_MS;
    if (!known.has(tomorrow)) missing.add(tomorrow);
    await run.query(BEGIN_WRITE, [table, [...missing]]);
    for (const d of missing) known.add(d);
  }

  /** After a drop: known days may be gone, learnt again on the next writes (a round trip a day). */
  forget(table: 'calls' | 'sms'): void {
    this.known[table].clear();
  }
}
