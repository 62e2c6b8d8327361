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
  /** Jitter and RTT in milliseconds: 0..1e6 (over 16 minutes is a broken measurement). */
  mediaMsMax: 1e6,
} as const;
