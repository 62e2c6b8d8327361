/**
 * Backend-neutral folding of grouped aggregate rows into {@link CallStats} and {@link SeriesRow}s.
 * A backend runs one `GROUP BY status, kpi` query (a series: one row per bucket, its sums taken
 * with {@link KPI_COUNTS} in SQL); the few groups come back here, so the KPI bookkeeping is
 * written once for SQLite and PostgreSQL alike.
 */
import { CALL_OUTCOMES } from '../../domain/labels.js';
import { CALL_STATUSES, type CallStatus } from '../../domain/records.js';
import type { CallBreakdown, CallOverview, CallStats, KpiCounts, SeriesRow } from '../types.js';
import { KPI_FLAG, outcomeOfBits } from './derive.js';

/** One `(status, kpi)` group. Sums are over the group's non-null values. */
export interface StatsGroup {
  status: CallStatus;
  kpi: number;
  n: number;
  talk_count: number;
  talk_sum: number;
  pdd_count: number;
  pdd_sum: number;
  dur_count: number;
  dur_sum: number;
  dur_min: number | null;
  dur_max: number | null;
  transcripts: number;
  media_count: number;
  mos_sum: number;
  jitter_sum: number;
  loss_sum: number;
}

/**
 * One bucket of a series read, summed in SQL ({@link SERIES_SUMS}) over every part (rollups and
 * records at the edges) together: one row per bucket, not one per status and KPI bits.
 */
export type SeriesGroup = { start: number } & Record<SeriesColumn, number>;

/** One group of the overview query: a stats group further split by bucket and dimensions. */
export interface OverviewGroup extends StatsGroup {
  start: number;
  direction: string | null;
  channel: string | null;
  trunk: string | null;
  /** Effective reason of a finished call that did not complete, else null. */
  failure: string | null;
}

export const zeroKpiCounts = (): KpiCounts => ({
  attempts: 0,
  answered: 0,
  networkEffective: 0,
  sipAttempts: 0,
  sipRedirected: 0,
  sipAnswered: 0,
  sipEffective: 0,
  sipIneffective: 0,
});

type KpiMatch = { all: number; any?: number };
/** Answered attempts: the talk of a series bucket is theirs. */
const ANSWERED_CALLS: KpiMatch = { all: KPI_FLAG.seizure | KPI_FLAG.answered };
/**
 * Which calls each KPI count takes: those whose bits hold every flag of `all` and, when given, one
 * of `any` (the classifier set the bits: records/derive.ts). Each count is of attempts (the
 * seizure bit: ended, not a 401/407 challenge), and an active call has no outcome yet, so none
 * counts it. The one reading of the bits: `addKpi` folds with it, and the series reads sum with it
 * in SQL (`SERIES_SUMS`).
 */
export const KPI_COUNTS: ReadonlyArray<{ key: keyof KpiCounts } & KpiMatch> = [
  { key: 'attempts', all: KPI_FLAG.seizure },
  { key: 'answered', ...ANSWERED_CALLS },
  { key: 'networkEffective', all: KPI_FLAG.seizure, any: KPI_FLAG.answered | KPI_FLAG.nerCause },
  { key: 'sipAttempts', all: KPI_FLAG.seizure | KPI_FLAG.sip },
  { key: 'sipRedirected', all: KPI_FLAG.seizure | KPI_FLAG.sip | KPI_FLAG.sipRedirected },
  { key: 'sipAnswered', all: KPI_FLAG.seizure | KPI_FLAG.sip | KPI_FLAG.sipAnswered },
  { key: 'sipEffective', all: KPI_FLAG.seizure | KPI_FLAG.sip | KPI_FLAG.sipEffective },
  { key: 'sipIneffective', all: KPI_FLAG.seizure | KPI_FLAG.sip | KPI_FLAG.sipIneffective },
];
const matches = (kpi: number, { all, any }: KpiMatch) =>
  (kpi & all) === all && (any === undefined || (kpi & any) !== 0);

/**
 * Add `n` calls with KPI bits `kpi` to `c`; false when they are not attempts (active, or a
 * challenge).
 */
export function addKpi(c: KpiCounts, kpi: number, n: number): boolean {
  if ((kpi & KPI_FLAG.seizure) === 0) return false;
  for (const k of KPI_COUNTS) if (matches(kpi, k)) c[k.key] += n;
  return true;
}

/** A sum of a series bucket: `of` over its calls of `status`, or those `kpi` takes (never active). */
export interface SeriesSum {
  column: string;
  of: 'n' | 'dur_count' | 'dur_sum';
  status?: CallStatus;
  kpi?: KpiMatch;
}
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const STATUS_COLUMNS = CALL_STATUSES.map((status) => ({ status, column: `st_${status}` as const }));
const KPI_COLUMNS = KPI_COUNTS.map((k) => ({ ...k, column: `kpi_${snake(k.key)}` as const }));
/**
 * What a series bucket needs of its calls ({@link SeriesRow}), summed where the rows are read. A
 * bucket's calls come in a dozen and more `(status, KPI bits)` groups (an outcome each): read
 * as such, 7 days by hour were 2,613 rows of PostgreSQL's overview read, and turning them into JS
 * values took 21-22 ms of the sidecar's CPU per 7-day dashboard; a row per bucket, 12-14 ms
 * (10M calls, bench/rollup.bench.mjs's store, 2026-11-29).
 */
export const SERIES_SUMS: readonly SeriesSum[] = [
  { column: 'n', of: 'n' },
  ...STATUS_COLUMNS.map(({ status, column }) => ({ column, of: 'n' as const, status })),
  ...KPI_COLUMNS.map(({ column, all, any }) => ({ column, of: 'n' as const, kpi: { all, any } })),
  { column: 'dur_count', of: 'dur_count', kpi: ANSWERED_CALLS },
  { column: 'dur_sum', of: 'dur_sum', kpi: ANSWERED_CALLS },
];
export type SeriesColumn = 'n' | 'dur_count' | 'dur_sum' | `st_${CallStatus}` | `kpi_${string}`;

export const zeroStatusCounts = (): Record<CallStatus, number> =>
  Object.fromEntries(CALL_STATUSES.map((s) => [s, 0])) as Record<CallStatus, number>;

const num = (v: unknown) => Number(v ?? 0);

/**
 * Sum `(status, kpi)` groups into {@link CallStats}.
 *
 * @example
 * ```ts
 * // a backend runs: SELECT status, kpi, COUNT(*) AS n, ... FROM calls WHERE ... GROUP BY status, kpi
 * const stats = foldCallStats(rows);
 * ```
 */
export function foldCallStats(groups: readonly StatsGroup[]): CallStats {
  const st: CallStats = {
    total: 0,
    finished: 0,
    active: 0,
    byStatus: zeroStatusCounts(),
    byOutcome: Object.fromEntries(CALL_OUTCOMES.map((o) => [o, 0])) as CallStats['byOutcome'],
    answered: 0,
    networkEffective: 0,
    sipAttempts: 0,
    sipRedirected: 0,
    sipAnswered: 0,
    sipEffective: 0,
    sipIneffective: 0,
    talkCount: 0,
    talkMsSum: 0,
    pddCount: 0,
    pddMsSum: 0,
    durationCount: 0,
    durationMsSum: 0,
    durationMinMs: null,
    durationMaxMs: null,
    transcripts: 0,
    mediaCount: 0,
    mosAvg: null,
    jitterMsAvg: null,
    lossPercentAvg: null,
  };
  let mos = 0;
  let jitter = 0;
  let loss = 0;
  for (const g of groups) {
    const n = num(g.n);
    const has = (flag: number) => (g.kpi & flag) !== 0;
    st.total += n;
    st.byStatus[g.status] += n;
    st.talkCount += num(g.talk_count);
    st.talkMsSum += num(g.talk_sum);
    st.pddCount += num(g.pdd_count);
    st.pddMsSum += num(g.pdd_sum);
    st.mediaCount += num(g.media_count);
    // Every call with a transcript, whatever its status (the voice-skill counts them so).
    st.transcripts += num(g.transcripts);
    mos += num(g.mos_sum);
    jitter += num(g.jitter_sum);
    loss += num(g.loss_sum);
    // KPIs count attempts with an outcome; an active call has none yet, and a 401/407 challenge
    // is not an attempt (RFC 6076). The classifier put both facts in the KPI bits.
    const outcome = outcomeOfBits(num(g.kpi));
    if (outcome !== null) st.byOutcome[outcome] += n;
    if (g.status === 'active') continue;
    const k = zeroKpiCounts();
    if (!addKpi(k, num(g.kpi), n)) continue;
    st.finished += k.attempts;
    st.networkEffective += k.networkEffective;
    st.sipAttempts += k.sipAttempts;
    st.sipRedirected += k.sipRedirected;
    st.sipAnswered += k.sipAnswered;
    st.sipEffective += k.sipEffective;
    st.sipIneffective += k.sipIneffective;
    if (has(KPI_FLAG.answered)) {
      st.answered += n;
      st.durationCount += num(g.dur_count);
      st.durationMsSum += num(g.dur_sum);
      if (g.dur_min !== null && (st.durationMinMs === null || g.dur_min < st.durationMinMs)) {
        st.durationMinMs = g.dur_min;
      }
      if (g.dur_max !== null && (st.durationMaxMs === null || g.dur_max > st.durationMaxMs)) {
        st.durationMaxMs = g.dur_max;
      }
    }
  }
  st.active = st.byStatus.active;
  if (st.mediaCount > 0) {
    st.mosAvg = mos / st.mediaCount;
    st.jitterMsAvg = jitter / st.mediaCount;
    st.lossPercentAvg = loss / st.mediaCount;
  }
  return st;
}

/** Fold bucket rows ({@link SERIES_SUMS}), ordered by bucket, into one row per non-empty bucket. */
export function foldSeries(groups: readonly SeriesGroup[]): SeriesRow[] {
  const out: SeriesRow[] = [];
  let cur: SeriesRow | undefined;
  for (const g of groups) {
    const start = num(g.start);
    if (!cur || cur.start !== start) {
      cur = {
        start,
        total: 0,
        byStatus: zeroStatusCounts(),
        kpi: zeroKpiCounts(),
        answered: 0,
        durationCount: 0,
        durationMsSum: 0,
      };
      out.push(cur);
    }
    cur.total += num(g.n);
    for (const { status, column } of STATUS_COLUMNS) cur.byStatus[status] += num(g[column]);
    for (const { key, column } of KPI_COLUMNS) cur.kpi[key] += num(g[column]);
    cur.answered = cur.kpi.answered;
    cur.durationCount += num(g.dur_count);
    cur.durationMsSum += num(g.dur_sum);
  }
  return out;
}

/** Counts by direction, channel, trunk and failure reason; a missing value counts as `unknown`. */
export function foldBreakdown(
  groups: ReadonlyArray<Pick<OverviewGroup, 'direction' | 'channel' | 'trunk' | 'failure' | 'n'>>,
): CallBreakdown {
  const out: CallBreakdown = { byDirection: {}, byChannel: {}, byTrunk: {}, byFailureReason: {} };
  const add = (m: Record<string, number>, k: string, n: number) => {
    m[k] = (m[k] ?? 0) + n;
  };
  for (const g of groups) {
    const n = num(g.n);
    add(out.byDirection, g.direction ?? 'unknown', n);
    add(out.byChannel, g.channel ?? 'unknown', n);
    add(out.byTrunk, g.trunk ?? 'unknown', n);
    if (g.failure !== null) add(out.byFailureReason, g.failure, n);
  }
  return out;
}

/** Fold the three reads of an overview: stats groups, breakdown groups, series groups (by bucket). */
export function foldOverview(
  stats: readonly StatsGroup[],
  breakdown: ReadonlyArray<Pick<OverviewGroup, 'direction' | 'channel' | 'trunk' | 'failure' | 'n'>>,
  series: readonly SeriesGroup[],
): CallOverview {
  return { stats: foldCallStats(stats), breakdown: foldBreakdown(breakdown), series: foldSeries(series) };
}
