import type { Registry } from '../metrics/index.js';
import type { CheckStatus, HealthRegistry } from './registry.js';

const STATUSES: readonly CheckStatus[] = ['pass', 'fail', 'unknown'];

/**
 * Export health as metrics. A scrape reads the last results (`HealthRegistry#snapshot`) and never
 * runs a check: the pull checks run in the background every `refreshMs` (default 10 s) and on
 * every readiness probe, so a slow store query cannot slow or fail a scrape.
 *
 * Names start with the registry's prefix (`sidetone` by default):
 * - `sidetone_health_check_status{check,status}`: the enum pattern, 1 on the current status and
 *   0 on the other two. Unknown is its own series, never a 0 that reads as "fail" (or as "pass"
 *   after a `== 0` alert), and `sum by (check)` is always 1.
 * - `sidetone_health_check_critical{check}`: 1 when readiness depends on the check.
 * - `sidetone_health_check_age_seconds{check}`: age of the result; absent while never reported.
 * - `sidetone_ready`: 1 when every critical check passes.
 *
 * Call `health.close()` to stop the background refresh.
 *
 * @example
 * exportHealthMetrics(registry, health);
 * // alert: sidetone_health_check_status{status!="pass"} == 1 and on(check) sidetone_health_check_critical == 1
 */
export function exportHealthMetrics(
  registry: Registry,
  health: HealthRegistry,
  options: { refreshMs?: number } = {},
): void {
  // Only the first scrape waits, for the first run (started here), so no check reads unknown
  // merely because the process just started; and the first after a spell with no scrape, when the
  // refresh had parked (HealthRegistry#fresh), so no scrape reads results older than the period.
  void health.refreshEvery(options.refreshMs ?? 10_000);
  const critical = registry.gauge({
    name: `${registry.prefix}_health_check_critical`,
    help: 'Whether readiness depends on the health check (1) or not (0)',
    labels: ['check'],
  });
  const age = registry.gauge({
    name: `${registry.prefix}_health_check_age_seconds`,
    help: 'Age of the health check result in seconds',
    unit: 'seconds',
    labels: ['check'],
  });
  const ready = registry.gauge({
    name: `${registry.prefix}_ready`,
    help: 'Whether every critical health check passes (1) or not (0)',
  });
  registry.gauge({
    name: `${registry.prefix}_health_check_status`,
    help: 'Health check status: 1 on the current status (pass, fail or unknown), 0 on the others',
    labels: ['check', 'status'],
    enums: { status: STATUSES },
    collect: async (status) => {
      const report = await health.fresh();
      // Rebuild from scratch: a check that was unregistered must disappear, not freeze.
      status.clear();
      critical.clear();
      age.clear();
      for (const [check, state] of Object.entries(report.checks)) {
        for (const s of STATUSES) status.labels({ check, status: s }).set(state.status === s ? 1 : 0);
        critical.labels({ check }).set(state.critical ? 1 : 0);
        if (state.age_seconds !== null) age.labels({ check }).set(state.age_seconds);
      }
      ready.set(report.ready ? 1 : 0);
    },
  });
}
