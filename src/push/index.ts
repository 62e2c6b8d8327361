export { type OtlpMetricsOptions, otlpMetrics, registryProducer, toOtelMetrics } from './otlp-metrics.js';
export type { Label, MetricMetadata, TimeSeries, WriteRequest } from './proto.js';
export {
  type RemoteWriteOptions,
  type RemoteWriter,
  type SnapshotSource,
  startRemoteWrite,
} from './pusher.js';
export { DiskQueue, type Segment } from './queue.js';
export { encodeWriteRequest, toWriteRequest } from './remote-write.js';
