/**
 * The sinks that turn bus events into stored rows and call spans. The OpenTelemetry SDK behind
 * `otelTracing` is its own subpath (`sidetone/sinks/otel`): a store sink does not load it.
 */
export {
  type DeadLetter,
  type StoreSink,
  type StoreSinkOptions,
  type StoreSinkState,
  storeSink,
} from './store-sink.js';
export { type TraceSink, type TraceSinkOptions, traceSink } from './trace-sink.js';
