/**
 * Prometheus rules generated from the metric catalogue: KPI recording rules and alerts.
 * @example
 * import { renderRules } from 'sidetone/rules';
 * process.stdout.write(renderRules({ alerts: { job: 'pbx-sidecar' } }));
 */
export type { AlertRule, Severity } from './alert-rule.js';
export { alertRules } from './alerts.js';
export { KPI_NAMES, KPIS, type KpiName, type KpiQueryOptions, type KpiSpec, kpiQuery } from './kpi.js';
export { KPI_BY, KPI_WINDOWS, type RecordingRule, recordingRules, recordName } from './recording.js';
export { type GenerateOptions, renderRules } from './render.js';
export { ALERT_DEFAULTS, type AlertSettings, CALL_HEALTH_WINDOW_MINUTES } from './thresholds.js';
export { voiceAlerts, voiceRecordingRules, voiceRecordName } from './voice.js';
