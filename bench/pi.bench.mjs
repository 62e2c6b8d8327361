// The sidecar at a Raspberry Pi's scale (issue 39): today's `sidetone serve` (SQLite store, the call
// packs, threads as shipped) beside floors, every server a process of its own, the load generator
// here. Each figure is a ratio within one round, ranged over the rounds:
// - start-up: spawn to the first 200 on /readyz (polled every 5 ms), and the CPU time the process
//   had used by then (every thread), against the commit floor
//   (node:http + better-sqlite3; floor-server.mjs) and a prom-client exporter, and the same sidecar
//   without its code cache (a package built with another Node.js, installed read-only); the four are
//   started one after another, in a rotated order each round;
// - idle RSS and CPU: VmRSS after one scrape and IDLE_SECONDS of nothing, and the CPU time each
//   process used over those seconds, the same four side by side;
// - CPU per event at a Pi's rate: 20 calls a second (five events each, one POST per event, as an
//   app posts them when they happen) and a scrape every 15 s, to the sidecar, the commit floor and
//   the ack floor (parse and acknowledge) and the limit server at once, each fed the same traffic; each server's CPU
//   time (every thread, /proc) over a window, per event acknowledged. At 100 events/s a server
//   needs a few % of a core, so the three share the machine without waiting for it;
// - peak RSS under sustained maximum ingest: the sidecar, then the commit floor, fresh, each loaded
//   for SUSTAIN_SECONDS at the highest rate 4 clients reach (servers.mjs maxIngest); the high-water
//   mark (VmHWM) at the end, and RSS sampled every second against the MemoryMax of the systemd unit
//   docs/deploy.md ships. One run: a bound, not a ratio.
// Env: PI_ROUNDS (6), PI_IDLE_SECONDS (60), PI_WINDOW_SECONDS (30), PI_WARMUP_SECONDS (15),
// PI_SUSTAIN_SECONDS (60); PI_PARTS (start,rate,peak: the parts to run; a run of some of them prints
// its rows and saves nothing, as bench/report.mjs renders the Pi rows from all three).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callLines } from './ingest-traffic.mjs';
import { load1, median, procCpuNs, procMemMib } from './proc.mjs';
import { maxIngest, startServer } from './servers.mjs';

const ROUNDS = Number(process.env.PI_ROUNDS ?? 6);
const IDLE_SECONDS = Number(process.env.PI_IDLE_SECONDS ?? 60);
const WINDOW_SECONDS = Number(process.env.PI_WINDOW_SECONDS ?? 30);
const WARMUP_SECONDS = Number(process.env.PI_WARMUP_SECONDS ?? 15);
const CALLS_PER_SECOND = 20;
const SCRAPE_EVERY_MS = 15_000;
const SUSTAIN_SECONDS = Number(process.env.PI_SUSTAIN_SECONDS ?? 60);
/** The systemd unit's MemoryMax (docs/deploy.md). */
const MEMORY_MAX_MIB = 256;
const PARTS = new Set((process.env.PI_PARTS ?? 'start,rate,peak').split(','));

const dir = mkdtempSync(join(tmpdir(), 'sidetone-pi-bench-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- start-up and idle RSS: fresh processes every round.
// BENCH_CLI_BEFORE: the build before a change beside today's, in the same rounds (printed; the
// page's rows are today's).
const BEFORE = process.env.BENCH_CLI_BEFORE ? ['sidetone before'] : [];
// The shipped build also without its code cache (servers.mjs): what a package built with another
// Node.js, installed read-only, starts in (issue 51).
const STARTED = [
  'sidetone',
  'sidetone without code cache',
  ...BEFORE,
  'commit floor',
  'prom-client exporter',
];
const startRounds = [];
for (let k = 0; PARTS.has('start') && k < ROUNDS; k++) {
  const load = load1();
  const order = STARTED.map((_, i) => STARTED[(i + k) % STARTED.length]);
  const running = {};
  for (const kind of order) {
    const roundDir = mkdtempSync(join(dir, 'start-'));
    running[kind] = await startServer(kind, roundDir);
    await (await fetch(`${running[kind].url}/metrics`)).arrayBuffer();
  }
  // Idle CPU: what each process burns with nothing to do (timers, samplers; issue 51), over the
  // idle window, every process measured over the same seconds.
  // The window's second half apart: what an idle process burns once the start's own settling (V8's
  // memory reducer collects the start's garbage 8-9 s after it) is over, all day on a Pi.
  const idle0 = Object.fromEntries(STARTED.map((kind) => [kind, procCpuNs(running[kind].pid)]));
  const t0 = performance.now();
  await sleep((IDLE_SECONDS * 1000) / 2);
  const idleHalf = Object.fromEntries(STARTED.map((kind) => [kind, procCpuNs(running[kind].pid)]));
  const tHalf = performance.now();
  await sleep((IDLE_SECONDS * 1000) / 2);
  const t1 = performance.now();
  const round = { load };
  for (const kind of STARTED) {
    const { startMs, startCpuMs, pid } = running[kind];
    const cpu = procCpuNs(pid);
    const idleCpuMsPerS = (cpu - idle0[kind]) / 1e6 / ((t1 - t0) / 1000);
    const idleLateCpuMsPerS = (cpu - idleHalf[kind]) / 1e6 / ((t1 - tHalf) / 1000);
    round[kind] = { startMs, startCpuMs, idleRssMib: procMemMib(pid).rss, idleCpuMsPerS, idleLateCpuMsPerS };
    await running[kind].stop();
  }
  startRounds.push(round);
  console.log(
    `start-up round ${k + 1} (load ${load}): ${STARTED.map((kind) => `${kind} ${round[kind].startMs.toFixed(0)} ms (${round[kind].startCpuMs.toFixed(0)} ms CPU), idle ${round[kind].idleRssMib.toFixed(1)} MiB, ${round[kind].idleCpuMsPerS.toFixed(2)} ms CPU/s (second half ${round[kind].idleLateCpuMsPerS.toFixed(2)})`).join('; ')}`,
  );
}

// --- CPU per event at 20 calls a second with a scrape every 15 s, the three servers at once.
// The limit server beside them (floor-server.mjs: what the store's schema requires of ingest and
// nothing more), so the Pi's rate has the yardstick the highest rate has (issue 51).
const LOADED = ['sidetone', ...BEFORE, 'commit floor', 'ack floor', 'limit server'];
const servers = {};
const RATE = PARTS.has('rate');
for (const kind of RATE ? LOADED : [])
  servers[kind] = await startServer(kind, mkdtempSync(join(dir, 'rate-')));
const acked = Object.fromEntries(LOADED.map((k) => [k, 0]));
const failed = Object.fromEntries(LOADED.map((k) => [k, 0]));
let stop = false;
/**
 * One server's traffic: the events of 20 calls a second, one POST each, evenly spaced, each sent at
 * its time whether or not the last was answered (an app does not wait for the sidecar to post its
 * next event), so every server gets the same rate however slowly it answers. The servers' feeds are
 * offset by a share of the gap (`slot` of LOADED.length), so that no server is always the first
 * woken: with every feed on one tick, the first server took 7-9 % more CPU an event than the same
 * build second (an A/A run of 2026-11-27: the same dist/ as "sidetone" and "sidetone before", all 6
 * windows 1.07-1.09x), and the first in LOADED is sidetone.
 */
async function feed(kind, slot) {
  const url = `${servers[kind].url}/events`;
  const gap = 1000 / (CALLS_PER_SECOND * 5);
  const inflight = new Set();
  let next = performance.now() + (gap * slot) / LOADED.length;
  await sleep(Math.max(0, next - performance.now()));
  let pending = [];
  while (!stop) {
    if (pending.length === 0) pending = callLines();
    const body = pending.shift();
    const post = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status === 200) acked[kind]++;
        else failed[kind]++;
      })
      .catch(() => {
        failed[kind]++;
      })
      .finally(() => inflight.delete(post));
    inflight.add(post);
    next += gap;
    await sleep(Math.max(0, next - performance.now()));
  }
  await Promise.all(inflight);
}
async function scrapes() {
  while (!stop) {
    for (const kind of LOADED) await (await fetch(`${servers[kind].url}/metrics`)).arrayBuffer();
    await sleep(SCRAPE_EVERY_MS);
  }
}
const running = RATE ? [...LOADED.map(feed), scrapes()] : [];
if (RATE) await sleep(WARMUP_SECONDS * 1000);
const rateRounds = [];
for (let k = 0; RATE && k < ROUNDS; k++) {
  const load = load1();
  const cpu0 = Object.fromEntries(LOADED.map((kind) => [kind, procCpuNs(servers[kind].pid)]));
  const n0 = { ...acked };
  await sleep(WINDOW_SECONDS * 1000);
  const round = { load };
  for (const kind of LOADED) {
    const events = acked[kind] - n0[kind];
    round[kind] = {
      events,
      // The rate the feeder reached: a loaded machine's feeder falls behind (1-5 calls/s for a
      // "20 calls/s" row, issue 51), and bench/report.mjs leaves a round under 95 % of it out.
      rate: events / WINDOW_SECONDS,
      cpuUsPerEvent: (procCpuNs(servers[kind].pid) - cpu0[kind]) / 1000 / events,
    };
  }
  round.vsFloor = round.sidetone.cpuUsPerEvent / round['commit floor'].cpuUsPerEvent;
  round.vsAck = round.sidetone.cpuUsPerEvent / round['ack floor'].cpuUsPerEvent;
  round.vsLimit = round.sidetone.cpuUsPerEvent / round['limit server'].cpuUsPerEvent;
  rateRounds.push(round);
  console.log(
    `20 calls/s window ${k + 1} (load ${load}): ${LOADED.map((kind) => `${kind} ${round[kind].cpuUsPerEvent.toFixed(1)} µs CPU an event (${round[kind].events} events, ${round[kind].rate.toFixed(1)}/s of ${CALLS_PER_SECOND * 5})`).join(', ')}: ` +
      `${round.vsFloor.toFixed(2)}x the commit floor, ${round.vsAck.toFixed(2)}x the ack floor, ${round.vsLimit.toFixed(2)}x the limit server`,
  );
}
stop = true;
await Promise.all(running);
for (const s of Object.values(servers)) await s.stop();

// --- peak RSS under sustained maximum ingest, one server at a time.
const sustained = { load: [load1()] };
for (const kind of PARTS.has('peak') ? ['sidetone', 'commit floor'] : []) {
  const server = await startServer(kind, mkdtempSync(join(dir, 'peak-')));
  const r = await maxIngest(server, SUSTAIN_SECONDS, { sampleMs: 1000, overMib: MEMORY_MAX_MIB });
  sustained[kind] = {
    peakRssMib: Number(procMemMib(server.pid).hwm.toFixed(1)),
    samples: r.samples,
    samplesOverMemoryMax: r.over,
    eventsPerSecond: Math.round(r.rate),
    failures: r.failures,
  };
  await server.stop();
  console.log(
    `sustained ingest, ${kind}: ${sustained[kind].eventsPerSecond.toLocaleString('en')} events/s for ${SUSTAIN_SECONDS} s, ` +
      `peak RSS ${sustained[kind].peakRssMib} MiB, ${r.over} of ${r.samples} samples over ${MEMORY_MAX_MIB} MiB`,
  );
}
sustained.load.push(load1());
rmSync(dir, { recursive: true, force: true });

const r2 = (x) => Number(x.toFixed(2));
const result = {
  startRounds: startRounds.map((r) => ({
    load: r.load,
    ...Object.fromEntries(
      STARTED.map((kind) => [
        kind,
        {
          startMs: r2(r[kind].startMs),
          startCpuMs: r2(r[kind].startCpuMs),
          idleRssMib: r2(r[kind].idleRssMib),
          idleCpuMsPerS: Number(r[kind].idleCpuMsPerS.toFixed(3)),
          idleLateCpuMsPerS: Number(r[kind].idleLateCpuMsPerS.toFixed(3)),
        },
      ]),
    ),
  })),
  rateRounds: rateRounds.map((r) => ({
    load: r.load,
    ...Object.fromEntries(
      LOADED.map((kind) => [
        kind,
        { events: r[kind].events, rate: r2(r[kind].rate), cpuUsPerEvent: r2(r[kind].cpuUsPerEvent) },
      ]),
    ),
    vsFloor: r2(r.vsFloor),
    vsAck: r2(r.vsAck),
    vsLimit: r2(r.vsLimit),
  })),
  failures: failed,
  sustained,
  memoryMaxMib: MEMORY_MAX_MIB,
  settings: {
    sustainSeconds: SUSTAIN_SECONDS,
    rounds: ROUNDS,
    idleSeconds: IDLE_SECONDS,
    windowSeconds: WINDOW_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    callsPerSecond: CALLS_PER_SECOND,
    scrapeEverySeconds: SCRAPE_EVERY_MS / 1000,
  },
};
const ratio = (xs) =>
  xs.length === 0
    ? 'not run'
    : `${median(xs).toFixed(2)}x (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
console.log(
  `start-up ${ratio(startRounds.map((r) => r.sidetone.startMs / r['commit floor'].startMs))} the commit floor; ` +
    `idle RSS ${ratio(startRounds.map((r) => r.sidetone.idleRssMib / r['commit floor'].idleRssMib))} it; ` +
    `CPU an event at 20 calls/s ${ratio(rateRounds.map((r) => r.vsFloor))} it, ${ratio(rateRounds.map((r) => r.vsAck))} the ack floor`,
);
if (PARTS.size === 3 && ['start', 'rate', 'peak'].every((p) => PARTS.has(p)))
  writeFileSync(new URL('results/pi.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
