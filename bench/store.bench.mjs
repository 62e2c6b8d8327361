// Call-store benchmark: ingest rate, dashboard / failures / series latency and CSV export memory
// over a 1M-call SQLite store.
//
//   npx tsc -p tsconfig.build.json && node bench/store.bench.mjs
//
// Env: SIDETONE_BENCH_CALLS (default 1000000), SIDETONE_BENCH_ROUNDS (default 6),
// SIDETONE_BENCH_DIR (default os.tmpdir()).
// The ingest is measured against two floors (WRITERS below), the store and each floor a process of
// its own taking turns in rounds (an earlier version interleaved the three in one process, where the
// store's checkpoint thread ran during the floors' timed writes: 0.87 of the rows floor there,
// 0.77-0.83 apart); a ratio is of CPU time within a round, ranged over the rounds.
// Targets (issue): ingest >= 50k records/s through applyBatch (a record = one CallUpdate; a call
// takes ~4.25 of them here); one-day dashboard over 1M calls <= 200 ms;
// CSV export of 1M calls at most 130 MB peak RSS, through the library and the CLI. Writes
// bench/results/store.json. The machine's load average is recorded: on a shared box, other
// processes' CPU use shows up in every figure.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  daily,
  dashboard,
  exportCalls,
  failures,
  healthIndicators,
  hourly,
} from '../dist/analytics/index.js';
import { SqliteCallStore } from '../dist/store/sqlite/store.js';
import { childResult, cpuNs, load1, median, reply } from './proc.mjs';
import { timeIt as time } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const privacy = { hashKey: 'bench-hash-key-0123456789abcdef', storeRaw: false };
const DAY = 86_400_000;
const END = Date.UTC(2024, 5, 30); // calls span the 30 days before this

// ---------------------------------------------------------------------------------------------
// Child mode: export every call of the store as CSV, sampling RSS; prints one JSON line.
if (process.argv[2] === '--export') {
  const path = process.argv[3];
  const store = new SqliteCallStore({ path, privacy });
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sample = () => {
    const r = process.memoryUsage().rss;
    if (r > peak) peak = r;
  };
  const timer = setInterval(sample, 20);
  let bytes = 0;
  let rows = -1; // header line
  const t0 = performance.now();
  for await (const chunk of exportCalls(store, { from: 0, to: END + DAY, format: 'csv' })) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) rows++;
    sample();
  }
  const ms = performance.now() - t0;
  clearInterval(timer);
  await store.close();
  // The kernel's high-water mark (VmHWM): what sampling every 20 ms can miss (see peak-rss.cjs).
  const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
  const maxRss = Math.max(peak, hwm ? Number(hwm[1]) * 1024 : 0);
  process.stdout.write(`${JSON.stringify({ rows, bytes, ms, baselineRss: baseline, peakRss: maxRss })}\n`);
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
const N = Number(process.env.SIDETONE_BENCH_CALLS ?? 1_000_000);
const ROUNDS = Number(process.env.SIDETONE_BENCH_ROUNDS ?? 6);
const BATCH = 5000;

/** Deterministic PRNG (mulberry32) so every run ingests the same calls. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const TRUNKS = ['carrier-a', 'carrier-b', 'carrier-c', 'modem-1', 'modem-2'];

/** The updates of call `i`: a realistic mix of outcomes, 200k callers, 2k destinations. */
function callUpdates(i, out) {
  const callId = `call-${i.toString(36)}-${Math.floor(rand() * 1e9).toString(36)}`;
  const at = END - 30 * DAY + Math.floor((i / N) * 30 * DAY);
  const gsm = rand() < 0.1;
  out.push({
    kind: 'started',
    callId,
    at,
    direction: rand() < 0.5 ? 'inbound' : 'outbound',
    channel: gsm ? 'gsm' : 'sip',
    trunk: TRUNKS[gsm ? 3 + (i % 2) : i % 3],
    from: `+1555${String(Math.floor(rand() * 200_000)).padStart(7, '0')}`,
    to: `+4420${String(Math.floor(rand() * 2000)).padStart(7, '0')}`,
  });
  const r = rand();
  const ring = 500 + Math.floor(rand() * 4000);
  if (r < 0.001) return; // left active: a zombie for the cleanup
  if (r < 0.6) {
    const answer = ring + 2000 + Math.floor(rand() * 10_000);
    const end = answer + Math.floor(rand() * 300_000);
    out.push({ kind: 'ringing', callId, at: at + ring }, { kind: 'answered', callId, at: at + answer });
    out.push({
      kind: 'media',
      callId,
      at: at + end,
      mos: 3 + rand() * 1.4,
      jitterMs: rand() * 30,
      lossPercent: rand() * 3,
    });
    if (rand() < 0.3) out.push({ kind: 'transcript', callId, at: at + end });
    out.push({
      kind: 'ended',
      callId,
      at: at + end,
      ...(gsm ? { q850: 16 } : { sipCode: 200 }),
      hangupBy: 'caller',
    });
    return;
  }
  const [code, q850, ringing] =
    r < 0.72
      ? [486, 17, true]
      : r < 0.82
        ? [480, 18, true]
        : r < 0.87
          ? [487, 16, true]
          : r < 0.95
            ? [503, 34, false]
            : [408, 102, false];
  if (ringing) out.push({ kind: 'ringing', callId, at: at + ring });
  out.push({ kind: 'ended', callId, at: at + ring + 20_000, ...(gsm ? { q850 } : { sipCode: code }) });
}

const timeIt = (fn, runs = 7) => time(fn, runs);

/**
 * The writers the ingest is measured with, each opened on a new file at `file`: the store, and two
 * floors, each a file with the store's settings, a prepared INSERT per update, one transaction per
 * batch; no upsert, no derived columns, no hashing, no rollups.
 * - rows: the same updates as rows of an event table with every field an update carries, an
 *   integer key and indexes on call id and time (what finding a call's events or a range needs).
 *   The floor the "about half of raw INSERTs" was measured against: the store of that time
 *   (b07f91c) ran at 0.44 of it at 1M calls here, and at 0.20 of `append`.
 * - append: 5 columns, no index at all; the least a write can do.
 * The store copies its WAL back into the file on a thread of its own (src/store/sqlite/checkpoint.ts),
 * counted here with every other thread; the floors checkpoint inside their commits, as SQLite does
 * by default.
 */
const WRITERS = {
  store: (file) => {
    const store = new SqliteCallStore({ path: file, privacy, cacheSizeMb: 64 });
    return { write: (us) => store.applyBatch(us), close: () => store.close() };
  },
  rows: (file) =>
    floorWriter(
      file,
      `CREATE TABLE updates (id INTEGER PRIMARY KEY, call_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
        direction TEXT, channel TEXT, trunk TEXT, from_number TEXT, to_number TEXT, sip_code INTEGER,
        q850 INTEGER, hangup_by TEXT, mos REAL, jitter_ms REAL, loss_percent REAL);
      CREATE INDEX updates_call_id ON updates (call_id);
      CREATE INDEX updates_at ON updates (at);`,
      `INSERT INTO updates (call_id, kind, at, direction, channel, trunk, from_number, to_number, sip_code,
        q850, hangup_by, mos, jitter_ms, loss_percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      (u) => [
        u.callId,
        u.kind,
        u.at,
        u.direction ?? null,
        u.channel ?? null,
        u.trunk ?? null,
        u.from ?? null,
        u.to ?? null,
        u.sipCode ?? null,
        u.q850 ?? null,
        u.hangupBy ?? null,
        u.mos ?? null,
        u.jitterMs ?? null,
        u.lossPercent ?? null,
      ],
    ),
  append: (file) =>
    floorWriter(
      file,
      'CREATE TABLE updates (call_id TEXT, kind TEXT, at INTEGER, detail TEXT, code INTEGER)',
      'INSERT INTO updates VALUES (?, ?, ?, ?, ?)',
      (u) => [u.callId, u.kind, u.at, u.trunk ?? u.to ?? null, u.sipCode ?? u.q850 ?? null],
    ),
};

function floorWriter(file, ddl, sql, columns) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -65536');
  db.exec(ddl);
  const insert = db.prepare(sql);
  const insertAll = db.transaction((us) => {
    for (const u of us) insert.run(...columns(u));
  });
  return { write: insertAll, close: () => db.close() };
}

/** This thread's CPU time, ns (the scheduler's clock for the main thread alone). */
const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const mainNs = () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]);

/**
 * Child mode: ingest every call with one writer. Events of 1000 calls at a time, sorted by time (as
 * a live sink sees them), written in batches of 5000 updates. Reports the CPU time the writes took
 * (the process's, every thread, from open to close, less the main thread's time making the
 * updates), the wall time inside the write calls, and for the store the WAL's largest size.
 */
async function ingest(kind, file) {
  const writer = WRITERS[kind](file);
  let updates = 0;
  let wallMs = 0;
  let makeNs = 0;
  let walPeak = 0;
  const walSize = () => {
    try {
      return statSync(`${file}-wal`).size;
    } catch {
      return 0;
    }
  };
  const cpu0 = cpuNs();
  for (let i = 0; i < N; i += 1000) {
    const m0 = mainNs();
    const window = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) callUpdates(j, window);
    window.sort((a, b) => a.at - b.at);
    makeNs += mainNs() - m0;
    for (let k = 0; k < window.length; k += BATCH) {
      const slice = window.slice(k, k + BATCH);
      const t = performance.now();
      await writer.write(slice);
      wallMs += performance.now() - t;
      if (kind === 'store') walPeak = Math.max(walPeak, walSize());
      updates += slice.length;
    }
  }
  const t = performance.now();
  await writer.close();
  wallMs += performance.now() - t;
  return { updates, cpuNs: cpuNs() - cpu0 - makeNs, wallMs, walPeakMb: +(walPeak / 2 ** 20).toFixed(1) };
}

if (process.argv[2] === '--ingest') reply(await ingest(process.argv[3], process.argv[4]));
else await main();

async function main() {
  const dir = mkdtempSync(join(process.env.SIDETONE_BENCH_DIR ?? tmpdir(), 'sidetone-store-bench-'));
  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: `${availableParallelism()} x ${cpus()[0]?.model ?? '?'}`,
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
    calls: N,
  };
  try {
    // --- ingest: each writer in a process of its own (its own heap, its own threads), taking turns
    // in rounds; a ratio is taken within a round. Only the writes are counted, not making the calls.
    const rounds = [];
    const cpuRate = (w) => Math.round(w.updates / (w.cpuNs / 1e9));
    const wallRate = (w) => Math.round(w.updates / (w.wallMs / 1000));
    for (let k = 0; k < ROUNDS; k++) {
      const load = load1();
      const w = {};
      for (const kind of Object.keys(WRITERS)) {
        const file = join(dir, `${kind}.db`);
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
        w[kind] = await childResult(fileURLToPath(import.meta.url), ['--ingest', kind, file]);
      }
      const round = {
        load,
        updatesPerCpuSecond: cpuRate(w.store),
        updatesPerSecond: wallRate(w.store),
        rowsPerCpuSecond: cpuRate(w.rows),
        rowsPerSecond: wallRate(w.rows),
        appendPerCpuSecond: cpuRate(w.append),
        appendPerSecond: wallRate(w.append),
        ofRows: +(w.rows.cpuNs / w.store.cpuNs).toFixed(3),
        ofAppend: +(w.append.cpuNs / w.store.cpuNs).toFixed(3),
        ofRowsWall: +(w.rows.wallMs / w.store.wallMs).toFixed(3),
        ofAppendWall: +(w.append.wallMs / w.store.wallMs).toFixed(3),
        walPeakMb: w.store.walPeakMb,
      };
      rounds.push(round);
      console.log(
        `ingest round ${k + 1} (load ${load}): ${round.updatesPerCpuSecond.toLocaleString('en')} updates per CPU second, ` +
          `${round.ofRows} of the rows floor and ${round.ofAppend} of the append floor by CPU time, ` +
          `${round.ofRowsWall} and ${round.ofAppendWall} by wall time (${round.updatesPerSecond.toLocaleString('en')} updates/s); WAL peak ${round.walPeakMb} MB`,
      );
    }
    results.ingest = { batchSize: BATCH, rounds };
    const path = join(dir, 'store.db');
    results.fileMb = +(statSync(path).size / 2 ** 20).toFixed(1);

    // --- queries on a freshly opened store (default 32 MiB cache), as a server would run them.
    const q = new SqliteCallStore({ path, privacy });
    const day = { from: END - DAY, to: END };
    const d = await dashboard(q, day);
    results.dayCalls = d.totals.calls.value;
    results.dashboardDay = await timeIt(() => dashboard(q, day));
    results.dashboardWeek = await timeIt(() => dashboard(q, { from: END - 7 * DAY, to: END }), 3);
    results.failures50 = await timeIt(() => failures(q, { limit: 50 }));
    results.hourly24 = await timeIt(() => hourly(q, { hours: 24, now: END - 1 }));
    results.daily30 = await timeIt(() => daily(q, { days: 30, now: END - 1 }), 3);
    results.health = await timeIt(() => healthIndicators(q, { now: END }));
    results.kpisDay = d.kpis;
    await q.close();

    // --- sustained live ingest: calls filed at "now" (2,000 a second, 5 simulated minutes, batches of
    // 100 whole calls), so the open 10-minute slot keeps filling. Thread CPU per call in the first and
    // the last simulated minute: maintaining the rollups must not cost more as the slot fills (schema
    // 6 rebuilt the open slot once a second: 45 -> 192 us a call over 4 minutes at 5,000 a second).
    const live = new SqliteCallStore({ path: join(dir, 'live.db'), privacy, cacheSizeMb: 64 });
    const perMinute = [];
    let liveAt = END;
    for (let minute = 0; minute < 5; minute++) {
      const c0 = process.cpuUsage();
      for (let b = 0; b < 1200; b++) {
        const us = [];
        for (let j = 0; j < 100; j++) {
          const callId = `live-${minute}-${b}-${j}`;
          const at = (liveAt += 0.5);
          us.push(
            { kind: 'started', callId, at, direction: 'outbound', channel: 'sip', trunk: TRUNKS[j % 3] },
            { kind: 'answered', callId, at: at + 3000 },
            { kind: 'ended', callId, at: at + 60_000, sipCode: 200, hangupBy: 'caller' },
          );
        }
        await live.applyBatch(us);
      }
      const c = process.cpuUsage(c0);
      perMinute.push(+((c.user + c.system) / 120_000).toFixed(1));
    }
    await live.close();
    results.liveIngest = { callsPerSecond: 2000, cpuUsPerCallByMinute: perMinute };

    // --- export in a child process, so its RSS is the export's alone: through the library, and
    // through the CLI (`sidetone export`) to a file and to stdout, as a user runs it. The CLI child
    // reports its kernel high-water mark (VmHWM) as it exits (bench/peak-rss.cjs).
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--export', path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    await new Promise((resolve) => child.on('exit', resolve));
    const ex = JSON.parse(out);
    results.exportCsv = {
      rows: ex.rows,
      mb: +(ex.bytes / 2 ** 20).toFixed(1),
      seconds: +(ex.ms / 1000).toFixed(2),
      rowsPerSecond: Math.round(ex.rows / (ex.ms / 1000)),
      baselineRssMb: +(ex.baselineRss / 2 ** 20).toFixed(1),
      peakRssMb: +(ex.peakRss / 2 ** 20).toFixed(1),
    };
    // The CLI refuses SIDETONE_* variables it does not know (this bench's own settings among them).
    const cliEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('SIDETONE_')),
    );
    const cliExport = async (args, toStdout) => {
      const peakFile = join(dir, 'peak-rss.txt');
      const t = performance.now();
      const cli = spawn(
        process.execPath,
        [
          '-r',
          join(here, 'peak-rss.cjs'),
          join(here, '..', 'dist', 'cli', 'main.js'),
          'export',
          '--db',
          path,
          ...args,
        ],
        // --days counts back from now; the bench's calls are from 2024.
        {
          stdio: ['ignore', toStdout ? 'pipe' : 'ignore', 'inherit'],
          env: { ...cliEnv, PEAK_RSS_FILE: peakFile },
        },
      );
      let bytes = 0;
      cli.stdout?.on('data', (c) => {
        bytes += c.length;
      });
      const code = await new Promise((resolve) => cli.on('exit', resolve));
      if (code !== 0) throw new Error(`sidetone export ${args.join(' ')} exited ${code}`);
      return {
        seconds: +((performance.now() - t) / 1000).toFixed(2),
        ...(toStdout ? { mb: +(bytes / 2 ** 20).toFixed(1) } : {}),
        peakRssMb: +(Number(readFileSync(peakFile, 'utf8')) / 1024).toFixed(1),
      };
    };
    results.cliExportCsv = {
      file: await cliExport(['--days', '3660', '--out', join(dir, 'export.csv')], false),
      stdout: await cliExport(['--days', '3660'], true),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  results.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));

  const ok = (b) => (b ? 'ok' : 'MISSED');
  const ir = results.ingest.rounds;
  const span = (xs) => `${median(xs)} (${Math.min(...xs)}-${Math.max(...xs)})`;
  const rows = [
    [
      'ingest, updates/s (wall time in applyBatch)',
      span(ir.map((r) => r.updatesPerSecond)),
      '>= 50000',
      ok(Math.min(...ir.map((r) => r.updatesPerSecond)) >= 50_000),
    ],
    ['ingest, updates per CPU second', span(ir.map((r) => r.updatesPerCpuSecond)), '', ''],
    [
      'ingest / raw INSERTs as indexed event rows (CPU)',
      span(ir.map((r) => r.ofRows)),
      '>= 0.8',
      ok(Math.min(...ir.map((r) => r.ofRows)) >= 0.8),
    ],
    ['ingest / a bare 5-column append (CPU)', span(ir.map((r) => r.ofAppend)), '', ''],
    ['ingest, largest WAL between batches, MB', span(ir.map((r) => r.walPeakMb)), '', ''],
    [
      'live ingest, CPU us a call, last minute / first (5 min at 2,000 calls/s)',
      +(results.liveIngest.cpuUsPerCallByMinute[4] / results.liveIngest.cpuUsPerCallByMinute[0]).toFixed(2),
      '<= 1.5',
      ok(results.liveIngest.cpuUsPerCallByMinute[4] <= 1.5 * results.liveIngest.cpuUsPerCallByMinute[0]),
    ],
    [
      `dashboard, 1 day (${results.dayCalls} calls), ms`,
      results.dashboardDay.medianMs,
      '<= 200',
      ok(results.dashboardDay.maxMs <= 200),
    ],
    ['dashboard, 7 days, ms', results.dashboardWeek.medianMs, '', ''],
    ['failures (50), ms', results.failures50.medianMs, '', ''],
    ['hourly series (24 h), ms', results.hourly24.medianMs, '', ''],
    ['daily series (30 d), ms', results.daily30.medianMs, '', ''],
    ['health indicators, ms', results.health.medianMs, '', ''],
    [`CSV export (${results.exportCsv.rows} rows), s`, results.exportCsv.seconds, '', ''],
    [
      'CSV export peak RSS (library), MB',
      results.exportCsv.peakRssMb,
      '<= 130',
      ok(results.exportCsv.peakRssMb <= 130),
    ],
    [
      'CSV export peak RSS (CLI to a file / to stdout), MB',
      `${results.cliExportCsv.file.peakRssMb} / ${results.cliExportCsv.stdout.peakRssMb}`,
      '<= 130',
      ok(Math.max(results.cliExportCsv.file.peakRssMb, results.cliExportCsv.stdout.peakRssMb) <= 130),
    ],
  ];
  console.log(
    `\nsidetone call store, ${N} calls, ${results.cpus}, node ${results.node}, file ${results.fileMb} MB, ` +
      `load average ${results.loadAverageAtStart[0]} -> ${results.loadAverageAtEnd[0]}`,
  );
  console.table(rows.map(([what, value, target, status]) => ({ what, value, target, status })));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', 'store.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log('wrote bench/results/store.json');
}
