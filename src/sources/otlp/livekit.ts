import { STORE_LIMITS } from '../../domain/limits.js';
import { AMD_CATEGORIES, type AmdCategory } from '../../domain/vocab.js';
import {
  children,
  type Framework,
  flag,
  identity,
  type MapContext,
  num,
  type TurnDetails,
  turnEvent,
  withDetails,
} from './framework.js';
import type { SpanFacts } from './spans.js';
import type { TraceState } from './traces.js';
import { type LivekitReader, livekitReader } from './units.js';

/**
 * LiveKit Agents (livekit/agents @ da6af86ac640a3bc54585764e64321d7048c1c16, 1.7.0, Apache-2.0;
 * livekit/agents-js @ 8c88e3b3acb3ab32dc2d7b19073379f726704015, 1.7.0, the same spans with other
 * units, read per emitter by units.ts): the caller's `user_turn` (with a `user_speaking` per VAD segment) and the agent's `agent_turn`
 * (with `llm_node`, `tts_node` > `tts_request`, and `agent_speaking` from the first audio frame)
 * are siblings under `agent_session`: nothing links a reply to its user turn but time. The join
 * (livekit-agents/livekit/agents/voice/agent_activity.py L3524-3527): `lk.e2e_latency` is the
 * first agent audio minus the VAD end of the user's speech, so
 * `agent_speaking.start - lk.e2e_latency == the user turn's last user_speaking.end`.
 *
 * Instants: U = that user_speaking end; STT final = U + `lk.transcription_delay` (0 is written for
 * unknown); end of turn = user_turn.end (the commit); LLM first token = llm_node.start +
 * `lk.response.ttft`; the text reaching the TTS provider and its first audio = `lk.tts_metrics`
 * timestamp - duration (+ ttfb) (tts/tts.py L678-742; agents-js tts/tts.ts L560-566); A = the first
 * agent_speaking. Every duration is read in its emitter's unit (units.ts): agents-js writes the
 * user turn's delays in ms where Python writes seconds, under the same scope.
 * An `agent_turn` without `agent_speaking` played nothing (a discarded preemptive generation, a
 * reply cancelled before audio): it is no turn. A turn is complete when its `agent_turn` arrives
 * (after playout or the interruption), its user turn having ended (and been exported) before.
 */
/**
 * Answering-machine detection: one span per detection, under the session's root, ended when the
 * verdict is set on it (Python `amd`: voice/amd/detector.py L569-578, attributes L536-547;
 * agents-js `answering_machine_detection`: agents/src/voice/amd.ts L430-432, attributes
 * L1170-1175). `lk.amd.category` is the verdict; `lk.amd.delay` (speech end -> verdict) is read in
 * its emitter's unit (units.ts). The transcript (`lk.pii.amd.transcript`) and the free-text
 * `lk.amd.reason` are never read.
 */
const AMD_SPANS = ['amd', 'answering_machine_detection'] as const;

/**
 * Tool calls: one `function_tool` span per call, child of the `agent_turn` that asked for it
 * (voice/generation.py L872-911: `lk.function_tool.name`, `lk.function_tool.is_error`; agents-js
 * agents/src/voice/generation.ts L1368-1422). A reply that only called tools played nothing; once
 * the tools return, the same speech runs a second `agent_turn` (the tool reply, agent_activity.py
 * L3670-3703) which inherits the user's metrics when the first said nothing
 * (`_previous_user_metrics`), so its `lk.e2e_latency` joins the same user turn. The first reply's
 * LLM call, its tools and the tool reply's LLM call are the turn's `llm_ttft`, `tool` and
 * `llm2_ttft`; the tool-call reply is held (not dropped) until the reply its tools feed arrives.
 */
const TOOL = 'function_tool';
/**
 * End-of-turn detection: an `eou_detection` span under the user turn per prediction
 * (voice/audio_recognition.py L1564-1718; agents-js voice/audio_recognition.ts L1690-1772), with
 * `lk.eou.probability`, `lk.eou.endpointing_delay` and `lk.eou.detection_delay` (units: units.ts);
 * the last one before the commit decided. `lk.transcript_confidence` is on the user turn (L1769-1772,
 * 0 when no final transcript had a confidence: unknown, not a 0 confidence).
 */
const EOU = 'eou_detection';

const KEPT = new Set<string>([
  'user_turn',
  'user_speaking',
  TOOL,
  EOU,
  'agent_turn',
  'llm_node',
  'tts_node',
  'tts_request',
  'agent_speaking',
  // A realtime model's metrics, when they arrived after its agent_turn ended (telemetry/utils.py L88-94).
  'realtime_metrics',
  ...AMD_SPANS,
]);
/**
 * The join window of `A - lk.e2e_latency` against a user turn's last `user_speaking` end, ms.
 * Python takes both from one clock reading (agent_activity.py L3524-3527): equal to float
 * precision, hence the 1 ms before. agents-js takes them from two Date.now() reads in one
 * END_OF_SPEECH handler (agents/src/voice/audio_recognition.ts createVadTask, the same at 8c88e3b
 * and in npm 1.9.0): the span's end in the onEndOfSpeech hook, then `lastSpeakingTime`, which e2e
 * is measured from, after the hook's listeners ran; so the e2e side is later, by clock ticks
 * (0, 0, 0 / 0, 1, 2 / 0, 0, 0 ms over 3 runs of the real package's 3 turns, beside
 * test/sources/otlp/livekit-agents-js.timed.e2e.test.ts) or by whatever the listeners and a GC pause took. Later only, and less than turns are apart (a
 * user turn's speech ends after the previous turn's commit, its speech end + the endpointing min
 * delay, by default 300 ms with 1.9.0's streaming end-of-turn model, 500 with VAD turn detection):
 * up to JOIN_LAG_MS, the nearest wins.
 */
const JOIN_MS = 1;
const JOIN_LAG_MS = 250;

export const livekit: Framework = {
  name: 'livekit',
  keeps: (s) => KEPT.has(s.name),
  isRoot: (s) => s.name === 'agent_session',
  // `set_tracer_provider(metadata=...)` writes the call id on every span as it starts (livekit/agents
  // @ da6af86 telemetry/traces.py L200-205, L266-276; agents-js the same): a span without it has
  // no later span with it, and its usage goes on at once.
  callIdLater: false,
  collect(state, ctx) {
    const read = livekitReader(state);
    for (const s of state.spans.values())
      if (AMD_SPANS.includes(s.name as 'amd')) emitAmd(state, ctx, read, s);
    const replies = [...state.spans.values()]
      .filter((s) => s.name === 'agent_turn')
      .sort((a, b) => a.start - b.start);
    for (const reply of replies) {
      if (!state.spans.has(reply.id)) continue; // a tool-call reply an earlier one used
      const speaking = children(state, reply.id, (n) => n === 'agent_speaking');
      // A reply that only called tools waits for the reply its tools feed.
      if (speaking.length === 0 && children(state, reply.id, (n) => n === TOOL).length > 0) continue;
      const used = descendants(state, reply);
      if (speaking.length > 0) used.push(...emitTurn(state, ctx, read, reply, speaking));
      else ctx.table.droppedSpans += used.length; // played nothing: no turn
      ctx.table.release(state, used);
    }
  },
};

/** Emit a detection's verdict; a category outside LiveKit's five (a newer SDK's) is dropped, not guessed. */
function emitAmd(state: TraceState, ctx: MapContext, read: LivekitReader, span: SpanFacts): void {
  const category = span.attrs['lk.amd.category'];
  if (AMD_CATEGORIES.includes(category as AmdCategory)) {
    const { callId, agent } = identity(state, ctx, span, undefined);
    const delay = read.ms(span, 'lk.amd.delay');
    ctx.amd({
      type: 'voiceai.amd',
      ts: span.end,
      category: category as AmdCategory,
      ...(callId !== undefined && { callId }),
      ...(agent !== undefined && { agent }),
      ...(delay !== undefined && delay >= 0 && { delaySeconds: delay / 1000 }),
    });
  } else ctx.table.droppedSpans++;
  ctx.table.release(state, [span.id]);
}

/** A span and everything held under it, as ids. */
function descendants(state: TraceState, root: SpanFacts): string[] {
  const out = [root.id];
  for (let i = 0; i < out.length; i++) for (const c of children(state, out[i] as string)) out.push(c.id);
  return out;
}

/** Emit the turn a reply ends, and its interruptions; returns the ids of the user's spans it used. */
function emitTurn(
  state: TraceState,
  ctx: MapContext,
  read: LivekitReader,
  reply: SpanFacts,
  speaking: SpanFacts[],
): string[] {
  const rt = realtimeOf(state, read, reply);
  if (rt !== undefined)
    return emitRealtime(state, ctx, read, reply, rt.span, speaking, rt.created, rt.firstAudio);
  const first = speaking[0] as SpanFacts;
  const last = speaking.at(-1) as SpanFacts;
  const a = first.start;
  const e2e = read.ms(reply, 'lk.e2e_latency');
  const user = userTurnOf(state, a, e2e);
  const userEnd = user === undefined ? undefined : lastSpeech(state, user);
  const u = userEnd?.end ?? (e2e === undefined ? undefined : a - e2e);
  const delay = read.ms(user, 'lk.transcription_delay');
  const llm = children(state, reply.id, (n) => n === 'llm_node')[0];
  const tts = children(state, reply.id, (n) => n === 'tts_node')[0];
  const request = tts === undefined ? undefined : children(state, tts.id, (n) => n === 'tts_request')[0];
  const { sent, firstByte } = read.tts(request);
  // The replies that only called tools, between the caller's speech and this one: in order.
  const chain = toolReplies(state, reply, u ?? user?.start);
  const calls = [
    ...chain.flatMap((r) => children(state, r.id, (n) => n === 'llm_node')),
    ...(llm ? [llm] : []),
  ];
  const firstCall = calls[0];
  const tools = chain.flatMap((r) => children(state, r.id, (n) => n === TOOL));
  const firstToken = (s: SpanFacts | undefined) => {
    const ttft = read.ms(s, 'lk.response.ttft');
    return s !== undefined && ttft !== undefined && ttft >= 0 ? s.start + ttft : undefined;
  };
  state.turns++;
  const ids = identity(state, ctx, reply, llm?.attrs['gen_ai.request.model']);
  const e = turnEvent(
    { type: 'voiceai.turn', ts: reply.end, turn: Math.min(state.turns, 1_000_000), ...ids },
    {
      userStartedAt: user?.start,
      userStoppedAt: u,
      sttFinalAt: u !== undefined && delay !== undefined && delay > 0 ? u + delay : undefined,
      endOfTurnAt: user?.end,
      llmStartedAt: firstCall?.start,
      llmFirstTokenAt: firstToken(firstCall),
      llmDoneAt: llm?.end,
      toolsStartedAt: tools.length > 0 ? Math.min(...tools.map((t) => t.start)) : undefined,
      toolsDoneAt: tools.length > 0 ? Math.max(...tools.map((t) => t.end)) : undefined,
      lastLlmStartedAt: chain.length > 0 ? llm?.start : undefined,
      lastLlmFirstTokenAt: chain.length > 0 ? firstToken(llm) : undefined,
      ttsStartedAt: sent,
      ttsFirstByteAt: firstByte,
      agentStartedAt: a,
      agentStoppedAt: last.end,
    },
  );
  ctx.turn(
    withDetails(e, {
      ...(calls.length > 0 && { llmCalls: calls.length }),
      ...(chain.length > 0 && { toolCalls: tools.length, toolErrors: tools.filter(failed).length }),
      ...userDetails(state, read, user),
    }),
  );
  for (const t of [...tools, ...children(state, reply.id, (n) => n === TOOL)]) toolCall(state, ctx, t);
  interruptions(state, ctx, read, reply, speaking, ids);
  const used = user === undefined ? [] : descendants(state, user);
  for (const r of chain) used.push(...descendants(state, r));
  return used;
}

const failed = (t: SpanFacts) => flag(t, 'lk.function_tool.is_error');

/**
 * The replies that only called tools (no audio, a `function_tool` child) started after `from` (the
 * caller's speech end, else the user turn's start) and before `reply`: the rounds of LLM call and
 * tools its words waited on. Unknown `from`: none (a tool reply of another turn is not guessed in).
 */
function toolReplies(state: TraceState, reply: SpanFacts, from: number | undefined): SpanFacts[] {
  if (from === undefined) return [];
  const out: SpanFacts[] = [];
  for (const s of state.spans.values())
    if (
      s.name === 'agent_turn' &&
      s.id !== reply.id &&
      s.start >= from &&
      s.start < reply.start &&
      children(state, s.id, (n) => n === 'agent_speaking').length === 0 &&
      children(state, s.id, (n) => n === TOOL).length > 0
    )
      out.push(s);
  return out.sort((a, b) => a.start - b.start);
}

/** A tool call as `voiceai.tool_call`: its duration and result, its function's name (logs only). */
function toolCall(state: TraceState, ctx: MapContext, t: SpanFacts): void {
  const name = t.attrs['lk.function_tool.name'];
  ctx.toolCall({
    type: 'voiceai.tool_call',
    ts: t.end,
    ok: !failed(t),
    seconds: (t.end - t.start) / 1000,
    ...(typeof name === 'string' && name.length <= 64 && { tool: name }),
    ...(state.callId !== undefined && { callId: state.callId }),
  });
}

/** The user turn's end-of-turn detection (its last `eou_detection`) and transcript confidence. */
function userDetails(state: TraceState, read: LivekitReader, user: SpanFacts | undefined): TurnDetails {
  if (user === undefined) return {};
  const eou = children(state, user.id, (n) => n === EOU).at(-1);
  const endpointing = read.ms(eou, 'lk.eou.endpointing_delay');
  const detection = read.ms(eou, 'lk.eou.detection_delay');
  const confidence = num(user, 'lk.transcript_confidence');
  return {
    eouProbability: num(eou, 'lk.eou.probability'),
    eouEndpointingDelaySeconds: endpointing === undefined ? undefined : endpointing / 1000,
    eouDetectionDelaySeconds: detection === undefined ? undefined : detection / 1000,
    transcriptConfidence: confidence === 0 ? undefined : confidence,
  };
}

/**
 * A realtime (speech-to-speech) model's reply: no `llm_node`/`tts_node`, no `lk.e2e_latency`; its
 * timing is `lk.realtime_model_metrics` (the response created by the model's turn detection, its
 * first audio token), and the caller's speech (`user_speaking`) sits under `agent_session`, not
 * under a user turn (server-side VAD events carry no turn context: agent_activity.py
 * `_on_input_speech_started`/`_stopped` -> `_update_user_state` without one). Instants: U = the
 * last caller speech ended by the response's creation; end of turn = LLM start = the creation;
 * the model's first audio is both the first token and the first audio byte: one model hears and
 * speaks, so `stt` and `tts_ttfb` are 0 (no such stage on the path) and `llm_ttft` is the model's.
 */
function emitRealtime(
  state: TraceState,
  ctx: MapContext,
  read: LivekitReader,
  reply: SpanFacts,
  metrics: SpanFacts,
  speaking: SpanFacts[],
  created: number,
  firstAudio: number | undefined,
): string[] {
  const a = (speaking[0] as SpanFacts).start;
  let speech: SpanFacts | undefined;
  for (const s of state.spans.values())
    if (s.name === 'user_speaking' && s.end <= created && (speech === undefined || s.end > speech.end))
      speech = s;
  const user = userTurnOf(state, a, undefined);
  const u = speech?.end;
  // Tool rounds: the responses that only called tools (their agent_turn has `function_tool`
  // children and no audio), each with its own realtime metrics; the turn began with the first.
  const chain = toolReplies(state, reply, u);
  const tools = chain.flatMap((r) => children(state, r.id, (n) => n === TOOL));
  const opened = chain.length > 0 ? realtimeOf(state, read, chain[0] as SpanFacts) : undefined;
  state.turns++;
  const ids = identity(
    state,
    ctx,
    reply,
    metrics.attrs['gen_ai.request.model'] ?? reply.attrs['gen_ai.request.model'],
  );
  ctx.turn(
    withDetails(
      turnEvent(
        { type: 'voiceai.turn', ts: reply.end, turn: Math.min(state.turns, 1_000_000), ...ids },
        {
          userStartedAt: speech?.start,
          userStoppedAt: u,
          sttFinalAt: u,
          endOfTurnAt: chain.length === 0 ? created : opened?.created,
          llmStartedAt: chain.length === 0 ? created : opened?.created,
          // A response that called a tool sent no audio token (its ttft is -1): its first token is unknown.
          llmFirstTokenAt: chain.length === 0 ? firstAudio : opened?.firstAudio,
          toolsStartedAt: tools.length > 0 ? Math.min(...tools.map((t) => t.start)) : undefined,
          toolsDoneAt: tools.length > 0 ? Math.max(...tools.map((t) => t.end)) : undefined,
          lastLlmStartedAt: chain.length === 0 ? undefined : created,
          lastLlmFirstTokenAt: chain.length === 0 ? undefined : firstAudio,
          ttsFirstByteAt: firstAudio,
          agentStartedAt: a,
          agentStoppedAt: (speaking.at(-1) as SpanFacts).end,
        },
      ),
      chain.length > 0
        ? { llmCalls: chain.length + 1, toolCalls: tools.length, toolErrors: tools.filter(failed).length }
        : { llmCalls: 1 },
    ),
  );
  for (const t of [...tools, ...children(state, reply.id, (n) => n === TOOL)]) toolCall(state, ctx, t);
  interruptions(state, ctx, read, reply, speaking, ids);
  // The caller's speech this reply answered, and the user turn (if any) committed before it.
  const used = user === undefined ? [] : descendants(state, user);
  if (speech !== undefined) used.push(speech.id);
  for (const r of chain) used.push(...descendants(state, r));
  return used;
}

/** A reply's realtime metrics and the span they are on: its agent_turn or a `realtime_metrics` child. */
function realtimeOf(
  state: TraceState,
  read: LivekitReader,
  reply: SpanFacts,
): { span: SpanFacts; created: number; firstAudio: number | undefined } | undefined {
  for (const span of [reply, ...children(state, reply.id, (n) => n === 'realtime_metrics')]) {
    const { created, firstAudio } = read.realtime(span);
    if (created !== undefined) return { span, created, firstAudio };
  }
  return undefined;
}

/** The user turn a reply answers: by the e2e join, else the last one committed before its audio. */
function userTurnOf(state: TraceState, a: number, e2e: number | undefined): SpanFacts | undefined {
  let fallback: SpanFacts | undefined;
  let joined: SpanFacts | undefined;
  let gap = JOIN_LAG_MS;
  for (const s of state.spans.values()) {
    if (s.name !== 'user_turn') continue;
    const speech = lastSpeech(state, s);
    if (e2e !== undefined && speech !== undefined) {
      const lag = a - e2e - speech.end;
      if (lag > -JOIN_MS && Math.abs(lag) < gap) {
        joined = s;
        gap = Math.abs(lag);
      }
    }
    if (s.end <= a && (fallback === undefined || s.end > fallback.end)) fallback = s;
  }
  return e2e === undefined ? fallback : joined;
}

function lastSpeech(state: TraceState, user: SpanFacts): SpanFacts | undefined {
  return children(state, user.id, (n) => n === 'user_speaking').at(-1);
}

/**
 * Overlapping speech around a reply: the caller's speech (user_speaking, whatever turn it belongs
 * to) against the agent's (agent_speaking). A reply marked interrupted was paused by the caller
 * (barge-in); paused and resumed under one reply is a false interruption (LiveKit resumes after
 * `false_interruption_timeout` without words); caller speech inside the agent's that did not stop
 * it is talked over; agent audio starting inside the caller's speech is the agent over the caller.
 */
function interruptions(
  state: TraceState,
  ctx: MapContext,
  read: LivekitReader,
  reply: SpanFacts,
  speaking: SpanFacts[],
  ids: { callId?: string; agent?: string },
) {
  const speech = [...state.spans.values()]
    .filter((s) => s.name === 'user_speaking')
    .sort((a, b) => a.start - b.start);
  const base = {
    type: 'voiceai.interruption' as const,
    turn: Math.min(state.turns, 1_000_000),
    ...(ids.callId !== undefined && { callId: ids.callId }),
    ...(ids.agent !== undefined && { agent: ids.agent }),
  };
  const within = (s: SpanFacts, a: SpanFacts) => s.start > a.start && s.start <= a.end;
  /**
   * The interruption model's verdict on the caller's speech, when it ran on it (the attributes are
   * set together, with `lk.is_interruption`: inference/interruption.py L551-567, agents-js
   * interruption_stream.ts L66-75; before that they are absent, not 0).
   */
  const model = (s: SpanFacts | undefined) => {
    if (s === undefined || s.attrs['lk.is_interruption'] === undefined) return {};
    const p = num(s, 'lk.interruption.probability');
    const delay = read.ms(s, 'lk.interruption.detection_delay');
    return {
      ...(p !== undefined && p >= 0 && p <= 1 && { probability: p }),
      ...(delay !== undefined &&
        delay >= 0 &&
        delay / 1000 <= STORE_LIMITS.secondsMax && { detectionDelaySeconds: delay / 1000 }),
    };
  };
  const cut = flag(reply, 'lk.interrupted');
  speaking.forEach((a, i) => {
    const caller = speech.find((s) => within(s, a));
    const next = speaking[i + 1];
    const over = speech.find((s) => s.start < a.start && s.end > a.start);
    if (over !== undefined)
      ctx.interruption({
        ...base,
        ts: a.start,
        kind: 'agent_over_caller',
        startedAt: a.start,
        endedAt: Math.min(over.end, a.end),
      });
    if (next !== undefined) {
      // Paused, then resumed: the pause proved false (a backchannel, a noise).
      ctx.interruption({
        ...base,
        ts: a.end,
        kind: 'false_interruption',
        ...(caller && { startedAt: caller.start }),
        endedAt: next.start,
        ...model(caller),
      });
    } else if (cut) {
      ctx.interruption({
        ...base,
        ts: a.end,
        kind: 'barge_in',
        ...(caller && { startedAt: caller.start }),
        endedAt: a.end,
        ...model(caller),
      });
    } else if (caller !== undefined && caller.end < a.end && caller.attrs['lk.is_interruption'] !== 'true') {
      ctx.interruption({
        ...base,
        ts: caller.start,
        kind: 'talked_over',
        startedAt: caller.start,
        endedAt: caller.end,
        ...model(caller),
      });
    }
  });
}
