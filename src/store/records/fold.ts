/**
 * Backend-neutral folding of grouped aggregate rows into {@link CallStats} and {@link SeriesRow}s.
 * A backend runs one `GROUP BY status, kpi` (or `bucket, status, answered`) query; the few groups
 * come back here, so the KPI bookkeeping is written once for SQLite and PostgreSQL alike.
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

export interface SeriesGroup {
  start: number;
  status: CallStatus;
  /** KPI flags (at least {@link KPI_FLAG.answered}). */
  kpi: number;
  n: number;
  dur_count: number;
  dur_sum: number;
}

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

/**
 * Add `n` calls with KPI bits `kpi` to `c`; false when they are not attempts (active, or a
 * challenge). The one reading of the classifier's bits, for stats and series alike.
 */
export function addKpi(c: KpiCounts, kpi: number, n: number): boolean {
  const has = (flag: number) => (kpi & flag) !== 0;
  if (!has(KPI_FLAG.seizure)) return false;
  c.attempts += n;
  const answered = has(KPI_FLAG.answered);
  if (answered) c.answered += n;
  if (answered || has(KPI_FLAG.nerCause)) c.networkEffective += n;
  if (has(KPI_FLAG.sip)) {
    c.sipAttempts += n;
    if (has(KPI_FLAG.sipRedirected)) c.sipRedirected += n;
    if (has(KPI_FLAG.sipAnswered)) c.sipAnswered += n;
    if (has(KPI_FLAG.sipEffective)) c.sipEffective += n;
    if (has(KPI_FLAG.sipIneffective)) c.sipIneffective += n;
  }
  return true;
}

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

/** Fold `(bucket, status, answered)` groups, ordered by bucket, into one row per non-empty bucket. */
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
    const n = num(g.n);
    cur.total += n;
    cur.byStatus[g.status] += n;
    if (g.status === 'active') continue;
    addKpi(cur.kpi, num(g.kpi), n);
    if ((num(g.kpi) & KPI_FLAG.answered) !== 0 && (num(g.kpi) & KPI_FLAG.seizure) !== 0) {
      cur.answered += n;
      cur.durationCount += num(g.dur_count);
      cur.durationMsSum += num(g.dur_sum);
    }
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
