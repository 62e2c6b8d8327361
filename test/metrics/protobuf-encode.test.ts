/**
 * The registry's own protobuf writer (src/metrics/protobuf.ts, issue 50: @sidetone/metrics has no
 * runtime dependency) against the protobufjs writer it replaced (./protobuf-reference.ts): the same
 * bytes for any snapshot, lengths over 127 and 16383 bytes (2- and 3-byte prefixes) included.
 */
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { encodeProtobuf } from '../../src/metrics/protobuf.js';
import type { FamilySnapshot, FamilyType, SeriesSnapshot } from '../../src/metrics/snapshot.js';
import { MetricFamilyType, referenceEncode } from './protobuf-reference.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Well-formed strings (a lone surrogate is not UTF-8: see the test of its own below). */
const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const num = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
);
const count = fc.oneof(fc.nat(), fc.constantFrom(0, 127, 128, 16_384, 2 ** 32, 2 ** 53 - 1));
const ms = fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(1_764_115_200_123.5));
const labels = fc.array(fc.tuple(text, text), { maxLength: 3 });
const exemplar = fc.record({ labels, value: num, timestampMs: ms }, { requiredKeys: ['labels', 'value'] });
const span = fc.record({ offset: fc.integer({ min: -200, max: 200 }), length: fc.nat(300) });
const native = fc.record({
  schema: fc.integer({ min: -4, max: 8 }),
  zeroThreshold: fc.constantFrom(0, 2 ** -128, 1e-9),
  zeroCount: count,
  positiveSpans: fc.array(span, { maxLength: 3 }),
  positiveDeltas: fc.array(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), { maxLength: 20 }),
  negativeSpans: fc.constant([]),
  negativeDeltas: fc.constant([]),
});
const withCreated = <T>(a: fc.Arbitrary<T>) =>
  fc
    .tuple(a, fc.option(ms, { nil: undefined }))
    .map(([s, createdMs]) => (createdMs === undefined ? s : { ...s, createdMs }));
const series: Record<FamilyType, fc.Arbitrary<SeriesSnapshot>> = {
  counter: withCreated(fc.record({ labels, value: num, exemplar }, { requiredKeys: ['labels', 'value'] })),
  gauge: fc.record({ labels, value: num }),
  info: fc.record({ labels, value: fc.constant(1) }),
  summary: withCreated(
    fc.record({
      labels,
      summary: fc.record({
        count,
        sum: num,
        quantiles: fc.array(fc.record({ q: fc.double({ min: 0, max: 1 }), value: num }), { maxLength: 4 }),
      }),
    }),
  ),
  histogram: withCreated(
    fc.record({
      labels,
      histogram: fc.record(
        {
          count,
          sum: num,
          buckets: fc
            .array(fc.record({ le: fc.double({ noNaN: true }), count }), { maxLength: 6 })
            .map((b) => [...b, { le: Number.POSITIVE_INFINITY, count: 9 }]),
          native,
          exemplars: fc.array(fc.option(exemplar, { nil: undefined }), { maxLength: 4 }),
        },
        { requiredKeys: ['count', 'sum', 'buckets'] },
      ),
    }),
  ),
};
const family: fc.Arbitrary<FamilySnapshot> = fc
  .constantFrom<FamilyType>('counter', 'gauge', 'info', 'summary', 'histogram')
  .chain((type) =>
    fc.record(
      {
        name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/),
        type: fc.constant(type),
        help: text,
        unit: fc.constantFrom('seconds', 'bytes', ''),
        series: fc.array(series[type], { maxLength: 3 }),
      },
      { requiredKeys: ['name', 'type', 'help', 'series'] },
    ),
  );

describe('encodeProtobuf: its own wire writer', () => {
  it('writes the bytes protobufjs wrote, for any snapshot', () => {
    fc.assert(
      fc.property(fc.array(family, { maxLength: 4 }), (families) => {
        expect(hex(encodeProtobuf(families))).toBe(hex(referenceEncode(families)));
      }),
      // ~130 ms a run at load 16 on 2 cores, nearly all of it making the snapshot.
      { numRuns: 100 },
    );
  });

  it('fits 1-, 2- and 3-byte length prefixes (messages of 127, 128+ and 16384+ bytes)', () => {
    for (const n of [1, 3, 40, 400, 3000]) {
      const r = new Registry();
      const c = r.counter({ name: 'calls', help: 'h'.repeat(n), labels: ['trunk'] });
      for (let i = 0; i < n; i++) c.labels({ trunk: `t${i}` }).inc(i);
      const snap = r.snapshot();
      const bytes = encodeProtobuf(snap);
      expect(hex(bytes), `${n}`).toBe(hex(referenceEncode(snap)));
      // Every message decodes whole, and the last ends at the last byte.
      const reader = protobuf.Reader.create(bytes);
      const names: string[] = [];
      while (reader.pos < reader.len) names.push(MetricFamilyType.decodeDelimited(reader).toJSON().name);
      expect(names).toContain('calls_total');
      expect(reader.pos).toBe(bytes.length);
    }
  });

  it('writes a lone surrogate as U+FFFD, valid UTF-8 (protobufjs wrote an invalid 3-byte sequence)', () => {
    const families: FamilySnapshot[] = [
      { name: 'x', type: 'gauge', help: 'a\ud800b', series: [{ labels: [], value: 1 }] },
    ];
    const bytes = encodeProtobuf(families);
    expect(Buffer.from(bytes).includes(Buffer.from('a\ufffdb'))).toBe(true);
    // protobufjs wrote the surrogate's code unit as three bytes (ED A0 80), which no UTF-8 holds.
    const cesu = Buffer.from([0xed, 0xa0, 0x80]);
    expect(Buffer.from(referenceEncode(families)).includes(cesu)).toBe(true);
    expect(Buffer.from(bytes).includes(cesu)).toBe(false);
  });
});
