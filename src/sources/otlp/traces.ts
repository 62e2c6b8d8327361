import type { EventOf } from '../../events/types.js';
import type { SpanFacts } from './spans.js';

type UsageEvent = EventOf<'voiceai.usage'>;

/**
 * Usage reports held per call waiting for its call id: a Pipecat call of 100 turns makes ~300 (LLM,
 * STT and TTS each turn), all held when only the session's root names the call; past this the
 * oldest goes on without its call (counted).
 */
export const USAGE_HELD_PER_TRACE = 512;

/**
 * The spans of one trace (one call of an agent) waiting to become a turn. Both frameworks export
 * through the Python SDK's BatchSpanProcessor (5 s batches of up to 512 spans, opentelemetry-python
 * sdk/trace/export/__init__.py L41-44): a turn's spans arrive in pieces, children before parents,
 * the session's root last. What is kept is what a turn still needs; what a turn used is let go.
 */
export interface TraceState {
  readonly trace: string;
  /** Spans kept for a turn not yet complete, by span id. */
  spans: Map<string, SpanFacts>;
  /** Ids of the spans taken (used or not), newest last: a retried batch is recognised by them. */
  readonly seen: Set<string>;
  /** The call id an allow-listed attribute gave, once one did. */
  callId: string | undefined;
  /** Turns emitted so far, to number LiveKit's (its spans carry no turn number). */
  turns: number;
  /** The session's root span arrived: nothing more of the call will come but retries. */
  ended: boolean;
  /** When a span of the trace last arrived (receiver clock, ms). */
  lastAt: number;
  /**
   * Usage reports read before any span of the trace named the call (a child's usage exported
   * before the span with the call id), oldest first, held until one does or the trace ends.
   */
  usage: UsageEvent[];
}

export interface TraceTableOptions {
  /** Calls followed at once; past it the least recently active is forgotten. */
  maxTraces: number;
  /** Spans held over all calls; past it the least recently active call is forgotten. */
  maxSpans: number;
  /** A call with no span for this long is forgotten (its agent is gone, or its root was lost). */
  idleMs: number;
  /** Span ids remembered per call for retries (the newest). */
  seenPerTrace: number;
  /** Usage reports held over all calls for their call id ({@link TraceTable.holdUsage}). */
  maxUsage: number;
  /** Told of a call forgotten before its end with the usage it still held (emitted without its call). */
  onForget?: (held: readonly UsageEvent[]) => void;
}

export type Eviction = 'idle' | 'capacity';

/** A trace as it was before a batch changed it (null: the batch created it). */
type Snapshot =
  | (Pick<TraceState, 'callId' | 'turns' | 'ended'> & { spans: Map<string, SpanFacts>; usage: UsageEvent[] })
  | null;

/**
 * Bounded state of the calls whose spans are arriving: at most `maxTraces` calls and `maxSpans`
 * spans in all, least recently active first out, idle ones out after `idleMs`. The Map's insertion
 * order is the activity order (a touched call is moved to the end).
 */
export class TraceTable {
  private readonly traces = new Map<string, TraceState>();
  private held = 0;
  private heldUsage = 0;
  /** The open batch: each trace it touched as it was before, and the span ids it marked seen. */
  private batch:
    | {
        before: Map<string, Snapshot>;
        seen: Array<[TraceState, string]>;
        dropped: number;
      }
    | undefined;
  /** Calls forgotten before their end, by why; and the spans they still held. */
  readonly evicted: Record<Eviction, number> = { idle: 0, capacity: 0 };
  droppedSpans = 0;

  constructor(private readonly o: TraceTableOptions) {}

  get size(): number {
    return this.traces.size;
  }
  get spans(): number {
    return this.held;
  }
  /** Usage reports held for their call id over all calls. */
  get usageHeld(): number {
    return this.heldUsage;
  }

  /**
   * Start a batch: until {@link commit}, every change can be undone by {@link rollback} (its turns
   * were not stored: the sender retries the same spans, which must then be new again).
   */
  begin(): void {
    this.batch = { before: new Map(), seen: [], dropped: this.droppedSpans };
  }

  /** Keep the batch's changes. */
  commit(): void {
    this.batch = undefined;
  }

  /**
   * Undo the batch: its traces as they were, its span ids unseen. A trace the batch's own bounds
   * evicted stays evicted (counted): the retry starts it again.
   */
  rollback(): void {
    const b = this.batch;
    if (b === undefined) return;
    this.batch = undefined;
    for (const [s, id] of b.seen) s.seen.delete(id);
    for (const [trace, snap] of b.before) {
      const s = this.traces.get(trace);
      if (s === undefined) continue;
      this.held -= s.spans.size;
      this.heldUsage -= s.usage.length;
      if (snap === null) {
        this.traces.delete(trace);
        continue;
      }
      s.spans = snap.spans;
      s.usage = snap.usage;
      s.callId = snap.callId;
      s.turns = snap.turns;
      s.ended = snap.ended;
      this.held += s.spans.size;
      this.heldUsage += s.usage.length;
    }
    this.droppedSpans = b.dropped;
  }

  /** The state of `trace`, created when new; moved to the most recently active end. */
  touch(trace: string, now: number): TraceState {
    let s = this.traces.get(trace);
    if (s === undefined) {
      s = {
        trace,
        spans: new Map(),
        seen: new Set(),
        callId: undefined,
        turns: 0,
        ended: false,
        lastAt: now,
        usage: [],
      };
      if (this.traces.size >= this.o.maxTraces) this.evictOldest('capacity');
      if (this.batch !== undefined && !this.batch.before.has(trace)) this.batch.before.set(trace, null);
    } else {
      this.traces.delete(trace);
      if (this.batch !== undefined && !this.batch.before.has(trace)) {
        const { callId, turns, ended } = s;
        this.batch.before.set(trace, { spans: new Map(s.spans), usage: [...s.usage], callId, turns, ended });
      }
    }
    s.lastAt = now;
    this.traces.set(trace, s);
    return s;
  }

  /** Remember a span id; false when it was taken before (a retried batch). */
  firstSight(s: TraceState, id: string): boolean {
    if (s.seen.has(id)) return false;
    s.seen.add(id);
    this.batch?.seen.push([s, id]);
    if (s.seen.size > this.o.seenPerTrace) {
      // Sets iterate in insertion order: the first is the oldest.
      for (const old of s.seen) {
        s.seen.delete(old);
        break;
      }
    }
    return true;
  }

  /** Hold a span for a turn to come; the least recently active calls make room when full. */
  hold(s: TraceState, span: SpanFacts): void {
    s.spans.set(span.id, span);
    this.held++;
    while (this.held > this.o.maxSpans && this.traces.size > 1) {
      const oldest = this.traces.values().next().value as TraceState;
      if (oldest === s) break;
      this.forget(oldest, 'capacity');
    }
  }

  /**
   * Hold a usage report until the call's id arrives; the report it pushed out past the call's or the
   * table's bound (the call's oldest), if any, to go on without its call.
   */
  holdUsage(s: TraceState, e: UsageEvent): UsageEvent | undefined {
    s.usage.push(e);
    this.heldUsage++;
    if (s.usage.length <= USAGE_HELD_PER_TRACE && this.heldUsage <= this.o.maxUsage) return undefined;
    this.heldUsage--;
    return s.usage.shift();
  }

  /** Let go of the usage reports a call held (its id arrived, or it ended without one). */
  takeUsage(s: TraceState): UsageEvent[] {
    const out = s.usage;
    if (out.length === 0) return out;
    this.heldUsage -= out.length;
    s.usage = [];
    return out;
  }

  /** Let go of spans a turn used (or that can never be used). */
  release(s: TraceState, ids: Iterable<string>): void {
    for (const id of ids) if (s.spans.delete(id)) this.held--;
  }

  /** Let go of every span of a call, counting them as never used. */
  releaseAll(s: TraceState): number {
    const n = s.spans.size;
    this.droppedSpans += n;
    this.held -= n;
    s.spans.clear();
    return n;
  }

  /** Forget calls idle past `idleMs` (the least recently active are first in line). */
  evictIdle(now: number): void {
    for (const s of this.traces.values()) {
      if (now - s.lastAt < this.o.idleMs) return;
      this.forget(s, s.ended ? undefined : 'idle');
    }
  }

  private evictOldest(why: Eviction): void {
    const oldest = this.traces.values().next().value as TraceState | undefined;
    if (oldest !== undefined) this.forget(oldest, oldest.ended ? undefined : why);
  }

  private forget(s: TraceState, why: Eviction | undefined): void {
    this.releaseAll(s);
    const usage = this.takeUsage(s);
    if (usage.length > 0) this.o.onForget?.(usage);
    this.traces.delete(s.trace);
    if (why !== undefined) this.evicted[why]++;
  }
}
