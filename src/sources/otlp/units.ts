import { num } from './framework.js';
import type { SpanFacts } from './spans.js';
import type { TraceState } from './traces.js';

/**
 * Which code wrote a LiveKit trace, as far as units go: the Python SDK (livekit/agents) and the
 * Node SDK (livekit/agents-js) write the same `lk.*` keys under the same scope (`livekit-agents`,
 * no version: agents telemetry/traces.py L124, agents-js agents/src/telemetry/traces.ts L181), but
 * not in the same units. What tells them apart is the OpenTelemetry SDK under them: every SDK's
 * default resource names its language (`telemetry.sdk.language`: `python`, `nodejs`), and each
 * LiveKit SDK runs on one. Never the magnitude: a 330 ms delay and a 330 s one are both possible.
 *
 * A trace whose resource does not say (a Python app that built `Resource({...})` without the
 * defaults) is told by the shape of its TTS metrics, which differ by field names
 * (`ttfb`/`duration` in Python's pydantic TTSMetrics, `ttfbMs`/`durationMs` in agents-js's); with
 * neither, the attributes whose unit differs are not read (their stages are unknown, not guessed).
 */
export const LIVEKIT_EMITTERS = ['python', 'nodejs'] as const;
export type LivekitEmitter = (typeof LIVEKIT_EMITTERS)[number];

/** The resource attribute every OpenTelemetry SDK's default resource sets to its language. */
export const SDK_LANGUAGE = 'telemetry.sdk.language';

/** Durations LiveKit writes on spans, by key. */
export type LivekitDuration =
  | 'lk.transcription_delay'
  | 'lk.end_of_turn_delay'
  | 'lk.e2e_latency'
  | 'lk.response.ttft'
  | 'lk.eou.endpointing_delay'
  | 'lk.eou.detection_delay'
  | 'lk.interruption.detection_delay'
  | 'lk.amd.delay';

/** How one emitter writes its numbers: milliseconds per unit of each. */
interface LivekitUnits {
  /** Span attributes, ms per unit. */
  readonly durations: Readonly<Record<LivekitDuration, number>>;
  /** `lk.tts_metrics` (JSON): its wall-clock timestamp, ms per unit. */
  readonly ttsTimestamp: number;
  /** `lk.tts_metrics` fields for the time to first byte and the synthesis time, and their unit. */
  readonly ttsTtfb: readonly [field: string, msPerUnit: number];
  readonly ttsDuration: readonly [field: string, msPerUnit: number];
  /** `lk.realtime_model_metrics` (JSON): its `timestamp` (ms per unit), the ttft field and unit. */
  readonly realtimeTimestamp: number;
  readonly realtimeTtft: readonly [field: string, msPerUnit: number];
}

/**
 * The table (cite the line that fixes each unit):
 * - Python @ da6af86: every duration is `time.time()`/`perf_counter()` seconds
 *   (voice/audio_recognition.py L80-118 `_compute_end_of_turn_metrics`; agent_activity.py
 *   L3524-3527 e2e; voice/generation.py ttft; voice/turn.py endpointing delays in seconds);
 *   TTSMetrics `timestamp` is `time.time()`, `ttfb`/`duration` seconds (metrics/base.py L65-87).
 * - Node @ 8c88e3b: `lk.transcription_delay` / `lk.end_of_turn_delay` are `Date.now()`
 *   differences in ms (agents/src/voice/audio_recognition.ts L81-83, L132-135, written at
 *   L2569-2570); `lk.e2e_latency` is converted to seconds (agent_activity.ts L3646-3648);
 *   `lk.response.ttft` is `performance.now() / 1000 - start`, seconds (generation.ts L688, L756);
 *   `lk.eou.endpointing_delay` is the ms sleep (audio_recognition.ts L1712, L1768-1773);
 *   TTSMetrics `timestamp: Date.now()`, `ttfbMs`, `durationMs` (tts/tts.ts L560-566,
 *   metrics/base.ts L70-78).
 * - `lk.eou.detection_delay`: Python writes the prediction's `detection_delay`, ms / 1000.0
 *   (inference/eot/transports.py L218-224, set at voice/audio_recognition.py L1713-1718); agents-js
 *   the ms themselves (agents/src/inference/eot/transports.ts L423-427, set at
 *   voice/audio_recognition.ts L1765-1766).
 * - `lk.interruption.detection_delay`: seconds in both (Python `time.time() - overlap_started_at`,
 *   inference/interruption.py L895, set at L565-567; agents-js `detectionDelayInS`,
 *   agents/src/inference/interruption/interruption_stream.ts L74).
 * - `lk.amd.delay`: Python writes `AMDPredictionEvent.delay`, `time.time()` seconds
 *   (voice/amd/classifier.py L374, set on the span at detector.py L542); agents-js writes
 *   `delayMs`, a `performance.now()` difference in ms (agents/src/voice/amd.ts L1174, L1366-1369).
 */
const PYTHON: LivekitUnits = {
  durations: {
    'lk.transcription_delay': 1000,
    'lk.end_of_turn_delay': 1000,
    'lk.e2e_latency': 1000,
    'lk.response.ttft': 1000,
    'lk.eou.endpointing_delay': 1000,
    'lk.eou.detection_delay': 1000,
    'lk.interruption.detection_delay': 1000,
    'lk.amd.delay': 1000,
  },
  ttsTimestamp: 1000,
  ttsTtfb: ['ttfb', 1000],
  ttsDuration: ['duration', 1000],
  realtimeTimestamp: 1000,
  realtimeTtft: ['ttft', 1000],
};
const UNITS: Readonly<Record<LivekitEmitter, LivekitUnits>> = {
  python: PYTHON,
  // What agents-js writes otherwise (the rest, e2e and ttft, in seconds as Python does).
  nodejs: {
    durations: {
      ...PYTHON.durations,
      'lk.transcription_delay': 1,
      'lk.end_of_turn_delay': 1,
      'lk.eou.endpointing_delay': 1,
      'lk.eou.detection_delay': 1,
      'lk.amd.delay': 1,
    },
    ttsTimestamp: 1,
    ttsTtfb: ['ttfbMs', 1],
    ttsDuration: ['durationMs', 1],
    // plugins/openai/src/realtime/realtime_model.ts L1540 (Date.now()), L1998-2005.
    realtimeTimestamp: 1,
    realtimeTtft: ['ttftMs', 1],
  },
};

/** The emitter a resource names, if it names one LiveKit runs on. */
function byResource(span: SpanFacts): LivekitEmitter | undefined {
  const lang = span.resource.attrs[SDK_LANGUAGE];
  return lang === 'python' ? 'python' : lang === 'nodejs' ? 'nodejs' : undefined;
}

/**
 * The emitter a span's shape names, if it has one: the TTS metrics' field names differ, and so does
 * the answering-machine detection span's name (`amd` in Python, detector.py L572;
 * `answering_machine_detection` in agents-js, amd.ts L430).
 */
function byShape(span: SpanFacts): LivekitEmitter | undefined {
  if (span.name === 'answering_machine_detection') return 'nodejs';
  if (span.name === 'amd') return 'python';
  if (num(span, 'lk.tts_metrics.ttfbMs') !== undefined) return 'nodejs';
  if (num(span, 'lk.tts_metrics.ttfb') !== undefined) return 'python';
  if (num(span, 'lk.realtime_model_metrics.ttftMs') !== undefined) return 'nodejs';
  if (num(span, 'lk.realtime_model_metrics.ttft') !== undefined) return 'python';
  return undefined;
}

/** Which LiveKit SDK wrote a trace: its resource, else its TTS metrics' shape, else unknown. */
export function livekitEmitter(state: TraceState): LivekitEmitter | undefined {
  let shape: LivekitEmitter | undefined;
  for (const s of state.spans.values()) {
    const r = byResource(s);
    if (r !== undefined) return r;
    shape ??= byShape(s);
  }
  return shape;
}

/** Reads a trace's LiveKit numbers in milliseconds, in the units its emitter writes them. */
export interface LivekitReader {
  readonly emitter: LivekitEmitter | undefined;
  /** A duration attribute in ms; undefined when absent or the emitter is unknown. */
  ms(span: SpanFacts | undefined, key: LivekitDuration): number | undefined;
  /** `lk.tts_metrics` as epoch-ms instants: the text reached the provider, its first audio. */
  tts(request: SpanFacts | undefined): { sent: number | undefined; firstByte: number | undefined };
  /** `lk.realtime_model_metrics` as epoch-ms instants: the response created, its first audio. */
  realtime(span: SpanFacts | undefined): { created: number | undefined; firstAudio: number | undefined };
}

const NONE = { sent: undefined, firstByte: undefined };
const NO_RESPONSE = { created: undefined, firstAudio: undefined };

/** The one place a LiveKit trace's units are decided. */
export function livekitReader(state: TraceState): LivekitReader {
  const emitter = livekitEmitter(state);
  const u = emitter === undefined ? undefined : UNITS[emitter];
  return {
    emitter,
    ms(span, key) {
      const v = num(span, key);
      return v === undefined || u === undefined ? undefined : v * u.durations[key];
    },
    tts(request) {
      if (u === undefined) return NONE;
      const ts = num(request, 'lk.tts_metrics.timestamp');
      const duration = num(request, `lk.tts_metrics.${u.ttsDuration[0]}`);
      const ttfb = num(request, `lk.tts_metrics.${u.ttsTtfb[0]}`);
      if (ts === undefined || duration === undefined) return NONE;
      const sent = ts * u.ttsTimestamp - duration * u.ttsDuration[1];
      // -1 (both SDKs) is "no first byte": unknown, not a negative wait.
      return { sent, firstByte: ttfb !== undefined && ttfb >= 0 ? sent + ttfb * u.ttsTtfb[1] : undefined };
    },
    realtime(span) {
      const ts = num(span, 'lk.realtime_model_metrics.timestamp');
      if (u === undefined || ts === undefined) return NO_RESPONSE;
      const created = ts * u.realtimeTimestamp;
      const ttft = num(span, `lk.realtime_model_metrics.${u.realtimeTtft[0]}`);
      // -1: no audio token was sent (metrics/base.py RealtimeModelMetrics.ttft).
      return {
        created,
        firstAudio: ttft !== undefined && ttft >= 0 ? created + ttft * u.realtimeTtft[1] : undefined,
      };
    },
  };
}
