/**
 * The format-neutral view of a registry: families, series, label pairs and values, read once and
 * handed to any writer (text 0.0.4, OpenMetrics, remote-write, OTLP, the cluster aggregator). The
 * text writers here produce, from a snapshot, the same bytes `Registry#render` produces from live
 * series (a test holds them to it), so a merged or external snapshot is exposed exactly like ours.
 */
import { type ExemplarSnapshot, exemplarSuffix } from './exemplar.js';
import type { ExpositionFormat } from './exposition.js';
import { escapeLabelValue, formatBound, formatSeconds, formatValue } from './format.js';
import { braces, Lines, renderHeaders } from './header.js';

/** The OpenMetrics family types sidetone exposes. */
export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info';

/** Label name/value pairs in declared order, the guard already applied. */
export type LabelPairs = ReadonlyArray<readonly [name: string, value: string]>;

/** A Prometheus native (exponential) histogram's buckets, as the protobuf format carries them. */
export interface NativeBuckets {
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  positiveSpans: ReadonlyArray<{ offset: number; length: number }>;
  positiveDeltas: readonly number[];
  negativeSpans: ReadonlyArray<{ offset: number; length: number }>;
  negativeDeltas: readonly number[];
}

export interface HistogramValue {
  count: number;
  sum: number;
  /** Cumulative counts, ascending `le`, the last one `+Inf`. */
  buckets: ReadonlyArray<{ le: number; count: number }>;
  native?: NativeBuckets;
  /** Aligned with `buckets`; `undefined` where a bucket has none. */
  exemplars?: ReadonlyArray<ExemplarSnapshot | undefined>;
}

export interface SummaryValue {
  count: number;
  sum: number;
  quantiles: ReadonlyArray<{ q: number; value: number }>;
}

/** One series. Exactly one of `value`, `histogram`, `summary` is set, by the family's type. */
export interface SeriesSnapshot {
  labels: LabelPairs;
  /** Counter, gauge, or info (always 1). */
  value?: number;
  histogram?: HistogramValue;
  summary?: SummaryValue;
  /** A counter's exemplar. */
  exemplar?: ExemplarSnapshot;
  /** When a counter, histogram or summary series started (OpenMetrics `_created`, OTLP start time). */
  createdMs?: number;
}

/**
 * One metric family. `name` is the OpenMetrics family name: a counter's without `_total`, an
 * info's without `_info`. Gauges whose value is unknown are absent, as in the exposition.
 * @example
 * await registry.collect();
 * for (const f of registry.snapshot()) console.log(f.name, f.type, f.series.length);
 */
export interface FamilySnapshot {
  name: string;
  type: FamilyType;
  help: string;
  unit?: string;
  series: readonly SeriesSnapshot[];
}

/**
 * Write snapshots as exposition text, byte for byte what `Registry#render` writes for the same
 * values (`createdTimestamps` as the registry's option of that name, default off). Used to expose
 * snapshots that no local registry holds (merged worker metrics).
 * @example
 * const text = renderSnapshot(registry.snapshot(), 'openmetrics');
 */
export function renderSnapshot(
  families: Iterable<FamilySnapshot>,
  format: ExpositionFormat = 'prometheus',
  options: { createdTimestamps?: boolean } = {},
): string {
  const om = format === 'openmetrics';
  const out = new Lines();
  for (const f of families) writeFamily(f, om, om && options.createdTimestamps === true, out);
  if (om) out.add('# EOF\n');
  return out.text();
}

function writeFamily(f: FamilySnapshot, om: boolean, withCreated: boolean, out: Lines): void {
  const sampleName = f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name;
  const textType = f.type === 'info' ? 'gauge' : f.type;
  const headers = renderHeaders(sampleName, textType, f.name, f.type, f.help, f.unit);
  out.add(headers[om ? 1 : 0]);
  // Every series of a family shares its bounds: each is rendered once per family.
  const bounds = new Map<number, string>();
  const bound = (b: number) => {
    let text = bounds.get(b);
    if (text === undefined) bounds.set(b, (text = formatBound(b, om)));
    return text;
  };
  for (const s of f.series) {
    const lt = labelText(s.labels);
    const b = braces(lt);
    const created = withCreated && s.createdMs !== undefined ? formatSeconds(s.createdMs) : undefined;
    if (s.histogram !== undefined) {
      const h = s.histogram;
      const open = lt === '' ? `${f.name}_bucket{` : `${f.name}_bucket{${lt},`;
      h.buckets.forEach((bucket, i) => {
        const ex = om ? h.exemplars?.[i] : undefined;
        const suffix = ex === undefined ? '' : exemplarSuffix(ex);
        out.add(`${open}le="${bound(bucket.le)}"} ${formatValue(bucket.count)}${suffix}\n`);
      });
      out.add(`${f.name}_sum${b} ${formatValue(h.sum)}\n${f.name}_count${b} ${formatValue(h.count)}\n`);
      if (created !== undefined) out.add(`${f.name}_created${b} ${created}\n`);
    } else if (s.summary !== undefined) {
      const sm = s.summary;
      const open = lt === '' ? `${f.name}{` : `${f.name}{${lt},`;
      for (const { q, value } of sm.quantiles) {
        out.add(`${open}quantile="${bound(q)}"} ${formatValue(value)}\n`);
      }
      out.add(`${f.name}_sum${b} ${formatValue(sm.sum)}\n${f.name}_count${b} ${formatValue(sm.count)}\n`);
      if (created !== undefined) out.add(`${f.name}_created${b} ${created}\n`);
    } else if (s.value !== undefined) {
      const suffix = om && s.exemplar !== undefined ? exemplarSuffix(s.exemplar) : '';
      out.add(`${sampleName}${b} ${formatValue(s.value)}${suffix}\n`);
      if (created !== undefined && f.type === 'counter') out.add(`${f.name}_created${b} ${created}\n`);
    }
  }
}

function labelText(labels: LabelPairs): string {
  let text = '';
  for (const [name, value] of labels) {
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  }
  return text;
}
