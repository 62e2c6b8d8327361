/**
 * Label values of the telephony metrics. Every label is one of these closed lists (or a list
 * from the configuration: trunks, operators, modems, queues); anything else becomes `other`.
 */

import { CODECS } from './standards/emodel.js';
import { BIP_BEARERS } from './vocab.js';

export const SIP_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', '6xx'] as const;
// biome-ignore format: one line per RFC
export const SIP_METHODS = [
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', // RFC 3261
  'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO', 'REFER', 'MESSAGE', 'UPDATE', // extensions
] as const;

/**
 * Delivery outcome of an SMS report: TS 23.040 TP-Status class or a provider status; a stored
 * SMS's outcome too (../records.ts).
 */
export const SMS_OUTCOMES = ['delivered', 'pending', 'failed', 'unknown'] as const;
export type SmsOutcome = (typeof SMS_OUTCOMES)[number];

// The modem's state tables are the standards' own lists (indexed by the 27.007 value), one each.
export { CLCC_STATES, CUSD_STATUSES, RATS } from './standards/modem.js';
export { ACCESS_TECHNOLOGIES, REGISTRATION_DOMAINS, REGISTRATION_STATES } from './standards/registration.js';
export { BANDS } from './standards/vendor-signal.js';

/**
 * Final outcome of a call attempt, chosen so RFC 6076 ratios are sums of outcomes:
 * SER numerator = answered; SEER numerator = answered + busy (486, 600) + no_answer (480) +
 * declined (603); ISA numerator = ineffective (408, 500, 503, 504 or no final response);
 * redirected (3xx) leaves the SER/SEER denominators; challenged (401/407) leaves every denominator.
 * Decided by the classifier (./outcome).
 */
export const CALL_OUTCOMES = [
  'answered',
  'busy',
  'no_answer',
  'declined',
  'redirected',
  'ineffective',
  'cancelled',
  'failed',
  // A 401/407 authentication challenge: not an attempt (RFC 6076); kept last so indexes stay put.
  'challenged',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Q.850 cause groups (see standards/sip.ts q850Class); `other` is appended by the registry. */
export const Q850_CLASSES = [
  'normal',
  'busy',
  'no_answer',
  'unavailable',
  'rejected',
  'unallocated',
  'network',
] as const;

/** Lifecycle events that did not fit the call state machine. */
export const CALL_ANOMALIES = ['duplicate_start', 'duplicate_answer', 'unknown_call', 'evicted'] as const;
export const HOLD_STATES = ['held', 'resumed'] as const;
export const UP_DOWN = ['up', 'down'] as const;
export const TRUNK_FAILURE_CLASSES = ['4xx', '5xx', '6xx', 'timeout'] as const;
export const DIALOG_EVENTS = ['created', 'terminated'] as const;
export const STIR_ATTESTATION_LABELS = ['A', 'B', 'C', 'none'] as const;

/** Codecs the E-model can score (G.113 Appendix I narrowband entries). */
export const MOS_CODECS = Object.keys(CODECS) as (keyof typeof CODECS)[];
export const MOS_UNAVAILABLE = ['unknown_codec', 'no_loss_data'] as const;

export const TRANSCRIPT_STATES = ['present', 'missing'] as const;
export const QUEUE_OUTCOMES = ['answered', 'abandoned'] as const;
export const ROUTING_RESULTS = ['matched', 'default'] as const;

/** APDU INS names (ETSI TS 102 221 10.1.2, ISO/IEC 7816-4, TS 102 223 for the CAT ones). */
export const APDU_INS: ReadonlyMap<number, string> = new Map([
  [0xa4, 'select'],
  [0xf2, 'status'],
  [0xb0, 'read_binary'],
  [0xd6, 'update_binary'],
  [0xb2, 'read_record'],
  [0xdc, 'update_record'],
  [0xa2, 'search_record'],
  [0x32, 'increase'],
  [0xcb, 'retrieve_data'],
  [0xdb, 'set_data'],
  [0x20, 'verify_pin'],
  [0x24, 'change_pin'],
  [0x26, 'disable_pin'],
  [0x28, 'enable_pin'],
  [0x2c, 'unblock_pin'],
  [0x04, 'deactivate_file'],
  [0x44, 'activate_file'],
  [0x88, 'authenticate'],
  [0x84, 'get_challenge'],
  [0x10, 'terminal_profile'],
  [0xc2, 'envelope'],
  [0x12, 'fetch'],
  [0x14, 'terminal_response'],
  [0x70, 'manage_channel'],
  [0x73, 'manage_secure_channel'],
  [0x75, 'transact_data'],
  [0xc0, 'get_response'],
  [0xca, 'get_data'],
  [0xe2, 'store_data'],
]);
export const APDU_INS_NAMES = [...APDU_INS.values()];

/**
 * Status-word classes (ISO/IEC 7816-4 5.6, TS 102 221 10.2): `9000` exactly, otherwise SW1
 * with SW2 masked. `90xx` other than 9000 is not defined and reads as `other`.
 */
// biome-ignore format: grouped by SW1
export const SW_CLASSES = [
  '9000', '61xx', '62xx', '63xx', '64xx', '65xx', '66xx', '67xx', '68xx', '69xx',
  '6Axx', '6Bxx', '6Cxx', '6Dxx', '6Exx', '6Fxx', '91xx', '92xx', '93xx', '98xx', '9Fxx',
] as const;
export const APDU_DIRECTIONS = ['command', 'response'] as const;
export const BIP_EVENTS = ['opened', 'open_failed', 'closed'] as const;
export const BIP_DIRECTIONS = ['sent', 'received'] as const;
/** Bearer label of BIP channels: the TS 102 223 bearers, `unknown` when the event named none. */
export const BIP_BEARER_LABELS = [...BIP_BEARERS, 'unknown'] as const;

/**
 * SIP response codes from the IANA "Response Codes" registry (RFC 3261 21 and its updates), as
 * label values: bounded, and any other code is `other`.
 */
export const SIP_CODES = [
  ...[100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380],
  ...[400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422],
  ...[423, 424, 425, 428, 429, 430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484],
  ...[485, 486, 487, 488, 489, 491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580],
  ...[600, 603, 604, 606, 607, 608],
]
  .map(String)
  .concat('other');
