// Which code a suite's figures measured: a digest of the sources it runs (the src/ folders behind
// the dist/ modules it loads, the bench files it reads, the lock file that pins the opponents) and
// Node's version. Runs are pooled only with runs of the same code (bench/report.mjs), so a range on
// docs/benchmarks.md is one code's, and a figure is checked against a second invocation of that
// code, never against what older code measured (issue 39: of 27 figures "outside" their stated
// range, the start-up, idle and HEP rows had changed code under them).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

/**
 * The src/ paths behind the dist/ modules each suite loads (the whole of src/ for the sidecar's),
 * and for the suites that start `sidetone serve`, the script that bundles it (how its code is
 * loaded: issue 51's start-up).
 */
const SOURCES = {
  registry: ['src/metrics'],
  http: ['src/metrics', 'src/http', 'src/errors.ts', 'src/error-codes.ts'],
  events: ['src/events', 'src/telephony', 'src/domain', 'src/metrics', 'src/guard'],
  store: ['src/store', 'src/domain', 'src/analytics'],
  postgres: ['src/store', 'src/domain', 'src/analytics'],
  rollup: ['src/store', 'src/domain', 'src/analytics'],
  ingest: ['src', 'scripts/bundle.mjs'],
  pi: ['src', 'scripts/bundle.mjs'],
  hep: ['src'],
  cluster: ['src'],
};
/** Each suite's own bench file; the bench files it names (`x.mjs`) are followed from there. */
const ENTRY = {
  registry: 'registry.bench.mjs',
  http: 'http.bench.mjs',
  events: 'events.bench.mjs',
  store: 'store.bench.mjs',
  postgres: 'postgres.bench.mjs',
  rollup: 'rollup.bench.mjs',
  ingest: 'ingest.bench.mjs',
  pi: 'pi.bench.mjs',
  hep: 'hep.bench.mjs',
  cluster: 'cluster.bench.mjs',
};

function files(path) {
  const url = new URL(path, root);
  if (!existsSync(url)) return [];
  if (!statSync(url).isDirectory()) return [path];
  return readdirSync(url, { recursive: true })
    .map((f) => `${path}/${f}`)
    .filter((f) => statSync(new URL(f, root)).isFile())
    .sort();
}

/**
 * A file's text without its comments: a `name.mjs` a comment mentions is not code the suite runs
 * (pi.bench.mjs's comments naming report.mjs made every edit of the page's text restart the Pi's
 * pooled runs). A `//` after a colon is a URL's, not a comment.
 */
export const code = (text) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

/** The bench files `entry` runs, itself included: those its code names (`x.mjs`), and theirs. */
export function benchFiles(entry, seen = new Set()) {
  if (seen.has(entry) || !existsSync(new URL(`bench/${entry}`, root))) return seen;
  seen.add(entry);
  const text = code(readFileSync(new URL(`bench/${entry}`, root), 'utf8'));
  for (const [name] of text.matchAll(/[a-z][a-z-]*\.mjs/g)) benchFiles(name, seen);
  return seen;
}

/**
 * A digest of the code `suite` measures (16 hex digits).
 * @example codeOf('registry') // '3f0c…': changes when src/metrics or registry.bench.mjs does
 */
export function codeOf(suite) {
  const hash = createHash('sha256').update(process.version);
  const paths = [
    ...(SOURCES[suite] ?? ['src']).flatMap(files),
    ...[...benchFiles(ENTRY[suite] ?? '')].sort().map((f) => `bench/${f}`),
    'package-lock.json',
  ];
  for (const f of paths) hash.update(`\0${f}\0`).update(readFileSync(new URL(f, root)));
  return hash.digest('hex').slice(0, 16);
}
