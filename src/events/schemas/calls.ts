import { z } from 'zod';
import { STORE_LIMITS } from '../../domain/limits.js';
import {
  CALL_CHANNELS,
  DIRECTIONS,
  HANGUP_BY,
  MEDIA_ANOMALIES,
  MEDIA_STREAMS,
  SIP_TRANSPORTS,
} from '../../domain/vocab.js';
import { configName, event, pii, seconds, storedId, storedPii } from './base.js';

const callId = storedId('Call identifier (SIP Call-ID, channel id): correlates lifecycle events');
const trunk = configName('Trunk name; a label only when listed in `trunks`');

export const callStarted = event('call.started', 'A call attempt began (INVITE sent or received, seizure)', {
  callId,
  direction: z.enum(DIRECTIONS).meta({ description: 'inbound: the far end called us' }),
  channel: z.enum(CALL_CHANNELS).meta({ description: 'Signalling the call arrived on' }),
  transport: z.enum(SIP_TRANSPORTS).optional().meta({ description: 'SIP transport of the INVITE' }),
  trunk: trunk.optional(),
  from: storedPii('Calling party', STORE_LIMITS.textMax).optional(),
  to: storedPii('Called party', STORE_LIMITS.textMax).optional(),
  endToEndId: storedId(
    'The end-to-end call this leg belongs to (a B2BUA leg; hep.leg_correlation): legs with one value are one call, stored as its keyed hash like callId',
  ).optional(),
});

export const callRinging = event('call.ringing', 'First 180/183 (alerting); ends the post-dial delay', {
  callId,
  early: z.boolean().optional().meta({ description: 'true for 183 Session Progress (early media)' }),
});

export const callAnswered = event('call.answered', 'The call was answered (2xx / CONNECT)', { callId });
export const callHeld = event('call.held', 'The call was put on hold (re-INVITE sendonly/inactive)', {
  callId,
});
export const callResumed = event('call.resumed', 'The call was taken off hold', { callId });

export const callEnded = event('call.ended', 'The call ended: final response, BYE/CANCEL, or PSTN release', {
  callId,
  sipCode: z
    .number()
    .int()
    .min(100)
    .max(699)
    .optional()
    .meta({ description: 'Final SIP response to the INVITE (absent when answered or no response)' }),
  q850: z
    .number()
    .int()
    .min(0)
    .max(127)
    .optional()
    .meta({ description: 'Q.850 cause (Reason header RFC 3326, or the PSTN release)' }),
  hangupBy: z.enum(HANGUP_BY).optional().meta({ description: 'Which side ended it' }),
  timeout: z
    .boolean()
    .optional()
    .meta({ description: 'No final response arrived (Timer B, RFC 3261 17.1.1.2)' }),
  reason: pii('Free reason text (never copied)', 1024).optional(),
  durationSeconds: seconds('Talk time, when the source measured it (else answered -> ended)').optional(),
  mediaAnomaly: z.enum(MEDIA_ANOMALIES).optional().meta({
    description: 'Media missing some time after the answer: none reported, or one direction only',
  }),
  silentStream: z
    .enum(MEDIA_STREAMS)
    .optional()
    .meta({ description: 'With one_way: the direction no receiver reported' }),
});

export const callClcc = event('call.clcc', 'GSM call state from +CLCC (TS 27.007 7.18)', {
  callId: callId.optional(),
  index: z.number().int().min(0).max(255).optional().meta({ description: '<idx>' }),
  stat: z.number().int().min(0).max(255).meta({ description: '<stat>: 0 active .. 5 waiting' }),
  number: pii('<number>', 64).optional(),
  modem: configName('Modem id').optional(),
});

export const trunkStatus = event('trunk.status', 'Result of an OPTIONS probe (or registration) on a trunk', {
  trunk,
  up: z.boolean().meta({ description: 'The trunk answered in time with an acceptable response' }),
  code: z.number().int().min(100).max(699).optional().meta({ description: 'Response to the OPTIONS' }),
  rttSeconds: seconds('OPTIONS round trip').optional(),
});

export const callEvents = [
  callStarted,
  callRinging,
  callAnswered,
  callHeld,
  callResumed,
  callEnded,
  callClcc,
  trunkStatus,
] as const;
