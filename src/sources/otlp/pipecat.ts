import {
  children,
  type Framework,
  flag,
  identity,
  type MapContext,
  num,
  turnEvent,
  withDetails,
} from './framework.js';
import type { SpanFacts } from './spans.js';
import type { TraceState } from './traces.js';

/**
 * Pipecat (pipecat-ai/pipecat @ acead0507d7de44e216d24533964106ca1d1d044, BSD-2-Clause): one trace
 * per conversation; a `turn` span (scope `pipecat.turn`) per user utterance and bot reply, with the
 * `stt`, `llm` and `tts` service spans (scope `pipecat`) as its children. Older releases named the
 * services `stt_<class>`, `llm_<class>`, `tts_<class>` (before v0.0.68). A turn is complete when its
 * `turn` span arrives: its children end, and are exported, before it.
 *
 * Instants (src/pipecat/utils/tracing/service_decorators.py, services/stt_service.py, observers/):
 * - caller stopped U = stt.end - stt `metrics.ttfb` (STT TTFB runs from the VAD's end of speech to
 *   the finalized transcript), only when the transcript was finalized (`is_final`); with
 *   `stt.incomplete` the span closed on UserStoppedSpeakingFrame: that is the end-of-turn instant,
 *   and U is unknown;
 * - end of turn: not exported otherwise; the LLM request start closes endpointing (it then holds
 *   the aggregator -> LLM hop, typically < 30 ms);
 * - LLM first token = llm.start + `metrics.ttfb`; TTS first byte = tts.start + `metrics.ttfb`;
 * - the caller's wait = `turn.user_bot_latency_seconds` (UserBotLatencyObserver: VAD stop ->
 *   BotStartedSpeakingFrame), so A = U + it, or the whole alone when U is unknown.
 * - several LLM calls in a turn (a tool call, then the answer from its result: one `llm` span per
 *   `_process_context`, service_decorators.py `traced_llm`): the first call's first token closes
 *   `llm_ttft`; Pipecat traces no tool span, so the tools run between the end of one call and the
 *   start of the next: the last call's start closes `tool`, its first token `llm2_ttft`.
 * Pipecat's "TTFA" (TTFAMetricsData) is a TTS metric, TTS request -> first audible sample, and is
 * not on any span: the whole here is the heard silence.
 */
const service = (prefix: string) => (n: string) => n === prefix || n.startsWith(`${prefix}_`);
/**
 * A speech-to-speech model's operations (OpenAI Realtime, Gemini Live: one span per event handled,
 * utils/tracing/service_decorators.py `traced_openai_realtime` L1412-1640, `traced_gemini_live`):
 * not LLM calls of a cascade. `llm_response` is the handler of the reply's end (response.done,
 * turn_complete), so it starts when the reply has been generated, not when the model started.
 */
const REALTIME = new Set(['llm_setup', 'llm_request', 'llm_response', 'llm_tool_call', 'llm_tool_result']);
const STT = service('stt');
const isLlm = service('llm');
const LLM = (n: string) => isLlm(n) && !REALTIME.has(n);
const TTS = service('tts');
/** The turn observer's timer: a turn ends 2.5 s after the bot stopped if the user says nothing. */
const TURN_END_TIMEOUT_MS = 2500;

export const pipecat: Framework = {
  name: 'pipecat',
  keeps: (s) => s.name === 'turn' || STT(s.name) || isLlm(s.name) || TTS(s.name),
  isRoot: (s) => s.name === 'conversation' && s.parent === '',
  // `conversation.id` is on the `turn` and `conversation` spans only, `additional_span_attributes`
  // on the `conversation` span only (utils/tracing/turn_trace_observer.py L137-144, L203-205): the
  // `llm`, `stt` and `tts` children that carry usage end, and are exported, before either.
  callIdLater: true,
  collect(state, ctx) {
    const turns = [...state.spans.values()]
      .filter((s) => s.name === 'turn')
      .sort((a, b) => a.start - b.start);
    for (const turn of turns) {
      const kids = children(state, turn.id);
      // The utterance's end: the last transcript of the turn (a caller who paused and went on is
      // measured from their last stop, as the latency observer does).
      const stt = kids
        .filter((k) => STT(k.name))
        .sort((a, b) => a.end - b.end)
        .at(-1);
      const calls = kids.filter((k) => LLM(k.name));
      const llm = calls[0];
      const answer = calls.length > 1 ? calls.at(-1) : undefined;
      const tts = kids.find((k) => TTS(k.name));
      const s2s = speechToSpeech(kids);
      let u: number | undefined;
      let sttFinal: number | undefined;
      let eot: number | undefined;
      if (s2s !== undefined) eot = s2s.requested;
      else if (flag(stt, 'stt.incomplete')) eot = stt?.end;
      else if (stt !== undefined && flag(stt, 'is_final') && num(stt, 'metrics.ttfb') !== undefined) {
        sttFinal = stt.end;
        u = stt.end - (num(stt, 'metrics.ttfb') as number) * 1000;
      }
      eot ??= llm?.start;
      const latency = num(turn, 'turn.user_bot_latency_seconds');
      const interrupted = flag(turn, 'turn.was_interrupted') && !flag(turn, 'turn.ended_by_conversation_end');
      const a = u !== undefined && latency !== undefined ? u + latency * 1000 : undefined;
      const ms = (s: SpanFacts | undefined) =>
        s === undefined || num(s, 'metrics.ttfb') === undefined
          ? undefined
          : s.start + (num(s, 'metrics.ttfb') as number) * 1000;
      const n = num(turn, 'turn.number');
      const llmCalls = s2s !== undefined ? s2s.calls : calls.length;
      ctx.turn(
        withDetails(
          turnEvent(
            {
              type: 'voiceai.turn',
              ts: turn.end,
              ...identity(state, ctx, turn, llm?.attrs['gen_ai.request.model']),
              ...(n !== undefined && Number.isInteger(n) && n >= 1 && n <= 1_000_000 && { turn: n }),
            },
            {
              userStartedAt: stt?.start,
              userStoppedAt: u,
              sttFinalAt: sttFinal,
              endOfTurnAt: eot,
              llmStartedAt: s2s !== undefined ? s2s.requested : llm?.start,
              llmFirstTokenAt: s2s !== undefined ? s2s.firstToken : ms(llm),
              llmDoneAt: s2s !== undefined ? undefined : (answer ?? llm)?.end,
              toolsStartedAt:
                s2s !== undefined ? s2s.toolsStartedAt : answer !== undefined ? llm?.end : undefined,
              toolsDoneAt: s2s !== undefined ? s2s.toolsDoneAt : answer?.start,
              lastLlmStartedAt: s2s !== undefined ? s2s.answerRequested : answer?.start,
              lastLlmFirstTokenAt: s2s !== undefined ? s2s.answerFirstAudio : ms(answer),
              ttsStartedAt: tts?.start,
              ttsFirstByteAt: s2s !== undefined ? s2s.firstAudio : ms(tts),
              agentStartedAt: a,
              agentStoppedAt: interrupted ? turn.end : agentStopped(turn),
              // The whole only where an end is missing (the event's rule): with both, A - U is it.
              reportedSilenceSeconds: a === undefined ? latency : undefined,
              endedAt: latency === undefined ? turn.end : undefined,
            },
          ),
          {
            ...(llmCalls > 0 && { llmCalls }),
            ...(s2s?.tools !== undefined && { toolCalls: s2s.tools.length, toolErrors: s2s.toolErrors }),
          },
        ),
      );
      for (const t of s2s?.tools ?? []) geminiToolCall(state, ctx, t);
      state.turns++;
      // A barge-in: the turn was cut by the caller after the bot had started speaking (with no
      // bot audio yet, the reply was only cancelled). The caller's onset is the next turn's stt
      // start, which arrives later with that turn: the cut instant is what is known now.
      if (interrupted && latency !== undefined) {
        ctx.interruption({
          type: 'voiceai.interruption',
          ts: turn.end,
          kind: 'barge_in',
          ...identity(state, ctx, turn, undefined),
          ...(n !== undefined && Number.isInteger(n) && n >= 1 && n <= 1_000_000 && { turn: n }),
          endedAt: turn.end,
        });
      }
      ctx.table.release(state, [turn.id, ...kids.map((k) => k.id)]);
    }
  },
};

/** A speech-to-speech turn's instants: its first request and audio, and its tool round's answer. */
interface SpeechToSpeech {
  requested: number | undefined;
  /** The first model call's first output, when it was audio (a call that asked for tools is not). */
  firstToken: number | undefined;
  /** The first audio of the reply: the first call's, or the answer's after tools. */
  firstAudio: number | undefined;
  calls: number;
  toolsStartedAt?: number | undefined;
  toolsDoneAt?: number | undefined;
  answerRequested?: number | undefined;
  answerFirstAudio?: number | undefined;
  /** Gemini Live's tool results (`llm_tool_result`), each with the call that asked for it. */
  tools?: Array<{ call: SpanFacts | undefined; result: SpanFacts }>;
  toolErrors?: number;
}

/**
 * A speech-to-speech turn's instants, or undefined for a cascade. The model's TTFB (the service's
 * `metrics.ttfb`, on its `llm_response`) runs from the request it was sent (`llm_request`, started
 * on local turn detection: openai/realtime/llm.py L1175-1209) to its first audio delta (L892-895);
 * with the server's turn detection there is no request, and the timer starts on the server's
 * speech_stopped (L1123-1127), which no span carries: then nothing is placed, the turn's latency
 * is the whole. The `stt` span of such a turn is the model's input transcript, whose
 * `metrics.ttfb` is the same service's (the model's), not a transcription's: it places nothing.
 * One model hears and speaks: its first audio is both the first token and the first audio byte.
 */
function speechToSpeech(kids: readonly SpanFacts[]): SpeechToSpeech | undefined {
  if (!kids.some((k) => REALTIME.has(k.name))) return undefined;
  const requests = kids.filter((k) => k.name === 'llm_request');
  const responses = kids.filter((k) => k.name === 'llm_response');
  if (kids.some((k) => k.name === 'llm_tool_call' || k.name === 'llm_tool_result'))
    return geminiTools(kids, responses);
  const audio = (request: SpanFacts | undefined, response: SpanFacts | undefined) => {
    const ttfb = num(response, 'metrics.ttfb');
    return request !== undefined && ttfb !== undefined && ttfb >= 0 ? request.start + ttfb * 1000 : undefined;
  };
  const first = responses[0];
  const last = responses.at(-1);
  if (first === undefined || last === undefined || first === last) {
    const request = requests[0];
    const response = responses.find((k) => request === undefined || k.start >= request.start);
    const firstAudio = audio(request, response);
    return { requested: request?.start, firstToken: firstAudio, firstAudio, calls: 1 };
  }
  // Tool rounds: each response is a model call; the tools' results were sent, and the answer
  // requested (`llm_request`, openai/realtime/llm.py L1216-1280 -> L1175-1209), after the first
  // response was handled. The answer's TTFB runs from that request.
  const requested = requests[0] !== undefined && requests[0].start <= first.start ? requests[0] : undefined;
  const answer = requests.filter((r) => r.start >= first.start).at(-1);
  const answerAudio = audio(answer, last);
  return {
    requested: requested?.start,
    // The first call answered with a function call, not audio: no span places its first token.
    firstToken: undefined,
    firstAudio: answerAudio,
    calls: responses.length,
    toolsDoneAt: answer?.start,
    answerRequested: answer?.start,
    answerFirstAudio: answerAudio,
  };
}

/**
 * A Gemini Live turn that called tools (the only Pipecat service tracing `llm_tool_call` and
 * `llm_tool_result`: `traced_gemini_live`, utils/tracing/service_decorators.py L1122-1410;
 * services/google/gemini_live/llm.py). No span is the model's request: its TTFB timer starts when
 * the caller's stop reaches the service (`_handle_user_stopped_speaking`, llm.py L817-820) and stops
 * at the first `model_turn` part (L1779-1788), of any kind. Every traced span records the timer as
 * it is when the span starts (`metrics.ttfb`, service_decorators.py L1391-1394; the running value
 * while it runs, processors/metrics/frame_processor_metrics.py L67-81), so:
 *
 * - the `llm_tool_call` span starts when the model's tool call arrives (L1859-1887: the functions
 *   are started, not awaited); its `metrics.ttfb` T is the running time since the caller's stop
 *   when nothing was output before it, and the last measured one (the same as the reply's) when
 *   something was;
 * - `llm_tool_result` starts when a function's result is sent back (L1719-1751), the tool's end;
 * - `llm_response` (turn_complete, L1889) carries the reply's TTFB F, stopped at its first output.
 *
 * So when T < F the tools ran before the first output, and the caller's stop (the model's
 * request) is the tool call's start - T, the first output that stop + F: llm_ttft runs to the tool
 * call, tool to the last result sent, llm2_ttft to the first output. When T = F the model spoke (or
 * thought) before calling: the tools are not in the silence and nothing is placed. With thinking
 * on, the first output is a thought (L1779-1800: TTFB stops on any part), not audio; no span tells.
 */
function geminiTools(kids: readonly SpanFacts[], responses: readonly SpanFacts[]): SpeechToSpeech {
  const calls = kids.filter((k) => k.name === 'llm_tool_call');
  const results = kids.filter((k) => k.name === 'llm_tool_result');
  const tools = results.map((result) => ({
    call: calls.filter((c) => c.start <= result.start).at(-1),
    result,
  }));
  const toolErrors = results.filter((r) => r.attrs['tool.result_status'] === 'error').length;
  const counts = { calls: calls.length + 1, tools, toolErrors };
  const first = calls[0];
  const t = num(first, 'metrics.ttfb');
  const f = num(responses.at(-1), 'metrics.ttfb');
  if (first === undefined || t === undefined || f === undefined || !(t >= 0 && f > t))
    return { requested: undefined, firstToken: undefined, firstAudio: undefined, ...counts };
  const stopped = first.start - t * 1000;
  const firstAudio = stopped + f * 1000;
  const done = results.at(-1)?.start;
  return {
    requested: stopped,
    // The model's first output was the call itself.
    firstToken: first.start,
    firstAudio,
    toolsStartedAt: first.start,
    toolsDoneAt: done,
    answerRequested: done,
    answerFirstAudio: firstAudio,
    ...counts,
  };
}

/**
 * A Gemini Live tool call as `voiceai.tool_call`: the call's arrival -> its result sent back, its
 * function's name (logs only). A result without its call's span in the turn has no duration: none.
 */
function geminiToolCall(
  state: TraceState,
  ctx: MapContext,
  { call, result }: { call: SpanFacts | undefined; result: SpanFacts },
): void {
  if (call === undefined) return;
  const name = result.attrs['tool.function_name'];
  ctx.toolCall({
    type: 'voiceai.tool_call',
    ts: result.start,
    ok: result.attrs['tool.result_status'] !== 'error',
    seconds: Math.max(0, result.start - call.start) / 1000,
    ...(typeof name === 'string' && name.length <= 64 && { tool: name }),
    ...(state.callId !== undefined && { callId: state.callId }),
  });
}

/**
 * When the bot stopped, where the span says: a turn ended by the 2.5 s timer has
 * `turn.duration_seconds` up to BotStoppedSpeakingFrame (frame clock), 2.5 s short of the span;
 * a turn ended by the caller speaking again (within the 2.5 s) does not say.
 */
function agentStopped(turn: SpanFacts): number | undefined {
  const d = num(turn, 'turn.duration_seconds');
  if (d === undefined) return undefined;
  const stopped = turn.start + d * 1000;
  return turn.end - stopped >= TURN_END_TIMEOUT_MS - 500 ? stopped : undefined;
}
