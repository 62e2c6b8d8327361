import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/index.js';
import { acceptsGzip } from '../../src/http/metrics-route.js';
import { Registry } from '../../src/metrics/index.js';
import { call, deferred, sample } from './helpers.js';

const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

function setup(options: { maxConcurrentScrapes?: number; collectTimeoutMs?: number } = {}) {
  const registry = new Registry(
    options.collectTimeoutMs ? { collectTimeoutMs: options.collectTimeoutMs } : {},
  );
  registry.counter({ name: 'sms_sent_total', help: 'SMS sent' }).inc(3);
  const app = createApp(
    options.maxConcurrentScrapes
      ? { registry, maxConcurrentScrapes: options.maxConcurrentScrapes }
      : { registry },
  );
  return { registry, app };
}

describe('content negotiation', () => {
  it('serves text 0.0.4 by default', async () => {
    const { app } = setup();
    const res = await call(app, '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('vary')).toBe('Accept, Accept-Encoding');
    const text = await res.text();
    expect(text).toMatch(/^sms_sent_total 3$/m);
    expect(text).not.toMatch(/# EOF/);
  });

  it("serves OpenMetrics to Prometheus' real Accept header", async () => {
    const { app } = setup();
    const res = await call(app, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
    expect(res.headers.get('content-type')).toBe(
      'application/openmetrics-text; version=1.0.0; charset=utf-8',
    );
    const text = await res.text();
    expect(text.endsWith('# EOF\n')).toBe(true);
    expect(text).toMatch(/^sms_sent_total 3$/m);
    // `_created` only from a registry that asks for it (off by default, as client_golang).
    expect(text).not.toMatch(/_created/);
    const created = new Registry({ createdTimestamps: true });
    created.counter({ name: 'sms_sent_total', help: 'SMS sent' }).inc(3);
    const on = await call(createApp({ registry: created }), '/metrics', {
      headers: { accept: PROMETHEUS_ACCEPT },
    });
    expect(await on.text()).toMatch(/^sms_sent_total 3\nsms_sent_created \d+\.\d+$/m);
  });

  it.each([
    ['text/plain;version=0.0.4', 'text/plain'],
    ['application/openmetrics-text;version=0.0.1', 'text/plain'],
    ['application/openmetrics-text;version=1.0.0;q=0.2,text/plain;q=0.9', 'text/plain'],
    ['application/openmetrics-text', 'application/openmetrics-text'],
    ['*/*', 'text/plain'],
  ])('Accept %s → %s', async (accept, type) => {
    const { app } = setup();
    const res = await call(app, '/metrics', { headers: { accept } });
    expect(res.headers.get('content-type')?.startsWith(type)).toBe(true);
  });
});

describe('gzip', () => {
  it('compresses when accepted; the bytes decompress to the plain answer of the same render', async () => {
    const { app } = setup();
    // Started together, both join one render, so the bodies must be identical.
    const [zipped, plain] = await Promise.all([
      call(app, '/metrics', {
        headers: { 'accept-encoding': 'gzip, deflate, br', accept: PROMETHEUS_ACCEPT },
      }),
      call(app, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } }),
    ]);
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const bytes = Buffer.from(await zipped.arrayBuffer());
    expect(Number(zipped.headers.get('content-length'))).toBe(bytes.length);
    expect(gunzipSync(bytes).toString('utf8')).toBe(await plain.text());
  });

  it.each([
    ['gzip', true],
    ['GZIP;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['deflate, br', false],
    ['identity', false],
    ['', false],
  ])('Accept-Encoding %j → %s', (header, yes) => {
    expect(acceptsGzip(header)).toBe(yes);
  });

  it('can be switched off', async () => {
    const registry = new Registry();
    const app = createApp({ registry, gzip: false });
    const res = await call(app, '/metrics', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBeNull();
  });
});

describe('shared renders and the concurrency cap', () => {
  it('concurrent scrapes share one collect-and-render; the next scrape renders afresh', async () => {
    const { registry, app } = setup({ maxConcurrentScrapes: 8 });
    let collects = 0;
    let gate = deferred();
    registry.gauge({
      name: 'modem_signal_dbm',
      help: 'Signal',
      collect: async (g) => {
        collects++;
        await gate.promise;
        g.set(-70 - collects);
      },
    });
    const scrapes = Array.from({ length: 5 }, () => call(app, '/metrics'));
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    const bodies = await Promise.all(scrapes.map(async (s) => (await s).text()));
    expect(collects).toBe(1);
    for (const b of bodies) expect(sample(b, 'modem_signal_dbm')).toBe(-71);
    gate = deferred();
    gate.resolve();
    expect(sample(await (await call(app, '/metrics')).text(), 'modem_signal_dbm')).toBe(-72);
    expect(collects).toBe(2);
  });

  it('answers 503 with Retry-After past the limit, and counts it', async () => {
    const { registry, app } = setup({ maxConcurrentScrapes: 2 });
    const gate = deferred();
    registry.gauge({ name: 'slow_value', help: 'Slow', collect: () => gate.promise });
    const first = [call(app, '/metrics'), call(app, '/metrics')];
    const third = await call(app, '/metrics');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(await third.json()).toMatchObject({ error: { code: 'ST_SCRAPE_OVERLOADED' } });
    gate.resolve();
    for (const r of await Promise.all(first)) expect(r.status).toBe(200);
    const text = await (await call(app, '/metrics')).text();
    expect(sample(text, 'sidetone_scrape_errors_total{reason="overloaded"}')).toBe(1);
  });

  it('refuses a nonsensical limit', () => {
    expect(() => createApp({ registry: new Registry(), maxConcurrentScrapes: 0 })).toThrow(
      expect.objectContaining({ code: 'ST_INVALID_OPTION' }),
    );
  });
});

describe('failures are loud', () => {
  it('a failing collect callback leaves its family stale and counted; the scrape is a 200', async () => {
    const { registry, app } = setup();
    let fail = false;
    registry.gauge({
      name: 'queue_depth',
      help: 'Queue depth',
      collect: (g) => {
        if (fail) throw new Error('modem serial port closed');
        g.set(4);
      },
    });
    registry.gauge({ name: 'healthy', help: 'Healthy', collect: (g) => g.set(1) });
    expect(sample(await (await call(app, '/metrics')).text(), 'queue_depth')).toBe(4);
    fail = true;
    const res = await call(app, '/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'queue_depth')).toBe(4);
    expect(sample(text, 'healthy')).toBe(1);
    expect(sample(text, 'sidetone_collect_errors_total{metric="queue_depth"}')).toBe(1);
    expect(sample(text, 'sidetone_scrape_errors_total{reason="collect_failed"}')).toBeUndefined();
  });

  it('a collect callback past the registry timeout is counted, the scrape still a 200', async () => {
    const { registry, app } = setup({ collectTimeoutMs: 20 });
    registry.gauge({ name: 'hangs', help: 'Never answers', collect: () => new Promise(() => {}) });
    const res = await call(app, '/metrics');
    expect(res.status).toBe(200);
    expect(sample(await res.text(), 'sidetone_collect_errors_total{metric="hangs"}')).toBe(1);
  });

  it('a callback error carries no PII into the scrape', async () => {
    const { registry, app } = setup();
    registry.gauge({
      name: 'last_sender',
      help: 'x',
      collect: () => {
        throw new Error('bad sender +447700900123');
      },
    });
    const body = await (await call(app, '/metrics')).text();
    expect(body).not.toMatch(/7700900123/);
  });
});

describe('self-metrics and HEAD', () => {
  it('records scrape durations by format', async () => {
    const { app } = setup();
    await call(app, '/metrics');
    await call(app, '/metrics', { headers: { accept: PROMETHEUS_ACCEPT } });
    const text = await (await call(app, '/metrics')).text();
    expect(sample(text, 'sidetone_scrape_duration_seconds_count{format="prometheus"}')).toBe(1);
    expect(sample(text, 'sidetone_scrape_duration_seconds_count{format="openmetrics"}')).toBe(1);
  });

  it('HEAD /metrics has the headers and no body', async () => {
    const { app } = setup();
    const res = await call(app, '/metrics', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await res.text()).toBe('');
  });

  it('exports health into the served registry', async () => {
    const { app } = setup();
    app.health.report('modem', 'pass');
    const text = await (await call(app, '/metrics')).text();
    expect(sample(text, 'sidetone_ready')).toBe(1);
    expect(sample(text, 'sidetone_health_check_status{check="modem",status="pass"}')).toBe(1);
  });
});
