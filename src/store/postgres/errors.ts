/**
 * PostgreSQL's failures as the store's errors (issue 31): the catalogue code says what a writer can
 * do about one (see faults.ts), the message names the fix, and a connection the driver broke is
 * dropped from the pool rather than rolled back.
 */
import pg from 'pg';
import { type CodeOf, SidetoneError, StoreError } from '../../errors.js';

/**
 * Turn a driver error into a StoreError that names the fix; our own errors pass through. Its code
 * says what a writer can do: retry (`ST_STORE_UNAVAILABLE`), free disk space (`ST_STORE_FULL`),
 * drop the refused item (`ST_STORE_REFUSED`), or look (`ST_STORE_POSTGRES`).
 */
export function storeError(e: unknown, url: string, what: string): Error {
  if (e instanceof SidetoneError) return e;
  const code = String((e as { code?: unknown })?.code ?? '');
  const msg = (e as Error)?.message ?? String(e);
  const kind = pgStoreCode(e);
  const fix =
    code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
      ? 'start PostgreSQL or fix host and port in the store URL'
      : code === '28P01' || code === '28000'
        ? 'check the user and password in the store URL'
        : code === '3D000'
          ? 'create the database first (createdb NAME) or fix its name in the store URL'
          : code === '53100'
            ? 'the database disk is full; free space or lower retention'
            : kind === 'ST_STORE_UNAVAILABLE'
              ? 'the server is down, restarting or not answering; retry (the store reconnects)'
              : kind === 'ST_STORE_REFUSED'
                ? 'PostgreSQL cannot keep a value of this item; it is not retried'
                : 'check the database server and its log';
  return new StoreError(kind, `call store ${url}: ${what} failed (${msg}); ${fix}`, { cause: e });
}

/**
 * The catalogue code for a driver error (see faults.ts). A server's answer carries a SQLSTATE
 * (PostgreSQL appendix A): a value it cannot keep (class 22 data exception, 23 integrity, 54
 * program limit) is refused for good; the server shutting down, cancelling a statement past
 * `statement_timeout`, short of resources or locks (08, 57, 53 but 53100, 40, 55P03), or a standby
 * (25006) is unavailable for now; a full disk (53100) is full. An error without a SQLSTATE is the
 * connection's (refused, reset, ended, timed out): unavailable.
 */
function pgStoreCode(e: unknown): CodeOf<'store'> {
  const code = String((e as { code?: unknown })?.code ?? '');
  if (code === '53100' || code === 'ENOSPC') return 'ST_STORE_FULL';
  if (!(e instanceof pg.DatabaseError))
    return e instanceof Error && !isProgramError(e) ? 'ST_STORE_UNAVAILABLE' : 'ST_STORE_POSTGRES';
  const cls = code.slice(0, 2);
  if (cls === '22' || cls === '23' || cls === '54') return 'ST_STORE_REFUSED';
  if (cls === '08' || cls === '57' || cls === '53' || cls === '40' || code === '55P03' || code === '25006')
    return 'ST_STORE_UNAVAILABLE';
  return 'ST_STORE_POSTGRES';
}

/** A bug of ours is not an outage: named `ST_STORE_POSTGRES`, so readiness says what it is. */
const isProgramError = (e: Error) =>
  e instanceof TypeError || e instanceof RangeError || e instanceof SyntaxError;

/**
 * Roll back after `e`, unless `e` broke the connection (the driver's, without a SQLSTATE: it ended,
 * or a read timed out with a statement still on it): then a ROLLBACK would wait behind that
 * statement for a second timeout. Returns what to give `release`, which drops a broken connection.
 */
export async function rollback(client: pg.PoolClient, e: unknown): Promise<unknown> {
  const ours = e instanceof SidetoneError || (e instanceof Error && isProgramError(e));
  if (!(e instanceof pg.DatabaseError) && !ours) return e instanceof Error ? e : new Error(String(e));
  await client.query('ROLLBACK').catch(() => {});
  return undefined;
}
