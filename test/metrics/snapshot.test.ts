import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { renderSnapshot } from '../../src/metrics/snapshot.js';
import { nastyString } from '../helpers/arbitraries.js';
import { goldenRegistry } from './golden.fixture.js';

describe('Registry#snapshot', () => {
  beforeAll(() => {
    vi.useFakeTimers({ now: 1_700_000_000_123, toFake: ['Date'] });
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it('renders through renderSnapshot byte for byte like render, in both formats (golden registry)', () => {
    const r = goldenRegistry();
    for (const f of ['prometheus', 'openmetrics'] as const) {
      expect(renderSnapshot(r.snapshot(), f)).toBe(r.render(f));
    }
  });

  it('holds families, label pairs in declared order, values, buckets and created times', () => {
    const r = goldenRegistry();
    const byName = new Map(r.snapshot().map((f) => [f.name, f]));
    expect(byName.get('sidetone_sip_requests')).toEqual({
      name: 'sidetone_sip_requests',
      type: 'counter',
      help: 'SIP requests received, by method',
      series: [
        { labels: [['method', 'INVITE']], value: 3, createdMs: 1_700_000_000_123 },
        { labels: [['method', 'BYE']], value: 1, createdMs: 1_700_000_000_123 },
      ],
    });
    expect(byName.get('sidetone_call_pdd_seconds')?.series).toEqual([
      {
        labels: [['trunk', 'trunk-a']],
        createdMs: 1_700_000_000_123,
        histogram: {
          count: 3,
          sum: 4.7,
          buckets: [
            { le: 0.5, count: 0 },
            { le: 1, count: 2 },
            { le: 2.5, count: 2 },
            { le: Number.POSITIVE_INFINITY, count: 3 },
          ],
        },
      },
    ]);
    expect(byName.get('sidetone_call_pdd_seconds')?.unit).toBe('seconds');
    expect(byName.get('sidetone_build')).toEqual({
      name: 'sidetone_build',
      type: 'info',
      help: 'Build information',
      series: [
        {
          labels: [
            ['version', '0.1.0'],
            ['runtime', 'node'],
          ],
          value: 1,
        },
      ],
    });
    const ttfb = byName.get('sidetone_agent_first_byte_seconds')?.series[0]?.summary;
    expect(ttfb).toEqual({
      count: 2,
      sum: 0,
      quantiles: [
        { q: 0.5, value: 0 },
        { q: 1, value: 0 },
      ],
    });
    // Self-metrics are families like any other.
    expect(byName.get('sidetone_samples_dropped')?.type).toBe('counter');
  });

  it('leaves out gauges whose value is unknown, as the exposition does', () => {
    const r = new Registry();
    const g = r.gauge({ name: 'modem_signal_dbm', help: 'Signal', labels: ['modem'], initial: 'unknown' });
    g.labels({ modem: 'a' });
    g.labels({ modem: 'b' }).set(-70);
    const f = r.snapshot().find((x) => x.name === 'modem_signal_dbm');
    expect(f?.series).toEqual([{ labels: [['modem', 'b']], value: -70 }]);
  });

  it('agrees with render for any values and label text (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            kind: fc.constantFrom('counter', 'gauge', 'histogram'),
            a: nastyString,
            b: fc.constantFrom('x', 'y', 'z'),
            v: fc.double({ noNaN: true, min: -1e12, max: 1e12 }),
          }),
          { maxLength: 60 },
        ),
        (ops) => {
          const r = new Registry();
          const c = r.counter({ name: 'c_total', help: 'c', labels: ['a', 'b'] });
          const g = r.gauge({ name: 'g', help: 'g', labels: ['b', 'a'] });
          const h = r.histogram({ name: 'h', help: 'h', labels: ['a'], buckets: [-1, 0, 1, 1e6] });
          for (const op of ops) {
            if (op.kind === 'counter') c.labels({ a: op.a, b: op.b }).inc(Math.abs(op.v));
            else if (op.kind === 'gauge') g.labels({ a: op.a, b: op.b }).set(op.v);
            else h.labels({ a: op.a }).observe(Math.abs(op.v));
          }
          for (const f of ['prometheus', 'openmetrics'] as const) {
            expect(renderSnapshot(r.snapshot(), f)).toBe(r.render(f));
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
