// The cluster path (issue 53) against the single-node path on the same packets: HEP of `CALLS`
// calls (INVITE, 180, 486, ACK) handled by one in-process HEP source (single node), and published by
// a cluster member to a local `nats-server -js` and read back and handled by the partitions' owner
// (the same process: receiver and owner), until every packet was handled (cluster). Each side runs
// in a child process of its own, fresh every round, in an order that alternates; captured SIP
// messages per wall-clock second; no store (events go to the bus only), so the figure is the path's
// own cost. Writes bench/results/cluster.json (bench/report.mjs makes its row).
// Usage: npm run build && node bench/cluster.bench.mjs [calls]; SIDETONE_BENCH_CLUSTER_ROUNDS (6).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { EventBus } from '../dist/events/bus.js';
import { HealthRegistry } from '../dist/health/index.js';
import { Registry } from '../dist/metrics/index.js';
import { joinCluster } from '../dist/sources/cluster/node.js';
import { HepSource } from '../dist/sources/hep/source.js';
import { childResult, load1, median, reply } from './proc.mjs';

const require = createRequire(import.meta.url);
const hepJs = require('hep-js');
const side = process.argv[2] === '--side' ? process.argv[3] : undefined;
const CALLS = Number((side === undefined ? process.argv[2] : process.argv[4]) ?? 10_000);
const ROUNDS = Number(process.env.SIDETONE_BENCH_CLUSTER_ROUNDS ?? 6);
const PARTITIONS = 16;
const WINDOW_MS = 200;

function sip(start, callId, cseq, to) {
  return [
    start,
    `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-${callId}`,
    'From: <sip:+447700900001@a.example>;tag=caller',
    `To: <sip:+447700900002@b.example>${to ? ';tag=callee' : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
function makePackets() {
  const t0 = Date.now();
  const packets = [];
  for (let i = 0; i < CALLS; i++) {
    const id = `bench-${i}`;
    const at = t0 + i;
    const msgs = [
      sip('INVITE sip:b SIP/2.0', id, '1 INVITE', false),
      sip('SIP/2.0 180 Ringing', id, '1 INVITE', true),
      sip('SIP/2.0 486 Busy Here', id, '1 INVITE', true),
      sip('ACK sip:b SIP/2.0', id, '1 ACK', true),
    ];
    msgs.forEach((m, k) => {
      const ts = at + k * 5;
      packets.push(
        hepJs.encapsulate(m, {
          protocolFamily: 2,
          protocol: 17,
          srcIp: '10.0.0.1',
          dstIp: '10.0.0.2',
          srcPort: 5060,
          dstPort: 5060,
          timeSeconds: Math.floor(ts / 1000),
          timeUseconds: (ts % 1000) * 1000,
          payloadType: 1,
          captureId: 1,
        }),
      );
    });
  }
  return packets;
}

/** Single node: the packets straight into one capture; seconds until every one was handled. */
function single(packets) {
  const source = new HepSource(new EventBus(), { reorderWindowMs: WINDOW_MS, maxCalls: CALLS * 2 });
  const t = process.hrtime.bigint();
  for (const p of packets) source.handle(p, Date.now());
  source.capture.drain(Date.now() + 60_000);
  return { seconds: Number(process.hrtime.bigint() - t) / 1e9 };
}

/** Cluster: published to JetStream, read back by the owner of each partition. */
async function cluster(packets) {
  const port = await new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => r(p));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'sidetone-cluster-bench-'));
  const nats = spawn('nats-server', ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], {
    stdio: 'ignore',
  });
  try {
    let handled = 0;
    let done;
    const all = new Promise((r) => {
      done = r;
    });
    const bus = new EventBus();
    const options = () => ({
      natsUrl: `nats://127.0.0.1:${port}`,
      partitions: PARTITIONS,
      nodeId: 'bench',
      maxLag: 1e9,
      maxCalls: CALLS * 2,
      reorderWindowMs: WINDOW_MS,
      bus,
      sink: { flush: async () => {}, storedIds: async () => new Set(), ignoring: (f) => f() },
      registry: new Registry(),
      prefix: 'sidetone',
      health: new HealthRegistry(),
      log: pino({ level: 'silent' }),
      capture: () => {
        const s = new HepSource(bus, { reorderWindowMs: WINDOW_MS, maxCalls: CALLS * 2 });
        return {
          handle: (buf, now) => {
            s.capture.handle(buf, now);
            if (++handled === packets.length) done();
          },
          tick: (now) => s.tick(now),
          tracks: (id) => s.tracker.get(id) !== undefined,
        };
      },
    });
    // The server takes a moment to listen: joining is retried until it does.
    let node;
    for (let k = 0; node === undefined; k++) {
      try {
        node = await joinCluster(options());
      } catch (err) {
        if (k > 100) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const t = process.hrtime.bigint();
    for (let i = 0; i < packets.length; i++) {
      node.publishHep(packets[i], Date.now());
      // Let the client write and the consumers read now and then, as a listener's event loop would.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    const publishSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    await all;
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    await node.close();
    return { seconds, publishSeconds };
  } finally {
    nats.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (side === 'single') reply(single(makePackets()));
else if (side === 'cluster') reply(await cluster(makePackets()));
else await main();

async function main() {
  const self = fileURLToPath(import.meta.url);
  const messages = CALLS * 4;
  const run = (name) => childResult(self, ['--side', name, String(CALLS)], { execArgv: [] });
  const rate = (s) => messages / s;
  const rounds = [];
  for (let k = 0; k < ROUNDS; k++) {
    const load = load1();
    // Which side goes first alternates: neither always runs on a machine the other warmed.
    const first = k % 2 === 0 ? await run('single') : await run('cluster');
    const second = k % 2 === 0 ? await run('cluster') : await run('single');
    const [one, many] = k % 2 === 0 ? [first, second] : [second, first];
    const round = {
      load,
      singleMps: Math.round(rate(one.seconds)),
      clusterMps: Math.round(rate(many.seconds)),
      publishMps: Math.round(rate(many.publishSeconds)),
    };
    round.ratio = +(round.clusterMps / round.singleMps).toFixed(3);
    rounds.push(round);
    const n = (x) => x.toLocaleString('en');
    console.log(
      `round ${k + 1} (load ${load}): single node ${n(round.singleMps)} msg/s, cluster ${n(round.clusterMps)} msg/s (publish side ${n(round.publishMps)}): ${round.ratio}x`,
    );
  }
  console.log(
    `${messages} captured SIP messages (${CALLS} calls): cluster / single node ${median(rounds.map((r) => r.ratio))}x (median of ${ROUNDS})`,
  );
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(
    new URL('results/cluster.json', import.meta.url),
    `${JSON.stringify({ calls: CALLS, settings: { partitions: PARTITIONS, reorderWindowMs: WINDOW_MS }, rounds }, null, 2)}\n`,
  );
}
