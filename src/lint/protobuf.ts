/**
 * The Prometheus protobuf exposition: length-delimited `io.prometheus.client.MetricFamily`
 * messages. A family is read as Prometheus's protobuf parser reads it (model/textparse/
 * protobufparse.go): a summary or classic histogram becomes its `_sum`, `_count`, quantile and
 * `_bucket` samples (the +Inf bucket implied by the count), a native histogram one sample. Checked:
 * the framing, names, types and units as Prometheus checks them, each metric carrying its type's
 * field, and the OpenMetrics data model (counters, buckets, quantiles, native spans).
 */
import protobuf from 'protobufjs';
import type {
  Exemplar,
  Family,
  Issue,
  IssueKind,
  LabelPairs,
  NativeHistogram,
  Parsed,
  Sample,
} from './model.js';
import { canonicalFloat } from './numbers.js';
import {
  MetricFamilyReader,
  num,
  type PbExemplar,
  type PbFamily,
  type PbHistogram,
  type PbLabel,
  type PbMetric,
  PROTO_TYPES,
  seconds,
} from './protobuf-schema.js';
import { isLabelName, isMetricName } from './scan.js';

class FamilyReader {
  readonly samples: Sample[] = [];
  constructor(
    private readonly issues: Issue[],
    private readonly at: { line: number; offset: number },
  ) {}

  issue(message: string, kind: IssueKind = 'format'): undefined {
    this.issues.push({ kind, message, line: this.at.line, offset: this.at.offset });
    return undefined;
  }

  labels(pairs: PbLabel[] | undefined, where: string): LabelPairs {
    const out: Array<readonly [string, string]> = [];
    for (const { name = '', value = '' } of pairs ?? []) {
      if (!isLabelName(name)) this.issue(`${where}: invalid label name "${name}"`);
      else if (name === '__name__') this.issue(`${where}: the label name __name__ is reserved`);
      else if (out.some(([k]) => k === name)) this.issue(`${where}: label ${name} appears twice`);
      out.push([name, value]);
    }
    return out;
  }

  exemplar(e: PbExemplar | null | undefined, where: string): Exemplar | undefined {
    if (e == null) return undefined;
    const labels = this.labels(e.label, `${where}'s exemplar`);
    const ts = e.timestamp == null ? {} : { timestamp: seconds(e.timestamp) };
    return { labels, value: e.value ?? 0, ...ts };
  }

  push(name: string, labels: LabelPairs, value: number, extra: Partial<Sample> = {}): void {
    this.samples.push({ name, labels, value, line: this.at.line, ...extra });
  }

  metric(f: PbFamily, type: string, m: PbMetric): undefined {
    const name = f.name ?? '';
    const labels = this.labels(m.label, name);
    const ts = m.timestampMs == null || num(m.timestampMs) === 0 ? {} : { timestamp: num(m.timestampMs) };
    const created = (t: { createdTimestamp?: unknown } | null | undefined, base: string) => {
      const c = t?.createdTimestamp as Parameters<typeof seconds>[0] | null | undefined;
      if (c != null) this.push(`${base}_created`, labels, seconds(c), ts);
    };
    const field = type === 'gaugehistogram' ? 'histogram' : type;
    if (m[field as keyof PbMetric] == null)
      return this.issue(`a ${type} metric of ${name} without its ${field} field`);
    if (type === 'counter' && m.counter != null) {
      const v = m.counter.value ?? 0;
      if (Number.isNaN(v) || v < 0) this.issue(`counter ${name} is ${v}: a counter is never negative or NaN`);
      const ex = this.exemplar(m.counter.exemplar, name);
      this.push(name, labels, v, { ...ts, ...(ex === undefined ? {} : { exemplar: ex }) });
      created(m.counter, name.replace(/_total$/, ''));
    } else if (type === 'gauge' || type === 'untyped') {
      this.push(name, labels, (type === 'gauge' ? m.gauge?.value : m.untyped?.value) ?? 0, ts);
    } else if (type === 'summary' && m.summary != null) {
      for (const { quantile = 0, value = 0 } of m.summary.quantile ?? []) {
        if (!(quantile >= 0 && quantile <= 1))
          this.issue(`summary ${name} has quantile ${quantile}, outside 0..1`);
        this.push(name, [...labels, ['quantile', canonicalFloat(quantile)]], value, ts);
      }
      this.push(`${name}_sum`, labels, m.summary.sampleSum ?? 0, ts);
      this.push(`${name}_count`, labels, num(m.summary.sampleCount), ts);
      created(m.summary, name);
    } else if (m.histogram != null) this.histogram(name, type, labels, m.histogram, ts);
  }

  histogram(
    name: string,
    type: string,
    labels: LabelPairs,
    h: PbHistogram,
    ts: { timestamp?: number },
  ): void {
    const count = h.sampleCountFloat || num(h.sampleCount);
    const native = nativeOf(h);
    if (native !== undefined) {
      this.checkNative(name, native, count);
      const exemplars = (h.exemplars ?? []).map((e) => this.exemplar(e, name));
      this.push(name, labels, count, { ...ts, native, ...(exemplars[0] ? { exemplar: exemplars[0] } : {}) });
    }
    // Prometheus reads the classic buckets unless the histogram is native and has none.
    if (native !== undefined && (h.bucket ?? []).length === 0) return;
    let lastLe = Number.NEGATIVE_INFINITY;
    let last = 0;
    let inf = false;
    for (const b of h.bucket ?? []) {
      const le = b.upperBound ?? 0;
      const c = b.cumulativeCountFloat || num(b.cumulativeCount);
      if (Number.isNaN(le) || le <= lastLe)
        this.issue(`${name}: bucket bounds must increase (${le} after ${lastLe})`);
      if (c < last) this.issue(`${name}: bucket counts are cumulative (${c} after ${last})`);
      [lastLe, last] = [le, c];
      inf ||= le === Number.POSITIVE_INFINITY;
      const ex = this.exemplar(b.exemplar, name);
      const extra = { ...ts, ...(ex === undefined ? {} : { exemplar: ex }) };
      this.push(`${name}_bucket`, [...labels, ['le', canonicalFloat(le)]], c, extra);
    }
    if (count < last) this.issue(`${name}: the count ${count} is below the last bucket's ${last}`);
    if (!inf) this.push(`${name}_bucket`, [...labels, ['le', '+Inf']], count, ts);
    const gauge = type === 'gaugehistogram';
    this.push(`${name}_${gauge ? 'gsum' : 'sum'}`, labels, h.sampleSum ?? 0, ts);
    this.push(`${name}_${gauge ? 'gcount' : 'count'}`, labels, count, ts);
    if (h.createdTimestamp != null) this.push(`${name}_created`, labels, seconds(h.createdTimestamp), ts);
  }

  /** Spans and deltas agree, no bucket is negative, the count holds them all (histogram.Validate). */
  checkNative(name: string, n: NativeHistogram, count: number): void {
    if (n.schema < -4 || n.schema > 8) this.issue(`${name}: native schema ${n.schema} is outside -4..8`);
    let total = n.zeroCount;
    for (const [spans, deltas, side] of [
      [n.positiveSpans, n.positiveDeltas, 'positive'],
      [n.negativeSpans, n.negativeDeltas, 'negative'],
    ] as const) {
      const want = spans.reduce((a, s) => a + s.length, 0);
      if (want !== deltas.length)
        this.issue(`${name}: ${side} spans hold ${want} buckets but there are ${deltas.length} deltas`);
      let abs = 0;
      for (const d of deltas) {
        abs += d;
        if (abs < 0) this.issue(`${name}: a ${side} native bucket count is negative (${abs})`);
        total += abs;
      }
    }
    if (count < total) this.issue(`${name}: the count ${count} is below its buckets' total ${total}`);
  }
}

/** The native part of a histogram, when it has one (protobufparse.go isNativeHistogram). */
function nativeOf(h: PbHistogram): NativeHistogram | undefined {
  const spans = (s: PbHistogram['positiveSpan']) =>
    (s ?? []).map((x) => ({ offset: x.offset ?? 0, length: x.length ?? 0 }));
  const positiveSpans = spans(h.positiveSpan);
  const negativeSpans = spans(h.negativeSpan);
  const zeroCount = h.zeroCountFloat || num(h.zeroCount);
  const zeroThreshold = h.zeroThreshold ?? 0;
  if (positiveSpans.length === 0 && negativeSpans.length === 0 && zeroThreshold <= 0 && zeroCount <= 0)
    return undefined;
  return {
    schema: h.schema ?? 0,
    zeroThreshold,
    zeroCount,
    positiveSpans,
    positiveDeltas: (h.positiveDelta ?? []).map(num),
    negativeSpans,
    negativeDeltas: (h.negativeDelta ?? []).map(num),
  };
}

function checkFamily(f: PbFamily, r: FamilyReader, seen: Set<string>): string | undefined {
  const name = f.name ?? '';
  if (!isMetricName(name)) r.issue(`invalid metric name "${name}"`);
  if (seen.has(name)) r.issue(`family ${name} again: one message per family`, 'spec');
  seen.add(name);
  const type = PROTO_TYPES[f.type ?? 0];
  if (type === undefined) r.issue(`unknown metric type ${f.type} for ${name}`);
  const unit = f.unit ?? '';
  const base = type === 'counter' ? name.replace(/_total$/, '') : name;
  if (unit !== '' && !base.endsWith(`_${unit}`)) r.issue(`unit ${unit} is not a suffix of ${name}`);
  return type;
}

/**
 * Parse delimited `MetricFamily` messages. A frame that does not decode ends the reading (the rest
 * cannot be framed); every other problem is reported and reading goes on.
 * @example parseProtobuf(encodeProtobuf(registry.snapshot())).issues // []
 */
export function parseProtobuf(bytes: Uint8Array): Parsed {
  const families: Family[] = [];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  const reader = protobuf.Reader.create(bytes);
  for (let line = 1; reader.pos < reader.len; line++) {
    const offset = reader.pos;
    let f: PbFamily;
    try {
      f = MetricFamilyReader.decodeDelimited(reader) as PbFamily;
    } catch (err) {
      issues.push({
        kind: 'format',
        line,
        offset,
        message: `message ${line} is not a delimited MetricFamily (${(err as Error).message})`,
      });
      break;
    }
    const r = new FamilyReader(issues, { line, offset });
    const type = checkFamily(f, r, seen);
    if (type !== undefined) for (const m of f.metric ?? []) r.metric(f, type, m);
    const family: Family = { name: f.name ?? '', type: type ?? 'unknown', line, offset, samples: r.samples };
    if (f.help) family.help = f.help;
    if (f.unit) family.unit = f.unit;
    families.push(family);
  }
  return { format: 'protobuf', families, issues };
}
