export { type OtelOptions, type OtelTracing, otelTracing, otlpTracesUrl } from './otel.js';
export { mediaSummary, type StoreSink, type StoreSinkOptions, storeSink } from './store-sink.js';
export { type TraceSink, type TraceSinkOptions, traceSink } from './trace-sink.js';
