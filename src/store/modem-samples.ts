/**
 * The modem's history (issue 37): samples of each modem's state, so the console and the CLI show
 * signal trends and the registration/reconnect timeline from the store, not since a page opened.
 * A sample is the state the modem pack decided (its gauges), taken by the server's sampler at a
 * bounded rate: one a minute per modem plus one per change of state. Kept as long as calls
 * (`store.retention_days`). The SQL of both backends is here, beside the row mapping.
 */
import { ValidationError } from '../errors.js';

/** One sample of a modem's state. */
export interface ModemSample {
  /** The modem's configured name (a bounded label, never an IMEI). At most 64 chars. */
  modem: string;
  /** Epoch ms. */
  at: number;
  connected: boolean | null;
  registered: boolean | null;
  /** RSSI, dBm (TS 27.007 8.5 / vendor reports); null when unknown. */
  signalDbm: number | null;
  /** LTE RSRP, dBm; null when unknown or not on LTE. */
  rsrpDbm: number | null;
  /** The modem's reconnects since the sidecar started (its counter). */
  reconnects: number;
  flapping: boolean;
}

/** A half-open range of samples, oldest first, at most `limit` (newest kept when more). */
export interface ModemHistoryQuery {
  from: number;
  to: number;
  modem?: string;
  limit?: number;
  /** PostgreSQL: one instance's modems (a fleet shares the store); every instance's when absent. */
  instance?: string;
}

/** Rows a history read returns at most: 7 days of one a minute for one modem, and its changes. */
export const MODEM_HISTORY_MAX = 12_000;

/** Frozen text of SQLite migration 12. */
export const SQLITE_MODEM_SAMPLES = `
      CREATE TABLE modem_samples (
        modem TEXT NOT NULL,
        at INTEGER NOT NULL,
        connected INTEGER,
        registered INTEGER,
        signal_dbm REAL,
        rsrp_dbm REAL,
        reconnects INTEGER NOT NULL,
        flapping INTEGER NOT NULL,
        PRIMARY KEY (modem, at)
      ) WITHOUT ROWID;
      CREATE INDEX modem_samples_at ON modem_samples (at);
    `;

/** Frozen text of PostgreSQL migration 10: each instance's modems apart (a fleet shares the store). */
export const PG_MODEM_SAMPLES = `
      CREATE TABLE modem_samples (
        instance TEXT NOT NULL DEFAULT coalesce(current_setting('sidetone.instance', true), ''),
        modem TEXT NOT NULL,
        at BIGINT NOT NULL,
        connected BOOLEAN,
        registered BOOLEAN,
        signal_dbm DOUBLE PRECISION,
        rsrp_dbm DOUBLE PRECISION,
        reconnects BIGINT NOT NULL,
        flapping BOOLEAN NOT NULL,
        PRIMARY KEY (instance, modem, at)
      );
      CREATE INDEX modem_samples_at ON modem_samples (at);
    `;

const COLS = 'modem, at, connected, registered, signal_dbm, rsrp_dbm, reconnects, flapping';
/** A sample sent again (a retried write) changes nothing. */
export const SQLITE_INSERT_SAMPLE = `INSERT OR IGNORE INTO modem_samples (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
export const PG_INSERT_SAMPLES = `INSERT INTO modem_samples (${COLS})
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::boolean[], $4::boolean[], $5::float8[], $6::float8[], $7::bigint[], $8::boolean[])
  ON CONFLICT DO NOTHING`;
// The newest `limit` of the range, returned oldest first.
export const PG_MODEM_HISTORY = `SELECT * FROM (
    SELECT ${COLS} FROM modem_samples
    WHERE at >= $1 AND at < $2 AND ($3::text IS NULL OR modem = $3) AND ($5::text IS NULL OR instance = $5)
    ORDER BY at DESC LIMIT $4) s ORDER BY at, modem`;
export const SQLITE_MODEM_HISTORY = `SELECT * FROM (
    SELECT ${COLS} FROM modem_samples
    WHERE at >= @from AND at < @to AND (@modem IS NULL OR modem = @modem)
    ORDER BY at DESC LIMIT @limit) ORDER BY at, modem`;
export const SQLITE_DELETE_SAMPLES = 'DELETE FROM modem_samples WHERE at < ?';
export const PG_DELETE_SAMPLES = 'DELETE FROM modem_samples WHERE at < $1';

/** Check a sample before it is written: the store refuses what it could not read back. */
export function checkModemSample(s: ModemSample): void {
  const bad = (field: string, why: string) => {
    const got = JSON.stringify((s as unknown as Record<string, unknown>)[field]);
    throw new ValidationError('ST_STORE_INVALID_UPDATE', `modem sample: ${field} ${why}, got ${got}`, [
      { path: field, message: why },
    ]);
  };
  if (
    typeof s.modem !== 'string' ||
    s.modem.length === 0 ||
    s.modem.length > 64 ||
    s.modem.includes('\u0000')
  )
    bad('modem', 'must be a name of 1..64 chars');
  if (!Number.isSafeInteger(s.at) || s.at < 0) bad('at', 'must be epoch ms');
  for (const f of ['signalDbm', 'rsrpDbm'] as const) {
    const v = s[f];
    if (v !== null && !(Number.isFinite(v) && v >= -200 && v <= 0)) bad(f, 'must be dBm in -200..0 or null');
  }
  if (!Number.isSafeInteger(s.reconnects) || s.reconnects < 0) bad('reconnects', 'must be a count');
}

/** A stored row (either backend: SQLite's 0/1 or PostgreSQL's booleans, bigint as text) as a sample. */
export function toModemSample(r: Record<string, unknown>): ModemSample {
  const bool = (v: unknown) => (v === null || v === undefined ? null : v === true || v === 1);
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    modem: String(r.modem),
    at: Number(r.at),
    connected: bool(r.connected),
    registered: bool(r.registered),
    signalDbm: n(r.signal_dbm),
    rsrpDbm: n(r.rsrp_dbm),
    reconnects: Number(r.reconnects),
    flapping: bool(r.flapping) === true,
  };
}

/** The bound of a history read. */
export const historyLimit = (q: ModemHistoryQuery) =>
  Math.max(1, Math.min(MODEM_HISTORY_MAX, Math.trunc(q.limit ?? MODEM_HISTORY_MAX)));
