// The libraries the registry benchmarks run against, in the same process, behind one small
// interface: define a counter or histogram with label names, record with a label object, render.
// prom-client and its successor @prometheus-io/client share an API; the OTel SDK records through a
// meter with a reader attached (so recording really aggregates) and renders through its Prometheus
// exporter's serializer.
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import pio from '@prometheus-io/client';
import promClient from 'prom-client';
import { Registry } from '../dist/metrics/index.js';

export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function sidetone(Impl = Registry) {
  const r = new Impl({ guard: { maxSeries: 2_000_000 } });
  return {
    counter: (name, labels) => {
      const c = r.counter({ name, help: 'x', labels });
      return { inc: (l, v = 1) => c.labels(l).inc(v), bind: (l) => c.labels(l), bound: (b) => b.inc() };
    },
    histogram: (name, labels) => {
      const h = r.histogram({ name, help: 'x', labels, buckets: BUCKETS });
      return {
        observe: (l, v) => h.labels(l).observe(v),
        bind: (l) => h.labels(l),
        bound: (b, v) => b.observe(v),
      };
    },
    render: (om) => r.renderBytes(om ? 'openmetrics' : 'prometheus'),
    keep: r,
  };
}

/** prom-client and @prometheus-io/client: the same API. */
function promStyle(lib) {
  return () => {
    const r = new lib.Registry();
    const om = new lib.Registry(lib.Registry.OPENMETRICS_CONTENT_TYPE);
    const add = (m) => {
      r.registerMetric(m);
      om.registerMetric(m);
      return m;
    };
    return {
      counter: (name, labelNames) => {
        const c = add(new lib.Counter({ name, help: 'x', labelNames, registers: [] }));
        return { inc: (l, v = 1) => c.inc(l, v), bind: (l) => c.labels(l), bound: (b) => b.inc() };
      },
      histogram: (name, labelNames) => {
        const h = add(new lib.Histogram({ name, help: 'x', labelNames, buckets: BUCKETS, registers: [] }));
        return {
          observe: (l, v) => h.observe(l, v),
          bind: (l) => h.labels(l),
          bound: (b, v) => b.observe(v),
        };
      },
      // What a /metrics handler sends: the string encoded to bytes.
      render: async (openmetrics) => Buffer.from(await (openmetrics ? om : r).metrics()),
      keep: r,
    };
  };
}

function otel() {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  // The SDK caps each instrument at 2000 attribute sets by default; lift it so every library holds
  // the same series.
  const provider = new MeterProvider({
    readers: [exporter],
    views: [{ instrumentName: '*', aggregationCardinalityLimit: 2_000_000 }],
  });
  const meter = provider.getMeter('bench');
  const serializer = new PrometheusSerializer();
  return {
    counter: (name) => {
      const c = meter.createCounter(name.replace(/_total$/, ''));
      return { inc: (l, v = 1) => c.add(v, l), bind: (l) => l, bound: (l) => c.add(1, l) };
    },
    histogram: (name) => {
      const h = meter.createHistogram(name, { advice: { explicitBucketBoundaries: BUCKETS } });
      return { observe: (l, v) => h.record(v, l), bind: (l) => l, bound: (l, v) => h.record(v, l) };
    },
    // Only the text format: the exporter serves nothing else.
    render: async (openmetrics) =>
      openmetrics ? undefined : Buffer.from(serializer.serialize((await exporter.collect()).resourceMetrics)),
    keep: provider,
  };
}

/**
 * An earlier build's registry beside today's, in the same rounds, when BENCH_REGISTRY_BEFORE names
 * its dist/metrics/index.js (a worktree of the older commit, built): how a change moved the rows.
 */
const before = process.env.BENCH_REGISTRY_BEFORE
  ? (await import(process.env.BENCH_REGISTRY_BEFORE)).Registry
  : undefined;

/** Every implementation, by the name the results table uses. */
export const IMPLS = {
  sidetone: () => sidetone(),
  ...(before !== undefined && { 'sidetone (before)': () => sidetone(before) }),
  'prom-client': promStyle(promClient),
  '@prometheus-io/client': promStyle(pio),
  otel,
};
