import { STORE_LIMITS } from '../../domain/limits.js';
import type { EventOf } from '../../events/types.js';
import type { AttrValue, SpanFacts } from './spans.js';
import type { TraceState, TraceTable } from './traces.js';

export type TurnEvent = EventOf<'voiceai.turn'>;
export type InterruptionEvent = EventOf<'voiceai.interruption'>;
export type AmdEvent = EventOf<'voiceai.amd'>;
export type ToolCallEvent = EventOf<'voiceai.tool_call'>;

/** What a framework's rules need from the receiver. */
export interface MapContext {
  readonly table: TraceTable;
  turn(e: TurnEvent): void;
  interruption(e: InterruptionEvent): void;
  amd(e: AmdEvent): void;
  toolCall(e: ToolCallEvent): void;
  /** The configured agent name this span's service is, if any (a label only when configured). */
  agentOf(span: SpanFacts): string | undefined;
  /** The configured model name a reported one is (exact, or a dated snapshot of it), if any. */
  modelOf(reported: AttrValue | undefined): string | undefined;
}

/** One agent framework's spans -> turn events (docs/sources/voice-agents.md; FINDINGS in test/fixtures/voice). */
export interface Framework {
  readonly name: 'pipecat' | 'livekit';
  /** Whether a span of this framework is held for a turn; the rest are ignored. */
  keeps(span: SpanFacts): boolean;
  /** The session's root span: the call is over. */
  isRoot(span: SpanFacts): boolean;
  /**
   * Whether a later span of a trace may name its call when earlier ones did not (the id is on some
   * spans only): a usage report read before it is then held for it, so the call is charged.
   */
  readonly callIdLater: boolean;
  /** Emit the turns complete in `s` and let go of the spans they used. */
  collect(s: TraceState, ctx: MapContext): void;
}

const INSTANT_MAX = 4_102_444_800_000;

/** An instant a turn event may carry (epoch ms within the schema's range), else undefined. */
export function instant(ms: number | undefined): number | undefined {
  return ms !== undefined && ms >= STORE_LIMITS.tsMin && ms <= INSTANT_MAX ? ms : undefined;
}

/** A number attribute, or undefined. */
export function num(s: SpanFacts | undefined, key: string): number | undefined {
  const v = s?.attrs[key];
  return typeof v === 'number' ? v : undefined;
}

/** A flag attribute (absent is false). */
export function flag(s: SpanFacts | undefined, key: string): boolean {
  return s?.attrs[key] === true;
}

/** The children of `parent` held in the trace, by start time. */
export function children(s: TraceState, parent: string, name?: (n: string) => boolean): SpanFacts[] {
  const out: SpanFacts[] = [];
  for (const c of s.spans.values())
    if (c.parent === parent && (name === undefined || name(c.name))) out.push(c);
  return out.sort((a, b) => a.start - b.start);
}

/**
 * Fill a turn event's optional fields from `fields`, leaving out the unknown ones (the event
 * schema has no `undefined` values, and an instant out of range would make the bus refuse it).
 */
export function turnEvent(base: TurnEvent, fields: Record<string, number | undefined>): TurnEvent {
  const e = base as TurnEvent & Record<string, unknown>;
  for (const [k, v] of Object.entries(fields)) {
    const t = k === 'reportedSilenceSeconds' ? v : instant(v);
    if (t !== undefined && (k !== 'reportedSilenceSeconds' || (t >= 0 && t <= STORE_LIMITS.secondsMax)))
      e[k] = t;
  }
  return e;
}

/** What a turn says beside its instants: counts, a detector's probabilities and delays. */
export interface TurnDetails {
  llmCalls?: number | undefined;
  toolCalls?: number | undefined;
  toolErrors?: number | undefined;
  eouProbability?: number | undefined;
  eouEndpointingDelaySeconds?: number | undefined;
  eouDetectionDelaySeconds?: number | undefined;
  transcriptConfidence?: number | undefined;
}
const COUNT_MAX: Record<'llmCalls' | 'toolCalls' | 'toolErrors', number> = {
  llmCalls: 64,
  toolCalls: 1024,
  toolErrors: 1024,
};

/**
 * Add the details the event schema would accept to a turn event (in place, returned): counts
 * whole and within their bounds, probabilities within 0..1, delays within 0..a week. A value out of
 * range is a framework's bug or a newer unit: left out (unknown), never clamped into a figure.
 */
export function withDetails(e: TurnEvent, d: TurnDetails): TurnEvent {
  const out = e as TurnEvent & Record<string, unknown>;
  for (const [k, v] of Object.entries(d)) {
    if (v === undefined || !Number.isFinite(v)) continue;
    const max =
      k in COUNT_MAX
        ? COUNT_MAX[k as keyof typeof COUNT_MAX]
        : k.endsWith('Seconds')
          ? STORE_LIMITS.secondsMax
          : 1;
    if (v < (k === 'llmCalls' ? 1 : 0) || v > max || (k in COUNT_MAX && !Number.isInteger(v))) continue;
    out[k] = v;
  }
  return out;
}

/** Common fields of a trace's events: the call (when an attribute named it), agent and model. */
export function identity(
  s: TraceState,
  ctx: MapContext,
  span: SpanFacts,
  model: AttrValue | undefined,
): Pick<TurnEvent, 'callId' | 'agent' | 'model'> {
  const out: Pick<TurnEvent, 'callId' | 'agent' | 'model'> = {};
  if (s.callId !== undefined) out.callId = s.callId;
  const agent = ctx.agentOf(span);
  if (agent !== undefined) out.agent = agent;
  const m = ctx.modelOf(model);
  if (m !== undefined) out.model = m;
  return out;
}
