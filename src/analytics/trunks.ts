/** Per-trunk KPIs for the operator's question "what is the ASR on trunk B, and is it falling?". */
import type { CallStore } from '../store/types.js';
import { checkRange } from '../store/validate.js';
import { type Kpis, kpisFromStats } from './kpi.js';
import { bucketCount, fillSeries } from './series.js';

export interface TrunkKpis {
  /** A configured trunk name, or `other` (the store keeps unconfigured trunks as `other`). */
  trunk: string;
  calls: number;
  answered: number;
  /** Attempts (ended, not a 401/407 challenge): the KPI denominator. */
  attempts: number;
  kpis: Kpis;
  /** ASR per bucket, oldest first, for a sparkline; null where a bucket had no attempt. */
  asrTrend: Array<{ start: number; asr: number | null }>;
}

export interface TrunksReport {
  period: { from: number; to: number };
  /** Hourly buckets up to two days, daily beyond. */
  bucket: 'hour' | 'day';
  /** Busiest first. */
  trunks: TrunkKpis[];
}

/**
 * KPIs per trunk over `[from, to)`, each with an ASR trend. The KPIs are the dashboard's (one
 * definition, src/analytics/kpi.ts), computed from the store's counts narrowed to the trunk.
 * @example
 * const r = await trunkKpis(store, { from: Date.now() - 3_600_000, to: Date.now() });
 * r.trunks[0]; // { trunk: 'trunk-b', calls: 120, kpis: { asr: 30, ner: 41.2, ... }, asrTrend: [...] }
 */
export async function trunkKpis(store: CallStore, q: { from: number; to: number }): Promise<TrunksReport> {
  checkRange(q, 'ST_ANALYTICS_INVALID_RANGE');
  const bucket = q.to - q.from <= 2 * 86_400_000 ? 'hour' : 'day';
  bucketCount(q, bucket); // refuse before querying
  const all = await store.overview(q, bucket);
  const names = Object.entries(all.breakdown.byTrunk)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([name]) => name);
  const trunks: TrunkKpis[] = [];
  for (const trunk of names) {
    const narrowed = { ...q, trunk };
    const { stats, series } = await store.overview(narrowed, bucket);
    const points = fillSeries(series, q, bucket);
    trunks.push({
      trunk,
      calls: stats.total,
      answered: stats.answered,
      attempts: stats.finished,
      kpis: kpisFromStats(stats),
      asrTrend: points.map((p) => ({ start: p.start, asr: p.kpis.asr })),
    });
  }
  return { period: { from: q.from, to: q.to }, bucket, trunks };
}
