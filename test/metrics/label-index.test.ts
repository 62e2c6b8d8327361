import { describe, expect, it } from 'vitest';
import { LabelIndex } from '../../src/metrics/label-index.js';
import { Registry } from '../../src/metrics/registry.js';

describe('a metric and its label index (issue 49)', () => {
  it('has its label index rather than being one, and answers through it', () => {
    const r = new Registry();
    const c = r.counter({
      name: 'calls_total',
      help: 'Calls',
      labels: ['dir'],
      enums: { dir: ['in', 'out'] },
    });
    const g = r.gauge({ name: 'lines', help: 'Lines' });
    expect(c).not.toBeInstanceOf(LabelIndex);
    expect(g).not.toBeInstanceOf(LabelIndex);
    c.labels({ dir: 'in' }).inc(2);
    expect(c.size).toBe(1);
    expect(c.labels({ dir: 'in' })).toBe(c.labels({ dir: 'in' }));
    // A metric without labels has its one series from the start, kept (reset) across clear().
    expect(g.size).toBe(1);
    g.set(5);
    g.clear();
    expect(g.get()).toBe(0);
    expect(c.remove({ dir: 'in' })).toBe(true);
    expect(c.size).toBe(0);
  });
});
