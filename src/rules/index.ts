/**
 * Prometheus rules generated from the metric catalogue: KPI recording rules and alerts.
 * @example
 * import { renderRules } from 'sidetone/rules';
 * process.stdout.write(renderRules({ alerts: { job: 'pbx-sidecar' } }));
 */
export type { AlertRule, Severity } from './alert-rule.js';
export { alertRules } from './alerts.js';
export type { KpiName, KpiQueryOptions, KpiSpec } from './kpi.js';
export { type RecordingRule, recordingRules } from './recording.js';
export { type GenerateOptions, renderRules } from './render.js';
export type { AlertSettings } from './thresholds.js';
