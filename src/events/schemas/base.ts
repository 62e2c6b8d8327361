import { z } from 'zod';
import { STORE_LIMITS, STORED_TEXT } from '../../domain/limits.js';

/**
 * `ts`: epoch milliseconds, or an ISO 8601 date-time with an offset (turned into epoch ms).
 * Optional: `parseEvent` fills in the time of receipt, packs use their clock when it is absent.
 */
const TS_MESSAGE = `expected a time from 2000-01-01 to 2100-01-01 (epoch ms ${STORE_LIMITS.tsMin}..${STORE_LIMITS.tsMax})`;
const epochMs = () => z.number().min(STORE_LIMITS.tsMin, TS_MESSAGE).max(STORE_LIMITS.tsMax, TS_MESSAGE);
export const timestamp = z
  .union([
    epochMs().finite(),
    // Times outside the window are refused here, by name (see STORE_LIMITS.tsMin and tsMax).
    z.iso
      .datetime({ offset: true })
      // The year bound for JSON Schema (docs/schemas, the clients), which cannot compare dates:
      // only the first hours of 2000-01-01 written with a positive offset pass it and not this.
      .meta({ allOf: [{ pattern: '^[2-9][0-9]{3}-' }] })
      .transform((s) => Date.parse(s))
      .pipe(epochMs()),
  ])
  .optional()
  .describe('When it happened: epoch ms or ISO 8601; default the time of receipt');

/** Text the store keeps cannot hold U+0000 (`STORED_TEXT`). */
export const NUL_MESSAGE = 'expected text without U+0000 (NUL)';

/** Fields every event carries. */
export const baseShape = {
  ts: timestamp,
  source: z.string().max(128).optional().describe('Name of the emitting system, for logs (never a label)'),
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(STORED_TEXT, NUL_MESSAGE)
    .optional()
    .describe(
      'Unique id of this event (e.g. a UUID): POST /events skips an id it already stored within its dedupe window (15 minutes, up to 100,000 ids, kept with the store, so across restarts), so a retried batch counts once',
    ),
};

/** A free string that may identify a person (numbers, names, bodies): kept out of every metric. */
export function pii(description: string, max = 256) {
  return z.string().max(max).meta({ description, pii: true });
}

/** A personal value the store keeps (a calling or called number): {@link pii}, as the store can hold it. */
export function storedPii(description: string, max: number) {
  return z.string().max(max).regex(STORED_TEXT, NUL_MESSAGE).meta({ description, pii: true });
}

/** A number of seconds, 0..a week (`STORE_LIMITS.secondsMax`). */
export function seconds(description: string) {
  return z
    .number()
    .nonnegative()
    .max(STORE_LIMITS.secondsMax, `expected at most ${STORE_LIMITS.secondsMax} s (a week)`)
    .meta({ description });
}

/** An integer count in one event, 0..2^32-1 (`STORE_LIMITS.countMax`). */
export function count(description: string) {
  return z
    .number()
    .int()
    .nonnegative()
    .max(STORE_LIMITS.countMax, `expected at most ${STORE_LIMITS.countMax}`)
    .meta({ description });
}

/**
 * A bounded free identifier (trunk, modem, queue name): a label only when listed in the
 * configuration; the store keeps trunks and modems, so no NUL either.
 */
export function configName(description: string) {
  return z.string().max(64).regex(STORED_TEXT, NUL_MESSAGE).meta({ description });
}

/**
 * One event schema: `type` literal plus the common fields plus `shape`.
 * @example const smsReceived = event('sms.received', 'An SMS arrived', { from: pii('Sender') });
 */
export function event<const T extends string, S extends z.ZodRawShape>(
  type: T,
  description: string,
  shape: S,
) {
  return z.object({ type: z.literal(type), ...baseShape, ...shape }).meta({ description });
}

/** A stored record's id (callId, SMS reference): 1..200 characters without NUL, as the store keeps it. */
export function storedId(description: string) {
  return z
    .string()
    .min(1)
    .max(STORE_LIMITS.idMax)
    .regex(STORED_TEXT, NUL_MESSAGE)
    .meta({ description, pii: true });
}
