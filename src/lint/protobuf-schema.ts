/**
 * `io.prometheus.client.MetricFamily` for reading any exposer's protobuf: every field of
 * prometheus/client_model io/prometheus/client/metrics.proto (untyped metrics, timestamps, gauge
 * histograms, float and negative native buckets), where the registry's writer
 * (src/metrics/protobuf.ts) declares only what it writes.
 */
import protobuf from 'protobufjs';

const f = (type: string, id: number, repeated = false) =>
  repeated ? { type, id, rule: 'repeated' as const } : { type, id };

const root = protobuf.Root.fromJSON({
  nested: {
    LabelPair: { fields: { name: f('string', 1), value: f('string', 2) } },
    Timestamp: { fields: { seconds: f('int64', 1), nanos: f('int32', 2) } },
    Gauge: { fields: { value: f('double', 1) } },
    Untyped: { fields: { value: f('double', 1) } },
    Counter: {
      fields: { value: f('double', 1), exemplar: f('Exemplar', 2), createdTimestamp: f('Timestamp', 3) },
    },
    Quantile: { fields: { quantile: f('double', 1), value: f('double', 2) } },
    Summary: {
      fields: {
        sampleCount: f('uint64', 1),
        sampleSum: f('double', 2),
        quantile: f('Quantile', 3, true),
        createdTimestamp: f('Timestamp', 4),
      },
    },
    Histogram: {
      fields: {
        sampleCount: f('uint64', 1),
        sampleCountFloat: f('double', 4),
        sampleSum: f('double', 2),
        bucket: f('Bucket', 3, true),
        createdTimestamp: f('Timestamp', 15),
        schema: f('sint32', 5),
        zeroThreshold: f('double', 6),
        zeroCount: f('uint64', 7),
        zeroCountFloat: f('double', 8),
        negativeSpan: f('BucketSpan', 9, true),
        negativeDelta: f('sint64', 10, true),
        negativeCount: f('double', 11, true),
        positiveSpan: f('BucketSpan', 12, true),
        positiveDelta: f('sint64', 13, true),
        positiveCount: f('double', 14, true),
        exemplars: f('Exemplar', 16, true),
      },
    },
    Bucket: {
      fields: {
        cumulativeCount: f('uint64', 1),
        cumulativeCountFloat: f('double', 4),
        upperBound: f('double', 2),
        exemplar: f('Exemplar', 3),
      },
    },
    BucketSpan: { fields: { offset: f('sint32', 1), length: f('uint32', 2) } },
    Exemplar: {
      fields: { label: f('LabelPair', 1, true), value: f('double', 2), timestamp: f('Timestamp', 3) },
    },
    Metric: {
      fields: {
        label: f('LabelPair', 1, true),
        gauge: f('Gauge', 2),
        counter: f('Counter', 3),
        summary: f('Summary', 4),
        untyped: f('Untyped', 5),
        histogram: f('Histogram', 7),
        timestampMs: f('int64', 6),
      },
    },
    MetricFamily: {
      fields: {
        name: f('string', 1),
        help: f('string', 2),
        type: f('int32', 3),
        metric: f('Metric', 4, true),
        unit: f('string', 5),
      },
    },
  },
});

export const MetricFamilyReader = root.lookupType('MetricFamily');

/** The enum MetricType, by number. */
export const PROTO_TYPES = ['counter', 'gauge', 'summary', 'untyped', 'histogram', 'gaugehistogram'] as const;

type Long = number | { toNumber(): number };
export interface PbTimestamp {
  seconds?: Long;
  nanos?: number;
}
export interface PbLabel {
  name?: string;
  value?: string;
}
export interface PbExemplar {
  label?: PbLabel[];
  value?: number;
  timestamp?: PbTimestamp;
}
export interface PbSpan {
  offset?: number;
  length?: number;
}
export interface PbHistogram {
  sampleCount?: Long;
  sampleCountFloat?: number;
  sampleSum?: number;
  bucket?: Array<{
    cumulativeCount?: Long;
    cumulativeCountFloat?: number;
    upperBound?: number;
    exemplar?: PbExemplar;
  }>;
  createdTimestamp?: PbTimestamp;
  schema?: number;
  zeroThreshold?: number;
  zeroCount?: Long;
  zeroCountFloat?: number;
  negativeSpan?: PbSpan[];
  negativeDelta?: Long[];
  negativeCount?: number[];
  positiveSpan?: PbSpan[];
  positiveDelta?: Long[];
  positiveCount?: number[];
  exemplars?: PbExemplar[];
}
export interface PbMetric {
  label?: PbLabel[];
  gauge?: { value?: number };
  counter?: { value?: number; exemplar?: PbExemplar; createdTimestamp?: PbTimestamp };
  summary?: {
    sampleCount?: Long;
    sampleSum?: number;
    quantile?: Array<{ quantile?: number; value?: number }>;
    createdTimestamp?: PbTimestamp;
  };
  untyped?: { value?: number };
  histogram?: PbHistogram;
  timestampMs?: Long;
}
export interface PbFamily {
  name?: string;
  help?: string;
  type?: number;
  metric?: PbMetric[];
  unit?: string;
}

/** An int64/uint64 field as a number (protobufjs gives a Long beyond 2^53, or with long.js). */
export const num = (v: Long | undefined): number =>
  v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber();

/** A Timestamp as seconds. */
export const seconds = (t: PbTimestamp): number => num(t.seconds) + (t.nanos ?? 0) / 1e9;
