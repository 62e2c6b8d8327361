/**
 * Merging the snapshots of several processes (Node `cluster` workers, `worker_threads`) into one
 * exposition, by what each type means: counters summed, histograms summed bucket by bucket, gauges
 * by a declared policy, summaries never summed (their quantiles cannot be added: each worker's
 * series keeps a `worker` label), info families once.
 */
import type { FamilySnapshot, HistogramValue, LabelPairs, SeriesSnapshot } from '../metrics/snapshot.js';

/** How the gauges of one family combine across workers. */
export type GaugePolicy = 'sum' | 'max' | 'min' | 'per_worker';

export interface MergeOptions {
  /** Per family name; default `sum` (queue depths, active calls: totals across workers). */
  gauges?: Readonly<Record<string, GaugePolicy>>;
  /** The label that tells workers apart where series are kept per worker. Default `worker`. */
  workerLabel?: string;
}

const key = (labels: LabelPairs) => labels.map(([n, v]) => `${n}\u0000${v}`).join('\u0001');

/**
 * One family list from many: `snapshots` maps a worker id to its last snapshot.
 * @example
 * const merged = mergeSnapshots(new Map([['1', a.snapshot()], ['2', b.snapshot()]]), { gauges: { queue_depth: 'max' } });
 */
export function mergeSnapshots(
  snapshots: ReadonlyMap<string, readonly FamilySnapshot[]>,
  options: MergeOptions = {},
): FamilySnapshot[] {
  const workerLabel = options.workerLabel ?? 'worker';
  const families = new Map<string, { family: FamilySnapshot; series: Map<string, SeriesSnapshot> }>();
  for (const [worker, list] of snapshots) {
    for (const f of list) {
      let acc = families.get(f.name);
      if (acc === undefined) {
        const { series: _s, ...head } = f;
        acc = { family: { ...head, series: [] }, series: new Map() };
        families.set(f.name, acc);
      }
      const policy = f.type === 'gauge' ? (options.gauges?.[f.name] ?? 'sum') : undefined;
      const perWorker = f.type === 'summary' || policy === 'per_worker';
      for (const s of f.series) {
        const labels: LabelPairs = perWorker ? [...s.labels, [workerLabel, worker]] : s.labels;
        const k = key(labels);
        const prev = acc.series.get(k);
        if (prev === undefined) acc.series.set(k, { ...s, labels });
        else if (f.type === 'histogram' && !sameBounds(prev.histogram, s.histogram)) {
          // Workers disagree on the buckets (a deploy in progress): kept apart, never mis-added.
          const own: LabelPairs = [...s.labels, [workerLabel, worker]];
          acc.series.set(key(own), { ...s, labels: own });
        } else acc.series.set(k, combine(prev, s, f.type, policy));
      }
    }
  }
  return [...families.values()].map(({ family, series }) => ({ ...family, series: [...series.values()] }));
}

function combine(a: SeriesSnapshot, b: SeriesSnapshot, type: FamilySnapshot['type'], policy?: GaugePolicy) {
  const out: SeriesSnapshot = { ...a };
  if (a.createdMs !== undefined && b.createdMs !== undefined)
    out.createdMs = Math.min(a.createdMs, b.createdMs);
  if (type === 'counter') out.value = (a.value ?? 0) + (b.value ?? 0);
  else if (type === 'gauge') {
    const x = a.value ?? 0;
    const y = b.value ?? 0;
    out.value = policy === 'max' ? Math.max(x, y) : policy === 'min' ? Math.min(x, y) : x + y;
  } else if (type === 'histogram' && a.histogram !== undefined && b.histogram !== undefined) {
    out.histogram = addHistograms(a.histogram, b.histogram);
  }
  // info: identical label sets are one series; the value is 1 either way.
  if (b.exemplar !== undefined) out.exemplar = b.exemplar;
  return out;
}

function sameBounds(a: HistogramValue | undefined, b: HistogramValue | undefined): boolean {
  if (a === undefined || b === undefined || a.buckets.length !== b.buckets.length) return false;
  return a.buckets.every((x, i) => x.le === b.buckets[i]?.le);
}

/** Bucket by bucket (same bounds: checked by the caller). */
function addHistograms(a: HistogramValue, b: HistogramValue): HistogramValue {
  return {
    count: a.count + b.count,
    sum: a.sum + b.sum,
    buckets: a.buckets.map((x, i) => ({ le: x.le, count: x.count + (b.buckets[i]?.count ?? 0) })),
  };
}
