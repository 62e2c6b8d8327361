import { z } from 'zod';
import { closest } from '../closest.js';
import { ValidationError } from '../errors.js';
import { callEvents } from './schemas/calls.js';
import { mediaEvents } from './schemas/media.js';
import { messagingEvents } from './schemas/messaging.js';
import { modemEvents } from './schemas/modem.js';
import { pbxEvents } from './schemas/pbx.js';
import { simEvents } from './schemas/sim.js';
import { sipEvents } from './schemas/sip.js';
import { voiceEvents } from './schemas/voice.js';

/**
 * Every event schema, in documentation order. The TypeScript event types are inferred from
 * these (see types.ts), so the two cannot drift.
 */
export const EVENT_SCHEMAS = [
  ...messagingEvents,
  ...modemEvents,
  ...callEvents,
  ...sipEvents,
  ...mediaEvents,
  ...voiceEvents,
  ...pbxEvents,
  ...simEvents,
] as const;

/** The ingest schema: a discriminated union on `type`. */
export const eventSchema = z.discriminatedUnion('type', EVENT_SCHEMAS);

/** A parsed event: types.ts's SidetoneEvent, which is inferred from this file (so not imported from there). */
type SidetoneEvent = z.output<typeof eventSchema>;

/** Every event `type`, in documentation order. */
export const EVENT_TYPES: readonly SidetoneEvent['type'][] = EVENT_SCHEMAS.map((s) => s.shape.type.value);

const TYPES = new Set<string>(EVENT_TYPES);

/**
 * Why an object's `type` names no event, or undefined when it does (or the value is no object):
 * the closest type by edit distance, else the types of its family, never all of them (zod's own
 * answer listed every type, 59 of them, on one line).
 */
function unknownType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const type = (value as { type?: unknown }).type;
  if (typeof type === 'string' && TYPES.has(type)) return undefined;
  const all = `the ${EVENT_TYPES.length} types are listed in docs/events.md and GET /openapi.json`;
  if (typeof type !== 'string') {
    return `expected the event type as a string, e.g. "call.started" (${type === undefined ? 'missing' : `got ${typeof type}`}): ${all}`;
  }
  // The sent value is not repeated: refusals reach the audit log, and a type field can hold anything.
  const near = closest(type, EVENT_TYPES);
  if (near !== undefined) return `unknown event type: did you mean "${near}"?`;
  const prefix = type.split('.')[0];
  const family = EVENT_TYPES.filter((t) => t.includes('.') && t.split('.')[0] === prefix);
  if (family.length > 0) return `unknown event type: the ${prefix} events are ${family.join(', ')}`;
  return `unknown event type: ${all}`;
}

/** One validation problem: a dotted field path (`csq.rssi`, empty for the whole body) and why. */
export interface EventIssue {
  path: string;
  message: string;
}

export type ParseEventResult = { ok: true; event: SidetoneEvent } | { ok: false; issues: EventIssue[] };

/**
 * Validate one event at the HTTP ingest edge. Accepts a parsed JSON value or a JSON string.
 * Unknown fields are dropped; a missing `ts` becomes the time of receipt; an ISO `ts` becomes
 * epoch ms. In-process code emits typed events on the bus directly and skips this.
 *
 * @example
 * const r = parseEvent({ type: 'modem.signal', csq: { rssi: 18, ber: 99 } });
 * if (r.ok) bus.emit(r.event); else reply(400, r.issues); // [{ path: 'csq.rssi', message: ... }]
 */
export function parseEvent(input: unknown, options: { now?: () => number } = {}): ParseEventResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (err) {
      return { ok: false, issues: [{ path: '', message: `not valid JSON (${(err as Error).message})` }] };
    }
  }
  const unknown = unknownType(value);
  if (unknown !== undefined) return { ok: false, issues: [{ path: 'type', message: unknown }] };
  const r = eventSchema.safeParse(value);
  if (!r.success) {
    return {
      ok: false,
      issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    };
  }
  const event = r.data as SidetoneEvent;
  if (event.ts === undefined) event.ts = (options.now ?? Date.now)();
  return { ok: true, event };
}

/**
 * {@link parseEvent} that throws a `ValidationError` (code `ST_INVALID_EVENT`, `issues` with
 * field paths) instead of returning a result.
 * @example const event = assertEvent(await request.json());
 */
export function assertEvent(input: unknown, options: { now?: () => number } = {}): SidetoneEvent {
  const r = parseEvent(input, options);
  if (r.ok) return r.event;
  const first = r.issues[0];
  throw new ValidationError(
    'ST_INVALID_EVENT',
    `invalid event: ${first === undefined ? 'unknown problem' : `${first.path || '(body)'}: ${first.message}`}` +
      (r.issues.length > 1 ? ` (and ${r.issues.length - 1} more)` : ''),
    r.issues,
  );
}
