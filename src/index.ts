/**
 * sidetone: observability for telephony. The root export is the short list most apps need and
 * stays light (no native module, no logger, no OpenTelemetry SDK, no config parser, no zod: a
 * test holds it to that); validating untrusted events (`parseEvent`, zod) is `sidetone/events`, and
 * the telephony packs (`instrument`: eleven packs and the metric catalogue, ~25 ms of CPU to load,
 * which would make the root ~2.7x `sidetone/metrics` instead of ~1.8x) are `sidetone/telephony`.
 * Every capability has its own subpath: `sidetone/store` (SQLite call store),
 * `sidetone/analytics`, `sidetone/sinks` (store and trace sinks), `sidetone/config`,
 * `sidetone/server` (the sidecar), `sidetone/sources`, `sidetone/push`, `sidetone/logs`, ...
 *
 * @example
 * import { Registry, EventBus, createApp, serve } from 'sidetone';
 * import { instrument } from 'sidetone/telephony';
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
export { EventBus } from './events/bus.js';
export type { EventOf, EventType, SidetoneEvent } from './events/types.js';
export { detectPii } from './guard/pii.js';
export type { PiiKind } from './guard/pii-kinds.js';
export { HealthRegistry } from './health/registry.js';
export { type App, createApp } from './http/app.js';
export { serve } from './http/node.js';
export { type Counter, type Gauge, type Histogram, Registry, type Summary } from './metrics/index.js';
export { runtimeMetrics } from './runtime/metrics.js';
