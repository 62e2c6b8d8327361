export { Counter, type CounterOptions, CounterSeries } from './counter.js';
export type { ExemplarSnapshot } from './exemplar.js';
export { CONTENT_TYPES, type ExpositionFormat, negotiate, type ScrapeFormat } from './exposition.js';
export { Gauge, type GaugeOptions, GaugeSeries } from './gauge.js';
export { Histogram, type HistogramOptions, HistogramSeries, TELEPHONY_BUCKETS } from './histogram.js';
export { Info, type InfoOptions } from './info.js';
export type { DropReason, Labels, MetricOptions } from './metric-options.js';
export type { NativeHistogramOptions } from './native-histogram.js';
export { type AnyMetric, Registry, type RegistryOptions } from './registry.js';
export {
  type FamilySnapshot,
  type FamilyType,
  type HistogramValue,
  type LabelPairs,
  type NativeBuckets,
  renderSnapshot,
  type SeriesSnapshot,
  type SummaryValue,
} from './snapshot.js';
export { Summary, type SummaryOptions, SummarySeries } from './summary.js';
