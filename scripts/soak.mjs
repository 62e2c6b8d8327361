// Soak: run `sidetone serve` on a temp store, feed it events at a steady rate and scrape it, sample
// its RSS, and fail if memory keeps growing after the warm-up. Usage:
//   node scripts/soak.mjs [--minutes 10] [--rate 1280] [--scrapes 2] [--max-slope-mib 0.5]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '1280' },
    scrapes: { type: 'string', default: '2' },
    'max-slope-mib': { type: 'string', default: '0.5' },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const scrapesPerSecond = Number(values.scrapes);
const maxSlope = Number(values['max-slope-mib']);

const dir = mkdtempSync(join(tmpdir(), 'sidetone-soak-'));
const bin = new URL('../dist/bin/sidetone.js', import.meta.url).pathname;
const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--db', join(dir, 'soak.db')], {
  env: {
    ...process.env,
    SIDETONE_STORE_HASH_KEY: 'soak-hash-key-0123456789abcdef',
    SIDETONE_PACKS_CALLS: 'true',
    SIDETONE_PACKS_SMS: 'true',
    SIDETONE_PACKS_SIP: 'true',
    SIDETONE_PACKS_MEDIA: 'true',
    SIDETONE_LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = / on (http:\/\/[\d.]+:\d+)/.exec(out);
    if (m) resolve(m[1]);
  });
  child.once('exit', (c) => reject(new Error(`serve exited ${c}`)));
});
const rss = () =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;

let seq = 0;
function batch(n) {
  const lines = [];
  for (let i = 0; i < n; i++) {
    const id = `soak-${seq++}`;
    const call = `call-${seq >> 2}`;
    const kind = seq % 4;
    if (kind === 0)
      lines.push({
        type: 'call.started',
        id,
        callId: call,
        direction: 'inbound',
        channel: 'sip',
        from: '+15551234567',
      });
    else if (kind === 1) lines.push({ type: 'call.answered', id, callId: call });
    else if (kind === 2)
      lines.push({
        type: 'media.report',
        id,
        callId: call,
        codec: 'PCMU',
        packetsReceived: 500,
        packetsLost: 2,
        jitterMs: 4,
      });
    else lines.push({ type: 'call.ended', id, callId: call, sipCode: 200 });
  }
  return lines.map((l) => JSON.stringify(l)).join('\n');
}

const samples = [];
const start = Date.now();
const end = start + minutes * 60_000;
let posted = 0;
let failures = 0;
let scrapes = 0;
let nextScrape = start;
let lastScrape;
const tick = 250;
while (Date.now() < end) {
  const t0 = Date.now();
  const n = Math.round((rate * tick) / 1000);
  const res = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: batch(n),
  });
  if (res.status === 200) posted += n;
  else failures++;
  await res.arrayBuffer();
  // Scrapes on their own schedule (2/s by default), however long the posts take.
  while (Date.now() >= nextScrape) {
    lastScrape = await (await fetch(`${url}/metrics`)).text();
    scrapes++;
    nextScrape += 1000 / scrapesPerSecond;
  }
  const text = lastScrape;
  if (text !== undefined && (samples.length === 0 || t0 - samples.at(-1).t >= 10_000)) {
    // RSS, and the JS heap as the sidecar reports it: a heap that stays flat while RSS climbs
    // points at native memory (SQLite's cache, malloc arenas), not at a JS leak.
    const gauge = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]) / 2 ** 20;
    samples.push({
      t: t0,
      mib: rss(),
      heap: gauge('nodejs_heap_size_used_bytes'),
      external: gauge('nodejs_external_memory_bytes'),
    });
  }
  await new Promise((r) => setTimeout(r, Math.max(0, tick - (Date.now() - t0))));
}
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(dir, { recursive: true, force: true });

// Least-squares slope, MiB per minute, of samples taken every 10 s.
function slopeOf(points) {
  const xs = points.map((s) => (s.t - start) / 60_000);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = points.reduce((a, s) => a + s.v, 0) / points.length;
  return (
    points.reduce((a, s, i) => a + ((xs[i] ?? 0) - mx) * (s.v - my), 0) /
    xs.reduce((a, x) => a + (x - mx) ** 2, 0)
  );
}
// Two questions. Does the JS heap leak? Its slope after the first minute (caches and the JIT warm
// up there). Does RSS level off? Its slope over the last third: RSS also holds SQLite's page cache
// (32 MiB, filling as the database grows) and the allocator's arenas, which take minutes to fill.
const warm = samples.filter((s) => s.t - start >= 60_000);
const heapSlope = slopeOf(warm.map((s) => ({ t: s.t, v: s.heap })));
const tail = samples.slice(Math.floor((samples.length * 2) / 3));
const rssTailSlope = slopeOf(tail.map((s) => ({ t: s.t, v: s.mib })));
console.log(
  JSON.stringify({
    minutes,
    rate,
    posted,
    scrapes,
    failures,
    rssMiB: samples.map((s) => Math.round(s.mib)),
    heapMiB: samples.map((s) => Math.round(s.heap)),
    externalMiB: samples.map((s) => Math.round(s.external)),
    heapSlopeMiBPerMin: Number(heapSlope.toFixed(3)),
    rssLastThirdSlopeMiBPerMin: Number(rssTailSlope.toFixed(3)),
  }),
);
const verdict = `JS heap slope ${heapSlope.toFixed(3)} MiB/min after the first minute, RSS slope ${rssTailSlope.toFixed(3)} MiB/min over the last third (limit ${maxSlope} and ${2 * maxSlope})`;
if (failures > 0 || !(heapSlope <= maxSlope) || !(rssTailSlope <= 2 * maxSlope)) {
  console.error(`soak failed: ${failures} failed posts, ${verdict}`);
  process.exit(1);
}
console.log(`soak passed: ${verdict}`);
