/** The dashboard for a period: totals with deltas, KPIs, breakdowns, duration stats, series. */

import type { CallStatus } from '../domain/records.js';
import type { Bucket, CallQuery, CallStats, CallStore } from '../store/types.js';
import { checkRange } from '../store/validate.js';
import {
  type EndToEndKpis,
  endToEndKpis,
  KPI_DEFINITIONS,
  type Kpis,
  kpisFromStats,
  percent,
  round,
} from './kpi.js';
import type { VoiceView } from './problems.js';
import { bucketCount, fillSeries, type SeriesPoint, seriesFor } from './series.js';
import { type VoiceSkillDashboard, voiceSkillDashboard } from './voice-skill.js';

/** A total now, the same total over the previous period of equal length, and the change. */
export interface Delta {
  value: number;
  previous: number;
  delta: number;
  /** Change relative to `previous`, %; null when `previous` is 0. */
  deltaPercent: number | null;
}

/**
 * The dashboard: sidetone's fields, and the openai-voice-skill guide's keys (`generated_at`,
 * `summary`, `breakdown`, `transcript`, `timeseries`, `period.start`/`end`, `duration.total_seconds`)
 * with the guide's meaning (see voice-skill.ts).
 */
export interface Dashboard extends VoiceSkillDashboard {
  /** Epoch ms (`from`, `to`), and the same as ISO 8601 (`start`, `end`: the guide's keys). */
  period: { from: number; to: number; start: string; end: string };
  /** The period of equal length just before `period`. */
  previousPeriod: { from: number; to: number };
  totals: {
    calls: Delta;
    completed: Delta;
    /** Finished calls that did not complete (failed, busy, no answer, cancelled, timeout). */
    failed: Delta;
    answered: Delta;
    active: Delta;
    /** Sum of talk time, minutes (rounded to 0.01). */
    talkMinutes: Delta;
  };
  kpis: Kpis;
  previousKpis: Kpis;
  byStatus: Record<CallStatus, number>;
  byDirection: Record<string, number>;
  byChannel: Record<string, number>;
  byTrunk: Record<string, number>;
  byFailureReason: Record<string, number>;
  /**
   * Start-to-end duration of answered calls, seconds. Percentiles interpolate (`percentile_cont`):
   * exact up to the store's `exactPercentilesUpTo` answered calls (10,000), beyond that from the
   * rollup histogram within 9.05 % (docs/deploy.md, Rollups).
   */
  duration: {
    count: number;
    avg: number | null;
    min: number | null;
    max: number | null;
    p50: number | null;
    p95: number | null;
    p99: number | null;
    /** Sum of those durations, s (rounded to 1 s). */
    total_seconds: number;
  };
  media: { count: number; mosAvg: number | null; jitterMsAvg: number | null; lossPercentAvg: number | null };
  transcriptRate: number | null;
  bucket: Bucket;
  series: SeriesPoint[];
  /** How each KPI is computed. */
  definitions: typeof KPI_DEFINITIONS;
  /**
   * The period's end-to-end calls (issue 53: a B2BUA's legs linked by `hep.leg_correlation`), each
   * counted once with the outcome decided for it, beside `kpis`, which count every leg. Absent when
   * no leg of the period has an end-to-end id (no correlation configured: the dashboard is what it
   * was), and for a dashboard narrowed to a trunk, direction, channel or instance (legs differ in
   * those: a B2BUA's A leg is inbound, its B leg outbound on another trunk).
   */
  endToEnd?: EndToEndKpis;
  /**
   * The voice agents over the voice alerts' windows, from a running sidecar's registry (its
   * `/metrics/dashboard` adds them, as its console shows them); absent from a store alone.
   */
  voice?: VoiceView;
}

export interface DashboardOptions extends CallQuery {
  /** Series bucket; default `hour` for periods up to 7 days, else `day`. */
  bucket?: Bucket;
}

function delta(value: number, previous: number): Delta {
  return {
    value,
    previous,
    delta: round(value - previous, 2),
    deltaPercent: percent(value - previous, previous),
  };
}

const failed = (s: CallStats) => s.finished - s.byStatus.completed;
const talkMinutes = (s: CallStats) => round(s.talkMsSum / 60_000, 2);
const seconds = (ms: number | null) => (ms === null ? null : round(ms / 1000, 3));
const iso = (ms: number) => new Date(ms).toISOString();
const opt = (x: number | null | undefined) => (x === null || x === undefined ? null : round(x, 3));

/**
 * Everything the dashboard shows for `[from, to)`, computed by the store in SQL.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * const d = await dashboard(store, { from: now - 86_400_000, to: now });
 * d.totals.calls; // { value: 1200, previous: 1100, delta: 100, deltaPercent: 9.09 }
 * d.kpis.asr;     // 61.5 (null when there were no finished calls)
 * ```
 */
export async function dashboard(store: CallStore, opts: DashboardOptions): Promise<Dashboard> {
  checkRange(opts, 'ST_ANALYTICS_INVALID_RANGE');
  const { bucket: wanted, ...q } = opts;
  const span = q.to - q.from;
  const bucket: Bucket = wanted ?? (span <= 7 * 86_400_000 ? 'hour' : 'day');
  const prev = { ...q, from: q.from - span, to: q.from };
  bucketCount(q, bucket); // refuse an oversized series before querying
  // Three reads: the period (stats, breakdowns and series together), the previous period, and the
  // duration percentiles. Each takes whole hours and days from the rollups.
  // The guide's hourly series is the period's when it is bucketed by hour, else the last 24 hours.
  const lastDay = { ...q, from: Math.max(q.from, q.to - 86_400_000) };
  const whole =
    q.trunk === undefined && q.direction === undefined && q.channel === undefined && q.instance === undefined;
  const [overview, before, pct, activeNow, hours, e2e] = await Promise.all([
    store.overview(q, bucket),
    store.stats(prev),
    store.durationPercentiles(q, [0.5, 0.95, 0.99]),
    store.countActiveSince(q.to),
    bucket === 'hour' ? undefined : seriesFor(store, lastDay, 'hour'),
    whole ? store.endToEndStats(q) : undefined,
  ]);
  const { stats: cur, breakdown } = overview;
  const series = fillSeries(overview.series, q, bucket);
  const kpis = kpisFromStats(cur);
  return {
    ...voiceSkillDashboard({
      now: q.to,
      cur,
      prev: before,
      activeNow,
      byDirection: breakdown.byDirection,
      byFailureReason: breakdown.byFailureReason,
      hourly: hours ?? series,
    }),
    period: { from: q.from, to: q.to, start: iso(q.from), end: iso(q.to) },
    previousPeriod: { from: prev.from, to: prev.to },
    totals: {
      calls: delta(cur.total, before.total),
      completed: delta(cur.byStatus.completed, before.byStatus.completed),
      failed: delta(failed(cur), failed(before)),
      answered: delta(cur.answered, before.answered),
      active: delta(cur.active, before.active),
      talkMinutes: delta(talkMinutes(cur), talkMinutes(before)),
    },
    kpis,
    previousKpis: kpisFromStats(before),
    byStatus: cur.byStatus,
    ...breakdown,
    duration: {
      count: cur.durationCount,
      avg: cur.durationCount > 0 ? seconds(cur.durationMsSum / cur.durationCount) : null,
      min: seconds(cur.durationMinMs),
      max: seconds(cur.durationMaxMs),
      p50: seconds(pct[0] ?? null),
      p95: seconds(pct[1] ?? null),
      p99: seconds(pct[2] ?? null),
      total_seconds: Math.round(cur.durationMsSum / 1000),
    },
    media: {
      count: cur.mediaCount,
      mosAvg: opt(cur.mosAvg),
      jitterMsAvg: opt(cur.jitterMsAvg),
      lossPercentAvg: opt(cur.lossPercentAvg),
    },
    transcriptRate: kpis.transcriptRate,
    bucket,
    series,
    definitions: KPI_DEFINITIONS,
    ...(e2e !== undefined && e2e.calls > 0 && { endToEnd: endToEndKpis(e2e) }),
  };
}
