import { z } from 'zod';
import { WEBRTC_RESULTS, WEBSOCKET_STATES } from '../../domain/vocab.js';
import { configName, count, event, pii, seconds } from './base.js';

const queue = configName('Queue name; a label only when listed in `queues`');
const callId = pii('Call identifier', 256);

export const queueEnqueued = event('pbx.queue_enqueued', 'A caller joined a queue', {
  queue,
  callId,
  caller: pii('Calling party', 256).optional(),
});
export const queueAnswered = event('pbx.queue_answered', 'An agent answered a queued caller', {
  queue,
  callId,
  waitSeconds: seconds('Time in queue'),
  agent: pii('Agent extension or name', 128).optional(),
});
export const queueAbandoned = event('pbx.queue_abandoned', 'A queued caller hung up before an answer', {
  queue,
  callId,
  waitSeconds: seconds('Time in queue'),
});
export const voicemail = event('pbx.voicemail', 'A voicemail message was left', {
  mailbox: pii('Mailbox', 128),
  durationSeconds: seconds('Message length'),
  caller: pii('Calling party', 256).optional(),
});
export const transcriptionRequested = event(
  'pbx.transcription_requested',
  'A recording was sent for transcription',
  {
    callId: callId.optional(),
    audioSeconds: seconds('Audio length').optional(),
  },
);
export const transcriptionResult = event('pbx.transcription_result', 'A transcription finished or failed', {
  ok: z.boolean(),
  latencySeconds: seconds('Request -> result').optional(),
  audioSeconds: seconds('Audio transcribed').optional(),
  text: pii('Transcript', 100_000).optional(),
  error: pii('Error text', 1024).optional(),
  callId: callId.optional(),
});
export const routing = event('pbx.routing', 'A dial-plan / routing rule evaluation', {
  matched: z.boolean().meta({ description: 'true: a rule matched; false: the default route was used' }),
  rule: z.string().max(128).optional().meta({ description: 'Rule name (logs only)' }),
  callId: callId.optional(),
});
export const webrtc = event('pbx.webrtc', 'A WebRTC peer connection attempt finished', {
  result: z.enum(WEBRTC_RESULTS),
  iceSeconds: seconds('ICE gathering + connectivity checks').optional(),
  peer: pii('Remote address', 256).optional(),
});

export const voicemailStored = event(
  'pbx.voicemail_stored',
  'How many voicemail messages the PBX stores now (all mailboxes)',
  { messages: count('Messages stored') },
);
export const websocket = event(
  'pbx.websocket',
  'A WebSocket (SIP over WS, media or API) connected or closed',
  {
    state: z.enum(WEBSOCKET_STATES),
  },
);
export const connections = event('pbx.connections', 'Network connections the PBX holds open now', {
  network: count('Open connections (TCP, TLS, WS)'),
});

export const pbxEvents = [
  queueEnqueued,
  queueAnswered,
  queueAbandoned,
  voicemail,
  transcriptionRequested,
  transcriptionResult,
  routing,
  webrtc,
  voicemailStored,
  websocket,
  connections,
] as const;
