import { createRequire } from 'node:module';

type Api = typeof import('@opentelemetry/api');
let api: Api | undefined;

/**
 * @opentelemetry/api, loaded at the first call (CommonJS, so in step): 45 modules, 19-24 ms of CPU
 * and under 1 MiB of RSS that a sidecar without tracing paid at start-up (issue 39). Whoever starts a span,
 * reads a span context or registers an SDK loads it; nothing else needs it.
 * @example otelApi().trace.getTracer('sidetone')
 */
export const otelApi = (): Api => (api ??= createRequire(import.meta.url)('@opentelemetry/api') as Api);

/**
 * The API's major version: its globals live under `Symbol.for('opentelemetry.js.api.<major>')`
 * (@opentelemetry/api src/internal/global-utils.ts), shared by every copy of the API in a process.
 */
export const OTEL_API_MAJOR = 1;
const GLOBALS = Symbol.for(`opentelemetry.js.api.${OTEL_API_MAJOR}`);

/**
 * Whether the API may have something other than its no-op for `kind`: it is loaded already, or
 * some copy of it registered a global tracer provider (`trace`) or context manager (`context`), as
 * an SDK does, early or late. False means the API would answer with its no-ops (no span, the root
 * context), so a caller may skip loading it; true means ask it, as before.
 * @example if (otelRegistered('trace')) span = otelApi().trace.getTracer('x').startSpan('call');
 */
export function otelRegistered(kind: 'trace' | 'context'): boolean {
  if (api !== undefined) return true;
  const globals = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[GLOBALS];
  return globals?.[kind] !== undefined;
}
