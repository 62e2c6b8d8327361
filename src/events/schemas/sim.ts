import { z } from 'zod';
import {
  BIP_BEARERS,
  SIM_APDU_ERRORS,
  SIM_PROTOCOLS,
  SIM_SESSION_KINDS,
  SIM_SESSION_RESULTS,
  SUCCESS_FAILURE,
} from '../../domain/vocab.js';
import { count, event, pii, seconds } from './base.js';

const iccid = pii('ICCID of the card under test', 32).optional();
const bearer = z.enum(BIP_BEARERS).optional().meta({
  description: 'Bearer of the channel (TS 102 223 Bearer description); counted as unknown when absent',
});

export const simApdu = event('sim.apdu', 'One APDU exchange with a card (ISO 7816-4, ETSI TS 102 221)', {
  ins: z.number().int().min(0).max(255).meta({ description: 'INS byte' }),
  cla: z.number().int().min(0).max(255).optional().meta({ description: 'CLA byte' }),
  sw: z
    .union([z.number().int().min(0).max(0xffff), z.string().regex(/^[0-9A-Fa-f]{4}$/)])
    .meta({ description: 'Status word SW1SW2, as a number (0x9000) or 4 hex digits ("6A82")' }),
  seconds: seconds('Command -> response').optional(),
  commandBytes: count('Command APDU length').optional(),
  responseBytes: count('Response APDU length, data + SW').optional(),
  command: pii('Command APDU hex (may carry ICCID, keys)', 1024).optional(),
  iccid,
});

export const simApduError = event(
  'sim.apdu_error',
  "An APDU that got no status word back (CardLink's record_apdu_error): the card, reader or link failed",
  {
    ins: z.number().int().min(0).max(255).optional().meta({ description: 'INS byte of the command' }),
    error: z.enum(SIM_APDU_ERRORS).meta({
      description:
        'timeout: no answer in the waiting time (ISO/IEC 7816-3); transmission: parity or EDC errors; card_removed; reader: the reader or driver failed; protocol: a malformed answer',
    }),
    iccid,
  },
);

export const simSession = event('sim.session', 'An OTA / remote-management / test session finished', {
  kind: z.enum(SIM_SESSION_KINDS),
  protocol: z.enum(SIM_PROTOCOLS),
  result: z.enum(SIM_SESSION_RESULTS),
  durationSeconds: seconds('Session duration').optional(),
  iccid,
  msisdn: pii('Card number', 32).optional(),
});

export const simSessionStarted = event(
  'sim.session_started',
  'An OTA / remote-management / test session began',
  {
    kind: z.enum(SIM_SESSION_KINDS),
    protocol: z.enum(SIM_PROTOCOLS),
  },
);

export const simBipOpened = event('sim.bip_opened', 'OPEN CHANNEL (TS 102 223 6.4.27) completed', {
  ok: z.boolean(),
  channel: z.number().int().min(1).max(7).optional().meta({ description: 'Channel id' }),
  bearer,
});

export const simBipClosed = event('sim.bip_closed', 'CLOSE CHANNEL, with the bytes moved on the channel', {
  bytesSent: count('Bytes sent by the card (SEND DATA)').optional(),
  bytesReceived: count('Bytes received by the card (RECEIVE DATA)').optional(),
  channel: z.number().int().min(1).max(7).optional().meta({ description: 'Channel id' }),
  durationSeconds: seconds('OPEN CHANNEL -> CLOSE CHANNEL').optional(),
  bearer: bearer.meta({ description: 'Bearer of the channel; when absent, the one its OPEN CHANNEL named' }),
});

export const simTlsHandshake = event(
  'sim.tls_handshake',
  'A TLS (PSK-TLS, TS 102 226 / SCP81) handshake finished',
  {
    result: z.enum(SUCCESS_FAILURE),
    seconds: seconds('Handshake duration').optional(),
    iccid,
  },
);

export const simEvents = [
  simApdu,
  simApduError,
  simSessionStarted,
  simSession,
  simBipOpened,
  simBipClosed,
  simTlsHandshake,
] as const;
