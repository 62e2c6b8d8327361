/**
 * A bounded window of event ids: insertion-ordered, so the oldest ids are forgotten first, by
 * count and by age. Memory is at most `maxIds` strings of up to 128 characters.
 */
export class IdWindow {
  private readonly seen = new Map<string, number>();
  /** When the first (oldest) id in `seen` was added; +Infinity when there is none. */
  private oldestAt = Number.POSITIVE_INFINITY;
  constructor(
    private readonly maxIds: number,
    private readonly maxAgeMs: number,
    readonly now: () => number,
  ) {}
  /**
   * True when `id` is new (and remember it, as seen at `t`), false when it is in the window.
   * Eviction walks the map only when the window is full or its oldest id has expired: a walk per
   * call allocated an iterator and an entry per id, on every event a client sends with an id.
   */
  add(id: string, t: number): boolean {
    const at = this.seen.get(id);
    if (at !== undefined && t - at <= this.maxAgeMs) return false;
    if (at !== undefined) this.seen.delete(id);
    if (this.seen.size >= this.maxIds || t - this.oldestAt > this.maxAgeMs) this.forget(t);
    this.seen.set(id, t);
    if (this.seen.size === 1) this.oldestAt = t;
    return true;
  }
  /** Whether `id` is in the window at `t`. */
  has(id: string, t: number): boolean {
    const at = this.seen.get(id);
    return at !== undefined && t - at <= this.maxAgeMs;
  }
  /** Forget the oldest ids: past the age limit, or to make room for one more. */
  private forget(t: number): void {
    this.oldestAt = Number.POSITIVE_INFINITY;
    for (const [old, when] of this.seen) {
      if (this.seen.size < this.maxIds && t - when <= this.maxAgeMs) {
        this.oldestAt = when;
        break;
      }
      this.seen.delete(old);
    }
  }
}
