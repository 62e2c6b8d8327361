import { before, type Wakeable, WakeHeap } from './deadlines.js';

/** An item of a {@link HeldQueue}: its place in the ring, or in the heap (`heapAt`). */
export interface Queued extends Wakeable {
  tie: number;
  /** Slot in the ring, -1 when not in it. */
  ringAt: number;
}

const FIRST_CAPACITY = 1024;

/**
 * Items by (wake, tie), earliest out first: the reorder window's order. Most captured messages
 * arrive in capture order, so an item placed at or after the last one put in the ring goes on the
 * ring's end and comes off its front, O(1) without a comparison; only an item placed before it (a
 * copy that arrived late, a reply moved after its request) goes into a binary heap, O(log n). The
 * earliest of the ring's front and the heap's top comes out first. The heap alone cost the HEP
 * replay bench ~0.5 us a message at 200 held (sift-down of each hand-on, bench/hep.bench.mjs).
 *
 * Allocates only when the ring grows (doubling, at most to twice the items held at once).
 * @example
 * const q = new HeldQueue<Held>();
 * q.set(held, held.ts);
 * while (q.peek() !== undefined && (q.peek() as Held).wake <= mark) handOn(q.take());
 */
export class HeldQueue<T extends Queued> {
  private ring: Array<T | undefined> = new Array<T | undefined>(FIRST_CAPACITY).fill(undefined);
  private mask = FIRST_CAPACITY - 1;
  /** Ring slot of the front; `span` slots from it are in use (live items and holes). */
  private head = 0;
  private span = 0;
  private live = 0;
  /** The key of the last item put in the ring: the ring is sorted while every new one is not before it. */
  private lastWake = Number.NEGATIVE_INFINITY;
  private lastTie = 0;
  private readonly heap = new WakeHeap<T>();

  get size(): number {
    return this.live + this.heap.size;
  }

  /** The item that comes out first, without taking it. */
  peek(): T | undefined {
    const h = this.heap.peek();
    if (this.live === 0) return h;
    const r = this.ring[this.head] as T;
    return h !== undefined && before(h, r) ? h : r;
  }

  /** Place `item` at `at`, or move it there when already placed. */
  set(item: T, at: number): void {
    if (item.ringAt >= 0) this.unring(item);
    if (item.heapAt < 0 && (at > this.lastWake || (at === this.lastWake && item.tie >= this.lastTie))) {
      if (this.span === this.ring.length) this.grow();
      const slot = (this.head + this.span) & this.mask;
      this.ring[slot] = item;
      item.ringAt = slot;
      item.wake = at;
      this.span++;
      this.live++;
      this.lastWake = at;
      this.lastTie = item.tie;
      return;
    }
    this.heap.set(item, at);
  }

  /** Take `item` out (no-op when it is in neither). */
  remove(item: T): void {
    if (item.ringAt >= 0) this.unring(item);
    else this.heap.remove(item);
  }

  private unring(item: T): void {
    this.ring[item.ringAt] = undefined;
    item.ringAt = -1;
    this.live--;
    // Holes at the front go at once; one further in waits until the front reaches it.
    while (this.span > 0 && this.ring[this.head] === undefined) {
      this.head = (this.head + 1) & this.mask;
      this.span--;
    }
    if (this.span === 0) {
      this.head = 0;
      this.lastWake = Number.NEGATIVE_INFINITY;
    }
  }

  /** The ring is full: drop its holes, and double it when that frees less than half. */
  private grow(): void {
    const old = this.ring;
    const capacity = this.live * 2 > old.length ? old.length * 2 : old.length;
    const ring = capacity === old.length ? old : new Array<T | undefined>(capacity).fill(undefined);
    let w = 0;
    for (let i = 0; i < this.span; i++) {
      const from = (this.head + i) & this.mask;
      const item = old[from];
      if (item === undefined) continue;
      // In place, every write lands on a slot already read (w <= i from the same front).
      const to = ring === old ? (this.head + w) & this.mask : w;
      old[from] = undefined;
      ring[to] = item;
      item.ringAt = to;
      w++;
    }
    if (ring !== old) this.head = 0;
    this.ring = ring;
    this.mask = capacity - 1;
    this.span = w;
  }
}
