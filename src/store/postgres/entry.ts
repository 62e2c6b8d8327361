/**
 * `sidetone/store/postgres`: the shared call store on PostgreSQL (postgres/store.ts), a subpath of its own
 * so `sidetone/store` never loads `pg`.
 *
 * @example
 * ```ts
 * import { openPostgresCallStore } from 'sidetone/store/postgres';
 * const store = await openPostgresCallStore({ url: process.env.DATABASE_URL!, privacy: { hashKey, storeRaw: false } });
 * ```
 */
export { openPostgresCallStore, type PostgresCallStore, type PostgresCallStoreOptions } from './store.js';
