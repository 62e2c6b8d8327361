/**
 * Day partitions of the PostgreSQL `calls` and `sms` tables (issue 17: "tables partitioned by day,
 * retention drops partitions").
 *
 * A record is filed under its earliest event (`first_at`), which moves earlier when a late event
 * arrives, and PostgreSQL wants the partition key in every unique index. So the partition key is
 * not `first_at` but `filed_day`, fixed when an id is first seen and never moved: a narrow key
 * table (`call_keys`, `sms_keys`: id → filed_day, unique on the id alone) holds it, the records are
 * `PARTITION BY RANGE (filed_day)` with the id unique per partition, and the upserts conflict on
 * (id, filed_day) with the day read from the key table. `filed_day` is the day of the earliest event
 * of the batch that first named the id, and `first_at` only decreases, so every row of day D has
 * `first_at < D + 1 day`: once D + 1 day ≤ the retention cutoff the whole partition is expired
 * (postgres/retention.ts drops it).
 *
 * Locks (several instances share the database): a writer holds a shared advisory lock for its
 * transaction; retention takes it exclusively before it drops a partition or deletes key rows, so
 * no writer can read a filed day whose partition or key then vanishes. Partitions are created
 * ahead of the writes that need them (`KnownDays`) under a second advisory lock (two creators of
 * one day would collide on the catalog). Both lock keys carry the schema, so stores in other
 * schemas do not wait for each other.
 */
import { InternalError } from '../../errors.js';
import { smsPending } from '../records/upsert-sql.js';
import { PG_ROLLUPS, ROLLUP_TRIGGERS } from '../rollup/sql.js';
import { statementTriggers } from './triggers.js';

export const DAY_MS = 86_400_000;

/** The UTC day holding `ms` (epoch ms of its midnight); `at` is validated ≥ 0. */
export const dayOf = (ms: number) => ms - (ms % DAY_MS);

const lockKey = (name: string) => `hashtext('sidetone.${name}'), hashtext(current_schema())`;

/** Taken by retention before it drops a partition or deletes key rows (see the module comment). */
export const RETENTION_LOCK = `SELECT pg_advisory_xact_lock(${lockKey('retention')})`;

/**
 * For the batched UPDATE and DELETE that find rows by (id, filed_day): the planner does not count
 * run-time partition pruning, so it hashes every partition (a scan of all records per batch: 150 ms
 * at 300,000 calls and growing) rather than probe one partition's primary key per row (15 ms).
 * Transaction-local.
 */
export const NESTED_LOOPS =
  "SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)";

/** A partitioned copy of a version-3 table, its rows moved in (filed under their `first_at` day). */
function partitioned(table: string, key: string, keys: string, indexes: string[]): string {
  const old = `${table}_unpartitioned`;
  return `
    ALTER TABLE ${table} RENAME TO ${old};
    -- LIKE keeps every column, default and generated expression of the released definition; the
    -- identity becomes a plain column (PostgreSQL 15 has no identity on a partitioned table).
    CREATE TABLE ${table} (LIKE ${old} INCLUDING DEFAULTS INCLUDING GENERATED, filed_day BIGINT NOT NULL)
      PARTITION BY RANGE (filed_day);
    CREATE TABLE ${keys} (${key} TEXT PRIMARY KEY, filed_day BIGINT NOT NULL);
    DO $move$ DECLARE cols TEXT; BEGIN
      SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols FROM pg_attribute
        WHERE attrelid = '${old}'::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '';
      PERFORM sidetone_day_partition('${table}', d)
        FROM (SELECT DISTINCT sidetone_day(first_at) AS d FROM ${old}) days;
      EXECUTE format('INSERT INTO ${table} (%s, filed_day) SELECT %s, sidetone_day(first_at) FROM ${old}', cols, cols);
    END $move$;
    INSERT INTO ${keys} (${key}, filed_day) SELECT ${key}, filed_day FROM ${table};
    DROP TABLE ${old};
    ${parentKeys(table, key, indexes)}`;
}

/**
 * A version-3 table made the partition of one day, its rows left where they are: the move of a
 * large store (postgres/migrate.ts decides), where copying every row into its own day
 * (`partitioned`) was most of the open (1M calls from schema 1: 16.4 s, 5.1 s attached,
 * bench/store-open.mjs). The table is filed whole under the day of its latest record, so every
 * row of it starts before that day ends, as retention wants (module comment); `call_days` then
 * gives that day the lag of its oldest record, so reads bound their filed days as for any record
 * filed late, and retention takes its records out batch by batch as they expire until the whole
 * day does. Its first_at indexes are kept and attached to the parent's; the unique ones gain
 * `filed_day` and are built. Its ids get no key rows here: filling the key table and building its
 * key took 4.5 + 3.3 s of the 19.9 s this open took at 5M calls from schema 1 (bench/store-open.mjs,
 * 2026-11-28), so each is filed when it is next written or hashed (`Unkeyed`). The same schema as `partitioned`
 * leaves, but for the partition's index names (test/store/postgres-attach.e2e.test.ts).
 */
function attached(table: string, key: string, keys: string, indexes: string[]): string {
  return `
    DO $attach$ DECLARE day BIGINT; part TEXT; r RECORD; BEGIN
      -- An empty table (a store of calls and no SMS) is filed under day 0: retention's first pass drops it.
      SELECT COALESCE(sidetone_day(MAX(first_at)), 0) INTO day FROM ${table};
      -- Its highest id, read on its primary key before that goes: the parent's sequence starts
      -- after it (\`parentKeys\`; MAX(id) over the parent before its key exists read every row,
      -- 0.6 s at 5M calls).
      PERFORM set_config('sidetone.top_${table}', (SELECT COALESCE(MAX(id), 0) FROM ${table})::text, true);
      part := ${dayName(`'${table}'`, 'day')};
      -- The version-3 triggers go with the table's old role (the parent gets its own below); its
      -- unique keys lack filed_day, and its index names are the parent's to take.
      FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = '${table}'::regclass AND NOT tgisinternal LOOP
        EXECUTE format('DROP TRIGGER %I ON ${table}', r.tgname);
      END LOOP;
      FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype IN ('p', 'u') LOOP
        EXECUTE format('ALTER TABLE ${table} DROP CONSTRAINT %I', r.conname);
      END LOOP;
      FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = '${table}'::regclass LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname, part || '_' || r.relname);
      END LOOP;
      EXECUTE format('ALTER TABLE ${table} RENAME TO %I', part);
      EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', part);
      -- A constant default is kept in the catalog, not written into each row (PostgreSQL 11+).
      EXECUTE format('ALTER TABLE %I ADD COLUMN filed_day BIGINT NOT NULL DEFAULT %s', part, day);
      EXECUTE format('ALTER TABLE %I ALTER COLUMN filed_day DROP DEFAULT', part);
      EXECUTE format('CREATE TABLE ${table} (LIKE %I INCLUDING DEFAULTS INCLUDING GENERATED)
        PARTITION BY RANGE (filed_day)', part);
      EXECUTE format('ALTER TABLE ${table} ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
        part, day, day + ${DAY_MS});
    END $attach$;
    CREATE TABLE ${keys} (${key} TEXT PRIMARY KEY, filed_day BIGINT NOT NULL);
    ${parentKeys(table, key, indexes, `current_setting('sidetone.top_${table}')::bigint`)}`;
}

/**
 * What both moves end with: the id sequence (after `top`, the highest id), the primary key and the
 * indexes of the parent.
 */
function parentKeys(
  table: string,
  key: string,
  indexes: string[],
  top = `COALESCE((SELECT MAX(id) FROM ${table}), 0)`,
): string {
  return `CREATE SEQUENCE ${table}_id_seq OWNED BY ${table}.id;
    SELECT setval('${table}_id_seq', ${top} + 1, false);
    ALTER TABLE ${table} ALTER COLUMN id SET DEFAULT nextval('${table}_id_seq');
    -- Indexes after the copy: one sorted build per partition instead of row-by-row inserts.
    ALTER TABLE ${table} ADD PRIMARY KEY (id, filed_day);
    CREATE UNIQUE INDEX ${table}_${key} ON ${table} (${key}, filed_day);
    ${indexes.map((ix) => `CREATE INDEX ${ix};`).join('\n    ')}`;
}

/**
 * The rollup triggers' re-reads of a group's shortest and longest duration (rollup/sql.ts
 * `cleanup`) with the records' filed days bounded as in the reads (postgres/statements.ts `READS`):
 * otherwise each rollup row probes every day's partition (330 ms instead of 30 ms for a dropped
 * day's rows at 90 partitions). The bounds use the outer row's slot, so the pruning happens as
 * each row is read.
 */
const LAG = '(SELECT COALESCE(MAX(lag), 0) FROM call_days)';
export function boundCleanup(sql: string): string {
  const out = sql.replace(
    /c\.first_at >= r\.t AND c\.first_at < r\.t \+ (\d+)/g,
    `$& AND c.filed_day >= sidetone_day(r.t) AND c.filed_day <= sidetone_day(r.t + $1 - 1) + ${LAG}`,
  );
  if (out === sql) throw new InternalError('rollup cleanup text not found in PG_ROLLUPS');
  return out;
}
/** The update and delete triggers of migration 2, bounded (the insert trigger re-reads nothing). */
const BOUNDED_ROLLUP_TRIGGERS = ['update', 'delete']
  .map((op) => {
    const fn = new RegExp(`CREATE FUNCTION sidetone_rollup_${op}\\(\\)[\\s\\S]*?END \\$fn\\$;`).exec(
      PG_ROLLUPS,
    )?.[0];
    if (fn === undefined) throw new InternalError(`rollup ${op} trigger text not found in PG_ROLLUPS`);
    return boundCleanup(fn.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  })
  .join('\n');

/**
 * Per filed day of calls: how many are still in progress, and the most a record of that day starts
 * before it (its lag, in ms; 0 for a call filed under its start's day). Reads bound their record
 * parts with them, so that planning takes the partitions that can hold a match, not all of them
 * (see postgres/statements.ts `READS`). Kept by statement triggers, like the rollups; `lag` only grows.
 */
function callDaysChange(name: string, added: string, removed: string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
    INSERT INTO call_days AS d (filed_day, active, lag)
      SELECT filed_day, SUM(a), MAX(l) FROM (
        SELECT filed_day, CASE WHEN status = 'active' THEN 1 ELSE 0 END AS a,
          filed_day - sidetone_day(first_at) AS l FROM ${added}
        UNION ALL SELECT filed_day, CASE WHEN status = 'active' THEN -1 ELSE 0 END, 0 FROM ${removed}) c
      GROUP BY filed_day ORDER BY filed_day
      ON CONFLICT (filed_day) DO UPDATE SET active = d.active + excluded.active, lag = GREATEST(d.lag, excluded.lag)
      WHERE excluded.active <> 0 OR excluded.lag > d.lag;
    RETURN NULL;
  END $fn$;`;
}
/** `callDaysChange` of migration 17: the day's legs with an end-to-end id counted too. */
function callDaysLegsChange(name: string, added: string, removed: string): string {
  const leg = (n: number) => `CASE WHEN end_to_end_id IS NULL THEN 0 ELSE ${n} END`;
  return `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
    INSERT INTO call_days AS d (filed_day, active, lag, legs)
      SELECT filed_day, SUM(a), MAX(l), SUM(e) FROM (
        SELECT filed_day, CASE WHEN status = 'active' THEN 1 ELSE 0 END AS a,
          filed_day - sidetone_day(first_at) AS l, ${leg(1)} AS e FROM ${added}
        UNION ALL SELECT filed_day, CASE WHEN status = 'active' THEN -1 ELSE 0 END, 0, ${leg(-1)} FROM ${removed}) c
      GROUP BY filed_day ORDER BY filed_day
      ON CONFLICT (filed_day) DO UPDATE SET active = d.active + excluded.active, lag = GREATEST(d.lag, excluded.lag),
        legs = d.legs + excluded.legs
      WHERE excluded.active <> 0 OR excluded.lag > d.lag OR excluded.legs <> 0;
    RETURN NULL;
  END $fn$;`;
}
const none = (t: string) => `(SELECT * FROM ${t} WHERE false) n`;
/** `call_days` filled from the calls moved into their day partitions (`partitioned`): one pass. */
const DAYS_OF_PARTITIONS = `INSERT INTO call_days SELECT filed_day, COUNT(*) FILTER (WHERE status = 'active'),
    MAX(filed_day - sidetone_day(first_at)) FROM calls GROUP BY filed_day;`;
/**
 * `call_days` of a table attached whole (`attached`): its one day, read on the indexes it kept of
 * status and first_at. The grouped pass over every row was 1.36 s of a 5M-call open.
 */
const DAYS_OF_ATTACHED = `INSERT INTO call_days SELECT filed_day, (SELECT COUNT(*) FROM calls WHERE status = 'active'),
    filed_day - sidetone_day((SELECT MIN(first_at) FROM calls)) FROM (SELECT filed_day FROM calls LIMIT 1) d;`;
const callDays = (fill: string) => `
  CREATE TABLE call_days (filed_day BIGINT PRIMARY KEY, active BIGINT NOT NULL, lag BIGINT NOT NULL);
  ${fill}
  ${callDaysChange('sidetone_call_days_insert', 'new_rows', none('new_rows'))}
  ${callDaysChange('sidetone_call_days_update', 'new_rows', 'old_rows')}
  ${callDaysChange('sidetone_call_days_delete', none('old_rows'), 'old_rows')}
  ${statementTriggers('calls', 'calls_days', {
    insert: 'sidetone_call_days_insert',
    update: 'sidetone_call_days_update',
    delete: 'sidetone_call_days_delete',
  })}`;

/**
 * Migration 17: per filed day of calls, how many are legs with an end-to-end id (issue 53). A
 * period's end-to-end read (postgres/statements.ts END_TO_END_LEGS) plans the days holding one,
 * not every day of its range: over 90 days, planning each day's partition (its partial index
 * empty in a store without leg correlation) took 9 ms a read and 118 ms on a connection's first
 * (10M calls). Counted as `active` is, by the same statement triggers.
 */
export const CALL_DAYS_LEGS = `
  ALTER TABLE call_days ADD COLUMN legs BIGINT NOT NULL DEFAULT 0;
  -- Counted on the partial indexes of migrations 14 and 16: a store that just gained the column
  -- has no statistics of it, and the planner read every row instead (0.88 s of a 5M-call open).
  DO $legs$ DECLARE was TEXT := current_setting('enable_seqscan'); BEGIN
    PERFORM set_config('enable_seqscan', 'off', true);
    UPDATE call_days d SET legs = x.n FROM (SELECT filed_day, COUNT(*) AS n FROM calls
      WHERE end_to_end_id IS NOT NULL GROUP BY filed_day) x WHERE d.filed_day = x.filed_day;
    PERFORM set_config('enable_seqscan', was, true);
  END $legs$;
  ${callDaysLegsChange('sidetone_call_days_insert', 'new_rows', none('new_rows'))}
  ${callDaysLegsChange('sidetone_call_days_update', 'new_rows', 'old_rows')}
  ${callDaysLegsChange('sidetone_call_days_delete', none('old_rows'), 'old_rows')}`;

/**
 * Migration 5: per filed day of SMS, the most a record of that day starts before it (`lag`, ms), as
 * `call_days` has for calls: SMS reads bound their filed days with it (postgres/statements.ts SMS_PAGE,
 * SMS_STATS) instead of planning every later day's partition. A report that arrives before its
 * submission files the message under the report's day; the submission then moves `first_at` back.
 * Kept by statement triggers; deletes leave it (a bound may only be too wide), and a dropped
 * partition takes its row with it (postgres/retention.ts).
 */
export const SMS_DAYS = `
  CREATE TABLE sms_days (filed_day BIGINT PRIMARY KEY, lag BIGINT NOT NULL);
  INSERT INTO sms_days SELECT filed_day, MAX(filed_day - sidetone_day(first_at)) FROM sms GROUP BY filed_day;
  CREATE FUNCTION sidetone_sms_days() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
    INSERT INTO sms_days AS d (filed_day, lag)
      SELECT filed_day, MAX(filed_day - sidetone_day(first_at)) FROM new_rows GROUP BY filed_day ORDER BY filed_day
      ON CONFLICT (filed_day) DO UPDATE SET lag = excluded.lag WHERE excluded.lag > d.lag;
    RETURN NULL;
  END $fn$;
  CREATE TRIGGER sms_days_insert AFTER INSERT ON sms REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sidetone_sms_days();
  CREATE TRIGGER sms_days_update AFTER UPDATE ON sms REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sidetone_sms_days();`;

/** `sms_pending` has no NULL gateway (its index takes `=`): a missing one is this control character. */
export const NO_GATEWAY = "'\u0001'";
const pendingRow = (r: string) =>
  `SELECT ${r}.message_id, COALESCE(${r}.gateway, ${NO_GATEWAY}), ${r}.reference, ${r}.sent_at, ${r}.id`;

/**
 * Migration 6: the submissions a delivery report can still match, beside the partitions. Matching
 * a report by its reference searched every day's partition of `sms` (the most recent pending
 * submission with that reference on that gateway can be of any day): with 90 days kept, writing a
 * matched report took 10.3 ms, and 1.4 ms with this table (median of 50). Kept by statement
 * triggers on `sms`: a row while the submission is pending (records/upsert-sql.ts `smsPending`); gone with
 * the record (a dropped partition takes its rows with it, postgres/retention.ts).
 */
export const SMS_PENDING = `
  CREATE TABLE sms_pending (message_id TEXT PRIMARY KEY, gateway TEXT NOT NULL, reference TEXT NOT NULL,
    sent_at BIGINT NOT NULL, id BIGINT NOT NULL);
  CREATE INDEX sms_pending_reference ON sms_pending (gateway, reference, sent_at, id);
  INSERT INTO sms_pending ${pendingRow('s')} FROM sms s WHERE ${smsPending('s')};
  CREATE FUNCTION sidetone_sms_pending() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
    IF TG_OP <> 'INSERT' THEN
      DELETE FROM sms_pending p USING old_rows o WHERE p.message_id = o.message_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO sms_pending ${pendingRow('n')} FROM new_rows n WHERE ${smsPending('n')} ORDER BY 1
        ON CONFLICT (message_id) DO UPDATE SET gateway = excluded.gateway, reference = excluded.reference,
          sent_at = excluded.sent_at, id = excluded.id;
    END IF;
    RETURN NULL;
  END $fn$;
  ${statementTriggers('sms', 'sms_pending', {
    insert: 'sidetone_sms_pending',
    update: 'sidetone_sms_pending',
    delete: 'sidetone_sms_pending',
  })}`;

/** SQL: the name of `parent`'s partition of `day` (its midnight in epoch ms), by its UTC date. */
const dayName = (
  parent: string,
  day: string,
) => `${parent} || '_' || CASE WHEN ${day} BETWEEN 0 AND 253402214400000
    THEN to_char(to_timestamp(${day} / 1000) AT TIME ZONE 'UTC', 'YYYYMMDD') ELSE 'd' || (${day} / ${DAY_MS}) END`;

/**
 * Migration 4: `calls` and `sms` partitioned by `filed_day`, with their key tables. The rows of a
 * version-3 database move over unchanged (ids included) and the rollups, which already count them,
 * are left as they are: the rollup triggers are attached to the new table after the copy.
 */
const partitionsMigration = (move: typeof partitioned, fillDays: string) => `
  CREATE FUNCTION sidetone_day(ms BIGINT) RETURNS BIGINT LANGUAGE sql IMMUTABLE AS
    $$ SELECT ms - ((ms % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS} $$;
  -- The partition of one day (its midnight in epoch ms), created if missing; named by its UTC date.
  CREATE FUNCTION sidetone_day_partition(parent TEXT, day BIGINT) RETURNS VOID LANGUAGE plpgsql AS $fn$
  DECLARE name TEXT := ${dayName('parent', 'day')};
  BEGIN
    IF to_regclass(quote_ident(name)) IS NULL THEN
      PERFORM pg_advisory_xact_lock(${lockKey('partitions')});
      EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
        name, parent, day, day + ${DAY_MS});
    END IF;
  END $fn$;
  -- First statement of every write: the shared side of the retention lock, then the batch's days.
  CREATE FUNCTION sidetone_begin_write(parent TEXT, days BIGINT[]) RETURNS VOID LANGUAGE plpgsql AS $fn$
  BEGIN
    PERFORM pg_advisory_xact_lock_shared(${lockKey('retention')});
    PERFORM sidetone_day_partition(parent, d) FROM unnest(days) d;
  END $fn$;
  ${move('calls', 'call_id', 'call_keys', [
    'calls_first_at ON calls (first_at)',
    'calls_status_first_at ON calls (status, first_at)',
    'calls_instance_first_at ON calls (instance, first_at)',
  ])}
  ${ROLLUP_TRIGGERS}
  ${callDays(fillDays)}
  ${BOUNDED_ROLLUP_TRIGGERS}
  ${move('sms', 'message_id', 'sms_keys', [
    'sms_first_at ON sms (first_at)',
    'sms_gateway_reference ON sms (gateway, reference, sent_at)',
  ])}`;
export const PG_PARTITIONS = partitionsMigration(partitioned, DAYS_OF_PARTITIONS);
/**
 * Migration 4 for a large version-3 store: its tables attached as one day's partition each instead
 * of copied (`attached`). Released migration 4 stays the text above, run for every other store.
 */
export const PG_PARTITIONS_ATTACHED = partitionsMigration(attached, DAYS_OF_ATTACHED);

/** $1 the table, $2 its days: the writer's shared lock, and each day's partition made sure of. */
export const BEGIN_WRITE = 'SELECT sidetone_begin_write($1, $2::int8[])';

/**
 * The filed day of each table's records that have no key row: those of a large version-3 table
 * attached whole (`attached`). Each is filed when it is next written (the filing statements look
 * an id they do not know up in that day's partition first: `keyFiling`) or hashed
 * (postgres/id-rewrite.ts keys the rows it moves). migrate.ts keeps it in `sidetone_meta` under
 * {@link UNKEYED_KEY}; a store without such rows has none.
 */
export interface Unkeyed {
  calls?: number;
  sms?: number;
}
export const UNKEYED_KEY = 'unkeyed_days';

/**
 * {@link Unkeyed} as `sidetone_meta` keeps it; none for a missing or malformed value.
 * @example parseUnkeyed('{"calls":1710201600000}'); // { calls: 1710201600000 }
 */
export function parseUnkeyed(value: unknown): Unkeyed {
  if (typeof value !== 'string') return {};
  try {
    const v = JSON.parse(value) as Record<string, unknown>;
    const out: Unkeyed = {};
    for (const t of ['calls', 'sms'] as const)
      if (Number.isSafeInteger(v[t]) && (v[t] as number) % DAY_MS === 0) out[t] = v[t] as number;
    return out;
  } catch {
    return {};
  }
}

/**
 * The statements that file ids under their days, for a store's {@link Unkeyed} days: made once at
 * open. A store without unkeyed records files as it always has; the lookup in the unkeyed day's
 * partition, given NULL instead, still cost its planning: batches of 20 new ids took 12 % longer
 * (617-696 µs against 540-610, 90 days of partitions, PostgreSQL 15, 2026-11-29).
 */
export interface KeyFiling {
  unkeyed: Unkeyed;
  /**
   * File the calls of a batch ($1 ids, $2 the day each new one takes). Returns a row for each id
   * that was known already, with its filed day, and for each unkeyed record keyed now: the ids it
   * does not return were filed now, under the day given. The upserts then take the days as a
   * parameter: a join of the batch to `call_keys` was planned as a hash join over the whole key
   * table (a scan of every call kept, per batch), and so was `call_id = ANY ($1)`; the LIMIT keeps
   * each lookup a probe of the primary key. An id another transaction filed while this one waited
   * for it comes back with a NULL day (the row is invisible to this statement's snapshot):
   * FILED_DAYS reads those in a new statement.
   */
  callKeys: string;
  /** File message $1 under day $2 unless it has a key row (or is unkeyed: under that day). */
  smsKey: string;
}

/** SQL: the day `day` if `table` has a record of id `id` filed under it (an unkeyed one). */
const unkeyedDay = (table: string, key: string, id: string, day: number) =>
  `(SELECT filed_day FROM ${table} WHERE ${key} = ${id} AND filed_day = ${Math.trunc(day)} LIMIT 1)`;

/** @example keyFiling({}).callKeys; // the statement a store without unkeyed records files calls with */
export function keyFiling(unkeyed: Unkeyed): KeyFiling {
  const { calls, sms } = unkeyed;
  const batch = 'unnest($1::text[], $2::int8[])';
  const rows =
    calls === undefined
      ? `SELECT * FROM ${batch} ON CONFLICT (call_id) DO NOTHING RETURNING call_id`
      : `SELECT b.id, COALESCE(${unkeyedDay('calls', 'call_id', 'b.id', calls)}, b.day) FROM ${batch} AS b (id, day)
        ON CONFLICT (call_id) DO NOTHING RETURNING call_id, filed_day`;
  return {
    unkeyed,
    callKeys: `WITH ins AS (INSERT INTO call_keys (call_id, filed_day) ${rows})
    SELECT b.id AS call_id, k.filed_day FROM unnest($1::text[]) AS b (id)
      LEFT JOIN LATERAL (SELECT filed_day FROM call_keys WHERE call_id = b.id LIMIT 1) k ON true
    WHERE NOT EXISTS (SELECT 1 FROM ins WHERE ins.call_id = b.id)${
      calls === undefined ? '' : ` UNION ALL SELECT call_id, filed_day FROM ins WHERE filed_day = ${calls}`
    }`,
    smsKey: `INSERT INTO sms_keys (message_id, filed_day)
      VALUES ($1, ${sms === undefined ? '$2' : `COALESCE(${unkeyedDay('sms', 'message_id', '$1', sms)}, $2::int8)`})
      ON CONFLICT (message_id) DO NOTHING`,
  };
}
export const FILED_DAYS = `SELECT k.call_id, k.filed_day FROM unnest($1::text[]) AS b (id),
  LATERAL (SELECT call_id, filed_day FROM call_keys WHERE call_id = b.id LIMIT 1) k`;

/**
 * A shared single-row upsert (`$1` the id) made to file its row: the filed day is read from the key
 * table and the conflict target gains it. Each rewrite must apply exactly once, so a change to the
 * shared text fails at load rather than writing unpartitioned SQL.
 */
export function keyed(sql: string, table: string, key: string, keys: string): string {
  const edits: Array<[string, string]> = [
    [`INSERT INTO ${table} AS o (${key},`, `INSERT INTO ${table} AS o (filed_day, ${key},`],
    ['VALUES ($1,', `VALUES ((SELECT filed_day FROM ${keys} WHERE ${key} = $1), $1,`],
    [`ON CONFLICT (${key})`, `ON CONFLICT (${key}, filed_day)`],
  ];
  let out = sql;
  for (const [from, to] of edits) {
    if (out.split(from).length !== 2) throw new InternalError(`unexpected upsert text for ${table}: ${from}`);
    out = out.replace(from, to);
  }
  return out;
}
