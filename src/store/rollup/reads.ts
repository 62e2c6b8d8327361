/**
 * The rollup reads (rollup/sql.ts): whole days, hours and 10-minute slots from the rollups, the
 * minutes at the edges and the active calls from the records, in one statement per read.
 */

import { SERIES_SUMS } from '../records/fold.js';
import {
  ALL,
  ANSWERED,
  callKey,
  DAY_MS,
  type Dialect,
  GRAINS,
  HOUR_MS,
  inHistogram,
  names,
  recordBuckets,
  recordGroups,
  SUM_NAMES,
  TEN_MIN_MS,
  undim,
} from './groups.js';

// --- Reads ---------------------------------------------------------------------------------------

/** Which rollup rows a read takes: decided in SQL from its parameters, or by the caller. */
export type RowChoice = 'either' | 'all' | 'detailed';

const param = (d: Dialect, c: string) => (d === 'pg' ? `@${c}::text` : `@${c}`);
const FILTERED = ['direction', 'trunk', 'channel'];
/** Filters on records (and on detailed rollup rows): @direction @trunk @channel (@instance). */
export const filters = (d: Dialect) =>
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
 * Call rows come in slot order, as the series group them.
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
 * The slots of a range, as named parameters (rollup/plan.ts `planRange`): @from @to the range; @m0 @m1
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
 * see postgres/store.ts), and with 13 parts instead of 19 a 7-day overview planned in 4.3 ms instead of
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
 * grouped in key order needs no sort) and the parts added up by the caller (records/fold.ts adds rows of
 * one group).
 */
export function parts(
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

/** A series bucket's sums (records/fold.ts SERIES_SUMS) over its rollup rows and records. */
const SERIES_SELECT = SERIES_SUMS.map(({ column, of, status, kpi }) => {
  const when = [
    ...(status === undefined ? [] : [`status = '${status}'`]),
    ...(kpi === undefined ? [] : [`status <> 'active'`, `(kpi & ${kpi.all}) = ${kpi.all}`]),
    ...(kpi?.any === undefined ? [] : [`(kpi & ${kpi.any}) <> 0`]),
  ];
  return `COALESCE(SUM(${of})${when.length === 0 ? '' : ` FILTER (WHERE ${when.join(' AND ')})`}, 0) AS ${column}`;
}).join(', ');
const SERIES_COLUMNS = SERIES_SUMS.map((s) => s.column);
const SERIES_ONLY = SERIES_COLUMNS.filter((c) => !SUM_NAMES.includes(c));

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
  ...SERIES_ONLY,
];

/**
 * The analytics reads over rollups and records; their rows are what records/fold.ts folds (several rows
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
  // Every part's rows, summed into a row per bucket once (records/fold.ts SERIES_SUMS): grouping
  // each part first by status and KPI bits, as the other reads do, cost more than the sums.
  const series = (bucket: 'hour' | 'day') => {
    const ms = bucket === 'hour' ? HOUR_MS : DAY_MS;
    const select = (slot: number) => `${start(ms, slot)} AS start, status, kpi, n, dur_count, dur_sum`;
    const every = parts(d, bucket, select, '', { rows });
    return `SELECT start, ${SERIES_SELECT} FROM (${every}) r GROUP BY start HAVING SUM(n) <> 0`;
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
    // The columns only the series rows (the last kind) carry are typed where they are NULL: the
    // first two kinds are matched first, and a column NULL in both would be taken as text.
    const none = (c: string) =>
      c === 'start' ? 'CAST(NULL AS BIGINT)' : SERIES_ONLY.includes(c) ? 'CAST(NULL AS NUMERIC)' : 'NULL';
    const row = (kind: number, from: string, keep: readonly string[]) =>
      `SELECT ${kind} AS kind, ${OVERVIEW_COLUMNS.slice(1)
        .map((c) => (keep.includes(c) ? c : `${none(c)} AS ${c}`))
        .join(', ')} FROM (${from}) p${kind}`;
    return `${recordEdges(d)}
      ${row(0, statsParts, ['status', 'kpi', ...SUM_NAMES, 'dur_min', 'dur_max'])}
      UNION ALL ${row(1, breakdownParts, ['direction', 'channel', 'trunk', 'failure', 'n'])}
      UNION ALL ${row(2, series(bucket), ['start', ...SERIES_COLUMNS])}`;
  };
  return {
    stats: `${recordEdges(d)} ${statsParts}`,
    breakdown: `${recordEdges(d)} ${breakdownParts}`,
    seriesHour: `${recordEdges(d)} ${series('hour')} ORDER BY 1`,
    seriesDay: `${recordEdges(d)} ${series('day')} ORDER BY 1`,
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
