// The cluster path (issue 53) against the single-node path, in one run on the same packets: HEP of
// `CALLS` calls (INVITE, 180, 486, ACK) handled by one in-process HEP source, then published by a
// cluster member to a local `nats-server -js` and read back and handled by the partitions' owner
// (the same process: receiver and owner), until every packet was handled. Captured SIP messages per
// wall-clock second; no store (events go to the bus only), so the figure is the path's own cost.
// Usage: npm run build && node bench/cluster.bench.mjs [calls]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { EventBus } from '../dist/events/bus.js';
import { HealthRegistry } from '../dist/health/index.js';
import { Registry } from '../dist/metrics/index.js';
import { joinCluster } from '../dist/sources/cluster/node.js';
import { HepSource } from '../dist/sources/hep/source.js';

const require = createRequire(import.meta.url);
const hepJs = require('hep-js');
const CALLS = Number(process.argv[2] ?? 10_000);

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

// Single node: the packets straight into one capture.
const single = new HepSource(new EventBus(), { reorderWindowMs: 200, maxCalls: CALLS * 2 });
let t = process.hrtime.bigint();
for (const p of packets) single.handle(p, Date.now());
single.capture.drain(Date.now() + 60_000);
const singleS = Number(process.hrtime.bigint() - t) / 1e9;

// Cluster: published to JetStream, read back by the owner of each partition.
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
await new Promise((r) => setTimeout(r, 500));
let handled = 0;
let done;
const all = new Promise((r) => {
  done = r;
});
const bus = new EventBus();
const node = await joinCluster({
  natsUrl: `nats://127.0.0.1:${port}`,
  partitions: 16,
  nodeId: 'bench',
  maxLag: 1e9,
  maxCalls: CALLS * 2,
  reorderWindowMs: 200,
  bus,
  sink: { flush: async () => {}, storedIds: async () => new Set(), ignoring: (f) => f() },
  registry: new Registry(),
  prefix: 'sidetone',
  health: new HealthRegistry(),
  log: pino({ level: 'silent' }),
  capture: () => {
    const s = new HepSource(bus, { reorderWindowMs: 200, maxCalls: CALLS * 2 });
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
t = process.hrtime.bigint();
for (let i = 0; i < packets.length; i++) {
  node.publishHep(packets[i], Date.now());
  // Let the client write and the consumers read now and then, as a listener's event loop would.
  if (i % 500 === 499) await new Promise((r) => setImmediate(r));
}
const publishedS = Number(process.hrtime.bigint() - t) / 1e9;
await all;
const clusterS = Number(process.hrtime.bigint() - t) / 1e9;
await node.close();
nats.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
const rate = (s) => Math.round(packets.length / s).toLocaleString('en');
console.log(`${packets.length} captured SIP messages (${CALLS} calls)`);
console.log(`single node (capture only):        ${rate(singleS)} msg/s (${singleS.toFixed(2)} s)`);
console.log(`cluster, publish side:             ${rate(publishedS)} msg/s (${publishedS.toFixed(2)} s)`);
console.log(`cluster, published to handled:     ${rate(clusterS)} msg/s (${clusterS.toFixed(2)} s)`);
process.exit(0);
