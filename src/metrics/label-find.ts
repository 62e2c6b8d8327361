/** Walks the index for one value object; undefined when a level has no entry. */
export type Find = (root: Map<unknown, unknown>, values: object) => unknown;

/**
 * The series lookup for one list of label names, made once per metric: a function reading
 * `values.route` by name gets an inline cache per label, where `values[names[i]]` is a keyed read
 * V8 handles far slower (about a third of a lookup). Label names are validated identifiers
 * (`[a-zA-Z_][a-zA-Z0-9_]*`), safe in source text. Where code generation is disallowed (a CSP, some
 * edge runtimes) the generic loop does the same walk.
 */
export function compileFind(names: readonly string[]): Find {
  if (names.length > 0 && names.length <= 8) {
    let body = 'let n = root;\n';
    for (let i = 0; i < names.length - 1; i++) {
      body += `n = n.get(v.${names[i]});\nif (n === undefined) return undefined;\n`;
    }
    body += `return n.get(v.${names[names.length - 1]});`;
    try {
      return new Function('root', 'v', body) as Find;
    } catch {
      // code generation not allowed here: the loop below
    }
  }
  return (root, values) => {
    let node: unknown = root;
    for (const name of names) {
      node = (node as Map<unknown, unknown>).get((values as Record<string, unknown>)[name]);
      if (node === undefined) return undefined;
    }
    return node;
  };
}
