import { z } from 'zod';
import { STORE_LIMITS, STORED_TEXT } from '../../domain/limits.js';
import { SMS_FAILURE_REASONS } from '../../domain/vocab.js';
import { DELIVERY_STATUS_RULE, hasDeliveryStatus } from '../rules.js';
import { configName, count, event, NUL_MESSAGE, pii, seconds, storedPii } from './base.js';

const segments = z
  .number()
  .int()
  .min(1)
  .max(255)
  .optional()
  .meta({ description: 'Parts of a concatenated SMS (TS 23.040 9.2.3.24.1); default 1' });
const modem = configName(
  'Modem id; a label only when listed in `modems` (default: the first configured)',
).optional();
// TP-MR (0..255) from a modem or a provider message id: used only to match delivery reports.
const reference = z
  .union([z.number().int().nonnegative(), z.string().min(1).max(64).regex(STORED_TEXT, NUL_MESSAGE)])
  .optional()
  .meta({
    description: 'TP-MR or provider message id, to match delivery reports (never a label)',
    pii: true,
  });

export const heartbeat = event('heartbeat', 'A source is alive (sent periodically by remote emitters)', {
  intervalSeconds: seconds('Period the source promises between heartbeats').optional(),
});

export const smsReceived = event('sms.received', 'An SMS arrived (inbound, MT)', {
  from: storedPii('Sender number', 64),
  to: storedPii('Receiving number', 64).optional(),
  body: pii('Message text', 10_000).optional(),
  segments,
  modem,
});

export const smsSent = event('sms.sent', 'An SMS was accepted by the SMSC or provider (outbound, MO)', {
  to: storedPii('Destination number', 64),
  from: storedPii('Sender number or id', 64).optional(),
  body: pii('Message text', 10_000).optional(),
  reference,
  segments,
  modem,
});

export const smsSendFailed = event('sms.send_failed', 'An SMS could not be submitted', {
  to: storedPii('Destination number', 64).optional(),
  body: pii('Message text', 10_000).optional(),
  reason: z
    .enum(SMS_FAILURE_REASONS)
    .optional()
    .meta({ description: 'Failure class; derived from cmsError or error when absent' }),
  cmsError: z
    .number()
    .int()
    .nonnegative()
    .max(STORE_LIMITS.statusCodeMax)
    .optional()
    .meta({ description: '+CMS ERROR code (TS 27.005 3.2.5)' }),
  error: pii('Error text from the modem or provider (classified, never copied)', 1024).optional(),
  reference,
  segments,
  modem,
});

export const smsDeliveryReport = event(
  'sms.delivery_report',
  'A status report (TS 23.040 SMS-STATUS-REPORT) or a provider status callback',
  {
    reference,
    to: storedPii('Destination number', 64).optional(),
    tpStatus: z
      .number()
      .int()
      .min(0)
      .max(255)
      .optional()
      .meta({ description: 'TP-Status octet (TS 23.040 9.2.3.15)' }),
    providerStatus: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'Provider status, Twilio MessageStatus style (delivered, undelivered, ...)' }),
    errorCode: z
      .union([z.number().int().min(0).max(STORE_LIMITS.statusCodeMax), z.string().max(16)])
      .optional()
      .meta({ description: 'Provider error code (Twilio ErrorCode)' }),
    modem: configName(
      'Modem the report came in on: a TP-MR wraps per modem, so the report is matched to the latest pending submission with its reference on this modem',
    ).optional(),
  },
)
  .refine(hasDeliveryStatus, DELIVERY_STATUS_RULE)
  // The same rule for JSON Schema (docs/schemas, the clients): the refine above is code only.
  .meta({ anyOf: [{ required: ['tpStatus'] }, { required: ['providerStatus'] }] });

export const ussdRequest = event('ussd.request', 'A USSD request was sent (AT+CUSD=1,...)', {
  code: pii('USSD string, e.g. *100# (may embed numbers)', 182),
  modem,
});

export const ussdResponse = event('ussd.response', 'A +CUSD result arrived', {
  status: z.number().int().min(0).max(255).meta({ description: '+CUSD <m> (TS 27.007 7.15), 0..5' }),
  text: pii('Network text (balance, menus)', 1024).optional(),
  dcs: count('Data coding scheme (TS 23.038)').max(255).optional(),
  modem,
});

export const messagingEvents = [
  heartbeat,
  smsReceived,
  smsSent,
  smsSendFailed,
  smsDeliveryReport,
  ussdRequest,
  ussdResponse,
] as const;
