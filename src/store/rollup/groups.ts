/**
 * The rollups' shape (rollup/sql.ts): the grains, the group key of a call, the sums a group keeps,
 * the tables, and the records grouped the same way (the backfill and the record side of reads).
 * One definition of a call's contribution here builds every other part.
 */
import { KPI_FLAG } from '../records/derive.js';

export type Dialect = 'sqlite' | 'pg';

export const TEN_MIN_MS = 600_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Rollup tables with the width of their time slot, finest first. */
export const GRAINS = [
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
export const ALL = "'\u0002'";
export const DIMS = ['direction', 'channel', 'trunk', 'failure'];
/** Columns with the dimensions replaced by the ALL marker. */
export const collapsed = (cols: readonly string[]) =>
  cols.map((c) => (DIMS.includes(c) ? `${ALL} AS ${c}` : c)).join(', ');
/** Back from a key column to the record's value. */
export const undim = (c: string) => `NULLIF(${c}, ${NONE})`;

export const ANSWERED = KPI_FLAG.answered;
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
export const SUMS: ReadonlyArray<[string, Expr, 'int' | 'real']> = [
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
export const SUM_NAMES = SUMS.map(([c]) => c);

export type Key = Array<[string, string]>;

/** The key of a record's group in a table of slot width `ms`. */
export function callKey(d: Dialect, r: string, ms: number): Key {
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
export function durationKey(d: Dialect, r: string, ms: number): Key {
  const dims = callKey(d, r, ms).filter(([c]) =>
    ['t', 'instance', 'direction', 'channel', 'trunk'].includes(c),
  );
  return [...dims, ['b', bucketExpr(d, `${r}duration_ms`)]];
}
/** Who is in a table: finished calls; the histogram holds answered ones with a duration. */
export const inRollup = (r: string) => `${r}status <> 'active'`;
export const inHistogram = (r: string) =>
  `${r}status <> 'active' AND (${r}kpi & ${ANSWERED}) <> 0 AND ${r}duration_ms IS NOT NULL`;

export const names = (key: Key) => key.map(([c]) => c);
export const aliased = (key: Key) => key.map(([c, e]) => `${e} AS ${c}`).join(', ');
export const positions = (key: Key) => key.map((_, i) => i + 1).join(', ');

/** The columns of a record the rollups read: an update that changes none leaves them alone. */
export const READ_COLUMNS = [
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

export function tables(d: Dialect): string {
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
export function backfill(d: Dialect): string {
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

/** Records grouped like a rollup table of slot `ms` (backfill, and the record side of reads). */
export function recordGroups(d: Dialect, ms: number, where: string): string {
  const key = callKey(d, '', ms);
  return `SELECT ${aliased(key)}, ${SUMS.map(([c, e]) => `SUM(${e('')}) AS ${c}`).join(', ')},
      MIN(duration_ms) AS dur_min, MAX(duration_ms) AS dur_max
    FROM calls WHERE ${where} GROUP BY ${positions(key)}`;
}
export function recordBuckets(d: Dialect, ms: number, where: string): string {
  const key = durationKey(d, '', ms);
  return `SELECT ${aliased(key)}, COUNT(*) AS n FROM calls WHERE ${where} GROUP BY ${positions(key)}`;
}
