// The generator of src/events/predicates.generated.ts (scripts/gen-docs.mjs writes it;
// test/events/predicates-generated.test.ts fails when it is stale): the event predicates compiled
// from the events' JSON Schemas, the ones docs/schemas publishes (zod's public `z.toJSONSchema`, no
// read of zod's internals: issue 49), into TypeScript source, so that the bus and the ingest fast
// path check events with no zod loaded (`import 'sidetone'` took 159-166 ms of CPU with zod, 65-70 ms
// without; `sidetone/metrics` 23-25 ms). It runs at build time and does not ship.
//
// - `exact` (the ingest edge's fast path, `isExactEvent`): yes only when the full parse would
//   accept the value *and hand back an equal one*: every field of the right type and within its
//   limits, required fields present, no unknown field (the parse would drop it), no value a
//   transform would change (an ISO `ts`). A field whose parse changes it has two schemas, as sent
//   (input) and as parsed (output): the value must pass both (an ISO `ts` passes the first and not
//   the second, epoch ms both). Anything else, including every invalid value, answers no, and the
//   caller runs the full parse, which alone words the errors. So it may be conservative, never
//   wrong in the other direction (test/events/exact.slow.test.ts).
// - `limits` (`bus.emit`, `isWithinLimits`): the limits of every field present: numbers in range,
//   strings within their lengths, enum values from their lists, and the rules across fields.
//   Presence, unknown fields and what this does not model (a field the parse transforms) are left
//   to TypeScript in process (test/events/check.test.ts).
//
// Why not Ajv's standalone code from the same schemas: measured on the ingest bench's five events
// (load 5.3), its validator took 363 ns an event against 178 ns for both checks here, and it builds
// error objects for every `anyOf` branch that fails, also on values it accepts (a string
// `reference`); the bus and the ingest edge must not allocate. This emits plain property reads and
// comparisons, 60-100 ns an event, allocating nothing.
//
// What it models of JSON Schema is what z.toJSONSchema writes for the event schemas: type (string,
// number, integer, boolean, object, array), const, enum, anyOf, minLength/maxLength/pattern,
// minimum/maximum (exclusive too), maxItems, properties/required/additionalProperties, and a
// top-level anyOf of `required` (the JSON form of a rule across fields, which EVENT_RULES in
// src/events/rules.ts checks: the same function the schema refines with). Any other keyword makes
// the node unmodelled: the full parse (exact) or no check (limits).

import { Consts, extraKeys, numberBounds, regexLiteral } from './json-schema-gen.mjs';

/** Keywords that only annotate: they change no verdict. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'x-pii',
  'pii',
  'examples',
  '$schema',
  '$id',
  'deprecated',
]);

/** A node without its annotations (and, for comparing input with output, what only differs by io). */
function strip(node, forCompare) {
  if (Array.isArray(node)) return node.map((n) => strip(n, forCompare));
  if (typeof node !== 'object' || node === null) return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (ANNOTATIONS.has(k)) continue;
    if (forCompare && (k === 'required' || k === 'additionalProperties' || k === 'default')) continue;
    out[k] =
      k === 'properties'
        ? Object.fromEntries(Object.entries(v).map(([p, s]) => [p, strip(s, forCompare)]))
        : strip(v, forCompare);
  }
  return out;
}

/** Whether the parse hands a value of `input` back as it came (same schema both ways). */
const unchanged = (input, output) =>
  JSON.stringify(strip(input, true)) === JSON.stringify(strip(output, true));

class Gen {
  fns = [];
  /**
   * @param {'exact' | 'limits'} mode
   * @param {Consts} consts
   * @param {string} prefix
   */
  constructor(mode, consts, prefix) {
    this.mode = mode;
    this.consts = consts;
    this.prefix = prefix;
  }
  /** What a node this does not model gives: the full parse (exact), or no check (limits). */
  get unmodelled() {
    return this.mode === 'exact' ? 'false' : 'true';
  }

  /** The keys of `node` besides annotations, `type` and those listed. */
  extra(node, known) {
    return extraKeys(node, ANNOTATIONS, known);
  }

  /**
   * A JS expression over `v` that is true only when `node` accepts `v` (exact), or `v` keeps its
   * limits (limits); `unmodelled` for a node this does not model.
   */
  pred(node, v) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return this.unmodelled;
    if (node.anyOf !== undefined)
      return this.extra(node, ['anyOf']).length > 0 || node.type !== undefined
        ? this.unmodelled
        : this.union(node.anyOf, v);
    if (node.const !== undefined) {
      const c = node.const;
      if (this.extra(node, ['const']).length > 0 || !(typeof c === 'string' || typeof c === 'number'))
        return this.unmodelled;
      return `(${v} === ${JSON.stringify(c)})`;
    }
    if (node.enum !== undefined) {
      const values = node.enum;
      if (this.extra(node, ['enum']).length > 0 || !values.every((x) => typeof x === 'string'))
        return this.unmodelled;
      return `(typeof ${v} === 'string' && ${this.consts.add(`new Set<unknown>(${JSON.stringify(values)})`)}.has(${v}))`;
    }
    switch (node.type) {
      case 'string':
        return this.string(node, v);
      case 'number':
      case 'integer':
        return this.number(node, v);
      case 'boolean':
        return this.extra(node, []).length === 0 ? `(typeof ${v} === 'boolean')` : this.unmodelled;
      case 'object': {
        // The parse takes any object but null and arrays; the exact path only the plain ones JSON gives.
        const plain = this.mode === 'exact' ? `Object.getPrototypeOf(${v}) === P` : `!Array.isArray(${v})`;
        const fn = this.object(node);
        return fn === undefined
          ? this.unmodelled
          : `(typeof ${v} === 'object' && ${v} !== null && ${plain} && ${fn}(${v} as Rec))`;
      }
      case 'array': {
        // A bounded list (a call's SIP flow, issue 35): its length, then each element, in one loop.
        if (this.extra(node, ['items', 'maxItems']).length > 0) return this.unmodelled;
        const p = this.pred(node.items, 'x');
        if (p === this.unmodelled) return p;
        const name = `${this.prefix}${this.fns.length}`;
        const bound =
          node.maxItems !== undefined ? `if (a.length > ${Number(node.maxItems)}) return false; ` : '';
        this.fns.push(
          `function ${name}(a: unknown[]): boolean { ${bound}for (let j = 0; j < a.length; j++) { const x = a[j]; if (!(${p})) return false; } return true; }`,
        );
        return `(Array.isArray(${v}) && ${name}(${v}))`;
      }
      default:
        return this.unmodelled;
    }
  }

  /**
   * The parse returns the first option that passes: options up to the first one this cannot model
   * give the input back unchanged whichever of them matches. A limit check cannot tell what such
   * an option would accept, so it checks a union only when it models every option.
   */
  union(options, v) {
    const parts = [];
    for (const o of options) {
      const p = this.pred(o, v);
      if (p === this.unmodelled) {
        if (this.mode === 'limits') return p;
        break;
      }
      if (!parts.includes(p)) parts.push(p);
    }
    return parts.length === 0 ? this.unmodelled : `(${parts.join(' || ')})`;
  }

  string(node, v) {
    if (this.extra(node, ['minLength', 'maxLength', 'pattern']).length > 0) return this.unmodelled;
    let out = `typeof ${v} === 'string'`;
    // JSON Schema counts a string's length in code points, as zod does (with its own counter, called
    // here), but only where UTF-16 units cannot settle it: between `min` and `2 * min` units, or
    // over `max`.
    if (node.minLength !== undefined) {
      const min = Number(node.minLength);
      out +=
        min <= 1
          ? ` && ${v}.length >= ${min}`
          : ` && (${v}.length >= ${2 * min} || codePointLength(${v}) >= ${min})`;
    }
    if (node.maxLength !== undefined) {
      const max = Number(node.maxLength);
      out += ` && (${v}.length <= ${max} || codePointLength(${v}) <= ${max})`;
    }
    if (node.pattern !== undefined) out += ` && ${this.consts.add(regexLiteral(node.pattern))}.test(${v})`;
    return `(${out})`;
  }

  number(node, v) {
    if (this.extra(node, ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']).length > 0)
      return this.unmodelled;
    // Neither JSON Schema nor zod takes NaN or the infinities; an integer is a safe one in zod.
    let out =
      node.type === 'integer'
        ? `typeof ${v} === 'number' && Number.isSafeInteger(${v})`
        : `typeof ${v} === 'number' && Number.isFinite(${v})`;
    const bounds = numberBounds(node, v);
    if (bounds === undefined) return this.unmodelled;
    for (const b of bounds) out += ` && ${b}`;
    return `(${out})`;
  }

  /**
   * A predicate function for an object node (with its output form, `out`, for a top-level event);
   * returns its name, or undefined when not modelled. Fields are checked in schema order. Exact:
   * required fields must be there (those the parse would fill with a default too), present ones
   * are counted, and the count is compared with the object's own keys: one extra (unknown, or
   * present but undefined) key sends the value to the full parse. Limits: only the fields present
   * are checked. A rule across fields runs as the parse runs it, after the fields pass: the event
   * type's rule in EVENT_RULES, the same function the schema refines with.
   */
  object(node, out, rule) {
    const known = ['properties', 'required', 'additionalProperties', 'default'];
    const extra = this.extra(node, [...known, 'anyOf']);
    if (extra.length > 0 || node.properties === undefined) return undefined;
    if (node.additionalProperties !== undefined && node.additionalProperties !== false) return undefined;
    // A top-level anyOf of `required` is how a rule across fields reads in JSON Schema.
    if (node.anyOf !== undefined) {
      const isRule = node.anyOf.every((o) => Object.keys(o).length === 1 && Array.isArray(o.required));
      if (!isRule || rule === undefined)
        throw new Error(
          `event schema ${rule?.type ?? '(nested object)'}: an anyOf that is not a rule EVENT_RULES checks`,
        );
      if (!rule.has)
        throw new Error(`event schema ${rule.type} writes a rule across fields that EVENT_RULES lacks`);
    }
    const name = `${this.prefix}${this.fns.length}`;
    this.fns.push('');
    const i = this.fns.length - 1;
    const exact = this.mode === 'exact';
    const required = new Set([...(node.required ?? []), ...(out?.required ?? [])]);
    const lines = exact ? ['let n = 0;'] : [];
    for (const [key, field] of Object.entries(node.properties)) {
      const after = out?.properties?.[key];
      let p;
      if (after === undefined || unchanged(field, after)) p = this.pred(field, 'v');
      else if (!exact) p = this.unmodelled;
      else {
        const a = this.pred(field, 'v');
        const b = this.pred(after, 'v');
        p = a === 'false' || b === 'false' ? 'false' : a === b ? a : `${a} && ${b}`;
      }
      if (p === 'true') continue;
      const k = JSON.stringify(key);
      lines.push(
        !exact
          ? `{ const v = o[${k}]; if (v !== undefined && !(${p})) return false; }`
          : required.has(key)
            ? `{ const v = o[${k}]; if (v === undefined || !(${p})) return false; n++; }`
            : `{ const v = o[${k}]; if (v !== undefined) { if (!(${p})) return false; n++; } }`,
      );
    }
    if (exact) lines.push('let keys = 0; for (const _ in o) keys++; if (keys !== n) return false;');
    if (rule?.has) {
      // A rule written for parsed values may throw on a value that lacks a required field
      // (limits): that value is refused, never thrown past `bus.emit`.
      lines.push(
        `try { if (!EVENT_RULES[${JSON.stringify(rule.type)}]!(o)) return false; } catch { return false; }`,
      );
    }
    lines.push('return true;');
    this.fns[i] = `function ${name}(o: Rec): boolean {\n${lines.join('\n')}\n}`;
    return name;
  }
}

/**
 * The source of predicates.generated.ts: per event type its `exact` and `limits` predicates, and
 * `EVENT_TYPES` in documentation order.
 * @param {Array<{ type: string; schema: object }>} inputs each event type's JSON Schema as sent (the
 *   published one, `eventJsonSchemas()`), in documentation order
 * @param {Array<{ type: string; schema: object }>} outputs the same as parsed (`eventJsonSchemas('output')`)
 * @param {readonly string[]} ruleTypes the event types EVENT_RULES has a rule for
 * @example renderPredicatesModule(eventJsonSchemas(), eventJsonSchemas('output'), Object.keys(EVENT_RULES));
 */
export function renderPredicatesModule(inputs, outputs, ruleTypes) {
  const events = inputs.map(({ type, schema }, i) => {
    const output = outputs[i];
    if (output?.type !== type) throw new Error(`event schemas: input ${type} has no output beside it`);
    return { type, input: schema, output: output.schema };
  });
  const consts = new Consts();
  const fns = [];
  const maps = { exact: [], limits: [] };
  events.forEach(({ type, input, output }, t) => {
    for (const mode of ['exact', 'limits']) {
      const gen = new Gen(mode, consts, `${mode === 'exact' ? 'e' : 'l'}${t}_`);
      const top = gen.object(input, output, { type, has: ruleTypes.includes(type) });
      if (top === undefined)
        throw new Error(`event schema ${type}: its top level is not an object this models`);
      fns.push(...gen.fns);
      maps[mode].push(`  [${JSON.stringify(type)}, ${top}],`);
    }
  });
  return [
    '// Generated from the event JSON Schemas by scripts/gen-predicates.mjs (node scripts/gen-docs.mjs):',
    '// do not edit. test/events/predicates-generated.test.ts fails when it is stale.',
    "import { EVENT_RULES } from './rules.js';",
    "import type { EventType } from './types.js';",
    '',
    'type Rec = Record<string, unknown>;',
    'const P = Object.prototype;',
    '',
    "/** Code points of `s`, as JSON Schema and zod count a string's length (zod/v4/core util.codePointLength). */",
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
    `export const EVENT_TYPES: readonly EventType[] = ${JSON.stringify(events.map((e) => e.type))};`,
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
