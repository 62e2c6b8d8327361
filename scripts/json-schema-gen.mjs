// What the two generators that compile JSON Schema into TypeScript share (scripts/gen-config.mjs:
// the configuration's fast path; scripts/gen-predicates.mjs: the event predicates): the generated
// module's constants, shared when equal, and the reading of the keywords both model the same way.
// Build time only: nothing here ships.

/** Module-level constants of a generated source (enum sets, patterns), one per distinct source text. */
export class Consts {
  /** `const K0 = ...;` lines, in the order first asked for. */
  lines = [];
  names = new Map();
  /** The name of the constant holding `source`, declared on first use. */
  add(source) {
    let name = this.names.get(source);
    if (name === undefined) {
      name = `K${this.names.size}`;
      this.names.set(source, name);
      this.lines.push(`const ${name} = ${source};`);
    }
    return name;
  }
}

/** A JS regular expression literal for a JSON Schema pattern (ECMA-262 syntax, no flags). */
export const regexLiteral = (pattern) => String(new RegExp(pattern));

/**
 * The keys of `node` a generator does not model: all but `type`, those in `skip` (annotations,
 * marks) and those listed in `known`. A node with any is left to the full check.
 */
export const extraKeys = (node, skip, known) =>
  Object.keys(node).filter((k) => !skip.has(k) && k !== 'type' && !known.includes(k));

/** The bound keywords of a number, each with the comparison that keeps it. */
const BOUNDS = [
  ['minimum', '>='],
  ['exclusiveMinimum', '>'],
  ['maximum', '<='],
  ['exclusiveMaximum', '<'],
];

/**
 * The comparisons of `v` a number's bounds ask for (`v >= 0`, ...), or undefined when a bound is
 * not a number (not modelled).
 */
export function numberBounds(node, v) {
  const tests = [];
  for (const [k, op] of BOUNDS) {
    if (node[k] === undefined) continue;
    if (typeof node[k] !== 'number') return undefined;
    tests.push(`${v} ${op} ${node[k]}`);
  }
  return tests;
}
