// The servers the ingest and Pi benches load, each started as a process of its own: today's
// sidecar as a user runs it (`sidetone serve`, the CLI from dist/), and the floors of
// floor-server.mjs. Each is timed from spawn to its first 200 on /readyz.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ndjsonBatch } from './ingest-traffic.mjs';
import { procCpuNs, procMemMib } from './proc.mjs';

// Load fetch's client once before any server is timed (its first use costs tens of ms here).
await fetch('http://127.0.0.1:1/').catch(() => {});

// BENCH_CLI: another build's CLI (a before-and-after comparison on one machine).
const CLI = process.env.BENCH_CLI ?? new URL('../dist/bin/sidetone.js', import.meta.url).pathname;
const FLOOR = new URL('./floor-server.mjs', import.meta.url).pathname;

/**
 * The sidecar's settings as environment variables: a SQLite store, the packs the ingest traffic
 * feeds (calls, SIP, SMS, media), warnings only. Threads and everything else as shipped.
 */
export const SIDECAR_ENV = {
  SIDETONE_STORE_HASH_KEY: 'bench-hash-key-0123456789',
  SIDETONE_PACKS_CALLS: 'true',
  SIDETONE_PACKS_SIP: 'true',
  SIDETONE_PACKS_SMS: 'true',
  SIDETONE_PACKS_MEDIA: 'true',
  SIDETONE_LOG_LEVEL: 'warn',
};

let uncached;
/**
 * The CLI as a package built with another Node.js and installed where its user cannot write runs
 * it: a copy of dist/bin whose code cache directory (src/cli/launch.ts) is a file, so no start has
 * a cache nor can write one. Made once per process, beside the build's package.json and modules.
 */
function uncachedCli() {
  if (uncached !== undefined) return uncached;
  const repo = new URL('..', import.meta.url).pathname;
  const root = mkdtempSync(join(tmpdir(), 'sidetone-uncached-'));
  mkdirSync(join(root, 'dist'));
  cpSync(join(repo, 'dist/bin'), join(root, 'dist/bin'), {
    recursive: true,
    filter: (src) => !src.includes('compile-cache'),
  });
  for (const name of ['package.json', 'node_modules', 'assets'])
    symlinkSync(join(repo, name), join(root, name));
  writeFileSync(join(root, 'dist/bin/compile-cache'), '');
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  uncached = join(root, 'dist/bin/sidetone.js');
  return uncached;
}

/** The kinds of server, by the name the benches report. */
export const KINDS = {
  sidetone: (port, dir) => [CLI, ['serve', '--port', String(port), '--db', join(dir, 'sidetone.db')]],
  'sidetone without code cache': (port, dir) => [
    uncachedCli(),
    ['serve', '--port', String(port), '--db', join(dir, 'sidetone.db')],
  ],
  // BENCH_CLI_BEFORE: the build before a change, run beside today's in one run (before and after
  // at the same load, which figures minutes apart on a shared machine are not).
  'sidetone before': (port, dir) => [
    process.env.BENCH_CLI_BEFORE,
    // A file of its own: an older build refuses a store a newer one has migrated.
    ['serve', '--port', String(port), '--db', join(dir, 'sidetone-before.db')],
  ],
  'commit floor': (port, dir) => [FLOOR, ['commit', String(port), join(dir, 'floor.db')]],
  'ack floor': (port) => [FLOOR, ['ack', String(port)]],
  'limit server': (port, dir) => [FLOOR, ['limit', String(port), join(dir, 'limit.db')]],
  'prom-client exporter': (port) => [FLOOR, ['exporter', String(port)]],
};

/**
 * Start one server of `kind` with its files in `dir`; resolves once /readyz answers 200, with
 * its pid, url, `startMs` (spawn to that 200, polled every 5 ms), `startCpuMs` (its CPU time by
 * then) and `stop()`.
 */
export async function startServer(kind, dir) {
  const port = await freePort();
  const [file, args] = KINDS[kind](port, dir);
  // The CLI refuses SIDETONE_* variables it does not know (a bench's own settings among them).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SIDETONE_')));
  const t0 = performance.now();
  const proc = spawn(process.execPath, [file, ...args], {
    env: { ...env, ...(kind.startsWith('sidetone') ? SIDECAR_ENV : {}) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  gone.then(() => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (exited) throw new Error(`${kind} exited before it was ready`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  const startMs = performance.now() - t0;
  // What starting cost in CPU (every thread), which waiting for a core on a shared machine does not
  // inflate as it does the time to ready.
  const startCpuMs = procCpuNs(proc.pid) / 1e6;
  return {
    kind,
    pid: proc.pid,
    url,
    startMs,
    startCpuMs,
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      await gone;
    },
  };
}

/**
 * The highest rate 4 clients reach: NDJSON batches of 500 events (100 calls of five) posted to
 * `server` for `seconds`, each client sending its next as soon as its last is answered. Events/s
 * acknowledged, the server's CPU µs per event (every thread), failed requests, and its resident
 * memory sampled every `sampleMs`: the largest, and how many samples exceeded `overMib`.
 */
export async function maxIngest(
  server,
  seconds,
  { sampleMs = 500, overMib = Number.POSITIVE_INFINITY } = {},
) {
  let events = 0;
  let failures = 0;
  const rss = [];
  const sampler = setInterval(() => rss.push(procMemMib(server.pid).rss), sampleMs);
  const end = Date.now() + seconds * 1000;
  const cpu0 = procCpuNs(server.pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (Date.now() < end) {
        const res = await fetch(`${server.url}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: ndjsonBatch(500),
        });
        const body = await res.json();
        if (res.status === 200) events += body.accepted;
        else failures++;
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  const cpuNs = procCpuNs(server.pid) - cpu0;
  clearInterval(sampler);
  return {
    rate: events / wall,
    cpuUsPerEvent: cpuNs / 1000 / events,
    failures,
    rssMax: Math.max(0, ...rss),
    samples: rss.length,
    over: rss.filter((x) => x > overMib).length,
  };
}
