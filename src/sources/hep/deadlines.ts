/**
 * A FIFO of deadlines. Timers B/F and the linger after a call ends all use one fixed delay, so
 * deadlines arrive in order and a queue (not a heap) is enough: push and drain are O(1) amortised,
 * and the consumed head is compacted away in bulk.
 * @example
 * const q = new DeadlineQueue<string>();
 * q.push(Date.now() + 32_000, 'branch-1');
 * q.drain(Date.now(), (branch) => expire(branch));
 */
export class DeadlineQueue<T> {
  private items: Array<{ at: number; value: T }> = [];
  private head = 0;

  push(at: number, value: T): void {
    this.items.push({ at, value });
  }

  /** Call `fn` for every entry due at `now`, oldest first. */
  drain(now: number, fn: (value: T) => void): void {
    const items = this.items;
    while (this.head < items.length && (items[this.head] as { at: number }).at <= now) {
      const { value } = items[this.head] as { value: T };
      this.head++;
      fn(value);
    }
    if (this.head > 1024 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
  }

  get size(): number {
    return this.items.length - this.head;
  }
}
