/**
 * A PostgreSQL store's connections: the pool and its settings, opening (migrate, then warm every
 * connection) with backoff while the server is down, and the query, transaction and snapshot
 * helpers that turn driver errors into StoreErrors naming the fix (postgres/errors.ts).
 */
import pg from 'pg';
import { StoreError } from '../../errors.js';
import { Backoff } from '../backoff.js';
import { faultCause } from '../faults.js';
import type { PrivacyConfig } from '../privacy.js';
import { rollback, storeError } from './errors.js';
import { migrateSchema } from './migrate.js';
import { WarmConnections } from './pool.js';

/** BIGINT and NUMERIC (counts, sums, epoch ms) as numbers: they fit a double in this schema. */
const TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

export type Db = pg.Pool | pg.PoolClient;

/** What the pool is made from (the store's options, checked, the URL's credentials still in). */
export interface ConnectionOptions {
  url: string;
  /** The URL with its credentials masked, for messages. */
  shownUrl: string;
  privacy: PrivacyConfig;
  instance: string;
  schema: string | undefined;
  poolSize: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The pool of a PostgreSQL store and the way every statement goes through it. */
export class PgConnection {
  readonly url: string;
  schemaVersion = 0;
  readonly pool: pg.Pool;
  /** The pool's connections run each rollup read once before serving (postgres/pool.ts). */
  private readonly warm = new WarmConnections();
  private readonly poolSize: number;
  private readonly privacy: PrivacyConfig;
  private readonly schema: string | undefined;
  private closed = false;
  /** An open in flight (`open`), shared by whoever needs the store meanwhile. */
  private opening: Promise<void> | undefined;
  private readonly openBackoff = new Backoff(250, 5000);
  private openError: unknown;
  /** Run on the migrating connection after each migration, before the store serves (the rollup build's state). */
  afterMigrate:
    | ((q: (text: string, values?: unknown[]) => Promise<pg.QueryResult>) => Promise<void>)
    | undefined;

  constructor(o: ConnectionOptions) {
    this.url = o.shownUrl;
    this.privacy = o.privacy;
    this.schema = o.schema;
    this.poolSize = o.poolSize;
    // Settings every connection starts with: the instance tag (the tables' column default), the
    // plan cache mode and the schema. Sent as startup options, so no pooled connection can miss them.
    const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/ /g, '\\ ');
    // Custom plans for prepared statements: a generic plan of the rollup reads (parameters
    // unknown) scans whole tables, 1.6 s instead of 30 ms at 10M calls; parsing stays cached.
    // No JIT: the store's statements are short, and a plan over ~90 day partitions compiles
    // 1,000+ functions. At 2M calls one 2,000-row zombie batch took 2.4 s, 1.8 s of it JIT; at 10M
    // it outlasted the 10 s timeout (LLVM's compile does not heed statement_timeout; the client
    // gave up at 11 s) and the cleanup could never finish (bench/rollup.bench.mjs, PostgreSQL 15).
    let options = `-c sidetone.instance=${esc(o.instance)} -c plan_cache_mode=force_custom_plan -c jit=off`;
    if (o.schema !== undefined) options += ` -c search_path=${o.schema}`;
    this.pool = new pg.Pool({
      connectionString: o.url,
      max: this.poolSize,
      // Every connection stays open while idle (a new one is cold: postgres/pool.ts); idle ones
      // do not keep the process alive, as pg-pool's idle timeout let it end before.
      min: this.poolSize,
      allowExitOnIdle: true,
      onConnect: this.warm.onConnect,
      options,
      types: TYPES,
      // Bounded waits (issue 31): a stopped server (SIGSTOP) held every request for as long as it
      // stayed stopped. The server cancels a long statement itself; one that cannot answer at all
      // is given up on by the client a second later, and that connection is dropped (`release`).
      connectionTimeoutMillis: o.connectTimeoutMs,
      statement_timeout: o.statementTimeoutMs,
      query_timeout: o.statementTimeoutMs + 1000,
      // A peer gone without a word (a partition) is found on idle connections too.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A connection the server ends (a restart, `pg_ctl stop`) emits 'error' on its client. An idle
    // one is the pool's (its 'error' event); one lent out has no listener of pg-pool's, and an
    // unhandled 'error' ended the process (9 of 10 stops under ingest, issue 31). The query in
    // flight rejects with the same error, and the broken client is dropped when it is released.
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
  }

  /** Migrate and open the pool (see `PostgresCallStore.open`). */
  async open(): Promise<void> {
    this.assertOpen('open');
    if (this.schemaVersion > 0) return;
    this.opening ??= (async () => {
      try {
        await this.migrate(this.schema);
        await this.fillPool();
      } finally {
        this.opening = undefined;
      }
    })();
    return this.opening;
  }

  /** Open on first use (see `open`), no more often than the backoff allows. */
  private async ready(what: string): Promise<void> {
    if (this.opening === undefined && !this.openBackoff.due()) {
      throw new StoreError(
        'ST_STORE_UNAVAILABLE',
        `call store ${this.url}: ${what} failed: not connected yet (${faultCause(this.openError)}); retried shortly`,
        { cause: this.openError },
      );
    }
    try {
      await this.open();
      this.openBackoff.reset();
    } catch (e) {
      // Migrated, but warming the pool failed: the reads are prepared on first use instead.
      if (this.schemaVersion > 0) return;
      this.openBackoff.failed();
      this.openError = e;
      throw this.wrap(e, what);
    }
  }

  /** Checked before every statement: open, and opened (migrated) at least once. */
  async usable(what: string): Promise<void> {
    this.assertOpen(what);
    if (this.schemaVersion === 0) await this.ready(what);
  }

  /** Open every connection of the pool now, each with the rollup reads prepared (postgres/pool.ts). */
  async fillPool(): Promise<void> {
    this.assertOpen('open');
    try {
      await this.warm.fill(this.pool, this.poolSize);
    } catch (e) {
      throw this.wrap(e, 'open');
    }
  }

  /** Create the schema if asked, and bring it to the latest version under an advisory lock. */
  async migrate(schema?: string): Promise<number> {
    this.assertOpen('migrate');
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.wrap(e, 'migrate');
    }
    let broken: unknown;
    try {
      const version = await migrateSchema(client, { url: this.url, privacy: this.privacy, schema });
      // Before the version is set: reads wait for open until then (see `usable`).
      await this.afterMigrate?.((text, values) => client.query(text, values));
      this.schemaVersion = version;
      this.warm.ready = true;
      return this.schemaVersion;
    } catch (e) {
      broken = await rollback(client, e);
      throw this.wrap(e, 'migrate');
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  private async connect(what: string): Promise<pg.PoolClient> {
    await this.usable(what);
    try {
      return await this.pool.connect();
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  private assertOpen(what: string): void {
    if (this.closed) {
      throw new StoreError(
        'ST_STORE_CLOSED',
        `call store ${this.url} is closed; ${what} needs an open store (open it again)`,
      );
    }
  }

  /** A driver error as the StoreError that names the fix (postgres/errors.ts). */
  wrap(e: unknown, what: string): Error {
    return storeError(e, this.url, what);
  }

  async query<R extends pg.QueryResultRow>(
    what: string,
    text: string,
    values: unknown[],
    db: Db = this.pool,
  ): Promise<pg.QueryResult<R>> {
    await this.usable(what);
    try {
      return await db.query<R>(text, values);
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  /** Rows as arrays, in column order (the tuple shapes the SQLite backend reads too). */
  async tuples<T>(what: string, text: string, values: unknown[]): Promise<T[]> {
    await this.usable(what);
    try {
      return (await this.pool.query({ text, values, rowMode: 'array' })).rows as T[];
    } catch (e) {
      throw this.wrap(e, what);
    }
  }

  /**
   * Run `fn` in one transaction on one connection: all or nothing. Concurrent batches update the
   * same rollup rows; a deadlock (or serialization failure) between them rolls one back, and it
   * is run again, as PostgreSQL advises, rather than failing the write.
   */
  async transaction(what: string, fn: (c: pg.PoolClient) => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connect(what);
      let broken: unknown;
      try {
        await client.query('BEGIN');
        await fn(client);
        await client.query('COMMIT');
        return;
      } catch (e) {
        broken = await rollback(client, e);
        const code = (e as { code?: unknown })?.code;
        if ((code === '40P01' || code === '40001') && attempt < 5) continue;
        throw this.wrap(e, what);
      } finally {
        client.release(broken as Error | undefined);
      }
    }
  }

  /**
   * `fn` in one read-only REPEATABLE READ transaction: the filed-day bounds a plan reads and the
   * read that uses them see one snapshot, so a call a writer commits between the two, filed
   * further back than any before, cannot fall outside the partitions the read takes.
   */
  async snapshot<T>(what: string, fn: (db: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect(what);
    let broken: unknown;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const r = await fn(client);
      await client.query('COMMIT');
      return r;
    } catch (e) {
      broken = await rollback(client, e);
      throw this.wrap(e, what);
    } finally {
      client.release(broken as Error | undefined);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
