/**
 * Health indicators over the call store, for readiness as a non-critical check: they warn, they
 * never fail readiness (a quiet night is not an outage of sidetone).
 */
import { showValue, ValidationError } from '../errors.js';
import type { CallStore } from '../store/types.js';
import { percent } from './kpi.js';

export type HealthWarningCode = 'low_success_rate' | 'zombie_calls' | 'no_traffic';

export interface HealthWarning {
  code: HealthWarningCode;
  message: string;
  value: number | null;
  threshold: number;
}

export interface HealthIndicators {
  status: 'ok' | 'warning';
  /** Always false: these indicators never make readiness fail. */
  critical: false;
  warnings: HealthWarning[];
  /** Completed / finished calls over the window, %, null when none finished. */
  successRate: number | null;
  /** Calls filed in the window, active ones included. */
  calls: number;
  /** Calls of the window still in progress. */
  activeCalls: number;
  /** Mean duration of the window's answered calls, s; null when none. */
  avgDurationSeconds: number | null;
  finishedCalls: number;
  zombieCalls: number;
  lastActivityAt: number | null;
}

export interface HealthOptions {
  now?: number;
  /** Warn when the success rate over the window is below this, % (default 80). */
  minSuccessRate?: number;
  /** Warn when no call or SMS has been seen for this long, seconds (default 900). */
  silenceSeconds?: number;
  /** Calls active longer than this are zombies, seconds (default 14400 = 4 h). */
  maxActiveSeconds?: number;
  /** Window for the success rate, seconds (default 3600). */
  windowSeconds?: number;
  /** Below this many finished calls the rate is too noisy to warn on (default 5). */
  minCalls?: number;
}

function positive(name: string, v: number): void {
  if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_HEALTH_OPTION',
      `${name} must be a positive number, got ${showValue(v)}`,
      [{ path: name, message: 'positive number' }],
    );
  }
}

/**
 * Success rate over the last window, zombie calls, and silence, as warnings.
 *
 * @example
 * ```ts
 * const h = await healthIndicators(store, { minSuccessRate: 70, silenceSeconds: 600, maxActiveSeconds: 7200 });
 * if (h.status === 'warning') for (const w of h.warnings) log.warn(w.message);
 * ```
 */
export async function healthIndicators(
  store: CallStore,
  opts: HealthOptions = {},
): Promise<HealthIndicators> {
  const {
    now = Date.now(),
    minSuccessRate = 80,
    silenceSeconds = 900,
    maxActiveSeconds = 14_400,
    windowSeconds = 3600,
    minCalls = 5,
  } = opts;
  positive('silenceSeconds', silenceSeconds);
  positive('maxActiveSeconds', maxActiveSeconds);
  positive('windowSeconds', windowSeconds);
  if (!(minSuccessRate >= 0 && minSuccessRate <= 100)) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_HEALTH_OPTION',
      `minSuccessRate must be a percentage in 0..100, got ${showValue(minSuccessRate)}`,
      [{ path: 'minSuccessRate', message: '0..100' }],
    );
  }
  const [stats, zombieCalls, lastActivityAt] = await Promise.all([
    store.stats({ from: now - windowSeconds * 1000, to: now + 1 }),
    store.countActiveSince(now - maxActiveSeconds * 1000),
    store.lastActivityAt(),
  ]);
  const successRate = percent(stats.byStatus.completed, stats.finished);
  const warnings: HealthWarning[] = [];
  if (successRate !== null && stats.finished >= minCalls && successRate < minSuccessRate) {
    warnings.push({
      code: 'low_success_rate',
      message: `call success rate over the last ${windowSeconds} s is ${successRate}% (${stats.finished} calls), below ${minSuccessRate}%`,
      value: successRate,
      threshold: minSuccessRate,
    });
  }
  if (zombieCalls > 0) {
    warnings.push({
      code: 'zombie_calls',
      message: `${zombieCalls} call(s) active for more than ${maxActiveSeconds} s; run the call cleanup (POST /calls/cleanup)`,
      value: zombieCalls,
      threshold: maxActiveSeconds,
    });
  }
  const silentFor = lastActivityAt === null ? null : Math.max(0, (now - lastActivityAt) / 1000);
  if (silentFor === null || silentFor > silenceSeconds) {
    warnings.push({
      code: 'no_traffic',
      message:
        silentFor === null
          ? 'no call or SMS has been recorded yet'
          : `no call or SMS for ${Math.round(silentFor)} s (more than ${silenceSeconds} s)`,
      value: silentFor === null ? null : Math.round(silentFor),
      threshold: silenceSeconds,
    });
  }
  return {
    status: warnings.length > 0 ? 'warning' : 'ok',
    critical: false,
    warnings,
    successRate,
    calls: stats.total,
    activeCalls: stats.active,
    avgDurationSeconds:
      stats.durationCount > 0 ? Math.round(stats.durationMsSum / stats.durationCount / 100) / 10 : null,
    finishedCalls: stats.finished,
    zombieCalls,
    lastActivityAt,
  };
}
