// Registry benchmarks: sidetone against prom-client, @prometheus-io/client and the OTel SDK in one
// process, with the floor (plain code doing the minimum) printed beside. Labels are looked up in a
// random order (a sequential pattern lets nested maps look better than they are), in three label
// shapes (the high-cardinality label first, in the middle, last). Run by `npm run bench`, which
// starts this file three times and reports each ratio's range; alone:
//   node --expose-gc bench/registry.bench.mjs   (writes bench/results/registry.json)
import { mkdirSync, writeFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { do_not_optimize, measure } from 'mitata';
import { Registry } from '../dist/metrics/index.js';
import { IMPLS } from './opponents.mjs';
import { renderFloors, renderSets } from './render-sets.mjs';

const results = [];
const row = (c, impl, ns) => results.push({ case: c, impl, ns_per_op: ns });
const avg = async (fn) => (await measure(fn)).avg;

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

async function recording() {
  // Pre-bound: the handle an app keeps for a hot counter. Floor: one object field incremented.
  const floor = { value: 0 };
  const impls = Object.fromEntries(Object.entries(IMPLS).map(([k, f]) => [k, f()]));
  const { names, sets } = labelSets(0);
  const hb = {};
  const cb = {};
  const ch = {};
  const hh = {};
  for (const [name, m] of Object.entries(impls)) {
    ch[name] = m.counter('bound_total', names);
    cb[name] = ch[name].bind(sets[5]);
    hh[name] = m.histogram('bound_seconds', names);
    hb[name] = hh[name].bind(sets[7]);
  }
  row(
    'counter inc, pre-bound handle',
    'floor',
    await avg(() => {
      floor.value++;
    }),
  );
  for (const name of Object.keys(impls)) {
    const c = ch[name];
    const b = cb[name];
    row('counter inc, pre-bound handle', name, await avg(() => c.bound(b)));
  }
  let v = 0;
  for (const name of Object.keys(impls)) {
    const h = hh[name];
    const b = hb[name];
    row('histogram observe, pre-bound handle', name, await avg(() => h.bound(b, (v = (v + 0.37) % 40))));
  }
  // 3-label lookup at 5k series in random order, per shape. Floor: nested Maps read with the label
  // names written out (what a hand-written lookup for these three labels does, nothing checked).
  for (const [shape, pos] of Object.entries(SHAPES)) {
    const { names: ln, sets: ls } = labelSets(pos);
    const c = `counter inc, 3 labels looked up per call, 5k series, random order (${shape})`;
    const root = new Map();
    for (const l of ls) {
      if (!root.has(l.a)) root.set(l.a, new Map());
      const b = root.get(l.a);
      if (!b.has(l.b)) b.set(l.b, new Map());
      b.get(l.b).set(l.c, { value: 0 });
    }
    let i = 0;
    row(
      c,
      'floor',
      await avg(() => {
        const l = ls[ORDER[i++ & 65535]];
        root.get(l.a).get(l.b).get(l.c).value++;
      }),
    );
    for (const [name, make] of Object.entries(IMPLS)) {
      const ctr = make().counter(`lookup_${pos}_total`, ln);
      for (const l of ls) ctr.inc(l); // every series exists: this is lookup, not creation
      row(c, name, await avg(() => ctr.inc(ls[ORDER[i++ & 65535]])));
    }
  }
}

async function rendering() {
  for (const set of renderSets()) {
    const made = Object.fromEntries(
      Object.entries(IMPLS)
        .filter(([name]) => set.series < 1e6 || name !== 'otel') // OTel at 1M: minutes per render
        .map(([name, make]) => [name, set.fill(make())]),
    );
    for (const om of [false, true]) {
      const c = `render ${set.label}, ${om ? 'OpenMetrics' : 'Prometheus text'}`;
      const time = async (fn) => {
        if (set.series < 1e6) return avg(fn);
        // 1M series: a few timed renders, the median (mitata would run for minutes).
        const t = [];
        for (let k = 0; k < 3; k++) {
          const t0 = performance.now();
          do_not_optimize(await fn());
          t.push((performance.now() - t0) * 1e6);
        }
        return t.sort((a, b) => a - b)[1];
      };
      const floors = renderFloors(made.sidetone.render(om));
      row(c, 'floor', await time(floors.format));
      row(c, 'join floor', await time(floors.join));
      for (const [name, m] of Object.entries(made)) {
        if (name === 'otel' && om) continue;
        row(c, name, await time(async () => do_not_optimize(await m.render(om))));
      }
    }
  }
}

/** Bytes of heap per series, per shape, with label objects made per call as an app makes them. */
function heapPerSeries() {
  const N = 20_000;
  for (const [shape, pos] of Object.entries(SHAPES)) {
    const c = `heap bytes per series (counter, 3 labels, 20k series, ${shape})`;
    for (const [name, make] of Object.entries(IMPLS)) {
      globalThis.gc();
      const before = process.memoryUsage().heapUsed;
      const m = make();
      const ctr = m.counter('heap_total', ['a', 'b', 'c']);
      for (let k = 0; k < N; k++) {
        const vals = [k & 1 ? 'inbound' : 'outbound', k & 2 ? 'sip' : 'pstn'];
        vals.splice(pos, 0, `carrier_${k >> 2}`);
        ctr.inc({ a: vals[0], b: vals[1], c: vals[2] });
      }
      globalThis.gc();
      row(c, name, (process.memoryUsage().heapUsed - before) / N);
      do_not_optimize(m.keep);
    }
  }
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

const gcs = await allocationCheck(); // first, on a clean heap
await recording();
await rendering();
heapPerSeries();
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/registry.json', import.meta.url),
  `${JSON.stringify({ results, gcs, notes: [`Allocation check: ${gcs} young-generation GCs during 20M pre-bound counter incs + 20M classic and 20M native histogram observes (0 means no per-call allocation).`] }, null, 2)}\n`,
);
