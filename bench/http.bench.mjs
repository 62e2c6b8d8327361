// HTTP benchmark: GET /metrics with 10k series over loopback, sidetone's node adapter vs
// prom-client's and @prometheus-io/client's registries behind a plain node:http server, loaded with
// autocannon in the same run.
// Each server runs in its own child process, so the load generator does not share its event loop,
// and the child measures its own event-loop delay during the load. Build first:
//   npx tsc -p tsconfig.build.json && node bench/http.bench.mjs
// Writes bench/results/http.json: per round, per case and server, requests/s, the server's CPU
// time per request, its event-loop delay p99 and the response size. OpenMetrics is like for like:
// no library writes `_created` samples by default (sidetone's are off since issue 39).
// Env: BENCH_HTTP_SECONDS (5 a phase), BENCH_HTTP_ROUNDS (6: issue 51 asks ranges over 6 rounds at least).
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import pio from '@prometheus-io/client';
import autocannon from 'autocannon';
import promClient from 'prom-client';
import { cpuNs, load1 } from './proc.mjs';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const PROMETHEUS_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
};
const CASES = [
  { name: 'GET /metrics 10k series, text, 1 connection', connections: 1, headers: {} },
  { name: 'GET /metrics 10k series, text, 4 connections', connections: 4, headers: {} },
  {
    name: 'GET /metrics 10k series, Prometheus headers (OpenMetrics + gzip), 4 connections',
    connections: 4,
    headers: PROMETHEUS_HEADERS,
  },
];
const RESOLUTION_MS = 10;
const IMPLS = ['sidetone', 'prom-client', '@prometheus-io/client'];
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 6);

/** 5k counter series + 5k 12-bucket histogram series, as in registry.bench.mjs. */
function fill(counter, histogram) {
  for (let r = 0; r < 100; r++) {
    for (let c = 0; c < 50; c++) {
      const l = { route: `route_${r}`, code: `code_${c}` };
      counter(l, r + c);
      histogram(l, (r * c) / 100);
    }
  }
}

async function startSidetone() {
  const { Registry } = await import('../dist/metrics/index.js');
  const { createApp, serve } = await import('../dist/http/index.js');
  const registry = new Registry({ guard: { maxSeries: 10_000 } });
  const names = ['route', 'code'];
  const c = registry.counter({ name: 'requests_total', help: 'Requests', labels: names });
  const h = registry.histogram({ name: 'req_seconds', help: 'Latency', labels: names, buckets: BUCKETS });
  fill(
    (l, v) => c.labels(l).inc(v),
    (l, v) => h.labels(l).observe(v),
  );
  const served = await serve(createApp({ registry, maxConcurrentScrapes: 16 }), {
    port: 0,
    logger: { info() {}, warn() {} },
  });
  return served.server;
}

/** prom-client and its successor share an API: the same server for both. */
async function startPromStyle(lib) {
  const gzip = promisify(gzipCb);
  const text = new lib.Registry();
  const om = new lib.Registry(lib.Registry.OPENMETRICS_CONTENT_TYPE);
  const names = ['route', 'code'];
  const c = new lib.Counter({
    name: 'requests_total',
    help: 'Requests',
    labelNames: names,
    registers: [text, om],
  });
  const h = new lib.Histogram({
    name: 'req_seconds',
    help: 'Latency',
    labelNames: names,
    buckets: BUCKETS,
    registers: [text, om],
  });
  fill(
    (l, v) => c.inc(l, v),
    (l, v) => h.observe(l, v),
  );
  // What a prom-client user writes: pick the registry from Accept, gzip when accepted.
  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.statusCode = 404;
      res.end();
      return;
    }
    const wantsOm = (req.headers.accept ?? '').includes('application/openmetrics-text');
    const registry = wantsOm ? om : text;
    let body = Buffer.from(await registry.metrics());
    res.setHeader('content-type', registry.contentType);
    if ((req.headers['accept-encoding'] ?? '').includes('gzip')) {
      body = await gzip(body);
      res.setHeader('content-encoding', 'gzip');
    }
    res.end(body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/**
 * Child: serve, and between `start` and `stop` messages report the event-loop delay, and the CPU
 * time and the requests served: at `stop` it waits for the requests in flight (the load generator
 * stops without waiting for them, and their work is in the CPU time), so CPU per request counts
 * every request it did the work for.
 */
async function child(impl) {
  const server =
    impl === 'sidetone'
      ? await startSidetone()
      : await startPromStyle(impl === 'prom-client' ? promClient : pio);
  let inflight = 0;
  let served = 0;
  server.on('request', (_req, res) => {
    inflight++;
    res.once('close', () => {
      inflight--;
      served++;
    });
  });
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let cpu0 = 0;
  process.on('message', async (m) => {
    if (m === 'start') {
      h.reset();
      cpu0 = cpuNs();
      served = 0;
    } else if (m === 'stop') {
      // Samples include the sampling interval; report the delay beyond it.
      const beyond = (ns) => Math.max(0, ns - RESOLUTION_MS * 1e6);
      const p99 = beyond(h.percentile(99));
      const max = beyond(h.max);
      while (inflight > 0) await new Promise((r) => setTimeout(r, 10));
      process.send({ p99, max, cpuNs: cpuNs() - cpu0, served });
    } else if (m === 'exit') process.exit(0);
  });
  process.send({ port: server.address().port });
}

function message(proc, match) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (match(m)) {
        proc.off('message', on);
        resolve(m);
      }
    };
    proc.on('message', on);
  });
}

async function load(impl, kase) {
  const proc = fork(new URL(import.meta.url).pathname, ['--serve', impl], { stdio: 'inherit' });
  const { port } = await message(proc, (m) => typeof m?.port === 'number');
  const url = `http://127.0.0.1:${port}/metrics`;
  // Warm-up: JIT the render path and size the buffers before measuring.
  await autocannon({ url, connections: kase.connections, amount: 20, headers: kase.headers });
  proc.send('start');
  const t0 = performance.now();
  const result = await autocannon({
    url,
    connections: kase.connections,
    duration: DURATION_S,
    headers: kase.headers,
  });
  proc.send('stop');
  const eld = await message(proc, (m) => typeof m?.p99 === 'number');
  // Every request the server finished, over the time until the last of them finished: the few
  // that a slow server finishes after the load generator stops counted, not dropped.
  const seconds = (performance.now() - t0) / 1000;
  proc.send('exit');
  await new Promise((r) => proc.once('exit', r));
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${impl} ${kase.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const rps = eld.served / seconds;
  return {
    rps,
    eld,
    cpuNsPerRequest: eld.cpuNs / eld.served,
    bytesPerRequest: result.throughput.total / Math.max(1, result.requests.total),
  };
}

/**
 * ROUNDS rounds; in each, every case against every server, the servers in a rotated order. A ratio
 * is taken within a round: requests/s, and the server's CPU time per request (its process, every
 * thread), which the load on a shared machine moves far less than requests/s.
 */
async function main() {
  const rounds = [];
  for (let k = 0; k < ROUNDS; k++) {
    const rows = [];
    for (const kase of CASES) {
      const loadAvg = load1();
      const order = IMPLS.map((_, i) => IMPLS[(i + k) % IMPLS.length]);
      const by = {};
      for (const impl of order) by[impl] = await load(impl, kase);
      for (const impl of IMPLS) {
        rows.push({
          case: kase.name,
          impl,
          load: loadAvg,
          rps: Number(by[impl].rps.toFixed(1)),
          cpuUsPerRequest: Number((by[impl].cpuNsPerRequest / 1000).toFixed(1)),
          eldP99Ms: Number((by[impl].eld.p99 / 1e6).toFixed(1)),
          kibPerResponse: Number((by[impl].bytesPerRequest / 1024).toFixed(1)),
        });
      }
      console.log(
        `round ${k + 1} (load ${loadAvg}) ${kase.name}: ` +
          IMPLS.map(
            (i) =>
              `${i} ${by[i].rps.toFixed(1)} req/s, ${(by[i].cpuNsPerRequest / 1e6).toFixed(2)} ms CPU/req`,
          ).join('; '),
      );
    }
    rounds.push(rows);
  }
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('results/http.json', import.meta.url),
    `${JSON.stringify({ seconds: DURATION_S, rounds }, null, 2)}\n`,
  );
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await child(process.argv[serveAt + 1]);
else await main();
