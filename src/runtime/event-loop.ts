import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';
import type { Registry } from '../metrics/index.js';

/** Event-loop delay buckets in seconds: a healthy loop sits below 10 ms, a stall is 100 ms and up. */
export const EVENT_LOOP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const STATS = ['min', 'mean', 'p50', 'p90', 'p99', 'max'] as const;

/**
 * Event-loop delay from `monitorEventLoopDelay`, as the distribution of the interval between two
 * scrapes (prom-client's `nodejs_eventloop_lag_seconds` is the delay of one `setImmediate` at
 * scrape time, which mostly measures the previous scrape):
 *
 * - `nodejs_eventloop_delay_seconds`: a cumulative histogram; each scrape adds the interval's
 *   samples, so `histogram_quantile(0.99, rate(...[5m]))` works and two scrapers do not double-count.
 * - `nodejs_eventloop_delay_interval_seconds{stat}`: min, mean, p50, p90, p99 and max of the
 *   interval since the previous scrape (by any scraper).
 *
 * Samples are the delay beyond the sampling interval (`resolutionMs`): an idle loop reads ~0,
 * not ~`resolutionMs`. Bucket counts come from the HDR histogram's percentile points, so a count
 * can land one bucket early by at most the HDR precision; sums come from the interval mean.
 *
 * @example
 * const stop = eventLoopMetrics(registry, { resolutionMs: 10 });
 */
export function eventLoopMetrics(registry: Registry, options: { resolutionMs?: number } = {}): () => void {
  const resolutionMs = options.resolutionMs ?? 10;
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  h.enable();
  const offsetNs = resolutionMs * 1e6;
  const interval = registry.gauge({
    name: 'nodejs_eventloop_delay_interval_seconds',
    help: 'Event-loop delay statistics over the interval since the previous scrape',
    unit: 'seconds',
    labels: ['stat'],
    enums: { stat: STATS },
    initial: 'unknown',
  });
  const bounds = EVENT_LOOP_BUCKETS;
  registry.histogram({
    name: 'nodejs_eventloop_delay_seconds',
    help: 'Event-loop delay beyond the sampling interval, sampled by monitorEventLoopDelay',
    unit: 'seconds',
    buckets: bounds,
    collect: (hist) => {
      const count = h.count;
      if (count === 0) return;
      const seconds = (ns: number) => Math.max(0, ns - offsetNs) / 1e9;
      const series = hist.labels({});
      // Cumulative share of samples at or below each bound, from the HDR percentile points.
      const points = [...h.percentiles.entries()].map(([p, ns]) => [p / 100, seconds(ns)] as const);
      let previous = 0;
      for (let i = 0; i < bounds.length; i++) {
        let share = 0;
        for (const [p, v] of points) if (v <= (bounds[i] as number)) share = p;
        const atOrBelow = Math.round(share * count);
        (series.counts as unknown as number[])[i]! += Math.max(0, atOrBelow - previous);
        previous = Math.max(previous, atOrBelow);
      }
      (series.counts as unknown as number[])[bounds.length]! += count - previous;
      series.sum += seconds(h.mean) * count;
      series.idle = 0;
      const values: Record<(typeof STATS)[number], number> = {
        min: seconds(h.min),
        mean: seconds(h.mean),
        p50: seconds(h.percentile(50)),
        p90: seconds(h.percentile(90)),
        p99: seconds(h.percentile(99)),
        max: seconds(h.max),
      };
      for (const stat of STATS) interval.labels({ stat }).set(values[stat]);
      h.reset();
    },
  });
  return () => h.disable();
}
