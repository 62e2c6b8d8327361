/**
 * SMS delivery outcomes: 3GPP TS 23.040 9.2.3.15 TP-Status (status reports from a modem) and
 * provider callbacks (Twilio MessageStatus), reduced to one bounded vocabulary.
 */

export type DeliveryOutcome = 'delivered' | 'pending' | 'failed';

/** What a TP-Status byte says, beyond the outcome. */
export interface TpStatusDetail {
  readonly outcome: DeliveryOutcome;
  /** True for the "permanent error" class (0x40-0x5F): retrying the same message will not help. */
  readonly permanent: boolean;
  /** True when the byte was a reserved value and was therefore read as 0x63 (service rejected). */
  readonly reserved: boolean;
}

// Bits 6..5 give the class (9.2.3.15):
//   0 (0x00-0x1F) transaction completed            -> delivered
//   1 (0x20-0x3F) temporary error, SC still trying -> pending
//   2 (0x40-0x5F) permanent error, SC gave up      -> failed, permanent
//   3 (0x60-0x7F) temporary error, SC gave up      -> failed, not permanent
// Within a class, bits 4..0 = 0x10-0x1F are "values specific to each SC" and keep the class.
// The defined values are 0x00-0x02, 0x20-0x25, 0x40-0x49, 0x60-0x65; the rest below 0x10 in each
// class, and every value with bit 7 set, are reserved, and 23.040 says an SME reads reserved
// values as 0x63 "service rejected" (temporary error, SC no longer trying): failed, not permanent.
const LAST_DEFINED = [0x02, 0x05, 0x09, 0x05] as const;

const DELIVERED: TpStatusDetail = Object.freeze({ outcome: 'delivered', permanent: false, reserved: false });
const PENDING: TpStatusDetail = Object.freeze({ outcome: 'pending', permanent: false, reserved: false });
const FAILED_PERMANENT: TpStatusDetail = Object.freeze({
  outcome: 'failed',
  permanent: true,
  reserved: false,
});
const FAILED_TEMPORARY: TpStatusDetail = Object.freeze({
  outcome: 'failed',
  permanent: false,
  reserved: false,
});
const RESERVED: TpStatusDetail = Object.freeze({ outcome: 'failed', permanent: false, reserved: true });

/**
 * True when `status` is a reserved TP-Status value (including non-integers and values outside
 * 0..0x7F, which cannot be a valid octet with bit 7 clear).
 *
 * @example isReservedTpStatus(0x03) // true ; isReservedTpStatus(0x1f) // false (SC-specific)
 */
export function isReservedTpStatus(status: number): boolean {
  if (!Number.isInteger(status) || status < 0 || status > 0x7f) return true;
  const low = status & 0x1f;
  return low < 0x10 && low > (LAST_DEFINED[status >> 5] ?? 0);
}

/**
 * Full reading of a TP-Status byte. Returns one of five shared frozen objects, so it allocates
 * nothing.
 *
 * @example tpStatusDetail(0x46) // { outcome: 'failed', permanent: true, reserved: false } (validity expired)
 */
export function tpStatusDetail(status: number): TpStatusDetail {
  if (isReservedTpStatus(status)) return RESERVED;
  switch (status >> 5) {
    case 0:
      return DELIVERED;
    case 1:
      return PENDING;
    case 2:
      return FAILED_PERMANENT;
    default:
      return FAILED_TEMPORARY;
  }
}

/**
 * TP-Status byte -> `delivered | pending | failed`. Hot path: returns constant strings, no
 * allocation. Reserved values read as 0x63, hence `failed`.
 *
 * @example tpStatusClass(0x00) // 'delivered' ; tpStatusClass(0x20) // 'pending' ; tpStatusClass(0x60) // 'failed'
 */
export function tpStatusClass(status: number): DeliveryOutcome {
  return tpStatusDetail(status).outcome;
}

export type ProviderOutcome = DeliveryOutcome | 'unknown';

/**
 * Twilio error codes seen with `failed` / `undelivered`, sorted by whether re-sending the same
 * message to the same number can succeed (from each code's page at twilio.com/docs/api/errors).
 * Only codes whose meaning settles the question are listed; everything else is `unknown`.
 */
const TWILIO_PERMANENT = new Set([
  21211, // invalid 'To' number
  21408, // permission to send to this region not enabled
  21610, // recipient replied STOP
  21612, // 'To' number not reachable from this 'From'
  21614, // 'To' is not a mobile number
  21635, // 'To' is a landline
  30002, // account suspended
  30004, // message blocked (by the recipient or carrier)
  30005, // unknown destination handset (number does not exist)
  30006, // landline or unreachable carrier
  30007, // filtered by the carrier as spam / policy violation
  30010, // price exceeds the MaxPrice set on the message
]);
const TWILIO_TEMPORARY = new Set([
  30001, // queue overflow
  30003, // handset unreachable: off, no signal, roaming off-network
  30008, // unknown error
  30009, // missing segment of a concatenated message
]);

/**
 * Whether a Twilio error code is a permanent failure (do not retry), a temporary one, or unknown.
 *
 * @example twilioErrorPermanence(30003) // 'temporary' ; twilioErrorPermanence(30006) // 'permanent'
 */
export function twilioErrorPermanence(
  errorCode: number | string | undefined,
): 'permanent' | 'temporary' | 'unknown' {
  const code = typeof errorCode === 'string' ? Number(errorCode.trim()) : errorCode;
  if (code === undefined || !Number.isInteger(code)) return 'unknown';
  if (TWILIO_PERMANENT.has(code)) return 'permanent';
  if (TWILIO_TEMPORARY.has(code)) return 'temporary';
  return 'unknown';
}

/**
 * Twilio MessageStatus -> outcome, case-insensitive:
 * accepted/scheduled/queued/sending/sent -> pending (`sent` only means the carrier took it);
 * delivered/read -> delivered; failed/canceled -> failed; undelivered -> failed; anything else
 * (receiving/received are inbound, partially_delivered has no single answer, typos) -> unknown.
 *
 * `undelivered` is always `failed` whatever the error code: it means the carrier stopped trying,
 * so nothing more will happen to this message. The code only says whether a *new* attempt could
 * succeed (30003 handset off: maybe later; 30005 unknown number: never); that distinction is in
 * {@link providerStatusDetail}.
 *
 * @example providerStatus('Delivered') // 'delivered' ; providerStatus('undelivered', 30003) // 'failed'
 */
export function providerStatus(status: string, errorCode?: number | string): ProviderOutcome {
  return providerStatusDetail(status, errorCode).outcome;
}

/**
 * {@link providerStatus} plus, for failures, whether the error code marks it permanent
 * (undefined when the code is missing or not in the table).
 *
 * @example providerStatusDetail('undelivered', 30005) // { outcome: 'failed', permanent: true }
 */
export function providerStatusDetail(
  status: string,
  errorCode?: number | string,
): { outcome: ProviderOutcome; permanent: boolean | undefined } {
  const s = typeof status === 'string' ? status.trim().toLowerCase() : '';
  switch (s) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
    case 'sent':
      return { outcome: 'pending', permanent: undefined };
    case 'delivered':
    case 'read':
      return { outcome: 'delivered', permanent: undefined };
    case 'canceled':
      // Cancelled by the sender before sending: final, and nothing about the number is wrong.
      return { outcome: 'failed', permanent: false };
    case 'failed':
    case 'undelivered': {
      const p = twilioErrorPermanence(errorCode);
      return { outcome: 'failed', permanent: p === 'unknown' ? undefined : p === 'permanent' };
    }
    default:
      return { outcome: 'unknown', permanent: undefined };
  }
}

/**
 * The one form of a message reference every surface matches on (metrics, store, console): a
 * TP-MR (TS 23.040 9.2.3.6, 0..255) may come as 42, "42" or "042" (an app, a modem, a log),
 * so a number or a string of digits is the decimal integer; any other string (a provider's
 * message id) is kept as it is, trimmed.
 * @example referenceKey(42) === referenceKey('042') // true: both '42'
 */
export function referenceKey(reference: string | number): string {
  if (typeof reference === 'number') return Number.isFinite(reference) ? String(Math.trunc(reference)) : '';
  const s = reference.trim();
  return /^\d{1,15}$/.test(s) ? String(Number(s)) : s;
}

/**
 * Which submission an `sms.sent` without an id is: its modem, reference and time. The same event
 * posted twice is one message to the store (its record's id) and to the metric (what it tracks).
 * @example submissionKey('modem0', referenceKey(42), 1700000000000) // 'modem0:42:1700000000000'
 */
export function submissionKey(modem: string | undefined, ref: string, ts: number): string {
  return `${modem ?? ''}:${ref}:${ts}`;
}

/**
 * How long a sent SMS awaits its final status report: a day, the relative validity period TP-VP
 * 0xA7 (TS 23.040 9.2.3.12.1: 12 h + (167 - 143) x 30 min). Past its validity period the SC has
 * given the message up, so a report that has not come by then is no longer waited for, and a lost
 * one cannot keep the stall alert's oldest age growing forever.
 */
export const REPORT_WAIT_MS = 86_400_000;

/** What decides whether a message awaits its report: every store column and pack field named once. */
export interface ReportFacts {
  readonly direction: 'inbound' | 'outbound' | null;
  /** Whether it was submitted with a message reference (TP-MR): reports are matched on it, so one without can get none. */
  readonly referenced: boolean;
  readonly sentAt: number | null;
  readonly deliveredAt: number | null;
  readonly failedAt: number | null;
}

/**
 * The one definition of "awaiting a delivery report" that the metric
 * (`sidetone_sms_delivery_pending`), `sidetone sms`, the console and the store's report matching
 * share: an outbound message submitted with a reference, sent, with no final report (delivered or
 * failed; a `pending` or `unknown` report is not final), sent less than {@link REPORT_WAIT_MS} ago.
 * A submission whose reference a later one on the same modem reused (TP-MR wraps at 256) still
 * awaits: a report is matched to the newest, so the older one waits out its day.
 *
 * @example
 * awaitsReport({ direction: 'outbound', referenced: true, sentAt: now - 60_000, deliveredAt: null, failedAt: null }, now) // true
 */
export function awaitsReport(m: ReportFacts, now: number): boolean {
  return (
    m.direction === 'outbound' &&
    m.referenced &&
    m.sentAt !== null &&
    m.deliveredAt === null &&
    m.failedAt === null &&
    now - m.sentAt < REPORT_WAIT_MS
  );
}
