import { z } from 'zod';
import { USAGE_COMPONENTS } from '../../domain/cost.js';
import { STORE_LIMITS } from '../../domain/limits.js';
import { AMD_CATEGORIES, INTERRUPTION_KINDS } from '../../domain/vocab.js';
import { configName, count, event, seconds, storedId } from './base.js';

/**
 * Voice-agent conversation turns (docs/sources/voice-agents.md). A turn is reported with the instants its stages
 * happened, never with durations: sidetone derives every segment of the silence the caller hears
 * from them, the same way for every source (POST /events, the OTLP trace receiver, the clients).
 */

/** The latest instant a turn may carry: 2100-01-01 (a larger number is not a time in ms). */
const INSTANT_MAX = 4_102_444_800_000;
const INSTANT_MESSAGE = `expected epoch ms from 2000-01-01 to 2100-01-01 (${STORE_LIMITS.tsMin}..${INSTANT_MAX})`;

/** An instant in epoch milliseconds; fractions carry sub-millisecond precision. */
function instant(description: string) {
  return z
    .number()
    .min(STORE_LIMITS.tsMin, INSTANT_MESSAGE)
    .max(INSTANT_MAX, INSTANT_MESSAGE)
    .meta({ description: `${description} (epoch ms; fractions allowed)` });
}

const callId = storedId('Call identifier: the SIP Call-ID joins the turn to the phone leg of the call');
const turn = z
  .number()
  .int()
  .min(1)
  .max(1_000_000)
  .meta({ description: 'Turn number within the call, from 1 (logs and ordering; never a label)' });
const agent = configName('Agent name; a label only when listed in `labels.agents`');
/** A reply's LLM calls at most (LiveKit's max_tool_steps defaults to 3; a longer chain is not a voice reply). */
const LLM_CALLS_MAX = 64;
const TOOL_CALLS_MAX = 1024;

/** A probability, 0..1. */
function probability(description: string) {
  return z.number().min(0).max(1).meta({ description });
}

export const aiTurn = event(
  'voiceai.turn',
  'One conversational turn of a voice agent, as the instants its stages happened: the caller stops, the agent answers. Send it when the turn ends (the agent finished or was cut off); every instant is optional, and a missing one makes its stage unknown, never zero',
  {
    callId: callId.optional(),
    turn: turn.optional(),
    agent: agent.optional(),
    model: configName('LLM model name; a label only when listed in `labels.models`').optional(),
    userStartedAt: instant('The caller started speaking (VAD)').optional(),
    userStoppedAt: instant(
      'The caller stopped speaking (VAD; the end of speech, not when the VAD decided it): the heard silence starts here',
    ).optional(),
    sttFinalAt: instant('The final transcript of the utterance arrived').optional(),
    endOfTurnAt: instant(
      'The agent decided the caller had finished (end of utterance, endpointing)',
    ).optional(),
    llmStartedAt: instant('The LLM request was sent').optional(),
    llmFirstTokenAt: instant('The LLM streamed its first token').optional(),
    llmDoneAt: instant('The LLM completed its answer').optional(),
    llmCalls: z.number().int().min(1).max(LLM_CALLS_MAX).optional().meta({
      description:
        'LLM calls the reply took: 1, or one per round of tool calls plus the call whose words are spoken',
    }),
    toolCalls: z.number().int().min(0).max(TOOL_CALLS_MAX).optional().meta({
      description:
        "Tool (function) calls the reply's words waited on (run before its first LLM call that spoke): the tool stage",
    }),
    toolErrors: z
      .number()
      .int()
      .min(0)
      .max(TOOL_CALLS_MAX)
      .optional()
      .meta({ description: 'Of those, the ones that failed' }),
    toolsStartedAt: instant('The first tool call of the reply started').optional(),
    toolsDoneAt: instant(
      "The last tool call's result was ready: the tool stage ends here (with no tool span, the next LLM request)",
    ).optional(),
    lastLlmStartedAt: instant(
      'After tools: the request of the last LLM call, whose words are spoken',
    ).optional(),
    lastLlmFirstTokenAt: instant('After tools: the first token of the last LLM call').optional(),
    answerFirstTokenAt: instant(
      "The spoken call's first answer token, after the reasoning it streamed first (the end of Pipecat's TTFAT): the thinking stage ends here",
    ).optional(),
    eouProbability: probability(
      "The end-of-turn model's probability that the caller had finished (LiveKit `lk.eou.probability`)",
    ).optional(),
    eouEndpointingDelaySeconds: seconds(
      'The endpointing delay the agent waited after the speech ended, chosen from the probability',
    ).optional(),
    eouDetectionDelaySeconds: seconds(
      "The end-of-turn model's detection delay: its request -> its prediction",
    ).optional(),
    transcriptConfidence: probability(
      "The speech-to-text's mean confidence over the turn's final transcripts (LiveKit `lk.transcript_confidence`)",
    ).optional(),
    ttsStartedAt: instant('The first text was sent to speech synthesis').optional(),
    ttsFirstByteAt: instant('Speech synthesis returned its first audio').optional(),
    ttsFirstAudibleAt: instant(
      "Synthesis returned its first audible sample, after any leading silence (the end of Pipecat's TTFA)",
    ).optional(),
    agentStartedAt: instant(
      'The first agent audio was played to the caller: the heard silence ends here',
    ).optional(),
    agentStoppedAt: instant('The agent stopped speaking (finished, or cut off)').optional(),
    endedAt: instant(
      'The turn ended without agent audio: the caller spoke again or hung up (dead air when long)',
    ).optional(),
    reportedSilenceSeconds: seconds(
      "The caller's wait as the agent measured it; used only where userStoppedAt or agentStartedAt is missing",
    ).optional(),
  },
);

export const aiInterruption = event(
  'voiceai.interruption',
  'Caller and agent spoke at once, and what came of it (barge-in, talked over, false interruption, agent over the caller)',
  {
    callId: callId.optional(),
    turn: turn.optional(),
    agent: agent.optional(),
    kind: z.enum(INTERRUPTION_KINDS).meta({
      description:
        'barge_in: the caller spoke over the agent and it stopped; talked_over: the agent kept talking; false_interruption: the agent stopped, then resumed (a backchannel or noise); agent_over_caller: the agent started while the caller was still speaking',
    }),
    startedAt: instant('The overlapping speech began (default: ts)').optional(),
    endedAt: instant('The overlap ended: the agent stopped or resumed, or the caller stopped').optional(),
    probability: probability(
      "The interruption model's probability that the caller's speech was an interruption (LiveKit `lk.interruption.probability`)",
    ).optional(),
    detectionDelaySeconds: seconds(
      "The overlap's start -> the interruption model's verdict (LiveKit `lk.interruption.detection_delay`)",
    ).optional(),
  },
);

export const aiAmd = event(
  'voiceai.amd',
  "An answering-machine detector's verdict on who answered an outbound call (LiveKit Agents' `amd` span): no transcript",
  {
    callId: callId.optional(),
    agent: agent.optional(),
    category: z.enum(AMD_CATEGORIES).meta({
      description:
        'human; machine-ivr: an IVR menu; machine-vm: a voicemail greeting; machine-unavailable: a mailbox that takes no message; uncertain: no verdict in time',
    }),
    delaySeconds: seconds(
      "The end of the callee's speech -> the verdict: how long the caller side waited for it",
    ).optional(),
  },
);

export const aiUsage = event(
  'voiceai.usage',
  "What one request of a voice agent's provider used (an LLM call, a transcription, a synthesis), in the units it is billed in: priced from `voiceai.prices` into the call's cost. No text",
  {
    callId: callId.optional(),
    agent: agent.optional(),
    component: z.enum(USAGE_COMPONENTS).meta({
      description: 'The stage that used it: llm (speech-to-speech models too), stt or tts',
    }),
    provider: configName(
      'Provider as the framework names it (`openai`, `deepgram`); never a label',
    ).optional(),
    model: configName(
      'Model name; `other` when it is neither in `labels.models` nor priced in `voiceai.prices`',
    ).optional(),
    inputTokens: count('Input tokens, all kinds (cached and audio included)').optional(),
    cachedInputTokens: count('Of the input tokens, those read from the provider cache').optional(),
    inputAudioTokens: count('Of the input tokens, audio tokens (speech-to-speech models)').optional(),
    outputTokens: count('Output tokens, all kinds (reasoning and audio included)').optional(),
    reasoningTokens: count('Of the output tokens, reasoning (thinking) tokens').optional(),
    outputAudioTokens: count('Of the output tokens, audio tokens (speech-to-speech models)').optional(),
    audioSeconds: seconds('Audio transcribed, seconds').optional(),
    characters: count('Characters synthesized').optional(),
  },
);

export const voiceEvents = [aiTurn, aiInterruption, aiAmd, aiUsage] as const;
