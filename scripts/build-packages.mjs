// The workspaces @sidetone/metrics and @sidetone/telephony (issue 50), assembled from the root
// build: tsc compiles src/ once into dist/, and each workspace gets the compiled modules its entry
// points reach (its package.json's exports), at the same paths under its own dist/, so every
// relative import between them holds unchanged. The source stays in src/ (moving it would rewrite
// the imports of every file other work edits); the layer test (test/package/layers.test.ts) keeps
// each workspace's units from importing the wrong way, and this script refuses a module that
// reaches a package its package.json does not declare.
//
// A module that a workspace dependency already ships is not copied again: the import is rewritten
// to that workspace's `internal/` subpath, so @sidetone/telephony's packs and an app share one
// Registry class and one error hierarchy with @sidetone/metrics (`instanceof` holds across them).
//
// The root package `sidetone` depends on both (bundled in its tarball until they are published):
// each module a workspace ships becomes, in the root's dist/, a one-line re-export of that
// workspace's copy. Every root module keeps its relative imports and reaches the one copy, so a
// Registry from `sidetone/metrics`, from `@sidetone/metrics` and the sidecar's are one class. The
// CLI bundle (dist/bin, written before this step) inlines what it runs and is not affected.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
/** Dependencies first: a workspace is built after the workspaces it depends on. */
export const WORKSPACES = ['metrics', 'telephony'];

/**
 * Every module specifier of a compiled .js or .d.ts file (static, re-export, dynamic, `import()`
 * types), with where its text starts and ends; the compiler's scanner, so an `import` in a doc
 * comment's example is not one; `pos`-`end` is the specifier's text, quotes excluded.
 */
const specifiers = (text) =>
  ts.preProcessFile(text, true, true).importedFiles.map((f) => {
    // `pos` is the opening quote's offset (TypeScript 5.9).
    const at = text.indexOf(f.fileName, f.pos);
    return { spec: f.fileName, pos: at, end: at + f.fileName.length };
  });

/** The package a bare specifier names (`@scope/name` or `name`). */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** The first line of a root dist/ module that re-exports a workspace's copy ({@link reexport}). */
const STUB = '// Re-exported from a workspace by scripts/build-packages.mjs';

/**
 * The dist/ modules (paths relative to dist/, without extension) reached from `entries`, and the
 * packages they import.
 */
function closure(entries) {
  const seen = new Set();
  const packages = new Set();
  const queue = [...entries];
  while (queue.length > 0) {
    const mod = queue.pop();
    if (seen.has(mod)) continue;
    seen.add(mod);
    for (const ext of ['.js', '.d.ts']) {
      const file = join(dist, `${mod}${ext}`);
      if (!existsSync(file)) throw new Error(`build-packages: dist/${mod}${ext} missing: run tsc first`);
      const text = readFileSync(file, 'utf8');
      if (text.startsWith(STUB))
        throw new Error(`build-packages: dist/${mod}${ext} is a re-export already: run npm run build`);
      for (const { spec } of specifiers(text)) {
        if (spec.startsWith('.')) queue.push(posix.join(posix.dirname(mod), spec).replace(/\.js$/, ''));
        else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) packages.add(packageOf(spec));
      }
    }
  }
  return { modules: seen, packages };
}

/** A workspace's entry modules: the `default` targets of its exports, `./dist/X.js` -> `X`. */
function entries(pkg) {
  return Object.values(pkg.exports)
    .filter((t) => typeof t === 'object' && !t.default.includes('*'))
    .map((t) => t.default.replace(/^\.\/dist\//, '').replace(/\.js$/, ''));
}

/** Build every workspace into packages/<name>/dist; returns each one's modules. */
export function buildPackages() {
  /** @type {Map<string, Set<string>>} package name -> modules it ships */
  const shipped = new Map();
  const built = {};
  for (const dir of WORKSPACES) {
    const home = join(root, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(home, 'package.json'), 'utf8'));
    const deps = Object.keys(pkg.dependencies ?? {});
    const { modules, packages } = closure(entries(pkg));
    /** module -> the workspace dependency that ships it */
    const owner = new Map();
    for (const dep of deps) for (const m of shipped.get(dep) ?? []) if (modules.has(m)) owner.set(m, dep);
    const undeclared = [...packages].filter((p) => !deps.includes(p));
    if (undeclared.length > 0)
      throw new Error(
        `build-packages: ${pkg.name} imports ${undeclared.join(', ')}, not in its dependencies`,
      );
    const own = [...modules].filter((m) => !owner.has(m)).sort();
    const out = join(home, 'dist');
    rmSync(out, { recursive: true, force: true });
    for (const mod of own) {
      for (const ext of ['.js', '.d.ts']) {
        const to = join(out, `${mod}${ext}`);
        mkdirSync(dirname(to), { recursive: true });
        let text = readFileSync(join(dist, `${mod}${ext}`), 'utf8');
        // Last first, so the positions of the earlier ones hold.
        for (const { spec, pos, end } of specifiers(text).reverse()) {
          if (!spec.startsWith('.')) continue;
          const dep = owner.get(posix.join(posix.dirname(mod), spec).replace(/\.js$/, ''));
          if (dep !== undefined)
            text = `${text.slice(0, pos)}${dep}/internal/${posix.join(posix.dirname(mod), spec)}${text.slice(end)}`;
        }
        // Source maps name ../src files the package does not ship.
        writeFileSync(to, text.replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n'));
      }
    }
    const readme = join(home, 'README.md');
    if (!existsSync(readme)) throw new Error(`build-packages: ${pkg.name} has no README.md`);
    shipped.set(pkg.name, new Set(own));
    built[pkg.name] = own;
  }
  for (const [name, own] of Object.entries(built)) for (const mod of own) reexport(name, mod);
  return built;
}

/** The root's dist/<mod> becomes a re-export of workspace `name`'s copy of it. */
function reexport(name, mod) {
  for (const ext of ['.js', '.d.ts']) {
    const file = join(dist, `${mod}${ext}`);
    // `export *` leaves a default export out: none of these modules has one (checked here).
    if (/^export default /m.test(readFileSync(file, 'utf8')))
      throw new Error(`build-packages: dist/${mod}${ext} has a default export`);
    writeFileSync(file, `${STUB}\nexport * from '${name}/internal/${mod}.js';\n`);
    rmSync(`${file}.map`, { force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = buildPackages();
  for (const [name, mods] of Object.entries(built)) console.log(`${name}: ${mods.length} modules`);
}
