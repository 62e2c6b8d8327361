// The generator of src/config/fast.generated.ts (scripts/gen-docs.mjs writes it;
// test/config/fast.test.ts fails when it is stale): the configuration schema's JSON Schema (zod's
// public `z.toJSONSchema`, io 'input': no read of zod's internals, issue 49) compiled, once, at
// build time, into the list of its keys and a plain function that gives the resolved
// configuration, every default filled in, for any input the schema surely accepts, and answers
// "no" for everything else. loadConfig runs it first and loads zod only for a "no", so zod alone
// words every message an operator reads, and a valid configuration (the default `sidetone serve`
// above all) starts without zod: 95 modules, 90-110 ms of CPU and ~12 MiB of RSS (issue 39). It
// runs at build time and does not ship.
//
// It may be conservative, never wrong the other way: a node it does not model (a URL, whose check
// trims the value; a record; a preprocess) answers "no" when its key is given, and zod decides.
// test/config/fast.test.ts checks both against each other on random configurations (fast-check):
// equal results whenever the fast path answers, and a "no" only where zod rejects or an unmodelled
// key is given.
//
// What JSON Schema cannot say, the schema marks with `.meta` (schema.ts, fnMark): `x-check` (a
// refinement: the function of checks.ts's CONFIG_FNS by that name), `x-transform` (a transform of
// the checked value, after its default), `x-preprocess` (left to zod), and `x-cross-field` (the rules
// across keys, checks.ts's crossFieldIssues, run on the result as zod runs its superRefine). A
// default on an object with properties is a prefault (the default goes through the object's own
// checks and defaults), any other a default (given as it is): the schema's convention, which the
// random test holds it to.

import { Consts, extraKeys, numberBounds, regexLiteral } from './json-schema-gen.mjs';

/** The marks schema.ts writes (see above). */
const MARKS = ['x-check', 'x-transform', 'x-preprocess', 'x-cross-field'];
/** Keys that change no verdict here: annotations, the marks (read where they apply) and `default`. */
const SKIP = new Set([
  'description',
  'title',
  '$schema',
  '$id',
  'examples',
  'deprecated',
  ...MARKS,
  'default',
]);

/** A default as source: JSON, which must give the value back exactly. */
function literal(value, where) {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`config schema: the default at ${where} is not plain JSON`);
  return text;
}

/** The name of a function of CONFIG_FNS, as a mark gives it. */
function fnName(name, fns, where) {
  if (typeof name !== 'string' || !fns.includes(name))
    throw new Error(
      `config schema: the mark at ${where} names ${String(name)}, which checks.ts's CONFIG_FNS lacks`,
    );
  return name;
}

/** How an environment variable's string becomes a key's value. */
function kindOf(node) {
  switch (node.type) {
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return node.items?.type === 'object' ? 'users' : 'list';
    default:
      return 'string';
  }
}

/**
 * Every key of the schema: `server.port` ↔ `SIDETONE_SERVER_PORT`, with how a string becomes its
 * value. A section is an object with properties; anything else (a record too) is a key.
 */
export function configKeys(schema) {
  const out = [];
  const walk = (node, prefix) => {
    if (node.type === 'object' && node.properties !== undefined) {
      for (const [k, v] of Object.entries(node.properties)) walk(v, [...prefix, k]);
      return;
    }
    out.push({
      path: prefix.join('.'),
      env: `SIDETONE_${prefix.join('_').toUpperCase()}`,
      kind: kindOf(node),
    });
  };
  walk(schema, []);
  return out;
}

/** Collects the generated functions and the constants they share (enum sets, patterns). */
class Gen {
  fns = [];
  /** Where a given value always goes to zod (a node not modelled). */
  unmodelled = new Set();
  consts = new Consts();
  byBody = new Map();
  /** @param {readonly string[]} fnNames the names of CONFIG_FNS */
  constructor(fnNames) {
    this.fnNames = fnNames;
  }

  constant(source) {
    return this.consts.add(source);
  }

  /** A function `(v) => output | NO` for `body`, one per distinct body; its name. */
  named(body, where) {
    if (body === 'return NO;' && where !== undefined) this.unmodelled.add(where);
    let name = this.byBody.get(body);
    if (name === undefined) {
      name = `f${this.fns.length}`;
      this.byBody.set(body, name);
      this.fns.push(`function ${name}(v: unknown): unknown {\n${body}\n}`);
    }
    return name;
  }

  /** The function of `node` at `where`, its default (a prefault for a section) and transform included. */
  fn(node, where) {
    const inner = this.named(this.checked(node, where), where);
    const transform = node['x-transform'];
    let fn = inner;
    if (node.default !== undefined) {
      const def = literal(node.default, where);
      const section = node.type === 'object' && node.properties !== undefined;
      fn = this.named(
        section
          ? `return ${inner}(v === undefined ? ${def} : v);`
          : `return v === undefined ? ${def} : ${inner}(v);`,
      );
    }
    if (transform === undefined) return fn;
    const name = fnName(transform, this.fnNames, where);
    return this.named(`const a = ${fn}(v);\nreturn a === NO ? NO : CONFIG_FNS.${name}(a as never);`);
  }

  /** The keys of `node` besides annotations, marks and those listed. */
  extra(node, known) {
    return extraKeys(node, SKIP, known);
  }

  /** The body checking a given value against `node` (its default and transform aside). */
  checked(node, where) {
    if (node['x-preprocess'] !== undefined) return 'return NO;';
    if (node.enum !== undefined) {
      if (
        this.extra(node, ['enum']).length > 0 ||
        node['x-check'] !== undefined ||
        !node.enum.every((x) => typeof x === 'string')
      )
        return 'return NO;';
      return `return ${this.constant(`new Set<unknown>(${JSON.stringify(node.enum)})`)}.has(v) ? v : NO;`;
    }
    switch (node.type) {
      case 'boolean':
        return this.extra(node, []).length === 0 && node['x-check'] === undefined
          ? "return typeof v === 'boolean' ? v : NO;"
          : 'return NO;';
      case 'string':
      case 'number':
      case 'integer': {
        const tests = this.leaf(node, where);
        return tests === undefined ? 'return NO;' : `return ${tests.join(' && ')} ? v : NO;`;
      }
      case 'array': {
        if (this.extra(node, ['items', 'minItems', 'maxItems']).length > 0 || node['x-check'] !== undefined)
          return 'return NO;';
        const bounds = [];
        if (node.maxItems !== undefined) bounds.push(`v.length > ${Number(node.maxItems)}`);
        if (node.minItems !== undefined) bounds.push(`v.length < ${Number(node.minItems)}`);
        const el = this.fn(node.items, `${where}[]`);
        return [
          `if (!Array.isArray(v)${bounds.map((b) => ` || ${b}`).join('')}) return NO;`,
          'const out: unknown[] = [];',
          `for (const x of v) { const r = ${el}(x); if (r === NO) return NO; out.push(r); }`,
          'return out;',
        ].join('\n');
      }
      case 'object':
        return this.object(node, where);
      default:
        return 'return NO;';
    }
  }

  /** The tests of a string or number, or undefined for a keyword not modelled (a format: a URL). */
  leaf(node, where) {
    const known =
      node.type === 'string'
        ? ['minLength', 'maxLength', 'pattern']
        : ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
    if (this.extra(node, known).length > 0) return undefined;
    // JSON Schema and zod count a string's length in code points; a number is finite, an integer safe.
    const tests =
      node.type === 'string'
        ? ["typeof v === 'string'"]
        : [
            "typeof v === 'number'",
            node.type === 'integer' ? 'Number.isSafeInteger(v)' : 'Number.isFinite(v)',
          ];
    if (node.minLength !== undefined) tests.push(`codePoints(v) >= ${Number(node.minLength)}`);
    if (node.maxLength !== undefined) tests.push(`codePoints(v) <= ${Number(node.maxLength)}`);
    if (node.pattern !== undefined) tests.push(`${this.constant(regexLiteral(node.pattern))}.test(v)`);
    const bounds = numberBounds(node, 'v');
    if (bounds === undefined) return undefined;
    tests.push(...bounds);
    if (node['x-check'] !== undefined)
      tests.push(`CONFIG_FNS.${fnName(node['x-check'], this.fnNames, where)}(v as never)`);
    return tests;
  }

  /**
   * A strict object: every own key known and none undefined (zod tells a key given as undefined
   * from an absent one), each field in schema order, an absent optional one left out as zod leaves
   * it; then the rules across keys where the schema marks them.
   */
  object(node, where) {
    if (node.properties === undefined || node.additionalProperties !== false) return 'return NO;';
    if (
      this.extra(node, ['properties', 'required', 'additionalProperties']).length > 0 ||
      node['x-check'] !== undefined
    )
      return 'return NO;';
    const required = new Set(node.required ?? []);
    const keys = this.constant(`new Set(${JSON.stringify(Object.keys(node.properties))})`);
    const lines = [
      "if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;",
      'const proto = Object.getPrototypeOf(v);',
      'if (proto !== Object.prototype && proto !== null) return NO;',
      'const o = v as Rec;',
      `for (const k of Object.keys(o)) if (!${keys}.has(k) || o[k] === undefined) return NO;`,
      'const out: Rec = {};',
      'let r: unknown;',
    ];
    for (const [key, field] of Object.entries(node.properties)) {
      const at = where === '' ? key : `${where}.${key}`;
      let f = this.fn(field, at);
      // Optional: an absent key stays absent.
      if (!required.has(key) && field.default === undefined)
        f = this.named(`return v === undefined ? undefined : ${f}(v);`);
      const k = JSON.stringify(key);
      lines.push(`r = ${f}(o[${k}]); if (r === NO) return NO; if (r !== undefined) out[${k}] = r;`);
    }
    if (node['x-cross-field'] === true)
      lines.push('if (crossFieldIssues(out as never).length > 0) return NO;');
    lines.push('return out;');
    return lines.join('\n');
  }
}

/**
 * The keys (`[]` for a list's elements) whose given value the fast path always leaves to zod.
 * @param {object} schema the configuration's JSON Schema (io 'input')
 * @param {readonly string[]} fnNames the names of checks.ts's CONFIG_FNS
 * @example unmodelledKeys(schema, names); // ['otel.endpoint', 'push.remote_write_url', 'push.external_labels']
 */
export function unmodelledKeys(schema, fnNames) {
  const gen = new Gen(fnNames);
  gen.fn(schema, '');
  return [...gen.unmodelled];
}

/**
 * The source of fast.generated.ts: CONFIG_KEY_LIST and fastConfig.
 * @param {object} schema the configuration's JSON Schema (io 'input'), as configJsonSchema() gives it
 * @param {readonly string[]} fnNames the names of checks.ts's CONFIG_FNS
 * @example writeFileSync('src/config/fast.generated.ts', renderFastConfigModule(configJsonSchema(), Object.keys(CONFIG_FNS)));
 */
export function renderFastConfigModule(schema, fnNames) {
  const gen = new Gen(fnNames);
  const top = gen.fn(schema, '');
  return [
    '// Generated from the configuration JSON Schema by scripts/gen-config.mjs (node scripts/gen-docs.mjs):',
    '// do not edit. test/config/fast.test.ts fails when it is stale.',
    "import { CONFIG_FNS, crossFieldIssues } from './checks.js';",
    "import type { SidetoneConfig } from './schema.js';",
    '',
    'type Rec = Record<string, unknown>;',
    '/** "No": the schema might reject the value, or change it in a way this does not model. */',
    "const NO = Symbol('no');",
    "/** Code points, as JSON Schema and zod count a string's length. */",
    'const codePoints = (s: string): number => Array.from(s).length;',
    '',
    ...gen.consts.lines,
    '',
    ...gen.fns,
    '',
    '/** Every key of the schema, in its order. */',
    `export const CONFIG_KEY_LIST = ${JSON.stringify(configKeys(schema))} as const;`,
    '',
    '/**',
    ' * The configuration the schema resolves `raw` to, when it surely accepts it; undefined when it',
    ' * might not (then only the schema can say, and word, what is wrong).',
    ' */',
    'export function fastConfig(raw: unknown): SidetoneConfig | undefined {',
    `  const r = ${top}(raw);`,
    '  return r === NO ? undefined : (r as SidetoneConfig);',
    '}',
    '',
  ].join('\n');
}
