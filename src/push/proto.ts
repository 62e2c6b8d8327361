import protobuf from 'protobufjs';

/**
 * Prometheus remote-write 1.0 messages (prompb/remote.proto and types.proto; field numbers from
 * https://prometheus.io/docs/specs/remote_write_spec/): only what a sender fills in.
 * Native histograms are not sent: classic buckets carry the same data to every receiver.
 */
const root = protobuf.Root.fromJSON({
  nested: {
    prometheus: {
      nested: {
        WriteRequest: {
          fields: {
            timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 },
            metadata: { rule: 'repeated', type: 'MetricMetadata', id: 3 },
          },
        },
        TimeSeries: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            samples: { rule: 'repeated', type: 'Sample', id: 2 },
            exemplars: { rule: 'repeated', type: 'Exemplar', id: 3 },
          },
        },
        Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        Exemplar: {
          fields: {
            labels: { rule: 'repeated', type: 'Label', id: 1 },
            value: { type: 'double', id: 2 },
            timestamp: { type: 'int64', id: 3 },
          },
        },
        MetricMetadata: {
          fields: {
            type: { type: 'MetricType', id: 1 },
            metricFamilyName: { type: 'string', id: 2 },
            help: { type: 'string', id: 4 },
            unit: { type: 'string', id: 5 },
          },
        },
        MetricType: {
          values: {
            UNKNOWN: 0,
            COUNTER: 1,
            GAUGE: 2,
            HISTOGRAM: 3,
            GAUGEHISTOGRAM: 4,
            SUMMARY: 5,
            INFO: 6,
            STATESET: 7,
          },
        },
      },
    },
  },
});

/** `prometheus.WriteRequest`, resolved once. */
export const WriteRequestType = root.lookupType('prometheus.WriteRequest');

export interface Label {
  name: string;
  value: string;
}
export interface TimeSeries {
  labels: Label[];
  samples: Array<{ value: number; timestamp: number }>;
  exemplars?: Array<{ labels: Label[]; value: number; timestamp: number }>;
}
export interface MetricMetadata {
  type: number;
  metricFamilyName: string;
  help: string;
  unit?: string;
}
export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata?: MetricMetadata[];
}
