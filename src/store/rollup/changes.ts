/**
 * Applying changes to the rollups (rollup/sql.ts): the change statements both backends build from
 * one definition, retention's prune, and SQLite's queue, flush and slot rebuild.
 */
import {
  ALL,
  aliased,
  callKey,
  collapsed,
  DIMS,
  type Dialect,
  durationKey,
  GRAINS,
  inHistogram,
  inRollup,
  type Key,
  names,
  positions,
  READ_COLUMNS,
  recordBuckets,
  recordGroups,
  SUM_NAMES,
  SUMS,
  TEN_MIN_MS,
} from './groups.js';

// --- Applying a batch's changes ----------------------------------------------------------------

/** A bound after an upsert: the stored or the added one, whichever is further out; NULL is none yet. */
export const keep = (c: string, op: '<' | '>') =>
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
export function changeStatements(d: Dialect, added: string, removed: string | undefined) {
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
export function sqliteApply(
  changes: ReturnType<typeof changeStatements>,
  empty: readonly string[],
): string[] {
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
function rebuildSlots(
  g: (typeof GRAINS)[number],
  finer?: (typeof GRAINS)[number],
  d: Dialect = 'sqlite',
  inRange = 'first_at >= @lo AND first_at < @hi',
): string[] {
  const key = callKey(d, '', g.ms);
  const hkey = durationKey(d, '', g.ms);
  const range = 't >= @lo AND t < @hi';
  const clear = [`DELETE FROM ${g.calls} WHERE ${range}`, `DELETE FROM ${g.durations} WHERE ${range}`];
  if (finer === undefined) {
    return [
      ...clear,
      `INSERT INTO ${g.calls} ${recordGroups(d, g.ms, `${inRange} AND ${inRollup('')}`)}`,
      `INSERT INTO ${g.calls} SELECT ${collapsed(names(key))}, ${SUM_NAMES.map((c) => `SUM(${c})`).join(', ')},
        MIN(dur_min), MAX(dur_max) FROM ${g.calls} WHERE ${range} GROUP BY ${positions(key)}`,
      `INSERT INTO ${g.durations} ${recordBuckets(d, g.ms, `${inRange} AND ${inHistogram('')}`)}`,
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

/**
 * PostgreSQL's rebuild statements per grain, as SQLite's (named `@lo @hi`, see reads.ts
 * `positional`): the background build of missing rollups (rollup/build.ts) runs them a slice at a
 * time. `inRange` bounds the records read, so that a slice plans over the partitions that can hold them.
 */
export const pgRebuild = (inRange: string) =>
  GRAINS.map((g, i) => ({ ms: g.ms, sql: rebuildSlots(g, GRAINS[i - 1], 'pg', inRange) }));

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
  /** The 10-minute rows of [@lo, @hi) emptied, then the slots with records there marked (rollup/build.ts). */
  clearRange: [GRAINS[0].calls, GRAINS[0].durations].map(
    (t) => `DELETE FROM ${t} WHERE t >= @lo AND t < @hi`,
  ),
  markRange: `INSERT OR IGNORE INTO rollup_dirty (t) SELECT DISTINCT (first_at / ${TEN_MIN_MS}) * ${TEN_MIN_MS}
    FROM calls WHERE first_at >= @lo AND first_at < @hi`,
} as const;
