import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { ClusterMetrics, pushSnapshots } from '../../src/cluster/index.js';
import { Registry } from '../../src/metrics/index.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { until } from '../helpers/until.js';

const dir = mkdtempSync(join(tmpdir(), 'sidetone-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const dist = new URL('../../dist/', import.meta.url).href;

// Each worker records under load (a random split over labels, its own seed), tells the primary
// what it recorded, and pushes snapshots every 50 ms.
const WORKER = `
import { parentPort, workerData } from 'node:worker_threads';
const { Registry } = await import('${dist}metrics/index.js');
const { pushSnapshots } = await import('${dist}cluster/index.js');
const r = new Registry();
const calls = r.counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] });
const pdd = r.histogram({ name: 'pdd_seconds', help: 'PDD', unit: 'seconds', buckets: [0.5, 1, 2] });
const depth = r.gauge({ name: 'queue_depth', help: 'Queue' });
const ttfb = r.summary({ name: 'ttfb_seconds', help: 'TTFB', unit: 'seconds' });
let seed = workerData.seed;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const want = { a: 0, b: 0, count: 0, sum: 0 };
for (let i = 0; i < 20000; i++) {
  const trunk = rand() < 0.5 ? 'a' : 'b';
  calls.labels({ trunk }).inc();
  want[trunk]++;
  const v = Math.round(rand() * 300) / 100;
  pdd.observe(v);
  want.count++;
  want.sum += v;
  ttfb.observe(v);
}
depth.set(workerData.seed);
pushSnapshots(r, (m) => parentPort.postMessage(m), { intervalMs: 50 });
parentPort.postMessage({ done: want });
`;

const sample = (text: string, line: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${line} `))
      ?.slice(line.length + 1),
  );

describe('metrics of many workers, one /metrics', () => {
  it('worker_threads: counters and histograms summed exactly, gauges by policy, summaries per worker; a dead worker keeps its counts', async () => {
    const file = join(dir, 'worker.mjs');
    writeFileSync(file, WORKER);
    const metrics = new ClusterMetrics(undefined, { gauges: { queue_depth: 'max' } });
    const wants: Array<{ a: number; b: number; count: number; sum: number }> = [];
    const last = new Map<string, unknown>();
    /** Workers that pushed once more after saying done. */
    const pushedAfterDone = new Set<number>();
    const workers = [1, 2, 3].map((seed) => {
      const w = new Worker(file, { workerData: { seed } });
      let done = false;
      w.on('message', (m: { done?: (typeof wants)[number] }) => {
        if (m.done) {
          wants.push(m.done);
          done = true;
        } else {
          metrics.receive(String(seed), m);
          last.set(String(seed), m);
          if (done) pushedAfterDone.add(seed);
        }
      });
      return w;
    });
    // A push after every worker finished (before: a poll for the three, then a fixed 200 ms).
    await until(
      () => wants.length === 3 && metrics.size === 3 && pushedAfterDone.size === 3,
      'a push after every worker finished',
      {
        timeoutMs: 30_000,
      },
    ).catch(() => {});
    const text = metrics.render();
    const total = (k: 'a' | 'b' | 'count' | 'sum') => wants.reduce((n, w) => n + w[k], 0);
    expect(sample(text, 'calls_total{trunk="a"}')).toBe(total('a'));
    expect(sample(text, 'calls_total{trunk="b"}')).toBe(total('b'));
    expect(sample(text, 'pdd_seconds_count')).toBe(60_000);
    expect(sample(text, 'pdd_seconds_sum')).toBeCloseTo(total('sum'), 6);
    expect(sample(text, 'pdd_seconds_bucket{le="+Inf"}')).toBe(60_000);
    expect(sample(text, 'queue_depth')).toBe(3);
    // Quantiles cannot be added: one series per worker.
    expect(
      text
        .split('\n')
        .filter((l) => l.startsWith('ttfb_seconds_count{'))
        .sort(),
    ).toEqual([
      'ttfb_seconds_count{worker="1"} 20000',
      'ttfb_seconds_count{worker="2"} 20000',
      'ttfb_seconds_count{worker="3"} 20000',
    ]);
    expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    // `_created` only when asked for (off by default, as a registry's), the start time carried over.
    // (No `_created` line anywhere: the series' order follows the workers' first pushes, so the
    // line after trunk a's is trunk b's or the next family's.)
    const om = metrics.render('openmetrics');
    expect(om).toMatch(/^calls_total\{trunk="a"\} \d+$/m);
    expect(om).not.toMatch(/_created/);
    // On through the option, or by default from a primary registry that has it on.
    for (const created of [
      new ClusterMetrics(undefined, { createdTimestamps: true }),
      new ClusterMetrics(new Registry({ createdTimestamps: true })),
    ]) {
      for (const [id, m] of last) created.receive(id, m);
      expect(created.render('openmetrics')).toMatch(
        /^calls_total\{trunk="a"\} \d+\ncalls_created\{trunk="a"\} /m,
      );
    }
    // A worker dies: the scrape does not wait for it, and its counts stay until it is replaced.
    await workers[1]?.terminate();
    const after = metrics.render();
    expect(sample(after, 'calls_total{trunk="a"}')).toBe(total('a'));
    expect(metrics.forget('2')).toBe(true);
    expect(sample(metrics.render(), 'pdd_seconds_count')).toBe(40_000);
    await Promise.all(workers.map((w) => w.terminate()));
  }, 60_000);

  it('snapshots survive cluster IPC (JSON): +Inf buckets, and the primary registry is merged in', async () => {
    const worker = new Registry();
    worker.histogram({ name: 'pdd_seconds', help: 'PDD', unit: 'seconds', buckets: [1] }).observe(5);
    const primary = new Registry();
    primary.counter({ name: 'restarts_total', help: 'Restarts' }).inc(2);
    const metrics = new ClusterMetrics(primary);
    let message: unknown;
    const stop = pushSnapshots(worker, (m) => {
      message = JSON.parse(JSON.stringify(m)); // what process.send does
    });
    await stop();
    expect(metrics.receive('1', message)).toBe(true);
    expect(metrics.receive('1', { hello: 'world' })).toBe(false);
    const text = metrics.render();
    expect(sample(text, 'pdd_seconds_bucket{le="+Inf"}')).toBe(1);
    expect(sample(text, 'pdd_seconds_bucket{le="1"}')).toBe(0);
    expect(sample(text, 'restarts_total')).toBe(2);
  });
});
