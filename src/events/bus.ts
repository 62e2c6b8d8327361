import type { Counter, CounterSeries, Registry } from '../metrics/index.js';
import { EVENT_TYPES } from './predicates.generated.js';
import { isWithinLimits } from './predicates.js';
import type { EventType, Listener, SidetoneEvent } from './types.js';

type AnyListener = (event: SidetoneEvent) => void;

const NONE: readonly AnyListener[] = Object.freeze([]);
const KNOWN_TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);

export interface EventBusOptions {
  /** Where to count subscribers that throw (`<prefix>_event_subscriber_errors_total{type}`). */
  registry?: Registry;
  /** Metric name prefix; default `sidetone`. */
  prefix?: string;
  /**
   * Told about every subscriber error, e.g. to log it. Gets the event type, never the event:
   * events carry PII. An `onError` that throws is ignored.
   */
  onError?: (error: unknown, type: string) => void;
  /**
   * Check every emitted event against its schema, as `POST /events` does, and drop (and count in
   * `<prefix>_events_invalid_total{type}`) one that fails: an out-of-range value from an in-process
   * source is refused exactly like one over HTTP. Default true; `false` skips the check for a
   * source that emits only events it built itself, when the cost of checking matters.
   */
  validate?: boolean;
}

/**
 * Typed, synchronous event bus. `emit` with no listener for the type is one map read and an
 * empty loop; a listener that throws is caught, counted and never stops the others.
 *
 * Dispatch order: listeners of the type, then `onAny` listeners, each in subscription order.
 * Arrays are copied on (un)subscribe, so `emit` never copies and a listener may unsubscribe
 * itself (or others) while an event is being delivered; the change applies from the next emit.
 *
 * @example
 * const bus = new EventBus({ registry });
 * const off = bus.on('sms.received', (e) => console.log(e.segments ?? 1));
 * bus.emit({ type: 'sms.received', from: '+447700900123' });
 * off();
 */
export class EventBus {
  /** Per type: that type's listeners followed by the onAny listeners. */
  private readonly dispatch = new Map<string, readonly AnyListener[]>();
  private readonly typed = new Map<string, readonly AnyListener[]>();
  private anyListeners: readonly AnyListener[] = NONE;
  private readonly errors: Counter<'type'> | undefined;
  private readonly errorSeries = new Map<string, CounterSeries>();
  private readonly onError: ((error: unknown, type: string) => void) | undefined;
  private readonly validate: boolean;
  private readonly invalid: Counter<'type'> | undefined;
  private readonly invalidSeries = new Map<string, CounterSeries>();
  /** Events dropped by validation (also counted in the registry, when one was given). */
  invalidCount = 0;

  constructor(options: EventBusOptions = {}) {
    this.onError = options.onError;
    this.validate = options.validate ?? true;
    this.invalid = options.registry?.counter({
      name: `${options.prefix ?? 'sidetone'}_events_invalid_total`,
      help: 'Events dropped because they failed their schema (missing field, wrong type, out-of-range value), by type',
      labels: ['type'],
      enums: { type: EVENT_TYPES },
    });
    this.errors = options.registry?.counter({
      name: `${options.prefix ?? 'sidetone'}_event_subscriber_errors_total`,
      help: 'Event subscribers that threw, by event type (the event was still delivered to the others)',
      labels: ['type'],
      enums: { type: EVENT_TYPES },
    });
  }

  /**
   * Listen to one event type. Returns an idempotent unsubscribe function.
   * @example const off = bus.on('call.ended', (e) => e.sipCode); off();
   */
  on<T extends EventType>(type: T, fn: Listener<T>): () => void {
    const listener = fn as unknown as AnyListener;
    this.typed.set(type, [...(this.typed.get(type) ?? NONE), listener]);
    this.rebuild(type);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const rest = without(this.typed.get(type) ?? NONE, listener);
      if (rest.length === 0) this.typed.delete(type);
      else this.typed.set(type, rest);
      this.rebuild(type);
    };
  }

  /**
   * Listen to every event (for example a store writer or an ingest relay).
   * @example const off = bus.onAny((e) => queue.push(e.type));
   */
  onAny(fn: (event: SidetoneEvent) => void): () => void {
    this.anyListeners = [...this.anyListeners, fn];
    this.rebuildAll();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.anyListeners = without(this.anyListeners, fn);
      this.rebuildAll();
    };
  }

  /**
   * Deliver an event to its listeners, synchronously. Never throws because of a listener.
   * @example bus.emit({ type: 'sip.response', method: 'INVITE', code: 486, direction: 'inbound' });
   */
  emit(event: SidetoneEvent): void {
    const list = this.dispatch.get(event.type) ?? this.anyListeners;
    if (list.length === 0) return;
    if (this.validate && !isWithinLimits(event)) this.refused(event);
    else this.deliver(list, event);
  }

  /**
   * Deliver an event already checked against its schema (`parseEvent`), skipping the second check:
   * the ingest route's path. Anything else should use {@link emit}.
   */
  emitParsed(event: SidetoneEvent): void {
    this.deliver(this.dispatch.get(event.type) ?? this.anyListeners, event);
  }

  private deliver(list: readonly AnyListener[], event: SidetoneEvent): void {
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as AnyListener)(event);
      } catch (err) {
        this.failed(event.type, err);
      }
    }
  }

  /**
   * True when someone listens to `type`: lets a hot caller skip building an event object.
   * @example if (bus.wants('sip.request')) bus.emit({ type: 'sip.request', method, direction: 'inbound' });
   */
  wants(type: EventType): boolean {
    return (this.dispatch.get(type) ?? this.anyListeners).length > 0;
  }

  /** Listeners that would receive an event of `type` (or all subscriptions when omitted). */
  listenerCount(type?: EventType): number {
    if (type !== undefined) return (this.dispatch.get(type) ?? this.anyListeners).length;
    let n = this.anyListeners.length;
    for (const list of this.typed.values()) n += list.length;
    return n;
  }

  private rebuild(type: string): void {
    const own = this.typed.get(type);
    if (own === undefined) this.dispatch.delete(type);
    else this.dispatch.set(type, this.anyListeners.length === 0 ? own : [...own, ...this.anyListeners]);
  }

  private rebuildAll(): void {
    for (const type of this.typed.keys()) this.rebuild(type);
  }

  private refused(event: SidetoneEvent): void {
    this.invalidCount++;
    if (this.invalid === undefined) return;
    const type = typeof event?.type === 'string' ? event.type : 'other';
    let s = this.invalidSeries.get(type);
    if (s === undefined) {
      const known = KNOWN_TYPES.has(type);
      s = this.invalid.labels({ type: known ? type : 'other' });
      if (known) this.invalidSeries.set(type, s);
    }
    s.inc();
  }

  private failed(type: string, err: unknown): void {
    if (this.errors !== undefined) {
      let s = this.errorSeries.get(type);
      if (s === undefined) {
        // Untyped callers may emit any string: unknown types share `other` (even in strict mode).
        const known = KNOWN_TYPES.has(type);
        s = this.errors.labels({ type: known ? type : 'other' });
        if (known) this.errorSeries.set(type, s);
      }
      s.inc();
    }
    if (this.onError !== undefined) {
      try {
        this.onError(err, type);
      } catch {
        // A broken error hook must not break emit either.
      }
    }
  }
}

/** A copy of `list` without one occurrence of `fn` (the same function may be subscribed twice). */
function without(list: readonly AnyListener[], fn: AnyListener): readonly AnyListener[] {
  const i = list.indexOf(fn);
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)];
}
