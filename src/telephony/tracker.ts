/** A tracked entity with the epoch ms it was first seen. */
export interface Tracked {
  at: number;
}

/**
 * Id -> state for things with a lifetime (calls, dialogs, SMS awaiting a report). Bounded twice:
 * at most `maxEntries` (the oldest goes first) and at most `maxAgeMs` old, so a lost end event
 * cannot leak memory or keep a gauge up forever. Evictions are reported to `onEvict`.
 *
 * Map iteration follows insertion order, so the oldest entry is always the first: eviction is
 * amortised O(1) per insert.
 *
 * @example
 * const calls = new Tracker<{ at: number }>(100_000, 4 * 3600_000, () => zombies.inc());
 * calls.add('call-1', { at: Date.now() }, Date.now());
 */
export class Tracker<V extends Tracked> {
  private readonly map = new Map<string | number, V>();

  constructor(
    private readonly maxEntries: number,
    private readonly maxAgeMs: number,
    private readonly onEvict?: (value: V) => void,
  ) {}

  get size(): number {
    return this.map.size;
  }

  get(id: string | number): V | undefined {
    return this.map.get(id);
  }

  /** Track `id`; false (and no change) when it is already tracked. */
  add(id: string | number, value: V, now: number): boolean {
    if (this.map.has(id)) return false;
    this.sweep(now);
    if (this.map.size >= this.maxEntries) this.evictFirst();
    this.map.set(id, value);
    return true;
  }

  /** Track `id`, replacing any previous entry (e.g. a TP-MR reused after wrap-around). */
  replace(id: string | number, value: V, now: number): void {
    this.map.delete(id);
    this.add(id, value, now);
  }

  /** Stop tracking `id` and return its state. */
  take(id: string | number): V | undefined {
    const v = this.map.get(id);
    if (v !== undefined) this.map.delete(id);
    return v;
  }

  /** The oldest tracked entry (insertion order is age order), without removing it. */
  oldest(): V | undefined {
    for (const v of this.map.values()) return v;
    return undefined;
  }

  /** Evict entries older than the maximum age. Returns how many went. */
  sweep(now: number): number {
    let n = 0;
    for (const v of this.map.values()) {
      if (now - v.at <= this.maxAgeMs) break;
      this.evictFirst();
      n++;
    }
    return n;
  }

  private evictFirst(): void {
    for (const [id, v] of this.map) {
      this.map.delete(id);
      this.onEvict?.(v);
      return;
    }
  }
}
