/** Something that wakes at a time, with its place in a {@link WakeHeap} (-1 when not in one). */
export interface Wakeable {
  wake: number;
  heapAt: number;
  /** Orders items with the same `wake` (lower first); absent counts as 0. */
  tie?: number;
}

/** Whether `a` comes out of the heap before `b`. */
export function before(a: Wakeable, b: Wakeable): boolean {
  return a.wake < b.wake || (a.wake === b.wake && (a.tie ?? 0) < (b.tie ?? 0));
}

/**
 * A binary min-heap of items by wake time, each item in it at most once. The tracker keeps one
 * entry per tracked call (its next timer B/F, challenge or linger deadline), so the heap holds at
 * most `maxCalls` entries whatever the traffic: a FIFO of timers grew with packets x 32 s and kept
 * evicted calls alive until their timers fired. Moving or removing an entry is O(log n) because the
 * item carries its own index.
 * @example
 * const heap = new WakeHeap<HepCall>();
 * heap.set(call, now + 32_000);
 * heap.drain(Date.now(), (call) => wake(call));
 */
export class WakeHeap<T extends Wakeable> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The item that comes out first, without taking it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Schedule `item` at `at`, or move it there when already scheduled. */
  set(item: T, at: number): void {
    if (item.heapAt < 0) {
      item.wake = at;
      item.heapAt = this.items.length;
      this.items.push(item);
      this.up(item.heapAt);
      return;
    }
    const earlier = at < item.wake;
    item.wake = at;
    if (earlier) this.up(item.heapAt);
    else this.down(item.heapAt);
  }

  /** Take `item` out (no-op when it is not scheduled). */
  remove(item: T): void {
    const i = item.heapAt;
    if (i < 0) return;
    item.heapAt = -1;
    const last = this.items.pop() as T;
    if (i === this.items.length) return;
    this.items[i] = last;
    last.heapAt = i;
    this.up(i);
    this.down(last.heapAt);
  }

  /** Take out and hand to `fn` every item due at `now`, earliest first; `fn` may schedule it again later. */
  drain(now: number, fn: (item: T) => void): void {
    for (;;) {
      const top = this.items[0];
      if (top === undefined || top.wake > now) return;
      this.remove(top);
      fn(top);
    }
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i] as T;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p] as T;
      if (!before(item, parent)) break;
      items[i] = parent;
      parent.heapAt = i;
      i = p;
    }
    items[i] = item;
    item.heapAt = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i] as T;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const right = c + 1;
      if (right < n && before(items[right] as T, items[c] as T)) c = right;
      const child = items[c] as T;
      if (!before(child, item)) break;
      items[i] = child;
      child.heapAt = i;
      i = c;
    }
    items[i] = item;
    item.heapAt = i;
  }
}
