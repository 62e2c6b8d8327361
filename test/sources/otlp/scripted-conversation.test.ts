// One scripted conversation (issue 52): an outbound call's answering-machine verdict (a person),
// a plain turn, a turn whose reply called a tool (two LLM calls), and a turn the caller barged
// into; sent as each emitter's spans, built here from the
// frameworks' code at the pinned commits (timings are the script's; names, parents, attributes,
// units and span lifetimes are what the code does):
//
// - LiveKit Agents, Python @ da6af86 (livekit/agents), cascaded: `user_turn` with `user_speaking`
//   and `eou_detection` (voice/audio_recognition.py L1564-1718: `lk.eou.probability`,
//   `lk.eou.endpointing_delay`, `lk.eou.detection_delay`, seconds; L1769-1772 the user turn's
//   `lk.transcript_confidence` and `lk.transcription_delay`); `agent_turn` per reply
//   (voice/agent_activity.py L3096-3113) with `llm_node` (`lk.response.ttft`), `tts_node` >
//   `tts_request` (`lk.tts_metrics`), `agent_speaking`, `lk.e2e_latency` (L3524-3527); a reply that
//   only called tools has `function_tool` children (voice/generation.py L872-911:
//   `lk.function_tool.name`, `lk.function_tool.is_error`) and no audio, and its tool reply is a
//   second `agent_turn` that inherits the user's metrics (agent_activity.py L3670-3703), so its
//   `lk.e2e_latency` joins the same user turn; the barge-in's caller speech carries the
//   interruption model's verdict (inference/interruption.py L551-567, seconds).
// - LiveKit Agents, Node @ 8c88e3b (livekit/agents-js): the same spans (generation.ts L1368-1422,
//   agent_activity.ts L3847-3886), the user turn's delays and the end-of-turn delays in ms
//   (audio_recognition.ts L2560-2572, L1706-1766; eot/transports.ts L423-427), the TTS metrics'
//   `timestamp` in ms with `ttfbMs`/`durationMs` (tts/tts.ts L560-566); the interruption delay in
//   seconds (interruption_stream.ts L66-75).
// - LiveKit Agents, Python, realtime model: `agent_turn` per response with
//   `lk.realtime_model_metrics` (`timestamp` = the response's creation, `ttft` to its first audio,
//   -1 for a response that only called a tool: metrics/base.py RealtimeModelMetrics), the caller's
//   `user_speaking` under the session (agent_activity.py L1989-2016), `function_tool` as above.
// - Pipecat @ acead050, cascaded: a `turn` span per exchange with `stt`, one `llm` per
//   `_process_context` (utils/tracing/service_decorators.py L902-940, so two with a tool round)
//   and `tts`, each with `metrics.ttfb`; no span for the tool itself.
// - Pipecat, speech-to-speech (OpenAI Realtime, local turn detection): `llm_request` when a
//   response is asked for (services/openai/realtime/llm.py L1175-1209, the TTFB timer starts),
//   again once the tool's result is sent (L1216-1280), `llm_response` on each response.done (L998),
//   the answer's carrying `metrics.ttfb` (request -> first audio delta, L892-895).
// - Pipecat, speech-to-speech (Gemini Live, services/google/gemini_live/llm.py): no request span; the
//   TTFB timer starts at the caller's stop (UserStoppedSpeakingFrame, L817-820) and stops at the
//   first `model_turn` part (L1779-1788); `llm_tool_call` when the model's tool call arrives
//   (L1859-1887, `tool.function_name`, `tool.calls_count`: service_decorators.py L1260-1284),
//   `llm_tool_result` when the result is sent back (L1719-1751, `tool.result_status`:
//   service_decorators.py L1286-1309), `llm_response` at turn_complete (L1889); each span's
//   `metrics.ttfb` is the timer as the span starts (service_decorators.py L1391-1394): running at
//   the tool call, the reply's at turn_complete (processors/metrics/frame_processor_metrics.py L67-81).
//
// Cascaded emitters give the script's segments within 1 ms, tool and second call included. A
// realtime model has no transcription or synthesis stage of its own (`stt`, `tts_ttfb` are 0 where
// placed) and its tool-calling response sends no audio token (its first token is unknown: joined
// with the tool); Pipecat's speech-to-speech spans do not place the caller's stop (the turn's
// latency is the whole): where one emitter joins stages, its joined segment is the others' sum.
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { JSON_TYPE, receiverApp, sdkBatches } from './helpers.js';
import { ids, request, type Span, T0 } from './span-builder.js';

/** One exchange of the script, ms after T0; `calls` are the LLM calls, `tool` the tool call between them. */
interface ScriptTurn {
  n: number;
  onset: number;
  /** The caller stopped (VAD). */
  u: number;
  /** The final transcript. */
  s: number;
  /** The end-of-turn decision (the commit), the first LLM request. */
  e: number;
  calls: Array<{ start: number; first: number; end: number }>;
  tool?: { start: number; end: number; name: string };
  /** Text to the TTS, its first audio byte, its last. */
  ttsStart: number;
  ttsFirst: number;
  ttsDone: number;
  /** The first agent audio played, and the agent's end (cut by the caller when `bargeIn`). */
  a: number;
  end: number;
  bargeIn?: number;
}
const SCRIPT: ScriptTurn[] = [
  {
    n: 1,
    onset: 1000,
    u: 2900,
    s: 3230,
    e: 3500,
    calls: [{ start: 3500, first: 3900, end: 4300 }],
    ttsStart: 3950,
    ttsFirst: 4100,
    ttsDone: 4600,
    a: 4180,
    end: 7000,
  },
  {
    n: 2,
    onset: 8000,
    u: 10_000,
    s: 10_310,
    e: 10_600,
    calls: [
      { start: 10_600, first: 11_000, end: 11_200 },
      { start: 12_000, first: 12_400, end: 13_000 },
    ],
    tool: { start: 11_210, end: 12_000, name: 'lookup_order' },
    ttsStart: 12_450,
    ttsFirst: 12_650,
    ttsDone: 13_300,
    a: 12_720,
    end: 15_000,
  },
  {
    n: 3,
    onset: 16_000,
    u: 17_500,
    s: 17_800,
    e: 18_000,
    calls: [{ start: 18_000, first: 18_350, end: 18_900 }],
    ttsStart: 18_400,
    ttsFirst: 18_560,
    ttsDone: 19_200,
    a: 18_600,
    end: 20_100,
    bargeIn: 19_900,
  },
];
const SESSION_END = 22_000;
/**
 * The answering-machine detector on the outbound call, before the first turn: the callee's
 * "Hello?" ends at 800 ms, the verdict (a person) is set and the span ended at 950 ms.
 */
const AMD = { from: 100, speechEnd: 800, verdict: 950, category: 'human' } as const;
/** The end-of-turn model's verdict on every user turn, and the interruption model's on the barge-in. */
const EOU = { probability: 0.912, endpointingMs: 500, detectionMs: 40 };
const INTERRUPTION = { probability: 0.93, detectionMs: 120 };

/** The script's own segments (ms): each stage's milestone minus the previous one. */
function scripted(t: ScriptTurn): Record<string, number> {
  const first = t.calls[0] as ScriptTurn['calls'][number];
  const last = t.calls.at(-1) as ScriptTurn['calls'][number];
  const out: Record<string, number> = { stt: t.s - t.u, endpointing: t.e - t.s, llm_ttft: first.first - t.e };
  let cursor = first.first;
  if (t.tool !== undefined) {
    out.tool = t.tool.end - cursor;
    out.llm2_ttft = last.first - t.tool.end;
    cursor = last.first;
  }
  return { ...out, tts_ttfb: t.ttsFirst - cursor, remainder: t.a - t.ttsFirst };
}

const sec = (ms: number) => ms / 1000;
/** T0 in epoch ms: the script's instants as the SDKs' wall-clock timestamps. */
const T0ms = T0 * 1000;

/** LiveKit's span of one tool call under the reply that asked for it (generation.py L872-911). */
const functionTool = (
  id: string,
  parent: string,
  tool: NonNullable<ScriptTurn['tool']>,
  attrs: Record<string, boolean> = {},
): Span => ({
  id,
  parent,
  name: 'function_tool',
  scope: 'livekit-agents',
  from: sec(tool.start),
  to: sec(tool.end),
  attrs: { 'lk.function_tool.name': tool.name, ...attrs },
});

/**
 * LiveKit's detection span under the session's root: Python's `amd` (voice/amd/detector.py
 * L569-578, attributes L536-547, `lk.amd.delay` in seconds: classifier.py L374), agents-js's
 * `answering_machine_detection` (agents/src/voice/amd.ts L430-432, L1170-1175, the delay in ms:
 * L1366-1369). The transcript and the free-text reason are on it too: never read.
 */
const amdSpan = (language: 'python' | 'nodejs', id: string, session: string): Span => ({
  id,
  parent: session,
  name: language === 'nodejs' ? 'answering_machine_detection' : 'amd',
  scope: 'livekit-agents',
  from: sec(AMD.from),
  to: sec(AMD.verdict),
  attrs: {
    'lk.amd.category': AMD.category,
    'lk.amd.reason': 'a person said hello and waited',
    'lk.amd.speech_duration': sec(AMD.speechEnd - AMD.from),
    'lk.amd.delay': language === 'nodejs' ? AMD.verdict - AMD.speechEnd : sec(AMD.verdict - AMD.speechEnd),
    'lk.pii.amd.transcript': 'Hello?',
    ...(language === 'nodejs' && { 'lk.amd.is_machine': false }),
  },
});

/** LiveKit Agents cascaded, Python (seconds) or Node (the user turn's and end-of-turn delays in ms). */
function livekitCascaded(language: 'python' | 'nodejs') {
  const js = language === 'nodejs';
  const id = ids(js ? 'c0de' : 'b0b0');
  const scope = 'livekit-agents';
  const session = id();
  const spans: Span[] = [
    { id: session, name: 'agent_session', scope, from: 0, to: sec(SESSION_END) },
    amdSpan(language, id(), session),
  ];
  const delay = (ms: number) => (js ? ms : sec(ms));
  for (const t of SCRIPT) {
    const user = id();
    spans.push(
      {
        id: user,
        parent: session,
        name: 'user_turn',
        scope,
        from: sec(t.onset),
        to: sec(t.e),
        attrs: {
          'lk.transcription_delay': delay(t.s - t.u),
          'lk.end_of_turn_delay': delay(t.e - t.u),
          'lk.transcript_confidence': 0.97,
        },
      },
      { id: id(), parent: user, name: 'user_speaking', scope, from: sec(t.onset), to: sec(t.u) },
      {
        id: id(),
        parent: user,
        name: 'eou_detection',
        scope,
        from: sec(t.s + 5),
        to: sec(t.s + 5 + EOU.detectionMs),
        attrs: {
          'lk.eou.probability': EOU.probability,
          'lk.eou.endpointing_delay': delay(EOU.endpointingMs),
          'lk.eou.detection_delay': delay(EOU.detectionMs),
        },
      },
    );
    const llmNode = (parent: string, c: ScriptTurn['calls'][number]) =>
      // The node starts when the reply task runs: after the commit (or the tool's result) by a hop.
      spans.push({
        id: id(),
        parent,
        name: 'llm_node',
        scope,
        from: sec(c.start + 0.5),
        to: sec(c.end),
        attrs: { 'lk.response.ttft': sec(c.first - (c.start + 0.5)), 'gen_ai.request.model': 'gpt-4.1-mini' },
      });
    let calls = t.calls;
    if (t.tool !== undefined) {
      // The reply that only called the tool: no audio, its tool under it.
      const asked = id();
      spans.push({
        id: asked,
        parent: session,
        name: 'agent_turn',
        scope,
        from: sec(t.e + 0.2),
        to: sec(t.tool.end + 3),
        attrs: { 'lk.interrupted': false },
      });
      llmNode(asked, t.calls[0] as ScriptTurn['calls'][number]);
      spans.push(functionTool(id(), asked, t.tool, { 'lk.function_tool.is_error': false }));
      calls = t.calls.slice(1);
    }
    const reply = id();
    const replyStart = (calls[0] as ScriptTurn['calls'][number]).start + 0.2;
    spans.push({
      id: reply,
      parent: session,
      name: 'agent_turn',
      scope,
      from: sec(replyStart),
      to: sec(t.end + 5),
      attrs: { 'lk.e2e_latency': sec(t.a - t.u), 'lk.interrupted': t.bargeIn !== undefined },
    });
    llmNode(reply, calls[0] as ScriptTurn['calls'][number]);
    const tts = id();
    const metrics = js
      ? {
          type: 'tts_metrics',
          timestamp: T0ms + t.ttsDone,
          ttfbMs: t.ttsFirst - t.ttsStart,
          durationMs: t.ttsDone - t.ttsStart,
        }
      : {
          type: 'tts_metrics',
          timestamp: (T0ms + t.ttsDone) / 1000,
          ttfb: sec(t.ttsFirst - t.ttsStart),
          duration: sec(t.ttsDone - t.ttsStart),
        };
    spans.push(
      { id: tts, parent: reply, name: 'tts_node', scope, from: sec(t.ttsStart - 1), to: sec(t.end) },
      {
        id: id(),
        parent: tts,
        name: 'tts_request',
        scope,
        from: sec(t.ttsStart - 0.6),
        to: sec(t.end - 1),
        attrs: { 'lk.tts_metrics': JSON.stringify(metrics) },
      },
      { id: id(), parent: reply, name: 'agent_speaking', scope, from: sec(t.a), to: sec(t.end) },
    );
    if (t.bargeIn !== undefined) {
      // The caller's next utterance cut the reply: its own user turn, never answered in the script.
      const next = id();
      spans.push(
        {
          id: next,
          parent: session,
          name: 'user_turn',
          scope,
          from: sec(t.bargeIn),
          to: sec(SESSION_END - 100),
        },
        {
          id: id(),
          parent: next,
          name: 'user_speaking',
          scope,
          from: sec(t.bargeIn),
          to: sec(t.bargeIn + 1500),
          attrs: {
            'lk.is_interruption': 'true',
            'lk.interruption.probability': INTERRUPTION.probability,
            'lk.interruption.detection_delay': sec(INTERRUPTION.detectionMs),
          },
        },
      );
    }
  }
  return request(language, spans, js ? '0de5'.repeat(8) : '9a9a'.repeat(8));
}

/** LiveKit Agents with a realtime model (Python): one `agent_turn` per response, its metrics as JSON. */
function livekitRealtime() {
  const id = ids('4ea1');
  const scope = 'livekit-agents';
  const session = id();
  const spans: Span[] = [
    { id: session, name: 'agent_session', scope, from: 0, to: sec(SESSION_END) },
    amdSpan('python', id(), session),
  ];
  const response = (created: number, firstAudio: number | undefined) =>
    JSON.stringify({
      type: 'realtime_model_metrics',
      timestamp: (T0ms + created) / 1000,
      ttft: firstAudio === undefined ? -1 : sec(firstAudio - created),
      cancelled: false,
    });
  for (const t of SCRIPT) {
    spans.push({ id: id(), parent: session, name: 'user_speaking', scope, from: sec(t.onset), to: sec(t.u) });
    let created = t.e;
    if (t.tool !== undefined) {
      const asked = id();
      spans.push(
        {
          id: asked,
          parent: session,
          name: 'agent_turn',
          scope,
          from: sec(t.e + 0.2),
          to: sec(t.tool.end + 3),
          attrs: { 'lk.realtime_model_metrics': response(t.e, undefined) },
        },
        functionTool(id(), asked, t.tool),
      );
      created = t.tool.end;
    }
    const reply = id();
    spans.push(
      {
        id: reply,
        parent: session,
        name: 'agent_turn',
        scope,
        from: sec(created + 0.2),
        to: sec(t.end + 5),
        attrs: {
          'lk.realtime_model_metrics': response(created, t.ttsFirst),
          'lk.interrupted': t.bargeIn !== undefined,
        },
      },
      { id: id(), parent: reply, name: 'agent_speaking', scope, from: sec(t.a), to: sec(t.end) },
    );
    if (t.bargeIn !== undefined)
      spans.push({
        id: id(),
        parent: session,
        name: 'user_speaking',
        scope,
        from: sec(t.bargeIn),
        to: sec(t.bargeIn + 1500),
      });
  }
  return request('python', spans, '4ea1'.repeat(8));
}

/** Pipecat, cascaded (one `llm` span per LLM call) or speech-to-speech (OpenAI Realtime). */
/** Pipecat's `turn` span of script turn `t` (turn_trace_observer.py): cut by the caller at the barge-in, else ended when the caller spoke again. */
function pipecatTurnSpan(t: ScriptTurn, id: string, conv: string): Span {
  const next = SCRIPT[t.n] as ScriptTurn | undefined;
  return {
    id,
    parent: conv,
    name: 'turn',
    scope: 'pipecat.turn',
    from: sec(t.onset + 50),
    to: sec(t.bargeIn !== undefined ? t.end : (next?.onset ?? SESSION_END - 200)),
    attrs: {
      'turn.number': t.n,
      'turn.user_bot_latency_seconds': sec(t.a - t.u),
      'turn.was_interrupted': t.bargeIn !== undefined,
    },
  };
}

function pipecat(s2s: boolean) {
  const id = ids(s2s ? '5250' : 'ca5c');
  const conv = id();
  const spans: Span[] = [
    { id: conv, name: 'conversation', scope: 'pipecat.turn', from: 0, to: sec(SESSION_END) },
  ];
  for (const t of SCRIPT) {
    const turn = id();
    spans.push(pipecatTurnSpan(t, turn, conv));
    if (s2s) {
      // The input transcript: its ttfb is the model's, it places nothing.
      spans.push({
        id: id(),
        parent: turn,
        name: 'stt',
        scope: 'pipecat',
        from: sec(t.onset),
        to: sec(t.a + 300),
        attrs: { is_final: true, 'metrics.ttfb': 0.62 },
      });
      const first = t.calls[0] as ScriptTurn['calls'][number];
      spans.push({
        id: id(),
        parent: turn,
        name: 'llm_request',
        scope: 'pipecat',
        from: sec(t.e),
        to: sec(t.e + 1),
      });
      if (t.tool !== undefined) {
        // The response that called the tool ends with no audio; the result sent, a new response asked for.
        spans.push(
          {
            id: id(),
            parent: turn,
            name: 'llm_response',
            scope: 'pipecat',
            from: sec(first.end),
            to: sec(first.end + 1),
          },
          {
            id: id(),
            parent: turn,
            name: 'llm_request',
            scope: 'pipecat',
            from: sec(t.tool.end),
            to: sec(t.tool.end + 1),
          },
        );
      }
      const asked = t.tool !== undefined ? t.tool.end : t.e;
      spans.push({
        id: id(),
        parent: turn,
        name: 'llm_response',
        scope: 'pipecat',
        from: sec(t.end),
        to: sec(t.end + 1),
        attrs: { 'metrics.ttfb': sec(t.ttsFirst - asked) },
      });
      continue;
    }
    spans.push({
      id: id(),
      parent: turn,
      name: 'stt',
      scope: 'pipecat',
      from: sec(t.onset),
      to: sec(t.s),
      attrs: { is_final: true, 'metrics.ttfb': sec(t.s - t.u) },
    });
    for (const c of t.calls)
      spans.push({
        id: id(),
        parent: turn,
        name: 'llm',
        scope: 'pipecat',
        from: sec(c.start),
        to: sec(c.end),
        attrs: { 'metrics.ttfb': sec(c.first - c.start), 'gen_ai.request.model': 'gpt-4.1-mini' },
      });
    spans.push({
      id: id(),
      parent: turn,
      name: 'tts',
      scope: 'pipecat',
      from: sec(t.ttsStart),
      to: sec(t.ttsDone),
      attrs: { 'metrics.ttfb': sec(t.ttsFirst - t.ttsStart) },
    });
  }
  return request('python', spans, s2s ? '5250'.repeat(8) : 'ca5c'.repeat(8));
}

/**
 * The script as Pipecat with Gemini Live traces it: the service hears the caller's stop at the
 * end-of-turn decision (`e`: the user aggregator pushes UserStoppedSpeakingFrame then), the tool
 * call arrives as the script's tool starts, its result is sent as the tool ends.
 */
function pipecatGemini(status: 'success' | 'error' = 'success') {
  const id = ids('9e71');
  const conv = id();
  const model = {
    'gen_ai.provider.name': 'gcp.gemini',
    'gen_ai.request.model': 'gemini-2.5-flash-native-audio',
  };
  const spans: Span[] = [
    { id: conv, name: 'conversation', scope: 'pipecat.turn', from: 0, to: sec(SESSION_END) },
    { id: id(), parent: conv, name: 'llm_setup', scope: 'pipecat', from: 0.1, to: 0.2, attrs: model },
  ];
  for (const t of SCRIPT) {
    const turn = id();
    spans.push(
      pipecatTurnSpan(t, turn, conv),
      // The input transcription (traced_stt, L1920): its ttfb is the service's, it places nothing.
      {
        id: id(),
        parent: turn,
        name: 'stt',
        scope: 'pipecat',
        from: sec(t.onset),
        to: sec(t.a + 300),
        attrs: { is_final: true, 'metrics.ttfb': 0.62 },
      },
    );
    if (t.tool !== undefined)
      spans.push(
        {
          id: id(),
          parent: turn,
          name: 'llm_tool_call',
          scope: 'pipecat',
          from: sec(t.tool.start),
          to: sec(t.tool.start + 2),
          attrs: {
            ...model,
            'metrics.ttfb': sec(t.tool.start - t.e),
            'tool.function_name': t.tool.name,
            'tool.calls_count': 1,
          },
        },
        {
          id: id(),
          parent: turn,
          name: 'llm_tool_result',
          scope: 'pipecat',
          from: sec(t.tool.end),
          to: sec(t.tool.end + 3),
          // The running timer again: no output yet.
          attrs: {
            ...model,
            'metrics.ttfb': sec(t.tool.end - t.e),
            'tool.function_name': t.tool.name,
            'tool.result_status': status,
          },
        },
      );
    spans.push({
      id: id(),
      parent: turn,
      name: 'llm_response',
      scope: 'pipecat',
      from: sec(t.end),
      to: sec(t.end + 1),
      attrs: { ...model, 'metrics.ttfb': sec(t.ttsFirst - t.e) },
    });
  }
  return request('python', spans, '9e71'.repeat(8));
}

/** The turns a request comes to, sent as the SDK's 5 s batches (a tool-call reply and its answer apart). */
async function turnsOf(body: ReturnType<typeof request>) {
  const r = receiverApp();
  for (const batch of sdkBatches(body)) {
    const res = await r.post(JSON.stringify(batch), JSON_TYPE);
    expect(res.status).toBe(200);
  }
  const b = new TurnBreakdown();
  const turns = r.turns();
  return {
    turns,
    segments: turns.map((t) => segmentsByName(breakTurn(t, b))),
    heard: turns.map((t) => breakTurn(t, b).heardMs),
    interruptions: r.interruptions(),
    tools: r.events.filter((e): e is EventOf<'voiceai.tool_call'> => e.type === 'voiceai.tool_call'),
    amd: r.events.filter((e): e is EventOf<'voiceai.amd'> => e.type === 'voiceai.amd'),
  };
}

const within1ms = (got: Record<string, number>, want: Record<string, number>) => {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, v] of Object.entries(want)) expect(Math.abs((got[k] as number) - v)).toBeLessThan(1);
};

describe('one scripted conversation (plain turn, a tool call with two LLM calls, a barge-in), every emitter', () => {
  const want = SCRIPT.map(scripted);

  it('the script: 1,280 / 2,720 / 1,100 ms of heard silence, the tool turn split llm_ttft 400, tool 1,000, llm2_ttft 400', () => {
    expect(want.map((w) => Object.values(w).reduce((a, b) => a + b, 0))).toEqual([1280, 2720, 1100]);
    expect(want[1]).toEqual({
      stt: 310,
      endpointing: 290,
      llm_ttft: 400,
      tool: 1000,
      llm2_ttft: 400,
      tts_ttfb: 250,
      remainder: 70,
    });
  });

  it.each([
    ['LiveKit Agents (Python)', () => livekitCascaded('python')],
    ['LiveKit Agents (Node, agents-js)', () => livekitCascaded('nodejs')],
    ['Pipecat', () => pipecat(false)],
  ])("%s, cascaded: the script's segments within 1 ms, the tool and the second call in their own", async (_name, build) => {
    const got = await turnsOf(build());
    expect(got.turns.map((t) => t.turn)).toEqual([1, 2, 3]);
    got.segments.forEach((s, i) => {
      within1ms(s, want[i] as Record<string, number>);
    });
    expect(got.turns.map((t) => t.llmCalls)).toEqual([1, 2, 1]);
    expect(got.interruptions.filter((i) => i.kind === 'barge_in').map((i) => i.turn)).toEqual([3]);
  });

  it.each([
    'python',
    'nodejs',
  ] as const)('LiveKit Agents (%s): the tool call, the end-of-turn verdict and the interruption verdict, in their units', async (language) => {
    const got = await turnsOf(livekitCascaded(language));
    const tool = got.turns[1] as EventOf<'voiceai.turn'>;
    expect([tool.toolCalls, tool.toolErrors]).toEqual([1, 0]);
    for (const t of got.turns) {
      expect(t.eouProbability).toBe(EOU.probability);
      expect(t.eouEndpointingDelaySeconds).toBeCloseTo(0.5, 9);
      expect(t.eouDetectionDelaySeconds).toBeCloseTo(0.04, 9);
      expect(t.transcriptConfidence).toBe(0.97);
    }
    expect(got.tools).toEqual([
      expect.objectContaining({
        type: 'voiceai.tool_call',
        ok: true,
        tool: 'lookup_order',
        seconds: expect.closeTo(0.79, 6),
      }),
    ]);
    const cut = got.interruptions.find((i) => i.kind === 'barge_in');
    expect(cut?.probability).toBe(INTERRUPTION.probability);
    expect(cut?.detectionDelaySeconds).toBeCloseTo(0.12, 9);
  });

  it('realtime models (LiveKit Python, Pipecat speech-to-speech): the same heard silence, the answer after the tool placed alike; a stage one cannot place is joined, equal to the sum of the other', async () => {
    const lk = await turnsOf(livekitRealtime());
    const pc = await turnsOf(pipecat(true));
    expect(lk.heard.map(Math.round)).toEqual([1280, 2720, 1100]);
    expect(pc.heard.map(Math.round)).toEqual([1280, 2720, 1100]);
    // LiveKit realtime: the caller's stop -> the response created is endpointing; no stt or tts stage.
    within1ms(lk.segments[0] as Record<string, number>, {
      stt: 0,
      endpointing: 600,
      llm_ttft: 600,
      tts_ttfb: 0,
      remainder: 80,
    });
    // The tool-calling response sent no audio token: its first token is unknown, joined with the tool.
    within1ms(lk.segments[1] as Record<string, number>, {
      stt: 0,
      endpointing: 600,
      'llm_ttft+tool': 1400,
      llm2_ttft: 650,
      tts_ttfb: 0,
      remainder: 70,
    });
    // Pipecat's speech-to-speech spans do not place the caller's stop: stt, endpointing and the
    // remainder are one part, the same time as LiveKit's three.
    within1ms(pc.segments[0] as Record<string, number>, {
      'stt+endpointing+remainder': 680,
      llm_ttft: 600,
      tts_ttfb: 0,
    });
    within1ms(pc.segments[1] as Record<string, number>, {
      'stt+endpointing+remainder': 670,
      'llm_ttft+tool': 1400,
      llm2_ttft: 650,
      tts_ttfb: 0,
    });
    expect(lk.turns.map((t) => t.llmCalls)).toEqual([1, 2, 1]);
    expect(pc.turns.map((t) => t.llmCalls)).toEqual([1, 2, 1]);
    expect(lk.tools.map((t) => t.tool)).toEqual(['lookup_order']);
  });

  it('Pipecat with Gemini Live: the tool in its own segment (the call arrived -> its result sent), the answer after it placed; the rest joined, equal to the sum of the others', async () => {
    const g = await turnsOf(pipecatGemini());
    expect(g.turns.map((t) => t.turn)).toEqual([1, 2, 3]);
    expect(g.heard.map(Math.round)).toEqual([1280, 2720, 1100]);
    // No span places the caller's stop or, without a tool, the model's request: the whole, joined.
    within1ms(g.segments[0] as Record<string, number>, {
      'stt+endpointing+llm_ttft+tts_ttfb+remainder': 1280,
    });
    // The tool turn: the caller's stop at the service (the tool call's start - its running TTFB),
    // the model's call (llm_ttft 610 = the cascade's llm_ttft 400 + the 210 ms its first call
    // streamed on), the tool as it ran (790 ms), the answer's first output 650 ms after the result.
    within1ms(g.segments[1] as Record<string, number>, {
      'stt+endpointing+remainder': 670,
      llm_ttft: 610,
      tool: 790,
      llm2_ttft: 650,
      tts_ttfb: 0,
    });
    const tool = g.turns[1] as EventOf<'voiceai.turn'>;
    expect([tool.llmCalls, tool.toolCalls, tool.toolErrors]).toEqual([2, 1, 0]);
    expect(g.tools).toEqual([
      expect.objectContaining({
        type: 'voiceai.tool_call',
        ok: true,
        tool: 'lookup_order',
        seconds: expect.closeTo(0.79, 6),
      }),
    ]);
    const failed = await turnsOf(pipecatGemini('error'));
    expect((failed.turns[1] as EventOf<'voiceai.turn'>).toolErrors).toBe(1);
    expect(failed.tools.map((t) => t.ok)).toEqual([false]);
  });

  it('the answering machine: every LiveKit emitter (Python cascaded and realtime, agents-js) gives the same verdict, a person, 150 ms after the callee spoke, at the same instant; no transcript or reason; Pipecat traces no detection', async () => {
    const livekit = await Promise.all(
      [livekitCascaded('python'), livekitCascaded('nodejs'), livekitRealtime()].map(
        async (b) => (await turnsOf(b)).amd,
      ),
    );
    for (const amd of livekit) {
      expect(amd).toHaveLength(1);
      const [v] = amd as [EventOf<'voiceai.amd'>];
      // The script's spans name no call (no sidetone.call_id): the verdict, its delay and instant only.
      expect(Object.keys(v).sort()).toEqual(['category', 'delaySeconds', 'ts', 'type']);
      expect(v).toMatchObject({ type: 'voiceai.amd', ts: T0ms + AMD.verdict, category: AMD.category });
      expect(Math.abs((v.delaySeconds as number) * 1000 - (AMD.verdict - AMD.speechEnd))).toBeLessThan(1);
    }
    // Pipecat @ acead050: src/pipecat/extensions/voicemail opens no span (test/fixtures/voice/README.md).
    for (const b of [pipecat(false), pipecat(true), pipecatGemini()])
      expect((await turnsOf(b)).amd).toEqual([]);
  });

  it('Pipecat with Gemini Live, the model spoke before calling the tool: the tool is not in the silence, nothing is placed', async () => {
    const body = pipecatGemini();
    // The first output came before the call: the timer had stopped, so the call's TTFB is the reply's.
    for (const ss of body.resourceSpans[0]?.scopeSpans ?? [])
      for (const span of ss.spans as Array<{
        name: string;
        attributes: Array<{ key: string; value: unknown }>;
      }>)
        if (span.name === 'llm_tool_call' || span.name === 'llm_tool_result')
          for (const a of span.attributes) if (a.key === 'metrics.ttfb') a.value = { doubleValue: 2.05 };
    const g = await turnsOf(body);
    expect(g.heard.map(Math.round)).toEqual([1280, 2720, 1100]);
    within1ms(g.segments[1] as Record<string, number>, {
      'stt+endpointing+llm_ttft+tool+llm2_ttft+tts_ttfb+remainder': 2720,
    });
  });
});
