import { isDeepStrictEqual } from 'node:util';
import { InternalError } from '../errors.js';
import { CONFIG_FNS } from './checks.js';
import type { ConfigKey, KeyKind } from './keys.js';
import { configSchema } from './schema.js';

/**
 * The generator of src/config/fast.generated.ts (scripts/gen-docs.mjs writes it; a test fails
 * when it is stale): the configuration schema compiled, once, at build time, into the list of its
 * keys and a plain function that gives the resolved configuration, every default filled in, for
 * any input the schema surely accepts, and answers "no" for everything else. loadConfig runs it
 * first and loads zod only for a "no", so zod alone words every message an operator reads, and a
 * valid configuration (the default `sidetone serve` above all) starts without zod: 95 modules,
 * 90-110 ms of CPU and ~12 MiB of RSS (zod, the schema and the key walk imported alone; issue 39).
 *
 * It may be conservative, never wrong the other way: a kind of schema it does not model (a URL,
 * whose check trims the value; a record; a union) answers "no" when its key is given, and zod
 * decides. test/config/fast.test.ts checks both against each other on random configurations
 * (fast-check): equal results whenever the fast path answers, and a "no" only where zod rejects or
 * an unmodelled key is given. Refinements and transforms are the functions of checks.ts, which the
 * schema itself uses; one the generator cannot find there fails the build.
 */

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  entries?: Record<string, unknown>;
  checks?: Check[];
  defaultValue?: unknown;
  transform?: unknown;
  /** A string or number format schema's own (`z.url()`: 'url'). */
  format?: string;
}
interface Schema {
  _zod: { def: Def };
}
interface Check {
  _zod: {
    def: {
      check: string;
      value?: unknown;
      inclusive?: boolean;
      format?: string;
      minimum?: number;
      maximum?: number;
      pattern?: unknown;
      fn?: unknown;
    };
  };
}

/** The name checks.ts gives a function of the schema. */
function fnName(fn: unknown, where: string): string {
  const name = Object.entries(CONFIG_FNS).find(([, f]) => f === fn)?.[0];
  if (name === undefined)
    throw new InternalError(`config schema: a refinement or transform at ${where} is not one of checks.ts`);
  return name;
}

/** A default as source: JSON, which must give the value back exactly. */
function literal(value: unknown, where: string): string {
  const text = JSON.stringify(value);
  if (text === undefined || !isDeepStrictEqual(JSON.parse(text), value))
    throw new InternalError(`config schema: the default at ${where} is not plain JSON`);
  return text;
}

/** Walk through wrappers (default, prefault, optional, transform pipes) to the schema that matters. */
function unwrap(def: Def): Def {
  let d = def;
  for (;;) {
    if (d.innerType !== undefined) d = d.innerType._zod.def;
    else if (d.type === 'pipe' && d.in !== undefined) d = d.in._zod.def;
    else return d;
  }
}

function kindOf(def: Def): KeyKind {
  switch (def.type) {
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return def.element !== undefined && unwrap(def.element._zod.def).type === 'object' ? 'users' : 'list';
    default:
      return 'string';
  }
}

/**
 * Every key of the schema: `server.port` ↔ `SIDETONE_SERVER_PORT`, with how a string becomes its
 * value.
 */
export function configKeys(schema: Schema = configSchema() as unknown as Schema): ConfigKey[] {
  const out: ConfigKey[] = [];
  const walk = (def: Def, prefix: string[]) => {
    const d = unwrap(def);
    if (d.type === 'object' && d.shape !== undefined) {
      for (const [k, v] of Object.entries(d.shape)) walk(v._zod.def, [...prefix, k]);
      return;
    }
    out.push({ path: prefix.join('.'), env: `SIDETONE_${prefix.join('_').toUpperCase()}`, kind: kindOf(d) });
  };
  walk(schema._zod.def, []);
  return out;
}

/** Collects the generated functions and the constants they share (enum sets, patterns). */
class Gen {
  readonly fns: string[] = [];
  /** Where a given value always goes to zod (a kind of schema not modelled). */
  readonly unmodelled = new Set<string>();
  readonly consts: string[] = [];
  private readonly names = new Map<string, string>();

  private constant(source: string): string {
    let name = this.names.get(source);
    if (name === undefined) {
      name = `K${this.names.size}`;
      this.names.set(source, name);
      this.consts.push(`const ${name} = ${source};`);
    }
    return name;
  }

  private readonly byBody = new Map<string, string>();

  /** A function `(v) => output | NO` for `schema` at `where` (one per distinct body); its name. */
  fn(schema: Schema, where: string): string {
    const body = this.body(schema, where);
    if (body === 'return NO;') this.unmodelled.add(where);
    let name = this.byBody.get(body);
    if (name === undefined) {
      name = `f${this.fns.length}`;
      this.byBody.set(body, name);
      this.fns.push(`function ${name}(v: unknown): unknown {\n${body}\n}`);
    }
    return name;
  }

  private body(schema: Schema, where: string): string {
    const def = schema._zod.def;
    const checks = def.checks ?? [];
    const inner = () => this.fn(def.innerType as Schema, where);
    switch (def.type) {
      case 'optional':
        // An absent key stays absent; an inner default would fill it, which this does not model.
        if (['default', 'prefault'].includes((def.innerType as Schema)._zod.def.type)) return 'return NO;';
        return `return v === undefined ? undefined : ${inner()}(v);`;
      case 'default':
        // zod gives a copy of the default and does not check it; any given value goes through.
        return `return v === undefined ? ${literal(def.defaultValue, where)} : ${inner()}(v);`;
      case 'prefault':
        return `return ${inner()}(v === undefined ? ${literal(def.defaultValue, where)} : v);`;
      case 'pipe': {
        const out = (def.out as Schema)._zod.def;
        if ((def.in as Schema)._zod.def.type === 'transform' || out.type !== 'transform') return 'return NO;';
        return `const a = ${this.fn(def.in as Schema, where)}(v);\nreturn a === NO ? NO : CONFIG_FNS.${fnName(out.transform, where)}(a as never);`;
      }
      case 'boolean':
        return checks.length === 0 ? "return typeof v === 'boolean' ? v : NO;" : 'return NO;';
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (checks.length > 0 || !values.every((x) => typeof x === 'string')) return 'return NO;';
        return `return ${this.constant(`new Set<unknown>(${JSON.stringify(values)})`)}.has(v) ? v : NO;`;
      }
      case 'string':
      case 'number': {
        // A format (z.url() trims its value, z.int()...) is a check of its own: not modelled.
        if (def.format !== undefined) return 'return NO;';
        const tests = this.leafChecks(def.type, checks, where);
        return tests === undefined ? 'return NO;' : `return ${tests.join(' && ')} ? v : NO;`;
      }
      case 'array': {
        const bounds: string[] = [];
        for (const c of checks) {
          const d = c._zod.def;
          if (d.check === 'max_length') bounds.push(`v.length > ${Number(d.maximum)}`);
          else if (d.check === 'min_length') bounds.push(`v.length < ${Number(d.minimum)}`);
          else return 'return NO;';
        }
        const el = this.fn(def.element as Schema, `${where}[]`);
        return [
          `if (!Array.isArray(v)${bounds.map((b) => ` || ${b}`).join('')}) return NO;`,
          'const out: unknown[] = [];',
          `for (const x of v) { const r = ${el}(x); if (r === NO) return NO; out.push(r); }`,
          'return out;',
        ].join('\n');
      }
      case 'object':
        return this.object(def, where);
      default:
        // A URL (its check trims the value), a record, a union, a bare transform...: zod decides.
        return 'return NO;';
    }
  }

  /** The tests of a string or number and its checks, or undefined for a check not modelled. */
  private leafChecks(type: string, checks: Check[], where: string): string[] | undefined {
    // z.number() refuses NaN and the infinities.
    const tests =
      type === 'string' ? ["typeof v === 'string'"] : ["typeof v === 'number'", 'Number.isFinite(v)'];
    for (const c of checks) {
      const d = c._zod.def;
      if (d.check === 'min_length') tests.push(`codePoints(v) >= ${Number(d.minimum)}`);
      else if (d.check === 'max_length') tests.push(`codePoints(v) <= ${Number(d.maximum)}`);
      else if (d.check === 'string_format' && d.format === 'regex' && d.pattern instanceof RegExp) {
        if (d.pattern.global || d.pattern.sticky) return undefined;
        tests.push(`${this.constant(String(d.pattern))}.test(v)`);
      } else if ((d.check === 'greater_than' || d.check === 'less_than') && typeof d.value === 'number') {
        const op = d.check === 'greater_than' ? (d.inclusive ? '>=' : '>') : d.inclusive ? '<=' : '<';
        tests.push(`v ${op} ${d.value}`);
      } else if (d.check === 'number_format' && d.format === 'safeint') tests.push('Number.isSafeInteger(v)');
      else if (d.check === 'custom') tests.push(`CONFIG_FNS.${fnName(d.fn, where)}(v as never)`);
      else return undefined;
    }
    return tests;
  }

  /**
   * A strict object: every own key known and none undefined (zod tells a key given as undefined
   * from an absent one), each field in shape order, an absent optional one left out as zod leaves
   * it. The rules across keys of the whole configuration (its superRefine) are checks.ts's
   * crossFieldIssues, run on the result as zod runs them; any other refinement of an object is
   * not modelled.
   */
  private object(def: Def, where: string): string {
    const shape = def.shape ?? {};
    const checks = def.checks ?? [];
    if (checks.length > 0 && (where !== '' || checks.length !== 1)) return 'return NO;';
    const keys = this.constant(`new Set(${JSON.stringify(Object.keys(shape))})`);
    const lines = [
      "if (typeof v !== 'object' || v === null || Array.isArray(v)) return NO;",
      'const proto = Object.getPrototypeOf(v);',
      'if (proto !== Object.prototype && proto !== null) return NO;',
      'const o = v as Rec;',
      `for (const k of Object.keys(o)) if (!${keys}.has(k) || o[k] === undefined) return NO;`,
      'const out: Rec = {};',
      'let r: unknown;',
    ];
    for (const [key, field] of Object.entries(shape)) {
      const f = this.fn(field, where === '' ? key : `${where}.${key}`);
      const k = JSON.stringify(key);
      lines.push(`r = ${f}(o[${k}]); if (r === NO) return NO; if (r !== undefined) out[${k}] = r;`);
    }
    if (checks.length === 1) lines.push('if (crossFieldIssues(out as never).length > 0) return NO;');
    lines.push('return out;');
    return lines.join('\n');
  }
}

/**
 * The keys (`[]` for a list's elements) whose given value the fast path always leaves to zod.
 * @example unmodelledKeys(); // ['otel.endpoint', 'push.remote_write_url', 'push.external_labels']
 */
export function unmodelledKeys(): string[] {
  const gen = new Gen();
  gen.fn(configSchema() as unknown as Schema, '');
  return [...gen.unmodelled];
}

/**
 * The source of fast.generated.ts: CONFIG_KEY_LIST and fastConfig.
 * @example writeFileSync('src/config/fast.generated.ts', renderFastConfigModule());
 */
export function renderFastConfigModule(): string {
  const schema = configSchema() as unknown as Schema;
  const gen = new Gen();
  const top = gen.fn(schema, '');
  return [
    '// Generated from the configuration schema by src/config/fast-gen.ts (node scripts/gen-docs.mjs):',
    '// do not edit. test/config/fast.test.ts fails when it is stale.',
    "import { CONFIG_FNS, crossFieldIssues } from './checks.js';",
    "import type { SidetoneConfig } from './schema.js';",
    '',
    'type Rec = Record<string, unknown>;',
    '/** "No": the schema might reject the value, or change it in a way this does not model. */',
    "const NO = Symbol('no');",
    "/** Code points, as zod counts a string's length. */",
    'const codePoints = (s: string): number => Array.from(s).length;',
    '',
    ...gen.consts,
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
