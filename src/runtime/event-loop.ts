import {
  createHistogram,
  type IntervalHistogram,
  monitorEventLoopDelay,
  type RecordableHistogram,
} from 'node:perf_hooks';
import type { LoopSampler } from '../health/loop-sampler.js';
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
 * With a `sampler` (the sidecar's, which parks while the loop has no work: issue 51), the samples
 * are its ticks, and a parked stretch counts as the idle samples it stands for (a delay of 0, the
 * first bucket), so the histogram and the interval's figures read as a sampler that never stopped.
 * Without one, `monitorEventLoopDelay` samples in libuv at `resolutionMs` (10 ms by default: no
 * JS wake-up per sample, what a library's app that never parks is better served by).
 *
 * @example
 * const stop = eventLoopMetrics(registry, { resolutionMs: 10 });
 */
export function eventLoopMetrics(
  registry: Registry,
  options: { resolutionMs?: number; sampler?: LoopSampler } = {},
): () => void {
  const sampler = options.sampler;
  const resolutionMs = sampler?.resolutionMs ?? options.resolutionMs ?? 10;
  let h: IntervalHistogram | RecordableHistogram;
  let stop: () => void;
  /** Idle samples a parked sampler stood for, since the last scrape. */
  let idle = 0;
  if (sampler === undefined) {
    const native = monitorEventLoopDelay({ resolution: resolutionMs });
    native.enable();
    h = native;
    stop = () => native.disable();
  } else {
    const recorded = createHistogram();
    h = recorded;
    stop = sampler.subscribe({
      sample: (ns) => recorded.record(Math.max(1, Math.round(ns))),
      idle: (n) => {
        idle += n;
      },
    });
  }
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
      const zeros = idle;
      if (count + zeros === 0) return;
      const seconds = (ns: number) => Math.max(0, ns - offsetNs) / 1e9;
      const series = hist.labels({});
      // Cumulative share of samples at or below each bound, from the HDR percentile points; the
      // idle samples (a delay of 0) are at or below every bound.
      const points =
        count === 0 ? [] : [...h.percentiles.entries()].map(([p, ns]) => [p / 100, seconds(ns)] as const);
      let previous = 0;
      for (let i = 0; i < bounds.length; i++) {
        let share = 0;
        for (const [p, v] of points) if (v <= (bounds[i] as number)) share = p;
        const atOrBelow = zeros + Math.round(share * count);
        (series.counts as unknown as number[])[i]! += Math.max(0, atOrBelow - previous);
        previous = Math.max(previous, atOrBelow);
      }
      (series.counts as unknown as number[])[bounds.length]! += count + zeros - previous;
      const mean = count === 0 ? 0 : seconds(h.mean);
      series.sum += mean * count;
      series.idle = 0;
      // A percentile of the samples and the idle zeros together: the zeros come first.
      const at = (p: number) => {
        const rank = (p / 100) * (count + zeros);
        return rank <= zeros ? 0 : seconds(h.percentile((100 * (rank - zeros)) / count));
      };
      const values: Record<(typeof STATS)[number], number> = {
        min: zeros > 0 ? 0 : seconds(h.min),
        mean: (mean * count) / (count + zeros),
        p50: at(50),
        p90: at(90),
        p99: at(99),
        max: count === 0 ? 0 : seconds(h.max),
      };
      for (const stat of STATS) interval.labels({ stat }).set(values[stat]);
      h.reset();
      idle = 0;
    },
  });
  return stop;
}
