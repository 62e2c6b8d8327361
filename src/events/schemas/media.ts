import { z } from 'zod';
import { AI_ERROR_REASONS, AI_LATENCY_STAGES } from '../vocab.js';
import { count, event, pii, seconds } from './base.js';

const u32 = (description: string) => z.number().int().min(0).max(0xffffffff).meta({ description });
const callId = pii('Call identifier', 256);

export const mediaReport = event(
  'media.report',
  'RTCP-derived receive statistics for one stream (RFC 3550 6.4.1); send at least one per call',
  {
    callId: callId.optional(),
    codec: z.string().max(32).optional().meta({ description: 'Codec name as in SDP (PCMU, G729...)' }),
    clockRate: z.number().int().positive().optional().meta({ description: 'RTP clock, Hz; default 8000' }),
    packetsReceived: count('Packets received since the previous report of this stream').optional(),
    packetsLost: count('Packets lost since the previous report of this stream').optional(),
    fractionLost: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .meta({ description: 'RTCP fraction lost, 1/256 units (used when packet counts are absent)' }),
    jitter: z
      .number()
      .nonnegative()
      .finite()
      .optional()
      .meta({ description: 'Interarrival jitter, RTP timestamp units' }),
    jitterMs: z.number().nonnegative().finite().optional().meta({ description: 'Interarrival jitter, ms' }),
    rttMs: z.number().nonnegative().finite().optional().meta({ description: 'Round-trip time, ms' }),
    rtcp: z
      .object({
        arrival: u32('Arrival time of the RR, middle 32 bits of NTP'),
        lsr: u32('LSR field'),
        dlsr: u32('DLSR field'),
      })
      .optional()
      .meta({ description: 'Raw RR fields: RTT = A - LSR - DLSR (RFC 3550 6.4.1)' }),
    final: z
      .boolean()
      .optional()
      .meta({ description: 'Last report of the call: score MOS now (else at call.ended)' }),
  },
);

const aiError = {
  reason: z
    .enum(AI_ERROR_REASONS)
    .optional()
    .meta({ description: 'Error class; derived from error when absent' }),
  error: pii('Provider error text (classified, never copied)', 1024).optional(),
  provider: z.string().max(64).optional().meta({ description: 'Provider name (logs only)' }),
  callId: callId.optional(),
};

export const aiAsrError = event('voiceai.asr_error', 'Speech recognition failed', aiError);
export const aiTtsError = event('voiceai.tts_error', 'Speech synthesis failed', aiError);
export const aiBargeIn = event('voiceai.barge_in', 'The caller spoke over the agent and interrupted it', {
  callId: callId.optional(),
});
export const aiFirstByte = event('voiceai.first_byte', 'Time to first byte of a voice-agent stage', {
  stage: z
    .enum(AI_LATENCY_STAGES)
    .meta({ description: 'end_to_end: caller stops speaking -> first agent audio' }),
  seconds: seconds('Latency'),
  callId: callId.optional(),
});
export const aiToolCall = event('voiceai.tool_call', 'The agent called a tool (function)', {
  tool: z.string().max(64).optional().meta({ description: 'Tool name (logs only)' }),
  ok: z.boolean(),
  seconds: seconds('Duration'),
  error: pii('Error text', 1024).optional(),
  callId: callId.optional(),
});
export const aiTranscript = event(
  'voiceai.transcript',
  'A call finished with or without a stored transcript',
  {
    present: z.boolean(),
    text: pii('Transcript text', 100_000).optional(),
    callId: callId.optional(),
  },
);

export const mediaEvents = [
  mediaReport,
  aiAsrError,
  aiTtsError,
  aiBargeIn,
  aiFirstByte,
  aiToolCall,
  aiTranscript,
] as const;
