// Registry benchmarks: sidetone against prom-client, @prometheus-io/client and the OTel SDK, with
// the floor (plain code doing the minimum) beside. Every implementation and the floor run in a
// child process of their own, one child per part, so no side shares a heap, a JIT or a GC with
// another (a 1M-series render of one library beside another's 1M series measured 0.89-1.05x where
// separate processes gave 3.3-4.2x). Labels are looked up in a random order (a sequential pattern
// lets nested maps look better than they are), in three label shapes (the high-cardinality label
// first, in the middle, last).
// Clocks: recording is timed by mitata on the wall clock, the median sample (samples of a few µs,
// so a sample the scheduler preempted is an outlier the median drops); renders by this process's
// CPU time over every thread (a render takes ms to s: on a shared machine most samples would be
// preempted), the mean over 1 s of renders (10k; then the median of 3 processes a side: see
// cpuPerRender) or the median of 3 renders after one uncounted (1M).
// Run by `npm run bench`, which starts this file BENCH_RUNS times (default 6) and ranges each
// ratio over the runs; alone: node bench/registry.bench.mjs (writes bench/results/registry.json).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { do_not_optimize, measure } from 'mitata';
import { Registry } from '../dist/metrics/index.js';
import { IMPLS } from './opponents.mjs';
import { childResult, cpuNs, load1, median, reply } from './proc.mjs';
import { floorImpl, renderSets } from './render-sets.mjs';

const SELF = new URL(import.meta.url).pathname;
/**
 * The render children's environment: glibc's malloc keeps the memory it frees (mallopt(3): no mmap
 * under 64 MiB, no trim under 256 MiB) instead of giving it back to the kernel, which it did after
 * some renders and not others, by its own dynamic thresholds. Each render after a return faulted its
 * output buffer in again: 800-900 minor faults for a 10k mixed render (4.9 MB), at about 15 µs a
 * fault on this VM, 3-5x the render's own CPU, on every side alike; one fresh process of a side took
 * them on every render and the next on none (10k counters: 0.57 or 1.10 ms a render, the same code).
 * The kernel's work is the same for every side writing the same bytes; what a row compares is theirs.
 */
const RENDER_ENV = {
  ...process.env,
  MALLOC_MMAP_THRESHOLD_: String(64 * 2 ** 20),
  MALLOC_TRIM_THRESHOLD_: String(256 * 2 ** 20),
};
/** Fresh processes a side for each 10k render row, the row the median of theirs (see main). */
const RENDER_PROCS = 3;

// 5,000 series of 3 labels: one label with 1,250 values, two with 2.
const SHAPES = { 'high-cardinality label first': 0, 'in the middle': 1, last: 2 };
function labelSets(pos) {
  const names = ['a', 'b', 'c'];
  const sets = [];
  for (let k = 0; k < 5000; k++) {
    const low = [k & 1 ? 'inbound' : 'outbound', k & 2 ? 'sip' : 'pstn'];
    const vals = [...low];
    vals.splice(pos, 0, `carrier_${k >> 2}`);
    sets.push(Object.fromEntries(names.map((n, i) => [n, vals[i]])));
  }
  return { names, sets };
}
// A fixed pseudo-random order (same for every library and run).
const ORDER = new Uint16Array(65536);
let seed = 12345;
for (let i = 0; i < ORDER.length; i++) {
  seed = (seed * 1103515245 + 12345) >>> 0;
  ORDER[i] = (seed >>> 8) % 5000;
}

/** Wall-clock ns per call: mitata's median sample. */
const wall = async (fn) => (await measure(fn)).p50;
/**
 * CPU ns a render costs (this process, every thread): the mean over renders until 1 s of CPU (10 at
 * least), after 0.25 s (3 renders at least) uncounted. Not a median: a 10k mixed render costs 6 ms,
 * or 20-35 ms when it falls on a GC cycle or on memory the kernel must fault in (39-46 % of 200
 * renders, measured without RENDER_ENV), on every side alike. Which mode a median sample fell in
 * swung a run's ratio to the floor from 0.30x to 3.55x; the mean prices the slow renders by how
 * often a side takes them.
 */
async function cpuPerRender(fn) {
  const spend = async (ns, least) => {
    let n = 0;
    const t0 = cpuNs();
    while (n < least || cpuNs() - t0 < ns) {
      do_not_optimize(await fn());
      n++;
    }
    return (cpuNs() - t0) / n;
  };
  await spend(0.25e9, 3);
  return spend(1e9, 10);
}

/** One implementation's recording cases (or the floor's, where there is one). */
async function recording(name) {
  const rows = [];
  const row = (c, ns) => rows.push({ case: c, impl: name, ns_per_op: ns, clock: 'wall' });
  if (name === 'floor') {
    // Pre-bound: one object field incremented. Lookup: nested Maps read with the label names
    // written out (what a hand-written lookup for these three labels does, nothing checked).
    const floor = { value: 0 };
    row(
      'counter inc, pre-bound handle',
      await wall(() => {
        floor.value++;
      }),
    );
    for (const [shape, pos] of Object.entries(SHAPES)) {
      const { sets } = labelSets(pos);
      const root = new Map();
      for (const l of sets) {
        if (!root.has(l.a)) root.set(l.a, new Map());
        const b = root.get(l.a);
        if (!b.has(l.b)) b.set(l.b, new Map());
        b.get(l.b).set(l.c, { value: 0 });
      }
      let i = 0;
      row(
        `counter inc, 3 labels looked up per call, 5k series, random order (${shape})`,
        await wall(() => {
          const l = sets[ORDER[i++ & 65535]];
          root.get(l.a).get(l.b).get(l.c).value++;
        }),
      );
    }
    return rows;
  }
  const m = IMPLS[name]();
  const { names, sets } = labelSets(0);
  const counter = m.counter('bound_total', names);
  const bound = counter.bind(sets[5]);
  row('counter inc, pre-bound handle', await wall(() => counter.bound(bound)));
  const histogram = m.histogram('bound_seconds', names);
  const hb = histogram.bind(sets[7]);
  let v = 0;
  row('histogram observe, pre-bound handle', await wall(() => histogram.bound(hb, (v = (v + 0.37) % 40))));
  // 3-label lookup at 5k series in random order, per shape; every series exists (lookup, not creation).
  for (const [shape, pos] of Object.entries(SHAPES)) {
    const { names: ln, sets: ls } = labelSets(pos);
    const ctr = m.counter(`lookup_${pos}_total`, ln);
    for (const l of ls) ctr.inc(l);
    let i = 0;
    row(
      `counter inc, 3 labels looked up per call, 5k series, random order (${shape})`,
      await wall(() => ctr.inc(ls[ORDER[i++ & 65535]])),
    );
  }
  do_not_optimize(m.keep);
  return rows;
}

/** One implementation's (or the floor's) renders of one set, both formats: CPU ns, bytes, digest. */
async function rendering(name, label) {
  const set = renderSets().find((s) => s.label === label);
  const preamble = (om) => new Registry().render(om ? 'openmetrics' : 'prometheus').replace('# EOF\n', '');
  const impl = set.fill(
    name.startsWith('floor')
      ? floorImpl({ text: preamble(false), om: preamble(true) }, { keep: name === 'floor-kept' })
      : IMPLS[name](),
  );
  globalThis.gc?.();
  const rows = [];
  for (const om of [false, true]) {
    if (name === 'otel' && om) continue; // its exporter serves only the text format
    let bytes;
    const render = async () => {
      bytes = await impl.render(om);
      return bytes;
    };
    let ns;
    if (set.series < 1e6) ns = await cpuPerRender(render);
    else {
      // 1M series: one render uncounted, then three timed, the median (mitata would run minutes).
      await render();
      const t = [];
      for (let k = 0; k < 3; k++) {
        const t0 = cpuNs();
        do_not_optimize(await render());
        t.push(cpuNs() - t0);
      }
      ns = median(t);
    }
    rows.push({
      case: `render ${set.label}, ${om ? 'OpenMetrics' : 'Prometheus text'}`,
      impl: name,
      ns_per_op: ns,
      clock: 'cpu',
      bytes: bytes.length,
      sha1: createHash('sha1').update(bytes).digest('hex'),
    });
  }
  do_not_optimize(impl.keep);
  return rows;
}

/** Bytes of heap per series, per shape, with label objects made per call as an app makes them. */
function heapPerSeries(name) {
  const N = 20_000;
  const rows = [];
  for (const [shape, pos] of Object.entries(SHAPES)) {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    const m = name.startsWith('floor')
      ? floorImpl(undefined, { keep: name === 'floor-kept' })
      : IMPLS[name]();
    const ctr = m.counter('heap_total', ['a', 'b', 'c']);
    for (let k = 0; k < N; k++) {
      const vals = [k & 1 ? 'inbound' : 'outbound', k & 2 ? 'sip' : 'pstn'];
      vals.splice(pos, 0, `carrier_${k >> 2}`);
      ctr.inc({ a: vals[0], b: vals[1], c: vals[2] });
    }
    globalThis.gc();
    rows.push({
      case: `heap bytes per series (counter, 3 labels, 20k series, ${shape})`,
      impl: name,
      ns_per_op: (process.memoryUsage().heapUsed - before) / N,
      clock: 'heap',
    });
    do_not_optimize(m.keep);
  }
  return rows;
}

/** Young-generation GCs over many pre-bound updates: none means no allocation per call. */
async function allocationCheck() {
  const st = new Registry();
  const c = st.counter({ name: 'alloc_total', help: 'x', labels: ['a'] }).labels({ a: 'x' });
  const h = st.histogram({ name: 'alloc_seconds', help: 'x', labels: ['a'] }).labels({ a: 'x' });
  const n = st.histogram({ name: 'alloc_native_seconds', help: 'x', native: true }).labels({});
  let gcs = 0;
  const obs = new PerformanceObserver((list) => {
    // Scavenges only: a major GC can still be finishing garbage from before the check.
    for (const e of list.getEntries()) if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gcs++;
  });
  obs.observe({ entryTypes: ['gc'] });
  // Values held boxed, as a value an app passes usually is: where V8 does not inline `observe` into
  // this loop, a double computed here would be boxed by the call itself, in the caller, for any
  // library. What this check looks for is allocation inside the registry.
  const values = Array.from({ length: 1024 }, (_, i) => i / 100);
  values.push({}); // generic elements: the array holds heap numbers, not raw doubles
  values.pop();
  const run = (times) => {
    for (let k = 0; k < times; k++) {
      c.inc();
      h.observe(values[k & 1023]);
      n.observe(values[k & 1023]);
    }
  };
  // Warm up: the native window reaches its size, fields settle on doubles, the loop is optimized
  // (each of these allocates once, which is not what this check looks for).
  run(1e6);
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 50));
  gcs = 0;
  run(20_000_000);
  await new Promise((r) => setTimeout(r, 50));
  obs.disconnect();
  return gcs;
}

async function child([part, name, label]) {
  let out;
  if (part === 'alloc') out = { gcs: await allocationCheck() };
  else if (part === 'recording') out = await recording(name);
  else if (part === 'render') out = await rendering(name, label);
  else out = heapPerSeries(name);
  reply(out);
}

/** Every part, each in a fresh child; rows tagged with the load average as the child started. */
async function main() {
  const results = [];
  const run = async (args) => {
    const load = load1();
    const out = await childResult(SELF, ['--child', ...args]);
    if (Array.isArray(out)) results.push(...out.map((r) => ({ ...r, load })));
    return out;
  };
  const { gcs } = await run(['alloc']); // first, on a clean machine state
  const names = Object.keys(IMPLS);
  for (const name of ['floor', ...names]) await run(['recording', name]);
  for (const set of renderSets()) {
    // OTel at 1M series: minutes per render.
    // Both floors: one builds every line's label text on each render, one keeps it per series.
    const sides = ['floor', 'floor-kept', ...names].filter((n) => set.series < 1e6 || n !== 'otel');
    // 10k series: each side in RENDER_PROCS fresh processes, in rounds that rotate which side goes
    // first, and the median of their figures. One process's CPU a render spreads by up to 40-50 %
    // from the next one's, on every side alike (10k mixed, 6 processes a side: sidetone 10.7-14.3
    // ms, the floor keeping label text 9.8-13.7 ms), where in one process the two paths are within
    // 1-7 % (stop 70): a run's ratio of one draw over another was 0.7-1.65x. 1M: one process a side
    // (a process's fill and renders take half a minute; its ratios held within range).
    const procs = set.series < 1e6 ? RENDER_PROCS : 1;
    const got = new Map(sides.map((n) => [n, []]));
    const load = load1();
    for (let p = 0; p < procs; p++) {
      for (const name of [...sides.slice(p % sides.length), ...sides.slice(0, p % sides.length)]) {
        process.stdout.write(`render ${set.label}: ${name} (${p + 1} of ${procs})\n`);
        got
          .get(name)
          .push(await childResult(SELF, ['--child', 'render', name, set.label], { env: RENDER_ENV }));
      }
    }
    for (const [name, outs] of got) {
      const rows = outs[0].map((r, i) => ({
        ...r,
        ns_per_op: median(outs.map((o) => o[i].ns_per_op)),
        load,
      }));
      // Every process of a side wrote the same bytes, or the median mixes two renders.
      for (const o of outs)
        for (const [i, r] of o.entries())
          if (r.sha1 !== rows[i].sha1) throw new Error(`${name}: ${r.case}: bytes differ between processes`);
      results.push(...rows);
    }
  }
  for (const name of ['floor', 'floor-kept', ...names]) await run(['heap', name]);
  // Each floor must write sidetone's bytes, or it is not the floor of the same render.
  for (const r of results.filter((x) => x.impl.startsWith('floor') && x.sha1 !== undefined)) {
    const st = results.find((x) => x.case === r.case && x.impl === 'sidetone');
    if (st?.sha1 !== r.sha1) throw new Error(`${r.case}: the floor's bytes differ from sidetone's`);
  }
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('results/registry.json', import.meta.url),
    `${JSON.stringify({ results, gcs }, null, 2)}\n`,
  );
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv.slice(at + 1));
else await main();
