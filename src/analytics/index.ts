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
export {
  csvField,
  csvHeader,
  csvLine,
  EXPORT_COLUMNS,
  EXPORT_DEFAULTS,
  type ExportFormat,
  type ExportOptions,
  type ExportRow,
  exportCalls,
  toExportRow,
} from './export.js';
export {
  FAILURE_STATUSES,
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
  healthOptions,
  type TrunkNer,
} from './health.js';
export { KPI_DEFINITIONS, type Kpis, kpisFromStats, percent } from './kpi.js';
export {
  MODEM_TIMELINE_MAX,
  MODEM_TREND_POINTS,
  type ModemChange,
  type ModemHistory,
  type ModemHistoryView,
  type ModemTimelineEntry,
  type ModemTrendPoint,
  modemHistory,
} from './modem.js';
export {
  BUCKET_MS,
  bucketCount,
  bucketStart,
  daily,
  fillSeries,
  hourly,
  MAX_BUCKETS,
  type SeriesFilters,
  type SeriesPoint,
  seriesFor,
} from './series.js';
export { type SmsSummary, smsSummary } from './sms.js';
export { type TrunkKpis, type TrunksReport, trunkKpis } from './trunks.js';
export {
  dailyAnswer,
  hourlyAnswer,
  rateOfCalls,
  type VoiceSkillDashboard,
  type VoiceSkillDay,
  type VoiceSkillHour,
  voiceSkillDay,
  voiceSkillHour,
} from './voice-skill.js';
