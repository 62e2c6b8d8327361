import { callerEarMs, phoneLegDelayMs } from '../domain/caller-ear.js';
import type { MediaStream, TurnSegment } from '../domain/vocab.js';
import type { CallRecord } from '../store/types.js';

/** One direction's media as every read surface gives it: the worst of that stream's reports. */
export interface MediaDirectionRow {
  /** The measured stream (the reporter receives it). */
  direction: MediaStream;
  mos: number | null;
  jitter_ms: number | null;
  loss_percent: number | null;
  rtt_ms: number | null;
  /** The codec the reports named (as in SDP), null when none did. */
  codec: string | null;
}

/** One voice-agent turn as every read surface gives it: no transcript, no caller identity. */
export interface TurnRowOut {
  turn: number;
  /** When the caller stopped talking (the heard silence's start), ms after the call started. */
  at_ms: number;
  /** The silence the agent heard (its end of the line), ms; null when unknown. */
  heard_silence_ms: number | null;
  /**
   * The silence at the caller's ear, ms: the heard silence plus the phone leg's round trip and
   * jitter (domain/caller-ear.ts, a lower bound); absent when the call has no RTCP round trip.
   */
  caller_ear_ms?: number;
  /** Its segments, ms, adding up to it; a stage not reported is absent (unknown, never 0). */
  segments: Partial<Record<TurnSegment, number>>;
  interrupted: boolean;
  dead_air: boolean;
  /** LLM calls of the reply (2 with a tool round trip), its tool calls and failed ones; absent when not said. */
  llm_calls?: number;
  tool_calls?: number;
  tool_errors?: number;
  /** The end-of-turn detector: its probability, the endpointing delay it chose and its detection delay. */
  eou_probability?: number;
  eou_endpointing_delay_ms?: number;
  eou_detection_delay_ms?: number;
  /** The speech-to-text's mean confidence over the turn's final transcripts, 0..1. */
  transcript_confidence?: number;
}

/**
 * A call's media per direction; null when no report named its stream.
 * @example mediaRows(call) // [{ direction: 'caller_to_callee', mos: 4.2, jitter_ms: 3, loss_percent: 0.5, rtt_ms: 40, codec: 'PCMU' }]
 */
export function mediaRows(c: Pick<CallRecord, 'media'>): MediaDirectionRow[] | null {
  return (
    c.media?.map((m) => ({
      direction: m.stream,
      mos: m.mos,
      jitter_ms: m.jitterMs,
      loss_percent: m.lossPercent,
      rtt_ms: m.rttMs,
      codec: m.codec,
    })) ?? null
  );
}

/**
 * A call's stored turns, their starts as offsets from the call's start (else its first event).
 * @example turnRows(call) // [{ turn: 1, at_ms: 5200, heard_silence_ms: 1100, segments: { stt: 300, ... }, interrupted: false, dead_air: false }]
 */
export function turnRows(
  c: Pick<CallRecord, 'turns' | 'startedAt' | 'firstAt' | 'media'>,
): TurnRowOut[] | null {
  const t0 = c.startedAt ?? c.firstAt;
  const leg = c.turns === null ? null : phoneLegDelayMs(c.media);
  return (
    c.turns?.map((t) => {
      const ear = callerEarMs(t.heardMs, leg);
      return {
        turn: t.turn,
        at_ms: Math.round((t.at - t0) * 10) / 10,
        heard_silence_ms: t.heardMs,
        ...(ear !== null && { caller_ear_ms: ear }),
        segments: t.segments,
        interrupted: t.interrupted,
        dead_air: t.deadAir,
        ...(t.llmCalls !== undefined && { llm_calls: t.llmCalls }),
        ...(t.toolCalls !== undefined && { tool_calls: t.toolCalls }),
        ...(t.toolErrors !== undefined && { tool_errors: t.toolErrors }),
        ...(t.eouProbability !== undefined && { eou_probability: t.eouProbability }),
        ...(t.eouEndpointingDelayMs !== undefined && { eou_endpointing_delay_ms: t.eouEndpointingDelayMs }),
        ...(t.eouDetectionDelayMs !== undefined && { eou_detection_delay_ms: t.eouDetectionDelayMs }),
        ...(t.transcriptConfidence !== undefined && { transcript_confidence: t.transcriptConfidence }),
      };
    }) ?? null
  );
}
