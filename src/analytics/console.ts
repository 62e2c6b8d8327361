/**
 * The console's figures for one window, from the store: the same analytics functions as the CLI
 * and the exports (dashboard KPIs, trunk KPIs, SMS summary, call health), reshaped so that every
 * figure the page shows adds up: answered + failed + other = calls, and
 * sent = delivered + failed + awaiting + expired.
 */
import type { AlertSettings } from '../rules/thresholds.js';
import type { CallRecord, CallStore } from '../store/types.js';
import { type ExportRow, toExportRow } from './export.js';
import { type HealthIndicators, healthIndicators } from './health.js';
import { type Kpis, kpisFromStats, percent, round } from './kpi.js';
import { smsSummary } from './sms.js';
import { trunkKpis } from './trunks.js';
import { type ConsoleWindow, type WindowPoint, windowPeriod, windowSeries } from './windows.js';

/** A total now and the same total over the previous period, the change only when comparable. */
export interface Change {
  value: number;
  previous: number;
  /** % change; null when the previous period had fewer than `alerts.kpi_min_attempts` calls. */
  changePercent: number | null;
  /**
   * The change as the console prints it, decided here once: `+12.5 %` within a tenfold change,
   * `×88.6` beyond (a "+8,760 %" reads as noise), the count `+1,771` against a previous period too
   * small for a ratio, `new` from nothing; null when nothing changed.
   */
  shown: string | null;
}

/** Above this many % up, a change is shown as a factor: tenfold growth is "×10", not "+900 %". */
const MAX_PERCENT_SHOWN = 900;
const grouped = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function showChange(value: number, previous: number, min: number): string | null {
  if (value === previous) return previous >= min ? '0 %' : null;
  if (previous >= min && previous > 0) {
    const pct = ((value - previous) / previous) * 100;
    if (pct > MAX_PERCENT_SHOWN) return `×${grouped.format(value / previous)}`;
    return `${pct > 0 ? '+' : '−'}${grouped.format(Math.abs(pct))} %`;
  }
  if (previous === 0) return 'new';
  return `${value > previous ? '+' : '−'}${grouped.format(Math.abs(value - previous))}`;
}

export interface LiveCall {
  /** The `cid:` reference (the id exports and `sidetone call` take). */
  id: string;
  trunk: string | null;
  direction: string | null;
  state: 'setup' | 'ringing' | 'answered';
  ageSeconds: number;
}

export interface ConsoleCalls {
  total: Change;
  answered: Change;
  /** Attempts not answered. */
  failed: Change;
  /** In progress or an authentication challenge (401/407): not attempts. */
  other: number;
  /** Of `failed`, by effective reason. */
  failedByReason: Record<string, number>;
  kpis: Kpis;
  mosAvg: number | null;
  mediaCount: number;
}

export interface ConsoleSms {
  received: number;
  /** Outbound messages: delivered + failed + awaiting + expired. */
  sent: number;
  delivered: number;
  failed: number;
  /** Awaiting their report now (domain/standards/sms.ts `awaitsReport`, as the metric counts). */
  awaiting: number;
  /**
   * No final report and none awaited: not sent yet, sent without a reference (a report cannot be
   * matched to it) or waited longer than a day (REPORT_WAIT_MS).
   */
  expired: number;
  deliveryRate: number | null;
  latency: { count: number; p50: number | null; p95: number | null; max: number | null };
  /** Age of the oldest outbound SMS awaiting its report, s (from the store, not process uptime). */
  oldestAwaitingSeconds: number | null;
}

export interface ConsoleTrunk {
  trunk: string;
  calls: number;
  attempts: number;
  kpis: Kpis;
}

export interface ConsoleData {
  window: ConsoleWindow;
  generatedAt: number;
  period: { from: number; to: number };
  bucketMs: number;
  calls: ConsoleCalls;
  series: WindowPoint[];
  trunks: ConsoleTrunk[];
  sms: ConsoleSms;
  live: { count: number; calls: LiveCall[] };
  health: HealthIndicators;
}

export interface ConsoleOptions {
  now?: number;
  alerts: Pick<AlertSettings, 'kpi_min_attempts' | 'ner_min_percent'>;
  /** Calls active longer than this are zombies, not live (`store.zombie_max_seconds`). */
  maxActiveSeconds: number;
  /** Live calls listed, newest first (the count is exact). */
  liveLimit?: number;
}

const change = (value: number, previous: number, min: number): Change => ({
  value,
  previous,
  // "+177,163 %" was a change over a previous period with 1 call: no change shown below the
  // same minimum the KPI alerts need.
  changePercent: previous >= min ? percent(value - previous, previous) : null,
  shown: showChange(value, previous, min),
});

function liveCall(c: CallRecord, now: number): LiveCall {
  const row: ExportRow = toExportRow(c);
  return {
    id: row.call_id,
    trunk: c.trunk,
    direction: c.direction,
    state: c.answeredAt !== null ? 'answered' : c.ringingAt !== null ? 'ringing' : 'setup',
    ageSeconds: Math.max(0, Math.round((now - (c.startedAt ?? c.firstAt)) / 1000)),
  };
}

/**
 * Everything the console shows for a window, at `now`.
 * @example
 * const c = await consoleData(store, '1h', { alerts: ALERT_DEFAULTS, maxActiveSeconds: 14_400 });
 * c.calls.answered.value + c.calls.failed.value + c.calls.other === c.calls.total.value; // true
 */
export async function consoleData(
  store: CallStore,
  window: ConsoleWindow,
  opts: ConsoleOptions,
): Promise<ConsoleData> {
  const now = opts.now ?? Date.now();
  const period = windowPeriod(window, now);
  const prev = { from: 2 * period.from - period.to, to: period.from };
  const liveFrom = now - opts.maxActiveSeconds * 1000;
  const [overview, before, series, trunks, sms, liveStats, liveRows, health] = await Promise.all([
    store.overview(period, 'hour'),
    store.stats(prev),
    windowSeries(store, window, period),
    trunkKpis(store, period),
    smsSummary(store, { ...period, now }),
    store.stats({ from: liveFrom, to: now + 1 }),
    store.recentCalls({ statuses: ['active'], limit: opts.liveLimit ?? 50 }),
    healthIndicators(store, {
      now,
      minNerPercent: opts.alerts.ner_min_percent,
      minAttempts: opts.alerts.kpi_min_attempts,
      maxActiveSeconds: opts.maxActiveSeconds,
    }),
  ]);
  const st = overview.stats;
  const min = opts.alerts.kpi_min_attempts;
  const b = sms.byStatus;
  return {
    window,
    generatedAt: now,
    period,
    bucketMs:
      series.length > 1
        ? (series[1] as WindowPoint).start - (series[0] as WindowPoint).start
        : period.to - period.from,
    calls: {
      total: change(st.total, before.total, min),
      answered: change(st.answered, before.answered, min),
      failed: change(st.finished - st.answered, before.finished - before.answered, min),
      other: st.total - st.finished,
      failedByReason: overview.breakdown.byFailureReason,
      kpis: kpisFromStats(st),
      mosAvg: st.mosAvg === null ? null : round(st.mosAvg, 2),
      mediaCount: st.mediaCount,
    },
    series,
    trunks: trunks.trunks.map((t) => ({
      trunk: t.trunk,
      calls: t.calls,
      attempts: t.attempts,
      kpis: t.kpis,
    })),
    sms: {
      received: sms.inbound,
      sent: sms.outbound,
      delivered: b.delivered,
      failed: b.failed,
      awaiting: sms.awaitingReport,
      expired: sms.outbound - b.delivered - b.failed - sms.awaitingReport,
      deliveryRate: sms.deliveryRate,
      latency: { count: sms.latency.count, p50: sms.latency.p50, p95: sms.latency.p95, max: sms.latency.max },
      oldestAwaitingSeconds:
        sms.oldestAwaitingAt === null ? null : Math.max(0, Math.round((now - sms.oldestAwaitingAt) / 1000)),
    },
    live: {
      count: liveStats.active,
      calls: liveRows.filter((c) => c.firstAt >= liveFrom).map((c) => liveCall(c, now)),
    },
    health,
  };
}
