/**
 * The vocabularies of the stored call and SMS records (src/store). Where a record and an event
 * (./vocab.ts) name the same concept, the record's list is built from the event's, so the
 * difference is written here, once, with its reason; stored values are never renamed here (that
 * needs a data migration).
 */
import { CALL_CHANNELS, type HANGUP_PARTIES, type SmsFailureReason } from './vocab.js';

/**
 * A stored call's channel: the event channels and `gsm`, a call a library user stored directly
 * from a modem. The `call.started` schema does not accept `gsm` (the modem source reports no call
 * records), so adding it there would change what the bus accepts: kept as the one difference.
 */
export const STORED_CALL_CHANNELS = [...CALL_CHANNELS, 'gsm'] as const;
export type StoredChannel = (typeof STORED_CALL_CHANNELS)[number];

export const CALL_STATUSES = [
  'completed',
  'failed',
  'busy',
  'no_answer',
  'cancelled',
  'timeout',
  'active',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
/** Statuses an `ended` update may state explicitly (`active` is the absence of an end). */
export type EndStatus = Exclude<CallStatus, 'active'>;

/** Bounded failure reasons: a fixed set so breakdowns and labels cannot explode. */
export const FAILURE_REASONS = [
  'busy',
  'no_answer',
  'rejected',
  'unavailable',
  'network_error',
  'timeout',
  'cancelled',
  'codec',
  'auth',
  'normal',
  'other',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Which side ended a stored call; an event's `unknown` is stored as no value. */
export type HangupParty = (typeof HANGUP_PARTIES)[number];

/**
 * Why an SMS failed, as stored. Three stored words differ from the event's (./vocab.ts):
 * `network_error`, `modem_error`, `no_credit` for `network`, `modem`, `quota`; renaming stored
 * values needs a data migration, so until then SMS_FAILURE_REASON_STORED below is the one bridge.
 */
export const STORED_SMS_FAILURE_REASONS = [
  'rejected',
  'invalid_number',
  'network_error',
  'timeout',
  'no_credit',
  'modem_error',
  'other',
] as const;
export type StoredSmsFailureReason = (typeof STORED_SMS_FAILURE_REASONS)[number];

/** An event's SMS failure reason -> the stored word (the store sink writes through it). */
export const SMS_FAILURE_REASON_STORED: Readonly<Record<SmsFailureReason, StoredSmsFailureReason>> = {
  timeout: 'timeout',
  network: 'network_error',
  rejected: 'rejected',
  invalid_number: 'invalid_number',
  modem: 'modem_error',
  quota: 'no_credit',
  other: 'other',
};

export const SMS_STATUSES = [
  'received',
  'queued',
  'sent',
  'pending',
  'delivered',
  'failed',
  'unknown',
] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];
