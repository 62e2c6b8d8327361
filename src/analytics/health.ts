/**
 * Health indicators over the call store, for readiness as a non-critical check: they warn, they
 * never fail readiness (a quiet night is not an outage of sidetone).
 */
import type { SidetoneConfig } from '../config/schema.js';
import { showValue, ValidationError } from '../errors.js';
import { ALERT_DEFAULTS, CALL_HEALTH_WINDOW_MINUTES } from '../rules/thresholds.js';
import type { CallStore } from '../store/types.js';
import { percent } from './kpi.js';

/** `low_success_rate`: `/metrics/health` only, the voice-skill's verdict where NER has too few attempts. */
export type HealthWarningCode = 'low_ner' | 'zombie_calls' | 'no_traffic' | 'low_success_rate';

export interface HealthWarning {
  code: HealthWarningCode;
  message: string;
  value: number | null;
  threshold: number;
  /** The trunk a `low_ner` warning is about (`other`: any unconfigured trunk, or none). */
  trunk?: string;
}

/** One trunk's NER over the call-health window. */
export interface TrunkNer {
  trunk: string;
  /** Attempts (ended, not a 401/407 challenge): the NER denominator. */
  attempts: number;
  /** %, null without attempts. */
  ner: number | null;
}

export interface HealthIndicators {
  status: 'ok' | 'warning';
  /** Always false: these indicators never make readiness fail. */
  critical: false;
  warnings: HealthWarning[];
  /** Completed / finished calls over the window, %, null when none finished (shown, never warned on). */
  successRate: number | null;
  /**
   * NER (ITU-T E.425) per trunk over the last `windowSeconds`: what `low_ner` warns on, the same
   * verdict as the SidetoneTrunkNerLow alert. Busiest trunk first.
   */
  ner: { windowSeconds: number; minPercent: number; minAttempts: number; trunks: TrunkNer[] };
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
  /** Warn when a trunk's NER over the last 15 minutes is below this, % (`alerts.ner_min_percent`, default 70). */
  minNerPercent?: number;
  /** ... with at least this many attempts (`alerts.kpi_min_attempts`, default 20). */
  minAttempts?: number;
  /** Warn when no call or SMS has been seen for this long, seconds (default 900). */
  silenceSeconds?: number;
  /** Calls active longer than this are zombies, seconds (default 14400 = 4 h). */
  maxActiveSeconds?: number;
  /** Window for the success rate and call counts, seconds (default 3600). */
  windowSeconds?: number;
}

/**
 * The options `[alerts]` and `[store]` give: the thresholds the generated rules use, so every
 * surface reaches the same verdict.
 * @example healthIndicators(store, healthOptions(loadConfig()))
 */
export function healthOptions(
  config: Pick<SidetoneConfig, 'alerts' | 'store'>,
): HealthOptions & { maxActiveSeconds: number } {
  return {
    minNerPercent: config.alerts.ner_min_percent,
    minAttempts: config.alerts.kpi_min_attempts,
    maxActiveSeconds: config.store.zombie_max_seconds,
  };
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
 * NER per trunk, zombie calls, and silence, as warnings. NER (ITU-T E.425, docs/kpis.md) counts
 * busy, no answer and declined as effective: a hard-coded 80 % success rate that counted them as
 * failures kept a healthy demo (55-57 %) warning forever.
 *
 * @example
 * ```ts
 * const h = await healthIndicators(store, { minNerPercent: 80, silenceSeconds: 600, maxActiveSeconds: 7200 });
 * if (h.status === 'warning') for (const w of h.warnings) log.warn(w.message);
 * ```
 */
export async function healthIndicators(
  store: CallStore,
  opts: HealthOptions = {},
): Promise<HealthIndicators> {
  const {
    now = Date.now(),
    minNerPercent = ALERT_DEFAULTS.ner_min_percent,
    minAttempts = ALERT_DEFAULTS.kpi_min_attempts,
    silenceSeconds = 900,
    maxActiveSeconds = 14_400,
    windowSeconds = 3600,
  } = opts;
  positive('silenceSeconds', silenceSeconds);
  positive('maxActiveSeconds', maxActiveSeconds);
  positive('windowSeconds', windowSeconds);
  positive('minAttempts', minAttempts);
  if (!(minNerPercent >= 0 && minNerPercent <= 100)) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_HEALTH_OPTION',
      `minNerPercent must be a percentage in 0..100, got ${showValue(minNerPercent)}`,
      [{ path: 'minNerPercent', message: '0..100' }],
    );
  }
  const nerSeconds = CALL_HEALTH_WINDOW_MINUTES * 60;
  const [stats, trunks, zombieCalls, lastActivityAt] = await Promise.all([
    store.stats({ from: now - windowSeconds * 1000, to: now + 1 }),
    nerByTrunk(store, { from: now - nerSeconds * 1000, to: now + 1 }),
    store.countActiveSince(now - maxActiveSeconds * 1000),
    store.lastActivityAt(),
  ]);
  const warnings: HealthWarning[] = [];
  for (const t of trunks) {
    if (t.ner === null || t.attempts < minAttempts || t.ner >= minNerPercent) continue;
    warnings.push({
      code: 'low_ner',
      message: `NER on trunk ${t.trunk} over the last ${CALL_HEALTH_WINDOW_MINUTES} min is ${t.ner}% (${t.attempts} attempts), below ${minNerPercent}% (alerts.ner_min_percent): the network is failing calls`,
      value: t.ner,
      threshold: minNerPercent,
      trunk: t.trunk,
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
    successRate: percent(stats.byStatus.completed, stats.finished),
    ner: { windowSeconds: nerSeconds, minPercent: minNerPercent, minAttempts, trunks },
    calls: stats.total,
    activeCalls: stats.active,
    avgDurationSeconds:
      stats.durationCount > 0 ? Math.round(stats.durationMsSum / stats.durationCount / 100) / 10 : null,
    finishedCalls: stats.finished,
    zombieCalls,
    lastActivityAt,
  };
}

/**
 * NER per trunk over a range, grouped as the metrics label them: each configured trunk by its
 * name, and every other call (an unconfigured trunk, stored as `other`, or none) as `other`.
 */
async function nerByTrunk(store: CallStore, q: { from: number; to: number }): Promise<TrunkNer[]> {
  const { stats: all, breakdown } = await store.overview(q, 'hour');
  const names = Object.keys(breakdown.byTrunk).filter((t) => t !== 'other' && t !== 'unknown');
  const named = await Promise.all(names.map((trunk) => store.stats({ ...q, trunk })));
  const sum = (key: 'finished' | 'networkEffective') => named.reduce((n, st) => n + st[key], 0);
  const groups: Array<[string, number, number]> = [
    ...named.map((st, i): [string, number, number] => [names[i] as string, st.finished, st.networkEffective]),
    ['other', all.finished - sum('finished'), all.networkEffective - sum('networkEffective')],
  ];
  return groups
    .filter(([, attempts]) => attempts > 0)
    .map(([trunk, attempts, effective]) => ({ trunk, attempts, ner: percent(effective, attempts) }))
    .sort((a, b) => b.attempts - a.attempts || a.trunk.localeCompare(b.trunk));
}
