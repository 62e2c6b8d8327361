export { type OtelOptions, type OtelTracing, otelTracing, otlpTracesUrl } from './otel.js';
export {
  type DeadLetter,
  mediaSummary,
  type StoreSink,
  type StoreSinkOptions,
  type StoreSinkState,
  storeSink,
} from './store-sink.js';
export { type TraceSink, type TraceSinkOptions, traceSink } from './trace-sink.js';
