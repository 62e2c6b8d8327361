import { describe, expect, it } from 'vitest';
import { LabelPolicyError } from '../../src/errors.js';
import { Registry } from '../../src/metrics/index.js';

function sample(text: string, line: string): number | undefined {
  const hit = text.split('\n').find((l) => l.startsWith(`${line} `));
  return hit === undefined ? undefined : Number(hit.slice(line.length + 1));
}

describe('label policy', () => {
  it('redacts free values that carry PII and counts them by kind', () => {
    const r = new Registry();
    const c = r.counter({ name: 'sms_failed_total', help: 'x', labels: ['reason'] });
    c.labels({ reason: 'to +44 7700 900123' }).inc();
    c.labels({ reason: 'sip:alice@example.com' }).inc();
    c.labels({ reason: 'timeout' }).inc();
    expect(c.get({ reason: 'redacted' })).toBe(2);
    expect(c.get({ reason: 'timeout' })).toBe(1);
    const text = r.render();
    expect(text).not.toContain('7700');
    expect(text).not.toContain('alice');
    expect(
      sample(text, 'sidetone_label_values_redacted_total{metric="sms_failed",label="reason",kind="phone"}'),
    ).toBe(1);
    expect(
      sample(text, 'sidetone_label_values_redacted_total{metric="sms_failed",label="reason",kind="sip_uri"}'),
    ).toBe(1);
  });

  it('refuses values longer than the limit', () => {
    const r = new Registry({ guard: { maxValueLength: 8 } });
    const c = r.counter({ name: 'x_total', help: 'x', labels: ['v'] });
    c.labels({ v: 'abcdefghij' }).inc();
    expect(c.get({ v: 'other' })).toBe(1);
    expect(
      sample(r.render(), 'sidetone_label_values_rejected_total{metric="x",label="v",reason="too_long"}'),
    ).toBe(1);
  });

  it('sends new combinations past the series cap to one overflow series, counted', () => {
    const r = new Registry({ guard: { maxSeries: 3 } });
    const c = r.counter({ name: 'calls_total', help: 'x', labels: ['trunk', 'dir'] });
    for (const t of ['a', 'b', 'c', 'd', 'e']) c.labels({ trunk: `trunk-${t}`, dir: 'in' }).inc();
    c.labels({ trunk: 'trunk-a', dir: 'in' }).inc(); // existing series keeps working
    expect(c.size).toBe(4); // three + overflow
    expect(c.get({ trunk: 'trunk-a', dir: 'in' })).toBe(2);
    const text = r.render();
    expect(sample(text, 'calls_total{trunk="other",dir="other"}')).toBe(2);
    expect(sample(text, 'sidetone_series_overflow_total{metric="calls"}')).toBe(2);
    // Per-metric override.
    const g = r.gauge({ name: 'g', help: 'x', labels: ['k'], maxSeries: 1 });
    g.labels({ k: 'a' }).set(1);
    g.labels({ k: 'b' }).set(2);
    expect(g.get({ k: 'other' })).toBe(2);
  });

  it('the overflow series and an all-"other" series from enum misses are one series', () => {
    const r = new Registry({ guard: { maxSeries: 2 } });
    const c = r.counter({ name: 'x_total', help: 'x', labels: ['d'], enums: { d: ['in', 'out'] } });
    c.labels({ d: 'sideways' }).inc(); // enum miss -> {d="other"}
    c.labels({ d: 'in' }).inc();
    c.labels({ d: 'out' }).inc(); // past the cap -> overflow, which is {d="other"} too
    const lines = r
      .render()
      .split('\n')
      .filter((l) => l.startsWith('x_total{'));
    expect(lines).toEqual(['x_total{d="other"} 2', 'x_total{d="in"} 1']);
  });

  it('drops undeclared label keys and counts them', () => {
    const r = new Registry();
    const c = r.counter({ name: 'sip_total', help: 'x', labels: ['method'] });
    c.labels({ method: 'INVITE', call_id: 'a84b4c76e66710' } as never).inc();
    const text = r.render();
    expect(sample(text, 'sip_total{method="INVITE"}')).toBe(1);
    expect(text).not.toContain('a84b4c76e66710');
    expect(sample(text, 'sidetone_unknown_labels_total{metric="sip"}')).toBe(1);
    expect(text).not.toContain('call_id');
  });

  it('strict mode throws a LabelPolicyError with a code for each violation', () => {
    const r = new Registry({ guard: { strict: true, maxSeries: 1, maxValueLength: 10 } });
    const c = r.counter({ name: 'x_total', help: 'x', labels: ['v'], enums: undefined });
    const e = r.counter({ name: 'y_total', help: 'x', labels: ['d'], enums: { d: ['in'] } });
    const codes = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(LabelPolicyError);
        return (err as LabelPolicyError).code;
      }
      return 'none';
    };
    expect(codes(() => c.labels({ v: '5551234567' }))).toBe('ST_LABEL_PII');
    expect(codes(() => c.labels({ v: 'x'.repeat(11) }))).toBe('ST_LABEL_REJECTED');
    expect(codes(() => e.labels({ d: 'out' }))).toBe('ST_LABEL_REJECTED');
    expect(codes(() => c.labels({ v: 'ok', extra: 1 } as never))).toBe('ST_UNKNOWN_LABEL');
    c.labels({ v: 'ok' }).inc();
    expect(codes(() => c.labels({ v: 'ok2' }))).toBe('ST_SERIES_CAP');
    // A PII value is never echoed in the error.
    expect(() => c.labels({ v: '5551234567' })).toThrow(/looks like phone PII/);
    expect(() => c.labels({ v: '5551234567' })).not.toThrow(/5551234567/);
  });

  it('rejects PII in enum values and info values at definition', () => {
    const r = new Registry();
    expect(() =>
      r.counter({ name: 'a_total', help: 'x', labels: ['to'], enums: { to: ['+15551234567'] } }),
    ).toThrow(expect.objectContaining({ code: 'ST_DEFINITION_PII' }));
    expect(() => r.info({ name: 'b', help: 'x', values: { owner: 'ops@example.com' } })).toThrow(
      expect.objectContaining({ code: 'ST_DEFINITION_PII' }),
    );
  });

  it('runs the guard once per new series: repeat lookups reuse the first decision', () => {
    const r = new Registry();
    const c = r.counter({ name: 'x_total', help: 'x', labels: ['v'] });
    c.labels({ v: 'fine' }).inc();
    c.labels({ v: 'fine' }).inc();
    c.labels({ v: '+15551234567' }).inc();
    c.labels({ v: '+15551234567' }).inc();
    // Redacted values are re-checked (not aliased, so no PII is kept in the index) and each counted.
    expect(
      sample(r.render(), 'sidetone_label_values_redacted_total{metric="x",label="v",kind="phone"}'),
    ).toBe(2);
    expect(c.get({ v: 'fine' })).toBe(2);
  });
});
