import { KPI_NAMES, KPIS, type KpiName, kpiQuery, oneLine } from './kpi.js';

/** Windows the KPIs are recorded over: the drop alerts compare the first with the last. */
export const KPI_WINDOWS = ['15m', '1h', '1d'] as const;
export type KpiWindow = (typeof KPI_WINDOWS)[number];

/** Windows per KPI: ASR and NER get a short and a baseline window for the drop alerts. */
const WINDOWS: Readonly<Record<KpiName, readonly KpiWindow[]>> = {
  asr: KPI_WINDOWS,
  ner: KPI_WINDOWS,
  ser: ['1h'],
  seer: ['1h'],
  isa: ['1h'],
  acd: ['1h'],
  pdd: ['1h'],
};

/** Grouping of every recorded KPI: one series per scraped instance, trunk and direction. */
export const KPI_BY = ['job', 'instance', 'trunk', 'direction'] as const;

/**
 * A recorded KPI's name, in the Prometheus `level:metric:operations` convention.
 * @example recordName('asr', '1h') // 'instance_trunk_direction:sidetone_call_asr_percent:1h'
 */
export function recordName(kpi: KpiName, window: KpiWindow, prefix = 'sidetone'): string {
  const unit = KPIS[kpi].unit === 'percent' ? 'percent' : 'seconds';
  return `instance_trunk_direction:${prefix}_call_${kpi}_${unit}:${window}`;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

/** Recording rules for ASR, NER, SER, SEER, ISA, ACD and PDD per trunk and direction. */
export function recordingRules(prefix = 'sidetone'): RecordingRule[] {
  return KPI_NAMES.flatMap((kpi) =>
    WINDOWS[kpi].map((window) => ({
      record: recordName(kpi, window, prefix),
      expr: oneLine(kpiQuery(kpi, { prefix, window, by: KPI_BY, filter: '' })),
    })),
  );
}
