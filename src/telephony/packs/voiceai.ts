import { TRANSCRIPT_STATES } from '../../domain/labels.js';
import {
  AI_ERROR_REASONS,
  AI_LATENCY_STAGES,
  type AiErrorReason,
  type AiLatencyStage,
  DIALOG_TRANSPORTS,
  RECONNECT_OUTCOMES,
  VOICE_ATTACH_MODES,
  VOICE_ATTACH_RESULTS,
} from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { aiErrorReason } from '../classify.js';
import { type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';
import { turnMetrics } from './voice-turns.js';

export interface VoiceAiPack extends PackBase {
  asrError(reason: AiErrorReason): void;
  ttsError(reason: AiErrorReason): void;
  bargeIn(): void;
  /** Time to first byte of a stage, seconds. Hot path: no allocation. */
  firstByte(stage: AiLatencyStage, seconds: number): void;
  toolCall(ok: boolean, seconds: number): void;
  transcript(present: boolean): void;
  /** A conversational turn ended: heard silence, its segments, dead air, speech time. */
  turn(e: EventOf<'voiceai.turn'>): void;
  interruption(e: EventOf<'voiceai.interruption'>): void;
  /** An answering-machine detection verdict: counted by category, its delay observed. */
  amd(e: EventOf<'voiceai.amd'>): void;
  /** A provider's usage report: its cost counted by agent and stage (with a price table). */
  usage(e: EventOf<'voiceai.usage'>): void;
}

/**
 * Voice/AI agents: ASR and TTS errors by class, barge-ins, first-byte latencies (end to end,
 * ASR, LLM, TTS), tool-call durations, transcript presence, and conversational turns: the heard
 * silence and its segments, dead air, speech time and interruptions (./voice-turns.ts). Provider error text and
 * transcripts are classified or ignored, never copied.
 * @example
 * const ai = voiceAiPack(registry);
 * ai.firstByte('llm', 0.42);
 */
export function voiceAiPack(registry: Registry, options: PackOptions = {}): VoiceAiPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'voiceai');
  const reasons = new Enum(AI_ERROR_REASONS);
  const stages = new Enum(AI_LATENCY_STAGES);
  const transcripts = new Enum(TRANSCRIPT_STATES);
  const asr = m.counter('voiceai_asr_errors_total');
  const tts = m.counter('voiceai_tts_errors_total');
  const bargeIns = m.counter('voiceai_barge_ins_total').at();
  const firstByte = m.histogram('voiceai_first_byte_seconds');
  const tools = m.histogram('voiceai_tool_call_seconds');
  const transcriptsTotal = m.counter('voiceai_transcripts_total');
  const modes = new Enum(VOICE_ATTACH_MODES);
  const attachResults = new Enum(VOICE_ATTACH_RESULTS);
  const dialogTransports = new Enum(DIALOG_TRANSPORTS);
  const outcomes = new Enum(RECONNECT_OUTCOMES);
  const attaches = m.counter('voiceai_attach_total');
  const fallbacks = m.counter('voiceai_attach_mode_fallbacks_total');
  const reconnects = m.counter('voiceai_dialog_reconnects_total');
  const turns = turnMetrics(m, o);

  const pack: VoiceAiPack = {
    name: 'voiceai',
    asrError: (reason) => asr.at(reasons.of(reason)).inc(),
    ttsError: (reason) => tts.at(reasons.of(reason)).inc(),
    bargeIn: () => bargeIns.inc(),
    firstByte: (stage, seconds) => firstByte.at(stages.of(stage)).observe(seconds),
    toolCall: (ok, seconds) => tools.at(ok ? 0 : 1).observe(seconds),
    transcript: (present) => transcriptsTotal.at(transcripts.of(present ? 'present' : 'missing')).inc(),
    turn: (e) => turns.turn(e),
    interruption: (e) => turns.interruption(e),
    amd: (e) => turns.amd(e),
    usage: (e) => turns.usage(e),
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('voiceai.asr_error', (e) => pack.asrError(aiErrorReason(e))),
        bus.on('voiceai.tts_error', (e) => pack.ttsError(aiErrorReason(e))),
        bus.on('voiceai.barge_in', () => pack.bargeIn()),
        bus.on('voiceai.first_byte', (e) =>
          firstByte
            .at(stages.of(e.stage))
            .observe(e.seconds, e.callId === undefined ? undefined : o.exemplar(e.callId)),
        ),
        bus.on('voiceai.tool_call', (e) => pack.toolCall(e.ok, e.seconds)),
        bus.on('voiceai.transcript', (e) => pack.transcript(e.present)),
        bus.on('voiceai.attach', (e) => attaches.at(modes.of(e.mode), attachResults.of(e.result)).inc()),
        bus.on('voiceai.attach_fallback', (e) => fallbacks.at(modes.of(e.from), modes.of(e.to)).inc()),
        bus.on('voiceai.dialog_reconnect', (e) =>
          reconnects.at(dialogTransports.of(e.transport), outcomes.of(e.outcome)).inc(),
        ),
        bus.on('voiceai.turn', turns.turn),
        bus.on('voiceai.interruption', turns.interruption),
        bus.on('voiceai.amd', turns.amd),
        bus.on('voiceai.usage', turns.usage),
        ...turns.subscribeCalls(bus),
      ]),
  };
  return pack;
}
