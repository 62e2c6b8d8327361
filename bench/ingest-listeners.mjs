// The bus listeners of a real sidecar alone (metric packs, store sink queueing, trace sink, call
// log): the ingest bench's events, parsed beforehand, emitted 500 at a time as one request's, and
// the main thread's CPU time (schedstat, ns) summed over the synchronous emissions only, so HTTP,
// JSON.parse, the store's writes and the other processes on the machine stay out of the figure.
// The store sink writes between chunks, as it would between requests. Prints the minimum, first
// quartile and median of ROUNDS rounds: on a shared 2-core machine the median moves by 20 % from
// run to run, so compare commits by alternating runs.
//   npx tsc -p tsconfig.build.json && node bench/ingest-listeners.mjs [path/to/dist]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { callLines, ingestFlags } from './ingest-traffic.mjs';

const ROUNDS = Number(process.env.LISTENERS_ROUNDS ?? 15);
const CHUNKS = 400; // 200,000 events a round
const dist = pathToFileURL(resolve(process.argv[2] ?? new URL('../dist', import.meta.url).pathname)).href;
const { loadConfig } = await import(`${dist}/config/load.js`);
const { startSidecar } = await import(`${dist}/server/sidecar.js`);

const dir = mkdtempSync(join(tmpdir(), 'sidetone-listeners-'));
const config = loadConfig({ env: {}, flags: ingestFlags(dir, 0) });
const sidecar = await startSidecar(config, { signals: false });

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
const cpuNs = () => Number(readFileSync(schedstat, 'utf8').split(' ')[0]);

/** One request's events (100 calls of five), as ingest hands them to the bus: parsed, `ts` set. */
function chunk() {
  const events = [];
  const now = Date.now();
  for (let i = 0; i < 500; i += 5) {
    for (const line of callLines()) {
      const e = JSON.parse(line);
      e.ts = now;
      events.push(e);
    }
  }
  return events;
}

async function round() {
  let ns = 0;
  let events = 0;
  for (let c = 0; c < CHUNKS; c++) {
    const batch = chunk();
    const t0 = cpuNs();
    for (const e of batch) sidecar.bus.emitParsed(e);
    ns += cpuNs() - t0;
    events += batch.length;
    await new Promise((r) => setImmediate(r));
    // Now and then long enough for the store sink's timer and the writer to catch up.
    if (c % 20 === 0) await new Promise((r) => setTimeout(r, 5));
  }
  return ns / events;
}

await round(); // uncounted: JIT
const rounds = [];
for (let r = 0; r < ROUNDS; r++) rounds.push(await round());
rounds.sort((a, b) => a - b);
const at = (q) => rounds[Math.floor((rounds.length - 1) * q)].toFixed(0);
console.log(
  `bus listeners, main-thread ns/event over ${ROUNDS} rounds: min ${at(0)}, q1 ${at(0.25)}, median ${at(0.5)}`,
);
await sidecar.close();
rmSync(dir, { recursive: true, force: true });
