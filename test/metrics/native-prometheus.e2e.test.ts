/**
 * Native histograms end to end: a real Prometheus started with its native-histograms feature
 * scrapes the app's /metrics, negotiates the protobuf format, and its native-histogram functions
 * return what was observed. Text scrapers still get classic buckets that promtool accepts.
 *
 * Its own Prometheus, not the run's shared one (issue 48): the native-histograms flag is under
 * test, and on the shared server it would change every other file's scrape format (protobuf first).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createApp } from '../../src/http/app.js';
import { type Served, serve } from '../../src/http/node.js';
import { Registry } from '../../src/metrics/index.js';
import { startSidecar } from '../../src/server/sidecar.js';
import { freePort, startPrometheus } from '../helpers/prometheus.js';
import { promtoolCheck } from '../helpers/promtool.js';
import { MetricFamilyType } from './protobuf-reference.js';

describe('native histograms in a real Prometheus', () => {
  let served: Served | undefined;
  let prom: Awaited<ReturnType<typeof startPrometheus>> | undefined;
  afterAll(async () => {
    await prom?.stop();
    await served?.close();
  });

  it('histogram_count, histogram_sum and histogram_quantile over the native series', async () => {
    const registry = new Registry();
    const pdd = registry.histogram({
      name: 'call_pdd_seconds',
      help: 'Post-dial delay',
      unit: 'seconds',
      labels: ['trunk'],
      native: true,
    });
    // 1000 values 0.01 .. 10 s, evenly spread: the median is 5.005 s, the 90th percentile 9.005 s.
    let sum = 0;
    for (let i = 1; i <= 1000; i++) {
      pdd.labels({ trunk: 'a' }).observe(i / 100, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
      sum += i / 100;
    }
    // A wide range under a small bucket limit: the schema is reduced, counts stay exact.
    const wide = registry.histogram({
      name: 'media_setup_seconds',
      help: 'Media setup',
      unit: 'seconds',
      native: { maxBuckets: 8 },
    });
    for (let i = -300; i <= 300; i++) wide.observe(10 ** (i / 100));
    registry
      .counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] })
      .labels({ trunk: 'a' })
      .inc(7);

    served = await serve(createApp({ registry }), { port: await freePort() });
    prom = await startPrometheus([{ name: 'native', target: `127.0.0.1:${served.port}` }], {}, [
      '--enable-feature=native-histograms,exemplar-storage',
    ]);
    const p = prom;
    const scalar = async (expr: string) => {
      const r = await p.query(expr);
      return r.length === 1 ? Number(r[0]?.value[1]) : undefined;
    };
    const count = await p.waitFor(() => scalar('histogram_count(call_pdd_seconds)'), 'a native scrape');
    expect(count).toBe(1000);
    expect(await scalar('histogram_sum(call_pdd_seconds)')).toBeCloseTo(sum, 6);
    // Schema 3: each bucket spans a factor of 2^(1/8), so an estimate is within 9 % of the truth.
    const median = (await scalar('histogram_quantile(0.5, call_pdd_seconds)')) as number;
    expect(Math.abs(median - 5.005) / 5.005).toBeLessThan(0.09);
    const p90 = (await scalar('histogram_quantile(0.9, call_pdd_seconds)')) as number;
    expect(Math.abs(p90 - 9.005) / 9.005).toBeLessThan(0.09);
    expect(await scalar('histogram_count(media_setup_seconds)')).toBe(601);
    expect(await scalar('calls_total{trunk="a"}')).toBe(7);
    // The scrapes were protobuf: the route counts them by format (seen from the second scrape on).
    await p.waitFor(
      () => scalar('sidetone_scrape_duration_seconds_count{format="protobuf"} > 0'),
      'a scrape counted as protobuf',
    );
    // The exemplars travel with the native histogram.
    const exemplar = await p.waitFor(async () => {
      const now = Date.now() / 1000;
      const body = (await fetch(
        `${p.url}/api/v1/query_exemplars?query=call_pdd_seconds&start=${now - 300}&end=${now + 60}`,
      ).then((res) => res.json())) as {
        data: Array<{ exemplars: Array<{ labels: Record<string, string>; value: string }> }>;
      };
      return body.data.flatMap((s) => s.exemplars)[0];
    }, 'an exemplar of the native histogram');
    expect(exemplar.labels).toEqual({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    // No classic series for a native histogram when Prometheus ingests the native one.
    expect(await p.query('call_pdd_seconds_bucket')).toEqual([]);

    // A text scraper gets classic buckets, valid for promtool.
    const text = await (await fetch(`${served.url}/metrics`, { headers: { accept: 'text/plain' } })).text();
    expect(text).toContain('call_pdd_seconds_bucket{trunk="a",le="+Inf"} 1000\n');
    expect(text).toContain('media_setup_seconds_count 601\n');
    expect(promtoolCheck(text).status).toBe(0);
  }, 60_000);

  it('the sidecar turns them on for every histogram with metrics.native_histograms', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sidetone-native-'));
    const protobufAccept =
      'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited';
    const scrapeHistogram = async (native: string) => {
      const config = loadConfig({
        env: {},
        flags: {
          'server.port': '0',
          'store.path': join(dir, `calls-${native}.db`),
          'store.hash_key': 'k'.repeat(32),
          'metrics.native_histograms': native,
        },
      });
      const sidecar = await startSidecar(config, { signals: false, logger: pino({ level: 'silent' }) });
      try {
        await fetch(`${sidecar.url}/metrics`); // one scrape to observe
        const res = await fetch(`${sidecar.url}/metrics`, { headers: { accept: protobufAccept } });
        expect(res.headers.get('content-type')).toBe(
          'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited',
        );
        const reader = protobuf.Reader.create(new Uint8Array(await res.arrayBuffer()));
        while (reader.pos < reader.len) {
          const f = MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), {
            longs: Number,
            arrays: true,
          });
          if (f.name === 'sidetone_scrape_duration_seconds') return f.metric[0].histogram;
        }
        return undefined;
      } finally {
        await sidecar.close();
      }
    };
    try {
      const on = await scrapeHistogram('true');
      expect(on).toMatchObject({ sampleCount: 1, schema: 3, zeroThreshold: 2 ** -128 });
      expect(on.positiveSpan).toHaveLength(1);
      const off = await scrapeHistogram('false');
      expect(off).toMatchObject({ sampleCount: 1 });
      expect(off.zeroThreshold).toBeUndefined();
      expect(off.positiveSpan).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
