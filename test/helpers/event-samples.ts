/**
 * One valid event of every type in the event catalogue, generated from the schemas (never a hand
 * list): every field, optional ones too, at the first value its schema accepts. A new event type
 * is covered by whatever test uses these the moment its schema exists.
 */
import type { z } from 'zod';
import { EVENT_SCHEMAS } from '../../src/events/schemas.js';
import { completed, minimal } from './pii-plants.js';

type Def = { type: string; innerType?: z.ZodType; shape?: Record<string, z.ZodType> };
const def = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every field filled: an optional one with its inner schema's first accepted value. */
function full(schema: z.ZodType): unknown {
  const d = def(schema);
  if ((d.type === 'optional' || d.type === 'default') && d.innerType !== undefined) return full(d.innerType);
  if (d.type === 'object' && d.shape !== undefined) {
    return Object.fromEntries(Object.entries(d.shape).map(([k, v]) => [k, full(v)]));
  }
  return minimal(schema);
}

/** An event of every type, in the catalogue's order, each accepted by its own schema. */
export function sampleEvents(): Array<Record<string, unknown> & { type: string }> {
  return EVENT_SCHEMAS.map((schema) => {
    const all = full(schema) as Record<string, unknown>;
    const event = schema.safeParse(all).success
      ? all
      : completed(schema, minimal(schema) as Record<string, unknown>);
    if (!schema.safeParse(event).success) throw new Error(`no valid sample of ${schema.shape.type.value}`);
    return event as Record<string, unknown> & { type: string };
  });
}
