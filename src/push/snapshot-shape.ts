// TEMPORARY: the agreed snapshot shape (brief SNAPSHOT.md) until branch i11's `sidetone/metrics`
// exports it; replaced by an import from '../metrics/index.js' at merge. Types only, no mechanism.
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';
export type LabelPairs = ReadonlyArray<readonly [name: string, value: string]>;
export interface ExemplarSnapshot {
  labels: LabelPairs;
  value: number;
  timestampMs?: number;
}
export interface HistogramValue {
  count: number;
  sum: number;
  buckets: ReadonlyArray<{ le: number; count: number }>;
  exemplars?: ReadonlyArray<ExemplarSnapshot | undefined>;
}
export interface SummaryValue {
  count: number;
  sum: number;
  quantiles: ReadonlyArray<{ q: number; value: number }>;
}
export interface SeriesSnapshot {
  labels: LabelPairs;
  value?: number;
  histogram?: HistogramValue;
  summary?: SummaryValue;
  exemplar?: ExemplarSnapshot;
  createdMs?: number;
}
export interface FamilySnapshot {
  name: string;
  type: FamilyType;
  help: string;
  unit?: string;
  series: readonly SeriesSnapshot[];
}
