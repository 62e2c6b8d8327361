import type { GuardOptions, GuardSink } from '../guard/policy.js';
import type { NativeHistogramOptions } from './native-histogram.js';
import type { SeriesSnapshot } from './snapshot.js';

/** A series' values in a snapshot: everything but its labels. */
export type SeriesValues = Omit<SeriesSnapshot, 'labels'>;

/** Label values keyed by the declared label names; a missing or extra key is a compile error. */
export type Labels<L extends string> = [L] extends [never]
  ? Readonly<Record<string, never>>
  : { readonly [K in L]: string | number };

/** Options every metric type shares. */
export interface MetricOptions<L extends string> {
  /** Prometheus metric name, e.g. `sidetone_sip_responses_total`. */
  name: string;
  /** One line of help; escaped on output. */
  help: string;
  /** OpenMetrics unit; the name must end in `_<unit>`. */
  unit?: string;
  /** Declared label names, in exposition order. */
  labels?: readonly L[];
  /** Allowed values per label: any other value becomes `other` and is counted. */
  enums?: { readonly [K in L]?: readonly string[] };
  /**
   * Labels whose enum values are the operator's own configuration, not data about calls or people
   * (a filesystem path they chose, which may well hold a long run of digits). Their values are not
   * scanned for PII at definition; they stay a closed enum. Every other label is scanned.
   * @example
   * registry.gauge({ name: 'disk_free_bytes', help: 'Free space', labels: ['path'], enums: { path: [dir] }, configuredLabels: ['path'] });
   */
  configuredLabels?: readonly L[];
  /** Remove series not updated for this long (checked at scrape or `registry.sweep()`). */
  ttlSeconds?: number;
  /** Override the registry's per-metric series cap. */
  maxSeries?: number;
}

/** Why a sample was dropped; a bounded label of `sidetone_samples_dropped_total`. */
export type DropReason = 'nan' | 'negative' | 'infinite' | 'not_a_number' | 'invalid_exemplar';

/** Why an observation a histogram or summary refused (off the hot path: only for a refused one). */
export function observationDropReason(v: unknown): DropReason {
  if (typeof v !== 'number') return 'not_a_number';
  if (Number.isNaN(v)) return 'nan';
  return Number.isFinite(v) ? 'negative' : 'infinite';
}

/** What a metric needs from its registry. */
export interface MetricContext extends GuardSink {
  readonly guard: Required<GuardOptions>;
  dropped(metric: string, reason: DropReason): void;
  /** Self-metrics bypass the guard (their label values are metric names, bounded by definitions). */
  readonly internal: boolean;
  /** The registry's default for histograms that leave `native` unset. */
  readonly nativeHistograms?: boolean | NativeHistogramOptions;
  /** Write OpenMetrics `_created` samples (the registry's `createdTimestamps`). */
  readonly createdTimestamps?: boolean;
}

/** What a series needs from its metric: the name and where to count a dropped sample. */
export interface SeriesOwner {
  readonly name: string;
  drop(v: unknown): void;
  /** An exemplar whose labels cannot be exposed (the sample itself was kept). */
  dropExemplar(): void;
}
