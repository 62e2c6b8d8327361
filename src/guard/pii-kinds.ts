// The vocabulary of the PII detector (./pii.ts), apart so the digit scanner (./pii-digits.ts) can name it too.

/**
 * What kind of personal data or secret a label value was found to carry.
 * `imei` includes IMEISV, `ip` both IPv4 and IPv6, `token` bearer tokens, API keys, JWTs and
 * high-entropy secrets, `id` UUIDs, MAC addresses, long hex IDs and SIP Call-IDs.
 *
 * @example
 * ```ts
 * const kind: PiiKind = 'phone';
 * ```
 */
export type PiiKind =
  | 'phone'
  | 'imei'
  | 'imsi'
  | 'iccid'
  | 'email'
  | 'url'
  | 'sip_uri'
  | 'ip'
  | 'token'
  | 'id';

/**
 * Every {@link PiiKind}, in the precedence order {@link detectPii} applies.
 *
 * @example
 * ```ts
 * for (const kind of PII_KINDS) counters.set(kind, 0);
 * ```
 */
export const PII_KINDS: readonly PiiKind[] = Object.freeze([
  'url',
  'sip_uri',
  'email',
  'token',
  'id',
  'ip',
  'imei',
  'imsi',
  'iccid',
  'phone',
] as const);
