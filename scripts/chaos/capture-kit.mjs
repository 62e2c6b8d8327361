// What the capture and export scenarios share (hep-*, otlp-down, modem-flood): a sidecar started as
// users start it (`node dist/bin/sidetone.js serve`, the defaults but for the flags given), its /metrics
// read as numbers, its RSS sampled from /proc, and its exit timed. Build first (npm run build).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../dist/bin/sidetone.js', import.meta.url));

/** A TCP port nobody listens on now. */
export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resident memory of a process, bytes (Linux /proc; NaN elsewhere). */
export function rssOf(pid) {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m === null ? Number.NaN : Number(m[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

/** Sum of every sample of `name` (any labels) in a Prometheus text exposition; NaN when absent. */
export function sample(text, name, labels = '') {
  let sum = Number.NaN;
  const re = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)`, 'gm');
  for (const m of text.matchAll(re)) {
    if (labels !== '' && !(m[1] ?? '').includes(labels)) continue;
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[2]);
  }
  return sum;
}

/**
 * Start `sidetone serve` with `--key value` flags; resolves once /readyz answers. `stop()` sends
 * SIGTERM and resolves with the ms until the process exited (SIGKILL after `killAfterMs`).
 */
export async function startSidecar(flags = {}, { log = () => {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-chaos-'));
  const port = await freePort();
  const args = [CLI, 'serve', '--port', String(port), '--db', join(dir, 'chaos.db'), '--log.level', 'warn'];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d) => {
    output = (output + d).slice(-8192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sidecar exited at start: ${output}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.status < 500 || r.status === 503,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error(`sidecar did not answer in 30 s: ${output}`);
    await sleep(100);
  }
  log(`sidecar pid ${child.pid} on ${url}`);
  return {
    url,
    pid: child.pid,
    dir,
    output: () => output,
    metrics: () => fetch(`${url}/metrics`).then((r) => r.text()),
    async stop(killAfterMs = 60_000) {
      const t0 = Date.now();
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const how = await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      return { ms: Date.now() - t0, ...how };
    },
  };
}

/** Sample `fn()` every `ms` until `stop()`; `peak` is the largest value seen. */
export function peakOf(fn, ms = 200) {
  let peak = 0;
  const take = () => {
    const v = fn();
    if (Number.isFinite(v) && v > peak) peak = v;
  };
  take();
  const timer = setInterval(take, ms);
  return {
    get peak() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}

export const MiB = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
