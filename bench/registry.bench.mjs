// Registry benchmarks: sidetone vs prom-client vs @opentelemetry/sdk-metrics (with a reader
// attached, so recording really aggregates) in one process, one run. Run via `npm run bench`.
import { PerformanceObserver } from 'node:perf_hooks';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { do_not_optimize, measure } from 'mitata';
import promClient from 'prom-client';
import { Registry } from '../dist/metrics/index.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const results = [];

async function ns(fn) {
  const stats = await measure(fn);
  return stats.avg;
}

async function record(name, impls) {
  for (const [impl, fn] of Object.entries(impls)) {
    results.push({ case: name, impl, ns_per_op: await ns(fn) });
  }
}

function otelMeter() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  // The SDK caps each instrument at 2000 attribute sets by default (later ones fold into one
  // overflow point); lift it so that every library holds the same number of series.
  const provider = new MeterProvider({
    readers: [reader],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 1_000_000 }],
  });
  return { meter: provider.getMeter('bench'), reader, provider };
}

// 64 label combinations: 2 directions x 8 classes x 4 trunks.
const combos = [];
for (const direction of ['inbound', 'outbound'])
  for (const cls of ['1xx', '2xx', '3xx', '4xx', '5xx', '6xx', 'other', 'none'])
    for (const trunk of ['trunk-a', 'trunk-b', 'trunk-c', 'trunk-d'])
      combos.push({ direction, class: cls, trunk });
const labelNames = ['direction', 'class', 'trunk'];

async function recording() {
  const st = new Registry();
  const pc = new promClient.Registry();
  const { meter } = otelMeter();

  const stPlain = st.counter({ name: 'plain_total', help: 'x' });
  const pcPlain = new promClient.Counter({ name: 'plain_total', help: 'x', registers: [pc] });
  const otPlain = meter.createCounter('plain');
  await record('counter inc, no labels', {
    sidetone: () => stPlain.inc(),
    'prom-client': () => pcPlain.inc(),
    otel: () => otPlain.add(1),
  });

  const stL = st.counter({ name: 'labelled_total', help: 'x', labels: labelNames });
  const pcL = new promClient.Counter({ name: 'labelled_total', help: 'x', labelNames, registers: [pc] });
  const otL = meter.createCounter('labelled');
  const bound = stL.labels(combos[5]);
  const pcBound = pcL.labels(combos[5]);
  const attrs = combos[5];
  await record('counter inc, pre-bound handle', {
    sidetone: () => bound.inc(),
    'prom-client': () => pcBound.inc(),
    otel: () => otL.add(1, attrs),
  });

  let i = 0;
  await record('counter inc, 3 labels looked up per call (64 series)', {
    sidetone: () => stL.labels(combos[i++ & 63]).inc(),
    'prom-client': () => pcL.inc(combos[i++ & 63]),
    otel: () => otL.add(1, combos[i++ & 63]),
  });

  const stH = st.histogram({ name: 'lat_seconds', help: 'x', labels: labelNames, buckets: BUCKETS });
  const pcH = new promClient.Histogram({
    name: 'lat_seconds',
    help: 'x',
    labelNames,
    buckets: BUCKETS,
    registers: [pc],
  });
  const otH = meter.createHistogram('lat', { advice: { explicitBucketBoundaries: BUCKETS } });
  const hBound = stH.labels(combos[7]);
  const pcHBound = pcH.labels(combos[7]);
  let v = 0;
  await record('histogram observe, pre-bound handle', {
    sidetone: () => hBound.observe((v = (v + 0.37) % 40)),
    'prom-client': () => pcHBound.observe((v = (v + 0.37) % 40)),
    otel: () => otH.record((v = (v + 0.37) % 40), attrs),
  });
  await record('histogram observe, 3 labels looked up per call (64 series)', {
    sidetone: () => stH.labels(combos[i++ & 63]).observe((v = (v + 0.37) % 40)),
    'prom-client': () => pcH.observe(combos[i++ & 63], (v = (v + 0.37) % 40)),
    otel: () => otH.record((v = (v + 0.37) % 40), combos[i++ & 63]),
  });
}

/** 5k counter series + 5k 12-bucket histogram series, the same data in both libraries. */
function tenThousand() {
  const st = new Registry({ guard: { maxSeries: 10_000 } });
  const pc = new promClient.Registry();
  const names = ['route', 'code'];
  const stC = st.counter({ name: 'requests_total', help: 'Requests', labels: names });
  const pcC = new promClient.Counter({
    name: 'requests_total',
    help: 'Requests',
    labelNames: names,
    registers: [pc],
  });
  const stH = st.histogram({ name: 'req_seconds', help: 'Latency', labels: names, buckets: BUCKETS });
  const pcH = new promClient.Histogram({
    name: 'req_seconds',
    help: 'Latency',
    labelNames: names,
    buckets: BUCKETS,
    registers: [pc],
  });
  // OTel renders text only through its Prometheus exporter (a MetricReader): collect, then serialize.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({
    readers: [exporter],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 1_000_000 }],
  });
  const meter = provider.getMeter('bench');
  const otC = meter.createCounter('requests', { description: 'Requests' });
  const otH = meter.createHistogram('req_seconds', {
    description: 'Latency',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  for (let r = 0; r < 100; r++) {
    for (let c = 0; c < 50; c++) {
      const l = { route: `route_${r}`, code: `code_${c}` };
      stC.labels(l).inc(r + c);
      pcC.inc(l, r + c);
      otC.add(r + c, l);
      stH.labels(l).observe((r * c) / 100);
      pcH.observe(l, (r * c) / 100);
      otH.record((r * c) / 100, l);
    }
  }
  const serializer = new PrometheusSerializer();
  const ot = async () => serializer.serialize((await exporter.collect()).resourceMetrics);
  return { st, pc, ot };
}

async function rendering() {
  const { st, pc, ot } = tenThousand();
  const pcOm = new promClient.Registry(promClient.Registry.OPENMETRICS_CONTENT_TYPE);
  for (const m of pc.getMetricsAsArray()) pcOm.registerMetric(m);
  // Render to the bytes a server sends, as each library's /metrics path does: sidetone writes
  // UTF-8 directly; prom-client builds a string that must then be encoded.
  await record('render 10k series, Prometheus text', {
    sidetone: () => do_not_optimize(st.renderBytes('prometheus')),
    'prom-client': async () => do_not_optimize(Buffer.from(await pc.metrics())),
    otel: async () => do_not_optimize(Buffer.from(await ot())),
  });
  // The OTel exporter serves only the text format.
  await record('render 10k series, OpenMetrics', {
    sidetone: () => do_not_optimize(st.renderBytes('openmetrics')),
    'prom-client': async () => do_not_optimize(Buffer.from(await pcOm.metrics())),
  });
}

function heapPerSeries() {
  const N = 20_000;
  const measureHeap = (build) => {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    const keep = build();
    globalThis.gc();
    const bytes = (process.memoryUsage().heapUsed - before) / N;
    do_not_optimize(keep);
    return bytes;
  };
  // Label objects are made inside each measurement, as an application makes them per call: a
  // library that keeps the caller's object pays for it, one that copies what it needs does not.
  const labelsAt = (k) => ({
    direction: k & 1 ? 'inbound' : 'outbound',
    class: `c${k % 100}`,
    trunk: `t${Math.floor(k / 100)}`,
  });
  const st = measureHeap(() => {
    const r = new Registry({ guard: { maxSeries: N } });
    const c = r.counter({ name: 'x_total', help: 'x', labels: labelNames });
    for (let k = 0; k < N; k++) c.labels(labelsAt(k)).inc();
    return r;
  });
  const pc = measureHeap(() => {
    const r = new promClient.Registry();
    const c = new promClient.Counter({ name: 'x_total', help: 'x', labelNames, registers: [r] });
    for (let k = 0; k < N; k++) c.inc(labelsAt(k));
    return r;
  });
  const ot = measureHeap(() => {
    const { meter, reader } = otelMeter();
    const c = meter.createCounter('x');
    for (let k = 0; k < N; k++) c.add(1, labelsAt(k));
    return reader;
  });
  // Heap figures are bytes per series, reported in the same `ns_per_op` column by the brief's schema.
  results.push({ case: 'heap bytes per series (counter, 3 labels)', impl: 'sidetone', ns_per_op: st });
  results.push({ case: 'heap bytes per series (counter, 3 labels)', impl: 'prom-client', ns_per_op: pc });
  results.push({ case: 'heap bytes per series (counter, 3 labels)', impl: 'otel', ns_per_op: ot });
}

/** Count young-generation GCs over many pre-bound incs: none means no allocation per call. */
async function allocationCheck() {
  const st = new Registry();
  const c = st.counter({ name: 'alloc_total', help: 'x', labels: labelNames });
  const h = st.histogram({ name: 'alloc_seconds', help: 'x', labels: labelNames });
  const bc = c.labels(combos[1]);
  const bh = h.labels(combos[1]);
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  obs.observe({ entryTypes: ['gc'] });
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 50));
  gcs = 0;
  for (let k = 0; k < 20_000_000; k++) {
    bc.inc();
    bh.observe(k & 7);
  }
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return gcs;
}

/** First sight of a new free label value: guard (PII scan, length) + series creation. */
function firstSight() {
  const N = 50_000;
  const values = Array.from({ length: N }, (_, k) => `carrier_${k.toString(36)}_east`);
  const r = new Registry({ guard: { maxSeries: N + 1 } });
  const c = r.counter({ name: 'first_total', help: 'x', labels: ['carrier'] });
  const t0 = process.hrtime.bigint();
  for (const v of values) c.labels({ carrier: v }).inc();
  const total = Number(process.hrtime.bigint() - t0);
  results.push({ case: 'first sight of a new free label value', impl: 'sidetone', ns_per_op: total / N });
}

export async function runRegistryBench() {
  await recording();
  await rendering();
  heapPerSeries();
  firstSight();
  const gcs = await allocationCheck();
  return { results, youngGcsDuring20MPreBoundUpdates: gcs };
}
