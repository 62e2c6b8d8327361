// The sidecar's main thread alone under the ingest bench's load: the same config and NDJSON batches
// as ingest.bench.mjs, but posted from a worker thread, so the main thread runs only the sidecar
// (in ingest.bench.mjs the clients share it). Prints the main thread's CPU per event for a few
// unprofiled phases, then profiles one phase with the inspector and prints the top self times;
// INGEST_PROFILE_OUT=file.cpuprofile also writes the profile (Chrome DevTools, speedscope).
// Machine-independent enough to compare commits: CPU time of one thread, not throughput, which
// the other processes on a 2-core machine move by 30 % between runs.
//   npx tsc -p tsconfig.build.json && node --expose-gc bench/ingest-profile.mjs
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../dist/config/load.js';
import { startSidecar } from '../dist/server/sidecar.js';
import { freePort, ingestFlags, mainCpu } from './ingest-traffic.mjs';

const SECONDS = Number(process.env.INGEST_SECONDS ?? 4);
const ROUNDS = Number(process.env.INGEST_ROUNDS ?? 3);
const WARMUP_SECONDS = Number(process.env.INGEST_WARMUP_SECONDS ?? 3);
const TOP = Number(process.env.INGEST_PROFILE_TOP ?? 40);

const dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-profile-'));
const config = loadConfig({ env: {}, flags: ingestFlags(dir, await freePort()) });
const sidecar = await startSidecar(config, { signals: false });
const url = `${sidecar.url}/events`;

// The clients: 4 concurrent loops of NDJSON batches of 500 (100 calls of five events, as
// ingest.bench.mjs), for the seconds each message asks; answers the events acknowledged.
const client = `
const { parentPort } = require('node:worker_threads');
const traffic = import(${JSON.stringify(new URL('./ingest-traffic.mjs', import.meta.url).href)});
parentPort.on('message', async ({ url, seconds }) => {
  const { ndjsonBatch } = await traffic;
  let events = 0;
  let failures = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (Date.now() < end) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjsonBatch() });
      const body = await res.json();
      if (res.status === 200) events += body.accepted;
      else failures++;
    }
  }));
  parentPort.postMessage({ events, failures });
});
`;
const worker = new Worker(client, { eval: true });
const post = (seconds) =>
  new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ url, seconds });
  });

async function phase(seconds) {
  globalThis.gc?.();
  const main0 = mainCpu();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const { events, failures } = await post(seconds);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    events,
    failures,
    rate: events / wall,
    mainUs: (mainCpu() - main0) / events,
    processUs: (cpu.user + cpu.system) / events,
  };
}

await phase(WARMUP_SECONDS);
const rounds = [];
for (let k = 0; k < ROUNDS; k++) {
  const r = await phase(SECONDS);
  rounds.push(r);
  console.log(
    `phase ${k + 1}: ${Math.round(r.rate).toLocaleString('en')} events/s, main thread ${r.mainUs.toFixed(2)} us/event, ` +
      `process (clients' worker included) ${r.processUs.toFixed(2)} us/event, ${r.failures} failed requests`,
  );
}
const sorted = rounds.map((r) => r.mainUs).sort((a, b) => a - b);
console.log(
  `main thread us/event: median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)} of ${sorted.map((x) => x.toFixed(2)).join(', ')}`,
);

// One profiled phase: self time per function, summed over the profile's nodes.
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const profiled = await phase(SECONDS);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
if (process.env.INGEST_PROFILE_OUT) writeFileSync(process.env.INGEST_PROFILE_OUT, JSON.stringify(profile));

const dt = new Map();
for (let i = 0; i < profile.samples.length; i++) {
  const id = profile.samples[i];
  dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const self = new Map();
let total = 0;
for (const node of profile.nodes) {
  const t = dt.get(node.id) ?? 0;
  const { functionName, url: file, lineNumber } = node.callFrame;
  if (functionName === '(idle)') continue;
  total += t;
  const short = file.replace(/^.*\/(dist|node_modules)\//, '$1/').replace(/^node:/, '');
  const key = `${functionName || '(anonymous)'} ${short}${short ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + t);
}
console.log(
  `profiled phase: ${profiled.events.toLocaleString('en')} events, ${(total / 1000).toFixed(0)} ms in non-idle samples (wall time: a thread preempted still counts), ` +
    `${(total / profiled.events).toFixed(2)} us/event of samples (main thread CPU ${profiled.mainUs.toFixed(2)} us/event with the profiler on)`,
);
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(
    `${((100 * t) / total).toFixed(1).padStart(5)} %  ${(t / profiled.events).toFixed(3)} us/event  ${key}`,
  );
}

await worker.terminate();
await sidecar.close();
rmSync(dir, { recursive: true, force: true });
