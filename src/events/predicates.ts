import { EXACT, LIMITS } from './predicates.generated.js';
import type { SidetoneEvent } from './types.js';

/**
 * Predicates over events, generated from the event JSON Schemas at build time
 * (scripts/gen-predicates.mjs writes predicates.generated.ts): plain property reads and comparisons, 60-100 ns an event,
 * allocating nothing, and no zod loaded, so the bus and the root import stay light.
 */

/**
 * True only when `parseEvent(value)` would succeed with an event equal to `value` (before the
 * default `ts`): then `value` itself can be used as the event. False means "ask the full parse",
 * which accepts (transforming or dropping fields) or says what is wrong. Never throws.
 * @example
 * isExactEvent({ type: 'call.answered', callId: 'c1' }); // true
 * isExactEvent({ type: 'call.answered', callId: 'c1', extra: 1 }); // false: the parse drops `extra`
 */
export function isExactEvent(value: unknown): value is SidetoneEvent {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return false;
  const check = EXACT.get(type);
  return check?.(value as Record<string, unknown>) === true;
}

/**
 * Whether an in-process event keeps the limits its schema sets (the same limits as `parseEvent`
 * at the HTTP edge: this check is generated from its zod schemas), checked without allocating,
 * because `bus.emit` is a hot path. Never throws.
 * @example
 * isWithinLimits({ type: 'media.report', fractionLost: 300 }); // false: 0..255
 */
export function isWithinLimits(event: SidetoneEvent): boolean {
  const check = LIMITS.get(event.type);
  return check?.(event as unknown as Record<string, unknown>) === true;
}
