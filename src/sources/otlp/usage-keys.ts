/**
 * The span attributes read for what a provider request used (./usage.ts reads them; ./spans.ts
 * allow-lists them): apart, so that the allow-list and the reader import no cycle.
 */
/** LiveKit's JSON metrics attributes (spans.ts keeps their numbers). */
export const LLM_METRICS = 'lk.llm_metrics';
export const TTS_METRICS = 'lk.tts_metrics';
export const REALTIME_METRICS = 'lk.realtime_model_metrics';

/** The GenAI and Pipecat numbers read for usage (spans.ts allow-lists them). */
export const USAGE_NUMBERS = [
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  // Pipecat's names (service_decorators.py), and the GenAI conventions' (1.37+).
  'gen_ai.usage.cache_read_input_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.usage.reasoning_tokens',
  // Pipecat's LLM spans (service_decorators.py `_add_token_usage_to_span` L192-209): reasoning, and
  // audio in and out (Gemini Live and OpenAI Realtime; L1326-1345 for Gemini Live's `llm_response`).
  'gen_ai.usage.reasoning.output_tokens',
  'gen_ai.usage.audio.input_tokens',
  'gen_ai.usage.audio.output_tokens',
  'gen_ai.usage.audio.cache_read.input_tokens',
  'metrics.audio_seconds',
  'metrics.character_count',
] as const;
/** Provider names: short strings, kept only to be looked up in the price file. */
export const USAGE_STRINGS = ['gen_ai.provider.name', 'gen_ai.system'] as const;
/** The fields of LiveKit's JSON metrics read for usage, Python's then agents-js's names. */
export const USAGE_JSON = {
  [LLM_METRICS]: [
    'prompt_tokens',
    'completion_tokens',
    'prompt_cached_tokens',
    'promptTokens',
    'completionTokens',
    'promptCachedTokens',
    'metadata.model_name',
    'metadata.model_provider',
    'metadata.modelName',
    'metadata.modelProvider',
  ],
  [TTS_METRICS]: [
    'characters_count',
    'charactersCount',
    'metadata.model_name',
    'metadata.model_provider',
    'metadata.modelName',
    'metadata.modelProvider',
  ],
  [REALTIME_METRICS]: [
    'input_tokens',
    'output_tokens',
    'input_token_details.audio_tokens',
    'input_token_details.cached_tokens',
    'output_token_details.audio_tokens',
    'inputTokens',
    'outputTokens',
    'inputTokenDetails.audioTokens',
    'inputTokenDetails.cachedTokens',
    'outputTokenDetails.audioTokens',
    'metadata.model_name',
    'metadata.model_provider',
    'metadata.modelName',
    'metadata.modelProvider',
  ],
} as const;
