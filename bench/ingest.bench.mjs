// Sustained ingest over HTTP: NDJSON batches POSTed to a running sidecar (SQLite store, every pack)
// while a real Prometheus scrapes it every second, beside the floor (bare node:http, JSON.parse, one
// plain row per event). The two take turns in rounds within one run, each loaded by the same clients:
// this machine's speed drifts between phases (the floor alone gave 107k-174k events/s across runs of
// one 10 s phase each), so a ratio is taken between neighbouring phases, and the median reported.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../dist/config/load.js';
import { startSidecar } from '../dist/server/sidecar.js';
import { freePort, ingestFlags, mainCpu, ndjsonBatch } from './ingest-traffic.mjs';

const SECONDS = Number(process.env.INGEST_SECONDS ?? 5);
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.INGEST_WARMUP_SECONDS ?? 2);
const BATCH = 500;
const CLIENTS = 4;

const dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-bench-'));
const port = await freePort();
const config = loadConfig({ env: {}, flags: ingestFlags(dir, port) });
const sidecar = await startSidecar(config, { signals: false });

// A real Prometheus scraping every second, if installed.
const promPort = await freePort();
writeFileSync(
  join(dir, 'prometheus.yml'),
  `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sidetone\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`,
);
const prom = spawn(
  'prometheus',
  [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--log.level=error',
  ],
  { stdio: 'ignore' },
);
prom.on('error', () => {});

// The floor: bare node:http, JSON.parse per line, every event a plain row in SQLite (WAL,
// synchronous NORMAL) in one transaction per request, then the 200.
const db = new Database(join(dir, 'floor.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE events (type TEXT, call_id TEXT, body TEXT)');
const insert = db.prepare('INSERT INTO events VALUES (?, ?, ?)');
const insertAll = db.transaction((lines) => {
  for (const line of lines) {
    const e = JSON.parse(line);
    insert.run(e.type, e.callId ?? null, line);
  }
  return lines.length;
});
const floorServer = createHttpServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  const accepted = insertAll(body.split('\n').filter((l) => l !== ''));
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ accepted }));
});
await new Promise((r) => floorServer.listen(0, '127.0.0.1', r));
const floorUrl = `http://127.0.0.1:${floorServer.address().port}/events`;

/**
 * Post batches from CLIENTS concurrent clients for `length` seconds: events/s acknowledged, and what the
 * phase cost this process (clients included): main-thread event-loop utilisation, and per event
 * the main thread's CPU and the whole process's (every thread).
 */
async function load(url, length = SECONDS) {
  globalThis.gc?.(); // each phase starts from a collected heap, not the other one's garbage
  let events = 0;
  let failures = 0;
  const end = Date.now() + length * 1000;
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const main0 = mainCpu();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: ndjsonBatch(BATCH),
        });
        const body = await res.json();
        if (res.status === 200) events += body.accepted;
        else failures++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const elu = performance.eventLoopUtilization(elu0);
  const cpu = process.cpuUsage(cpu0);
  const main = mainCpu() - main0;
  return {
    rate: events / seconds,
    failures,
    elu: elu.utilization,
    mainUsPerEvent: main / events,
    cpuUsPerEvent: (cpu.user + cpu.system) / events,
  };
}

await new Promise((r) => setTimeout(r, 1500)); // let Prometheus start scraping
// Both servers loaded once, uncounted, before the rounds: the first round's CPU per event was
// ~15 % above the later ones' for each (JIT compilation), and a sidecar runs for days.
await load(`${sidecar.url}/events`, WARMUP_SECONDS);
prom.kill('SIGSTOP');
await load(floorUrl, WARMUP_SECONDS);
prom.kill('SIGCONT');
/** Prometheus's view of the sidecar, read while it runs (a scrape across a pause would look slow). */
async function scrapeStatus() {
  try {
    const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`);
    const t = (await r.json()).data.activeTargets[0];
    return `target ${t.health}${t.lastError ? ` (${t.lastError})` : ''}, last scrape ${(t.lastScrapeDuration * 1000).toFixed(1)} ms`;
  } catch {
    return 'prometheus not installed';
  }
}
const rounds = [];
let scrape = '';
for (let k = 0; k < ROUNDS; k++) {
  const side = await load(`${sidecar.url}/events`);
  scrape = await scrapeStatus();
  // Prometheus scrapes the sidecar, in this process: paused while the floor runs, so the floor
  // does not pay for our scrapes (resumed, it scrapes again at once).
  prom.kill('SIGSTOP');
  const floor = await load(floorUrl);
  prom.kill('SIGCONT');
  const ratio = side.rate / floor.rate;
  rounds.push({ side, floor, ratio });
  console.log(
    `round ${k + 1}: sidetone ${Math.round(side.rate).toLocaleString('en')} events/s ` +
      `(main ELU ${side.elu.toFixed(2)}, main CPU ${side.mainUsPerEvent.toFixed(2)} us/event, ` +
      `process CPU ${side.cpuUsPerEvent.toFixed(2)} us/event), floor ${Math.round(floor.rate).toLocaleString('en')} ` +
      `(main ELU ${floor.elu.toFixed(2)}, main CPU ${floor.mainUsPerEvent.toFixed(2)}, process CPU ${floor.cpuUsPerEvent.toFixed(2)} us/event): ${ratio.toFixed(2)}`,
  );
}
prom.kill('SIGTERM');
await sidecar.close();
floorServer.close();
db.close();
rmSync(dir, { recursive: true, force: true });

// The round with the median ratio stands for the run, so its two rates give the ratio reported.
const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
const ratios = rounds.map((r) => r.ratio.toFixed(2)).join(', ');
const failures = rounds.reduce((n, r) => n + r.side.failures, 0);
const { side, floor } = median;
const note =
  `Ingest over HTTP, ${ROUNDS} rounds of ${SECONDS} s each for sidetone then the floor, after ${WARMUP_SECONDS} s of each uncounted (same ${CLIENTS} clients, NDJSON batches of ${BATCH}): ` +
  `sidetone at ${ratios} of the floor, median ${median.ratio.toFixed(2)} (${Math.round(side.rate).toLocaleString('en')} against ${Math.round(floor.rate).toLocaleString('en')} events/s). ` +
  `Every call durable in SQLite before the 200 (${failures} failed requests) while Prometheus scraped every second: ${scrape}. ` +
  `The floor is bare node:http, JSON.parse, one plain row per event in one transaction per request. ` +
  `That round's sidetone phase: main thread's event loop busy ${(side.elu * 100).toFixed(0)} % of the time; CPU an event ${side.mainUsPerEvent.toFixed(2)} us on the main thread, ${side.cpuUsPerEvent.toFixed(2)} us in all threads, the clients' share included (the floor's: ${floor.mainUsPerEvent.toFixed(2)} and ${floor.cpuUsPerEvent.toFixed(2)} us).`;
console.log(note);
writeFileSync(
  new URL('results/ingest.json', import.meta.url),
  `${JSON.stringify(
    {
      results: [
        {
          case: 'ingest over HTTP, per event (batches of 500)',
          impl: 'sidetone',
          ns_per_op: 1e9 / side.rate,
        },
        { case: 'ingest over HTTP, per event (batches of 500)', impl: 'floor', ns_per_op: 1e9 / floor.rate },
      ],
      rounds: rounds.map((r) => ({
        sidetone: Math.round(r.side.rate),
        floor: Math.round(r.floor.rate),
        ratio: Number(r.ratio.toFixed(3)),
        sidetoneElu: Number(r.side.elu.toFixed(3)),
        sidetoneMainCpuUsPerEvent: Number(r.side.mainUsPerEvent.toFixed(2)),
        sidetoneCpuUsPerEvent: Number(r.side.cpuUsPerEvent.toFixed(2)),
        floorMainCpuUsPerEvent: Number(r.floor.mainUsPerEvent.toFixed(2)),
        floorCpuUsPerEvent: Number(r.floor.cpuUsPerEvent.toFixed(2)),
      })),
      notes: [note],
    },
    null,
    2,
  )}\n`,
);
