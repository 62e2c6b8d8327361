import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPii } from '../../src/guard/pii.js';
import { Registry } from '../../src/metrics/index.js';
import { nastyString } from '../helpers/arbitraries.js';
import { freePort, sharedPrometheus } from '../helpers/prometheus.js';
import { goldenRegistry } from './golden.fixture.js';

// A real Prometheus scrapes one registry in each format. Its parsers are the reference: the
// targets must be up with no scrape error, and label values must round-trip exactly.
describe('a real Prometheus scrapes both formats', () => {
  const registry = new Registry({ guard: { maxValueLength: 1000 } });
  const values = fc.sample(fc.uniqueArray(nastyString, { minLength: 30, maxLength: 30 }), {
    numRuns: 1,
    seed: 42,
  })[0];
  let server: Server;
  let prom: ReturnType<typeof sharedPrometheus>;

  beforeAll(async () => {
    const g = registry.gauge({
      name: 'fuzz_values',
      help: 'Fuzzed "label" values \\ and\nnewlines',
      labels: ['v'],
    });
    values?.forEach((v, i) => {
      g.labels({ v }).set(i);
    });
    const c = registry.counter({ name: 'scrapes', help: 'Scrapes served', labels: ['format'] });
    const h = registry.histogram({ name: 'pdd_seconds', help: 'PDD', unit: 'seconds', buckets: [1, 2.5] });
    h.observe(0.5);
    h.observe(2);
    const golden = goldenRegistry();
    const goldenCreated = goldenRegistry({ createdTimestamps: true });
    server = createServer((req, res) => {
      const format = req.url?.endsWith('om') ? 'openmetrics' : 'prometheus';
      c.labels({ format }).inc();
      res.setHeader(
        'content-type',
        format === 'openmetrics'
          ? 'application/openmetrics-text; version=1.0.0; charset=utf-8'
          : 'text/plain; version=0.0.4; charset=utf-8',
      );
      const source = req.url?.startsWith('/golden_created')
        ? goldenCreated
        : req.url?.startsWith('/golden')
          ? golden
          : registry;
      res.end(source.render(format));
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    prom = sharedPrometheus([
      { name: 'text', target: `127.0.0.1:${port}`, path: '/text' },
      { name: 'om', target: `127.0.0.1:${port}`, path: '/om' },
      { name: 'golden_text', target: `127.0.0.1:${port}`, path: '/golden_text' },
      { name: 'golden_om', target: `127.0.0.1:${port}`, path: '/golden_om' },
      { name: 'golden_created_om', target: `127.0.0.1:${port}`, path: '/golden_created_om' },
    ]);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await new Promise((r) => server?.close(r));
  });

  it('every target is up with no scrape error', async () => {
    const targets = await prom.waitFor(async () => {
      const t = await prom.targets();
      return t.length === 5 && t.every((x) => x.health !== 'unknown') ? t : undefined;
    }, 'all targets scraped');
    for (const t of targets) expect(t).toMatchObject({ health: 'up', lastError: '' });
  });

  it('label values round-trip exactly through both parsers', async () => {
    for (const job of ['text', 'om']) {
      const result = await prom.waitFor(async () => {
        const r = await prom.query(`fuzz_values{job="${prom.job(job)}"}`);
        return r.length > 0 ? r : undefined;
      }, `fuzz_values from ${job}`);
      const seen = new Map(result.map((s) => [Number(s.value[1]), s.metric.v ?? '']));
      values?.forEach((v, i) => {
        // Values that look like PII are redacted by design; guard tests cover those.
        if (detectPii(v) === undefined) expect(seen.get(i)).toBe(v);
      });
    }
  });

  it('counters and histograms are understood', async () => {
    const r = await prom.waitFor(async () => {
      const x = await prom.query(`scrapes_total{job="${prom.job('om')}"}`);
      return x.length > 0 ? x : undefined;
    }, 'scrapes_total');
    expect(Number(r[0]?.value[1])).toBeGreaterThan(0);
    const bucket = await prom.query(`pdd_seconds_bucket{job="${prom.job('text')}",le="2.5"}`);
    expect(bucket[0]?.value[1]).toBe('2');
    const omBucket = await prom.query(`pdd_seconds_bucket{job="${prom.job('om')}",le="2.5"}`);
    expect(omBucket[0]?.value[1]).toBe('2');
    // The golden exposition's escaped label value, read back through the OpenMetrics parser.
    const odd = await prom.query(`sidetone_test_values{job="${prom.job('golden_om')}"}`);
    expect(odd.map((s) => s.metric.case).sort()).toEqual(
      ['neg_inf', 'pos_inf', 'quote " backslash \\ newline \n end', 'ünïcødé ☎'].sort(),
    );
  });

  // Why `_created` is off by default: a Prometheus without created-timestamp ingestion (this one)
  // stores each `_created` sample as a series of its own, one more per counter series.
  it('_created samples, on, become one more series per series; off by default, none', async () => {
    const created = await prom.waitFor(async () => {
      const x = await prom.query(`{__name__=~".+_created",job="${prom.job('golden_created_om')}"}`);
      return x.length > 0 ? x : undefined;
    }, '_created series');
    expect(created.map((s) => s.metric.__name__).sort()).toEqual(
      [
        'sidetone_agent_first_byte_seconds_created',
        'sidetone_call_pdd_seconds_created',
        'sidetone_idle_seconds_created',
        'sidetone_queue_wait_seconds_created',
        'sidetone_samples_dropped_created',
        'sidetone_samples_dropped_created',
        'sidetone_sip_requests_created',
        'sidetone_sip_requests_created',
        'sidetone_sms_received_created',
      ].sort(),
    );
    // The value is the series' start time, seconds since the epoch (this registry was made now).
    expect(Math.abs(Number(created[0]?.value[1]) - Date.now() / 1000)).toBeLessThan(600);
    await prom.waitFor(async () => {
      const x = await prom.query(`sidetone_sms_received_total{job="${prom.job('golden_om')}"}`);
      return x.length > 0 ? x : undefined;
    }, 'golden_om scraped');
    expect(
      await prom.query(`{__name__=~".+_created",job=~"${prom.job('golden_om')}|${prom.job('om')}"}`),
    ).toEqual([]);
  });
});
