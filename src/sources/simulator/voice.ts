import type { SidetoneEvent } from '../../events/types.js';
import type { ScenarioContext } from './context.js';

/** The demo's voice agents, each on its own LLM (the demo's `labels.agents` and `labels.models`). */
export const DEMO_AGENTS = ['support-bot', 'sales-bot'] as const;
export const DEMO_MODELS = ['gpt-4.1-mini', 'llama-3.1-8b'] as const;

/**
 * A healthy demo's model stalls (2.5-5 s before its first token) now and then, but one agent's never
 * twice within STALL_GAP_MS: at the default rate an agent takes ~37 turns in 5 minutes, so two stalls
 * in one window lifted its p95 heard silence over the shipped 3.5 s and fired SidetoneVoiceAgentSlow
 * in a scenario without a voice fault (the alerts e2e, the sms-delivery-stall demo). One stall in
 * 20 or more turns leaves the 95th percentile among the others.
 */
const STALL_GAP_MS = 15 * 60_000;
/** Per simulation and agent, the times of recent stalls (calls come in order of start; older pruned). */
const stalls = new WeakMap<ScenarioContext, Map<string, number[]>>();

function mayStall(c: ScenarioContext, agent: string, at: number): boolean {
  let byAgent = stalls.get(c);
  if (byAgent === undefined) {
    byAgent = new Map();
    stalls.set(c, byAgent);
  }
  // A call's turns run ahead of the next call's start: keep an hour either side of now.
  const times = (byAgent.get(agent) ?? []).filter((t) => Math.abs(t - at) < 4 * STALL_GAP_MS);
  byAgent.set(agent, times);
  if (times.some((t) => Math.abs(t - at) < STALL_GAP_MS)) return false;
  times.push(at);
  return true;
}

/**
 * The turns of one agent call, from the answer to the hang-up: the caller speaks, stops; the
 * transcript, the end-of-turn decision, the LLM's first token, the TTS's first byte and the
 * agent's first audio follow as a cascaded agent's do (stage times in the ranges agents report:
 * STT finalisation 150-450 ms, endpointing 20-350 ms, LLM time to first token 250 ms-1 s with an
 * occasional multi-second stall, TTS first byte 80-350 ms after the first sentence). Each turn is
 * reported when it ends, with the legacy first-byte events from the same instants, and the
 * interruptions it had: barge-ins, talked-over backchannels, false interruptions, and the agent
 * starting over the caller.
 */
export function agentConversation(callId: string, answerAt: number, endAt: number, c: ScenarioContext): void {
  const { rng, schedule } = c;
  const pick = rng.int(0, DEMO_AGENTS.length - 1);
  const agent = DEMO_AGENTS[pick] as string;
  const model = DEMO_MODELS[pick] as string;
  const ids = { callId, agent };
  let turn = 0;
  let spoke = rng.between(800, 4000);
  for (let stopped = answerAt + 500 + spoke; stopped < endAt - 2000; ) {
    turn++;
    const stt = stopped + rng.between(150, 450);
    const eot = stt + rng.between(20, 350);
    const llm = eot + rng.between(5, 30);
    // Now and then the model stalls for seconds: dead air in a healthy demo, rarely.
    const answer = rng.between(250, 1000);
    const stall = rng.chance(0.02) ? rng.between(2500, 5000) : 0;
    const first = llm + answer + (stall > 0 && mayStall(c, agent, llm) ? stall : 0);
    const tts = first + rng.between(50, 200);
    const byte = tts + rng.between(80, 350);
    const audio = byte + rng.between(5, 30);
    const kind = rng.weighted([
      [undefined, 77],
      ['barge_in', 12],
      ['talked_over', 5],
      ['false_interruption', 4],
      ['agent_over_caller', 2],
    ] as const);
    const talk = rng.between(1500, 8000);
    const onset = audio + talk * rng.between(0.2, 0.8);
    const stop = kind === 'barge_in' ? onset + rng.between(250, 600) : audio + talk;
    const end = Math.min(stop, endAt);
    const e: SidetoneEvent = {
      type: 'voiceai.turn',
      ...ids,
      turn,
      model,
      userStartedAt: stopped - spoke,
      userStoppedAt: stopped,
      sttFinalAt: stt,
      endOfTurnAt: eot,
      llmStartedAt: llm,
      llmFirstTokenAt: first,
      llmDoneAt: first + rng.between(300, 2000),
      ttsStartedAt: tts,
      ttsFirstByteAt: byte,
      ttsFirstAudibleAt: byte + rng.between(0, 60),
      agentStartedAt: audio,
      agentStoppedAt: end,
    };
    schedule.at(end, e);
    schedule.at(end, {
      type: 'voiceai.first_byte',
      stage: 'end_to_end',
      seconds: (audio - stopped) / 1000,
      callId,
    });
    schedule.at(end, { type: 'voiceai.first_byte', stage: 'llm', seconds: (first - llm) / 1000, callId });
    schedule.at(end, { type: 'voiceai.first_byte', stage: 'tts', seconds: (byte - tts) / 1000, callId });
    if (kind === 'agent_over_caller') {
      schedule.at(end, {
        type: 'voiceai.interruption',
        ...ids,
        turn,
        kind,
        startedAt: audio,
        endedAt: audio + 300,
      });
    } else if (kind !== undefined) {
      const over = kind === 'barge_in' ? stop : onset + rng.between(300, 900);
      schedule.at(end, { type: 'voiceai.interruption', ...ids, turn, kind, startedAt: onset, endedAt: over });
      if (kind === 'barge_in') schedule.at(end, { type: 'voiceai.barge_in', callId });
    }
    if (rng.chance(0.2))
      schedule.at(end, {
        type: 'voiceai.tool_call',
        ok: rng.chance(0.9),
        seconds: rng.between(0.1, 3),
        callId,
      });
    if (rng.chance(0.03))
      schedule.at(stt, { type: 'voiceai.asr_error', error: 'upstream timeout after 5000ms', callId });
    // The caller's next words: from their barge-in, or after a pause.
    const next = kind === 'barge_in' ? onset : end + rng.between(300, 3000);
    spoke = rng.between(800, 4000);
    stopped = next + spoke;
  }
}
