/**
 * Native histograms: the bucket index against the definition in prometheus/client_model
 * metrics.proto (bucket k of schema s is (2^((k-1)/2^s), 2^(k/2^s)]), schema reduction, spans and
 * deltas, the protobuf exposition, and Accept negotiation as Prometheus sends it.
 */
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../src/errors.js';
import { negotiate, Registry } from '../../src/metrics/index.js';
import { NativeState, nativeBucketIndex, nativeConfig } from '../../src/metrics/native-histogram.js';
import { encodeProtobuf } from '../../src/metrics/protobuf.js';
import { MetricFamilyType } from './protobuf-reference.js';

describe('native bucket index', () => {
  // [value, schema, bucket]: from the bucket definition; powers of two close a bucket in every schema.
  const vectors: Array<[number, number, number]> = [
    [1, 0, 0],
    [0.75, 0, 0],
    [0.5, 0, -1],
    [2, 0, 1],
    [3, 0, 2],
    [4, 0, 2],
    [1, 3, 0],
    [1.09, 3, 1], // 2^(1/8) = 1.0905
    [1.091, 3, 2],
    [2, 3, 8],
    [1.4, 1, 1], // 2^(1/2) = 1.4142
    [1.5, 1, 2],
    [2, 8, 256],
    [1, -1, 0],
    [2, -1, 1],
    [4, -1, 1],
    [5, -1, 2],
    [16, -2, 1],
    [17, -2, 2],
    [2 ** 16, -4, 1],
    [2 ** 16 + 1, -4, 2],
    [2 ** -16, -4, -1],
    [2 ** -17, -4, -1],
    [2 ** 1000, 0, 1000],
    [2 ** -1000, 2, -4000],
    [2 ** -1070, 0, -1070], // subnormal
    [3 * 2 ** -1070, 0, -1068],
  ];
  it.each(vectors)('%d at schema %d is bucket %d', (v, schema, k) => {
    expect(nativeBucketIndex(v, schema)).toBe(k);
  });

  it('puts every value between its bucket bounds, in every schema', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
        fc.integer({ min: -4, max: 8 }),
        (v, schema) => {
          const k = nativeBucketIndex(v, schema);
          const x = Math.log2(v) * 2 ** schema; // k - 1 < x <= k
          // Within rounding of a bound, log2 cannot tell the sides apart: only check clear cases.
          if (Math.abs(x - Math.round(x)) < 1e-9 * Math.max(1, Math.abs(x))) return true;
          return k - 1 < x && x <= k;
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('native state', () => {
  const cfg = (o: Parameters<typeof nativeConfig>[1]) =>
    nativeConfig('h', o) as NonNullable<ReturnType<typeof nativeConfig>>;

  it('writes spans and deltas as metrics.proto describes them', () => {
    const s = new NativeState(cfg({ schema: 0 }));
    for (const v of [0.6, 0.7, 1, 5, 6, 7, 8, 8]) s.add(v); // buckets -0 -> 0:3, 3:5
    s.add(0);
    const n = s.snapshot();
    expect(n.zeroCount).toBe(1);
    expect(n.positiveSpans).toEqual([
      { offset: 0, length: 1 },
      { offset: 2, length: 1 },
    ]);
    expect(n.positiveDeltas).toEqual([3, 2]); // counts 3, 5
    s.add(1.5); // bucket 1 joins the first span
    expect(s.snapshot().positiveSpans).toEqual([
      { offset: 0, length: 2 },
      { offset: 1, length: 1 },
    ]);
    expect(s.snapshot().positiveDeltas).toEqual([3, -2, 4]); // counts 3, 1, 5
  });

  it('reduces the schema at the bucket limit to what observing at the final schema gives', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
            fc.double({ min: 1e-300, max: 1e300, noNaN: true }),
          ),
          { minLength: 1, maxLength: 300 },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: -2, max: 8 }),
        (values, maxBuckets, schema) => {
          const s = new NativeState(cfg({ schema, maxBuckets, zeroThreshold: 0 }));
          for (const v of values) s.add(v);
          expect(s.populated <= maxBuckets || s.schema === -4).toBe(true);
          expect(s.populated).toBe(s.entries().length);
          const direct = new Map<number, number>();
          for (const v of values) {
            const k = nativeBucketIndex(v, s.schema);
            direct.set(k, (direct.get(k) ?? 0) + 1);
          }
          expect(s.entries()).toEqual([...direct].sort((a, b) => a[0] - b[0]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects bad options when the histogram is defined', () => {
    const r = new Registry();
    const define = (native: object) => () =>
      r.histogram({ name: 'x_seconds', help: 'x', unit: 'seconds', native });
    expect(define({ schema: 9 })).toThrow(DefinitionError);
    expect(define({ schema: 1.5 })).toThrow(/native\.schema 1\.5: use an integer from -4 to 8/);
    expect(define({ zeroThreshold: -1 })).toThrow(/native\.zeroThreshold/);
    expect(define({ maxBuckets: 0 })).toThrow(/native\.maxBuckets 0: use an integer >= 1/);
  });
});

describe('protobuf exposition', () => {
  it('is chosen for the Accept header Prometheus sends with native histograms on, and only then', () => {
    // Prometheus 2.42 scrape.go, with --enable-feature=native-histograms.
    expect(
      negotiate(
        'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
      ),
    ).toBe('protobuf');
    expect(negotiate('application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily')).toBe(
      'prometheus',
    );
    expect(negotiate('application/vnd.google.protobuf;proto=other.Thing;encoding=delimited')).toBe(
      'prometheus',
    );
  });

  it('carries every family with the values the text shows, and native buckets beside the classic ones', async () => {
    const r = new Registry();
    const calls = r.counter({ name: 'calls_total', help: 'Calls', labels: ['trunk'] });
    calls.labels({ trunk: 'a' }).inc(3, { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' });
    r.gauge({ name: 'signal_dbm', help: 'Signal', unit: 'dbm' }).set(-71);
    r.info({ name: 'build', help: 'Build', values: { version: '1.2.3' } });
    const q = r.summary({ name: 'lat_seconds', help: 'Latency', unit: 'seconds', percentiles: [0.5] });
    q.observe(0.2);
    const h = r.histogram({
      name: 'pdd_seconds',
      help: 'PDD',
      unit: 'seconds',
      buckets: [1, 2],
      native: { schema: 0 },
    });
    for (const v of [0.6, 1.5, 3, 3]) h.observe(v);
    await r.collect();
    const bytes = encodeProtobuf(r.snapshot());
    const reader = protobuf.Reader.create(bytes);
    const families: Record<string, ReturnType<typeof MetricFamilyType.toObject>> = {};
    while (reader.pos < reader.len) {
      const f = MetricFamilyType.toObject(MetricFamilyType.decodeDelimited(reader), {
        longs: Number,
        enums: String,
        defaults: true,
      });
      families[f.name] = f;
    }
    expect(families.calls_total).toMatchObject({
      type: 'COUNTER',
      help: 'Calls',
      metric: [{ label: [{ name: 'trunk', value: 'a' }], counter: { value: 3, exemplar: { value: 3 } } }],
    });
    expect(families.signal_dbm?.metric[0].gauge.value).toBe(-71);
    expect(families.build_info).toMatchObject({ type: 'GAUGE', metric: [{ gauge: { value: 1 } }] });
    expect(families.lat_seconds?.metric[0].summary).toMatchObject({ sampleCount: 1, sampleSum: 0.2 });
    const hist = families.pdd_seconds?.metric[0].histogram;
    expect(hist).toMatchObject({
      sampleCount: 4,
      sampleSum: 8.1,
      bucket: [
        { cumulativeCount: 1, upperBound: 1 },
        { cumulativeCount: 2, upperBound: 2 },
      ],
      schema: 0,
      zeroThreshold: 2 ** -128,
      // 0.6 -> 0, 1.5 -> 1, 3 -> 2 (twice)
      positiveSpan: [{ offset: 0, length: 3 }],
      positiveDelta: [1, 0, 1],
    });
    // Every family with series is there, named as Prometheus names its series.
    const expected = r
      .snapshot()
      .filter((f) => f.series.length > 0)
      .map((f) => (f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name));
    expect(Object.keys(families).sort()).toEqual(expected.sort());
  });
});
