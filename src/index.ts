/**
 * sidetone: observability for telephony. The root export is the short list most apps need; every
 * capability has its own subpath (`sidetone/metrics`, `sidetone/events`, `sidetone/telephony`,
 * `sidetone/health`, `sidetone/http`, `sidetone/store`, `sidetone/analytics`, ...).
 *
 * @example
 * import { Registry, EventBus, instrument, createApp, serve } from 'sidetone';
 * const registry = new Registry();
 * const bus = new EventBus({ registry });
 * instrument(bus, registry, { packs: { sms: true, modem: true } });
 * await serve(createApp({ registry }), { port: 9464 });
 */
export { dashboard, exportCalls, failures, healthIndicators } from './analytics/index.js';
export { loadConfig, type SidetoneConfig } from './config/index.js';
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
export { startSidecar } from './server/index.js';
export { storeSink, traceSink } from './sinks/index.js';
export { ingestRoute, Simulator } from './sources/index.js';
export { type CallStore, openSqliteCallStore } from './store/index.js';
export { type Instrumentation, instrument } from './telephony/index.js';
