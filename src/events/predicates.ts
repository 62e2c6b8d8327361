import type { z } from 'zod';
import { util } from 'zod/v4/core';
import { EVENT_SCHEMAS } from './schemas.js';
import type { SidetoneEvent } from './types.js';

/**
 * Predicates generated from the event schemas, one per event type and per use, by one compiler:
 *
 * - `exact` (the ingest edge's fast path, `isExactEvent`): yes only when the full parse would
 *   accept the value *and hand back an equal one*: every field of the right type and within its
 *   limits, required fields present, no unknown field (the parse would drop it), no value a
 *   transform would change (an ISO `ts`). Anything else, including every invalid value, answers
 *   no, and the caller runs the full parse, which alone words the errors. So it may be
 *   conservative, never wrong in the other direction (test/events/exact.test.ts).
 * - `limits` (`bus.emit`, `isWithinLimits`): the limits of every field present: numbers in range,
 *   strings within their lengths, enum values from their lists, and the rules across fields.
 *   Presence, unknown fields and what this does not model (a union with a transform) are left to
 *   TypeScript in process (test/events/check.test.ts).
 *
 * Why: the zod parse costs ~2.5 us an event (micro-benchmark of the ingest bench's five event
 * types) and was 13 % of the sidecar's main thread in the bench's profile, and it allocates; the
 * generated code is plain property reads and comparisons, 60-100 ns an event, allocating nothing.
 */
type Mode = 'exact' | 'limits';

type AnySchema = z.ZodType & { _zod: { def: Record<string, unknown> } };
interface CheckDef {
  check?: string;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
  maximum?: number;
  minimum?: number;
  pattern?: unknown;
}
type Check = { _zod: { def: CheckDef; check: (payload: unknown) => unknown } };

/** Ranges of zod's number formats (`z.int()` is `safeint`), as zod 4 checks them. */
const FORMATS: Record<string, readonly [number, number, boolean]> = {
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true],
  int32: [-2147483648, 2147483647, true],
  uint32: [0, 4294967295, true],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE, false],
};

/** A pattern whose `test` keeps no state between calls (no `g` or `y` flag), as zod's regex check. */
function isPlainRegExp(p: unknown): p is RegExp {
  return p instanceof RegExp && !p.global && !p.sticky;
}

/** Collects what the generated source refers to: enum sets, nested object predicates, refinements. */
class Gen {
  readonly refs: unknown[] = [];
  readonly fns: string[] = [];
  constructor(private readonly mode: Mode) {}
  /** What a schema kind this does not model gives: the full parse (exact), or no check (limits). */
  private get unmodelled(): string {
    return this.mode === 'exact' ? 'false' : 'true';
  }
  ref(value: unknown): string {
    this.refs.push(value);
    return `r[${this.refs.length - 1}]`;
  }

  /**
   * A JS expression over `v` that is true only when `schema` accepts `v` unchanged (exact), or
   * `v` keeps its limits (limits); `unmodelled` for a schema kind this does not model.
   */
  pred(schema: AnySchema, v: string): string {
    const def = schema._zod.def as {
      type: string;
      checks?: Check[];
      options?: AnySchema[];
      entries?: Record<string, unknown>;
      values?: unknown[];
    };
    const checks = def.checks ?? [];
    switch (def.type) {
      case 'string':
        return this.string(checks, v);
      case 'number':
        return this.number(checks, v);
      case 'boolean':
        return checks.length === 0 ? `(typeof ${v} === 'boolean')` : this.unmodelled;
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (checks.length > 0 || !values.every((x) => typeof x === 'string')) return this.unmodelled;
        return `(typeof ${v} === 'string' && ${this.ref(new Set(values))}.has(${v}))`;
      }
      case 'literal': {
        const values = def.values ?? [];
        if (checks.length > 0 || !values.every((x) => typeof x === 'string' || typeof x === 'number'))
          return this.unmodelled;
        return `(${values.map((x) => `${v} === ${JSON.stringify(x)}`).join(' || ')})`;
      }
      case 'union': {
        if (checks.length > 0) return this.unmodelled;
        // zod returns the first option that passes: options up to the first one this cannot model
        // (a transform) give the input back unchanged whichever of them matches. A limit check
        // cannot tell what such an option would accept, so it checks a union only when it models
        // every option.
        const parts: string[] = [];
        for (const o of def.options ?? []) {
          const p = this.pred(o, v);
          if (p === this.unmodelled) {
            if (this.mode === 'limits') return p;
            break;
          }
          parts.push(p);
        }
        return parts.length === 0 ? this.unmodelled : `(${parts.join(' || ')})`;
      }
      case 'object': {
        // zod takes any object but null and arrays; the exact path only the plain ones JSON gives.
        const plain = this.mode === 'exact' ? `Object.getPrototypeOf(${v}) === P` : `!Array.isArray(${v})`;
        return `(typeof ${v} === 'object' && ${v} !== null && ${plain} && f${this.object(schema)}(${v}))`;
      }
      case 'array': {
        // A bounded list (a call's SIP flow): its length, then each element, in one loop.
        let max = -1;
        for (const c of checks) {
          const d = c._zod.def as { check: string; maximum?: unknown };
          if (d.check !== 'max_length') return this.unmodelled;
          max = Number(d.maximum);
        }
        const p = this.pred((schema._zod.def as unknown as { element: AnySchema }).element, 'x');
        if (p === this.unmodelled) return p;
        const i = this.fns.length;
        const bound = max >= 0 ? `if (a.length > ${max}) return false; ` : '';
        this.fns.push(
          `function f${i}(a) { ${bound}for (let j = 0; j < a.length; j++) { const x = a[j]; if (!(${p})) return false; } return true; }`,
        );
        return `(Array.isArray(${v}) && f${i}(${v}))`;
      }
      default:
        // optional inside a union, nullable, default, pipe/transform, ...: not modelled.
        return this.unmodelled;
    }
  }

  private string(checks: Check[], v: string): string {
    let out = `typeof ${v} === 'string'`;
    for (const c of checks) {
      const d = c._zod.def;
      // zod counts code points (with its own counter, called here), but only where UTF-16 units
      // cannot settle it: over `max` units, or between `min` and `2 * min`; so does this.
      if (d.check === 'max_length') {
        const max = Number(d.maximum);
        out += ` && (${v}.length <= ${max} || ${this.ref(util.codePointLength)}(${v}) <= ${max})`;
      } else if (d.check === 'min_length') {
        const min = Number(d.minimum);
        out +=
          min <= 1
            ? ` && ${v}.length >= ${min}`
            : ` && (${v}.length >= ${2 * min} || ${this.ref(util.codePointLength)}(${v}) >= ${min})`;
      } else if (d.check === 'string_format' && d.format === 'regex' && isPlainRegExp(d.pattern)) {
        out += ` && ${this.ref(d.pattern)}.test(${v})`;
      } else return this.unmodelled;
    }
    return `(${out})`;
  }

  private number(checks: Check[], v: string): string {
    // z.number() refuses NaN and the infinities.
    let out = `typeof ${v} === 'number' && Number.isFinite(${v})`;
    for (const c of checks) {
      const d = c._zod.def;
      if ((d.check === 'greater_than' || d.check === 'less_than') && typeof d.value === 'number') {
        const op = d.check === 'greater_than' ? (d.inclusive ? '>=' : '>') : d.inclusive ? '<=' : '<';
        out += ` && ${v} ${op} ${d.value}`;
      } else if (d.check === 'number_format' && d.format !== undefined && FORMATS[d.format]) {
        const [min, max, int] = FORMATS[d.format] as readonly [number, number, boolean];
        out += `${int ? ` && Number.isSafeInteger(${v})` : ''} && ${v} >= ${min} && ${v} <= ${max}`;
      } else return this.unmodelled;
    }
    return `(${out})`;
  }

  /**
   * A predicate function for an object schema; returns its index (`f<i>`). Fields are checked in
   * shape order. Exact: required fields must be there, present ones are counted, and the count is
   * compared with the object's own keys: one extra (unknown, or present but undefined) key sends
   * the value to the full parse. Limits: only the fields present are checked.
   */
  object(schema: AnySchema): number {
    const i = this.fns.length;
    this.fns.push('');
    const def = schema._zod.def as { checks?: Check[]; catchall?: unknown };
    const shape = (schema as unknown as { shape: Record<string, AnySchema> }).shape;
    const exact = this.mode === 'exact';
    const lines: string[] = exact ? ['let n = 0;'] : [];
    for (const [key, field] of Object.entries(shape)) {
      const fdef = field._zod.def as { type: string; innerType?: AnySchema; checks?: unknown[] };
      const optional = fdef.type === 'optional' && (fdef.checks ?? []).length === 0;
      const p = this.pred(optional ? (fdef.innerType as AnySchema) : field, 'v');
      if (p === 'true') continue;
      const k = JSON.stringify(key);
      lines.push(
        !exact
          ? `{ const v = o[${k}]; if (v !== undefined && !(${p})) return false; }`
          : optional
            ? `{ const v = o[${k}]; if (v !== undefined) { if (!(${p})) return false; n++; } }`
            : `{ const v = o[${k}]; if (v === undefined || !(${p})) return false; n++; }`,
      );
    }
    if (exact) lines.push('let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;');
    // Rules across fields (refine / superRefine) run as zod runs them: on an issue-free payload.
    const checks = def.checks ?? [];
    // One payload per type, reused (the check is synchronous and never re-entered): a fresh one
    // per event was most of what this predicate allocated.
    if (checks.length > 0) {
      const payload = this.ref({ value: undefined, issues: [] as unknown[] });
      // A rule written for parsed values may throw on a value that lacks a required field
      // (limits): that value is refused, never thrown past `bus.emit`.
      lines.push(
        `${payload}.value = o; ${payload}.issues.length = 0;`,
        `let ok = true; try { for (const c of ${this.ref(checks)}) c._zod.check(${payload}); ok = ${payload}.issues.length === 0; } catch { ok = false; }`,
        `${payload}.value = undefined; ${payload}.issues.length = 0;`,
        'if (!ok) return false;',
      );
    }
    lines.push('return true;');
    this.fns[i] = `function f${i}(o) {\n${lines.join('\n')}\n}`;
    return i;
  }
}

/** Per event type, its generated predicate in `mode`; built once at module load. */
function compile(mode: Mode): ReadonlyMap<string, (value: object) => boolean> {
  return new Map(
    EVENT_SCHEMAS.map((schema) => {
      const gen = new Gen(mode);
      const top = gen.object(schema as unknown as AnySchema);
      // Source built from our own schemas only (field names JSON-quoted), never from input.
      const fn = new Function('r', 'P', `${gen.fns.join('\n')}\nreturn f${top};`)(gen.refs, Object.prototype);
      return [schema.shape.type.value, fn as (value: object) => boolean];
    }),
  );
}
const EXACT = compile('exact');
const LIMITS = compile('limits');

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
  return check?.(value) === true;
}

/**
 * Whether an in-process event keeps the limits its schema sets (the same limits as `parseEvent`
 * at the HTTP edge: both read the zod schemas), checked without allocating, because `bus.emit` is
 * a hot path. Never throws.
 * @example
 * isWithinLimits({ type: 'media.report', fractionLost: 300 }); // false: 0..255
 */
export function isWithinLimits(event: SidetoneEvent): boolean {
  const check = LIMITS.get(event.type);
  return check?.(event) === true;
}
