// `npm run bench`: every suite, then docs/benchmarks.md (bench/report.mjs). Suites that measure one
// run per process (registry, events, HEP) are started BENCH_RUNS times (default 6), each a fresh
// process; the others take their rounds inside. Before a suite runs, its last results join the
// runs in bench/results/previous/ (pooled, the last 12 at most): the page states each range over
// that pool and the new runs, and checks the new median against the range it stated before.
//   node bench/run.mjs [suite ...]   re-runs those suites; the others keep their saved results
//   node bench/run.mjs report        runs none and rebuilds the page
//   node bench/run.mjs --check [suite ...]   (`npm run bench -- --check`) runs the suites again and
//     lists every row of the page whose new median falls outside the page's range (exit code 1
//     when one does); the saved results and the page are left as they were
//   node bench/run.mjs --check --keep [suite ...]   the same check, then the new runs are kept
//     as a normal run keeps them: pooled, the page regenerated (issue 51: a row that does not
//     reproduce is widened with the new runs)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { codeOf } from './code.mjs';
import { load1 } from './proc.mjs';
import { checkAgainstPage, checkReport, loadSaved, poolSuite, renderPage, SUITES } from './report.mjs';

const here = new URL('.', import.meta.url);
const results = new URL('results/', here);
const CHECK = process.argv.includes('--check');
const KEEP = CHECK && process.argv.includes('--keep');
const only = process.argv.slice(2).filter((a) => a !== '--check' && a !== '--keep');
const want = (name) => only.length === 0 || only.includes(name);
const RUNS = Number(process.env.BENCH_RUNS ?? 6);
mkdirSync(new URL('previous/', results), { recursive: true });
/** Every saved file, to put back after a check (the suites write where they always do). */
const savedFiles = () =>
  ['', 'previous/'].flatMap((sub) =>
    readdirSync(new URL(sub, results))
      .filter((f) => f.endsWith('.json'))
      .map((f) => [new URL(`${sub}${f}`, results), readFileSync(new URL(`${sub}${f}`, results))]),
  );
const stated = CHECK ? { saved: loadSaved(results), files: savedFiles() } : undefined;

const node = (file, env = process.env) => {
  process.stdout.write(`running ${file} (load ${load1()})...\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', new URL(file, here).pathname], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error(`${file} failed with exit code ${r.status}`);
};
const readIf = (path) => {
  const f = new URL(path, results);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};
const read = (name) => JSON.parse(readFileSync(new URL(`${name}.json`, results), 'utf8'));
const write = (name, data) =>
  writeFileSync(new URL(`${name}.json`, results), `${JSON.stringify(data, null, 2)}\n`);
/**
 * Before `suite` runs again, its saved runs join those the page stated before (previous/): the pool
 * the next page checks the new runs against and states its ranges over (bench/report.mjs).
 */
const keep = (suite, file = suite) => {
  if (CHECK && !KEEP) return;
  const now = readIf(`${file}.json`);
  if (now === undefined) return;
  const pool = poolSuite(suite, now, readIf(`previous/${file}.json`));
  writeFileSync(new URL(`previous/${file}.json`, results), `${JSON.stringify(pool, null, 2)}\n`);
};

/** One run of a one-process suite, with `env` added to this process's. */
const once = (name, file, env = {}) => {
  // A run that writes nothing must not be read as the one before it again.
  rmSync(new URL(`${name}.json`, results), { force: true });
  node(file, { ...process.env, ...env });
  return read(name);
};
// The HEP replay with the reorder window (the default) and without, each in a fresh process, in
// turns that alternate which goes first: the window's own cost is their ratio (issue 35).
const hepRun = (k) => {
  const load = load1();
  const none = () => once('hep', 'hep.bench.mjs', { HEP_BENCH_WINDOW_MS: '0' });
  const first = k % 2 === 0 ? once('hep', 'hep.bench.mjs') : none();
  const second = k % 2 === 0 ? none() : once('hep', 'hep.bench.mjs');
  const [window, noWindow] = k % 2 === 0 ? [first, second] : [second, first];
  // The peer in a process of its own in the same turn: hep-js decoding the same packets (issue 51).
  const peer = once('hep', 'hep.bench.mjs', { HEP_BENCH_PEER: 'hep-js' });
  return {
    ...window,
    noWindow: { messagesPerCpuSecond: noWindow.messagesPerCpuSecond },
    hepJs: { messagesPerCpuSecond: peer.messagesPerCpuSecond },
    load,
  };
};

// The events cases on sidetone and on the floor (bench/events-floor.mjs), each in a fresh process, in
// turns that alternate which goes first: the page gives their ratio (issue 51).
const eventsRun = (load, k) => {
  const side = () => once('events', 'events.bench.mjs');
  const floor = () => once('events', 'events.bench.mjs', { EVENTS_BENCH_SIDE: 'floor' }).results;
  if (k % 2 === 0) return { ...side(), floor: floor(), load };
  const f = floor();
  return { ...side(), floor: f, load };
};

// Suites run one per process, BENCH_RUNS times, gathered into <name>-runs.json.
for (const [name, run] of [
  ['registry', () => once('registry', 'registry.bench.mjs')],
  // events.json is { results, notes, turnGcs }: a run keeps its fields beside the floor's results and its load.
  ['events', eventsRun],
  ['hep', (_load, k) => hepRun(k)],
]) {
  if (!want(name)) continue;
  keep(name, `${name}-runs`);
  const runs = [];
  for (let k = 0; k < RUNS; k++) runs.push(run(load1(), k));
  write(`${name}-runs`, { runs, code: codeOf(name) });
}
// Suites with their rounds inside.
for (const [name, file] of [
  ['http', 'http.bench.mjs'],
  ['ingest', 'ingest.bench.mjs'],
  ['pi', 'pi.bench.mjs'],
  ['store', 'store.bench.mjs'],
  ['postgres', 'postgres.bench.mjs'],
  ['rollup', 'rollup.bench.mjs'],
  ['cluster', 'cluster.bench.mjs'],
]) {
  if (!want(name)) continue;
  keep(name);
  node(file);
  write(name, { ...read(name), code: codeOf(name) });
}

let exitCode = 0;
if (stated !== undefined) {
  // The new runs alone against the page's pooled runs; then the page's results are put back, or
  // with --keep the new runs stay (pooled above, as a normal run pools them).
  const fresh = { ...loadSaved(results), previous: {} };
  for (const suite of SUITES) if (!want(suite)) fresh[suite] = undefined;
  if (!KEEP) for (const [file, bytes] of stated.files) writeFileSync(file, bytes);
  const result = checkAgainstPage(stated.saved, fresh);
  process.stdout.write(`${checkReport(result)}\n(load ${load1()})\n`);
  exitCode = result.outside.length > 0 ? 1 : 0;
  if (!KEEP) process.exit(exitCode);
}

if (only.length === 0 || only.some((s) => s !== 'report')) {
  write('meta', {
    date: new Date().toISOString().slice(0, 10),
    machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
  });
}
const page = renderPage(loadSaved(results));
writeFileSync(new URL('../docs/benchmarks.md', here), page);
process.stdout.write(`wrote docs/benchmarks.md (load ${load1()})\n`);
process.exitCode = exitCode;
