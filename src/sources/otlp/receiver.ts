import { type PriceTable, priceOf } from '../../domain/cost.js';
import type { EventOf, SidetoneEvent } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { type Framework, instant, type MapContext } from './framework.js';
import { livekit } from './livekit.js';
import { pipecat } from './pipecat.js';
import { AllowList, type AttrValue, type DecodedSpans, SERVICE_NAME, type SpanFacts } from './spans.js';
import { type TraceState, TraceTable } from './traces.js';
import { readUsage, type SpanUsage } from './usage.js';

export interface OtlpReceiverOptions {
  /**
   * Span or resource attributes whose value is the call's id: put the SIP Call-ID there and the
   * agent's turns join the phone leg on one call record. Default `['sidetone.call_id']`. Pipecat
   * puts `conversation.id` (the app's `conversation_id`) on every turn span: list it to use that.
   */
  callIdAttributes?: readonly string[];
  /** Configured agent names (`labels.agents`): a service or agent name outside them is not kept. */
  agents?: readonly string[];
  /** Configured model names (`labels.models`); a dated snapshot (`gpt-4.1-mini-2025-04-14`) is its model. */
  models?: readonly string[];
  /**
   * The operator's price table (`voiceai.prices`): a usage report names a model it prices (or one
   * in `models`), else `other`; its provider only when priced.
   */
  prices?: PriceTable;
  /** Calls followed at once. Default 1000. */
  maxTraces?: number;
  /** Spans held over all calls, waiting for their turn. Default 20 000. */
  maxSpans?: number;
  /** A call with no span for this long is forgotten. Default 300 s. */
  idleSeconds?: number;
  /** Usage reports held over all calls waiting for their call id. Default 20 000 (as `maxSpans`). */
  maxHeldUsage?: number;
  registry?: Registry;
  prefix?: string;
  now?: () => number;
}

/** What one request's spans came to: the events they complete, not emitted yet. */
export interface Batch {
  /** Spans of a known framework, held for (or used in) a turn. */
  used: number;
  /** Valid spans no rule reads (other instrumentation, framework spans not needed). */
  ignored: number;
  /** Spans already taken (a retried batch): skipped, so a turn counts once. */
  duplicates: number;
  /** The `voiceai.turn`, `voiceai.interruption`, `voiceai.amd`, `voiceai.tool_call` and `voiceai.usage` events the batch completed. */
  events: SidetoneEvent[];
  /** The events are stored (and emitted by the caller): keep what the batch changed. */
  commit(): void;
  /** They were not: undo the batch, so the sender's retry is taken as new. */
  rollback(): void;
}

export const OTLP_SPAN_RESULTS = ['used', 'ignored', 'duplicate', 'rejected', 'dropped'] as const;
/**
 * What came of a usage report held for its call id: charged to the call (`joined`), or sent on
 * without it because the session ended without naming the call (`ended`), its call was forgotten
 * (`evicted`), or the hold was full (`overflow`).
 */
export const OTLP_USAGE_HELD = ['joined', 'ended', 'evicted', 'overflow'] as const;
type UsageHeld = (typeof OTLP_USAGE_HELD)[number];
const FRAMEWORKS: readonly Framework[] = [pipecat, livekit];
const SCOPES: ReadonlyMap<string, Framework> = new Map([
  ['pipecat', pipecat],
  ['pipecat.turn', pipecat],
  ['livekit-agents', livekit],
]);

/**
 * Agent frameworks' OpenTelemetry spans -> `voiceai.turn` and `voiceai.interruption` events
 * (Pipecat: ./pipecat.ts, LiveKit Agents: ./livekit.ts), and any span's provider usage ->
 * `voiceai.usage` (./usage.ts), so an agent that exports traces gets
 * sidetone's turn metrics and call records by pointing its exporter at the sidecar. Spans wait in
 * bounded per-call state until their turn is complete; a span seen before is skipped.
 * @example
 * const receiver = new OtlpTraceReceiver({ agents: ['support-bot'] });
 * const batch = receiver.accept(decodeProtobuf(body, receiver.allow));
 * for (const e of batch.events) bus.emit(e);
 * batch.commit();
 */
export class OtlpTraceReceiver {
  readonly allow: AllowList;
  private readonly table: TraceTable;
  private readonly now: () => number;
  private readonly agents: ReadonlySet<string>;
  private readonly models: readonly string[];
  private readonly counts: Record<(typeof OTLP_SPAN_RESULTS)[number], number> = {
    used: 0,
    ignored: 0,
    duplicate: 0,
    rejected: 0,
    dropped: 0,
  };
  private readonly turnCounts: Record<Framework['name'], number> = { pipecat: 0, livekit: 0 };
  private readonly prices: PriceTable | undefined;
  /** Usage reports by whether their model was known (configured or priced) or became `other`. */
  private readonly usageCounts = { known: 0, other: 0 };
  private batchUsage = { known: 0, other: 0 };
  /** Held usage reports by what came of them ({@link OTLP_USAGE_HELD}), committed, and the batch's. */
  private readonly heldCounts: Record<UsageHeld, number> = { joined: 0, ended: 0, evicted: 0, overflow: 0 };
  private batchHeld: Record<UsageHeld, number> = { joined: 0, ended: 0, evicted: 0, overflow: 0 };
  /** The events of the batch being taken. */
  private pending: SidetoneEvent[] = [];
  private readonly ctx: MapContext;

  constructor(options: OtlpReceiverOptions = {}) {
    this.allow = new AllowList(options.callIdAttributes ?? ['sidetone.call_id']);
    this.table = new TraceTable({
      maxTraces: options.maxTraces ?? 1000,
      maxSpans: options.maxSpans ?? 20_000,
      idleMs: (options.idleSeconds ?? 300) * 1000,
      seenPerTrace: 4096,
      maxUsage: options.maxHeldUsage ?? options.maxSpans ?? 20_000,
      onForget: (held) => this.release(held, undefined, 'evicted'),
    });
    this.now = options.now ?? Date.now;
    this.agents = new Set(options.agents ?? []);
    // Longest first: `gpt-4.1-mini-2025-04-14` is `gpt-4.1-mini`, not `gpt-4.1`.
    this.models = [...(options.models ?? [])].sort((a, b) => b.length - a.length);
    this.prices = options.prices;
    this.ctx = {
      table: this.table,
      turn: (e) => this.pending.push(e),
      interruption: (e) => this.pending.push(e),
      amd: (e) => this.pending.push(e),
      toolCall: (e) => this.pending.push(e),
      agentOf: (s) => this.agentOf(s),
      modelOf: (m) => this.modelOf(m),
    };
    if (options.registry !== undefined) this.selfMetrics(options.registry, options.prefix ?? 'sidetone');
  }

  /**
   * Take a decoded request: hold its spans and derive the turns they complete. Nothing is emitted
   * here: the caller stores the events, emits them, and commits, or rolls the batch back when the
   * store failed (the sender retries; its spans must then count as new). One batch at a time.
   */
  accept(decoded: DecodedSpans): Batch {
    const now = this.now();
    this.table.begin();
    this.pending = [];
    this.batchUsage = { known: 0, other: 0 };
    this.batchHeld = { joined: 0, ended: 0, evicted: 0, overflow: 0 };
    const out = { used: 0, ignored: 0, duplicates: 0 };
    const touched = new Map<string, Framework>();
    /** Every trace a span of the batch touched: one may have learnt its call id. */
    const states = new Set<TraceState>();
    const ended: SpanFacts[] = [];
    const usages: Array<[TraceState, SpanFacts, SpanUsage, boolean]> = [];
    for (const span of decoded.spans) {
      const framework = SCOPES.get(span.scope) ?? FRAMEWORKS.find((f) => f.keeps(span) || f.isRoot(span));
      const kept = framework?.keeps(span) === true;
      const root = framework?.isRoot(span) === true;
      // What a request used is read from any span that says (usage.ts), kept for a turn or not.
      const usage = readUsage(span);
      if (!kept && !root && usage === undefined) {
        out.ignored++;
        continue;
      }
      const state = this.table.touch(span.trace, now);
      states.add(state);
      if (!this.table.firstSight(state, span.id)) {
        out.duplicates++;
        continue;
      }
      state.callId ??= this.callIdOf(span);
      if (usage !== undefined) usages.push([state, span, usage, framework?.callIdLater === true]);
      if (root) ended.push(span);
      else if (kept) {
        this.table.hold(state, span);
        out.used++;
      } else out.used++;
      if (framework !== undefined) touched.set(span.trace, framework);
    }
    // After the batch's spans, so that a call id on a later span of it (Pipecat's turn, exported
    // after its `llm` child) names the call. Without one yet, a framework whose later spans may name
    // it has the report held for them (traces.ts), as its turns wait for their `turn` span: the next
    // batch may bring it. Other usage goes on at once.
    for (const [state, span, usage, later] of usages) {
      const e = this.usageEvent(state, span, usage);
      if (state.callId !== undefined || !later || state.ended) this.pending.push(e);
      else {
        const out = this.table.holdUsage(state, e);
        if (out !== undefined) this.release([out], undefined, 'overflow');
      }
    }
    for (const state of states)
      if (state.callId !== undefined) this.release(this.table.takeUsage(state), state.callId, 'joined');
    const turns: Array<[Framework, number]> = [];
    for (const [trace, framework] of touched) {
      const n = this.pending.length;
      framework.collect(this.table.touch(trace, now), this.ctx);
      turns.push([framework, this.pending.slice(n).filter((e) => e.type === 'voiceai.turn').length]);
    }
    for (const root of ended) {
      const state = this.table.touch(root.trace, now);
      // The call is over: what is still held will never make a turn, nor learn its call.
      state.ended = true;
      this.table.releaseAll(state);
      this.release(this.table.takeUsage(state), undefined, 'ended');
    }
    this.table.evictIdle(now);
    const events = this.pending;
    this.pending = [];
    let settled = false;
    return {
      ...out,
      events,
      commit: () => {
        if (settled) return;
        settled = true;
        this.table.commit();
        this.counts.used += out.used;
        this.counts.ignored += out.ignored;
        this.counts.duplicate += out.duplicates;
        this.counts.rejected += decoded.rejected;
        for (const [f, n] of turns) this.turnCounts[f.name] += n;
        this.usageCounts.known += this.batchUsage.known;
        this.usageCounts.other += this.batchUsage.other;
        for (const k of OTLP_USAGE_HELD) this.heldCounts[k] += this.batchHeld[k];
      },
      rollback: () => {
        if (settled) return;
        settled = true;
        this.table.rollback();
      },
    };
  }

  /**
   * A span's usage as a `voiceai.usage` event: its model named as configured or priced (a dated
   * snapshot as its model), else `other` (counted); its provider only when the price file has it.
   */
  private usageEvent(state: TraceState, span: SpanFacts, u: SpanUsage): EventOf<'voiceai.usage'> {
    const { component, provider, model, ...amounts } = u;
    const e: EventOf<'voiceai.usage'> = { type: 'voiceai.usage', component, ...amounts };
    const ts = instant(span.end);
    if (ts !== undefined) e.ts = ts;
    if (state.callId !== undefined) e.callId = state.callId;
    const agent = this.agentOf(span);
    if (agent !== undefined) e.agent = agent;
    const priced = this.prices === undefined ? undefined : priceOf(this.prices, provider, model);
    const known = priced?.model ?? this.modelOf(model);
    if (priced !== undefined) e.provider = priced.provider;
    e.model = known ?? 'other';
    this.batchUsage[known === undefined ? 'other' : 'known']++;
    return e;
  }

  /** Send on usage reports that were held: with their call's id when it came. */
  private release(
    held: readonly EventOf<'voiceai.usage'>[],
    callId: string | undefined,
    why: UsageHeld,
  ): void {
    for (const e of held) this.pending.push(callId === undefined ? e : { ...e, callId });
    this.batchHeld[why] += held.length;
  }

  private callIdOf(span: SpanFacts): string | undefined {
    for (const k of this.allow.callIdKeys) {
      const v = span.attrs[k] ?? span.resource.attrs[k];
      if (typeof v === 'string') return v;
    }
    return undefined;
  }

  private agentOf(span: SpanFacts): string | undefined {
    for (const key of ['lk.agent_name', SERVICE_NAME]) {
      const v = span.resource.attrs[key] ?? span.attrs[key];
      if (typeof v === 'string' && this.agents.has(v)) return v;
    }
    return undefined;
  }

  private modelOf(reported: AttrValue | undefined): string | undefined {
    if (typeof reported !== 'string') return undefined;
    return this.models.find((m) => reported === m || reported.startsWith(`${m}-`));
  }

  private selfMetrics(registry: Registry, prefix: string): void {
    registry.counter({
      name: `${prefix}_otlp_spans_total`,
      help: 'Spans received on /v1/traces: used for a turn, ignored (no rule reads them), duplicate (a retried batch), rejected (bad ids or times), dropped (their call was forgotten, or they never made a turn)',
      labels: ['result'],
      enums: { result: OTLP_SPAN_RESULTS },
      collect: (c) => {
        this.counts.dropped = this.table.droppedSpans;
        for (const result of OTLP_SPAN_RESULTS) c.set({ result }, this.counts[result]);
      },
    });
    registry.counter({
      name: `${prefix}_otlp_turns_total`,
      help: 'Conversational turns derived from agent framework spans on /v1/traces, by framework',
      labels: ['framework'],
      enums: { framework: FRAMEWORKS.map((f) => f.name) },
      collect: (c) => {
        for (const f of FRAMEWORKS) c.set({ framework: f.name }, this.turnCounts[f.name]);
      },
    });
    registry.counter({
      name: `${prefix}_otlp_usage_reports_total`,
      help: 'Provider usage reports read from spans on /v1/traces (tokens, audio seconds, characters), by whether their model was configured or priced (known) or became other',
      labels: ['model'],
      enums: { model: ['known', 'other'] },
      collect: (c) => {
        c.set({ model: 'known' }, this.usageCounts.known);
        c.set({ model: 'other' }, this.usageCounts.other);
      },
    });
    registry.counter({
      name: `${prefix}_otlp_usage_held_total`,
      help: 'Usage reports read from spans before any span of their trace named the call, held for its id: joined (charged to the call), or sent on without it: ended (the session ended without one), evicted (the call was forgotten), overflow (the hold was full)',
      labels: ['outcome'],
      enums: { outcome: OTLP_USAGE_HELD },
      collect: (c) => {
        for (const outcome of OTLP_USAGE_HELD) c.set({ outcome }, this.heldCounts[outcome]);
      },
    });
    registry.gauge({
      name: `${prefix}_otlp_usage_holding`,
      help: 'Usage reports held now for their call id (otlp_receiver.max_spans at most)',
      collect: (g) => g.set(this.table.usageHeld),
    });
    registry.gauge({
      name: `${prefix}_otlp_traces`,
      help: 'Calls whose spans the trace receiver is following (otlp.max_traces at most)',
      collect: (g) => g.set(this.table.size),
    });
    registry.counter({
      name: `${prefix}_otlp_traces_evicted_total`,
      help: 'Calls the trace receiver forgot before their session ended: idle past otlp.idle_seconds, or to stay within otlp.max_traces and otlp.max_spans',
      labels: ['reason'],
      enums: { reason: ['idle', 'capacity'] },
      collect: (c) => {
        c.set({ reason: 'idle' }, this.table.evicted.idle);
        c.set({ reason: 'capacity' }, this.table.evicted.capacity);
      },
    });
  }
}
