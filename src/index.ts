/**
 * sidetone: observability for telephony. The root export is the short list most apps need and
 * stays light (no native module, no logger, no OpenTelemetry SDK, no config parser: a test holds
 * it to that); every capability has its own subpath: `sidetone/store` (SQLite call store),
 * `sidetone/analytics`, `sidetone/sinks` (store and trace sinks), `sidetone/config`,
 * `sidetone/server` (the sidecar), `sidetone/sources`, `sidetone/push`, `sidetone/logs`, ...
 *
 * @example
 * import { Registry, EventBus, instrument, createApp, serve } from 'sidetone';
 * const registry = new Registry();
 * const bus = new EventBus({ registry });
 * instrument(bus, registry, { packs: { sms: true, modem: true } });
 * await serve(createApp({ registry }), { port: 9464 });
 */
export {
  ConfigError,
  DefinitionError,
  LabelPolicyError,
  SidetoneError,
  StoreError,
  ValidationError,
} from './errors.js';
export { EventBus, type EventOf, type EventType, parseEvent, type SidetoneEvent } from './events/index.js';
export { detectPii, type PiiKind } from './guard/index.js';
export { HealthRegistry } from './health/index.js';
export { type App, createApp, serve } from './http/index.js';
export {
  CONTENT_TYPES,
  Counter,
  Gauge,
  Histogram,
  negotiate,
  Registry,
  Summary,
  TELEPHONY_BUCKETS,
} from './metrics/index.js';
export { runtimeMetrics } from './runtime/index.js';
export { type Instrumentation, instrument } from './telephony/index.js';
