/**
 * Call analytics over a {@link CallStore}: one module behind HTTP, CLI and the dashboard.
 *
 * @example
 * ```ts
 * import { dashboard, failures, hourly, exportCalls, healthIndicators } from 'sidetone/analytics';
 * const d = await dashboard(store, { from: Date.now() - 86_400_000, to: Date.now() });
 * ```
 */
export { type Dashboard, type DashboardOptions, type Delta, dashboard } from './dashboard.js';
export { type ExportFormat, type ExportOptions, type ExportRow, exportCalls } from './export.js';
export {
  type FailedCall,
  type FailureGroup,
  type FailuresOptions,
  failureGroups,
  failures,
} from './failures.js';
export {
  type HealthIndicators,
  type HealthOptions,
  type HealthWarning,
  type HealthWarningCode,
  healthIndicators,
  type TrunkNer,
} from './health.js';
export type { EndToEndKpis, Kpis } from './kpi.js';
export {
  type ModemChange,
  type ModemHistory,
  type ModemHistoryView,
  type ModemTimelineEntry,
  type ModemTrendPoint,
  modemHistory,
} from './modem.js';
export { daily, hourly, type SeriesFilters, type SeriesPoint } from './series.js';
export { type SmsSummary, smsSummary } from './sms.js';
export { type TrunkKpis, type TrunksReport, trunkKpis } from './trunks.js';
export type { VoiceSkillDashboard, VoiceSkillDay, VoiceSkillHour } from './voice-skill.js';
