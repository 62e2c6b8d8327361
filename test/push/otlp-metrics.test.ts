import { describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import type { FamilySnapshot } from '../../src/metrics/snapshot.js';
import { otlpMetrics } from '../../src/push/otlp-metrics.js';
import { otlpReceiver } from '../helpers/otlp.js';

const CREATED = 1_700_000_000_000;

/** The families come from a real registry's snapshot, as `[otel] export_metrics` reads them. */
function registryFamilies(): FamilySnapshot[] {
  vi.useFakeTimers({ now: CREATED, toFake: ['Date'] });
  try {
    const r = new Registry();
    const calls = r.counter({ name: 'calls_total', help: 'Calls by direction', labels: ['direction'] });
    calls.labels({ direction: 'inbound' }).inc(7);
    calls.labels({ direction: 'outbound' }).inc(3);
    r.gauge({ name: 'modem_signal_dbm', help: 'RSSI', labels: ['modem'] })
      .labels({ modem: 'modem0' })
      .set(-71);
    const pdd = r.histogram({
      name: 'pdd_seconds',
      help: 'Post-dial delay',
      unit: 'seconds',
      labels: ['trunk'],
      buckets: [0.5, 1, 2.5],
    });
    for (const v of [0.25, 0.75, 0.75, 1.5, 1.25, 3]) pdd.labels({ trunk: 'a' }).observe(v);
    r.info({ name: 'sidetone_build', help: 'Build', values: { version: '0.1.0' } });
    const wanted = new Set(['calls', 'modem_signal_dbm', 'pdd_seconds', 'sidetone_build']);
    return r.snapshot().filter((f) => wanted.has(f.name));
  } finally {
    vi.useRealTimers();
  }
}
const families = registryFamilies();

type Point = Record<string, unknown> & {
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
};
const attrs = (p: Point) =>
  Object.fromEntries((p.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));

/** Export `families` once to a receiver with these options; the `/v1/metrics` requests it got. */
async function exportOnce(options: Omit<Parameters<typeof otlpMetrics>[0], 'source' | 'endpoint'>) {
  const receiver = await otlpReceiver();
  const m = otlpMetrics({
    source: { collect: async () => {}, snapshot: () => families },
    endpoint: receiver.url,
    intervalMs: 60_000,
    env: {},
    ...options,
  });
  try {
    await m?.flush();
  } finally {
    await m?.shutdown();
    await receiver.close();
  }
  return receiver.requests.filter((r) => r.path === '/v1/metrics');
}

/** The first resource of a request and its attributes. */
function firstResource(body: Record<string, unknown>) {
  const rm = (body.resourceMetrics as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
  const attributes = Object.fromEntries(
    ((rm.resource as { attributes: Point['attributes'] }).attributes ?? []).map((a) => [
      a.key,
      Object.values(a.value)[0],
    ]),
  );
  return { rm, attributes };
}

describe('OTLP metrics bridge', () => {
  it('the registry snapshot arrives over OTLP/HTTP: cumulative monotonic sums, gauges, histograms with their bounds', async () => {
    const reqs = await exportOnce({ serviceName: 'pi-gateway' });
    expect(reqs.length).toBeGreaterThan(0);
    for (const r of reqs) expect(r.body.error).toBeUndefined();
    const { rm, attributes: resource } = firstResource(reqs[0]?.body as Record<string, unknown>);
    expect(resource['service.name']).toBe('pi-gateway');
    const metrics = (
      rm.scopeMetrics as Array<{ scope: { name: string }; metrics: Array<Record<string, unknown>> }>
    )
      .filter((s) => s.scope.name === 'sidetone')
      .flatMap((s) => s.metrics);
    const byName = Object.fromEntries(metrics.map((x) => [x.name as string, x]));
    expect(Object.keys(byName).sort()).toEqual([
      'calls',
      'modem_signal_dbm',
      'pdd_seconds',
      'sidetone_build_info',
      'up',
    ]);

    const sum = byName.calls?.sum as {
      dataPoints: Point[];
      aggregationTemporality: number;
      isMonotonic: boolean;
    };
    expect(sum.aggregationTemporality).toBe(2); // AGGREGATION_TEMPORALITY_CUMULATIVE
    expect(sum.isMonotonic).toBe(true);
    expect(sum.dataPoints.map((p) => [attrs(p), p.asDouble, p.startTimeUnixNano])).toEqual([
      [{ direction: 'inbound' }, 7, '1700000000000000000'],
      [{ direction: 'outbound' }, 3, '1700000000000000000'],
    ]);
    const gauge = byName.modem_signal_dbm?.gauge as { dataPoints: Point[] };
    expect(gauge.dataPoints.map((p) => [attrs(p), p.asDouble])).toEqual([[{ modem: 'modem0' }, -71]]);
    const hist = byName.pdd_seconds?.histogram as { dataPoints: Point[]; aggregationTemporality: number };
    expect(byName.pdd_seconds?.unit).toBe('s');
    expect(hist.aggregationTemporality).toBe(2);
    const hp = hist.dataPoints[0] as Point;
    expect(attrs(hp)).toEqual({ trunk: 'a' });
    expect(hp.explicitBounds).toEqual([0.5, 1, 2.5]);
    expect(hp.bucketCounts).toEqual(['1', '2', '2', '1']);
    expect([hp.count, hp.sum]).toEqual(['6', 7.5]);
    const info = byName.sidetone_build_info?.gauge as { dataPoints: Point[] };
    expect(info.dataPoints.map((p) => [attrs(p), p.asDouble])).toEqual([[{ version: '0.1.0' }, 1]]);
  }, 30_000);

  // OpenTelemetry's "Prometheus and OpenMetrics Compatibility" spec (Resource Attributes): job is
  // service.namespace/service.name (service.name alone without a namespace), instance is
  // service.instance.id; a receiver that follows it gives pushed series the identity a scrape gives.
  it('carries the identity: service.name and service.instance.id map to job and instance; external labels on every point', async () => {
    const self = new Registry();
    const [req] = await exportOnce({
      serviceName: 'sidetone',
      instance: 'pi-7',
      externalLabels: { site: 'kitchen', direction: 'not-this' },
      selfMetrics: self,
    });
    const { rm, attributes: resource } = firstResource(req?.body as Record<string, unknown>);
    const ns = resource['service.namespace'];
    const job = ns === undefined ? resource['service.name'] : `${ns}/${resource['service.name']}`;
    expect({ job, instance: resource['service.instance.id'] }).toEqual({ job: 'sidetone', instance: 'pi-7' });
    const metrics = (rm.scopeMetrics as Array<{ metrics: Array<Record<string, unknown>> }>).flatMap(
      (s) => s.metrics,
    );
    const points = metrics.flatMap((x) =>
      Object.values(x).flatMap((v) => ((v as { dataPoints?: Point[] })?.dataPoints ?? []) as Point[]),
    );
    expect(points.length).toBeGreaterThan(5);
    for (const p of points) expect(attrs(p).site).toBe('kitchen');
    // A point's own label wins over an external one of the same name.
    const calls = metrics.find((x) => x.name === 'calls')?.sum as { dataPoints: Point[] };
    expect(calls.dataPoints.map((p) => attrs(p).direction)).toEqual(['inbound', 'outbound']);
    const up = metrics.find((x) => x.name === 'up')?.gauge as { dataPoints: Point[] };
    expect(up.dataPoints.map((p) => p.asDouble)).toEqual([1]);
    // The export's render time is where the self dashboard reads a scrape's.
    expect(self.render()).toMatch(/^sidetone_scrape_duration_seconds_count\{format="otlp"\} [1-9]/m);
  }, 30_000);
});
