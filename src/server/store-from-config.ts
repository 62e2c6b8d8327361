/**
 * The call store a sidecar's configuration names, opened: the SQLite file at `store.path` or the
 * shared PostgreSQL database at `store.url`, and the key phone numbers are hashed with.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { SidetoneConfig } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import { fileWriteProbe } from '../health/index.js';
import { trusted } from '../logs/index.js';
import { optionalPart } from '../runtime/optional-part.js';
import { faultCause, storeFault } from '../store/faults.js';
import type { PrivacyConfig } from '../store/privacy.js';
import { openSqliteCallStore } from '../store/sqlite/store.js';
import type { CallStore } from '../store/types.js';

/**
 * The key numbers are hashed with. A shared PostgreSQL store needs it configured: every instance
 * must hash a number alike, or one caller would look like several, and a key generated here would
 * differ per instance.
 */
export function storeHashKey(config: SidetoneConfig, dbPath: string, log: Logger): string {
  if (config.store.url === undefined) return hashKey(config, dbPath, log);
  if (config.store.hash_key !== undefined) return config.store.hash_key;
  throw new ConfigError(
    'ST_CONFIG_INVALID',
    'store.url names a shared PostgreSQL store, which needs store.hash_key (or store.hash_key_file) set ' +
      'to the same secret on every instance: generate one with `openssl rand -hex 32`',
  );
}

/**
 * Keys of the SQLite store's removed writer and checkpoint threads (issue 49: on 2 cores they gave
 * no throughput), accepted so that a file setting them still loads.
 */
const DEPRECATED_STORE_KEYS = ['threads', 'writer_thread', 'checkpoint_thread'] as const;

/**
 * The SQLite file at `store.path`, or the shared PostgreSQL database `store.url` names (its driver
 * loaded only then), with how readiness probes it and how logs name it (never with a password).
 */
export async function openStore(
  config: SidetoneConfig,
  dbPath: string,
  key: string,
  log: Logger,
): Promise<{ store: CallStore; probe: () => Promise<void>; label: string; privacy: PrivacyConfig }> {
  const privacy = {
    hashKey: key,
    storeRaw: config.store.store_raw_numbers,
    revealCallIds: config.store.reveal_call_ids,
  };
  const deprecated = DEPRECATED_STORE_KEYS.filter((k) => config.store[k] !== undefined);
  if (deprecated.length > 0) {
    log.warn(
      { keys: trusted(deprecated.map((k) => `store.${k}`).join(', ')) },
      'deprecated store keys set: they have no effect (the SQLite store runs on the main thread); remove them',
    );
  }
  if (config.store.url === undefined) {
    // On the main thread, checkpointing between requests: a checkpoint thread gave the sidecar no
    // throughput beyond noise on 2 cores and was off on every Pi profile (sqlite/checkpoint.ts).
    const store = await openSqliteCallStore({ path: dbPath, privacy, checkpointThread: false });
    return { store, probe: fileWriteProbe(dirname(dbPath)), label: dbPath, privacy };
  }
  const { PostgresCallStore } = await optionalPart(
    'a PostgreSQL store (store.url)',
    () => import('../store/postgres/store.js'),
  );
  const store = new PostgresCallStore({
    url: config.store.url,
    privacy,
    ...(config.store.instance === undefined ? {} : { instance: config.store.instance }),
    connectTimeoutMs: config.store.connect_timeout_ms,
    statementTimeoutMs: config.store.statement_timeout_ms,
  });
  try {
    await store.open();
  } catch (err) {
    // Down or not answering: start degraded (not ready, ingest 503) and open once it answers. A
    // wrong password, a missing database or a newer schema will not fix themselves: stop.
    if (storeFault(err) !== 'unavailable') {
      await store.close();
      throw err;
    }
    log.warn(
      { db: trusted(store.url), cause: faultCause(err) },
      'call store unavailable: starting degraded (not ready); it is opened once the database answers',
    );
  }
  return { store, probe: () => store.probeWritable(), label: store.url, privacy };
}

/**
 * The HMAC key for phone numbers: from the configuration, else a random key kept beside the
 * database (mode 0600), so hashes stay comparable across restarts without leaving numbers guessable
 * from a published default.
 */
function hashKey(config: SidetoneConfig, dbPath: string, log: Logger): string {
  if (config.store.hash_key !== undefined) return config.store.hash_key;
  const file = `${dbPath}.key`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const key = randomBytes(32).toString('hex');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  log.warn({ file }, 'no store.hash_key configured: generated one and saved it beside the database');
  return key;
}
