/**
 * Rollups: 10-minute, hourly and daily aggregates of finished calls that equal the records for
 * every read (insert, late update, zombie cleanup, retention). A rollup row is one group of the
 * dashboard's own grouping (status, KPI bits, direction, channel, trunk, failure reason; plus the
 * instance in PostgreSQL) with the sums analytics folds; a duration histogram beside it gives
 * percentiles. Reads take whole days, hours and 10-minute slots from here and only the minutes at
 * the edges (and calls still active) from the records.
 *
 * PostgreSQL applies a batch's changes set-based in the batch's transaction: statement triggers
 * see its rows in transition tables. SQLite marks the slots a batch touches in its transaction and
 * rebuilds marked slots from the records at least once a second and before every rollup read
 * (see the SQLite section below).
 *
 * One definition of a call's contribution below builds the tables, the change statements of both
 * backends, the backfill of existing records and the record side of reads.
 */
import { KPI_FLAG } from './derive.js';
import { statementTriggers } from './postgres-triggers.js';

export type Dialect = 'sqlite' | 'pg';

export const TEN_MIN_MS = 600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Rollup tables with the width of their time slot, finest first. */
const GRAINS = [
  { calls: 'call_rollup_10m', durations: 'call_duration_10m', ms: TEN_MIN_MS },
  { calls: 'call_rollup_hour', durations: 'call_duration_hour', ms: HOUR_MS },
  { calls: 'call_rollup_day', durations: 'call_duration_day', ms: DAY_MS },
] as const;

/**
 * A missing dimension (no trunk) in a key column: keys are NOT NULL so a primary key can find the
 * row (NULLs never conflict), and no real value is this control character.
 */
const NONE = "'\u0001'";
const dim = (e: string) => `COALESCE(${e}, ${NONE})`;
/**
 * Every slot also holds its groups summed over the dimensions (direction, channel, trunk, failure
 * set to this marker): a read without those filters takes these few rows (about one in five).
 */
const ALL = "'\u0002'";
const DIMS = ['direction', 'channel', 'trunk', 'failure'];
/** Columns with the dimensions replaced by the ALL marker. */
const collapsed = (cols: readonly string[]) =>
  cols.map((c) => (DIMS.includes(c) ? `${ALL} AS ${c}` : c)).join(', ');
/** Back from a key column to the record's value. */
const undim = (c: string) => `NULLIF(${c}, ${NONE})`;

const ANSWERED = KPI_FLAG.answered;
const isNull = (e: string) => `CASE WHEN ${e} IS NULL THEN 0 ELSE 1 END`;

/**
 * Histogram bucket of a duration: Prometheus native-histogram schema 3 (each bucket 2^(1/8) wider
 * than the last), `i` covering (2^((i-1)/8), 2^(i/8)] ms; -1 holds 0 ms. Rounded before the ceiling
 * so that 8·log2(2^k) lands on k in both databases despite floating point.
 */
function bucketExpr(d: Dialect, ms: string): string {
  const x = `8 * ln(${ms}) / ln(2)`;
  const r = d === 'pg' ? `round((${x})::numeric, 9)` : `round(${x}, 9)`;
  return `CASE WHEN ${ms} < 1 THEN -1 ELSE CAST(ceil(${r}) AS INTEGER) END`;
}
/** Largest relative error of a percentile read from the histogram (one bucket's width). */
export const HISTOGRAM_ERROR = 2 ** (1 / 8) - 1;
export const bucketBounds = (i: number): [number, number] =>
  i < 0 ? [0, 0] : [2 ** ((i - 1) / 8), 2 ** (i / 8)];

type Expr = (r: string) => string;

/** Sums of a group, and how one record adds to each. */
const SUMS: ReadonlyArray<[string, Expr, 'int' | 'real']> = [
  ['n', () => '1', 'int'],
  ['talk_count', (r) => isNull(`${r}talk_ms`), 'int'],
  ['talk_sum', (r) => `COALESCE(${r}talk_ms, 0)`, 'int'],
  ['pdd_count', (r) => isNull(`${r}pdd_ms`), 'int'],
  ['pdd_sum', (r) => `COALESCE(${r}pdd_ms, 0)`, 'int'],
  ['dur_count', (r) => isNull(`${r}duration_ms`), 'int'],
  ['dur_sum', (r) => `COALESCE(${r}duration_ms, 0)`, 'int'],
  ['transcripts', (r) => `${r}transcript`, 'int'],
  ['media_count', (r) => isNull(`${r}mos`), 'int'],
  ['mos_sum', (r) => `COALESCE(${r}mos, 0)`, 'real'],
  ['jitter_sum', (r) => `COALESCE(${r}jitter_ms, 0)`, 'real'],
  ['loss_sum', (r) => `COALESCE(${r}loss_percent, 0)`, 'real'],
];
const SUM_NAMES = SUMS.map(([c]) => c);

type Key = Array<[string, string]>;

/** The key of a record's group in a table of slot width `ms`. */
function callKey(d: Dialect, r: string, ms: number): Key {
  return [
    ['t', `(${r}first_at / ${ms}) * ${ms}`],
    ...(d === 'pg' ? ([['instance', dim(`${r}instance`)]] as Key) : []),
    ['status', `${r}status`],
    ['kpi', `${r}kpi`],
    ['direction', dim(`${r}direction`)],
    ['channel', dim(`${r}channel`)],
    ['trunk', dim(`${r}trunk`)],
    [
      'failure',
      dim(`CASE WHEN ${r}status <> 'completed' AND ${r}status <> 'active' THEN ${r}reason_eff END`),
    ],
  ];
}
function durationKey(d: Dialect, r: string, ms: number): Key {
  const dims = callKey(d, r, ms).filter(([c]) =>
    ['t', 'instance', 'direction', 'channel', 'trunk'].includes(c),
  );
  return [...dims, ['b', bucketExpr(d, `${r}duration_ms`)]];
}
/** Who is in a table: finished calls; the histogram holds answered ones with a duration. */
const inRollup = (r: string) => `${r}status <> 'active'`;
const inHistogram = (r: string) =>
  `${r}status <> 'active' AND (${r}kpi & ${ANSWERED}) <> 0 AND ${r}duration_ms IS NOT NULL`;

const names = (key: Key) => key.map(([c]) => c);
const aliased = (key: Key) => key.map(([c, e]) => `${e} AS ${c}`).join(', ');
const positions = (key: Key) => key.map((_, i) => i + 1).join(', ');

/** The columns of a record the rollups read: an update that changes none leaves them alone. */
const READ_COLUMNS = [
  'first_at',
  'status',
  'kpi',
  'direction',
  'channel',
  'trunk',
  'reason_eff',
  'talk_ms',
  'pdd_ms',
  'duration_ms',
  'transcript',
  'mos',
  'jitter_ms',
  'loss_percent',
];

// --- Tables ----------------------------------------------------------------------------------

function tables(d: Dialect): string {
  const real = d === 'pg' ? 'DOUBLE PRECISION' : 'REAL';
  const rowid = d === 'sqlite' ? ' WITHOUT ROWID' : '';
  const type = (c: string) => (c === 't' ? 'BIGINT' : c === 'kpi' || c === 'b' ? 'INTEGER' : 'TEXT');
  const out: string[] = [];
  for (const g of GRAINS) {
    const key = names(callKey(d, '', g.ms));
    const sums = SUMS.map(([c, , t]) => `${c} ${t === 'int' ? 'BIGINT' : real} NOT NULL`);
    out.push(`CREATE TABLE ${g.calls} (${[...key.map((c) => `${c} ${type(c)} NOT NULL`), ...sums, 'dur_min BIGINT', 'dur_max BIGINT'].join(', ')},
      PRIMARY KEY (${key.join(', ')}))${rowid};`);
    const hkey = names(durationKey(d, '', g.ms));
    out.push(`CREATE TABLE ${g.durations} (${[...hkey.map((c) => `${c} ${type(c)} NOT NULL`), 'n BIGINT NOT NULL'].join(', ')},
      PRIMARY KEY (${hkey.join(', ')}))${rowid};`);
  }
  return out.join('\n');
}

/** Fill the rollups from the records already stored (the migration that adds them). */
function backfill(d: Dialect): string {
  return GRAINS.flatMap((g) => {
    const k = names(callKey(d, '', g.ms));
    const hk = names(durationKey(d, '', g.ms));
    return [
      `INSERT INTO ${g.calls} ${recordGroups(d, g.ms, inRollup(''))};`,
      `INSERT INTO ${g.calls} SELECT ${collapsed(k)}, ${SUM_NAMES.map((c) => `SUM(${c})`).join(', ')},
        MIN(dur_min), MAX(dur_max) FROM ${g.calls} GROUP BY ${positions(callKey(d, '', g.ms))};`,
      `INSERT INTO ${g.durations} ${recordBuckets(d, g.ms, inHistogram(''))};`,
      `INSERT INTO ${g.durations} SELECT ${collapsed(hk)}, SUM(n) FROM ${g.durations}
        GROUP BY ${positions(durationKey(d, '', g.ms))};`,
    ];
  }).join('\n');
}

/** Every rollup row emptied and filled again from the records (rederive.ts: the classifier changed). */
export const rollupRebuild = (d: Dialect): string =>
  `${GRAINS.map((g) => `DELETE FROM ${g.calls};\nDELETE FROM ${g.durations};`).join('\n')}\n${backfill(d)}`;

/** Records grouped like a rollup table of slot `ms` (backfill, and the record side of reads). */
function recordGroups(d: Dialect, ms: number, where: string): string {
  const key = callKey(d, '', ms);
  return `SELECT ${aliased(key)}, ${SUMS.map(([c, e]) => `SUM(${e('')}) AS ${c}`).join(', ')},
      MIN(duration_ms) AS dur_min, MAX(duration_ms) AS dur_max
    FROM calls WHERE ${where} GROUP BY ${positions(key)}`;
}
function recordBuckets(d: Dialect, ms: number, where: string): string {
  const key = durationKey(d, '', ms);
  return `SELECT ${aliased(key)}, COUNT(*) AS n FROM calls WHERE ${where} GROUP BY ${positions(key)}`;
}

// --- Applying a batch's changes ----------------------------------------------------------------

/** A bound after an upsert: the stored or the added one, whichever is further out; NULL is none yet. */
const keep = (c: string, op: '<' | '>') =>
  `${c} = CASE WHEN excluded.${c} IS NULL OR (r.${c} IS NOT NULL AND r.${c} ${op}= excluded.${c}) THEN r.${c} ELSE excluded.${c} END`;

/**
 * The statements that apply a batch's changes: `added` holds records as they are now, `removed`
 * as they were (their old contribution is taken out). The changes are summed once per 10-minute
 * group (`delta`, `duration_delta`), then each grain takes them with one grouped upsert, in key
 * order (concurrent batches then lock rows in the same order). A removed duration that was a
 * group's shortest or longest makes that group read its records again (rare: finished calls
 * seldom change). A group emptied this way keeps a row of zeros (reads skip it): deleting by key
 * scanned the whole table in SQLite; retention deletes them (`ROLLUP_PRUNE`). SQLite keeps the deltas in temporary tables; PostgreSQL runs one statement per
 * family with the deltas as a CTE.
 */
function changeStatements(d: Dialect, added: string, removed: string | undefined) {
  const key = (r: string, ms = TEN_MIN_MS) => callKey(d, r, ms);
  const k = names(key(''));
  const part = (sign: number, src: string) =>
    `SELECT ${sign} AS sgn, ${aliased(key('x.'))}, ${SUMS.map(([c, e]) => `${e('x.')} AS ${c}`).join(', ')},
      x.duration_ms AS d FROM ${src} x WHERE ${inRollup('x.')}`;
  const parts = [part(1, added), ...(removed ? [part(-1, removed)] : [])];
  const delta = `SELECT ${k.join(', ')}, ${SUM_NAMES.map((c) => `SUM(sgn * ${c}) AS ${c}`).join(', ')},
      MIN(CASE WHEN sgn > 0 THEN d END) AS dur_min, MAX(CASE WHEN sgn > 0 THEN d END) AS dur_max
    FROM (${parts.join(' UNION ALL ')}) c GROUP BY ${k.join(', ')}`;
  const hk = (r: string, ms = TEN_MIN_MS) => durationKey(d, r, ms);
  const hn = names(hk(''));
  const hpart = (sign: number, src: string) =>
    `SELECT ${sign} AS sgn, ${aliased(hk('x.'))} FROM ${src} x WHERE ${inHistogram('x.')}`;
  const durations = `SELECT ${hn.join(', ')}, SUM(sgn) AS n
    FROM (${[hpart(1, added), ...(removed ? [hpart(-1, removed)] : [])].join(' UNION ALL ')}) c GROUP BY ${hn.join(', ')}`;

  /** Upserts of one grain from the 10-minute deltas in `src`, with their dimension-free sums. */
  const both = (cols: string[], src: string) =>
    `(SELECT ${cols.join(', ')} FROM ${src} UNION ALL SELECT ${collapsed(cols)} FROM ${src}) s`;
  const upsert = (table: string, ms: number, src: string) => {
    const cols = k.map((c) => (c === 't' ? `(t / ${ms}) * ${ms}` : c));
    const all = [...k, ...SUM_NAMES, 'dur_min', 'dur_max'];
    return `INSERT INTO ${table} AS r (${all.join(', ')})
      SELECT ${cols.join(', ')}, ${SUM_NAMES.map((c) => `SUM(${c})`).join(', ')}, MIN(dur_min), MAX(dur_max)
      FROM ${both(all, src)} WHERE true GROUP BY ${positions(key(''))} ORDER BY ${positions(key(''))}
      ON CONFLICT (${k.join(', ')}) DO UPDATE SET ${SUM_NAMES.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')},
        ${keep('dur_min', '<')}, ${keep('dur_max', '>')}`;
  };
  const hupsert = (table: string, ms: number, src: string) => {
    const cols = hn.map((c) => (c === 't' ? `(t / ${ms}) * ${ms}` : c));
    return `INSERT INTO ${table} AS r (${hn.join(', ')}, n)
      SELECT ${cols.join(', ')}, SUM(n) FROM ${both([...hn, 'n'], src)} WHERE true GROUP BY ${positions(hk(''))} ORDER BY ${positions(hk(''))}
      ON CONFLICT (${hn.join(', ')}) DO UPDATE SET n = r.n + excluded.n`;
  };
  const cleanup: string[] = [];
  if (removed) {
    for (const g of GRAINS) {
      const gk = names(key('', g.ms));
      /** Keys of the removed records' groups, detailed and dimension-free, with `d`, the duration. */
      const keysOf = (kk: Key, cols: string[], where: string) => {
        const inner = `SELECT ${aliased(kk)}, x.duration_ms AS d FROM ${removed} x WHERE ${where}`;
        return `SELECT ${cols.join(', ')}, d FROM (${inner}) o UNION SELECT ${collapsed(cols)}, d FROM (${inner}) o`;
      };
      const sameGroup = key('c.', g.ms)
        .slice(1)
        .map(([col, e]) =>
          DIMS.includes(col) ? `(r.${col} = ${ALL} OR r.${col} = ${e})` : `r.${col} = ${e}`,
        )
        .join(' AND ');
      cleanup.push(`UPDATE ${g.calls} AS r SET (dur_min, dur_max) = (SELECT MIN(c.duration_ms), MAX(c.duration_ms)
          FROM calls c WHERE c.first_at >= r.t AND c.first_at < r.t + ${g.ms} AND ${sameGroup})
        FROM (${keysOf(key('x.', g.ms), gk, inRollup('x.'))}) k WHERE ${gk.map((c) => `r.${c} = k.${c}`).join(' AND ')}
          AND k.d IS NOT NULL AND (k.d <= r.dur_min OR k.d >= r.dur_max)`);
    }
  }
  return { delta, durations, upsert, hupsert, cleanup, keyColumns: k, durationColumns: hn };
}

/**
 * Rollup rows of slots wholly before @cutoff that retention emptied (its records are gone, so
 * their sums are zero): deleted after the records, through the primary key's time order.
 */
export const ROLLUP_PRUNE: readonly string[] = GRAINS.flatMap((g) => [
  `DELETE FROM ${g.calls} WHERE t < CAST(@cutoff AS BIGINT) - ${g.ms} + 1 AND n = 0`,
  `DELETE FROM ${g.durations} WHERE t < CAST(@cutoff AS BIGINT) - ${g.ms} + 1 AND n = 0`,
]);

// --- SQLite: changes queued at ingest, applied per flush ---------------------------------------
//
// Schema 5 kept a queue filled by row triggers and applied it to every grain with every batch.
// The triggers cost half of a call's upsert (23.6 vs 11.1-12.1 us per whole call on this machine)
// and the apply a third of ingest, as each batch rewrote the same hour and day rows. Schema 6 had
// writes mark the 10-minute slots they touched and rebuilt marked slots from their records; that
// rebuilt the open slot, every call of the last ten minutes, once a second, so sustained ingest
// slowed as the slot filled (80k events/s in the first 10 s, 12-25k after 2 minutes).
//
// Since schema 7 a write queues, in its own transaction (a crash loses nothing), the ids of the
// calls it wrote (`rollup_add`) and, for a call the rollups already hold, its contribution as it
// was (`rollup_remove`, taken before the upsert, once per call between flushes). A flush takes the
// old contributions out and adds the calls as they are now: work in proportion to the calls that
// changed, not to the slots they are in. Zombie cleanup and retention, which change calls in bulk,
// still mark whole slots (`rollup_dirty`); a flush rebuilds those from their records and leaves
// their calls out of the queued changes. A write marks, instead of queuing, the calls of a slot
// whose rollups hold no finished call yet (a backfill, history replayed, the first second of a new
// slot): grouping a slot's records once costs less per call than grouping its changes (about 3 us
// a call against 3.2 + 1.9 for the two change statements), and queuing nothing saves the queue's
// row per call. The store flushes at least once a second while writing
// and before every rollup read, which then sees rollups equal to the records.

/** Calls queued for the next flush, and the contributions it takes out (schema 7). */
export const SQLITE_CHANGE_QUEUE = `
  CREATE TABLE rollup_add (id INTEGER PRIMARY KEY);
  CREATE TABLE rollup_remove (id INTEGER PRIMARY KEY, ${READ_COLUMNS.join(', ')});`;

/** A queued side is left to the rebuild when its slot is marked. */
const unmarked = (r: string) =>
  `(${r}first_at / ${TEN_MIN_MS}) * ${TEN_MIN_MS} NOT IN (SELECT t FROM rollup_dirty)`;
// CROSS JOIN makes SQLite walk the queue and look the calls up, never the other way round: with
// the queue empty when the statement was prepared, it planned a scan of every call (754 ms at 1.2M).
const QUEUED = changeStatements(
  'sqlite',
  `(SELECT ${READ_COLUMNS.map((c) => `c.${c}`).join(', ')} FROM rollup_add a CROSS JOIN calls c ON c.id = a.id WHERE ${unmarked('c.')})`,
  `(SELECT ${READ_COLUMNS.join(', ')} FROM rollup_remove WHERE ${unmarked('')})`,
);

/** What a write queues (see above). */
export const SQLITE_QUEUE = {
  /** A call as a write finds it: its id, whether the rollups may hold it, whether it is queued. */
  before: `SELECT c.id, c.first_at, c.status <> 'active', EXISTS (SELECT 1 FROM rollup_add a WHERE a.id = c.id)
    FROM calls c WHERE c.call_id = ?`,
  remove: `INSERT OR IGNORE INTO rollup_remove SELECT id, ${READ_COLUMNS.join(', ')} FROM calls WHERE id = ?`,
  add: 'INSERT OR IGNORE INTO rollup_add (id) VALUES (?)',
} as const;

/**
 * Apply `changes` to every grain through the scratch tables (SQLITE_SCRATCH), then run `empty`
 * (the statements that empty their queue).
 */
function sqliteApply(changes: ReturnType<typeof changeStatements>, empty: readonly string[]): string[] {
  return [
    'DELETE FROM temp.rollup_delta',
    `INSERT INTO temp.rollup_delta ${changes.delta}`,
    'DELETE FROM temp.duration_delta',
    `INSERT INTO temp.duration_delta ${changes.durations}`,
    ...GRAINS.flatMap((g) => [
      changes.upsert(g.calls, g.ms, 'temp.rollup_delta'),
      changes.hupsert(g.durations, g.ms, 'temp.duration_delta'),
    ]),
    ...changes.cleanup,
    ...empty,
  ];
}

/** Apply the queued changes to every grain, then empty the queue: the first step of a flush. */
export const SQLITE_APPLY_QUEUE: readonly string[] = sqliteApply(QUEUED, [
  'DELETE FROM rollup_add',
  'DELETE FROM rollup_remove',
]);

/**
 * Statements rebuilding the slots of grain `g` in [@lo, @hi) (whole slots): from the records, or
 * from the next finer grain. A range, not a slot at a time: marked slots come in runs (a batch
 * spans minutes to hours), and one statement per run cost a third of what one per slot did.
 */
function rebuildSlots(g: (typeof GRAINS)[number], finer?: (typeof GRAINS)[number]): string[] {
  const key = callKey('sqlite', '', g.ms);
  const hkey = durationKey('sqlite', '', g.ms);
  const range = 't >= @lo AND t < @hi';
  const clear = [`DELETE FROM ${g.calls} WHERE ${range}`, `DELETE FROM ${g.durations} WHERE ${range}`];
  if (finer === undefined) {
    const inRange = 'first_at >= @lo AND first_at < @hi';
    return [
      ...clear,
      `INSERT INTO ${g.calls} ${recordGroups('sqlite', g.ms, `${inRange} AND ${inRollup('')}`)}`,
      `INSERT INTO ${g.calls} SELECT ${collapsed(names(key))}, ${SUM_NAMES.map((c) => `SUM(${c})`).join(', ')},
        MIN(dur_min), MAX(dur_max) FROM ${g.calls} WHERE ${range} GROUP BY ${positions(key)}`,
      `INSERT INTO ${g.durations} ${recordBuckets('sqlite', g.ms, `${inRange} AND ${inHistogram('')}`)}`,
      `INSERT INTO ${g.durations} SELECT ${collapsed(names(hkey))}, SUM(n) FROM ${g.durations}
        WHERE ${range} GROUP BY ${positions(hkey)}`,
    ];
  }
  // The finer rows already hold the dimension-free groups: they sum into this grain's as they are.
  const slot = (cols: string[]) => [`(t / ${g.ms}) * ${g.ms}`, ...cols.slice(1)].join(', ');
  return [
    ...clear,
    `INSERT INTO ${g.calls} SELECT ${slot(names(key))}, ${SUM_NAMES.map((c) => `SUM(${c})`).join(', ')},
      MIN(dur_min), MAX(dur_max) FROM ${finer.calls} WHERE ${range} AND n <> 0 GROUP BY ${positions(key)}`,
    `INSERT INTO ${g.durations} SELECT ${slot(names(hkey))}, SUM(n) FROM ${finer.durations}
      WHERE ${range} AND n <> 0 GROUP BY ${positions(hkey)}`,
  ];
}

/** Rebuild statements per grain, finest first, with each grain's slot width. */
export const SQLITE_REBUILD = GRAINS.map((g, i) => ({ ms: g.ms, sql: rebuildSlots(g, GRAINS[i - 1]) }));

/** The slots cleanup and retention mark; the flush rebuilds them and forgets the marks. */
export const SQLITE_DIRTY = {
  mark: 'INSERT OR IGNORE INTO rollup_dirty (t) VALUES (?)',
  /** Anything for a flush to do: marked slots or queued changes. */
  any: `SELECT EXISTS (SELECT 1 FROM rollup_dirty) OR EXISTS (SELECT 1 FROM rollup_add)
    OR EXISTS (SELECT 1 FROM rollup_remove)`,
  all: 'SELECT t FROM rollup_dirty ORDER BY t',
  /** Finished calls a 10-minute slot's rollups hold (its dimension-free rows). */
  rolled: `SELECT COALESCE(SUM(n), 0) FROM ${GRAINS[0].calls} WHERE t = ? AND direction = ${ALL}`,
  clear: 'DELETE FROM rollup_dirty',
} as const;

// --- SQLite schema 5 (as released): a queue filled by row triggers --------------------------------

function sqliteQueue(): string {
  const enqueue = (sign: number, r: 'NEW' | 'OLD') =>
    `INSERT INTO rollup_pending VALUES (${sign}, ${READ_COLUMNS.map((c) => `${r}.${c}`).join(', ')});`;
  const changed = READ_COLUMNS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  // A call that ends is added; a finished call that changes is taken out as it was and added as
  // it is; a deleted one is taken out. Active calls are not in the rollups.
  return `
    CREATE TABLE rollup_pending (sgn INTEGER NOT NULL, ${READ_COLUMNS.join(', ')});
    CREATE TRIGGER calls_rollup_insert AFTER INSERT ON calls WHEN ${inRollup('NEW.')} BEGIN
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_finish AFTER UPDATE ON calls
      WHEN OLD.status = 'active' AND ${inRollup('NEW.')} BEGIN
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_update AFTER UPDATE ON calls WHEN ${inRollup('OLD.')} AND (${changed}) BEGIN
      ${enqueue(-1, 'OLD')}
      ${enqueue(1, 'NEW')}
    END;
    CREATE TRIGGER calls_rollup_delete AFTER DELETE ON calls WHEN ${inRollup('OLD.')} BEGIN
      ${enqueue(-1, 'OLD')}
    END;`;
}

const SQLITE_CHANGES = changeStatements(
  'sqlite',
  '(SELECT * FROM rollup_pending WHERE sgn > 0)',
  '(SELECT * FROM rollup_pending WHERE sgn < 0)',
);

/** Scratch tables for the summed changes of one flush (in memory; each connection makes its own). */
export const SQLITE_SCRATCH = `
  CREATE TEMP TABLE IF NOT EXISTS rollup_delta (${SQLITE_CHANGES.keyColumns.join(', ')}, ${SUM_NAMES.join(', ')}, dur_min, dur_max);
  CREATE TEMP TABLE IF NOT EXISTS duration_delta (${SQLITE_CHANGES.durationColumns.join(', ')}, n);`;

/** Apply schema 5's queued changes, then empty the queue: run in the transaction of every write. */
const SQLITE_APPLY_PENDING: readonly string[] = sqliteApply(SQLITE_CHANGES, ['DELETE FROM rollup_pending']);

/** The SQLite migration that adds the rollups (tables, queue, triggers, backfill). */
export const SQLITE_ROLLUPS = `${tables('sqlite')}\n${sqliteQueue()}\n${backfill('sqlite')}`;

/**
 * Schema 6: the queue and its triggers go; what a writer left queued is applied first. Marked slots
 * take their place (see above).
 */
export const SQLITE_SLOT_MARKS = `${SQLITE_SCRATCH}
  ${SQLITE_APPLY_PENDING.join(';\n')};
  DROP TRIGGER calls_rollup_insert;
  DROP TRIGGER calls_rollup_finish;
  DROP TRIGGER calls_rollup_update;
  DROP TRIGGER calls_rollup_delete;
  DROP TABLE rollup_pending;
  CREATE TABLE rollup_dirty (t INTEGER PRIMARY KEY);`;

// --- PostgreSQL: statement triggers over transition tables --------------------------------------

function pgTriggers(): string {
  const body = (added: string, removed?: string) => {
    const c = changeStatements('pg', added, removed);
    // One statement per family: the 10-minute deltas once, each grain's upsert a CTE over them.
    const chain = (first: string, up: typeof c.upsert, tables: 'calls' | 'durations') => {
      const [last, ...rest] = [...GRAINS].reverse();
      const ctes = rest.map((g, i) => `g${i} AS (${up(g[tables], g.ms, 'delta')} RETURNING 1)`);
      return `WITH delta AS MATERIALIZED (${first}), ${ctes.join(', ')}
        ${up(last![tables], last!.ms, 'delta')}`;
    };
    return [chain(c.delta, c.upsert, 'calls'), chain(c.durations, c.hupsert, 'durations'), ...c.cleanup].join(
      ';\n',
    );
  };
  const fn = (name: string, added: string, removed?: string) => `
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
      ${body(added, removed)};
      RETURN NULL;
    END $fn$;`;
  // An insert adds, a delete removes: the other side is an empty set of the same shape.
  return `
    ${fn('sidetone_rollup_insert', 'new_rows')}
    ${fn('sidetone_rollup_update', 'new_rows', 'old_rows')}
    ${fn('sidetone_rollup_delete', '(SELECT * FROM old_rows WHERE false)', 'old_rows')}
    ${ROLLUP_TRIGGERS}`;
}

/** The rollup triggers on `calls` (made again when migration 4 partitions the table). */
export const ROLLUP_TRIGGERS = statementTriggers('calls', 'calls_rollup', {
  insert: 'sidetone_rollup_insert',
  update: 'sidetone_rollup_update',
  delete: 'sidetone_rollup_delete',
});

/** The PostgreSQL migration that adds the rollups (tables, triggers, backfill). */
export const PG_ROLLUPS = `${tables('pg')}\n${pgTriggers()}\n${backfill('pg')}`;

// --- Reads ---------------------------------------------------------------------------------------

/** Which rollup rows a read takes: decided in SQL from its parameters, or by the caller. */
export type RowChoice = 'either' | 'all' | 'detailed';

const param = (d: Dialect, c: string) => (d === 'pg' ? `@${c}::text` : `@${c}`);
const FILTERED = ['direction', 'trunk', 'channel'];
/** Filters on records (and on detailed rollup rows): @direction @trunk @channel (@instance). */
const filters = (d: Dialect) =>
  [...FILTERED, ...(d === 'pg' ? ['instance'] : [])]
    .map((c) => `(${param(d, c)} IS NULL OR ${c} = @${c})`)
    .join(' AND ');
/**
 * Which rollup rows a read takes: with no direction, trunk or channel filter the dimension-free
 * ones, else the detailed ones that match (`detailed` always: breakdowns need the dimensions).
 * Key columns hold filter values unchanged (no filter is a marker). `rows` fixes the choice when
 * the caller makes it before the read (SQLite, see `rollupReads`); `either` decides in SQL.
 */
function rollupFilter(d: Dialect, detailed = false, rows: RowChoice = 'either'): string {
  const matching = `direction <> ${ALL} AND ${filters(d)}`;
  if (detailed || rows === 'detailed') return matching;
  if (rows === 'all') return `direction = ${ALL}`;
  const none = FILTERED.map((c) => `${param(d, c)} IS NULL`).join(' AND ');
  const instance = d === 'pg' ? ` AND (${param(d, 'instance')} IS NULL OR instance = @instance)` : '';
  return `(CASE WHEN ${none} THEN direction = ${ALL} ELSE ${matching} END)${instance}`;
}

/**
 * PostgreSQL: the dimension-free rows of the hourly and daily tables (what every unfiltered read
 * takes) by time. The primary key leads with `t` but not the marker, so a 90-day read scanned every
 * row of the range (about five times as many) or the whole daily table; the 10-minute tables are
 * read a few slots at a time, where the key does. Reads plan with their parameters known
 * (`plan_cache_mode`), so the filter folds to `direction = marker` and matches the predicate.
 * Call rows come in the series' group order (slot, status, KPI bits): grouped as they are read,
 * without a hash table or a sort (7 days by hour: 2,400 groups).
 */
export const PG_READ_INDEXES = GRAINS.filter((g) => g.ms !== TEN_MIN_MS)
  .flatMap((g) => [
    `CREATE INDEX ${g.calls}_all ON ${g.calls} (t, status, kpi) WHERE direction = ${ALL};`,
    `CREATE INDEX ${g.durations}_all ON ${g.durations} (t) WHERE direction = ${ALL};`,
  ])
  .join('\n');

/**
 * SQLite: the dimension-free rows of the hourly and daily tables by time, covering every column an
 * unfiltered read takes, for the `all` reads (see `rollupReads`). As in PostgreSQL, a range read
 * otherwise scanned every row of its days (about 6 call rows and 13 histogram rows for each one it
 * keeps); a 90-day histogram at 10M calls took 8 ms, 2.4 with the index.
 */
export const SQLITE_READ_INDEXES = GRAINS.filter((g) => g.ms !== TEN_MIN_MS)
  .flatMap((g) => [
    `CREATE INDEX ${g.calls}_all ON ${g.calls} (t, status, kpi, ${[...SUM_NAMES, 'dur_min', 'dur_max'].join(', ')})
      WHERE direction = ${ALL};`,
    `CREATE INDEX ${g.durations}_all ON ${g.durations} (t, b, n) WHERE direction = ${ALL};`,
  ])
  .join('\n');

/** The columns of a rollup row (and of the record groups read beside them). */
const rowColumns = (d: Dialect) => [...names(callKey(d, '', HOUR_MS)), ...SUM_NAMES, 'dur_min', 'dur_max'];

/**
 * The slots of a range, as named parameters (rollup.ts `planRange`): @from @to the range; @m0 @m1
 * its whole 10-minute slots; @h0 @h1 the whole hours inside those; @d0 @d1 the whole days inside
 * those. Each finer grain covers what is left at the two ends of the coarser one. `hour` reads
 * take hours where `day` reads take days.
 */
const SLOTS = {
  day: [
    ['call_rollup_day', '@d0', '@d1', DAY_MS],
    ['call_rollup_hour', '@h0', '@d0', HOUR_MS],
    ['call_rollup_hour', '@d1', '@h1', HOUR_MS],
    ['call_rollup_10m', '@m0', '@h0', TEN_MIN_MS],
    ['call_rollup_10m', '@h1', '@m1', TEN_MIN_MS],
  ],
  hour: [
    ['call_rollup_hour', '@h0', '@h1', HOUR_MS],
    ['call_rollup_10m', '@m0', '@h0', TEN_MIN_MS],
    ['call_rollup_10m', '@h1', '@m1', TEN_MIN_MS],
  ],
} as const;

type Slot = readonly [table: string, from: string, to: string, ms: number];
/**
 * The slots of a grain as parts to read, each a table and its time condition. PostgreSQL reads
 * both ends of a table in one part: it plans every part of a read on every call (custom plans,
 * see postgres.ts), and with 13 parts instead of 19 a 7-day overview planned in 4.3 ms instead of
 * 5.2-7.7 (10M calls). SQLite keeps one range per part, which its indexes serve as ranges.
 */
function slotParts(d: Dialect, grain: 'hour' | 'day'): Array<{ table: string; ms: number; when: string }> {
  const range = ([, from, to]: Slot, c = 't') => `${c} >= ${from} AND ${c} < ${to}`;
  const slots: readonly Slot[] = SLOTS[grain];
  if (d === 'sqlite') return slots.map((s) => ({ table: s[0], ms: s[3], when: range(s) }));
  const out: Array<{ table: string; ms: number; when: string }> = [];
  for (const s of slots) {
    const same = out.find((p) => p.table === s[0]);
    if (same) same.when = `(${same.when} OR ${range(s)})`;
    else out.push({ table: s[0], ms: s[3], when: range(s) });
  }
  return out;
}
/** The minutes at both ends of a range, from the records: one part in PostgreSQL (as above). */
const EDGES = ['first_at >= @from AND first_at < @m0', 'first_at >= @m1 AND first_at < @to'];
const edgeParts = (d: Dialect, read: (where: string) => string) =>
  d === 'pg' ? [read(`(${EDGES.join(' OR ')})`)] : EDGES.map(read);

/**
 * The records read beside the rollups, grouped like rollup rows, computed once per read: the
 * minutes at both ends, and active calls (not in the rollups: they change until they end; few,
 * and indexed).
 */
function recordEdges(d: Dialect): string {
  const records = (where: string) => recordGroups(d, TEN_MIN_MS, `${where} AND ${filters(d)}`);
  return `WITH e (${rowColumns(d).join(', ')}) AS MATERIALIZED (${[
    ...edgeParts(d, records),
    records(`status = 'active' AND first_at >= @m0 AND first_at < @m1`),
  ].join('\n  UNION ALL ')})`;
}

/**
 * One aggregate over a range: `select` and `group` applied to each slot's rollup rows and to the
 * records `e` (defined before them by `recordEdges`), each part grouped where it is read (a table
 * grouped in key order needs no sort) and the parts added up by the caller (fold.ts adds rows of
 * one group).
 */
function parts(
  d: Dialect,
  grain: 'hour' | 'day',
  select: (slotMs: number) => string,
  group: string,
  opts: { detailed?: boolean; where?: string; rows?: RowChoice } = {},
): string {
  const where = opts.where ? ` AND ${opts.where}` : '';
  const out = slotParts(d, grain).map(
    ({ table, ms, when }) =>
      `SELECT ${select(ms)} FROM ${table} WHERE ${when} AND ${rollupFilter(d, opts.detailed, opts.rows)}${where}${group}`,
  );
  out.push(`SELECT ${select(TEN_MIN_MS)} FROM e WHERE true${where}${group}`);
  return out.join('\n  UNION ALL ');
}

/** Duration histogram of a range: (b, n) rows from the rollups and the records at the edges. */
function histogramSource(d: Dialect, rows: RowChoice): string {
  const rollups = slotParts(d, 'day').map(
    ({ table, when }) =>
      `SELECT b, n FROM ${table.replace('rollup', 'duration')} WHERE ${when} AND ${rollupFilter(d, false, rows)}`,
  );
  const records = (where: string) =>
    `SELECT b, n FROM (${recordBuckets(d, TEN_MIN_MS, `${where} AND ${inHistogram('')} AND ${filters(d)}`)}) x`;
  return [...rollups, ...edgeParts(d, records)].join('\n  UNION ALL ');
}

/** The columns of the `overview` read, in order (its rows are read as arrays). */
export const OVERVIEW_COLUMNS = [
  'kind',
  'start',
  'status',
  'kpi',
  'direction',
  'channel',
  'trunk',
  'failure',
  ...SUM_NAMES,
  'dur_min',
  'dur_max',
] as const;

/**
 * The analytics reads over rollups and records; their rows are what fold.ts folds (several rows
 * of one group are added up). Few rows and columns leave the database: turning a row value into a
 * JS value costs more than adding it up in SQL. `rows` says which rollup rows the reads take
 * (`rollupFilter`): SQLite prepares an `all` set for unfiltered reads, which its partial indexes
 * serve (SQLITE_READ_INDEXES), and a `detailed` set for filtered ones, and picks per read; it
 * cannot use an index for a choice made in SQL.
 */
export function rollupReads(d: Dialect, rows: RowChoice = 'either') {
  const sums = `${SUM_NAMES.map((c) => `SUM(${c}) AS ${c}`).join(', ')}, MIN(dur_min) AS dur_min, MAX(dur_max) AS dur_max`;
  const start = (bucketMs: number, slotMs: number) =>
    slotMs === bucketMs ? 't' : `(t / ${bucketMs}) * ${bucketMs}`;
  // Each read as its parts over the records `e`: alone, or three together in `overview`.
  const seriesParts = (bucket: 'hour' | 'day') => {
    const ms = bucket === 'hour' ? HOUR_MS : DAY_MS;
    return parts(
      d,
      bucket,
      (slot) =>
        `${start(ms, slot)} AS start, status, kpi, SUM(n) AS n, SUM(dur_count) AS dur_count, SUM(dur_sum) AS dur_sum`,
      ' GROUP BY 1, status, kpi HAVING SUM(n) <> 0',
      { rows },
    );
  };
  const statsParts = parts(d, 'day', () => `status, kpi, ${sums}`, ' GROUP BY status, kpi', { rows });
  const breakdownParts = parts(
    d,
    'day',
    () =>
      `${undim('direction')} AS direction, ${undim('channel')} AS channel, ${undim('trunk')} AS trunk,
        ${undim('failure')} AS failure, SUM(n) AS n`,
    ' GROUP BY direction, channel, trunk, failure HAVING SUM(n) <> 0',
    { detailed: true },
  );
  /**
   * Stats, breakdown and series in one statement (PostgreSQL's overview; SQLite runs the three
   * reads on its one connection), rows told apart by `kind` (0, 1, 2; the columns of the other
   * kinds NULL): one round trip instead of three, and the records at the edges (`e`, with the scan
   * for active calls over the whole range) read once instead of three times. The series rows
   * come unordered.
   */
  const overview = (bucket: 'hour' | 'day') => {
    const row = (kind: number, from: string, keep: readonly string[]) =>
      `SELECT ${kind} AS kind, ${OVERVIEW_COLUMNS.slice(1)
        .map((c) => (keep.includes(c) ? c : c === 'start' ? 'CAST(NULL AS BIGINT) AS start' : `NULL AS ${c}`))
        .join(', ')} FROM (${from}) p${kind}`;
    return `${recordEdges(d)}
      ${row(0, statsParts, ['status', 'kpi', ...SUM_NAMES, 'dur_min', 'dur_max'])}
      UNION ALL ${row(1, breakdownParts, ['direction', 'channel', 'trunk', 'failure', 'n'])}
      UNION ALL ${row(2, seriesParts(bucket), ['start', 'status', 'kpi', 'n', 'dur_count', 'dur_sum'])}`;
  };
  return {
    stats: `${recordEdges(d)} ${statsParts}`,
    breakdown: `${recordEdges(d)} ${breakdownParts}`,
    seriesHour: `${recordEdges(d)} ${seriesParts('hour')} ORDER BY 1`,
    seriesDay: `${recordEdges(d)} ${seriesParts('day')} ORDER BY 1`,
    overviewHour: overview('hour'),
    overviewDay: overview('day'),
    /** Exact shortest and longest answered duration: the ends of the percentile estimate. */
    bounds: `${recordEdges(d)} ${parts(d, 'day', () => 'MIN(dur_min) AS lo, MAX(dur_max) AS hi', '', {
      where: `status <> 'active' AND (kpi & ${ANSWERED}) <> 0`,
      rows,
    })}`,
    histogram: `SELECT b, SUM(n) AS n FROM (${histogramSource(d, rows)}) h GROUP BY b HAVING SUM(n) <> 0 ORDER BY b`,
    /** Is anything filed at or after @to? If not, the slots holding @to hold nothing later. */
    after: 'SELECT EXISTS (SELECT 1 FROM calls WHERE first_at >= @to) AS later',
  };
}

/**
 * Named `@params` as PostgreSQL's `$1, $2, ...`: the text and the names in parameter order.
 * @example
 * positional('a = @x AND b = @y OR @x IS NULL'); // { text: 'a = $1 AND b = $2 OR $1 IS NULL', names: ['x', 'y'] }
 */
export function positional(sql: string): { text: string; names: string[] } {
  const order: string[] = [];
  const text = sql.replace(/@([a-z][a-z0-9_]*)/g, (_, name: string) => {
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return { text, names: order };
}
