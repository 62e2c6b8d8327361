export type { Counter, CounterOptions, CounterSeries } from './counter.js';
export type { ExemplarSnapshot } from './exemplar.js';
export { CONTENT_TYPES, type ExpositionFormat, negotiate, type ScrapeFormat } from './exposition.js';
export type { Gauge, GaugeOptions, GaugeSeries } from './gauge.js';
export {
  type Histogram,
  type HistogramOptions,
  type HistogramSeries,
  TELEPHONY_BUCKETS,
} from './histogram.js';
export type { Info, InfoOptions } from './info.js';
export type { DropReason, Labels, MetricOptions } from './metric-options.js';
export type { NativeHistogramOptions } from './native-histogram.js';
export { encodeProtobuf } from './protobuf.js';
export { type AnyMetric, Registry, type RegistryOptions } from './registry.js';
export type {
  FamilySnapshot,
  FamilyType,
  HistogramValue,
  LabelPairs,
  NativeBuckets,
  SeriesSnapshot,
  SummaryValue,
} from './snapshot.js';
export type { Summary, SummaryOptions, SummarySeries } from './summary.js';
