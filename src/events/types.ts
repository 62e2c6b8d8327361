import type { z } from 'zod';
import type { eventSchema } from './schemas.js';

/**
 * The event map. Types are inferred from the zod schemas in ./schemas, the single definition,
 * so the runtime validation at the ingest edge and the compile-time types cannot drift.
 *
 * @example
 * const e: EventOf<'sms.received'> = { type: 'sms.received', from: '+447700900123' };
 */
export type SidetoneEvent = z.output<typeof eventSchema>;

/** Every event `type` string, e.g. `'sms.received'`. */
export type EventType = SidetoneEvent['type'];

/** The event with a given `type`. */
export type EventOf<T extends EventType> = Extract<SidetoneEvent, { type: T }>;

/** Events by type, for mapped types over the whole catalogue. */
export type EventMap = { [T in EventType]: EventOf<T> };

/** What the ingest edge accepts before normalisation (`ts` may be an ISO string). */
export type EventInput = z.input<typeof eventSchema>;

/** A listener for one event type. */
export type Listener<T extends EventType = EventType> = (event: EventOf<T>) => void;
