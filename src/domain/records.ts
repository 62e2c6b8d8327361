/**
 * The vocabularies of the stored call and SMS records (src/store). Where a record and an event
 * (./vocab.ts) name the same concept, the record's list is built from the event's, so the
 * difference is written here, once, with its reason; a stored value is renamed only with a data
 * migration on both backends.
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
 * SMS failure reasons as stored are the event's words (./vocab.ts SMS_FAILURE_REASONS): the ingest
 * API, the clients and the metric label values already used them. Stores written before SQLite
 * schema 14 / PostgreSQL 12 held three other words; those migrations rewrite them, and a library
 * caller still passing one is told the word to use (store/validate.ts). Frozen: the migrations
 * name these words literally.
 */
export const RENAMED_SMS_FAILURE_REASONS: Readonly<Record<string, SmsFailureReason>> = {
  network_error: 'network',
  modem_error: 'modem',
  no_credit: 'quota',
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
