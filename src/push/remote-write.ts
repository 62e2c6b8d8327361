import { compress } from 'snappyjs';
import type { FamilySnapshot, LabelPairs } from '../metrics/snapshot.js';
import {
  type Label,
  type MetricMetadata,
  type TimeSeries,
  type WriteRequest,
  WriteRequestType,
} from './proto.js';

const METRIC_TYPE = { counter: 1, gauge: 2, histogram: 3, summary: 5, info: 6 } as const;

/** `le`/`quantile` values as Prometheus writes them: shortest round-trip float, `+Inf`. */
export function formatBound(n: number): string {
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

function labelsOf(
  name: string,
  pairs: LabelPairs,
  external: LabelPairs,
  extra?: readonly [string, string],
): Label[] {
  const out: Label[] = [{ name: '__name__', value: name }];
  for (const [n, v] of pairs) out.push({ name: n, value: v });
  if (extra !== undefined) out.push({ name: extra[0], value: extra[1] });
  // External labels as Prometheus applies them (config external_labels): a series' own label of
  // the same name wins.
  for (const [n, v] of external) if (!out.some((l) => l.name === n)) out.push({ name: n, value: v });
  // The spec requires labels sorted by name (and __name__ sorts first among them: '_' < 'a').
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/**
 * One remote-write request for a snapshot taken at `timestampMs`: every series of every family
 * as samples stamped with that time (counters as `<name>_total`, histograms as `_bucket{le}`,
 * `_count`, `_sum`, summaries as `{quantile}`, `_count`, `_sum`, info as `<name>_info` = 1), and
 * one metadata entry per family. Bad values (NaN counts) are sent as they are: a receiver stores
 * NaN faithfully and dropping would hide the fault.
 *
 * `external` labels go on every series that lacks them: `job` and `instance`, which a scrape would
 * have added and which dashboards, rules and a fleet's separate series depend on, and the
 * operator's own (see {@link withUp} for the `up` series a scrape would record).
 *
 * @example
 * await registry.collect();
 * const req = toWriteRequest(withUp(registry.snapshot()), Date.now(), [['job', 'sidetone'], ['instance', 'pi-1']]);
 */
export function toWriteRequest(
  families: readonly FamilySnapshot[],
  timestampMs: number,
  external: LabelPairs = [],
): WriteRequest {
  const timeseries: TimeSeries[] = [];
  const metadata: MetricMetadata[] = [];
  const t = Math.round(timestampMs);
  const push = (name: string, pairs: LabelPairs, value: number, extra?: readonly [string, string]) =>
    timeseries.push({ labels: labelsOf(name, pairs, external, extra), samples: [{ value, timestamp: t }] });
  for (const f of families) {
    metadata.push({
      type: METRIC_TYPE[f.type],
      metricFamilyName: f.name,
      help: f.help,
      ...(f.unit !== undefined && { unit: f.unit }),
    });
    for (const s of f.series) {
      switch (f.type) {
        case 'counter':
          if (s.value !== undefined) push(`${f.name}_total`, s.labels, s.value);
          break;
        case 'gauge':
          if (s.value !== undefined) push(f.name, s.labels, s.value);
          break;
        case 'info':
          push(`${f.name}_info`, s.labels, s.value ?? 1);
          break;
        case 'histogram': {
          const h = s.histogram;
          if (h === undefined) break;
          for (const b of h.buckets) push(`${f.name}_bucket`, s.labels, b.count, ['le', formatBound(b.le)]);
          push(`${f.name}_count`, s.labels, h.count);
          push(`${f.name}_sum`, s.labels, h.sum);
          break;
        }
        case 'summary': {
          const q = s.summary;
          if (q === undefined) break;
          for (const x of q.quantiles) push(f.name, s.labels, x.value, ['quantile', formatBound(x.q)]);
          push(`${f.name}_count`, s.labels, q.count);
          push(`${f.name}_sum`, s.labels, q.sum);
          break;
        }
      }
    }
  }
  return { timeseries, metadata };
}

/** Protobuf-encode and Snappy-compress (block format) a request: the body to POST. */
export function encodeWriteRequest(req: WriteRequest): Uint8Array {
  const bytes = WriteRequestType.encode(WriteRequestType.fromObject(req)).finish();
  return compress(bytes);
}

/** Samples in a request (what the queue counts when it must drop a segment). */
export function sampleCount(req: WriteRequest): number {
  let n = 0;
  for (const ts of req.timeseries) n += ts.samples.length;
  return n;
}
