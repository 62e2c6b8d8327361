/**
 * Each series keeps the text a render writes before its values, made and escaped once when the
 * series is made (issue 51: rebuilding it on every render was over half of a 10k-series render).
 * Kept text is where stale-text bugs hide: a series removed then made again, a value given as a
 * number then as its string, a series the TTL sweep took out and a handle brought back, `clear()`.
 * The property holds every render, after any sequence of those, to two references: the snapshot
 * writer (`renderSnapshot`, which builds every label text from the index's values on each call, as
 * the render did before), and a model in this file with its own escaping.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from '../../src/metrics/index.js';
import { EPOCH } from '../../src/metrics/series.js';
import { renderSnapshot } from '../../src/metrics/snapshot.js';

/** Label values: every escape case of both formats (`\`, `"`, LF), UTF-8, a number and its string, PII. */
const VALUES = ['', 'x', 'a"b', 'back\\slash', 'two\nlines', '\\n', '"\\\n"', 'é☎𝄞', '1', 1, '+441632960123'];
/** The guard's answer for each, as the exposition must show it (a phone number is redacted). */
const canonical = (v: string | number): string =>
  typeof v === 'number' ? String(v) : v === '+441632960123' ? 'redacted' : v;
/** This file's own escaping (text 0.0.4 and OpenMetrics ABNF: `\\`, `\"`, `\n`), not format.ts's. */
const esc = (v: string): string => {
  let out = '';
  for (const ch of v) out += ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : ch === '\n' ? '\\n' : ch;
  return out;
};
const TTL_MS = 60_000;

type Op =
  | { op: 'bind' | 'write' | 'remove'; fam: 'c' | 'h' | 'g'; p: number; k: number }
  | { op: 'clear'; fam: 'c' | 'h' | 'g' }
  | { op: 'tick'; ms: number }
  | { op: 'sweep' }
  | { op: 'render' };

const value = fc.nat({ max: VALUES.length - 1 });
const fam = fc.constantFrom<'c' | 'h' | 'g'>('c', 'c', 'h', 'g');
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ op: fc.constant('bind' as const), fam, p: fc.nat(2), k: fc.nat(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('write' as const), fam, p: fc.nat(2), k: fc.nat(3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('remove' as const), fam, p: fc.nat(2), k: fc.nat(3) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('clear' as const), fam }) },
  {
    weight: 3,
    arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.constantFrom(0, 1_000, 30_000, 61_000) }),
  },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('sweep' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('render' as const) }) },
);

/** The model of counter `c`'s series: what the exposition must show, by canonical label path. */
interface Entry {
  a: string;
  b: string;
  handle: { inc(v: number): void };
  value: number;
  idle: number;
  state: 'exposed' | 'swept' | 'removed';
}

describe('series text kept from when the series is made (issue 51)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: EPOCH + 1000, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the sample prefix of a counter or gauge, the bucket prefix of a histogram, escaped once', () => {
    const r = new Registry();
    const c = r.counter({ name: 'c_total', help: 'c', labels: ['a', 'b'] });
    const g = r.gauge({ name: 'g', help: 'g', labels: ['a'] });
    const h = r.histogram({ name: 'h', help: 'h', labels: ['b', 'a'], buckets: [1] });
    const n = r.counter({ name: 'n_total', help: 'n' });
    expect(c.labels({ a: 'x"y\\\n', b: 1 }).text).toBe('c_total{a="x\\"y\\\\\\n",b="1"} ');
    // A number reaches the series of its string form: one series, one text.
    expect(c.labels({ a: 'x"y\\\n', b: '1' })).toBe(c.labels({ a: 'x"y\\\n', b: 1 }));
    expect(g.labels({ a: 'é☎' }).text).toBe('g{a="é☎"} ');
    expect(h.labels({ a: '+441632960123', b: 'q' }).text).toBe('h_bucket{b="q",a="redacted",');
    expect(n.labels({}).text).toBe('n_total ');
    expect(r.histogram({ name: 'h0', help: 'h0', buckets: [1] }).labels({}).text).toBe('h0_bucket{');
  });

  it('renders what the snapshot writer and a model render after any adds, removes, sweeps and clears (property)', () => {
    fc.assert(
      // Three label paths a run draws its operations on, so that one path is bound, removed,
      // swept and bound again within a run.
      fc.property(
        fc.array(fc.tuple(value, value), { minLength: 3, maxLength: 3 }),
        fc.array(op, { minLength: 10, maxLength: 80 }),
        (paths, ops) => {
          vi.setSystemTime(EPOCH + 1000);
          const r = new Registry({ createdTimestamps: true });
          const c = r.counter({ name: 'c_total', help: 'c', labels: ['a', 'b'], ttlSeconds: TTL_MS / 1000 });
          const h = r.histogram({
            name: 'h',
            help: 'h',
            labels: ['b', 'a'],
            buckets: [1, 2],
            ttlSeconds: 60,
          });
          const g = r.gauge({ name: 'g', help: 'g', labels: ['a', 'b'] });
          const families = { c, h, g };
          /** The last handle bound per family and path, written by `write` whatever became of its series. */
          const handles = new Map<string, { write(k: number): void }>();
          const model = new Map<string, Entry>();
          const key = (a: string, b: string) => `${a}\0${b}`;

          const sweep = () => {
            const at = Math.max(1, Date.now() - EPOCH);
            for (const e of model.values()) if (e.state === 'swept' && e.idle === 0) e.state = 'exposed';
            for (const e of model.values()) {
              if (e.state !== 'exposed') continue;
              if (e.idle === 0) e.idle = at;
              else if (at - e.idle > TTL_MS) e.state = 'swept';
            }
          };
          const check = () => {
            for (const format of ['prometheus', 'openmetrics'] as const) {
              sweep();
              const text = r.render(format);
              expect(renderSnapshot(r.snapshot(), format, { createdTimestamps: true })).toBe(text);
              const exposed = [...model.values()].filter((e) => e.state === 'exposed');
              const want = exposed.map((e) => `c_total{a="${esc(e.a)}",b="${esc(e.b)}"} ${e.value}`).sort();
              const lines = text.split('\n');
              expect(lines.filter((l) => l.startsWith('c_total{')).sort()).toEqual(want);
              if (format === 'openmetrics') {
                const created = exposed.map((e) => `c_created{a="${esc(e.a)}",b="${esc(e.b)}"}`).sort();
                expect(
                  lines
                    .filter((l) => l.startsWith('c_created{'))
                    .map((l) => l.split(' ')[0])
                    .sort(),
                ).toEqual(created);
              }
            }
          };

          for (const o of ops) {
            if (o.op === 'tick') vi.setSystemTime(Date.now() + o.ms);
            else if (o.op === 'sweep') {
              sweep();
              r.sweep();
            } else if (o.op === 'render') check();
            else if (o.op === 'clear') {
              families[o.fam].clear();
              if (o.fam === 'c')
                for (const e of model.values()) if (e.state !== 'removed') e.state = 'removed';
            } else {
              const [ai, bi] = paths[o.p] as [number, number];
              const raw = { a: VALUES[ai] as string | number, b: VALUES[bi] as string | number };
              const [a, b] = [canonical(raw.a), canonical(raw.b)];
              const id = `${o.fam}\0${key(a, b)}`;
              if (o.op === 'remove') {
                families[o.fam].remove(raw);
                // remove() takes the values as given (a number as its string), unguarded: the
                // raw phone number names no series, the redacted one is left.
                const e = model.get(key(String(raw.a), String(raw.b)));
                if (o.fam === 'c' && e?.state === 'exposed') e.state = 'removed';
              } else if (o.op === 'bind') {
                if (o.fam === 'c') {
                  const s = c.labels(raw);
                  const e = model.get(key(a, b));
                  if (e !== undefined && e.state !== 'removed') {
                    // The series held (or swept and brought back by this lookup) is the one bound.
                    expect(s).toBe(e.handle);
                    e.state = 'exposed';
                  } else model.set(key(a, b), { a, b, handle: s, value: 0, idle: 0, state: 'exposed' });
                  handles.set(id, {
                    write: (k) => {
                      s.inc(k);
                      const m = model.get(key(a, b)) as Entry;
                      if (m.handle === s) {
                        m.value += k;
                        m.idle = 0;
                      }
                    },
                  });
                } else if (o.fam === 'h') {
                  const s = h.labels(raw);
                  handles.set(id, { write: (k) => s.observe(k) });
                } else {
                  const s = g.labels(raw);
                  handles.set(id, { write: (k) => s.set(k) });
                }
                handles.get(id)?.write(o.k);
              } else handles.get(id)?.write(o.k);
            }
          }
          check();
        },
      ),
      { numRuns: 300 },
    );
  });
});
