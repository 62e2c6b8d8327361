/**
 * What a writer can do about a failed store write, read from the catalogue code the store threw
 * (src/error-codes.ts): both backends turn their driver's errors into these codes themselves.
 *
 * - `full`: the disk under the database is full (`ST_STORE_FULL`, answered 507): keep the data,
 *   retry once space is freed.
 * - `unavailable`: the database is down, hung past its timeout or locked (`ST_STORE_UNAVAILABLE`,
 *   `ST_STORE_CLOSED`): keep the data, retry with backoff.
 * - `refused`: the store refused an item of the batch for what it holds (`ST_STORE_INVALID_UPDATE`
 *   from the store's own checks, `ST_STORE_REFUSED` from the database): the same item fails on every
 *   retry, so it is found and dead-lettered, and the rest written.
 * - `failed`: anything else (a broken schema, a driver error not classified): keep and retry, and
 *   let readiness say the store is stuck; never dropped on a guess.
 */
export type StoreFault = 'full' | 'unavailable' | 'refused' | 'failed';

export function storeFault(err: unknown): StoreFault {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ST_STORE_FULL':
      return 'full';
    case 'ST_STORE_UNAVAILABLE':
    case 'ST_STORE_CLOSED':
      return 'unavailable';
    case 'ST_STORE_INVALID_UPDATE':
    case 'ST_STORE_REFUSED':
      return 'refused';
    default:
      return 'failed';
  }
}

/**
 * A short cause for readiness and logs: the catalogue code and the driver's own words (the
 * innermost message, e.g. `connect ECONNREFUSED 127.0.0.1:5432`), never the item's values: a
 * refused item's message may quote them, so only its code is given.
 */
export function faultCause(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const name = typeof code === 'string' ? code : err instanceof Error ? err.name : typeof err;
  if (storeFault(err) === 'refused') return name;
  let inner: unknown = err;
  for (let depth = 0; depth < 5; depth++) {
    const next = (inner as { cause?: unknown } | null)?.cause;
    if (next === undefined || next === null) break;
    inner = next;
  }
  const words = inner instanceof Error ? inner.message : undefined;
  return words === undefined || words === '' ? name : `${name}: ${words.slice(0, 100)}`;
}
