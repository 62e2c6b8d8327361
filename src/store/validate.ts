/**
 * Checks on updates entering the store. Hand-written rather than a schema library because they sit
 * on the ingest path (≥ 50k records/s). Errors name the field and the fix; phone numbers are never
 * echoed (they are personal data and error messages end up in logs).
 */

import { USAGE_COMPONENTS } from '../domain/cost.js';
import { SMS_OUTCOMES } from '../domain/labels.js';
import { STORE_LIMITS } from '../domain/limits.js';
import {
  CALL_STATUSES,
  FAILURE_REASONS,
  RENAMED_SMS_FAILURE_REASONS,
  STORED_CALL_CHANNELS,
} from '../domain/records.js';
import {
  AMD_CATEGORIES,
  DIRECTIONS,
  HANGUP_PARTIES,
  MEDIA_STREAMS,
  SMS_FAILURE_REASONS,
} from '../domain/vocab.js';
import { type CodeOf, showValue, ValidationError } from '../errors.js';
import type { CallUpdate, EventIds, SmsUpdate } from './types.js';

const MAX_ID = STORE_LIMITS.idMax;
const MAX_TEXT = STORE_LIMITS.textMax;
const END_STATUSES = CALL_STATUSES.filter((s) => s !== 'active');
/** The largest price per minute a carrier update may carry (the price file's bound). */
const PRICE_MAX = 1e6;
/** The largest cost of one stage of one call: far past any real call, short of a unit error. */
const COST_MAX = 1e9;

function currency(where: string, field: string, v: unknown): void {
  if (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v))
    fail(where, field, `must be an ISO 4217 currency code (three capitals, e.g. USD), got ${showValue(v)}`);
}

/**
 * The position in its batch of the update being checked, for a failure's message. Set by each check
 * and read only when one fails: building `call update #3` for every update that passes cost about
 * 16 ns of the ~50 a check takes.
 */
let position: number | undefined;

function fail(what: string, field: string, message: string): never {
  const where = position === undefined ? what : `${what} #${position}`;
  throw new ValidationError('ST_STORE_INVALID_UPDATE', `${where}: ${field} ${message}`, [
    { path: field, message },
  ]);
}

/** PostgreSQL's text cannot hold U+0000 (STORED_TEXT): found with indexOf, no regex on this path. */
const hasNul = (v: string) => v.indexOf('\u0000') !== -1;

function id(where: string, field: string, v: unknown): void {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_ID || hasNul(v)) {
    fail(
      where,
      field,
      `must be a non-empty string of at most ${MAX_ID} characters without U+0000, got ${showValue(v)}`,
    );
  }
}

function time(where: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > STORE_LIMITS.tsMax) {
    fail(
      where,
      'at',
      `must be epoch milliseconds from 0 to ${STORE_LIMITS.tsMax} (2100-01-01), got ${showValue(v)}; use Date.now()`,
    );
  }
}

function oneOf(
  where: string,
  field: string,
  v: unknown,
  allowed: readonly string[],
  optional: boolean,
): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'string' || !allowed.includes(v)) {
    fail(where, field, `must be one of ${allowed.join(', ')}, got ${showValue(v)}`);
  }
}

function text(where: string, field: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'string' || v.length > MAX_TEXT || hasNul(v)) {
    fail(
      where,
      field,
      `must be a string of at most ${MAX_TEXT} characters without U+0000, got ${showValue(v)}`,
    );
  }
}

function phone(where: string, field: string, v: unknown): void {
  if (v === undefined) return;
  // Report the type and length only: the value is a phone number.
  if (typeof v !== 'string' || v.length > MAX_TEXT || hasNul(v)) {
    const got = typeof v === 'string' ? `a ${v.length}-character string` : typeof v;
    fail(
      where,
      field,
      `must be a phone number or URI string of at most ${MAX_TEXT} characters without U+0000, got ${got}`,
    );
  }
}

function int(where: string, field: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    fail(where, field, `must be an integer in ${min}..${max}, got ${showValue(v)}`);
  }
}

function num(where: string, field: string, v: unknown, min: number, max: number, optional = false): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    fail(where, field, `must be a number in ${min}..${max}, got ${showValue(v)}`);
  }
}

/**
 * Throw ValidationError `ST_STORE_INVALID_UPDATE` unless `u` is a well-formed CallUpdate.
 *
 * @example
 * ```ts
 * checkCallUpdate({ kind: 'ringing', callId: 'c1', at: Date.now() }); // ok
 * checkCallUpdate({ kind: 'ringing', callId: '', at: 0 }); // throws: callId must be a non-empty string...
 * ```
 */
export function checkCallUpdate(u: CallUpdate, index?: number): void {
  position = index;
  const where = 'call update';
  if (typeof u !== 'object' || u === null) fail(where, 'update', `must be an object, got ${showValue(u)}`);
  id(where, 'callId', u.callId);
  time(where, u.at);
  switch (u.kind) {
    case 'started':
      oneOf(where, 'direction', u.direction, DIRECTIONS, false);
      oneOf(where, 'channel', u.channel, STORED_CALL_CHANNELS, false);
      text(where, 'trunk', u.trunk);
      phone(where, 'from', u.from);
      phone(where, 'to', u.to);
      if (u.endToEndId !== undefined) id(where, 'endToEndId', u.endToEndId);
      if (u.carrier !== undefined) {
        currency(where, 'carrier.currency', u.carrier.currency);
        num(where, 'carrier.perMinute', u.carrier.perMinute, 0, PRICE_MAX);
        int(where, 'carrier.incrementSeconds', u.carrier.incrementSeconds, 1, 3600);
      }
      return;
    case 'ringing':
    case 'answered':
    case 'transcript':
      return;
    case 'ended':
      oneOf(where, 'status', u.status, END_STATUSES, true);
      int(where, 'sipCode', u.sipCode, 100, 699);
      int(where, 'q850', u.q850, 0, 127);
      oneOf(where, 'reason', u.reason, FAILURE_REASONS, true);
      oneOf(where, 'hangupBy', u.hangupBy, HANGUP_PARTIES, true);
      return;
    case 'media':
      num(where, 'mos', u.mos, 1, 5);
      num(where, 'jitterMs', u.jitterMs, 0, STORE_LIMITS.mediaMsMax);
      num(where, 'lossPercent', u.lossPercent, 0, 100);
      num(where, 'rttMs', u.rttMs, 0, STORE_LIMITS.mediaMsMax, true);
      oneOf(where, 'stream', u.stream, MEDIA_STREAMS, true);
      // A codec name as in SDP (the media.report schema's bound).
      if (u.codec !== undefined && (typeof u.codec !== 'string' || u.codec.length > 32 || hasNul(u.codec)))
        fail(where, 'codec', `must be a codec name of at most 32 characters, got ${showValue(u.codec)}`);
      return;
    case 'agent': {
      const ms = STORE_LIMITS.secondsMax * 1000;
      for (const k of ['turns', 'interruptions', 'deadAir'] as const) {
        if (u[k] === undefined) fail(where, k, 'must be an integer count, got undefined');
        int(where, k, u[k], 0, STORE_LIMITS.countMax);
      }
      num(where, 'silenceP50Ms', u.silenceP50Ms ?? undefined, 0, ms, true);
      num(where, 'silenceP95Ms', u.silenceP95Ms ?? undefined, 0, ms, true);
      // Talk over a whole call: up to the store's longest duration, a week.
      num(where, 'agentTalkMs', u.agentTalkMs, 0, ms, false);
      num(where, 'callerTalkMs', u.callerTalkMs, 0, ms, false);
      // TURN_LIST_MAX rows of ~70 characters (13-digit instants, 0.1 ms figures), with room.
      if (
        u.turnList !== undefined &&
        (typeof u.turnList !== 'string' || u.turnList.length > 16_384 || !u.turnList.startsWith('['))
      )
        fail(
          where,
          'turnList',
          `must be a JSON array of at most 16384 characters, got ${showValue(u.turnList)}`,
        );
      return;
    }
    case 'flow':
      // 64 messages of ~80 characters each (sip.flow's bound), with room.
      if (typeof u.sipFlow !== 'string' || u.sipFlow.length > 16_384 || !u.sipFlow.startsWith('['))
        fail(
          where,
          'sipFlow',
          `must be a JSON array of at most 16384 characters, got ${showValue(u.sipFlow)}`,
        );
      return;
    case 'amd':
      oneOf(where, 'category', u.category, AMD_CATEGORIES, false);
      return;
    case 'cost':
      currency(where, 'currency', u.currency);
      for (const k of USAGE_COMPONENTS) num(where, k, u[k], 0, COST_MAX);
      int(where, 'reports', u.reports, 0, STORE_LIMITS.countMax);
      int(where, 'unpriced', u.unpriced, 0, STORE_LIMITS.countMax);
      return;
    default:
      fail(
        where,
        'kind',
        `must be one of started, ringing, answered, ended, transcript, media, agent, flow, amd, cost, got ${showValue((u as { kind: unknown }).kind)}`,
      );
  }
}

function match(where: string, m: unknown): void {
  if (m === undefined) return;
  if (typeof m !== 'object' || m === null) fail(where, 'match', `must be an object, got ${showValue(m)}`);
  const { reference, gateway } = m as { reference: unknown; gateway: unknown };
  id(where, 'match.reference', reference);
  text(where, 'match.gateway', gateway);
}

/** Throw ValidationError `ST_STORE_INVALID_UPDATE` unless `u` is a well-formed SmsUpdate. */
export function checkSmsUpdate(u: SmsUpdate, index?: number): void {
  position = index;
  const where = 'sms update';
  if (typeof u !== 'object' || u === null) fail(where, 'update', `must be an object, got ${showValue(u)}`);
  id(where, 'messageId', u.messageId);
  time(where, u.at);
  switch (u.kind) {
    case 'received':
    case 'sent':
      phone(where, 'from', u.from);
      phone(where, 'to', u.to);
      text(where, 'gateway', u.gateway);
      int(where, 'segments', u.segments, 1, 255);
      if (u.kind === 'sent' && u.reference !== undefined) id(where, 'reference', u.reference);
      return;
    case 'delivery':
      oneOf(where, 'outcome', u.outcome, SMS_OUTCOMES, false);
      int(where, 'statusCode', u.statusCode, 0, STORE_LIMITS.statusCodeMax);
      match(where, u.match);
      return;
    case 'send_failed': {
      // A word of stores before SQLite 14 / PostgreSQL 12: name the one to use instead.
      if (typeof u.reason === 'string' && Object.hasOwn(RENAMED_SMS_FAILURE_REASONS, u.reason)) {
        const now = showValue(RENAMED_SMS_FAILURE_REASONS[u.reason]);
        fail(
          where,
          'reason',
          `${showValue(u.reason)} was renamed ${now} (the ingest API's word): pass ${now}`,
        );
      }
      oneOf(where, 'reason', u.reason, SMS_FAILURE_REASONS, true);
      int(where, 'statusCode', u.statusCode, 0, STORE_LIMITS.statusCodeMax);
      match(where, u.match);
      return;
    }
    default:
      fail(
        where,
        'kind',
        `must be one of received, sent, delivery, send_failed, got ${showValue((u as { kind: unknown }).kind)}`,
      );
  }
}

/** Validate a query range; analytics and store share it. */
export function checkRange(
  q: { from: number; to: number },
  code: CodeOf<'validation'> = 'ST_STORE_INVALID_RANGE',
): void {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!ok(q?.from) || !ok(q?.to) || q.from >= q.to) {
    throw new ValidationError(
      code,
      `time range must have numeric from < to (epoch ms, half-open [from, to)), got from=${showValue(q?.from)} ` +
        `to=${showValue(q?.to)}; pass e.g. { from: Date.now() - 86_400_000, to: Date.now() }`,
      [{ path: 'from', message: 'from < to' }],
    );
  }
}

/** Percentiles for `durationPercentiles`: fractions in 0..1. */
export function checkPercentiles(ps: readonly number[]): void {
  for (const p of ps) {
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) {
      throw new ValidationError(
        'ST_STORE_INVALID_PERCENTILE',
        `percentile must be a fraction in 0..1, got ${showValue(p)}; e.g. 0.95 for p95`,
      );
    }
  }
}

export function checkMaxActive(maxActiveSeconds: number): void {
  if (!(typeof maxActiveSeconds === 'number' && maxActiveSeconds > 0)) {
    throw new ValidationError(
      'ST_STORE_INVALID_MAX_ACTIVE',
      `maxActiveSeconds must be a positive number, got ${showValue(maxActiveSeconds)}; e.g. 14400 (4 h)`,
    );
  }
}

export function checkRetention(days: number, batchSize: number): void {
  if (!(typeof days === 'number' && days > 0) || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError(
      'ST_STORE_INVALID_RETENTION',
      `retention needs days > 0 and an integer batchSize ≥ 1, got days=${showValue(days)} ` +
        `batchSize=${showValue(batchSize)}; e.g. deleteOlderThan(90, { batchSize: 2000 })`,
    );
  }
}

/**
 * Throw ValidationError `ST_STORE_INVALID_UPDATE` unless `e` is well-formed event ids to keep
 * (event-ids.ts). The ids are hashed before the driver sees them: any non-empty string will do.
 */
export function checkEventIds(e: EventIds): void {
  position = undefined;
  const where = 'event ids';
  if (!Array.isArray(e.ids)) fail(where, 'ids', `must be an array, got ${showValue(e.ids)}`);
  for (const v of e.ids) {
    if (typeof v !== 'string' || v.length === 0)
      fail(where, 'ids', `must hold non-empty strings, got ${showValue(v)}`);
  }
  time(where, e.at);
  if (typeof e.since !== 'number' || !Number.isFinite(e.since)) {
    fail(where, 'since', `must be epoch milliseconds, got ${showValue(e.since)}`);
  }
  int(where, 'keep', e.keep, 1, 100_000_000);
  if (e.keep === undefined) fail(where, 'keep', 'must be an integer ≥ 1, got undefined');
}
