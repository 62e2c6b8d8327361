/**
 * The console's windows and the resolution each is read at: a bucket small enough that a 45 s
 * trunk outage shows in the 1 h view (60 one-minute buckets), few enough that a 7-day chart
 * stays readable on a phone (168 hourly buckets).
 */
import type { CallQuery, CallStore } from '../store/types.js';
import { percent } from './kpi.js';
import { BUCKET_MS } from './series.js';

export const CONSOLE_WINDOWS = {
  '1h': { spanMs: 3_600_000, bucketMs: 60_000 },
  '6h': { spanMs: 6 * 3_600_000, bucketMs: 300_000 },
  '24h': { spanMs: 86_400_000, bucketMs: 900_000 },
  '7d': { spanMs: 7 * 86_400_000, bucketMs: 3_600_000 },
} as const;

export type ConsoleWindow = keyof typeof CONSOLE_WINDOWS;

/** One bucket of the console's call series. `failed + answered + other = total` in each. */
export interface WindowPoint {
  start: number;
  total: number;
  answered: number;
  /** Attempts not answered (busy, no answer, rejected, network failures, timeouts, cancels). */
  failed: number;
  /** In progress, or an authentication challenge (401/407: not an attempt). */
  other: number;
  /** % of attempts answered, null without attempts. */
  asr: number | null;
  /** The bucket still filling (it ends after the period's end). */
  partial: boolean;
}

/**
 * The period a window covers at `now`: whole buckets, the last one the one containing `now`
 * (partial), so every bucket of the chart is the same size as its neighbours.
 * @example windowPeriod('1h', Date.UTC(2026, 0, 1, 12, 30, 20)) // from 11:31:00 to 12:30:20
 */
export function windowPeriod(window: ConsoleWindow, now: number): { from: number; to: number } {
  const { spanMs, bucketMs } = CONSOLE_WINDOWS[window];
  const end = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  return { from: end - spanMs, to: now };
}

/**
 * The call series of a window at its resolution. Hourly windows read the store's hourly series
 * (rollups); sub-hour buckets are one stats read each (at most 96, each over raw rows the hourly
 * rollups would not split).
 */
export async function windowSeries(
  store: CallStore,
  window: ConsoleWindow,
  q: CallQuery,
): Promise<WindowPoint[]> {
  const { bucketMs } = CONSOLE_WINDOWS[window];
  const starts: number[] = [];
  for (let s = q.from; s < q.to; s += bucketMs) starts.push(s);
  const point = (start: number, total: number, answered: number, attempts: number): WindowPoint => ({
    start,
    total,
    answered,
    failed: attempts - answered,
    other: total - attempts,
    asr: percent(answered, attempts),
    partial: start + bucketMs > q.to,
  });
  if (bucketMs === BUCKET_MS.hour) {
    const rows = new Map((await store.series(q, 'hour')).map((r) => [r.start, r]));
    return starts.map((s) => {
      const r = rows.get(s);
      return point(s, r?.total ?? 0, r?.kpi.answered ?? 0, r?.kpi.attempts ?? 0);
    });
  }
  const stats = await Promise.all(
    starts.map((s) => store.stats({ ...q, from: s, to: Math.min(s + bucketMs, q.to) })),
  );
  return stats.map((st, i) => point(starts[i] as number, st.total, st.answered, st.finished));
}
