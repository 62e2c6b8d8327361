import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeldQueue, type Queued } from '../../../src/sources/hep/held-queue.js';

interface Item extends Queued {
  id: number;
}

const item = (id: number, tie: number): Item => ({ id, wake: 0, heapAt: -1, ringAt: -1, tie });
const key = (i: Item) => [i.wake, i.tie] as const;
const beforeOrSame = (a: readonly [number, number], b: readonly [number, number]) =>
  a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);

// Mostly in order (the ring), some late (the heap), moves and removals anywhere (holes), and more
// items than the ring's first 1024 slots (growth and compaction).
const op = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('set' as const),
      id: fc.nat(2999),
      step: fc.integer({ min: -3, max: 8 }),
      tie: fc.nat(3),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.nat(2999) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('take' as const) }) },
);

describe('HeldQueue: the reorder window order (ring for in-order items, heap for the rest)', () => {
  it('always gives the earliest (wake, tie) of what is held, whatever the sets, moves and removals (property)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 4000, size: 'max' }), (ops) => {
        const q = new HeldQueue<Item>();
        const items = new Map<number, Item>();
        const held = new Set<Item>();
        let clock = 0;
        const earliest = () => {
          let best: Item | undefined;
          for (const i of held) if (best === undefined || !beforeOrSame(key(best), key(i))) best = i;
          return best;
        };
        for (const o of ops) {
          if (o.kind === 'set') {
            clock += o.step;
            let i = items.get(o.id);
            if (i === undefined) {
              i = item(o.id, o.tie);
              items.set(o.id, i);
            }
            q.set(i, clock);
            held.add(i);
          } else if (o.kind === 'remove') {
            const i = items.get(o.id);
            if (i === undefined) continue;
            q.remove(i);
            held.delete(i);
          } else {
            const first = q.peek();
            const want = earliest();
            if (want === undefined) {
              expect(first).toBeUndefined();
              continue;
            }
            expect(first).toBeDefined();
            expect(key(first as Item)).toEqual(key(want));
            q.remove(first as Item);
            held.delete(first as Item);
          }
          expect(q.size).toBe(held.size);
        }
        // Everything still held comes out in order, and nothing else.
        let last: readonly [number, number] = [Number.NEGATIVE_INFINITY, 0];
        for (let n = held.size; n > 0; n--) {
          const first = q.peek() as Item;
          expect(held.has(first)).toBe(true);
          expect(beforeOrSame(last, key(first))).toBe(true);
          last = key(first);
          q.remove(first);
          held.delete(first);
        }
        expect(q.peek()).toBeUndefined();
        expect(q.size).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it('drops the holes of a full ring in place, its front anywhere, and keeps the order', () => {
    const q = new HeldQueue<Item>();
    const all = Array.from({ length: 1044 }, (_, k) => item(k, 0));
    for (let k = 0; k < 1024; k++) q.set(all[k] as Item, k);
    for (let k = 0; k < 10; k++) q.remove(q.peek() as Item); // the front moves to slot 10
    for (let k = 10; k < 1024; k++) if (k % 4 !== 0) q.remove(all[k] as Item); // holes: 254 left
    for (let k = 1024; k < 1044; k++) q.set(all[k] as Item, k); // full at the 10th: compacted, not doubled
    const want = [...all.slice(10, 1024).filter((i) => i.id % 4 === 0), ...all.slice(1024)].map((i) => i.id);
    const got: number[] = [];
    for (let first = q.peek(); first !== undefined; first = q.peek()) {
      got.push(first.id);
      q.remove(first);
    }
    expect(got).toEqual(want);
  });

  it('keeps 5,000 items that arrive in order in the ring: none goes through the heap', () => {
    const q = new HeldQueue<Item>();
    const all = Array.from({ length: 5000 }, (_, k) => item(k, 0));
    for (const [k, i] of all.entries()) q.set(i, k);
    expect(all.every((i) => i.ringAt >= 0 && i.heapAt === -1)).toBe(true);
    for (let k = 0; k < 5000; k++) {
      const first = q.peek() as Item;
      expect(first.id).toBe(k);
      q.remove(first);
    }
    expect(q.size).toBe(0);
  });
});
