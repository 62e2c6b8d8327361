/**
 * The store's limits on what it keeps, defined once: the store's checks (validate.ts) and the edge
 * schemas of the events that feed it (src/events/schemas) both read these, so any event the schema
 * accepts is an update the store stores, and an item the store would refuse is refused at the edge
 * by name (field path and reason) like any other bad item.
 */
export const STORE_LIMITS = {
  /** callId, messageId: 1..200 characters. */
  idMax: 200,
  /** Free text and phone numbers or URIs (trunk, gateway, from, to): at most 200 characters. */
  textMax: 200,
  /** SMS status codes (TP-Status, +CMS ERROR, provider error codes): integers 0..1e9. */
  statusCodeMax: 1e9,
  /**
   * Event times: epoch ms from 2000-01-01. Telephony events from before that are a clock not yet
   * set, or a phone number in `ts` (a 12-digit number is a 1970s date), which would be shown.
   */
  tsMin: 946_684_800_000,
  /**
   * ...up to 2100-01-01 (inclusive). Past it a time is a unit error (µs or ns sent as ms) and breaks
   * every consumer: SQLite refuses a time past 2^63 (datatype mismatch) and PostgreSQL's bigint
   * partition arithmetic one past about 9.2e18, writes that were retried forever; JavaScript dates end
   * at 8.64e15 (the call log threw on 1e16); and a call filed in the year 318,857 is in no read's
   * range (issue 31).
   */
  tsMax: 4_102_444_800_000,
  /** Jitter and RTT in milliseconds: 0..1e6 (over 16 minutes is a broken measurement). */
  mediaMsMax: 1e6,
  /**
   * Any duration or latency in seconds: 0..604 800 (a week). Beyond it the value is a timestamp
   * or a phone number in the wrong field, and would be exposed as a metric value.
   */
  secondsMax: 604_800,
  /**
   * Any count in one event (packets, bytes, messages): 0..2^32-1, the width of RTCP's and most
   * protocols' counters. A 12-digit "count" is a number someone put in the wrong field.
   */
  countMax: 4_294_967_295,
} as const;

/**
 * Text the store keeps (ids, names, numbers): anything but U+0000, which PostgreSQL's `text` cannot
 * hold (SQLSTATE 22021). Refused at the edge by the schemas and in the store's own checks, so both
 * backends keep the same values and a NUL never becomes a write that fails on every retry.
 */
export const STORED_TEXT = /^[^\u0000]*$/;
