import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { DefinitionError } from '../../src/errors.js';
import { Registry } from '../../src/metrics/index.js';

function sample(text: string, line: string): number | undefined {
  for (const l of text.split('\n')) {
    if (l.startsWith(`${line} `)) return Number(l.slice(line.length + 1));
  }
  return undefined;
}

const dropped = (text: string, metric: string, reason: string): number | undefined =>
  sample(text, `sidetone_samples_dropped_total{metric="${metric}",reason="${reason}"}`);

describe('hardening (issue 11)', () => {
  it('a non-number on the hot path is dropped and counted, never concatenated', () => {
    const r = new Registry();
    const c = r.counter({ name: 'c', help: 'x', labels: ['k'] });
    const g = r.gauge({ name: 'g', help: 'x' });
    const h = r.histogram({ name: 'h', help: 'x', buckets: [1] });
    const s = c.labels({ k: 'a' });
    s.inc(5);
    s.inc('5' as unknown as number);
    g.set(3);
    g.set('7' as unknown as number);
    g.inc('7' as unknown as number);
    g.dec('7' as unknown as number);
    h.observe('0.5' as unknown as number);
    expect(s.value).toBe(5);
    expect(typeof s.value).toBe('number');
    expect(g.get()).toBe(3);
    const text = r.render();
    expect(sample(text, 'c_total{k="a"}')).toBe(5);
    expect(dropped(text, 'c', 'not_a_number')).toBe(1);
    expect(dropped(text, 'g', 'not_a_number')).toBe(3);
    expect(dropped(text, 'h', 'not_a_number')).toBe(1);
    expect(sample(text, 'h_count')).toBe(0);
  });

  it('histogram rejects negative (with buckets), infinite and NaN observations, counting each', () => {
    const r = new Registry();
    const h = r.histogram({ name: 'h', help: 'x', buckets: [1, 2] });
    h.observe(1.5);
    h.observe(-1);
    h.observe(Number.POSITIVE_INFINITY);
    h.observe(Number.NEGATIVE_INFINITY);
    h.observe(Number.NaN);
    const text = r.render();
    expect(sample(text, 'h_sum')).toBe(1.5);
    expect(sample(text, 'h_count')).toBe(1);
    expect(dropped(text, 'h', 'negative')).toBe(1);
    expect(dropped(text, 'h', 'infinite')).toBe(2);
    expect(dropped(text, 'h', 'nan')).toBe(1);
  });

  it('observeAt and incAt record what observe and inc do, and drop the same bad values', () => {
    // The staged forms read the number from a typed array (no boxed argument, issue 36).
    const values = [0.5, 1.5, 3, -1, Number.POSITIVE_INFINITY, Number.NaN, 0];
    const staged = Float64Array.from(values);
    const texts = [true, false].map((atForm) => {
      const r = new Registry();
      const h = r.histogram({ name: 'h', help: 'x', buckets: [1, 2] }).labels({});
      const c = r.counter({ name: 'c', help: 'x' }).labels({});
      values.forEach((v, i) => {
        if (atForm) {
          h.observeAt(staged, i);
          c.incAt(staged, i);
        } else {
          h.observe(v);
          c.inc(v);
        }
      });
      return r.render();
    });
    expect(texts[0]).toBe(texts[1]);
    expect(sample(texts[0] as string, 'h_count')).toBe(4);
    expect(sample(texts[0] as string, 'c_total')).toBe(5);
    expect(dropped(texts[0] as string, 'h', 'negative')).toBe(1);
    expect(dropped(texts[0] as string, 'c', 'nan')).toBe(1);
  });

  it('summary drops negative, infinite and NaN observations, counting each: no negative _sum or quantile', () => {
    const r = new Registry();
    const s = r.summary({ name: 's', help: 'x', percentiles: [0.5, 1] });
    s.observe(2);
    s.observe(-3);
    s.observe(Number.POSITIVE_INFINITY);
    s.observe(Number.NEGATIVE_INFINITY);
    s.observe(Number.NaN);
    for (const format of ['prometheus', 'openmetrics'] as const) {
      const text = r.render(format);
      expect(sample(text, 's_sum')).toBe(2);
      expect(sample(text, 's_count')).toBe(1);
      expect(sample(text, format === 'openmetrics' ? 's{quantile="1.0"}' : 's{quantile="1"}')).toBeCloseTo(
        2,
        1,
      );
      const drops = (reason: string) =>
        sample(text, `sidetone_samples_dropped_total{metric="s",reason="${reason}"}`);
      expect([drops('negative'), drops('infinite'), drops('nan')]).toEqual([1, 2, 1]);
    }
  });

  it('clear() resets every metric type, labelled or not', () => {
    const r = new Registry();
    const s = r.summary({ name: 's', help: 'x' });
    const c = r.counter({ name: 'c', help: 'x' });
    const g = r.gauge({ name: 'g', help: 'x' });
    const h = r.histogram({ name: 'h', help: 'x', buckets: [1] });
    s.observe(3);
    c.inc(2);
    g.set(4);
    h.observe(0.5);
    for (const m of [s, c, g, h]) m.clear();
    const text = r.render();
    expect(sample(text, 's_count')).toBe(0);
    expect(sample(text, 's_sum')).toBe(0);
    expect(sample(text, 'c_total')).toBe(0);
    expect(sample(text, 'g')).toBe(0);
    expect(sample(text, 'h_count')).toBe(0);
  });

  it('a second info() with the same name and other values throws at definition time', () => {
    const r = new Registry();
    const a = r.info({ name: 'build', help: 'Build', values: { version: '1.0.0' } });
    expect(r.info({ name: 'build', help: 'Build', values: { version: '1.0.0' } })).toBe(a);
    expect(() => r.info({ name: 'build', help: 'Build', values: { version: '2.0.0' } })).toThrow(
      DefinitionError,
    );
  });

  it('an undeclared label key is counted by metric, its name never published', () => {
    const r = new Registry();
    const c = r.counter({ name: 'calls', help: 'x', labels: ['dir'] });
    c.labels({ dir: 'in', '+15551234567': 'x' } as unknown as { dir: string }).inc();
    const text = r.render();
    expect(text).not.toContain('15551234567');
    expect(sample(text, 'sidetone_unknown_labels_total{metric="calls"}')).toBe(1);
  });

  it('a HELP text of only spaces is refused at definition time', () => {
    const r = new Registry();
    expect(() => r.counter({ name: 'c', help: '   ' })).toThrow(DefinitionError);
    expect(() => r.gauge({ name: 'g', help: '\t \n' })).toThrow(DefinitionError);
  });
});

describe('TTL sweep and bound handles', () => {
  it('a swept series comes back on its next write through a handle, with every increment', () => {
    const r = new Registry();
    const c = r.counter({ name: 'trunk_calls_total', help: 'x', labels: ['trunk'], ttlSeconds: 60 });
    const a = c.labels({ trunk: 'a' });
    a.inc(5);
    const t0 = Date.now();
    r.sweep(t0);
    expect(r.sweep(t0 + 61_000)).toBe(1);
    expect(r.render()).not.toContain('trunk="a"');
    // Written while swept: not lost, and back in the exposition at the next render.
    a.inc(2);
    expect(r.render()).toMatch(/^trunk_calls_total\{trunk="a"\} 7$/m);
    // Rebinding finds the same series: the count does not restart.
    expect(c.labels({ trunk: 'a' })).toBe(a);
    expect(c.get({ trunk: 'a' })).toBe(7);
  });

  it('rebinding a swept series before its handle writes again returns it, never a second series', () => {
    const r = new Registry();
    const g = r.counter({ name: 'sms_total', help: 'x', labels: ['modem', 'result'], ttlSeconds: 1 });
    const h = g.labels({ modem: 'm1', result: 'ok' });
    h.inc(3);
    const t0 = Date.now();
    r.sweep(t0);
    r.sweep(t0 + 2_000);
    expect(g.size).toBe(0);
    const again = g.labels({ modem: 'm1', result: 'ok' });
    expect(again).toBe(h);
    again.inc();
    h.inc();
    const lines = r
      .render()
      .split('\n')
      .filter((l) => l.startsWith('sms_total{'));
    expect(lines).toEqual(['sms_total{modem="m1",result="ok"} 5']);
    expect(g.size).toBe(1);
  });

  it('a swept series nobody holds is freed, not kept for ever', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((r) => setImmediate(r));
      }
    };
    const r = new Registry();
    const g = r.gauge({ name: 'leg_up', help: 'x', labels: ['leg'], ttlSeconds: 1, maxSeries: 200_000 });
    await settle();
    const base = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100_000; i++) g.labels({ leg: `leg-${i}-${'x'.repeat(40)}` }).set(1);
    await settle();
    const full = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    r.sweep(t0);
    expect(r.sweep(t0 + 2_000)).toBe(100_000);
    await settle();
    r.sweep(t0 + 4_000); // drops the entries of collected series
    await settle();
    const after = process.memoryUsage().heapUsed;
    // 100k series with 50-character keys hold > 10 MB; after the sweep less than a tenth remains.
    expect(full - base).toBeGreaterThan(10_000_000);
    expect(after - base).toBeLessThan((full - base) / 10);
    expect(r.render()).not.toContain('leg_up{');
  });
});

describe('Counter.set on a mirrored counter (issue 47, item 12)', () => {
  it('a lower value is a reset of the source: taken, `_created` moves to it, nothing counted as dropped', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(1_700_000_000_000);
      const r = new Registry({ createdTimestamps: true });
      // A device counter read in a collect callback: 120 SMS, then the modem reboots and reads 3.
      const c = r.counter({ name: 'device_sms_sent_total', help: 'x' });
      c.set(undefined, 120);
      const before = sample(r.render('openmetrics'), 'device_sms_sent_created');
      expect(before).toBe(1_700_000_000);
      vi.setSystemTime(1_700_000_060_000);
      c.set(undefined, 3);
      const text = r.render('openmetrics');
      expect(sample(text, 'device_sms_sent_total')).toBe(3);
      // Prometheus reads a decrease as a reset; `_created` says when the new count started.
      expect(sample(text, 'device_sms_sent_created')).toBe(1_700_000_060);
      expect(text).not.toContain('sidetone_samples_dropped_total{metric="device_sms_sent"');
      c.set(undefined, 5);
      expect(sample(r.render('openmetrics'), 'device_sms_sent_created')).toBe(1_700_000_060);
    } finally {
      vi.useRealTimers();
    }
  });

  it('what is still dropped is counted under its own reason, never "infinite" for a finite value', () => {
    const r = new Registry();
    const c = r.counter({ name: 'm', help: 'x' });
    c.set(undefined, 10);
    c.set(undefined, -1);
    c.set(undefined, Number.NaN);
    c.set(undefined, Number.POSITIVE_INFINITY);
    c.set(undefined, '4' as unknown as number);
    const text = r.render();
    expect(sample(text, 'm_total')).toBe(10);
    expect(dropped(text, 'm', 'negative')).toBe(1);
    expect(dropped(text, 'm', 'nan')).toBe(1);
    expect(dropped(text, 'm', 'infinite')).toBe(1);
    expect(dropped(text, 'm', 'not_a_number')).toBe(1);
  });
});
