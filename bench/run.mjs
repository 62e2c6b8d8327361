// `npm run bench`: every benchmark, against prom-client, @prometheus-io/client and the OTel SDK
// where they apply, with the floor beside. The registry suite runs BENCH_RUNS times (default 3), each
// in a fresh process; its ratios are shown with their range over the runs. Prints a table and writes
// bench/results/latest.json and docs/benchmarks.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const here = new URL('.', import.meta.url);
const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
mkdirSync(new URL('results/', here), { recursive: true });

const all = [];
const notes = [];
/** Rows of the rollup-read targets table (see rollupRows). */
const rollupTargets = [];
/** Per registry run, its rows: ratios are taken within a run, then ranged over runs. */
const runs = [];
/** Young-generation GCs in each run's allocation check. */
const gcs = [];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const node = (file) => {
  process.stdout.write(`running ${file}...\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', new URL(file, here).pathname], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${file} failed with exit code ${r.status}`);
};
// `node bench/run.mjs store ingest` re-runs those suites; the others are read from their last saved
// results (bench/results/), so docs/benchmarks.md always shows every suite; `node bench/run.mjs
// report` runs none and only rebuilds the page.
const saved = (name) => {
  const f = new URL(`results/${name}.json`, here);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};
if (want('registry')) {
  for (let k = 0; k < RUNS; k++) {
    node('registry.bench.mjs');
    const data = JSON.parse(readFileSync(new URL('results/registry.json', here), 'utf8'));
    runs.push(data.results);
    gcs.push(data.gcs);
    if (k === RUNS - 1) notes.push(...data.notes);
  }
  writeFileSync(
    new URL('results/registry-runs.json', here),
    `${JSON.stringify({ runs, gcs, notes }, null, 2)}\n`,
  );
} else if (saved('registry-runs') !== undefined) {
  const last = saved('registry-runs');
  runs.push(...last.runs);
  gcs.push(...last.gcs);
  notes.push(...last.notes);
}
if (runs.length > 0) {
  // The figure shown is the median over runs.
  const keys = new Set(runs.flat().map((r) => `${r.case}\u0000${r.impl}`));
  for (const key of keys) {
    const [c, impl] = key.split('\u0000');
    const xs = runs.flatMap((run) =>
      run.filter((r) => r.case === c && r.impl === impl).map((r) => r.ns_per_op),
    );
    all.push({ case: c, impl, ns_per_op: xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] });
  }
}

// The other suites run as their own processes (their own heap, their own servers) and write JSON.
for (const [name, file] of [
  ['events', 'events.bench.mjs'],
  ['http', 'http.bench.mjs'],
  ['store', 'store.bench.mjs'],
  ['postgres', 'postgres.bench.mjs'],
  ['ingest', 'ingest.bench.mjs'],
  ['hep', 'hep.bench.mjs'],
  ['rollup', 'rollup.bench.mjs'],
]) {
  if (!existsSync(new URL(file, here))) continue;
  if (want(name)) node(file);
  const data = saved(name);
  if (data !== undefined) {
    if (name === 'store') storeRows(data);
    else if (name === 'rollup') rollupRows(data);
    else {
      all.push(...(Array.isArray(data) ? data : (data.results ?? [])));
      if (!Array.isArray(data) && data.notes) notes.push(...data.notes);
    }
  }
}

/** The store suite reports its own shape (latencies in ms at 1M calls); fold it into rows and notes. */
function storeRows(d) {
  const ms = (x) => x * 1e6;
  all.push(
    // The floor of the target: the updates as indexed event rows (see bench/store.bench.mjs).
    ...[
      ['sidetone', d.ingest.updatesPerSecond],
      ['floor', d.ingest.rowInsertsPerSecond],
    ].map(([impl, rate]) => ({
      case: `store ingest, per update (${d.ingest.updatesPerSecond.toLocaleString('en')} updates/s)`,
      impl,
      ns_per_op: 1e9 / rate,
    })),
    // Beside a bare append (no index at all): shown, not a target.
    ...[
      ['sidetone', d.ingest.updatesPerSecond],
      ['floor', d.ingest.rawInsertsPerSecond],
    ].map(([impl, rate]) => ({
      case: 'store ingest beside a bare 5-column append',
      impl,
      ns_per_op: 1e9 / rate,
    })),
    {
      case: `store ingest, per whole call (${d.ingest.callsPerSecond.toLocaleString('en')} calls/s)`,
      impl: 'sidetone',
      ns_per_op: 1e9 / d.ingest.callsPerSecond,
    },
    {
      case: `dashboard for a day over ${d.calls.toLocaleString('en')} calls (median)`,
      impl: 'sidetone',
      ns_per_op: ms(d.dashboardDay.medianMs),
    },
    { case: 'failures, 50 most recent (median)', impl: 'sidetone', ns_per_op: ms(d.failures50.medianMs) },
    { case: 'hourly series, 24 h (median)', impl: 'sidetone', ns_per_op: ms(d.hourly24.medianMs) },
    { case: 'daily series, 30 days (median)', impl: 'sidetone', ns_per_op: ms(d.daily30.medianMs) },
  );
  notes.push(
    `Store: ${d.calls.toLocaleString('en')} calls (${d.ingest.updates.toLocaleString('en')} updates, batches of ${d.ingest.batchSize}) ingested at ${d.ingest.updatesPerSecond.toLocaleString('en')} updates/s = ${d.ingest.callsPerSecond.toLocaleString('en')} calls/s into a ${d.fileMb} MB SQLite file, ${(d.ingest.updatesPerSecond / d.ingest.rowInsertsPerSecond).toFixed(2)} of raw INSERTs of the same updates as indexed event rows (${d.ingest.rowInsertsPerSecond.toLocaleString('en')} rows/s: every field, integer key, call-id and time indexes; no upsert, no derived columns, no hashing, no rollups) and ${(d.ingest.updatesPerSecond / d.ingest.rawInsertsPerSecond).toFixed(2)} of a bare 5-column append with no index (${d.ingest.rawInsertsPerSecond.toLocaleString('en')} rows/s); the store checkpoints its WAL on a thread of its own (largest WAL between batches ${d.ingest.walPeakMb ?? '?'} MB), the floors in their commits as SQLite does by default; dashboard for one day ${d.dashboardDay.medianMs} ms median (${d.dashboardWeek.medianMs} ms for 7 days).`,
    `CSV export of ${d.exportCsv.rows.toLocaleString('en')} calls (${d.exportCsv.mb} MB) in ${d.exportCsv.seconds} s, peak RSS ${d.exportCsv.peakRssMb} MB (baseline ${d.exportCsv.baselineRssMb} MB)${d.cliExportCsv === undefined ? '' : `; through the CLI (\`sidetone export\`) to a file in ${d.cliExportCsv.file.seconds} s, peak RSS ${d.cliExportCsv.file.peakRssMb} MB, to stdout in ${d.cliExportCsv.stdout.seconds} s, peak RSS ${d.cliExportCsv.stdout.peakRssMb} MB`}.`,
  );
  if (d.liveIngest !== undefined) {
    notes.push(
      `Sustained live ingest (calls filed at "now", ${d.liveIngest.callsPerSecond.toLocaleString('en')} a second for 5 simulated minutes, so the open 10-minute slot keeps filling): CPU per call by minute ${d.liveIngest.cpuUsPerCallByMinute.join(', ')} us.`,
    );
  }
}

/** Rollup reads (ms at 10M calls) per backend; each must stay <= 50 ms (issue 17). */
function rollupRows(d) {
  const calls = d.calls.toLocaleString('en');
  for (const backend of ['sqlite', 'postgres'].filter((b) => d[b] !== undefined)) {
    for (const [what, r] of Object.entries(d[backend].reads)) {
      const c = `${backend}: ${what} over ${calls} calls (median)`;
      all.push({ case: c, impl: 'sidetone', ns_per_op: r.medianMs * 1e6 });
      rollupTargets.push(
        `| <= 50 ms | ${backend}: ${what} | ${r.maxMs} ms (slowest of 5) | ${r.maxMs <= 50 ? 'met' : `missed by ${(r.maxMs / 50).toFixed(2)}x`} |`,
      );
    }
    const b = d[backend];
    notes.push(
      `Rollups, ${backend}: ${calls} calls over 90 days loaded in ${b.loadSeconds} s` +
        (b.migrateSeconds === undefined
          ? ' through the rollup triggers'
          : `, rollups built on first open in ${b.migrateSeconds} s`) +
        `; a day's p50 ${b.p50.rollup} ms from the histogram (exact ${b.p50.exact}), p95 ${b.p95.rollup} ms (exact ${b.p95.exact}).`,
    );
  }
}

const cases = [...new Set(all.map((r) => r.case))];
const fmt = (n) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const IMPLS = ['prom-client', '@prometheus-io/client', 'otel'];
/** `other / sidetone` as "5.1x", with its range over the registry runs when there were several. */
function ratio(c, impl) {
  const per = (rows) => {
    const st = rows.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op;
    const x = rows.find((r) => r.case === c && r.impl === impl)?.ns_per_op;
    return st === undefined || x === undefined ? undefined : x / st;
  };
  const one = per(all);
  if (one === undefined) return '';
  const each = runs.map(per).filter((x) => x !== undefined);
  if (each.length < 2) return `${one.toFixed(1)}x`;
  return `${one.toFixed(1)}x (${Math.min(...each).toFixed(1)}-${Math.max(...each).toFixed(1)})`;
}
const rows = cases.map((c) => {
  const by = Object.fromEntries(all.filter((r) => r.case === c).map((r) => [r.impl, r.ns_per_op]));
  const show = (x) => (x === undefined ? '' : fmt(x));
  const out = { case: c, sidetone: show(by.sidetone), floor: show(by.floor) };
  // How far above the floor sidetone is (1.0x = at the floor).
  const st = by.sidetone;
  out['sidetone / floor'] =
    by.floor === undefined || st === undefined ? '' : `${(st / by.floor).toFixed(2)}x`;
  if (by['join floor'] !== undefined) out['sidetone / floor'] += ` (join floor ${fmt(by['join floor'])})`;
  for (const impl of IMPLS) {
    out[impl] = show(by[impl]);
    out[`vs ${impl}`] = ratio(c, impl);
  }
  return out;
});
const head = ['case', 'sidetone', 'floor', 'sidetone / floor', ...IMPLS.flatMap((i) => [i, `vs ${i}`])];
const targetLines = runs.length > 0 && saved('http') !== undefined ? targets() : [];
const md = [
  '# Benchmarks',
  '',
  `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`,
  'Figures are ns per operation (lower is better) except heap rows, which are bytes per series. A ratio is',
  'the other implementation\'s figure divided by sidetone\'s: "6.0x" means sidetone is six times faster (or smaller).',
  `Registry rows are the median of ${runs.length} runs, each a fresh process; their ratios are taken within a run,`,
  'and the range over runs follows in brackets. The floor is plain code doing the minimum (see bench/).',
  'Absolute times drift on shared machines; compare the ratios, measured in the same run.',
  '',
  `| ${head.join(' | ')} |`,
  `| ${head.map(() => '---').join(' | ')} |`,
  ...rows.map((r) => `| ${head.map((h) => r[h]).join(' | ')} |`),
  '',
  ...notes.map((n) => `- ${n}`),
  '',
  ...targetLines,
  ...(rollupTargets.length > 0
    ? [
        '## Rollup reads',
        '',
        '| target | read | measured | result |',
        '| --- | --- | --- | --- |',
        ...rollupTargets,
        '',
      ]
    : []),
];
console.table(rows);
for (const n of notes) console.log(n);
writeFileSync(new URL('results/latest.json', here), `${JSON.stringify(all, null, 2)}\n`);
writeFileSync(new URL('../docs/benchmarks.md', here), md.join('\n'));

/**
 * The core's targets (issue 11), checked against this run: the worst ratio over the registry runs
 * (the HTTP suite runs once), met or missed and by how much.
 */
function targets() {
  const ratios = (c, impl) =>
    runs.map((rows) => {
      const st = rows.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op;
      return rows.find((r) => r.case === c && r.impl === impl)?.ns_per_op / st;
    });
  const lines = [
    '## Targets',
    '',
    'Each target checked against the figures above: the worst run counts.',
    '',
    '| target | case | measured | result |',
    '| --- | --- | --- | --- |',
  ];
  const check = (target, c, worst, ok, shown) =>
    lines.push(`| ${target} | ${c} | ${shown} | ${ok ? 'met' : `missed by ${worst}`} |`);
  const faster = (c, impl, min) => {
    const xs = ratios(c, impl).filter((x) => Number.isFinite(x));
    if (xs.length === 0) return;
    const lo = Math.min(...xs);
    check(`>= ${min}x ${impl}`, c, `${(min / lo).toFixed(2)}x`, lo >= min, `${lo.toFixed(1)}x`);
  };
  for (const c of cases.filter((x) => x.startsWith('render '))) {
    faster(c, 'prom-client', 10);
    faster(c, '@prometheus-io/client', 8);
    const xs = runs.map((rows) => {
      const st = rows.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op;
      return st / rows.find((r) => r.case === c && r.impl === 'floor')?.ns_per_op;
    });
    const hi = Math.max(...xs);
    check('<= 1.3x the format floor', c, `${(hi / 1.3).toFixed(2)}x`, hi <= 1.3, `${hi.toFixed(2)}x`);
  }
  for (const c of cases.filter((x) => x.includes('looked up per call'))) faster(c, 'prom-client', 10);
  for (const c of cases.filter((x) => x.startsWith('heap bytes'))) {
    const hi = Math.max(
      ...runs.map((rows) => rows.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op),
    );
    check('<= 100 B per series', c, `${(hi / 100).toFixed(2)}x`, hi <= 100, `${hi.toFixed(0)} B`);
  }
  for (const c of cases.filter((x) => x.startsWith('GET /metrics'))) {
    const st = all.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op;
    const pc = all.find((r) => r.case === c && r.impl === 'prom-client')?.ns_per_op;
    check('>= 8x prom-client', c, `${(8 / (pc / st)).toFixed(2)}x`, pc / st >= 8, `${(pc / st).toFixed(1)}x`);
  }
  const worst = Math.max(...gcs);
  check('0 GCs while recording', 'allocation check, per run', `${worst} GCs`, worst === 0, gcs.join(', '));
  // Voice-agent turns through the bus (issue 36): under 2 us a turn, no GC in steady state.
  const turn = all.find((r) => r.case.startsWith('emit voiceai.turn') && r.impl === 'sidetone');
  if (turn !== undefined) {
    const us = turn.ns_per_op / 1000;
    check('< 2 us per turn event', turn.case, `${(us / 2).toFixed(2)}x`, us < 2, `${us.toFixed(2)} us`);
  }
  const turnGcs = saved('events')?.turnGcs;
  if (turnGcs !== undefined)
    check(
      '0 GCs per turn event',
      'alloc emit held voiceai.turn',
      `${turnGcs} GCs`,
      turnGcs === 0,
      `${turnGcs} GCs`,
    );
  // Scale-out (issue 17): ingest beside its floor, PostgreSQL's rate, the export's memory.
  const share = (c, min) => {
    const st = all.find((r) => r.case === c && r.impl === 'sidetone')?.ns_per_op;
    const fl = all.find((r) => r.case === c && r.impl === 'floor')?.ns_per_op;
    if (st === undefined || fl === undefined) return;
    const x = fl / st;
    check(`>= ${min} of the floor`, c, `${(min / x).toFixed(2)}x`, x >= min, x.toFixed(2));
  };
  for (const c of cases.filter((x) => x.startsWith('store ingest, per update'))) share(c, 0.8);
  for (const c of cases.filter((x) => x.startsWith('ingest over HTTP'))) share(c, 0.7);
  const pg = all.find((r) => r.case.startsWith('PostgreSQL store ingest') && r.impl === 'sidetone');
  if (pg !== undefined) {
    const rate = 1e9 / pg.ns_per_op;
    check(
      '>= 50,000 updates/s',
      pg.case,
      `${(50_000 / rate).toFixed(2)}x`,
      rate >= 50_000,
      Math.round(rate).toLocaleString('en'),
    );
  }
  const store = saved('store');
  if (store?.exportCsv !== undefined) {
    // The largest of the library's, the CLI's to a file and the CLI's to stdout.
    const cli = store.cliExportCsv;
    const mb = Math.max(store.exportCsv.peakRssMb, cli?.file.peakRssMb ?? 0, cli?.stdout.peakRssMb ?? 0);
    check(
      '<= 130 MB peak RSS',
      `CSV export of ${store.exportCsv.rows.toLocaleString('en')} calls${cli === undefined ? '' : ' (library, CLI to a file, CLI to stdout)'}`,
      `${(mb / 130).toFixed(2)}x`,
      mb <= 130,
      `${mb} MB`,
    );
  }
  return [...lines, ''];
}
