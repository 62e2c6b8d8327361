// Sustained ingest over HTTP: NDJSON batches POSTed to a running sidecar (SQLite store, every pack)
// while a real Prometheus scrapes it every second. Reports events/s and scrape health.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../dist/config/load.js';
import { startSidecar } from '../dist/server/sidecar.js';

const SECONDS = Number(process.env.INGEST_SECONDS ?? 10);
const BATCH = 500;
const CLIENTS = 4;

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'sidetone-ingest-bench-'));
const port = await freePort();
const config = loadConfig({
  env: {},
  flags: {
    'server.port': port,
    'store.path': join(dir, 'bench.db'),
    'store.hash_key': 'bench-hash-key-0123456789',
    'log.level': 'warn',
    'packs.calls': true,
    'packs.sip': true,
    'packs.sms': true,
    'packs.media': true,
  },
});
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

let seq = 0;
function batch() {
  const lines = [];
  for (let i = 0; i < BATCH; i += 5) {
    const callId = `bench-${seq++}`;
    const to = `+1555${String(seq % 10_000_000).padStart(7, '0')}`;
    lines.push(
      JSON.stringify({
        type: 'call.started',
        callId,
        direction: 'outbound',
        channel: 'sip',
        trunk: 'trunk-a',
        to,
      }),
      JSON.stringify({ type: 'sip.response', method: 'INVITE', code: 180, direction: 'outbound', callId }),
      JSON.stringify({ type: 'call.answered', callId }),
      JSON.stringify({
        type: 'media.report',
        callId,
        codec: 'PCMU',
        packetsReceived: 250,
        packetsLost: 2,
        jitterMs: 8,
        rttMs: 60,
      }),
      JSON.stringify({ type: 'call.ended', callId, q850: 16, hangupBy: 'caller' }),
    );
  }
  return lines.join('\n');
}

/** Post batches from CLIENTS concurrent clients for SECONDS; events/s acknowledged. */
async function load(url) {
  let events = 0;
  let failures = 0;
  const end = Date.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < end) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body: batch(),
        });
        const body = await res.json();
        if (res.status === 200) events += body.accepted;
        else failures++;
      }
    }),
  );
  return { rate: events / ((performance.now() - t0) / 1000), failures };
}

await new Promise((r) => setTimeout(r, 1500)); // let Prometheus start scraping
const { rate, failures } = await load(`${sidecar.url}/events`);
let scrape = 'prometheus not installed';
try {
  const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`);
  const t = (await r.json()).data.activeTargets[0];
  scrape = `target ${t.health}${t.lastError ? ` (${t.lastError})` : ''}, last scrape ${(t.lastScrapeDuration * 1000).toFixed(1)} ms`;
} catch {}
prom.kill('SIGTERM');
await sidecar.close();

// The floor, loaded the same way: bare node:http, JSON.parse per line, every event a plain row
// in SQLite (WAL, synchronous NORMAL) in one transaction per request, then the 200.
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
const floor = await load(`http://127.0.0.1:${floorServer.address().port}/events`);
floorServer.close();
db.close();
rmSync(dir, { recursive: true, force: true });

const note = `Ingest over HTTP: ${Math.round(rate).toLocaleString('en')} events/s sustained for ${SECONDS} s (${CLIENTS} clients, NDJSON batches of ${BATCH}, every call durable in SQLite before the 200; ${failures} failed requests) while Prometheus scraped every second: ${scrape}. The floor (bare node:http, JSON.parse, one plain row per event in one transaction per request, same clients) took ${Math.round(floor.rate).toLocaleString('en')} events/s: sidetone runs at ${(rate / floor.rate).toFixed(2)} of it.`;
console.log(note);
writeFileSync(
  new URL('results/ingest.json', import.meta.url),
  `${JSON.stringify(
    {
      results: [
        { case: 'ingest over HTTP, per event (batches of 500)', impl: 'sidetone', ns_per_op: 1e9 / rate },
        { case: 'ingest over HTTP, per event (batches of 500)', impl: 'floor', ns_per_op: 1e9 / floor.rate },
      ],
      notes: [note],
    },
    null,
    2,
  )}\n`,
);
