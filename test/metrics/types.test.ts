import { describe, expect, it } from 'vitest';
import { Registry } from '../../src/metrics/index.js';

// Compile-time guarantees, checked by `tsc --noEmit` in `npm test`: each `@ts-expect-error` below
// must be an error, or the type-check fails ("unused directive").
describe('label names are type-checked', () => {
  it('a typo, a missing label or an extra label is a compile error', () => {
    const r = new Registry();
    const invites = r.counter({ name: 'invites_total', help: 'x', labels: ['direction', 'class'] });
    invites.labels({ direction: 'inbound', class: '2xx' }).inc();
    // @ts-expect-error `dirction` is not a declared label
    expect(() => invites.labels({ dirction: 'inbound', class: '2xx' })).not.toThrow();
    // @ts-expect-error `class` is missing
    expect(() => invites.labels({ direction: 'inbound' })).not.toThrow();
    // @ts-expect-error `trunk` is not declared
    expect(() => invites.labels({ direction: 'inbound', class: '2xx', trunk: 'a' })).not.toThrow();
    const plain = r.gauge({ name: 'g', help: 'x' });
    // @ts-expect-error a metric without labels takes none
    expect(() => plain.labels({ a: 'b' })).not.toThrow();
    // At run time the same mistakes are dropped and counted, never thrown (see registry tests).
    expect(r.render()).toContain('sidetone_unknown_labels_total{metric="invites"} 1');
  });
});
