// Speech-to-speech models as the frameworks trace them (spans built here, per the code lines cited;
// timings invented, consistent):
// - Pipecat @ acead050 (OpenAI Realtime, src/pipecat/services/openai/realtime/llm.py): one span per
//   event handled, named by the operation (`traced_openai_realtime`,
//   utils/tracing/service_decorators.py L1412-1640), children of the turn span: `llm_request` when
//   the local turn detection asks for a response (L1175-1209, the TTFB timer starts there),
//   `llm_response` when response.done is handled (L998: at the reply's end), carrying the
//   service's `metrics.ttfb` (request -> first audio delta, L892-895); the input transcript's
//   `stt` span (`traced_stt`, L970) carries the same service's TTFB, not a transcription's.
//   With the server's turn detection there is no `llm_request` (the timer starts on speech_stopped,
//   L1123-1127, on no span).
// - LiveKit Agents @ da6af86 (realtime model): `agent_turn` under the session (agent_activity.py
//   L3853-3902) with `agent_speaking` under it, no llm_node/tts_node, no lk.e2e_latency;
//   `lk.realtime_model_metrics` on the agent_turn (telemetry/utils.py L56-94; or on a
//   `realtime_metrics` child once the turn had ended); `user_speaking` under the session, not a
//   user turn (L1989-2016: server VAD events update the user state with no turn context).
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { JSON_TYPE, receiverApp } from './helpers.js';
import { request, type Span, T0 } from './span-builder.js';

let n = 0;
const id = () => `a11ce${String(++n).padStart(11, '0')}`;

async function turnOf(body: unknown) {
  const r = receiverApp();
  const res = await r.post(JSON.stringify(body), JSON_TYPE);
  expect(res.status).toBe(200);
  const turns = r.turns();
  expect(turns.length).toBe(1);
  const t = turns[0] as EventOf<'voiceai.turn'>;
  const b = breakTurn(t, new TurnBreakdown());
  const rel = (x: number | undefined) => (x === undefined ? undefined : Math.round(x - T0 * 1000));
  return { t, rel, heard: b.heardMs, segments: segmentsByName(b) };
}

/** One Pipecat OpenAI Realtime turn: the caller talks 1.0-2.25 s, the reply plays 3.25-5.8 s. */
function pipecat(localTurnDetection: boolean) {
  const conv = id();
  const turn = id();
  const spans: Span[] = [
    { id: conv, name: 'conversation', scope: 'pipecat.turn', from: 0, to: 9 },
    {
      id: turn,
      parent: conv,
      name: 'turn',
      scope: 'pipecat.turn',
      from: 0.9,
      to: 8.3,
      attrs: {
        'turn.number': 1,
        'turn.user_bot_latency_seconds': 1.0,
        'turn.was_interrupted': false,
        'turn.duration_seconds': 4.9,
      },
    },
    // The input transcript, finalized during the reply; its ttfb is the model's (0.62 s).
    {
      id: id(),
      parent: turn,
      name: 'stt',
      scope: 'pipecat',
      from: 1.0,
      to: 3.4,
      attrs: { is_final: true, 'metrics.ttfb': 0.62 },
    },
    {
      id: id(),
      parent: turn,
      name: 'llm_response',
      scope: 'pipecat',
      from: 5.8,
      to: 5.801,
      attrs: { 'metrics.ttfb': 0.62, 'gen_ai.request.model': 'gpt-realtime' },
    },
  ];
  if (localTurnDetection)
    spans.push({ id: id(), parent: turn, name: 'llm_request', scope: 'pipecat', from: 2.6, to: 2.601 });
  return request('python', spans);
}

describe('Pipecat speech-to-speech (OpenAI Realtime)', () => {
  it('local turn detection: the model starts at llm_request and speaks ttfb later, not at llm_response (the reply end)', async () => {
    const { t, rel, heard, segments } = await turnOf(pipecat(true));
    expect(rel(t.llmStartedAt)).toBe(2600);
    expect(rel(t.endOfTurnAt)).toBe(2600);
    expect(rel(t.llmFirstTokenAt)).toBe(3220);
    expect(rel(t.ttsFirstByteAt)).toBe(3220);
    // The transcript's ttfb is the model's: it does not place the caller's stop.
    expect(t.userStoppedAt).toBeUndefined();
    expect(t.sttFinalAt).toBeUndefined();
    expect(heard).toBeCloseTo(1000, 6);
    expect(segments.llm_ttft).toBeCloseTo(620, 6);
    expect(segments.tts_ttfb).toBeCloseTo(0, 6);
    expect(Object.values(segments).reduce((a, b) => a + b, 0)).toBeCloseTo(1000, 6);
  });

  it("server turn detection (no llm_request): nothing is placed, the turn's latency is the whole", async () => {
    const { t, heard, segments } = await turnOf(pipecat(false));
    expect(t.llmStartedAt).toBeUndefined();
    expect(t.llmFirstTokenAt).toBeUndefined();
    expect(t.endOfTurnAt).toBeUndefined();
    expect(heard).toBeCloseTo(1000, 6);
    expect(Object.keys(segments)).toEqual(['stt+endpointing+llm_ttft+tts_ttfb+remainder']);
  });
});

/** One LiveKit realtime reply: the caller speaks 1.0-2.9 s, the model's response is created at 3.05 s. */
function livekit(language: 'python' | 'nodejs', onChild: boolean) {
  const session = id();
  const reply = id();
  const metrics =
    language === 'python'
      ? // metrics/base.py RealtimeModelMetrics (pydantic, seconds)
        JSON.stringify({
          type: 'realtime_model_metrics',
          label: 'livekit.plugins.openai.realtime.realtime_model.RealtimeModel',
          request_id: 'resp_C2x',
          timestamp: T0 + 3.05,
          duration: 3.1,
          ttft: 0.48,
          cancelled: false,
          input_tokens: 310,
          output_tokens: 220,
        })
      : // agents-js metrics/base.ts RealtimeModelMetrics (ms; realtime_model.ts L1998-2005)
        JSON.stringify({
          type: 'realtime_model_metrics',
          timestamp: T0 * 1000 + 3050,
          requestId: 'resp_C2x',
          ttftMs: 480,
          durationMs: 3100,
          cancelled: false,
        });
  const attrs = { 'lk.realtime_model_metrics': metrics, 'gen_ai.request.model': 'gpt-realtime' };
  const spans: Span[] = [
    { id: session, name: 'agent_session', scope: 'livekit-agents', from: 0, to: 10 },
    { id: id(), parent: session, name: 'user_speaking', scope: 'livekit-agents', from: 1.0, to: 2.9 },
    {
      id: reply,
      parent: session,
      name: 'agent_turn',
      scope: 'livekit-agents',
      from: 3.06,
      to: 7.0,
      attrs: { 'lk.interrupted': false, ...(onChild ? {} : attrs) },
    },
    { id: id(), parent: reply, name: 'agent_speaking', scope: 'livekit-agents', from: 3.6, to: 6.9 },
  ];
  if (onChild)
    spans.push({
      id: id(),
      parent: reply,
      name: 'realtime_metrics',
      scope: 'livekit-agents',
      from: 7.2,
      to: 7.2,
      attrs,
    });
  return request(language, spans);
}

describe('LiveKit realtime models', () => {
  it.each([
    ['python', false],
    ['python', true],
    ['nodejs', false],
  ] as const)('%s (metrics on a child: %s): created 3.05 s, first audio +0.48 s, played 3.60 s: endpointing 150, llm_ttft 480, remainder 70 ms', async (language, onChild) => {
    const { t, rel, heard, segments } = await turnOf(livekit(language, onChild));
    expect(rel(t.userStoppedAt)).toBe(2900);
    expect(rel(t.endOfTurnAt)).toBe(3050);
    expect(rel(t.llmFirstTokenAt)).toBe(3530);
    expect(heard).toBeCloseTo(700, 6);
    expect(segments.stt).toBeCloseTo(0, 6);
    expect(segments.endpointing).toBeCloseTo(150, 6);
    expect(segments.llm_ttft).toBeCloseTo(480, 6);
    expect(segments.tts_ttfb).toBeCloseTo(0, 6);
    expect(segments.remainder).toBeCloseTo(70, 6);
  });
});
