/**
 * The shared call store: PostgreSQL through node-postgres, for several sidetone instances (PBXs,
 * gateways, processes) writing to one database. The store front (front.ts) over the PostgreSQL
 * driver (postgres/driver.ts): same contract as the SQLite store (the suite in test/store runs
 * against both), same privacy rules (numbers hashed and masked before they leave the process),
 * same classifier in the generated columns. Every record carries the instance that first wrote
 * it; reads take `instance` to narrow to one.
 */
import { hostname } from 'node:os';
import { StoreError, showValue, ValidationError } from '../../errors.js';
import { redactUrlCredentials } from '../../secrets.js';
import { frontPrivacy, StoreFront } from '../front.js';
import type { PrivacyConfig } from '../privacy.js';
import { PgConnection } from './connection.js';
import { PostgresDriver } from './driver.js';

export interface PostgresCallStoreOptions {
  /** `postgres://user:password@host:5432/database` (the password never appears in errors). */
  url: string;
  privacy: PrivacyConfig;
  /** The name records written through this store are tagged with (default: the host name). */
  instance?: string;
  /** A schema to keep the tables in (created if missing); default the connection's search path. */
  schema?: string;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  /** As in SQLite: answered calls in a range up to which percentiles are exact (default 10,000). */
  exactPercentilesUpTo?: number;
  /** As in SQLite: build rollups missing at open in the background (default true). */
  buildRollupsInBackground?: boolean;
  /** As in SQLite: records a slice of that build rebuilds (default 8,192). */
  rollupSliceRecords?: number;
  /**
   * A connection, or a free one of the pool, not had within this fails the operation with
   * `ST_STORE_UNAVAILABLE` (default 5000 ms): a server that is down or hung answers in bounded time.
   */
  connectTimeoutMs?: number;
  /**
   * The server cancels a statement running longer (`statement_timeout`); a server that does not
   * answer at all (stopped, partitioned) is given up on 1 s later and the connection dropped
   * (default 10,000 ms). Migrations are not limited.
   */
  statementTimeoutMs?: number;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** The URL with its credentials masked (the one redaction list, src/secrets.ts), for messages. */
export function redactUrl(url: string): string {
  try {
    return redactUrlCredentials(new URL(url).toString());
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * PostgreSQL implementation of {@link CallStore}.
 *
 * @example
 * ```ts
 * const store = await openPostgresCallStore({
 *   url: 'postgres://sidetone@db:5432/telephony',
 *   privacy: { hashKey: process.env.SIDETONE_HASH_KEY!, storeRaw: false },
 *   instance: 'pbx-east',
 * });
 * await store.applyBatch(updates); // one transaction
 * const fleet = await store.stats({ from, to }); // every instance
 * const east = await store.stats({ from, to, instance: 'pbx-east' });
 * ```
 */
export class PostgresCallStore extends StoreFront<PostgresDriver> {
  readonly url: string;
  readonly instance: string;

  constructor(opts: PostgresCallStoreOptions) {
    checkConnection(opts);
    const { privacy, protect } = frontPrivacy(opts);
    const instance = opts.instance ?? hostname();
    const statementTimeoutMs = opts.statementTimeoutMs ?? 10_000;
    const conn = new PgConnection({
      url: opts.url,
      shownUrl: redactUrl(opts.url),
      privacy,
      instance,
      schema: opts.schema,
      poolSize: opts.poolSize ?? 4,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      statementTimeoutMs,
    });
    super(
      new PostgresDriver(conn, privacy, protect, opts.rollupSliceRecords),
      privacy,
      opts.exactPercentilesUpTo,
    );
    this.url = conn.url;
    this.instance = instance;
    // The build's state is known once the store has migrated (postgres/rollup-build.ts).
    this.driver.onBuildLoaded = () => this.resumeRollupBuild(opts.buildRollupsInBackground ?? true);
  }

  /** The schema version the database is at (0 until the store has opened). */
  get schemaVersion(): number {
    return this.driver.conn.schemaVersion;
  }

  /**
   * Migrate and open the pool, as `openPostgresCallStore` does. A store constructed but not open
   * yet (the sidecar starting while the database is down) opens on first use, retried with
   * backoff; until then every operation fails with `ST_STORE_UNAVAILABLE`.
   */
  open(): Promise<void> {
    return this.driver.conn.open();
  }

  /** Open every connection of the pool now, each with the rollup reads prepared (postgres/pool.ts). */
  fillPool(): Promise<void> {
    return this.driver.conn.fillPool();
  }

  /** Create the schema if asked, and bring it to the latest version under an advisory lock. */
  migrate(schema?: string): Promise<number> {
    return this.driver.conn.migrate(schema);
  }

  /**
   * Readiness: rejects unless the server takes writes (a hot standby does not). Cheap enough for
   * every health check: one round trip, no table touched.
   */
  async probeWritable(): Promise<void> {
    const r = await this.driver.conn.query<{ ro: boolean }>(
      'probeWritable',
      'SELECT pg_is_in_recovery() AS ro',
      [],
    );
    if (r.rows[0]?.ro !== false) {
      throw new StoreError(
        'ST_STORE_POSTGRES',
        `call store ${this.url} is a read-only standby; point store.url at the primary`,
      );
    }
  }
}

/** The URL and schema checked before anything connects. */
function checkConnection(opts: PostgresCallStoreOptions): void {
  if (typeof opts?.url !== 'string' || !/^postgres(ql)?:\/\//.test(opts.url)) {
    throw new ValidationError(
      'ST_STORE_URL',
      `store url must be a postgres:// URL, got ${showValue(opts?.url === undefined ? undefined : redactUrl(String(opts.url)))}; e.g. "postgres://sidetone@localhost:5432/sidetone"`,
      [{ path: 'url', message: 'postgres://user@host:port/database' }],
    );
  }
  if (opts.schema !== undefined && !IDENT.test(opts.schema)) {
    throw new ValidationError(
      'ST_STORE_URL',
      `schema must be a lower-case SQL identifier, got ${showValue(opts.schema)}; e.g. "sidetone"`,
      [{ path: 'schema', message: '[a-z_][a-z0-9_]*' }],
    );
  }
}

/**
 * Connect to PostgreSQL and migrate (creating the schema if given). Several instances may open the
 * same database at once: migrations run one at a time under an advisory lock.
 *
 * @example
 * ```ts
 * const store = await openPostgresCallStore({ url: process.env.DATABASE_URL!, privacy: { hashKey, storeRaw: false } });
 * ```
 */
export async function openPostgresCallStore(opts: PostgresCallStoreOptions): Promise<PostgresCallStore> {
  const store = new PostgresCallStore(opts);
  try {
    await store.open();
  } catch (e) {
    await store.close();
    throw e;
  }
  return store;
}
