/**
 * Per-call state a sink keeps, bounded: at most `max` calls, the least recently active forgotten
 * first (the Map's insertion order is the activity order: a call touched is moved to the end).
 * @example
 * const calls = new PerCall(2000, () => ({ n: 0 }));
 * calls.get('c1').n++;
 */
export class PerCall<T> {
  private readonly calls = new Map<string, T>();
  /** Calls forgotten to stay within `max`. */
  evicted = 0;

  constructor(
    private readonly max: number,
    private readonly make: () => T,
  ) {}

  /** The call's state, made on its first sight, now the most recently active. */
  get(callId: string): T {
    let t = this.calls.get(callId);
    if (t === undefined) {
      t = this.make();
      if (this.calls.size >= this.max) {
        const oldest = this.calls.keys().next().value as string;
        this.calls.delete(oldest);
        this.evicted++;
      }
    } else this.calls.delete(callId);
    this.calls.set(callId, t);
    return t;
  }
}
