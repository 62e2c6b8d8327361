/**
 * The Prometheus protobuf exposition: length-delimited `io.prometheus.client.MetricFamily`
 * messages, the only format that carries native histograms to Prometheus 2.x. Field numbers from
 * prometheus/client_model io/prometheus/client/metrics.proto. Written from a snapshot, so it shows
 * exactly the families and values the text formats show.
 *
 * The wire format is written here rather than with protobufjs (issue 50): @sidetone/metrics renders
 * all three formats with no runtime dependency, and the registry needs nine message types of one
 * schema, which is varints, doubles and length prefixes (protobuf encoding spec). The bytes are the
 * ones protobufjs 8 wrote from the schema this file used to declare, which it read with proto3's
 * rules: fields in field-number order, a scalar equal to its default (0, +0.0, "") left out, and
 * repeated scalars packed (a proto2 reader, Prometheus' among them, takes packed and unpacked alike:
 * protobuf encoding spec, "Packed Repeated Fields"). A test holds the two to the same bytes
 * (test/metrics/protobuf-encode.test.ts). Reading any exposer's protobuf stays with protobufjs,
 * in src/lint/protobuf-schema.ts.
 */
import type { ExemplarSnapshot } from './exemplar.js';
import type { FamilySnapshot, LabelPairs, SeriesSnapshot } from './snapshot.js';

/** Wire types (protobuf encoding spec): varint, 64-bit, length-delimited. */
const VARINT = 0;
const I64 = 1;
const LEN = 2;

/** `io.prometheus.client.MetricType`. */
const TYPE = { counter: 0, gauge: 1, info: 1, summary: 2, histogram: 4 } as const;

const utf8 = new TextEncoder();

/** One growing buffer; a nested message is written in place and its length prefix fitted after. */
class Writer {
  buf: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** An unsigned varint of an integer in [0, 2^53). */
  varint(v: number): void {
    this.room(10);
    while (v > 0x7f) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** int32/int64: a negative value is its 64-bit two's complement, ten bytes. */
  int(v: number): void {
    if (v >= 0) {
      this.varint(v);
      return;
    }
    this.room(10);
    let b = BigInt.asUintN(64, BigInt(v));
    while (b > 0x7fn) {
      this.buf[this.pos++] = Number(b & 0x7fn) | 0x80;
      b >>= 7n;
    }
    this.buf[this.pos++] = Number(b);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** A uint32/uint64/enum field; 0 is the default, not written. */
  uint(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, VARINT);
    this.varint(v);
  }

  /** A sint32/sint64 field; 0 is the default, not written. */
  sint(field: number, v: number): void {
    if (v === 0) return;
    this.tag(field, VARINT);
    this.zigzag(v);
  }

  /** sint32/sint64 on the wire: zigzag, so small negative numbers stay short. */
  zigzag(v: number): void {
    this.varint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A double field; +0 is the default, not written (-0 is another value, and is). */
  double(field: number, v: number): void {
    if (Object.is(v, 0)) return;
    this.tag(field, I64);
    this.room(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  /** A string field; "" is the default, not written. */
  string(field: number, s: string): void {
    if (s === '') return;
    const at = this.begin(field);
    // At most 3 bytes per UTF-16 unit.
    this.room(s.length * 3);
    // Names and most label values are ASCII: copied by hand, with no view made per string;
    // anything else through the encoder (a lone surrogate becomes U+FFFD).
    const start = this.pos;
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      this.buf[this.pos++] = c;
    }
    if (i < s.length) this.pos = start + utf8.encodeInto(s, this.buf.subarray(start)).written;
    this.end(at);
  }

  /** Open a nested message: its tag, then one byte held for the length (most are under 128 bytes). */
  begin(field: number): number {
    this.tag(field, LEN);
    this.room(1);
    return this.pos++;
  }

  /** Close the message opened at `at`: write its length, moving the body if the length needs more bytes. */
  end(at: number): void {
    const len = this.pos - at - 1;
    if (len < 0x80) {
      this.buf[at] = len;
      return;
    }
    let extra = 0;
    for (let v = len; v > 0x7f; v = Math.floor(v / 0x80)) extra++;
    this.room(extra);
    this.buf.copyWithin(at + 1 + extra, at + 1, this.pos);
    const end = this.pos + extra;
    this.pos = at;
    this.varint(len);
    this.pos = end;
  }
}

function labelPairs(w: Writer, field: number, labels: LabelPairs): void {
  for (const [name, value] of labels) {
    const at = w.begin(field);
    w.string(1, name);
    w.string(2, value);
    w.end(at);
  }
}

/** `Timestamp { int64 seconds = 1; int32 nanos = 2; }` */
function timestamp(w: Writer, field: number, ms: number): void {
  const at = w.begin(field);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms % 1000) * 1e6);
  if (seconds !== 0) {
    w.tag(1, VARINT);
    w.int(seconds);
  }
  if (nanos !== 0) {
    w.tag(2, VARINT);
    w.int(nanos);
  }
  w.end(at);
}

/** `Exemplar { repeated LabelPair label = 1; double value = 2; Timestamp timestamp = 3; }` */
function exemplar(w: Writer, field: number, e: ExemplarSnapshot): void {
  const at = w.begin(field);
  labelPairs(w, 1, e.labels);
  w.double(2, e.value);
  if (e.timestampMs !== undefined) timestamp(w, 3, e.timestampMs);
  w.end(at);
}

function histogram(w: Writer, s: SeriesSnapshot): void {
  const h = s.histogram!;
  const ex = h.exemplars ?? [];
  const at = w.begin(7);
  w.uint(1, h.count);
  w.double(2, h.sum);
  for (let i = 0; i < h.buckets.length; i++) {
    const b = h.buckets[i]!;
    const e = ex[i];
    // +Inf is implied by sampleCount (the proto makes it optional); the Go client writes it only
    // to carry an exemplar, which would be lost otherwise.
    if (b.le === Number.POSITIVE_INFINITY && e === undefined) continue;
    const bt = w.begin(3);
    w.uint(1, b.count);
    w.double(2, b.le);
    if (e !== undefined) exemplar(w, 3, e);
    w.end(bt);
  }
  const n = h.native;
  if (n !== undefined) {
    w.sint(5, n.schema);
    w.double(6, n.zeroThreshold);
    w.uint(7, n.zeroCount);
    // A native histogram with no buckets and a zero threshold of 0 needs a no-op span, or it would
    // read as a classic one (metrics.proto).
    const spans =
      n.positiveSpans.length === 0 && n.zeroThreshold === 0 ? [{ offset: 0, length: 0 }] : n.positiveSpans;
    for (const span of spans) {
      const st = w.begin(12);
      w.sint(1, span.offset);
      w.uint(2, span.length);
      w.end(st);
    }
    if (n.positiveDeltas.length > 0) {
      const dt = w.begin(13);
      for (const d of n.positiveDeltas) w.zigzag(d);
      w.end(dt);
    }
  }
  if (s.createdMs !== undefined) timestamp(w, 15, s.createdMs);
  // Native histogram exemplars must carry a timestamp; ours always do.
  if (n !== undefined) for (const e of ex) if (e?.timestampMs !== undefined) exemplar(w, 16, e);
  w.end(at);
}

function summary(w: Writer, s: SeriesSnapshot): void {
  const sm = s.summary!;
  const at = w.begin(4);
  w.uint(1, sm.count);
  w.double(2, sm.sum);
  for (const q of sm.quantiles) {
    const qt = w.begin(3);
    w.double(1, q.q);
    w.double(2, q.value);
    w.end(qt);
  }
  if (s.createdMs !== undefined) timestamp(w, 4, s.createdMs);
  w.end(at);
}

/** `Metric { repeated LabelPair label = 1; Gauge gauge = 2; Counter counter = 3; Summary summary = 4; Histogram histogram = 7; }` */
function metric(w: Writer, f: FamilySnapshot, s: SeriesSnapshot): void {
  const at = w.begin(4);
  labelPairs(w, 1, s.labels);
  if (s.histogram !== undefined) histogram(w, s);
  else if (s.summary !== undefined) summary(w, s);
  else if (f.type === 'counter') {
    const ct = w.begin(3);
    w.double(1, s.value!);
    if (s.exemplar !== undefined) exemplar(w, 2, s.exemplar);
    if (s.createdMs !== undefined) timestamp(w, 3, s.createdMs);
    w.end(ct);
  } else {
    const gt = w.begin(2);
    w.double(1, s.value!);
    w.end(gt);
  }
  w.end(at);
}

/**
 * Encode families as delimited `MetricFamily` messages. Counter families are named with `_total`
 * and info families with `_info`, as Prometheus names their series; info is a gauge (the proto has
 * no info type).
 * @example
 * await registry.collect();
 * const body = encodeProtobuf(registry.snapshot()); // Content-Type: CONTENT_TYPES.protobuf
 */
export function encodeProtobuf(families: Iterable<FamilySnapshot>): Uint8Array {
  const w = new Writer(4096);
  for (const f of families) {
    if (f.series.length === 0) continue;
    // A delimited message is its length then its body: the same fitting as a nested one.
    w.room(1);
    const at = w.pos++;
    w.string(1, f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name);
    w.string(2, f.help);
    w.uint(3, TYPE[f.type]);
    for (const s of f.series) metric(w, f, s);
    if (f.unit !== undefined) w.string(5, f.unit);
    w.end(at);
  }
  return w.buf.subarray(0, w.pos);
}
