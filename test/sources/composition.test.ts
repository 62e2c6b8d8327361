// Issue 49: the HEP call state was one class split over three files by inheritance (CallTimers ->
// DialogResponses -> HepTracker) sharing `protected` fields. Under src/sources a class composes what
// it uses; the one hierarchy is the error catalogue's (src/errors.ts), which a source's error extends.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every `class A extends B` of a file, with whether B is imported from src/errors.ts. */
function heritage(path: string): Array<{ cls: string; base: string; fromErrors: boolean }> {
  const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const errorNames = new Set<string>();
  const found: Array<{ cls: string; base: string; fromErrors: boolean }> = [];
  sf.forEachChild((node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!/(^|\/)errors\.js$/.test(node.moduleSpecifier.text)) return;
      const named = node.importClause?.namedBindings;
      if (named !== undefined && ts.isNamedImports(named))
        for (const e of named.elements) errorNames.add(e.name.text);
    }
  });
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node))
      for (const h of node.heritageClauses ?? [])
        if (h.token === ts.SyntaxKind.ExtendsKeyword)
          for (const t of h.types) {
            const base = t.expression.getText(sf);
            found.push({ cls: node.name?.text ?? '(anonymous)', base, fromErrors: false });
          }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // A base is an error when it comes from src/errors.ts, or is a class of this file that does.
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of found)
      if (!f.fromErrors && errorNames.has(f.base)) {
        f.fromErrors = true;
        if (!errorNames.has(f.cls)) errorNames.add(f.cls);
        changed = true;
      }
  }
  return found;
}

describe('composition under src/sources (issue 49)', () => {
  it('no class extends another but an error of the one catalogue (src/errors.ts)', () => {
    const all = files(join(root, 'sources')).flatMap((p) =>
      heritage(p).map((h) => ({ ...h, file: relative(root, p) })),
    );
    // The error classes are there and seen: the check reads what it means to.
    expect(all.filter((h) => h.fromErrors).length).toBeGreaterThanOrEqual(3);
    expect(all.filter((h) => !h.fromErrors).map((h) => `${h.file}: ${h.cls} extends ${h.base}`)).toEqual([]);
  });
});
