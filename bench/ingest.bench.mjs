// Sustained ingest over HTTP at the highest rate the clients reach: NDJSON batches POSTed to today's
// sidecar (`sidetone serve`: SQLite store, the call packs) while a real Prometheus scrapes it every
// second, beside two floors: bare node:http that parses every event and commits it as a plain row
// to SQLite in one transaction per request (the commit floor), and the same that only parses and
// acknowledges (the ack floor), and the limit server: what the store's schema requires and nothing
// more (fold per call, one upsert per call, the keyed hash, the rollup row, one transaction a
// request; floor-server.mjs), the least a server keeping these calls can do (issue 51). Each
// server is a process of its own, and the clients run here, in this process: no server shares an
// event loop with its load (an earlier version ran the floor on the clients' loop, which measured
// sidetone at 0.92 of it; in its own process, 0.33-0.72).
// The four take turns in rounds, loaded by the same clients; each figure is a ratio within a
// round, ranged over the rounds:
// - throughput: sidetone's events/s over the commit floor's;
// - CPU per event: each server's CPU time (every thread, /proc) over the events it acknowledged,
//   sidetone's over each floor's and over the limit server's.
// Peak memory under this load is pi.bench.mjs's.
// Env: INGEST_SECONDS (5), INGEST_ROUNDS (6), INGEST_WARMUP_SECONDS (3); BENCH_CLI_BEFORE (servers.mjs):
// the build before a change takes its turn in every round too, neither sidecar scraped (printed,
// nothing saved).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ingest-traffic.mjs';
import { load1, median } from './proc.mjs';
import { maxIngest, startServer } from './servers.mjs';

const SECONDS = Number(process.env.INGEST_SECONDS ?? 5);
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 6);
const WARMUP_SECONDS = Number(process.env.INGEST_WARMUP_SECONDS ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-bench-'));
const servers = {};
const BEFORE = process.env.BENCH_CLI_BEFORE ? ['sidetone before'] : [];
for (const kind of ['sidetone', ...BEFORE, 'commit floor', 'ack floor', 'limit server'])
  servers[kind] = await startServer(kind, dir);

// A real Prometheus scraping the sidecar every second, if installed.
const promPort = await freePort();
writeFileSync(
  join(dir, 'prometheus.yml'),
  `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: sidetone\n    static_configs:\n      - targets: ['${servers.sidetone.url.slice(7)}']\n`,
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

/** One phase of `kind`; Prometheus (which scrapes only the sidecar) paused while a floor runs. */
async function phase(kind, length = SECONDS) {
  // With a build before beside it, neither sidecar is scraped: the same work for both.
  const scraped = kind === 'sidetone' && !BEFORE.length;
  if (!scraped) prom.kill('SIGSTOP');
  const r = await maxIngest(servers[kind], length);
  if (!scraped) prom.kill('SIGCONT');
  return r;
}

await new Promise((r) => setTimeout(r, 1500)); // let Prometheus start scraping
// Every server loaded once, uncounted, before the rounds (JIT; a sidecar runs for days).
for (const kind of Object.keys(servers)) await phase(kind, WARMUP_SECONDS);
const rounds = [];
let scrape = '';
for (let k = 0; k < ROUNDS; k++) {
  const load = load1();
  const side = await phase('sidetone');
  scrape = await scrapeStatus();
  const floor = await phase('commit floor');
  const ack = await phase('ack floor');
  const limit = await phase('limit server');
  if (BEFORE.length) {
    const before = await phase('sidetone before');
    console.log(
      `round ${k + 1}: sidetone before ${Math.round(before.rate).toLocaleString('en')} events/s at ${before.cpuUsPerEvent.toFixed(2)} µs CPU an event, ` +
        `${(before.cpuUsPerEvent / floor.cpuUsPerEvent).toFixed(2)}x the commit floor; today over before: CPU ${(side.cpuUsPerEvent / before.cpuUsPerEvent).toFixed(2)}x, throughput ${(side.rate / before.rate).toFixed(2)}x`,
    );
  }
  rounds.push({
    load,
    side,
    floor,
    ack,
    limit,
    throughput: side.rate / floor.rate,
    cpuVsFloor: side.cpuUsPerEvent / floor.cpuUsPerEvent,
    cpuVsAck: side.cpuUsPerEvent / ack.cpuUsPerEvent,
    cpuVsLimit: side.cpuUsPerEvent / limit.cpuUsPerEvent,
  });
  console.log(
    `round ${k + 1} (load ${load}): sidetone ${Math.round(side.rate).toLocaleString('en')} events/s at ${side.cpuUsPerEvent.toFixed(2)} µs CPU an event, ` +
      `commit floor ${Math.round(floor.rate).toLocaleString('en')} at ${floor.cpuUsPerEvent.toFixed(2)}, ack floor ${Math.round(ack.rate).toLocaleString('en')} at ${ack.cpuUsPerEvent.toFixed(2)}, ` +
      `limit server ${Math.round(limit.rate).toLocaleString('en')} at ${limit.cpuUsPerEvent.toFixed(2)}: ` +
      `throughput ${(side.rate / floor.rate).toFixed(2)} of the commit floor, CPU an event ${(side.cpuUsPerEvent / floor.cpuUsPerEvent).toFixed(2)}x it, ${(side.cpuUsPerEvent / ack.cpuUsPerEvent).toFixed(2)}x the ack floor, ${(side.cpuUsPerEvent / limit.cpuUsPerEvent).toFixed(2)}x the limit server`,
  );
}
prom.kill('SIGTERM');
for (const s of Object.values(servers)) await s.stop();
rmSync(dir, { recursive: true, force: true });

const r3 = (x) => Number(x.toFixed(3));
const result = {
  rounds: rounds.map((r) => ({
    load: r.load,
    sidetoneEventsPerSecond: Math.round(r.side.rate),
    floorEventsPerSecond: Math.round(r.floor.rate),
    ackEventsPerSecond: Math.round(r.ack.rate),
    limitEventsPerSecond: Math.round(r.limit.rate),
    sidetoneCpuUsPerEvent: r3(r.side.cpuUsPerEvent),
    floorCpuUsPerEvent: r3(r.floor.cpuUsPerEvent),
    ackCpuUsPerEvent: r3(r.ack.cpuUsPerEvent),
    limitCpuUsPerEvent: r3(r.limit.cpuUsPerEvent),
    throughput: r3(r.throughput),
    cpuVsFloor: r3(r.cpuVsFloor),
    cpuVsAck: r3(r.cpuVsAck),
    cpuVsLimit: r3(r.cpuVsLimit),
  })),
  failures: rounds.reduce((n, r) => n + r.side.failures, 0),
  scrape,
  settings: { seconds: SECONDS, rounds: ROUNDS, warmupSeconds: WARMUP_SECONDS, batch: 500, clients: 4 },
};
console.log(
  `throughput ${median(rounds.map((r) => r.throughput)).toFixed(2)} of the commit floor, CPU an event ${median(rounds.map((r) => r.cpuVsFloor)).toFixed(2)}x it ${median(rounds.map((r) => r.cpuVsAck)).toFixed(2)}x the ack floor and ${median(rounds.map((r) => r.cpuVsLimit)).toFixed(2)}x the limit server (medians of ${ROUNDS}); ` +
    scrape,
);
if (!BEFORE.length)
  writeFileSync(new URL('results/ingest.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
