/**
 * The event-loop metrics read from a sampler that parks (the sidecar's, issue 51): a parked stretch
 * counts as the idle samples it stands for, so the histogram reads as a sampler that never stopped,
 * and a stall the sampler saw lands where it did before. Simulated clock: `t` is the loop's time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LoopSampler } from '../../src/health/loop-sampler.js';
import { Registry } from '../../src/metrics/index.js';
import { eventLoopMetrics } from '../../src/runtime/event-loop.js';

let t = 0;
let busy = 0;
async function pass(ms: number): Promise<void> {
  for (const end = t + ms; t < end; ) {
    t += 10;
    await vi.advanceTimersByTimeAsync(10);
  }
}

function sample(text: string, series: string): number | undefined {
  for (const l of text.split('\n')) if (l.startsWith(`${series} `)) return Number(l.slice(series.length + 1));
  return undefined;
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  t = 0;
  busy = 0;
});
afterEach(() => vi.useRealTimers());

describe('event-loop metrics on a parking sampler', () => {
  it('count a parked minute as 600 idle samples, and a stall above 0.1 s', async () => {
    const loop = new LoopSampler({ resolutionMs: 100, parkAfterMs: 1000, now: () => t, busy: () => busy });
    const registry = new Registry();
    const stop = eventLoopMetrics(registry, { sampler: loop });
    await pass(1000);
    expect(loop.isParked).toBe(true);
    await pass(60_000);
    // A request wakes it; its task holds the loop 300 ms.
    loop.wake();
    t += 300;
    busy += 300;
    await pass(100);
    const text = await registry.metrics();
    const count = sample(text, 'nodejs_eventloop_delay_seconds_count') as number;
    // 10 samples before parking, 600 idle ones, the stalled one.
    expect(count).toBe(611);
    expect(sample(text, 'nodejs_eventloop_delay_seconds_bucket{le="0.001"}')).toBe(610);
    expect(count - (sample(text, 'nodejs_eventloop_delay_seconds_bucket{le="0.25"}') as number)).toBe(1);
    expect(sample(text, 'nodejs_eventloop_delay_seconds_sum')).toBeCloseTo(0.3, 2);
    expect(sample(text, 'nodejs_eventloop_delay_interval_seconds{stat="max"}')).toBeCloseTo(0.3, 2);
    expect(sample(text, 'nodejs_eventloop_delay_interval_seconds{stat="min"}')).toBe(0);
    expect(sample(text, 'nodejs_eventloop_delay_interval_seconds{stat="p50"}')).toBe(0);
    expect(sample(text, 'nodejs_eventloop_delay_interval_seconds{stat="mean"}')).toBeCloseTo(0.3 / 611, 5);
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
