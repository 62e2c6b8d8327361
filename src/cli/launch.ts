/**
 * The `sidetone` command's entry (dist/bin/sidetone.js, CommonJS; scripts/bundle.mjs): it loads
 * the CLI bundle (dist/bin/main.js and the chunks it requires) with V8's code cache, so that a
 * start deserializes the bytecode of the functions the last start ran instead of parsing and
 * compiling them again (issue 51, start-up on a Pi). Node 20 has no compile cache of its own
 * (`module.enableCompileCache` came in 22.1), so each chunk is compiled here, as Node wraps a
 * CommonJS module, by `vm.Script` with `cachedData`.
 *
 * Measured on the 2-core bench machine, the CPU `sidetone serve` takes to its first 200 on /readyz
 * (medians of 10 alternating starts, in 4 to 6 such runs): the ES-module bundle 197-218 ms, the
 * same code as CommonJS chunks 182-190 ms, and with the cache 144-160 ms. `npm run bench`'s Pi
 * rows (docs/benchmarks.md states them over both runs): 1.66x the commit floor's time to ready
 * with the cache, 2.08x without, and on a second run 1.76x (worst round 3.26x: the machine's spread
 * of start times, docs/deploy.md) and 2.06x; issue 51's target is 2x.
 *
 * The cache is kept beside the chunks, in `compile-cache/<node version>-<arch>[-<V8 flags' tag>]/`
 * (V8 refuses bytecode of another version or other flags, and a refused or missing entry is
 * written again):
 * only where the code is, never a shared directory, since whoever can write the cache decides
 * what runs. A directory this process cannot write (a package installed by root, run as a
 * service user) just goes without. `npm run build` starts the sidecar once to fill it.
 */
import diagnostics from 'node:diagnostics_channel';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** dist/bin: the chunks, all in one directory, requiring each other as `./name.js`. */
const DIR = dirname(fileURLToPath(import.meta.url));
/**
 * V8 takes an entry only from the same V8 version, flags and CPU features (its
 * `cachedDataVersionTag`): a directory per tag keeps a start with other flags (say
 * `--max-old-space-size` in a unit file, and a verb run by hand without) from replacing the
 * entries of a start without, and back, at every alternation. Plain `node`, with no flag, needs no
 * tag, which spares it loading node:v8 (about 2 ms here).
 */
const FLAGGED = process.execArgv.length > 0 || (process.env.NODE_OPTIONS ?? '') !== '';
const CACHE = join(
  DIR,
  'compile-cache',
  `${process.version}-${process.arch}${FLAGGED ? `-${createRequire(import.meta.url)('node:v8').cachedDataVersionTag()}` : ''}`,
);
/**
 * Each file this loads, published for tests: a chunk (`{ file, cached }`: whether its code came
 * from the cache), or a package a chunk requires (`{ file }`). The chunks are not in Node's module
 * cache, where test/helpers/loaded.ts would otherwise see what a start loads.
 */
const loads = diagnostics.channel('sidetone:load');

interface Chunk {
  exports: unknown;
}
const chunks = new Map<string, Chunk>();
/** Scripts compiled without an accepted cache entry: theirs is written once the start is done. */
const uncached: Array<{ file: string; script: vm.Script }> = [];

/** Load a chunk of dist/bin by its file name, once: what it exports. */
function load(name: string): unknown {
  const file = join(DIR, name);
  let chunk = chunks.get(file);
  if (chunk !== undefined) return chunk.exports;
  chunk = { exports: {} };
  chunks.set(file, chunk);
  const source = readFileSync(file, 'utf8');
  const cacheFile = join(CACHE, `${name}.cache`);
  const cachedData = cached(cacheFile, file);
  // The wrapper Node gives a CommonJS module (its line and column offsets stay right).
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) { ${source.startsWith('#!') ? `//${source}` : source}\n});`,
    // No `importModuleDynamically`: the bundle has no `import()` left (scripts/bundle.mjs turns a
    // package's into require()), since Node 20 gives a script compiled from a cache none (the
    // import throws "A dynamic import callback was not specified"), and its main-context loader
    // is experimental (a warning on stderr).
    cachedData === undefined ? { filename: file } : { filename: file, cachedData },
  );
  const hit = cachedData !== undefined && script.cachedDataRejected !== true;
  if (!hit) uncached.push({ file: cacheFile, script });
  if (loads.hasSubscribers) loads.publish({ file, cached: hit });
  const packages = createRequire(file);
  const require = (id: string) => {
    if (id.startsWith('./')) return load(id.slice(2));
    const out = packages(id);
    if (loads.hasSubscribers) loads.publish({ file: packages.resolve(id) });
    return out;
  };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(chunk.exports, chunk.exports, require, chunk, file, DIR);
  return chunk.exports;
}

/** The cache entry of `file`, unless it is older than the file (a chunk rebuilt in place). */
function cached(cacheFile: string, file: string): Buffer | undefined {
  try {
    if (statSync(cacheFile).mtimeMs < statSync(file).mtimeMs) return undefined;
    return readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

/**
 * Write the cache of every script that had none: the bytecode of what has run so far (V8 keeps the
 * functions compiled since, not just the top level). Once; a directory that cannot be written is
 * left alone. Written to a temporary name and renamed, so a start reading it meanwhile sees a
 * whole entry or none.
 */
function save(): void {
  const todo = uncached.splice(0);
  if (todo.length === 0) return;
  let tmp: string | undefined;
  try {
    mkdirSync(CACHE, { recursive: true });
    for (const { file, script } of todo) {
      tmp = `${file}.${process.pid}`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, file);
    }
  } catch {
    // Read-only (no cache here) or full: no part of an entry is left behind.
    if (tmp !== undefined) rmSync(tmp, { force: true });
  }
}

// After start-up (a verb that ends sooner writes at exit): what a start runs, and little else.
setTimeout(save, 10_000).unref();
process.once('exit', save);
load('main.js');
