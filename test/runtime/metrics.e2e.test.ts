import { afterAll, describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { EVENT_LOOP_BUCKETS } from '../../src/runtime/event-loop.js';
import { runtimeMetrics } from '../../src/runtime/index.js';
import { sidetoneVersion } from '../../src/runtime/version.js';
import { promtoolCheck } from '../helpers/promtool.js';

function sample(text: string, series: string): number | undefined {
  for (const l of text.split('\n')) if (l.startsWith(`${series} `)) return Number(l.slice(series.length + 1));
  return undefined;
}

function block(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the loop cannot turn
  }
}

const registry = new Registry();
const runtime = runtimeMetrics(registry, { version: '1.2.3' });
afterAll(() => runtime.stop());

describe('runtime metrics', () => {
  it('exposes process and Node metrics with plausible values', async () => {
    const text = await registry.metrics();
    const cpuUser = sample(text, 'process_cpu_user_seconds_total') as number;
    const cpuSystem = sample(text, 'process_cpu_system_seconds_total') as number;
    expect(cpuUser).toBeGreaterThan(0);
    expect(sample(text, 'process_cpu_seconds_total')).toBeCloseTo(cpuUser + cpuSystem, 6);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    const used = sample(text, 'nodejs_heap_size_used_bytes') as number;
    expect(used).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_total_bytes')).toBeGreaterThanOrEqual(used);
    expect(sample(text, 'nodejs_external_memory_bytes')).toBeGreaterThan(0);
    const start = sample(text, 'process_start_time_seconds') as number;
    expect(start).toBeLessThanOrEqual(Date.now() / 1000);
    expect(start).toBeGreaterThan(Date.now() / 1000 - 3600);
    expect(sample(text, 'process_uptime_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_active_resources')).toBeGreaterThanOrEqual(1);
    expect(text).toContain(`sidetone_build_info{version="1.2.3",node="${process.version}"} 1`);
  });

  it.runIf(process.platform === 'linux')('counts open and max file descriptors from /proc', async () => {
    const text = await registry.metrics();
    const openFds = sample(text, 'process_open_fds') as number;
    const maxFds = sample(text, 'process_max_fds') as number;
    expect(openFds).toBeGreaterThan(2);
    expect(maxFds).toBeGreaterThanOrEqual(openFds);
  });

  it('event-loop delay is the distribution since the previous scrape, not the last scrape', async () => {
    await registry.metrics();
    await new Promise((r) => setTimeout(r, 50));
    block(300);
    await new Promise((r) => setTimeout(r, 30));
    const text = await registry.metrics();
    // The stall is in the interval: its max is at least most of the 300 ms block.
    const stallMax = sample(text, 'nodejs_eventloop_delay_interval_seconds{stat="max"}') as number;
    expect(stallMax).toBeGreaterThan(0.2);
    const count = sample(text, 'nodejs_eventloop_delay_seconds_count') as number;
    expect(count).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_eventloop_delay_seconds_bucket{le="+Inf"}')).toBe(count);
    // Cumulative buckets never decrease.
    let previous = 0;
    for (const le of EVENT_LOOP_BUCKETS) {
      const v = sample(text, `nodejs_eventloop_delay_seconds_bucket{le="${le}"}`) as number;
      expect(v).toBeGreaterThanOrEqual(previous);
      previous = v;
    }
    // The stall lands above 0.1 s.
    expect(
      count - (sample(text, 'nodejs_eventloop_delay_seconds_bucket{le="0.1"}') as number),
    ).toBeGreaterThan(0);

    // The next interval starts afresh (the stall is not carried over); the histogram only grows.
    await new Promise((r) => setTimeout(r, 100));
    const quiet = await registry.metrics();
    expect(sample(quiet, 'nodejs_eventloop_delay_interval_seconds{stat="max"}')).not.toBe(stallMax);
    expect(sample(quiet, 'nodejs_eventloop_delay_seconds_count')).toBeGreaterThan(count);
  });

  it('records GC pauses by kind', async () => {
    let garbage: unknown[] = [];
    let text = '';
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 200_000; i++) garbage.push({ i, s: `x${i}` });
      garbage = [];
      // PerformanceObserver delivers GC entries asynchronously.
      await new Promise((r) => setTimeout(r, 10));
      text = await registry.metrics();
      if ((sample(text, 'nodejs_gc_duration_seconds_count{kind="minor"}') ?? 0) > 0) break;
    }
    expect(sample(text, 'nodejs_gc_duration_seconds_count{kind="minor"}')).toBeGreaterThan(0);
    expect(garbage).toEqual([]);
  });

  it('passes promtool lint in the text format', async () => {
    // promtool reads OpenMetrics with the text parser (no `info` type, `_total` samples of a
    // counter family look like another family), so the OpenMetrics form is checked by a real
    // Prometheus scraping it in test/http/prometheus.e2e.test.ts.
    expect(promtoolCheck(await registry.metrics('prometheus'))).toEqual({ status: 0, output: '' });
  });

  it('defaults the build version to the package version', async () => {
    const r = new Registry();
    const rt = runtimeMetrics(r, { gc: false });
    expect(await r.metrics()).toContain(`sidetone_build_info{version="${sidetoneVersion()}"`);
    rt.stop();
    expect(sidetoneVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
