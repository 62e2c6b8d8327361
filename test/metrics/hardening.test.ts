import { describe, expect, it } from 'vitest';
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
