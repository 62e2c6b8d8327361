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
