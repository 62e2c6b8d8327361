/**
 * Round trips: the registry's snapshot and a parse of its render, each brought to one comparable
 * shape per format (what that format can carry: no `_created`, exemplars or units in text 0.0.4; a
 * counter named `x_total` and an info a gauge `x_info` outside OpenMetrics).
 */
import type { Family, LabelPairs, Parsed, Sample } from '../../src/lint/index.js';
import type { ExemplarSnapshot, FamilySnapshot } from '../../src/metrics/index.js';

type Format = Parsed['format'];

export interface Point {
  labels: LabelPairs;
  value?: number;
  buckets?: Array<{ le: number; count: number; exemplar?: Exemplar }>;
  sum?: number;
  count?: number;
  quantiles?: Array<{ q: number; value: number }>;
  exemplar?: Exemplar;
  created?: number;
  native?: unknown;
}
interface Exemplar {
  labels: LabelPairs;
  value: number;
  seconds?: number;
}
export interface Fam {
  name: string;
  type: string;
  help: string;
  unit?: string;
  points: Point[];
}

const exemplarOf = (e: ExemplarSnapshot | undefined, format: Format): Exemplar | undefined =>
  e === undefined || format === 'text'
    ? undefined
    : {
        labels: e.labels,
        value: e.value,
        ...(e.timestampMs === undefined ? {} : { seconds: e.timestampMs / 1000 }),
      };

/** Spans a writer adds only to mark a histogram native (a no-op span) say nothing about buckets. */
const spans = (s: ReadonlyArray<{ offset: number; length: number }>) => s.filter((x) => x.length > 0);

/** What `format` shows of the registry's families. */
export function expected(snapshot: FamilySnapshot[], format: Format): Fam[] {
  const om = format === 'openmetrics';
  return snapshot
    .filter((f) => f.series.length > 0 || format !== 'protobuf')
    .map((f) => {
      const name =
        om || f.type === 'histogram' || f.type === 'summary' || f.type === 'gauge'
          ? f.name
          : `${f.name}_${f.type === 'counter' ? 'total' : 'info'}`;
      const type = f.type === 'info' && !om ? 'gauge' : f.type;
      const points = f.series.map((s): Point => {
        const p: Point = { labels: s.labels };
        if (s.createdMs !== undefined && format !== 'text' && f.type !== 'gauge')
          p.created = s.createdMs / 1000;
        if (s.histogram !== undefined) {
          const h = s.histogram;
          p.buckets = h.buckets.map((b, i) => {
            const ex = exemplarOf(h.exemplars?.[i], format);
            return { le: b.le, count: b.count, ...(ex === undefined ? {} : { exemplar: ex }) };
          });
          p.sum = h.sum;
          p.count = h.count;
          if (h.native !== undefined && format === 'protobuf')
            p.native = {
              ...h.native,
              positiveSpans: spans(h.native.positiveSpans),
              negativeSpans: spans(h.native.negativeSpans),
            };
        } else if (s.summary !== undefined) {
          p.quantiles = s.summary.quantiles.map(({ q, value }) => ({ q, value }));
          p.sum = s.summary.sum;
          p.count = s.summary.count;
        } else {
          p.value = s.value ?? 1;
          const ex = exemplarOf(s.exemplar, format);
          if (ex !== undefined) p.exemplar = ex;
        }
        return p;
      });
      return {
        name,
        type,
        help: f.help,
        ...(f.unit === undefined || format === 'text' ? {} : { unit: f.unit }),
        points,
      };
    });
}

const without = (labels: LabelPairs, name: string) => labels.filter(([k]) => k !== name);
const keyOf = (labels: LabelPairs) => JSON.stringify(labels);
const labelValue = (s: Sample, name: string) =>
  Number(
    s.labels.find(([k]) => k === name)?.[1] === '+Inf' ? Infinity : s.labels.find(([k]) => k === name)?.[1],
  );
const parsedExemplar = (s: Sample): Exemplar | undefined =>
  s.exemplar === undefined
    ? undefined
    : {
        labels: s.exemplar.labels,
        value: s.exemplar.value,
        ...(s.exemplar.timestamp === undefined ? {} : { seconds: s.exemplar.timestamp }),
      };

/** The parsed families, folded back into points. */
export function folded(parsed: Parsed): Fam[] {
  return parsed.families.map((f: Family) => {
    const points = new Map<string, Point>();
    const point = (labels: LabelPairs): Point => {
      const k = keyOf(labels);
      let p = points.get(k);
      if (p === undefined) points.set(k, (p = { labels }));
      return p;
    };
    const base = f.name.replace(/_(total|info)$/, '');
    for (const s of f.samples) {
      const sfx = s.name.startsWith(f.name) ? s.name.slice(f.name.length) : s.name.slice(base.length);
      if (sfx === '_created') point(s.labels).created = s.value;
      else if (s.native !== undefined) {
        const n = s.native;
        point(s.labels).native = {
          ...n,
          positiveSpans: spans(n.positiveSpans),
          negativeSpans: spans(n.negativeSpans),
        };
      } else if (sfx === '_bucket') {
        const p = point(without(s.labels, 'le'));
        const ex = parsedExemplar(s);
        (p.buckets ??= []).push({
          le: labelValue(s, 'le'),
          count: s.value,
          ...(ex === undefined ? {} : { exemplar: ex }),
        });
      } else if (sfx === '_sum') point(s.labels).sum = s.value;
      else if (sfx === '_count') point(s.labels).count = s.value;
      else if (f.type === 'summary') {
        (point(without(s.labels, 'quantile')).quantiles ??= []).push({
          q: labelValue(s, 'quantile'),
          value: s.value,
        });
      } else {
        const p = point(s.labels);
        p.value = s.value;
        const ex = parsedExemplar(s);
        if (ex !== undefined) p.exemplar = ex;
      }
    }
    return {
      name: f.name,
      type: f.type,
      help: f.help ?? '',
      ...(f.unit === undefined ? {} : { unit: f.unit }),
      points: [...points.values()],
    };
  });
}
