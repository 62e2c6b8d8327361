/**
 * The ids of the events a store holds (issue 47): the dedupe window of `POST /events` kept with the
 * store, so a retry after a restart is still a duplicate. An id is written in the transaction that
 * writes its event's update (or alone, for an event that updates no record), so it is durable
 * exactly when the event is: a crash can neither make a stored event look new nor a lost one look
 * stored. Only a keyed hash of each id is kept (no PII: a client may use a phone number or a
 * Call-ID as an event id), never the id, whatever `revealCallIds` says.
 *
 * An append-only log, not a keyed table: a restarted process reads the window's keys once
 * ({@link StoredEventIds}) and looks ids up in memory, so nothing looks a key up in SQL. A unique
 * index on the (random) keys cost 24.7 us an id to write on this machine (each commit of 500
 * dirtied a page of the index per key); appended in `seq` order, 0.78 us (a benchmark of 400
 * commits of 500 keys, 100,000 kept, better-sqlite3 in WAL mode).
 *
 * Bounded like the in-memory window (sources/id-window.ts): each write drops the ids older than
 * the window's age and those past its newest `keep` (by `seq`, the order they were stored), so the
 * table holds at most `keep` rows after any write.
 */
import { hmacSha256Hex } from './hmac.js';

/**
 * The dedupe window of `POST /events`, in memory (sources/id-window.ts) and in the store alike:
 * 100,000 ids and 15 minutes, whichever is reached first.
 */
export const DEDUPE_WINDOW = { maxIds: 100_000, maxAgeMs: 15 * 60_000 } as const;

/** Event ids to keep with a write: the ids as sent, when they were stored, and the window's bounds. */
export interface EventIds {
  /** The events' ids, as sent. */
  readonly ids: readonly string[];
  /** When they were stored (epoch ms): they age from here. */
  readonly at: number;
  /** Ids kept at most: the oldest beyond are dropped. */
  readonly keep: number;
  /** Ids stored before this (epoch ms) are dropped. */
  readonly since: number;
}

/** {@link EventIds} as a driver writes them: keyed hashes. */
export interface EventKeys {
  readonly keys: readonly string[];
  readonly at: number;
  readonly keep: number;
  readonly since: number;
}

/** Hex digits of the HMAC kept: 96 bits, as record ids (privacy.ts), so 100,000 ids collide with odds of about 1e-19. */
const KEY_HEX = 24;

/**
 * The keyed hash an event id is stored as: always hashed (revealCallIds reveals record ids a
 * reader asks for, never the dedupe table, which no one reads). Domain-separated from record ids.
 * @example eventKeyOf({ hashKey: 'k'.repeat(32), storeRaw: false })('evt-1') // 24 hex digits
 */
export function eventKeyOf(privacy: { readonly hashKey: string }): (id: string) => string {
  const hmac = hmacSha256Hex(privacy.hashKey);
  return (id) => hmac(`event-id\u0000${id}`).slice(0, KEY_HEX);
}

/** `ids` as keys. */
export function eventKeys(key: (id: string) => string, e: EventIds): EventKeys {
  const keys: string[] = new Array(e.ids.length);
  for (let i = 0; i < e.ids.length; i++) keys[i] = key(e.ids[i] as string);
  return {
    keys,
    at: Math.trunc(e.at),
    keep: Math.max(0, Math.trunc(e.keep)),
    since: Math.trunc(e.since),
  };
}

/**
 * SQLite's table (migration 15). IF NOT EXISTS: a file whose version was set back by hand (the
 * upgrade tests do) is migrated again without failing.
 */
export const SQLITE_EVENT_IDS = `
  CREATE TABLE IF NOT EXISTS event_ids (seq INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL);
`;

/** PostgreSQL's table (migration 13): one for the fleet sharing the database, as the records are. */
export const PG_EVENT_IDS = `
  CREATE TABLE IF NOT EXISTS event_ids (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
  );
`;

/**
 * SQLite statements: keys as one JSON array parameter (one statement a batch, not one a key). The
 * age is found along `seq` (the order of the times, one clock) from the oldest row: the first
 * young row is near the head, as every write drops what aged before it, so no index on `at`.
 */
export const SQLITE_EVENT_ID_SQL = {
  eventIdsPut: 'INSERT INTO event_ids (key, at) SELECT value, ? FROM json_each(?)',
  eventIdsAged:
    'DELETE FROM event_ids WHERE seq < (SELECT seq FROM event_ids WHERE at >= ? ORDER BY seq LIMIT 1)',
  eventIdsOver: 'DELETE FROM event_ids WHERE seq <= (SELECT max(seq) FROM event_ids) - ?',
  eventIdsSince: 'SELECT key, at FROM event_ids WHERE at >= ?',
} as const;

/** PostgreSQL statements, the same as SQLite's with arrays. */
export const PG_EVENT_ID_SQL = {
  eventIdsPut: 'INSERT INTO event_ids (key, at) SELECT unnest($1::text[]), $2::bigint',
  eventIdsAged:
    'DELETE FROM event_ids WHERE seq < (SELECT seq FROM event_ids WHERE at >= $1::bigint ORDER BY seq LIMIT 1)',
  eventIdsOver: 'DELETE FROM event_ids WHERE seq <= (SELECT max(seq) FROM event_ids) - $1::bigint',
  eventIdsSince: 'SELECT key, at::float8 AS at FROM event_ids WHERE at >= $1::bigint',
} as const;

/**
 * The ids a store kept in a window, read once (a restarted process's first request): answers for
 * an id as sent, by its keyed hash, and whether it is still within the window at a time.
 */
export class StoredEventIds {
  constructor(
    private readonly keyOf: (id: string) => string,
    /** Each key and when it was stored (the latest, should it be there twice). */
    private readonly at: ReadonlyMap<string, number>,
  ) {}

  /** Keys held: 0 for a store that kept none (nothing to hash for). */
  get size(): number {
    return this.at.size;
  }

  /** Whether `id` was stored at or after `since`. */
  has(id: string, since: number): boolean {
    const t = this.at.get(this.keyOf(id));
    return t !== undefined && t >= since;
  }
}
