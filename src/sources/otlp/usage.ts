/**
 * What a provider request used, read from the span that made it, for the call's cost
 * (src/domain/cost.ts prices it). Every framework's span is read the same way, by its attributes:
 *
 * - OpenTelemetry GenAI (`gen_ai.usage.input_tokens`, `output_tokens`, the cache and reasoning
 *   counts): Pipecat's `llm` span (pipecat-ai/pipecat @ acead050
 *   src/pipecat/utils/tracing/service_decorators.py `_add_token_usage_to_span`: prompt ->
 *   input_tokens, completion -> output_tokens, `cache_read_input_tokens`, reasoning as
 *   `gen_ai.usage.reasoning.output_tokens`, audio in and out as `gen_ai.usage.audio.*`; Gemini
 *   Live's `llm_response` `gen_ai.usage.reasoning_tokens`, L1310-1345) and
 *   LiveKit's `llm_request` (livekit/agents @ da6af86 voice/generation.py, beside `lk.llm_metrics`).
 * - Pipecat's `stt` span `metrics.audio_seconds` (the audio the service was sent) and `tts` span
 *   `metrics.character_count` (`len(text)`, service_decorators.py `traced_tts`).
 * - LiveKit's JSON metrics: `lk.llm_metrics` (LLMMetrics `prompt_tokens`, `completion_tokens`,
 *   `prompt_cached_tokens`; agents-js the camelCase names, agents/src/metrics/base.ts), when the
 *   span has no GenAI counts (the same request is never counted twice); `lk.tts_metrics`
 *   `characters_count` / `charactersCount`; a realtime model's `lk.realtime_model_metrics`
 *   (`input_tokens`, `output_tokens`, `input_token_details.{audio,cached}_tokens`,
 *   `output_token_details.audio_tokens`). LiveKit puts no transcription usage on a span at
 *   da6af86 (`STTMetrics` is emitted as an event only): its STT is not costed.
 *
 * The provider is `gen_ai.provider.name` (GenAI conventions 1.37), else the older `gen_ai.system`,
 * else the metrics' metadata; the model `gen_ai.request.model`, else the metadata.
 */
import type { UsageComponent } from '../../domain/cost.js';
import type { AttrValue, SpanFacts } from './spans.js';
import { LLM_METRICS, REALTIME_METRICS, TTS_METRICS } from './usage-keys.js';

/** One request's usage as the `voiceai.usage` event carries it (camelCase units). */
export interface SpanUsage {
  component: UsageComponent;
  provider: string | undefined;
  model: string | undefined;
  inputTokens?: number;
  cachedInputTokens?: number;
  inputAudioTokens?: number;
  outputTokens?: number;
  reasoningTokens?: number;
  outputAudioTokens?: number;
  audioSeconds?: number;
  characters?: number;
}

/** A count as an event may carry it: a whole number from 0 to 2^32-1 (a bad one is not read). */
function count(attrs: Readonly<Record<string, AttrValue>>, ...keys: string[]): number | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 4_294_967_295) return v;
  }
  return undefined;
}

function text(attrs: Readonly<Record<string, AttrValue>>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = attrs[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** Set the defined amounts on `u`; true when any was. */
function put(u: SpanUsage, amounts: Omit<SpanUsage, 'component' | 'provider' | 'model'>): boolean {
  let any = false;
  for (const [k, v] of Object.entries(amounts))
    if (v !== undefined) {
      (u as unknown as Record<string, number>)[k] = v;
      any = true;
    }
  return any;
}

const meta = (json: string) => [
  `${json}.metadata.model_name`,
  `${json}.metadata.modelName`,
  `${json}.metadata.model_provider`,
  `${json}.metadata.modelProvider`,
];

/**
 * The usage a span reports, or undefined when it reports none. One component per span: a span is
 * one request (an LLM call, a transcription, a synthesis).
 * @example readUsage(llmSpan) // { component: 'llm', provider: 'openai', model: 'gpt-4.1-mini', inputTokens: 812, outputTokens: 41 }
 */
export function readUsage(span: SpanFacts): SpanUsage | undefined {
  const a = span.attrs;
  const names = (json: string | undefined) => {
    const [name, nameJs, provider, providerJs] = json === undefined ? [] : meta(json);
    return {
      provider: text(a, 'gen_ai.provider.name', 'gen_ai.system', ...(json ? [provider!, providerJs!] : [])),
      model: text(a, 'gen_ai.request.model', ...(json ? [name!, nameJs!] : [])),
    };
  };
  // Tokens: GenAI first, else LiveKit's LLM metrics, else a realtime model's.
  const genai: Omit<SpanUsage, 'component' | 'provider' | 'model'> = {
    inputTokens: count(a, 'gen_ai.usage.input_tokens'),
    outputTokens: count(a, 'gen_ai.usage.output_tokens'),
    cachedInputTokens: count(
      a,
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_read_input_tokens',
      `${LLM_METRICS}.prompt_cached_tokens`,
      `${LLM_METRICS}.promptCachedTokens`,
    ),
    reasoningTokens: count(a, 'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.reasoning.output_tokens'),
    outputAudioTokens: count(a, 'gen_ai.usage.audio.output_tokens'),
  };
  // Audio input tokens as the domain nests them: of the input, not cached (cached ones, audio or
  // not, are `cachedInputTokens` already, and priced as cached).
  const audioIn = count(a, 'gen_ai.usage.audio.input_tokens');
  if (audioIn !== undefined)
    genai.inputAudioTokens = Math.max(
      0,
      audioIn - (count(a, 'gen_ai.usage.audio.cache_read.input_tokens') ?? 0),
    );
  if (genai.inputTokens !== undefined || genai.outputTokens !== undefined) {
    const u: SpanUsage = { component: 'llm', ...names(LLM_METRICS) };
    put(u, genai);
    return u;
  }
  const lk: Omit<SpanUsage, 'component' | 'provider' | 'model'> = {
    inputTokens: count(a, `${LLM_METRICS}.prompt_tokens`, `${LLM_METRICS}.promptTokens`),
    outputTokens: count(a, `${LLM_METRICS}.completion_tokens`, `${LLM_METRICS}.completionTokens`),
    cachedInputTokens: genai.cachedInputTokens,
  };
  if (lk.inputTokens !== undefined || lk.outputTokens !== undefined) {
    const u: SpanUsage = { component: 'llm', ...names(LLM_METRICS) };
    put(u, lk);
    return u;
  }
  const r = REALTIME_METRICS;
  const realtime: Omit<SpanUsage, 'component' | 'provider' | 'model'> = {
    inputTokens: count(a, `${r}.input_tokens`, `${r}.inputTokens`),
    outputTokens: count(a, `${r}.output_tokens`, `${r}.outputTokens`),
    cachedInputTokens: count(
      a,
      `${r}.input_token_details.cached_tokens`,
      `${r}.inputTokenDetails.cachedTokens`,
    ),
    inputAudioTokens: count(a, `${r}.input_token_details.audio_tokens`, `${r}.inputTokenDetails.audioTokens`),
    outputAudioTokens: count(
      a,
      `${r}.output_token_details.audio_tokens`,
      `${r}.outputTokenDetails.audioTokens`,
    ),
  };
  if (realtime.inputTokens !== undefined || realtime.outputTokens !== undefined) {
    const u: SpanUsage = { component: 'llm', ...names(r) };
    put(u, realtime);
    return u;
  }
  const characters = count(
    a,
    'metrics.character_count',
    `${TTS_METRICS}.characters_count`,
    `${TTS_METRICS}.charactersCount`,
  );
  if (characters !== undefined) return { component: 'tts', ...names(TTS_METRICS), characters };
  const audio = a['metrics.audio_seconds'];
  if (typeof audio === 'number' && audio >= 0 && audio <= 604_800)
    return { component: 'stt', ...names(undefined), audioSeconds: audio };
  return undefined;
}
