export { type OtlpMetricsOptions, otlpMetrics } from './otlp-metrics.js';
export type { Label, MetricMetadata, TimeSeries, WriteRequest } from './proto.js';
export {
  type RemoteWriteOptions,
  type RemoteWriter,
  type SnapshotSource,
  startRemoteWrite,
} from './pusher.js';
export type { Segment } from './queue.js';
