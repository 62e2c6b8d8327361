/**
 * The ids of the events a store holds (issue 47): the dedupe window of `POST /events` kept with the
 * store, so a retry after a restart is still a duplicate. An id is written in the transaction that
 * writes its event's update (or alone, for an event that updates no record), so it is durable
 * exactly when the event is: a crash can neither make a stored event look new nor a lost one look
 * stored. Only a keyed hash of each id is kept (no PII: a client may use a phone number or a
 * Call-ID as an event id), never the id, whatever `revealCallIds` says.
 *
 * Bounded like the in-memory window (sources/id-window.ts): each write drops the ids older than
 * the window's age and those past its newest `keep` (by insertion order, `seq`), so the table
 * holds at most `keep` rows after any write.
 */
import { hmacSha256Hex } from './hmac.js';
import type { PrivacyConfig } from './privacy.js';

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

/** {@link EventIds} as a driver writes them: keyed hashes, unique. */
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
export function eventKeyOf(privacy: PrivacyConfig): (id: string) => string {
  const hmac = hmacSha256Hex(privacy.hashKey);
  return (id) => hmac(`event-id\u0000${id}`).slice(0, KEY_HEX);
}

/** `ids` as keys, each once (a batch of several requests holds each id once, but a driver must not fail on it). */
export function eventKeys(key: (id: string) => string, e: EventIds): EventKeys {
  const keys = new Set<string>();
  for (const id of e.ids) keys.add(key(id));
  return {
    keys: [...keys],
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
  CREATE TABLE IF NOT EXISTS event_ids (seq INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS event_ids_at ON event_ids (at);
`;

/** PostgreSQL's table (migration 13): one for the fleet sharing the database, as the records are. */
export const PG_EVENT_IDS = `
  CREATE TABLE IF NOT EXISTS event_ids (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    at BIGINT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS event_ids_at ON event_ids (at);
`;

/** SQLite statements: keys as one JSON array parameter (one statement a batch, not one a key). */
export const SQLITE_EVENT_ID_SQL = {
  // OR REPLACE: an id stored again after it aged out of the window takes a new seq and time.
  eventIdsPut: 'INSERT OR REPLACE INTO event_ids (key, at) SELECT value, ? FROM json_each(?)',
  eventIdsAged: 'DELETE FROM event_ids WHERE at < ?',
  eventIdsOver: 'DELETE FROM event_ids WHERE seq <= (SELECT max(seq) FROM event_ids) - ?',
  eventIdsFind: 'SELECT key FROM event_ids WHERE key IN (SELECT value FROM json_each(?)) AND at >= ?',
} as const;

/** PostgreSQL statements, the same as SQLite's with arrays. */
export const PG_EVENT_ID_SQL = {
  // A key another instance of a fleet stored meanwhile: its time moves on (the row stays).
  eventIdsPut:
    'INSERT INTO event_ids (key, at) SELECT unnest($1::text[]), $2::bigint ON CONFLICT (key) DO UPDATE SET at = excluded.at',
  eventIdsAged: 'DELETE FROM event_ids WHERE at < $1::bigint',
  eventIdsOver: 'DELETE FROM event_ids WHERE seq <= (SELECT max(seq) FROM event_ids) - $1::bigint',
  eventIdsFind: 'SELECT key FROM event_ids WHERE key = ANY($1::text[]) AND at >= $2::bigint',
} as const;
