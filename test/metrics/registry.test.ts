import { describe, expect, it, vi } from 'vitest';
import { DefinitionError, LabelPolicyError, SidetoneError } from '../../src/errors.js';
import { Registry } from '../../src/metrics/index.js';

function sample(text: string, line: string): number | undefined {
  for (const l of text.split('\n')) {
    if (l.startsWith(`${line} `)) return Number(l.slice(line.length + 1));
  }
  return undefined;
}

describe('definition-time validation', () => {
  const r = new Registry();
  const cases: Array<[string, () => unknown, string]> = [
    ['bad metric name', () => r.counter({ name: 'sms-sent', help: 'x' }), 'ST_INVALID_METRIC_NAME'],
    ['leading digit', () => r.gauge({ name: '1x', help: 'x' }), 'ST_INVALID_METRIC_NAME'],
    ['__ prefix', () => r.gauge({ name: '__x', help: 'x' }), 'ST_RESERVED_METRIC_NAME'],
    [
      'bad label name',
      () => r.counter({ name: 'a_total', help: 'x', labels: ['trunk-id'] }),
      'ST_INVALID_LABEL_NAME',
    ],
    ['__ label', () => r.counter({ name: 'b_total', help: 'x', labels: ['__x'] }), 'ST_RESERVED_LABEL_NAME'],
    [
      'le on histogram',
      () => r.histogram({ name: 'h1', help: 'x', labels: ['le'] }),
      'ST_RESERVED_LABEL_NAME',
    ],
    [
      'quantile on summary',
      () => r.summary({ name: 's1', help: 'x', labels: ['quantile'] }),
      'ST_RESERVED_LABEL_NAME',
    ],
    [
      'duplicate label',
      () => r.counter({ name: 'c_total', help: 'x', labels: ['a', 'a'] }),
      'ST_DUPLICATE_LABEL_NAME',
    ],
    ['empty help', () => r.counter({ name: 'd_total', help: '' }), 'ST_MISSING_HELP'],
    [
      'unsorted buckets',
      () => r.histogram({ name: 'h2', help: 'x', buckets: [1, 0.5] }),
      'ST_INVALID_BUCKETS',
    ],
    ['duplicate bucket', () => r.histogram({ name: 'h3', help: 'x', buckets: [1, 1] }), 'ST_INVALID_BUCKETS'],
    ['NaN bucket', () => r.histogram({ name: 'h4', help: 'x', buckets: [Number.NaN] }), 'ST_INVALID_BUCKETS'],
    ['no buckets', () => r.histogram({ name: 'h5', help: 'x', buckets: [] }), 'ST_INVALID_BUCKETS'],
    ['unit suffix', () => r.gauge({ name: 'latency', help: 'x', unit: 'seconds' }), 'ST_UNIT_SUFFIX'],
    [
      'enum for undeclared label',
      () => r.counter({ name: 'e_total', help: 'x', labels: ['a'], enums: { b: ['x'] } as never }),
      'ST_ENUM_UNKNOWN_LABEL',
    ],
    [
      'phone number in name',
      () => r.counter({ name: 'calls_to_15551234567_total', help: 'x' }),
      'ST_DEFINITION_PII',
    ],
    [
      'webhook URL in help',
      () => r.counter({ name: 'f_total', help: 'posted to https://hooks.example.com/T0/abc?token=x' }),
      'ST_DEFINITION_PII',
    ],
    [
      'bad percentile',
      () => r.summary({ name: 's2', help: 'x', percentiles: [1.5] }),
      'ST_INVALID_PERCENTILE',
    ],
    ['bad ttl', () => r.gauge({ name: 'g_ttl', help: 'x', ttlSeconds: -1 }), 'ST_INVALID_OPTION'],
  ];
  it.each(cases)('%s throws a DefinitionError with a stable code', (_name, fn, code) => {
    let err: unknown;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DefinitionError);
    expect(err).toBeInstanceOf(SidetoneError);
    expect((err as SidetoneError).code).toBe(code);
  });

  it('shows the bad value and the fix in the message', () => {
    expect(() => r.counter({ name: 'sms-sent', help: 'x' })).toThrow(/"sms-sent".*letters, digits/);
    expect(() => r.histogram({ name: 'h6', help: 'x', buckets: [1, 0.5] })).toThrow(
      /0.5 follows 1: sort them/,
    );
  });

  it('returns the existing metric for an identical definition and throws for a different shape', () => {
    const a = r.counter({ name: 'same_total', help: 'x', labels: ['a'] });
    expect(r.counter({ name: 'same_total', help: 'x', labels: ['a'] })).toBe(a);
    expect(() => r.counter({ name: 'same_total', help: 'x', labels: ['b'] })).toThrow(
      expect.objectContaining({ code: 'ST_DUPLICATE_METRIC' }),
    );
    expect(() => r.gauge({ name: 'same', help: 'x' })).toThrow(
      expect.objectContaining({ code: 'ST_DUPLICATE_METRIC' }),
    );
  });

  it('refuses a family whose samples would clash with another family', () => {
    r.counter({ name: 'clash', help: 'x' });
    expect(() => r.gauge({ name: 'clash_total', help: 'x' })).toThrow(
      expect.objectContaining({ code: 'ST_METRIC_NAME_CLASH' }),
    );
  });
});

describe('prefix', () => {
  it("names the registry's own families, which other modules read from it", () => {
    const r = new Registry({ prefix: 'callstack' });
    expect(r.prefix).toBe('callstack');
    const names = [...r.all()].map((m) => m.name);
    expect(names.length).toBeGreaterThan(4);
    expect(names.filter((n) => !n.startsWith('callstack_'))).toEqual([]);
    expect(new Registry().prefix).toBe('sidetone');
    expect(() => new Registry({ prefix: '9x' })).toThrow(DefinitionError);
  });
});

describe('recording', () => {
  it('pre-bound handles and dynamic lookups update the same series', () => {
    const r = new Registry();
    const c = r.counter({
      name: 'sip_invites_total',
      help: 'INVITEs',
      labels: ['direction', 'class'],
      enums: { direction: ['inbound', 'outbound'] },
    });
    const h = c.labels({ direction: 'inbound', class: '2xx' });
    h.inc();
    h.inc(2);
    c.labels({ direction: 'inbound', class: '2xx' }).inc();
    c.inc({ direction: 'inbound', class: '2xx' }, 4);
    expect(c.get({ direction: 'inbound', class: '2xx' })).toBe(8);
    expect(c.labels({ class: '2xx', direction: 'inbound' })).toBe(h);
  });

  it('finds series the same way with many labels (the generic lookup) and with few (the generated one)', () => {
    const r = new Registry();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] as const; // 9: past the generated lookups
    const wide = r.counter({ name: 'wide_total', help: 'x', labels: [...names] });
    const narrow = r.counter({ name: 'narrow_total', help: 'x', labels: ['constructor', 'class'] });
    for (let k = 0; k < 3; k++) {
      const l = Object.fromEntries(names.map((n, i) => [n, `${n}${(k + i) % 2}`])) as Record<
        (typeof names)[number],
        string
      >;
      const bound = wide.labels(l);
      wide.inc({ ...l }, 2);
      expect(wide.labels({ ...l })).toBe(bound);
      // Label names that are also Object.prototype keys read the label object's own value.
      const n = narrow.labels({ constructor: `x${k}`, class: 'y' });
      expect(narrow.labels({ class: 'y', constructor: `x${k}` })).toBe(n);
    }
    expect(wide.size).toBe(2);
    expect(narrow.size).toBe(3);
  });

  it('numbers and their strings reach one series', () => {
    const r = new Registry();
    const c = r.counter({ name: 'sip_responses_total', help: 'x', labels: ['code'] });
    c.labels({ code: 486 }).inc();
    c.labels({ code: '486' }).inc();
    c.labels({ code: 486 }).inc();
    expect(c.size).toBe(1);
    expect(c.get({ code: '486' })).toBe(3);
  });

  it('drops NaN, negative and infinite samples and counts them by reason', () => {
    const r = new Registry();
    const c = r.counter({ name: 'x_total', help: 'x' });
    const g = r.gauge({ name: 'y', help: 'y' });
    const h = r.histogram({ name: 'z_seconds', help: 'z', unit: 'seconds' });
    c.inc(-1);
    c.inc(Number.NaN);
    c.inc(Number.POSITIVE_INFINITY);
    g.set(Number.NaN);
    h.observe(Number.NaN);
    c.inc(2);
    expect(c.get()).toBe(2);
    const text = r.render();
    expect(sample(text, 'sidetone_samples_dropped_total{metric="x",reason="negative"}')).toBe(1);
    expect(sample(text, 'sidetone_samples_dropped_total{metric="x",reason="nan"}')).toBe(1);
    expect(sample(text, 'sidetone_samples_dropped_total{metric="x",reason="infinite"}')).toBe(1);
    expect(sample(text, 'sidetone_samples_dropped_total{metric="y",reason="nan"}')).toBe(1);
    expect(sample(text, 'sidetone_samples_dropped_total{metric="z_seconds",reason="nan"}')).toBe(1);
  });

  it('strict mode throws on a dropped sample', () => {
    const r = new Registry({ guard: { strict: true } });
    const c = r.counter({ name: 'x_total', help: 'x' });
    expect(() => c.inc(-1)).toThrow(expect.objectContaining({ code: 'ST_SAMPLE_DROPPED' }));
  });

  it('maps values outside an enum to other, counted', () => {
    const r = new Registry();
    const c = r.counter({
      name: 'calls_total',
      help: 'x',
      labels: ['direction'],
      enums: { direction: ['inbound'] },
    });
    c.labels({ direction: 'sideways' }).inc();
    c.labels({ direction: 'sideways' }).inc();
    expect(c.get({ direction: 'other' })).toBe(2);
    expect(
      sample(
        r.render(),
        'sidetone_label_values_rejected_total{metric="calls",label="direction",reason="not_in_enum"}',
      ),
    ).toBe(2);
    const strict = new Registry({ guard: { strict: true } });
    const s = strict.counter({
      name: 'calls_total',
      help: 'x',
      labels: ['direction'],
      enums: { direction: ['inbound'] },
    });
    expect(() => s.labels({ direction: 'sideways' })).toThrow(LabelPolicyError);
  });

  it('gauges: inc/dec/set, unknown until set, unset hides the series', () => {
    const r = new Registry();
    const g = r.gauge({ name: 'active_calls', help: 'x' });
    g.inc();
    g.inc(2);
    g.dec();
    expect(g.get()).toBe(2);
    const sig = r.gauge({
      name: 'signal_dbm',
      help: 'x',
      unit: 'dbm',
      initial: 'unknown',
      labels: ['modem'],
    });
    const m = sig.labels({ modem: 'm1' });
    expect(r.render()).not.toMatch(/^signal_dbm\{/m);
    m.set(-85);
    expect(r.render()).toMatch(/^signal_dbm\{modem="m1"\} -85$/m);
    m.unset();
    expect(r.render()).not.toMatch(/^signal_dbm\{/m);
  });

  it('histograms: inclusive upper bounds, cumulative buckets, +Inf equals count', () => {
    const r = new Registry();
    const h = r.histogram({ name: 'pdd_seconds', help: 'x', unit: 'seconds', buckets: [0.5, 1, 2] });
    for (const v of [0.5, 0.7, 1, 1.5, 3, 0]) h.observe(v);
    const text = r.render();
    expect(sample(text, 'pdd_seconds_bucket{le="0.5"}')).toBe(2);
    expect(sample(text, 'pdd_seconds_bucket{le="1"}')).toBe(4);
    expect(sample(text, 'pdd_seconds_bucket{le="2"}')).toBe(5);
    expect(sample(text, 'pdd_seconds_bucket{le="+Inf"}')).toBe(6);
    expect(sample(text, 'pdd_seconds_count')).toBe(6);
    expect(sample(text, 'pdd_seconds_sum')).toBeCloseTo(6.7, 10);
  });

  it('summaries: quantiles within the sketch accuracy over a sliding window', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    try {
      const r = new Registry();
      const s = r.summary({
        name: 'ttfb_seconds',
        help: 'x',
        unit: 'seconds',
        percentiles: [0.5, 0.99],
        maxAgeSeconds: 60,
        ageBuckets: 3,
      });
      for (let i = 1; i <= 1000; i++) s.observe(i / 1000);
      let text = r.render();
      expect(sample(text, 'ttfb_seconds{quantile="0.5"}')).toBeCloseTo(0.5, 1);
      expect(Math.abs((sample(text, 'ttfb_seconds{quantile="0.5"}') as number) - 0.5) / 0.5).toBeLessThan(
        0.011,
      );
      expect(Math.abs((sample(text, 'ttfb_seconds{quantile="0.99"}') as number) - 0.99) / 0.99).toBeLessThan(
        0.011,
      );
      // 40 s later the first values are still in the window; new large values shift the median.
      vi.setSystemTime(1_700_000_040_000);
      for (let i = 0; i < 3000; i++) s.observe(10);
      text = r.render();
      expect(Math.abs((sample(text, 'ttfb_seconds{quantile="0.5"}') as number) - 10) / 10).toBeLessThan(
        0.011,
      );
      // After the whole window has passed with no new data, quantiles are NaN (unknown), not 0;
      // sum and count stay cumulative.
      vi.setSystemTime(1_700_000_200_000);
      text = r.render();
      expect(text).toMatch(/^ttfb_seconds\{quantile="0.5"\} NaN$/m);
      expect(sample(text, 'ttfb_seconds_count')).toBe(4000);
    } finally {
      vi.useRealTimers();
    }
  });

  it('removes a series and expires idle series after the TTL', () => {
    const r = new Registry();
    const g = r.gauge({ name: 'trunk_up', help: 'x', labels: ['trunk'], ttlSeconds: 60 });
    const a = g.labels({ trunk: 'a' });
    g.labels({ trunk: 'b' }).set(1);
    a.set(1);
    expect(g.remove({ trunk: 'b' })).toBe(true);
    expect(g.remove({ trunk: 'b' })).toBe(false);
    expect(g.size).toBe(1);
    const t0 = Date.now();
    r.sweep(t0); // marks a as seen now
    expect(r.sweep(t0 + 30_000)).toBe(0);
    a.set(2); // touched again at ~30 s
    expect(r.sweep(t0 + 61_000)).toBe(0);
    expect(r.sweep(t0 + 125_000)).toBe(1);
    expect(g.size).toBe(0);
    // A fresh lookup creates a new series.
    g.labels({ trunk: 'a' }).set(3);
    expect(g.get({ trunk: 'a' })).toBe(3);
  });

  it('collect callbacks run before each scrape; a failing or slow one stays stale and is counted, the scrape succeeds', async () => {
    const r = new Registry({ collectTimeoutMs: 50 });
    let n = 0;
    r.gauge({
      name: 'queue_depth',
      help: 'x',
      collect: (g) => {
        g.set(++n);
      },
    });
    expect(await r.metrics()).toMatch(/^queue_depth 1$/m);
    expect(await r.metrics()).toMatch(/^queue_depth 2$/m);
    let fail = false;
    r.gauge({
      name: 'broken',
      help: 'x',
      collect: (g) => {
        if (fail) throw new Error('modem gone');
        g.set(7);
      },
    });
    expect(await r.metrics()).toMatch(/^broken 7$/m);
    fail = true;
    // The broken family keeps its last value; the healthy one still updates.
    const stale = await r.metrics();
    expect(stale).toMatch(/^broken 7$/m);
    expect(stale).toMatch(/^queue_depth 4$/m);
    expect(await r.collect()).toEqual(['broken: modem gone']);
    fail = false;
    let slowRuns = 0;
    r.gauge({
      name: 'slow',
      help: 'x',
      collect: (g) => {
        slowRuns++;
        if (slowRuns === 1) g.set(1);
        return slowRuns === 1 ? undefined : new Promise((res) => setTimeout(res, 500));
      },
    });
    expect(await r.metrics()).toMatch(/^slow 1$/m);
    expect(await r.collect()).toEqual(['slow: timed out after 50 ms']);
    expect(await r.metrics()).toMatch(/^slow 1$/m);
    const text = r.render();
    expect(sample(text, 'sidetone_collect_errors_total{metric="broken"}')).toBe(2);
    expect(sample(text, 'sidetone_collect_errors_total{metric="slow"}')).toBe(2);
  });
});
