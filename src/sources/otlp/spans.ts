/**
 * What the OTLP trace receiver keeps of a span: ids, name, times and the few attributes the turn
 * rules read (the allow-list below). Every other attribute, the events and the links are skipped
 * while decoding (protobuf) or dropped with the parsed body (JSON): transcripts, prompts, LLM input
 * and output, TTS text, room names and participant identities (which carry the caller's number)
 * never become a value sidetone holds. Keys and what they mean: pipecat-ai/pipecat @ acead050
 * (src/pipecat/utils/tracing) and livekit/agents @ da6af86a (telemetry/trace_types.py); see
 * docs/sources/voice-agents.md and test/fixtures/voice/.
 */

import {
  LLM_METRICS as LLM,
  REALTIME_METRICS as REALTIME,
  TTS_METRICS as TTS,
  USAGE_JSON,
  USAGE_NUMBERS,
  USAGE_STRINGS,
} from './usage-keys.js';

/** A value the allow-list keeps: numbers and flags, and short strings that are not PII. */
export type AttrValue = number | boolean | string;

/** Attributes read as numbers (int or double on the wire). */
const NUMBERS = [
  // Pipecat: the turn span and the services' time to first byte (seconds).
  'turn.number',
  'turn.user_bot_latency_seconds',
  'turn.duration_seconds',
  'metrics.ttfb',
  // LiveKit Agents: user turn, agent turn, LLM node (units by emitter: units.ts).
  'lk.transcription_delay',
  'lk.e2e_latency',
  'lk.response.ttft',
  // LiveKit answering-machine detection: speech end -> verdict (units by emitter: units.ts).
  'lk.amd.delay',
  // What a request used, for its cost (usage.ts).
  ...USAGE_NUMBERS,
  // LiveKit end-of-turn detection (`eou_detection` under the user turn, telemetry/trace_types.py
  // L65-75): the model's probability, the endpointing delay chosen, the detection delay; the
  // transcript's mean confidence on the user turn (L70).
  'lk.eou.probability',
  'lk.eou.endpointing_delay',
  'lk.eou.detection_delay',
  'lk.transcript_confidence',
  // LiveKit adaptive interruption on the caller's `user_speaking` (trace_types.py L127-130).
  'lk.interruption.probability',
  'lk.interruption.detection_delay',
  // Pipecat's Gemini Live tool call: how many functions the model called in it
  // (utils/tracing/service_decorators.py L1268-1271, `traced_gemini_live` llm_tool_call).
  'tool.calls_count',
] as const;
/** Attributes read as booleans. */
const FLAGS = [
  'turn.was_interrupted',
  'turn.ended_by_conversation_end',
  'is_final',
  'stt.incomplete',
  'tts.interrupted',
  'lk.interrupted',
  // A LiveKit tool call failed (`function_tool`, trace_types.py L55).
  'lk.function_tool.is_error',
] as const;
/**
 * Short strings: a model name (a label only when configured), LiveKit's adaptive-interruption
 * verdict ("true"/"false") and the agent's name. At most 128 characters, or not kept.
 */
const STRINGS = [
  'gen_ai.request.model',
  'lk.is_interruption',
  'lk.agent_name',
  // LiveKit's answering-machine verdict, one of five (AMD_CATEGORIES); never its transcript or reason.
  'lk.amd.category',
  // The resource's SDK language: which LiveKit SDK wrote a trace, so in which units (units.ts).
  'telemetry.sdk.language',
  // Who served a request, for its price (usage.ts): a provider name, never a label as sent.
  ...USAGE_STRINGS,
  // The function a LiveKit tool call ran: the app's own function name (logs only, never a label);
  // never its arguments or output (`lk.pii.function_tool.*`).
  'lk.function_tool.name',
  // Pipecat's Gemini Live tool result (service_decorators.py L1286-1309, llm_tool_result): the
  // function's name (logs only) and `error` / `success` / `completed`; never `tool.arguments` or
  // `tool.result` (the call's data).
  'tool.function_name',
  'tool.result_status',
] as const;
/**
 * LiveKit's TTS metrics, a JSON string whose numeric fields place the first audio byte
 * (timestamp - duration + ttfb: unix seconds from Python, tts/tts.py L683-742; ms from agents-js,
 * whose fields are `ttfbMs`/`durationMs`, agents/src/tts/tts.ts L560-566): parsed on arrival, only
 * those numbers kept, as `lk.tts_metrics.<field>`; units.ts reads them in their emitter's units.
 */
export const TTS_METRICS = TTS;
/**
 * A realtime (speech-to-speech) model's metrics, JSON on the `agent_turn` (or its
 * `realtime_metrics` child once the turn had ended): `timestamp` (the response's creation) and
 * `ttft` (to its first audio token), seconds from Python (telemetry/utils.py L56-94,
 * metrics/base.py RealtimeModelMetrics), `ttftMs` and ms from agents-js (metrics/base.ts).
 */
export const REALTIME_METRICS = REALTIME;
/** LiveKit's LLM metrics, JSON on each `llm_request`: its token counts (usage.ts). */
export const LLM_METRICS = LLM;
/** The numbers kept of each JSON attribute, as `<key>.<field>`. */
const JSON_FIELDS: Readonly<Record<string, readonly string[]>> = {
  [TTS_METRICS]: ['timestamp', 'duration', 'ttfb', 'durationMs', 'ttfbMs', ...USAGE_JSON[TTS_METRICS]],
  [REALTIME_METRICS]: ['timestamp', 'ttft', 'ttftMs', ...USAGE_JSON[REALTIME_METRICS]],
  [LLM_METRICS]: USAGE_JSON[LLM_METRICS],
};

/** The resource attribute naming the agent: its service, as OpenTelemetry names every process. */
export const SERVICE_NAME = 'service.name';

export type AttrKind = 'number' | 'flag' | 'string' | 'json' | 'id';
const STRING_MAX = 128;
/** A call id kept from a configured attribute: at most the store's id length. */
const ID_MAX = 200;

/** The allow-list: which attribute keys are read, and as what. Built once per receiver. */
export class AllowList {
  private readonly kinds = new Map<string, AttrKind>();
  /**
   * @param callIdKeys Attributes (span or resource) whose value is the call's id, e.g. the SIP
   *   Call-ID an app put on its spans to join them to the phone leg (`otlp.call_id_attributes`).
   */
  constructor(readonly callIdKeys: readonly string[]) {
    for (const k of NUMBERS) this.kinds.set(k, 'number');
    for (const k of FLAGS) this.kinds.set(k, 'flag');
    for (const k of STRINGS) this.kinds.set(k, 'string');
    for (const k of Object.keys(JSON_FIELDS)) this.kinds.set(k, 'json');
    this.kinds.set(SERVICE_NAME, 'string');
    for (const k of callIdKeys) this.kinds.set(k, 'id');
  }

  /** How `key` is read, or undefined when it is not read at all. */
  kind(key: string): AttrKind | undefined {
    return this.kinds.get(key);
  }

  /**
   * Whether `key`, as a kept span's attributes name it, is one this list keeps: a read key, or a
   * JSON attribute's field as `<key>.<field>` (what `keep` writes).
   *
   * @example
   * new AllowList([]).keeps('lk.llm_metrics.prompt_tokens'); // true
   * new AllowList([]).keeps('lk.llm_metrics.request_id'); // false
   */
  keeps(key: string): boolean {
    if (this.kinds.has(key)) return this.kinds.get(key) !== 'json';
    for (const [json, fields] of Object.entries(JSON_FIELDS)) {
      if (key.startsWith(`${json}.`) && fields.includes(key.slice(json.length + 1))) return true;
    }
    return false;
  }

  /**
   * Keep one decoded value under the rules of its key (into `into`): numbers finite, flags
   * boolean, strings short, LiveKit's JSON metrics reduced to their timing numbers. A value of the
   * wrong type is not kept.
   */
  keep(into: Record<string, AttrValue>, key: string, kind: AttrKind, value: AttrValue): void {
    switch (kind) {
      case 'number':
        if (typeof value === 'number' && Number.isFinite(value)) into[key] = value;
        return;
      case 'flag':
        if (typeof value === 'boolean') into[key] = value;
        return;
      case 'string':
        if (typeof value === 'string' && value.length <= STRING_MAX) into[key] = value;
        return;
      case 'id':
        if (typeof value === 'string' && value.length > 0 && value.length <= ID_MAX) into[key] = value;
        return;
      case 'json': {
        if (typeof value !== 'string' || value.length > 8192) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(value);
        } catch {
          return;
        }
        if (parsed === null || typeof parsed !== 'object') return;
        for (const f of JSON_FIELDS[key] ?? []) {
          // A dotted field is nested (`input_token_details.audio_tokens`).
          let v: unknown = parsed;
          for (const part of f.split('.'))
            v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[part];
          if (typeof v === 'number' && Number.isFinite(v)) into[`${key}.${f}`] = v;
          // The model and provider names in a metrics' metadata (usage.ts), short strings only.
          else if (typeof v === 'string' && f.startsWith('metadata.') && v.length <= STRING_MAX)
            into[`${key}.${f}`] = v;
        }
        return;
      }
    }
  }
}

/** What a resource says about the spans under it. */
export interface ResourceFacts {
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

/** One span as the receiver keeps it. Times are epoch ms (fractions carry the nanoseconds). */
export interface SpanFacts {
  /** 32 lower-case hex digits. */
  readonly trace: string;
  /** 16 lower-case hex digits. */
  readonly id: string;
  /** The parent's span id, or '' for a root. */
  readonly parent: string;
  readonly name: string;
  /** Instrumentation scope name (`pipecat`, `pipecat.turn`, `livekit-agents`). */
  readonly scope: string;
  readonly start: number;
  readonly end: number;
  readonly attrs: Readonly<Record<string, AttrValue>>;
  readonly resource: ResourceFacts;
}

/** A decoded request: the spans kept, and what was refused with why (OTLP partial success). */
export interface DecodedSpans {
  spans: SpanFacts[];
  rejected: number;
  /** The first reason a span was refused, for the partial-success message. */
  reason: string | undefined;
}

/** Why a span is refused, or undefined when its ids and times are usable. */
export function spanProblem(trace: string, id: string, parent: string, start: number, end: number) {
  if (!/^[0-9a-f]{32}$/.test(trace) || /^0+$/.test(trace))
    return 'a trace id that is not 16 bytes, or all zero';
  if (!/^[0-9a-f]{16}$/.test(id) || /^0+$/.test(id)) return 'a span id that is not 8 bytes, or all zero';
  if (parent !== '' && !/^[0-9a-f]{16}$/.test(parent)) return 'a parent span id that is not 8 bytes';
  if (!(start > 0) || !(end >= start)) return 'no start time, or an end before its start';
  return undefined;
}
