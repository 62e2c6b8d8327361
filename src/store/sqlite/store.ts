/**
 * The embedded call store: the store front (front.ts) over the SQLite driver (sqlite/driver.ts),
 * one file in WAL mode.
 */
import { frontPrivacy, StoreFront } from '../front.js';
import { SqliteDriver } from './driver.js';
import type { SqliteCallStoreOptions } from './open.js';

export type { SqliteCallStoreOptions } from './open.js';

/**
 * SQLite implementation of {@link CallStore}.
 *
 * @example
 * ```ts
 * const store = await openSqliteCallStore({ path: 'data/calls.db', privacy: { hashKey: secret, storeRaw: false } });
 * await store.applyBatch(updates); // one transaction
 * for await (const call of store.iterateCalls({ from, to })) console.log(call.callId, call.fromMasked);
 * await store.close();
 * ```
 */
export class SqliteCallStore extends StoreFront<SqliteDriver> {
  readonly path: string;
  readonly schemaVersion: number;

  constructor(opts: SqliteCallStoreOptions) {
    const { privacy, protect } = frontPrivacy(opts);
    super(new SqliteDriver(opts, privacy, protect), privacy, opts.exactPercentilesUpTo);
    this.path = this.driver.path;
    this.schemaVersion = this.driver.schemaVersion;
    this.resumeRollupBuild(opts.buildRollupsInBackground ?? true);
  }

  /**
   * How long the oldest write still waiting for another process's lock has waited, ms (0: none).
   * Readiness reads it: a store that cannot write is not ready, while liveness stays up.
   */
  writeStallMs(): number {
    return this.driver.writeStallMs();
  }
}

/**
 * Open (creating the file and its directory, and migrating, as needed) a SQLite call store.
 *
 * @example
 * ```ts
 * const store = await openSqliteCallStore({
 *   path: 'data/calls.db',
 *   privacy: { hashKey: process.env.SIDETONE_HASH_KEY!, storeRaw: false },
 * });
 * ```
 */
export async function openSqliteCallStore(opts: SqliteCallStoreOptions): Promise<SqliteCallStore> {
  return new SqliteCallStore(opts);
}
