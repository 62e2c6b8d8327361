import type { z } from 'zod';
import { InternalError } from '../errors.js';
import { EVENT_RULES } from './rules.js';
import { EVENT_SCHEMAS, EVENT_TYPES } from './schemas.js';

/**
 * The generator of src/events/predicates.generated.ts (scripts/gen-docs.mjs writes it; a test
 * fails when it is stale): predicates compiled from the event schemas, one per event type and per
 * use, as TypeScript source, so that the bus and the ingest fast path check events with no zod
 * loaded (`import 'sidetone'` took 159-166 ms of CPU with zod, 65-70 ms without; `sidetone/metrics`
 * 23-25 ms).
 *
 * - `exact` (the ingest edge's fast path, `isExactEvent`): yes only when the full parse would
 *   accept the value *and hand back an equal one*: every field of the right type and within its
 *   limits, required fields present, no unknown field (the parse would drop it), no value a
 *   transform would change (an ISO `ts`). Anything else, including every invalid value, answers
 *   no, and the caller runs the full parse, which alone words the errors. So it may be
 *   conservative, never wrong in the other direction (test/events/exact.slow.test.ts).
 * - `limits` (`bus.emit`, `isWithinLimits`): the limits of every field present: numbers in range,
 *   strings within their lengths, enum values from their lists, and the rules across fields.
 *   Presence, unknown fields and what this does not model (a union with a transform) are left to
 *   TypeScript in process (test/events/check.test.ts).
 *
 * Why: the zod parse costs ~2.5 us an event (micro-benchmark of the ingest bench's five event
 * types) and was 13 % of the sidecar's main thread in the bench's profile, and it allocates; the
 * generated code is plain property reads and comparisons, 60-100 ns an event, allocating nothing
 * (both checks of an ingest bench event: 123-131 ns here, 181-214 ns compiled at run time as before).
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
type Check = { _zod: { def: CheckDef } };

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

/** Collects what the generated source refers to: enum sets, patterns, nested object predicates. */
class Gen {
  readonly fns: string[] = [];
  constructor(
    private readonly mode: Mode,
    private readonly consts: Consts,
    private readonly prefix: string,
  ) {}
  /** What a schema kind this does not model gives: the full parse (exact), or no check (limits). */
  private get unmodelled(): string {
    return this.mode === 'exact' ? 'false' : 'true';
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
        return `(typeof ${v} === 'string' && ${this.consts.add(`new Set<unknown>(${JSON.stringify(values)})`)}.has(${v}))`;
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
        return `(typeof ${v} === 'object' && ${v} !== null && ${plain} && ${this.object(schema)}(${v} as Rec))`;
      }
      case 'array': {
        // A bounded list (a call's SIP flow, issue 35): its length, then each element, in one loop.
        let max = -1;
        for (const c of checks) {
          const d = c._zod.def as { check?: string; maximum?: unknown };
          if (d.check !== 'max_length') return this.unmodelled;
          max = Number(d.maximum);
        }
        const p = this.pred((schema._zod.def as unknown as { element: AnySchema }).element, 'x');
        if (p === this.unmodelled) return p;
        const name = `${this.prefix}${this.fns.length}`;
        const bound = max >= 0 ? `if (a.length > ${max}) return false; ` : '';
        this.fns.push(
          `function ${name}(a: unknown[]): boolean { ${bound}for (let j = 0; j < a.length; j++) { const x = a[j]; if (!(${p})) return false; } return true; }`,
        );
        return `(Array.isArray(${v}) && ${name}(${v}))`;
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
        out += ` && (${v}.length <= ${max} || codePointLength(${v}) <= ${max})`;
      } else if (d.check === 'min_length') {
        const min = Number(d.minimum);
        out +=
          min <= 1
            ? ` && ${v}.length >= ${min}`
            : ` && (${v}.length >= ${2 * min} || codePointLength(${v}) >= ${min})`;
      } else if (d.check === 'string_format' && d.format === 'regex' && isPlainRegExp(d.pattern)) {
        out += ` && ${this.consts.add(String(d.pattern))}.test(${v})`;
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
   * A predicate function for an object schema; returns its name. Fields are checked in shape
   * order. Exact: required fields must be there, present ones are counted, and the count is
   * compared with the object's own keys: one extra (unknown, or present but undefined) key sends
   * the value to the full parse. Limits: only the fields present are checked. A rule across
   * fields (refine) runs as zod runs it, after the fields pass: the event type's rule in
   * EVENT_RULES (rules.ts), the same function the schema refines with.
   */
  object(schema: AnySchema, rule?: string): string {
    const name = `${this.prefix}${this.fns.length}`;
    this.fns.push('');
    const i = this.fns.length - 1;
    const def = schema._zod.def as { checks?: Check[] };
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
    if ((def.checks ?? []).length > 0) {
      // A rule cannot be read back out of zod's closure: it must be the one EVENT_RULES names.
      if (rule === undefined || EVENT_RULES[rule] === undefined)
        throw new InternalError(
          `event schema ${rule ?? '(nested object)'} refines with a rule EVENT_RULES lacks`,
        );
      // A rule written for parsed values may throw on a value that lacks a required field
      // (limits): that value is refused, never thrown past `bus.emit`.
      lines.push(
        `try { if (!EVENT_RULES[${JSON.stringify(rule)}]!(o)) return false; } catch { return false; }`,
      );
    }
    lines.push('return true;');
    this.fns[i] = `function ${name}(o: Rec): boolean {\n${lines.join('\n')}\n}`;
    return name;
  }
}
/** Module-level constants of the generated source (enum sets, patterns), shared when equal. */
class Consts {
  readonly lines: string[] = [];
  private readonly names = new Map<string, string>();
  add(source: string): string {
    let name = this.names.get(source);
    if (name === undefined) {
      name = `K${this.names.size}`;
      this.names.set(source, name);
      this.lines.push(`const ${name} = ${source};`);
    }
    return name;
  }
}

/**
 * The source of predicates.generated.ts: per event type its `exact` and `limits` predicates, and
 * `EVENT_TYPES` in documentation order.
 * @example writeFileSync('src/events/predicates.generated.ts', renderPredicatesModule());
 */
export function renderPredicatesModule(): string {
  const consts = new Consts();
  const fns: string[] = [];
  const maps: Record<Mode, string[]> = { exact: [], limits: [] };
  EVENT_SCHEMAS.forEach((schema, t) => {
    const type = schema.shape.type.value;
    for (const mode of ['exact', 'limits'] as const) {
      const gen = new Gen(mode, consts, `${mode === 'exact' ? 'e' : 'l'}${t}_`);
      const top = gen.object(schema as unknown as AnySchema, type);
      fns.push(...gen.fns);
      maps[mode].push(`  [${JSON.stringify(type)}, ${top}],`);
    }
  });
  return [
    '// Generated from the event schemas by src/events/predicates-gen.ts (node scripts/gen-docs.mjs):',
    '// do not edit. test/events/predicates-generated.test.ts fails when it is stale.',
    "import { EVENT_RULES } from './rules.js';",
    "import type { EventType } from './types.js';",
    '',
    'type Rec = Record<string, unknown>;',
    'const P = Object.prototype;',
    '',
    "/** Code points of `s`, as zod counts them for a string's length (zod/v4/core util.codePointLength). */",
    'function codePointLength(s: string): number {',
    '  let count = s.length;',
    '  for (let i = 0; i < s.length - 1; i++) {',
    '    if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {',
    '      count--;',
    '      i++;',
    '    }',
    '  }',
    '  return count;',
    '}',
    '',
    ...consts.lines,
    '',
    ...fns,
    '',
    '/** Every event `type`, in documentation order (as schemas.ts lists them, without loading zod). */',
    `export const EVENT_TYPES: readonly EventType[] = ${JSON.stringify(EVENT_TYPES)};`,
    '',
    '/** Per event type: true only when the full parse would accept the value unchanged. */',
    'export const EXACT: ReadonlyMap<string, (o: Rec) => boolean> = new Map([',
    ...maps.exact,
    ']);',
    '',
    '/** Per event type: true when every field present keeps its limits, and the rules across fields. */',
    'export const LIMITS: ReadonlyMap<string, (o: Rec) => boolean> = new Map([',
    ...maps.limits,
    ']);',
    '',
  ].join('\n');
}
