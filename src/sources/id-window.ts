/** A request storing events with ids: its ids are claimed in the window until it is answered. */
export interface Claim {
  /** When the request claimed them (the window's clock). */
  readonly at: number;
}

/**
 * A bounded window of event ids: insertion-ordered, so the oldest ids are forgotten first, by
 * count and by age. Memory is at most `maxIds` strings of up to 128 characters. An id is either
 * stored (with its time) or claimed by a request still storing it.
 */
export class IdWindow {
  private readonly seen = new Map<string, number | Claim>();
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
    if (at !== undefined && (typeof at !== 'number' || t - at <= this.maxAgeMs)) return false;
    this.put(id, at, t, t);
    return true;
  }

  /**
   * Claim `id` for `owner`: `claimed`, or `duplicate` when it was stored within the window (or
   * `owner` claimed it already), or `busy` when another request is storing it now. One map read
   * and one write for a new id, as `add`.
   */
  claim(id: string, owner: Claim): 'claimed' | 'duplicate' | 'busy' {
    const at = this.seen.get(id);
    if (at === owner) return 'duplicate';
    if (at !== undefined && typeof at !== 'number') return 'busy';
    if (at !== undefined && owner.at - at <= this.maxAgeMs) return 'duplicate';
    this.put(id, at, owner, owner.at);
    return 'claimed';
  }

  /** `owner` was answered: its id is remembered as stored at `t`, or forgotten when it was not. */
  settle(id: string, owner: Claim, stored: boolean, t: number): void {
    if (this.seen.get(id) !== owner) return; // forgotten meanwhile (the window was full)
    if (stored) this.seen.set(id, t);
    else this.seen.delete(id);
  }

  private put(id: string, old: number | Claim | undefined, value: number | Claim, t: number): void {
    if (old !== undefined) this.seen.delete(id);
    if (this.seen.size >= this.maxIds || t - this.oldestAt > this.maxAgeMs) this.forget(t);
    this.seen.set(id, value);
    if (this.seen.size === 1) this.oldestAt = t;
  }

  /** Forget the oldest ids: past the age limit, or to make room for one more. */
  private forget(t: number): void {
    this.oldestAt = Number.POSITIVE_INFINITY;
    for (const [old, value] of this.seen) {
      const when = typeof value === 'number' ? value : value.at;
      if (this.seen.size < this.maxIds && t - when <= this.maxAgeMs) {
        this.oldestAt = when;
        break;
      }
      this.seen.delete(old);
    }
  }
}
