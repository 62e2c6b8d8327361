/**
 * The protobuf writer as it was before issue 50 (protobufjs 8 over the schema below), kept as the
 * reference src/metrics/protobuf.ts's own wire writer is held to, byte for byte. Test code only:
 * the registry renders protobuf with no dependency.
 */
import protobuf from 'protobufjs';
import type { ExemplarSnapshot } from '../../src/metrics/exemplar.js';
import type { FamilySnapshot, LabelPairs, SeriesSnapshot } from '../../src/metrics/snapshot.js';

const root = protobuf.Root.fromJSON({
  nested: {
    io: {
      nested: {
        prometheus: {
          nested: {
            client: {
              nested: {
                LabelPair: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
                Timestamp: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
                Gauge: { fields: { value: { type: 'double', id: 1 } } },
                Counter: {
                  fields: {
                    value: { type: 'double', id: 1 },
                    exemplar: { type: 'Exemplar', id: 2 },
                    createdTimestamp: { type: 'Timestamp', id: 3 },
                  },
                },
                Quantile: {
                  fields: { quantile: { type: 'double', id: 1 }, value: { type: 'double', id: 2 } },
                },
                Summary: {
                  fields: {
                    sampleCount: { type: 'uint64', id: 1 },
                    sampleSum: { type: 'double', id: 2 },
                    quantile: { rule: 'repeated', type: 'Quantile', id: 3 },
                    createdTimestamp: { type: 'Timestamp', id: 4 },
                  },
                },
                Histogram: {
                  fields: {
                    sampleCount: { type: 'uint64', id: 1 },
                    sampleSum: { type: 'double', id: 2 },
                    bucket: { rule: 'repeated', type: 'Bucket', id: 3 },
                    schema: { type: 'sint32', id: 5 },
                    zeroThreshold: { type: 'double', id: 6 },
                    zeroCount: { type: 'uint64', id: 7 },
                    positiveSpan: { rule: 'repeated', type: 'BucketSpan', id: 12 },
                    positiveDelta: { rule: 'repeated', type: 'sint64', id: 13 },
                    createdTimestamp: { type: 'Timestamp', id: 15 },
                    exemplars: { rule: 'repeated', type: 'Exemplar', id: 16 },
                  },
                },
                Bucket: {
                  fields: {
                    cumulativeCount: { type: 'uint64', id: 1 },
                    upperBound: { type: 'double', id: 2 },
                    exemplar: { type: 'Exemplar', id: 3 },
                  },
                },
                BucketSpan: {
                  fields: { offset: { type: 'sint32', id: 1 }, length: { type: 'uint32', id: 2 } },
                },
                Exemplar: {
                  fields: {
                    label: { rule: 'repeated', type: 'LabelPair', id: 1 },
                    value: { type: 'double', id: 2 },
                    timestamp: { type: 'Timestamp', id: 3 },
                  },
                },
                Metric: {
                  fields: {
                    label: { rule: 'repeated', type: 'LabelPair', id: 1 },
                    gauge: { type: 'Gauge', id: 2 },
                    counter: { type: 'Counter', id: 3 },
                    summary: { type: 'Summary', id: 4 },
                    histogram: { type: 'Histogram', id: 7 },
                  },
                },
                MetricType: { values: { COUNTER: 0, GAUGE: 1, SUMMARY: 2, UNTYPED: 3, HISTOGRAM: 4 } },
                MetricFamily: {
                  fields: {
                    name: { type: 'string', id: 1 },
                    help: { type: 'string', id: 2 },
                    type: { type: 'MetricType', id: 3 },
                    metric: { rule: 'repeated', type: 'Metric', id: 4 },
                    unit: { type: 'string', id: 5 },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
});

/** `io.prometheus.client.MetricFamily`, resolved once (also what tests decode with). */
export const MetricFamilyType = root.lookupType('io.prometheus.client.MetricFamily');

const TYPE = { counter: 0, gauge: 1, info: 1, summary: 2, histogram: 4 } as const;

const labelPairs = (labels: LabelPairs) => labels.map(([name, value]) => ({ name, value }));
const timestamp = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) });
const exemplar = (e: ExemplarSnapshot) => ({
  label: labelPairs(e.labels),
  value: e.value,
  ...(e.timestampMs === undefined ? {} : { timestamp: timestamp(e.timestampMs) }),
});
const created = (s: SeriesSnapshot) =>
  s.createdMs === undefined ? {} : { createdTimestamp: timestamp(s.createdMs) };

function metric(f: FamilySnapshot, s: SeriesSnapshot): Record<string, unknown> {
  const label = labelPairs(s.labels);
  if (s.histogram !== undefined) {
    const h = s.histogram;
    const ex = h.exemplars ?? [];
    const histogram: Record<string, unknown> = {
      sampleCount: h.count,
      sampleSum: h.sum,
      // +Inf is implied by sampleCount (the proto makes it optional); the Go client writes it only
      // to carry an exemplar, which would be lost otherwise.
      bucket: h.buckets
        .map((b, i) => ({
          cumulativeCount: b.count,
          upperBound: b.le,
          ...(ex[i] === undefined ? {} : { exemplar: exemplar(ex[i] as ExemplarSnapshot) }),
        }))
        .filter((b) => b.upperBound !== Number.POSITIVE_INFINITY || 'exemplar' in b),
      ...created(s),
    };
    const n = h.native;
    if (n !== undefined) {
      Object.assign(histogram, {
        schema: n.schema,
        zeroThreshold: n.zeroThreshold,
        zeroCount: n.zeroCount,
        // A native histogram with no buckets and a zero threshold of 0 needs a no-op span, or it
        // would read as a classic one (metrics.proto).
        positiveSpan:
          n.positiveSpans.length === 0 && n.zeroThreshold === 0
            ? [{ offset: 0, length: 0 }]
            : n.positiveSpans,
        positiveDelta: n.positiveDeltas,
        // Native histogram exemplars must carry a timestamp; ours always do.
        exemplars: ex.filter((e): e is ExemplarSnapshot => e?.timestampMs !== undefined).map(exemplar),
      });
    }
    return { label, histogram };
  }
  if (s.summary !== undefined) {
    const sm = s.summary;
    return {
      label,
      summary: {
        sampleCount: sm.count,
        sampleSum: sm.sum,
        quantile: sm.quantiles.map((q) => ({ quantile: q.q, value: q.value })),
        ...created(s),
      },
    };
  }
  if (f.type === 'counter') {
    return {
      label,
      counter: {
        value: s.value,
        ...(s.exemplar === undefined ? {} : { exemplar: exemplar(s.exemplar) }),
        ...created(s),
      },
    };
  }
  return { label, gauge: { value: s.value } };
}

/**
 * Encode families as delimited `MetricFamily` messages. Counter families are named with `_total`
 * and info families with `_info`, as Prometheus names their series; info is a gauge (the proto has
 * no info type).
 * @example
 * await registry.collect();
 * const body = encodeProtobuf(registry.snapshot()); // Content-Type: PROTOBUF_CONTENT_TYPE
 */
export function referenceEncode(families: Iterable<FamilySnapshot>): Uint8Array {
  const w = protobuf.Writer.create();
  for (const f of families) {
    if (f.series.length === 0) continue;
    const name = f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name;
    MetricFamilyType.encodeDelimited(
      {
        name,
        help: f.help,
        type: TYPE[f.type],
        metric: f.series.map((s) => metric(f, s)),
        ...(f.unit === undefined ? {} : { unit: f.unit }),
      },
      w,
    );
  }
  return w.finish();
}
