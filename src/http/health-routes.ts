import type { HealthRegistry, HealthReport } from '../health/registry.js';
import type { JsonReply } from './respond.js';
import type { Handler } from './router.js';

/**
 * The single-URL contract some apps expect on `/healthz` (Callstack's SMS gateway):
 * 200 `{"status":"ready","modem_connected":true,"uptime_seconds":…,"sms_store_ready":true}`,
 * 503 `{"status":"degraded",…}`. Each field is true when the named check passes.
 */
export interface CompatHealthzOptions {
  /** Body field → check name. Default `{ modem_connected: 'modem', sms_store_ready: 'call_store' }`. */
  fields?: Readonly<Record<string, string>>;
}

/**
 * The check the sidecar registers for its store. One store keeps calls and SMS, so Callstack's
 * `sms_store_ready` reads it.
 */
export const STORE_CHECK = 'call_store';

export const CALLSTACK_FIELDS: Readonly<Record<string, string>> = {
  modem_connected: 'modem',
  sms_store_ready: STORE_CHECK,
};

const startedAt = performance.now();

/** Seconds since the module loaded (the process serving), one decimal. */
export function uptimeSeconds(): number {
  return Math.round((performance.now() - startedAt) / 100) / 10;
}

/**
 * Liveness: 200 while the process can answer at all, with uptime, version and, when counted, the
 * calls in progress. It runs no check: a liveness probe that fails on a dependency restarts a
 * healthy process for someone else's outage.
 * @example
 * router.add('GET', '/healthz', livenessRoute('1.2.0', () => calls.active()), 'none');
 */
export function livenessRoute(version: string, activeCalls?: () => number | undefined): Handler {
  return () => {
    const body: Record<string, unknown> = { status: 'ok', uptime_seconds: uptimeSeconds(), version };
    // Absent rather than 0 when nothing counts calls: unknown is not zero.
    const active = activeCalls?.();
    if (active !== undefined) body.active_calls = active;
    return { status: 200, body };
  };
}

/**
 * Readiness: 200 `{status:"ready",checks}` only when every critical check passes, else 503
 * `{status:"degraded",checks}` with each check's status, sanitised detail and age.
 * @example
 * router.add('GET', '/readyz', readinessRoute(health), 'none');
 */
export function readinessRoute(health: HealthRegistry): Handler {
  return () => readinessReply(health);
}

/**
 * The readiness answer, as a reply: node:http writes it as it is (no web `Request` or `Response`,
 * whose code costs ~20 ms of CPU and ~12 MiB to load, on the probe that ends start-up; issue 39).
 * @example
 * const { status, body } = await readinessReply(health);
 */
export async function readinessReply(health: HealthRegistry): Promise<JsonReply> {
  const report = await health.run();
  return {
    status: report.ready ? 200 : 503,
    body: { status: report.ready ? 'ready' : 'degraded', checks: report.checks },
  };
}

/**
 * The readiness contract in the compat shape (see {@link CompatHealthzOptions}).
 * @example
 * router.add('GET', '/healthz', compatHealthzRoute(health, {}), 'none');
 */
export function compatHealthzRoute(health: HealthRegistry, options: CompatHealthzOptions = {}): Handler {
  const fields = options.fields ?? CALLSTACK_FIELDS;
  return async () => {
    const report = await health.run();
    return { status: report.ready ? 200 : 503, body: compatBody(report, fields) };
  };
}

function compatBody(report: HealthReport, fields: Readonly<Record<string, string>>): Record<string, unknown> {
  const body: Record<string, unknown> = { status: report.ready ? 'ready' : 'degraded' };
  let first = true;
  for (const [field, check] of Object.entries(fields)) {
    body[field] = report.checks[check]?.status === 'pass';
    // The contract puts uptime after the first field; JSON consumers do not care, humans reading curl do.
    if (first) body.uptime_seconds = uptimeSeconds();
    first = false;
  }
  if (first) body.uptime_seconds = uptimeSeconds();
  return body;
}
