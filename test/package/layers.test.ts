/**
 * Import direction as a test (issue 33). The layers are declared once, in layer-map.ts (the
 * README's layout table is checked against the same declaration); every import in
 * src/ (static `import`/`export ... from`, dynamic `import()`, `import('x').T` types, type-only
 * ones included, because a type import still couples the files) is parsed with the TypeScript
 * compiler API and must go to its own layer or a lower one. No cycle may exist between files, nor
 * between units (a top-level folder of src/ or a top-level file). The npm workspaces (issue 50) are
 * declared there too: a unit ships in one package and imports its own package's units and its
 * dependencies' only, so @sidetone/metrics imports nothing of the telephony packs or the sidecar,
 * and @sidetone/telephony nothing of the sidecar.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { LAYERS, PACKAGES } from './layer-map.js';

/**
 * Imports against the flow that remain, each with why; the test fails on any other, and on an entry
 * that no longer occurs (so the list only shrinks). Written `from -> to` (paths under src/).
 */
const ALLOWED_AGAINST_FLOW: ReadonlyMap<string, string> = new Map([]);

/** Cycles that remain (their members, sorted, joined by ` <> `), each with why. */
const ALLOWED_CYCLES: ReadonlyMap<string, string> = new Map([]);

const src = resolve(fileURLToPath(new URL('../../src/', import.meta.url)));

interface Edge {
  from: string;
  to: string;
  line: number;
}
type Kind = 'import' | 'import type' | 'export from' | 'import()' | "import('x').T";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The unit of a file: its top-level folder under src/, or the top-level file's name. */
const unitOf = (file: string) => file.split('/')[0]!.replace(/\.m?ts$/, '');

/** Every module specifier in `file` with its line: static, re-export, dynamic and type imports. */
function specifiers(path: string): { spec: string; line: number; kind: Kind }[] {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const found: { spec: string; line: number; kind: Kind }[] = [];
  const add = (node: ts.Node, lit: ts.Node | undefined, kind: Kind) => {
    if (lit && ts.isStringLiteralLike(lit)) {
      found.push({
        spec: lit.text,
        line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
        kind,
      });
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node))
      add(node, node.moduleSpecifier, node.importClause?.isTypeOnly ? 'import type' : 'import');
    else if (ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, 'export from');
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, 'import');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], 'import()');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node, node.argument.literal, "import('x').T");
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** A relative specifier resolved to a file under src/ (`./x.js` is `./x.ts`; a folder is its index). */
function resolveLocal(fromPath: string, spec: string): string {
  const base = resolve(dirname(fromPath), spec);
  for (const candidate of [base.replace(/\.(m?)js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile())
      return relative(src, candidate).split(sep).join('/');
  }
  throw new Error(`${relative(src, fromPath)}: cannot resolve ${spec}`);
}

const files = sourceFiles(src).map((p) => relative(src, p).split(sep).join('/'));
const edges: Edge[] = [];
const external: Edge[] = [];
const kinds = new Set<Kind>();
for (const file of files) {
  for (const { spec, line, kind } of specifiers(join(src, file))) {
    kinds.add(kind);
    if (spec.startsWith('.')) edges.push({ from: file, to: resolveLocal(join(src, file), spec), line });
    else external.push({ from: file, to: spec, line });
  }
}

/** Strongly connected components with more than one member or a self-edge (Tarjan). */
function cycles(nodes: readonly string[], next: (n: string) => readonly string[]): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || next(v).includes(v)) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);
  return out;
}

const layerOf = new Map(LAYERS.flatMap((units, i) => units.map((u) => [u, i] as const)));
const show = (e: Edge) => `${e.from} -> ${e.to} (${e.line})`;

/** Imports against the flow, file cycles and unit cycles of src/ as it is. */
function measure() {
  const againstFlow = edges.filter((e) => layerOf.get(unitOf(e.to))! > layerOf.get(unitOf(e.from))!);
  const fileNext = new Map<string, string[]>();
  for (const e of edges) fileNext.set(e.from, [...(fileNext.get(e.from) ?? []), e.to]);
  const fileCycles = cycles(files, (f) => fileNext.get(f) ?? []);
  const unitNext = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [unitOf(e.from), unitOf(e.to)];
    if (a !== b) unitNext.set(a, (unitNext.get(a) ?? new Set()).add(b));
  }
  const units = [...new Set(files.map(unitOf))];
  const unitCycles = cycles(units, (u) => [...(unitNext.get(u) ?? [])]);
  return { againstFlow, fileCycles, unitCycles, units };
}

const found = measure();

describe('import direction (issue 33)', () => {
  it('maps every top-level unit of src/ to exactly one layer', () => {
    const declared = LAYERS.flat();
    expect(new Set(declared).size, 'a unit declared twice').toBe(declared.length);
    expect(
      found.units.filter((u) => !layerOf.has(u)),
      'units without a layer',
    ).toEqual([]);
    expect(
      declared.filter((u) => !found.units.includes(u)),
      'layers naming no unit',
    ).toEqual([]);
  });

  it('parses imports of every kind (static, re-export, dynamic, type-only)', () => {
    // A guard on the parser: if it missed a kind, the checks below would pass vacuously.
    expect(edges.length).toBeGreaterThan(1000);
    expect([...kinds].sort()).toEqual(
      ['export from', 'import', 'import type', 'import()', "import('x').T"].sort(),
    );
  });

  it('keeps domain free of every other unit and of packages', () => {
    const bad = [...edges, ...external].filter((e) => {
      if (unitOf(e.from) !== 'domain') return false;
      if (e.to.startsWith('node:') || builtinModules.includes(e.to)) return false;
      return !e.to.startsWith('domain/');
    });
    expect(bad.map(show)).toEqual([]);
  });

  it('has no import against the declared layers but the commented ones', () => {
    const seen = found.againstFlow.map((e) => `${e.from} -> ${e.to}`);
    const fresh = found.againstFlow.filter((e) => !ALLOWED_AGAINST_FLOW.has(`${e.from} -> ${e.to}`));
    expect(fresh.map(show), 'imports against the flow').toEqual([]);
    const stale = [...ALLOWED_AGAINST_FLOW.keys()].filter((k) => !seen.includes(k));
    expect(stale, 'allow-list entries that no longer occur: delete them').toEqual([]);
  });

  it('has no cycle between files or between units but the commented ones', () => {
    const all = [...found.fileCycles, ...found.unitCycles].map((c) => c.join(' <> '));
    // A file cycle shows its edges; a unit cycle one edge per pair of units, with how many more.
    const cycleEdges = (c: string[]) => {
      const files = edges.filter((e) => c.includes(e.from) && c.includes(e.to)).map(show);
      const pairs = new Map<string, Edge[]>();
      for (const e of edges) {
        const [a, b] = [unitOf(e.from), unitOf(e.to)];
        if (a !== b && c.includes(a) && c.includes(b))
          pairs.set(`${a} -> ${b}`, [...(pairs.get(`${a} -> ${b}`) ?? []), e]);
      }
      const units = [...pairs.values()].map(
        (es) => `${show(es[0]!)}${es.length > 1 ? ` (+${es.length - 1})` : ''}`,
      );
      return [...files, ...units];
    };
    const fresh = [...found.fileCycles, ...found.unitCycles].filter(
      (c) => !ALLOWED_CYCLES.has(c.join(' <> ')),
    );
    expect(
      fresh.map((c) => ({ cycle: c.join(' <> '), edges: cycleEdges(c) })),
      'cycles',
    ).toEqual([]);
    expect(
      [...ALLOWED_CYCLES.keys()].filter((k) => !all.includes(k)),
      'stale cycle entries',
    ).toEqual([]);
  });
});

/** Each unit's package: the workspaces' declared units, the root package's the rest. */
const packageOf = (unit: string) =>
  PACKAGES.find((p) => p.units !== 'the rest' && p.units.includes(unit))?.name ?? 'sidetone';
const root = fileURLToPath(new URL('../../', import.meta.url));
const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string | { default: string }>;
    dependencies?: Record<string, string>;
  };

describe('workspaces (issue 50)', () => {
  const workspaces = PACKAGES.filter((p) => p.units !== 'the rest');

  it('declares each unit of a workspace once, and only units of src/', () => {
    const declared = workspaces.flatMap((p) => p.units as readonly string[]);
    expect(new Set(declared).size, 'a unit in two workspaces').toBe(declared.length);
    expect(declared.filter((u) => !found.units.includes(u))).toEqual([]);
  });

  it('has no import from one package into another that it does not depend on', () => {
    const deps = new Map(PACKAGES.map((p) => [p.name, new Set([p.name, ...p.dependsOn])]));
    const across = edges.filter((e) => !deps.get(packageOf(unitOf(e.from)))?.has(packageOf(unitOf(e.to))));
    expect(
      across.map((e) => `${show(e)}: ${packageOf(unitOf(e.from))} -> ${packageOf(unitOf(e.to))}`),
    ).toEqual([]);
    // The check sees imports between packages at all (metrics' registry is the packs' base).
    expect(edges.some((e) => unitOf(e.from) === 'telephony' && unitOf(e.to) === 'metrics')).toBe(true);
  });

  it("matches each workspace's package.json: its name, its entry points in its units, its packages declared", () => {
    for (const p of workspaces) {
      const pkg = manifest(p.dir);
      expect(pkg.name).toBe(p.name);
      const entries = Object.values(pkg.exports)
        .filter((t): t is { default: string } => typeof t === 'object' && !t.default.includes('*'))
        .map((t) => t.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'));
      expect(entries.length, p.name).toBeGreaterThan(0);
      expect(
        entries.filter((e) => !(p.units as readonly string[]).includes(unitOf(e))),
        p.name,
      ).toEqual([]);
      // Workspace dependencies as declared here; every package the units import, in package.json.
      const declared = Object.keys(pkg.dependencies ?? {});
      expect(declared.filter((d) => d.startsWith('@sidetone/')).sort(), p.name).toEqual(
        [...p.dependsOn].sort(),
      );
      const imported = new Set(
        external
          .filter((e) => packageOf(unitOf(e.from)) === p.name)
          .map((e) => e.to)
          .filter((t) => !t.startsWith('node:') && !builtinModules.includes(t))
          .map((t) =>
            t
              .split('/')
              .slice(0, t.startsWith('@') ? 2 : 1)
              .join('/'),
          ),
      );
      expect(
        [...imported].filter((d) => !declared.includes(d)),
        p.name,
      ).toEqual([]);
    }
    // @sidetone/metrics imports no package at all (issue 50: no runtime dependency).
    expect(manifest('packages/metrics').dependencies).toBeUndefined();
  });

  it('lists the workspaces in the root package.json', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
    expect(pkg.workspaces).toEqual(workspaces.map((p) => p.dir));
  });
});
