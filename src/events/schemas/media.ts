import { z } from 'zod';
import { STORE_LIMITS } from '../../domain/limits.js';
import {
  AI_ERROR_REASONS,
  AI_LATENCY_STAGES,
  DIALOG_TRANSPORTS,
  MEDIA_STREAMS,
  RECONNECT_OUTCOMES,
  VOICE_ATTACH_MODES,
  VOICE_ATTACH_RESULTS,
} from '../../domain/vocab.js';
import { mediaReportIssues } from '../rules.js';
import { count, event, pii, seconds, storedId } from './base.js';

const u32 = (description: string) => z.number().int().min(0).max(0xffffffff).meta({ description });
const callId = storedId('Call identifier');

export const mediaReport = event(
  'media.report',
  'RTCP-derived receive statistics for one stream (RFC 3550 6.4.1); send at least one per call',
  {
    callId: callId.optional(),
    codec: z.string().max(32).optional().meta({ description: 'Codec name as in SDP (PCMU, G729...)' }),
    clockRate: z.number().int().positive().optional().meta({ description: 'RTP clock, Hz; default 8000' }),
    packetsReceived: count('Packets received since the previous report of this stream').optional(),
    packetsSent: count('Packets sent on this stream since its previous report (RTCP SR)').optional(),
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
    jitterMs: z
      .number()
      .nonnegative()
      .max(STORE_LIMITS.mediaMsMax)
      .optional()
      .meta({ description: 'Interarrival jitter, ms' }),
    rttMs: z
      .number()
      .nonnegative()
      .max(STORE_LIMITS.mediaMsMax)
      .optional()
      .meta({ description: 'Round-trip time, ms' }),
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
    stream: z.enum(MEDIA_STREAMS).optional().meta({
      description:
        'Direction of the measured stream (the reporter receives it): caller_to_callee or callee_to_caller',
    }),
  },
).superRefine((e, ctx) => {
  for (const issue of mediaReportIssues(e)) {
    ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  }
});

export const mediaCodec = event(
  'media.codec',
  'The codec a call settled on (SDP answer); counted in calls per codec until call.ended',
  {
    callId,
    codec: z
      .string()
      .max(32)
      .meta({ description: 'rtpmap encoding name (PCMU, opus, AMR-WB...); unlisted names are other' }),
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

export const aiAttach = event('voiceai.attach', 'A voice agent was attached to an answered call', {
  mode: z.enum(VOICE_ATTACH_MODES),
  result: z.enum(VOICE_ATTACH_RESULTS),
  callId: callId.optional(),
});
export const aiAttachFallback = event(
  'voiceai.attach_fallback',
  'The attach mode was changed from the configured one (e.g. pipeline credentials unusable)',
  { from: z.enum(VOICE_ATTACH_MODES), to: z.enum(VOICE_ATTACH_MODES) },
);
export const aiDialogReconnect = event(
  'voiceai.dialog_reconnect',
  'A reconnect attempt to the dialog (conversation) plane',
  { transport: z.enum(DIALOG_TRANSPORTS), outcome: z.enum(RECONNECT_OUTCOMES) },
);

export const mediaEvents = [
  mediaReport,
  mediaCodec,
  aiAsrError,
  aiTtsError,
  aiBargeIn,
  aiFirstByte,
  aiToolCall,
  aiTranscript,
  aiAttach,
  aiAttachFallback,
  aiDialogReconnect,
] as const;
