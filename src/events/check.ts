import type { z } from 'zod';
import { EVENT_SCHEMAS } from './schemas.js';
import type { SidetoneEvent } from './types.js';

/** One field constraint, compiled from the event's zod schema: where the value is and what it may be. */
interface FieldCheck {
  /** Property path from the event (at most a few levels: `csq.rssi`, `rtcp.lsr`). */
  readonly path: readonly string[];
  readonly kind: 'number' | 'string' | 'enum';
  readonly min: number;
  readonly max: number;
  readonly minExclusive: boolean;
  readonly int: boolean;
  readonly values: ReadonlySet<string> | undefined;
}

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> } };

function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) {
      cur = def.innerType;
    } else if (def.type === 'pipe' && def.in) cur = def.in;
    else return cur;
  }
}

function compile(schema: AnySchema, path: string[], out: FieldCheck[]): void {
  const s = unwrap(schema);
  const def = s._zod.def as { type: string; checks?: Array<{ _zod: { def: Record<string, unknown> } }> };
  const base = {
    path,
    min: Number.NEGATIVE_INFINITY,
    max: Number.POSITIVE_INFINITY,
    minExclusive: false,
    int: false,
    values: undefined,
  };
  if (def.type === 'object') {
    const shape = (s as unknown as { shape: Record<string, AnySchema> }).shape;
    for (const [k, v] of Object.entries(shape)) compile(v, [...path, k], out);
  } else if (def.type === 'number') {
    const n = s as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
    const exclusive = (def.checks ?? []).some(
      (c) => c._zod.def.check === 'greater_than' && c._zod.def.inclusive === false,
    );
    out.push({
      ...base,
      kind: 'number',
      min: n.minValue ?? base.min,
      max: n.maxValue ?? base.max,
      minExclusive: exclusive,
      int: n.isInt,
    });
  } else if (def.type === 'string') {
    const t = s as unknown as { minLength: number | null; maxLength: number | null };
    out.push({ ...base, kind: 'string', min: t.minLength ?? 0, max: t.maxLength ?? base.max });
  } else if (def.type === 'enum') {
    out.push({ ...base, kind: 'enum', values: new Set((s as unknown as { options: string[] }).options) });
  }
  // Unions (a number or an ISO string, a number or a provider id) and the literal `type` are left
  // to the edge's full parse: in process, TypeScript already holds them to their types.
}

/**
 * One function per event type, generated from its checks: plain property reads and comparisons,
 * so V8 sees monomorphic code with no loop, lookup or allocation (as ajv does for JSON Schema).
 * Paths and bounds come from our own schemas, never from input.
 */
function generate(checks: readonly FieldCheck[]): (e: SidetoneEvent) => boolean {
  const sets = checks.map((c) => c.values);
  const body = checks
    .map((c, i) => {
      // e["csq"] then ["rssi"], guarded: an absent parent means an absent (optional) field.
      const access = c.path.reduce((acc, k) => `${acc}?.[${JSON.stringify(k)}]`, 'e');
      const v = `v${i}`;
      let bad: string;
      if (c.kind === 'number') {
        const low = Number.isFinite(c.min) ? ` || !(${v} ${c.minExclusive ? '>' : '>='} ${c.min})` : '';
        const high = Number.isFinite(c.max) ? ` || !(${v} <= ${c.max})` : '';
        bad = `typeof ${v} !== 'number' || ${v} !== ${v}${low}${high}${c.int ? ` || !Number.isInteger(${v})` : ''}`;
      } else if (c.kind === 'string') {
        bad = `typeof ${v} !== 'string' || ${v}.length < ${c.min}${Number.isFinite(c.max) ? ` || ${v}.length > ${c.max}` : ''}`;
      } else bad = `typeof ${v} !== 'string' || !sets[${i}].has(${v})`;
      return `const ${v} = ${access}; if (${v} !== undefined && (${bad})) return false;`;
    })
    .join('\n');
  return new Function('sets', `return (e) => {\n${body}\nreturn true;\n};`)(sets) as (
    e: SidetoneEvent,
  ) => boolean;
}

/** Per event type, its generated check; built once at module load. */
const CHECKS = new Map<string, (e: SidetoneEvent) => boolean>(
  EVENT_SCHEMAS.map((schema) => {
    const out: FieldCheck[] = [];
    compile(schema as unknown as AnySchema, [], out);
    const fast = generate(out.filter((c) => c.path[0] !== 'type'));
    // A rule across fields (jitter in RTP units against the clock rate, a delivery report's status
    // and error code) lives in a refinement only the full parse runs: those few types pay for it.
    const refined = ((schema as unknown as AnySchema)._zod.def.checks as unknown[] | undefined)?.length ?? 0;
    const check = refined > 0 ? (e: SidetoneEvent) => fast(e) && schema.safeParse(e).success : fast;
    return [schema.shape.type.value, check];
  }),
);

/**
 * Whether an in-process event keeps the limits its schema sets: numbers in range (and integers
 * where required), strings within their lengths, enum values from their lists. The same limits
 * as `parseEvent` at the HTTP edge (one definition: both read the zod schemas), checked without
 * allocating, because `bus.emit` is a hot path: a full schema parse costs ~500 ns and allocates
 * per event. Presence and the shape of unions are TypeScript's to hold in process. The three types
 * with rules across fields (`media.report`, `modem.signal`, `sms.delivery_report`) also get the
 * full parse.
 * @example
 * isWithinLimits({ type: 'media.report', fractionLost: 300 }); // false: 0..255
 */
export function isWithinLimits(event: SidetoneEvent): boolean {
  const check = CHECKS.get(event.type);
  return check !== undefined && check(event);
}
