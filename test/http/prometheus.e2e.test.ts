import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../src/health/index.js';
import { createApp, type Served, serve } from '../../src/http/index.js';
import { Registry } from '../../src/metrics/index.js';
import { runtimeMetrics } from '../../src/runtime/index.js';
import { SHARED_SCRAPE_BEARER, sharedPrometheus } from '../helpers/prometheus.js';

// A real Prometheus scrapes sidetone's own server: its Accept header (OpenMetrics first), its
// gzip, its bearer token handling and its parsers are the reference.
describe('a real Prometheus scrapes /metrics through serve()', () => {
  const registry = new Registry();
  const runtime = runtimeMetrics(registry, { version: '0.0.0-test' });
  const health = new HealthRegistry();
  let served: Served;
  let prom: ReturnType<typeof sharedPrometheus>;

  beforeAll(async () => {
    health.report('modem', 'pass');
    registry
      .counter({ name: 'sms_sent_total', help: 'SMS sent', labels: ['result'] })
      .labels({ result: 'ok' })
      .inc(5);
    served = await serve(
      createApp({ registry, health, auth: { scrape: { tokens: [SHARED_SCRAPE_BEARER] } } }),
      {
        port: 0,
        logger: { info: () => {}, warn: () => {} },
      },
    );
    const target = served.url.replace('http://', '');
    prom = sharedPrometheus([
      { name: 'with_token', target, bearer: SHARED_SCRAPE_BEARER },
      { name: 'without_token', target },
    ]);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await served?.close();
    runtime.stop();
  });

  it('is up with the token and refused without it', async () => {
    // A scrape that timed out (the 900 ms limit, with the whole suite loading the machine: run 84)
    // says nothing about the token: wait for each target's answer, the sidecar's 200 or its 401.
    const answered = (x: { health: string; lastError: string }) =>
      x.health === 'up' || /\b(401|Unauthorized)\b/.test(x.lastError);
    const targets = await prom.waitFor(async () => {
      const t = await prom.targets();
      return t.length === 2 && t.every(answered) ? t : undefined;
    }, 'both targets answered');
    expect(targets.find((t) => t.job === 'with_token')).toMatchObject({ health: 'up', lastError: '' });
    const refused = targets.find((t) => t.job === 'without_token');
    expect(refused?.health).toBe('down');
    expect(refused?.lastError).toMatch(/401/);
  });

  it('reads runtime, health, build info and self-metrics as sent', async () => {
    const value = async (expr: string) =>
      prom.waitFor(async () => {
        const r = await prom.query(expr);
        return r.length > 0 ? r : undefined;
      }, expr);
    const job = prom.job('with_token');
    expect((await value(`sidetone_build_info{job="${job}"}`))[0]?.metric).toMatchObject({
      version: '0.0.0-test',
      node: process.version,
    });
    expect((await value(`sidetone_ready{job="${job}"}`))[0]?.value[1]).toBe('1');
    expect((await value(`sms_sent_total{job="${job}"}`))[0]?.value[1]).toBe('5');
    expect(Number((await value(`process_resident_memory_bytes{job="${job}"}`))[0]?.value[1])).toBeGreaterThan(
      0,
    );
    await value(`nodejs_eventloop_delay_seconds_count{job="${job}"}`);
    await value(`sidetone_scrape_duration_seconds_count{job="${job}",format="openmetrics"}`);
  });
});
