import type { HepCall } from './call-state.js';
import { WakeHeap } from './deadlines.js';

/**
 * The calls the HEP tracker follows and the capture clock their deadlines run on: the Map of calls
 * by Call-ID (insertion order is opening order), one heap entry per call for its next deadline
 * (timer B/F/H, a challenge's or redirect's follow-up, the media verdict, the linger), and the
 * maximum age. It decides nothing about a call: what a deadline does is the tracker's `onWake`.
 * @example
 * const table = new CallTable(4 * 3600_000, (s) => wake(s));
 * table.add(call); table.schedule(call, now + 32_000);
 * if (table.runTo(captureNow)) table.age(captureNow, (s) => forget(s));
 */
export class CallTable {
  private readonly calls = new Map<string, HepCall>();
  private readonly heap = new WakeHeap<HepCall>();
  /** Capture clock: the latest time deadlines were run to, ms. */
  clock = Number.NEGATIVE_INFINITY;
  /** The first call in insertion order when last looked (see age); undefined: look again. */
  private oldest: HepCall | undefined;

  constructor(
    private readonly maxAgeMs: number,
    /** A call's earliest deadline came (its `wake`); it may schedule itself again. */
    private readonly onWake: (s: HepCall) => void,
  ) {}

  get(callId: string): HepCall | undefined {
    return this.calls.get(callId);
  }

  get size(): number {
    return this.calls.size;
  }

  /** The call opened first, still tracked. */
  first(): HepCall | undefined {
    for (const s of this.calls.values()) return s;
    return undefined;
  }

  add(s: HepCall): void {
    this.calls.set(s.callId, s);
  }

  /** Stop tracking `s`: out of the Map (when it is still the call of its Call-ID) and the heap. */
  delete(s: HepCall): void {
    if (this.calls.get(s.callId) === s) this.calls.delete(s.callId);
    if (s === this.oldest) this.oldest = undefined;
    this.heap.remove(s);
  }

  /** Wake `s` at `at` unless it already wakes earlier (a wake with nothing due is harmless). */
  schedule(s: HepCall, at: number): void {
    if (s.heapAt < 0 || at < s.wake) this.heap.set(s, at);
  }

  /** Wake `s` at `at`, later than now (its next deadline after a wake). */
  reschedule(s: HepCall, at: number): void {
    this.heap.set(s, at);
  }

  /** Move the clock to `to` and wake every call due strictly before it; false when it did not move. */
  runTo(to: number): boolean {
    if (to <= this.clock) return false;
    this.clock = to;
    // Strictly before: a message stamped at a deadline is still in time.
    this.heap.drain(to - 0.0005, this.onWake);
    return true;
  }

  /**
   * Hand `forget` the calls past their maximum age at `to`. Insertion order is opening order: only
   * the oldest entries can be too old. The first entry is looked up again only when it may have
   * changed, since a Map iterator walks every hole its deletions left (per message, that was 9 % of
   * the HEP replay).
   */
  age(to: number, forget: (s: HepCall) => void): void {
    const oldest = this.oldest;
    if (oldest === undefined ? this.calls.size === 0 : to - oldest.opened <= this.maxAgeMs) return;
    for (const s of this.calls.values()) {
      if (to - s.opened <= this.maxAgeMs) {
        this.oldest = s;
        return;
      }
      forget(s);
    }
  }
}
