import { type CallClass, classifyCall, classifyEnded } from '../domain/outcome/classify.js';
import type { EventBus } from '../events/bus.js';
import type { EventOf } from '../events/types.js';
import { Tracker } from './tracker.js';

/** One call's state, kept once per bus (see {@link callStates}). */
export interface CallState {
  readonly callId: string;
  /** Receive time on our clock: age eviction must not trust a remote (or replayed) `ts`. */
  readonly at: number;
  /** Event times (the source's clock), for PDD, setup and talk time. */
  readonly startedAt: number;
  /**
   * The first 180/183's time, NaN before: set by the calls pack, the one reader of ringing (post-dial
   * delay), so that a bus without it has no `call.ringing` listener for its sake.
   */
  ringingAt: number;
  /** NaN until the first answer: the one "was this call answered" every surface reads. */
  answeredAt: number;
  readonly channel: string;
  /** What each reader keeps on the call, one slot each ({@link CallStates.slot}). */
  readonly slots: unknown[];
}

/**
 * How a call left the projection: its end, or its eviction, with the one verdict on it. Reused
 * from one call to the next (no allocation per call): read it within the listener, never keep it.
 */
export interface CallClose {
  readonly state: CallState;
  readonly verdict: Readonly<CallClass>;
  /** True when the cap or the age limit pushed it out before its `call.ended`. */
  readonly evicted: boolean;
  /**
   * Event time of the end; for an eviction, the call's last event time (its answer, else its
   * ringing, else its start), so a late real end, later on the source's clock, never replaces
   * the eviction in the store (the earliest end wins there, store/records/upsert-sql.ts).
   */
  readonly at: number;
}

interface Closing {
  state: CallState;
  verdict: Readonly<CallClass>;
  evicted: boolean;
  at: number;
}

const closing = (evicted: boolean): Closing => ({
  state: undefined as unknown as CallState,
  verdict: undefined as unknown as CallClass,
  evicted,
  at: 0,
});

export interface CallStatesOptions {
  /** Calls tracked at most; the oldest is evicted first. Default 100 000 (the packs' `maxTracked`). */
  maxCalls?: number;
  /** A call not ended after this is evicted. Default 14 400 s (the packs' `maxAgeSeconds`). */
  maxAgeSeconds?: number;
  now?: () => number;
}

// The verdict on an evicted call is the store's zombie cleanup's (end_status and reason `timeout`,
// store/sqlite/sql.ts CLOSE_ZOMBIES), so a call pushed out of memory and one closed in the store
// read the same on every surface: answered stays answered, any other call is `timeout`.
const evictedVerdict = (s: CallState): Readonly<CallClass> =>
  classifyCall({
    ended: true,
    answered: !Number.isNaN(s.answeredAt),
    endStatus: 'timeout',
    reason: 'timeout',
    channel: s.channel,
  });

/**
 * The per-call projection of a bus: one map, one cap, one eviction policy. The calls pack, the call
 * log, the trace sink and the store sink all read it, so "was this call answered" and the verdict
 * at its end are decided once, here, and no reader keeps a memo of its own that could disagree (a
 * call log capped at 10,000 said `call.failed cancelled` for a call `/metrics` counted answered).
 *
 * It listens to the bus before its readers ({@link callStates} subscribes it when the first reader
 * asks), so a reader's `call.started` or `call.answered` listener sees the state already updated,
 * and its `call.ended` listener gets the verdict from {@link ended} for the same event object. An
 * eviction is told to every reader ({@link onEvict}) with the verdict every surface then reports.
 */
export class CallStates {
  private readonly calls: Tracker<CallState>;
  private readonly evictListeners: Array<(end: CallClose) => void> = [];
  private slots = 0;
  private readonly now: () => number;
  // The last start, answer and end, for the readers of the same event (allocation-free).
  private lastStart: EventOf<'call.started'> | undefined;
  private lastAnswer: EventOf<'call.answered'> | undefined;
  private lastAnswerFirst = false;
  private lastEndEvent: EventOf<'call.ended'> | undefined;
  private lastEndKnown = false;
  private readonly end = closing(false);
  private readonly eviction = closing(true);
  /** Calls evicted so far (the calls pack counts them as `call_anomalies_total{kind="evicted"}`). */
  evicted = 0;

  constructor(options: CallStatesOptions = {}) {
    this.now = options.now ?? Date.now;
    this.calls = new Tracker<CallState>(
      options.maxCalls ?? 100_000,
      (options.maxAgeSeconds ?? 14_400) * 1000,
      (s) => this.evict(s),
    );
  }

  /** Calls started and not ended or evicted. */
  get size(): number {
    return this.calls.size;
  }

  /** A slot index on every {@link CallState} for one reader's own per-call value. */
  slot(): number {
    return this.slots++;
  }

  /**
   * Be told of every eviction: every reader registers here. Returns the unsubscribe function; when
   * the last reader leaves, the projection leaves the bus too (a closed sidecar holds no listener).
   */
  onEvict(fn: (end: CallClose) => void): () => void {
    this.evictListeners.push(fn);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.evictListeners.splice(this.evictListeners.indexOf(fn), 1);
      if (this.evictListeners.length === 0) this.unsubscribe?.();
    };
  }

  /** Calls tracked now, oldest first (e.g. to end their spans at shutdown). */
  values(): IterableIterator<CallState> {
    return this.calls.values();
  }

  get(callId: string): CallState | undefined {
    return this.calls.get(callId);
  }

  /** The state `e` started, or undefined when it was a duplicate start. */
  started(e: EventOf<'call.started'>): CallState | undefined {
    return this.lastStart === e ? this.calls.get(e.callId) : undefined;
  }

  /** True when `e` was the call's first answer (false for a duplicate or an unknown call). */
  firstAnswer(e: EventOf<'call.answered'>): boolean {
    return this.lastAnswer === e && this.lastAnswerFirst;
  }

  /** The call `e` ended, with the verdict; undefined for a call not tracked (never started, or evicted). */
  ended(e: EventOf<'call.ended'>): CallClose | undefined {
    return this.lastEndEvent === e && this.lastEndKnown ? this.end : undefined;
  }

  /**
   * The call's state while tracked, and also while its own `call.ended` is being delivered (and
   * until the next end): what a reader asked about the call by id during its end needs, such as
   * the span context for the exemplar of the call's duration.
   */
  lookup(callId: string): CallState | undefined {
    const s = this.calls.get(callId);
    if (s !== undefined) return s;
    return this.lastEndKnown && this.end.state.callId === callId ? this.end.state : undefined;
  }

  /** Evict calls past the age limit now (also done on every start). */
  sweep(): void {
    this.calls.sweep(this.now());
  }

  private unsubscribe: (() => void) | undefined;

  /** Listen to `bus`; {@link callStates} does this once per bus. */
  subscribe(bus: EventBus): () => void {
    const offs = [
      bus.on('call.started', (e) => {
        const now = this.now();
        const s: CallState = {
          callId: e.callId,
          at: now,
          startedAt: e.ts ?? now,
          ringingAt: Number.NaN,
          answeredAt: Number.NaN,
          channel: e.channel,
          slots: new Array(this.slots),
        };
        this.lastStart = this.calls.add(e.callId, s, now) ? e : undefined;
      }),
      bus.on('call.answered', (e) => {
        const s = this.calls.get(e.callId);
        this.lastAnswer = e;
        this.lastAnswerFirst = s !== undefined && Number.isNaN(s.answeredAt);
        if (this.lastAnswerFirst) (s as CallState).answeredAt = e.ts ?? this.now();
      }),
      bus.on('call.ended', (e) => {
        const s = this.calls.take(e.callId);
        this.lastEndEvent = e;
        this.lastEndKnown = s !== undefined;
        if (s === undefined) return;
        this.end.state = s;
        this.end.verdict = classifyEnded(e, !Number.isNaN(s.answeredAt));
        this.end.at = e.ts ?? this.now();
      }),
    ];
    this.unsubscribe = () => {
      for (const off of offs) off();
      if (perBus.get(bus) === this) perBus.delete(bus);
    };
    return this.unsubscribe;
  }

  private evict(s: CallState): void {
    this.evicted++;
    const end = this.eviction;
    end.state = s;
    end.verdict = evictedVerdict(s);
    end.at = !Number.isNaN(s.answeredAt)
      ? s.answeredAt
      : !Number.isNaN(s.ringingAt)
        ? s.ringingAt
        : s.startedAt;
    for (const fn of this.evictListeners) fn(end);
  }
}

const perBus = new WeakMap<EventBus, CallStates>();

/**
 * The one {@link CallStates} of `bus`, created and subscribed by the first reader that asks (the
 * options of that first call apply; the sidecar's calls pack asks first, with `maxTracked` and
 * `maxAgeSeconds`). Readers ask before they subscribe, so the projection hears each event first.
 *
 * @example
 * const states = callStates(bus);
 * bus.on('call.ended', (e) => states.ended(e)?.verdict.outcome); // 'answered', 'busy', ...
 */
export function callStates(bus: EventBus, options: CallStatesOptions = {}): CallStates {
  let states = perBus.get(bus);
  if (states === undefined) {
    states = new CallStates(options);
    states.subscribe(bus);
    perBus.set(bus, states);
  }
  return states;
}
