/**
 * The store sink's queue of updates and its writes (issue 31): bounded, never dropping what it
 * holds while the store fails, retrying with backoff, and dead-lettering an update the store
 * refuses for what it holds instead of retrying it forever.
 */
import { Backoff } from '../store/backoff.js';
import { storeFault } from '../store/faults.js';
import type { CallStore, CallUpdate, EventIds, SmsUpdate } from '../store/types.js';

/** An update the store refused for what it holds (see store/faults.ts `refused`). */
export interface DeadLetter {
  /** Its number in the order the sink took updates (`StoreSink.sequence`). */
  seq: number;
  kind: 'call' | 'sms';
  /** The store's error code (`ST_STORE_INVALID_UPDATE`, `ST_STORE_REFUSED`). */
  code: string;
  /** The field the store named, when it named one. */
  path: string;
}

/** How far the sink is behind the store, for readiness. */
export interface StoreSinkState {
  /** Updates not written yet (queued, in flight or kept after a failure). */
  pending: number;
  /** How long the oldest of them has waited, in ms (0 when none). */
  oldestMs: number;
  /** The last write's error while writes fail (undefined once one succeeds). */
  error: unknown;
}

export interface WriteQueueOptions {
  maxBatch: number;
  maxPending: number;
  /** Queued updates are written within this long (ms) when no flush or size-triggered write takes them. */
  intervalMs: number;
  onError?: ((err: unknown) => void) | undefined;
  onDeadLetter?: ((letter: DeadLetter) => void) | undefined;
  /** The dedupe window the store keeps event ids for (`eventId`): count, age (ms), clock. */
  eventIds: { maxIds: number; maxAgeMs: number; now: () => number };
}

/** Dead letters remembered for `deadLetters`. */
const LETTERS_KEPT = 1024;

/** Updates a write could not store because the store failed (not for what they hold): from `index` on. */
class Unwritten {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

/**
 * One kind of update: its queue, in the order taken, with each update's number; and the ids of the
 * events to keep with them (store/event-ids.ts), each numbered as its event's update (or with a
 * number of its own, for an event that updates nothing), so they are written in the transaction
 * that writes their updates, and dropped with them.
 */
class Lane<U> {
  items: U[] = [];
  seqs: number[] = [];
  ids: string[] = [];
  idSeqs: number[] = [];
  constructor(
    readonly kind: 'call' | 'sms',
    readonly apply: (us: readonly U[], ids: readonly string[]) => Promise<number>,
  ) {}

  push(u: U, seq: number): void {
    this.items.push(u);
    this.seqs.push(seq);
  }

  pushId(id: string, seq: number): void {
    this.ids.push(id);
    this.idSeqs.push(seq);
  }

  /** Everything queued, leaving the lane empty. */
  take(): Lane<U> {
    const taken = new Lane(this.kind, this.apply);
    taken.items = this.items;
    taken.seqs = this.seqs;
    taken.ids = this.ids;
    taken.idSeqs = this.idSeqs;
    this.items = [];
    this.seqs = [];
    this.ids = [];
    this.idSeqs = [];
    return taken;
  }

  /**
   * The lowest number the updates from `index` on own ids from: the ids numbered before update
   * `index` go with the updates before it (id-only ones with the update before them).
   */
  private idFloor(index: number): number {
    return index === 0
      ? Number.NEGATIVE_INFINITY
      : index >= this.seqs.length
        ? Number.POSITIVE_INFINITY
        : (this.seqs[index] as number);
  }

  /** The ids written with updates `from` to `to` (exclusive). */
  idsOf(from: number, to: number): readonly string[] {
    if (from === 0 && to === this.items.length) return this.ids;
    const lo = this.idFloor(from);
    const hi = this.idFloor(to);
    return this.ids.filter((_, i) => (this.idSeqs[i] as number) >= lo && (this.idSeqs[i] as number) < hi);
  }

  /** `from` on of `taken` back at the head, before anything queued since, in the order it came. */
  putBack(taken: Lane<U>, from: number): void {
    const lo = taken.idFloor(from);
    const back = taken.idSeqs.map((q) => q >= lo);
    this.items = taken.items.slice(from).concat(this.items);
    this.seqs = taken.seqs.slice(from).concat(this.seqs);
    this.ids = taken.ids.filter((_, i) => back[i]).concat(this.ids);
    this.idSeqs = taken.idSeqs.filter((_, i) => back[i]).concat(this.idSeqs);
  }

  /** Drop the updates (and ids) numbered `from` to `to` (exclusive). */
  discard(from: number, to: number): void {
    const keep = this.seqs.map((q) => q < from || q >= to);
    this.items = this.items.filter((_, i) => keep[i]);
    this.seqs = this.seqs.filter((_, i) => keep[i]);
    const keepId = this.idSeqs.map((q) => q < from || q >= to);
    this.ids = this.ids.filter((_, i) => keepId[i]);
    this.idSeqs = this.idSeqs.filter((_, i) => keepId[i]);
  }
}

/**
 * Updates waiting for the store, at most `maxPending`, written one batch per write (calls, then
 * SMS). A write that fails because the store failed puts its updates back at the head of the queue
 * for the next (the backoff says when the timer may try again); one refused for what an update
 * holds is halved until each refused update stands alone, and those are dead-lettered.
 */
export class WriteQueue {
  /** Updates taken so far: the next is number `sequence`. */
  sequence = 0;
  readonly stats = { written: 0, deadLettered: 0, overflowed: 0 };
  readonly backoff = new Backoff();
  private readonly calls: Lane<CallUpdate>;
  private readonly sms: Lane<SmsUpdate>;
  /** The lane of the last update taken: an event's id goes with its update (`eventId`). */
  private last: Pick<Lane<unknown>, 'pushId'> | undefined;
  private inFlight = 0;
  /** performance.now() when the oldest unwritten update was queued (undefined: none is). */
  private oldestAt: number | undefined;
  private lastError: unknown;
  private readonly letters: DeadLetter[] = [];
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private sizeWrite = false;
  /** The timer that writes what waits (`tick`): armed only while updates wait, see `arm`. */
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private closed = false;

  constructor(
    store: CallStore,
    private readonly o: WriteQueueOptions,
  ) {
    const eventIds = (ids: readonly string[]): EventIds | undefined => {
      if (ids.length === 0) return undefined;
      const at = o.eventIds.now();
      return { ids, at, keep: o.eventIds.maxIds, since: at - o.eventIds.maxAgeMs };
    };
    this.calls = new Lane('call', (us, ids) => store.applyBatch(us, eventIds(ids)));
    this.sms = new Lane('sms', (us, ids) => store.applySmsBatch(us, eventIds(ids)));
  }

  get queued(): number {
    return this.calls.items.length + this.sms.items.length;
  }

  /** Anything to write: updates, or ids of events that updated nothing. */
  private get waiting(): boolean {
    return this.queued > 0 || this.calls.ids.length > 0 || this.sms.ids.length > 0;
  }

  /**
   * Keep event `id` with the update just taken (`withUpdate`: the event's), in that update's
   * transaction; or, for an event that updated nothing, alone with a number of its own (in the
   * calls' transaction). Only ingest's events carry one: what makes a retry after a restart a
   * duplicate (store/event-ids.ts).
   */
  eventId(id: string, withUpdate: boolean): void {
    if (withUpdate && this.last !== undefined) {
      this.last.pushId(id, this.sequence - 1);
      return;
    }
    this.calls.pushId(id, this.sequence++);
    this.arm();
  }

  get pending(): number {
    return this.queued + this.inFlight;
  }

  call(u: CallUpdate): void {
    this.push(this.calls, u);
  }

  message(u: SmsUpdate): void {
    this.push(this.sms, u);
  }

  private push<U>(lane: Lane<U>, u: U): void {
    if (this.pending >= this.o.maxPending) {
      this.stats.overflowed++;
      return;
    }
    lane.push(u, this.sequence++);
    this.last = lane;
    if (this.oldestAt === undefined) this.oldestAt = performance.now();
    this.arm();
    // One size-triggered write at a time, and none while a failing store is backed off from: the
    // kept updates stay over maxBatch, and a write per incoming event would only pile up failures.
    if (!this.sizeWrite && this.queued >= this.o.maxBatch && this.backoff.due()) {
      this.sizeWrite = true;
      this.write()
        .catch(() => {})
        .finally(() => {
          this.sizeWrite = false;
        });
    }
  }

  /** Write everything queued; resolves once it is durable (or at once, when nothing waits). */
  flush(): Promise<void> {
    return this.waiting ? this.write() : (this.next ?? this.current ?? Promise.resolve());
  }

  /** The timer's turn: write what waits, no sooner than the backoff allows while the store fails. */
  tick(): void {
    if (this.waiting && this.backoff.due()) this.write().catch(() => {});
  }

  /**
   * Write what waits within `intervalMs`, with a timer armed only while updates wait once the
   * current task is done: ingest flushes a request's updates itself, so at a Pi's rate (100 POSTs
   * a second) an interval timer was 20 wake-ups a second of an idle loop for nothing (each ~50-120
   * µs of CPU on this machine; issue 39). Checked in a microtask, once the task that queued them
   * has had its chance to flush them (ingest takes, then flushes).
   */
  private arm(): void {
    if (this.timer !== undefined || this.checking || this.closed) return;
    this.checking = true;
    queueMicrotask(() => {
      this.checking = false;
      // A write already scheduled takes what waits (and arms this again should it fail).
      if (this.timer !== undefined || !this.waiting || this.next !== undefined || this.closed) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.tick();
        // Still waiting (the backoff not due, or a write in flight took them): look again later.
        this.arm();
      }, this.o.intervalMs);
      this.timer.unref();
    });
  }

  /** No more timer: the sink closes (its last flush is the caller's). */
  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** 0 when `n` more updates fit under `maxPending`, else seconds to wait (`Retry-After`). */
  retryAfter(n: number): number {
    return this.pending + n <= this.o.maxPending ? 0 : this.backoff.retryAfterSeconds();
  }

  /** Drop the updates numbered `from` to `to` (exclusive) not written yet: their request failed. */
  discard(from: number, to: number): void {
    this.calls.discard(from, to);
    this.sms.discard(from, to);
    if (this.pending === 0) this.oldestAt = undefined;
  }

  deadLetters(from: number, to: number): DeadLetter[] {
    return this.letters.filter((l) => l.seq >= from && l.seq < to);
  }

  state(): StoreSinkState {
    return {
      pending: this.pending,
      oldestMs: this.oldestAt === undefined ? 0 : performance.now() - this.oldestAt,
      error: this.lastError,
    };
  }

  // Group commit: flushes that arrive while a write is in flight share the next write, which takes
  // everything queued when it starts, so each resolves only after its own updates commit. With 4
  // ingest clients that is one transaction for up to 3 requests instead of one each: in the ingest
  // bench, a message to the writer thread and a commit with its rollups per request were ~20 % of
  // that thread's time.
  private write(): Promise<void> {
    if (this.next !== undefined) return this.next;
    if (this.current === undefined) {
      // Nothing in flight: the write starts once this turn of the event loop has read what
      // arrived (setImmediate runs after its I/O callbacks), so the requests one turn reads share
      // one transaction, as on a thread of its own. A store that writes on the main thread (the
      // Pi profile) otherwise committed each request alone: in the ingest bench (4 clients,
      // batches of 500) 11.3-12.3 us of CPU an event before, 10.2-11.3 after (issue 39).
      this.next = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          this.next = undefined;
          this.start().then(resolve, reject);
        });
      });
      return this.next;
    }
    this.next = this.current.then(
      () => {
        this.next = undefined;
        return this.start();
      },
      (err: unknown) => {
        this.next = undefined;
        this.arm(); // what waited stays queued for the timer's retry
        // The store just failed: those who waited on it hear so now, rather than wait for a second
        // attempt (a hung database would hold them for two timeouts). Their updates stay queued.
        throw err;
      },
    );
    return this.next;
  }

  private start(): Promise<void> {
    const p = this.writeQueued().finally(() => {
      if (this.current === p) this.current = undefined;
    });
    this.current = p;
    return p;
  }

  /** One write of everything queued; what the store could not take goes back to the queue's head. */
  private async writeQueued(): Promise<void> {
    if (!this.waiting) return;
    const calls = this.calls.take();
    const sms = this.sms.take();
    this.inFlight = calls.items.length + sms.items.length;
    const started = performance.now();
    let failure: Unwritten | undefined;
    try {
      const fc = await this.commit(calls);
      // The store just failed: the SMS wait for the next write rather than meet a second timeout.
      const fs = fc === undefined ? await this.commit(sms) : new Unwritten(0, fc.error);
      if (fc !== undefined) this.calls.putBack(calls, fc.index);
      if (fs !== undefined) this.sms.putBack(sms, fs.index);
      failure = fc ?? fs;
    } finally {
      this.inFlight = 0;
      // Updates queued during the write are younger than its start; none left: nothing waits.
      if (this.queued === 0) this.oldestAt = undefined;
      else if (failure === undefined) this.oldestAt = started;
    }
    if (failure !== undefined) {
      this.lastError = failure.error;
      this.backoff.failed();
      this.arm(); // the updates put back wait for the timer's retry
      this.o.onError?.(failure.error);
      throw failure.error;
    }
    this.lastError = undefined;
    this.backoff.reset();
  }

  /** Write `lane` as one batch; undefined when all of it is written or dead-lettered. */
  private async commit<U>(lane: Lane<U>): Promise<Unwritten | undefined> {
    if (lane.items.length === 0 && lane.ids.length === 0) return undefined;
    try {
      await this.halve(lane, 0, lane.items.length);
      return undefined;
    } catch (e) {
      return e instanceof Unwritten ? e : new Unwritten(0, e);
    }
  }

  /**
   * Write updates `from` to `to` of `lane`; a refused batch is halved until each refused update
   * stands alone, in order, so what is written keeps the order it came in (a delivery report after
   * its submission). Throws Unwritten from the first update not written when the store fails.
   */
  private async halve<U>(lane: Lane<U>, from: number, to: number): Promise<void> {
    let err: unknown;
    try {
      const items = from === 0 && to === lane.items.length ? lane.items : lane.items.slice(from, to);
      this.stats.written += await lane.apply(items, lane.idsOf(from, to));
      return;
    } catch (e) {
      err = e;
    }
    if (storeFault(err) !== 'refused') throw new Unwritten(from, err);
    // A refused update alone: dead-lettered, and the ids numbered with it not kept (its event was
    // not stored; an id-only event among them is then only remembered in memory).
    if (to - from <= 1)
      return to > from ? this.deadLetter(lane.kind, lane.seqs[from] as number, err) : undefined;
    const mid = (from + to) >>> 1;
    await this.halve(lane, from, mid);
    await this.halve(lane, mid, to);
  }

  private deadLetter(kind: 'call' | 'sms', seq: number, err: unknown): void {
    const issue = (err as { issues?: ReadonlyArray<{ path: string }> }).issues?.[0];
    const letter: DeadLetter = {
      seq,
      kind,
      code: String((err as { code?: unknown }).code ?? 'unknown'),
      path: issue?.path ?? '',
    };
    this.stats.deadLettered++;
    if (this.letters.length >= LETTERS_KEPT) this.letters.shift();
    this.letters.push(letter);
    try {
      this.o.onDeadLetter?.(letter);
    } catch {
      // A broken hook must not turn a dead letter into an unwritten batch.
    }
  }
}
