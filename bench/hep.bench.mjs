// HEP replay: captured SIP as Kamailio's siptrace sends it (both proxy legs, a 2xx retransmission),
// replayed on one core through decode -> SIP parse -> reorder window -> transaction/dialog tracker
// -> bus -> packs (metrics) and the SQLite store sink, flushed at the end. Each packet is received
// 1 ms after its capture time, as from a live agent, so the reorder window (200 ms by default) holds
// what a live feed would. Reports captured SIP messages per second of wall time and of CPU time
// (this process, every thread), the figure a shared machine moves less.
// HEP_BENCH_WINDOW_MS sets the reorder window (0: none, arrival order); bench/run.mjs runs each run
// with the default window and with none, in fresh processes, for the window's cost (issue 35).
// HEP_BENCH_PEER=hep-js decodes the same packets with hep-js (decapsulate: the HEP3 chunks only,
// no SIP parse, no metrics, no store) in this process instead: the peer beside each run, so a
// slower machine reads as slower on both sides, not as a regression (issue 51).
// Build first (npx tsc -p tsconfig.build.json), then: node --expose-gc bench/hep.bench.mjs
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../dist/events/bus.js';
import { Registry } from '../dist/metrics/index.js';
import { storeSink } from '../dist/sinks/store-sink.js';
import { HepSource } from '../dist/sources/hep/index.js';
import { openSqliteCallStore } from '../dist/store/sqlite/store.js';
import { instrument } from '../dist/telephony/index.js';

const CALLS = Number(process.env.HEP_BENCH_CALLS ?? 20_000);
const WINDOW = process.env.HEP_BENCH_WINDOW_MS;

function hepPacket(payload, ts, src, dst) {
  const chunk = (type, value) => {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(type, 2);
    h.writeUInt16BE(6 + value.length, 4);
    return Buffer.concat([h, value]);
  };
  const u8 = (v) => Buffer.from([v]);
  const u16 = (v) => {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    return b;
  };
  const u32 = (v) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  const ip = (s) => Buffer.from(s.split('.').map(Number));
  const body = Buffer.concat([
    chunk(1, u8(2)),
    chunk(2, u8(17)),
    chunk(3, ip(src)),
    chunk(4, ip(dst)),
    chunk(7, u16(5060)),
    chunk(8, u16(5060)),
    chunk(9, u32(Math.floor(ts / 1000))),
    chunk(10, u32((ts % 1000) * 1000)),
    chunk(11, u8(1)),
    chunk(12, u32(2001)),
    chunk(15, Buffer.from(payload)),
  ]);
  const head = Buffer.from('HEP3\0\0', 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

function msg(start, callId, cseq, branch, toTag, extra = '') {
  return [
    start,
    `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=${branch}`,
    'From: "Alice" <sip:+447700900001@pbx.example>;tag=a1',
    `To: <sip:+447700900002@carrier.example>${toTag ? `;tag=${toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq}`,
    'Max-Forwards: 70',
    'User-Agent: bench',
    extra,
    'Content-Length: 0',
    '',
    '',
  ]
    .filter((l, i, a) => l !== '' || i >= a.length - 2)
    .join('\r\n');
}

// One call as a proxy capture shows it: 17 messages, mixed outcomes (70% answered, 20% busy, 10% cancelled).
const packets = [];
let t = 1_700_000_000_000; // the capture clock: packet i is stamped t + i + 1
for (let i = 0; i < CALLS; i++) {
  const id = `bench-${i}@pbx`;
  const a = '10.0.0.1';
  const p = '10.0.0.2';
  const b = '203.0.113.5';
  const legs = [
    [a, p, 'z9hG4bK-a'],
    [p, b, 'z9hG4bK-b'],
  ];
  const both = (fn) => {
    for (const [s, d, br] of legs) packets.push(hepPacket(fn(br), (t += 1), s, d));
  };
  both((br) => msg('INVITE sip:+447700900002@carrier.example SIP/2.0', id, '1 INVITE', br, ''));
  both((br) => msg('SIP/2.0 100 Trying', id, '1 INVITE', br, ''));
  both((br) => msg('SIP/2.0 180 Ringing', id, '1 INVITE', br, 'b1'));
  const kind = i % 10;
  if (kind < 7) {
    both((br) => msg('SIP/2.0 200 OK', id, '1 INVITE', br, 'b1'));
    packets.push(hepPacket(msg('SIP/2.0 200 OK', id, '1 INVITE', 'z9hG4bK-a', 'b1'), (t += 1), p, a));
    both((br) => msg('ACK sip:+447700900002@carrier.example SIP/2.0', id, '1 ACK', `${br}-ack`, 'b1'));
    both((br) => msg('BYE sip:+447700900002@carrier.example SIP/2.0', id, '2 BYE', `${br}-bye`, 'b1'));
    both((br) => msg('SIP/2.0 200 OK', id, '2 BYE', `${br}-bye`, 'b1'));
  } else if (kind < 9) {
    both((br) => msg('SIP/2.0 486 Busy Here', id, '1 INVITE', br, 'b1'));
    both((br) => msg('ACK sip:+447700900002@carrier.example SIP/2.0', id, '1 ACK', br, 'b1'));
  } else {
    both((br) => msg('CANCEL sip:+447700900002@carrier.example SIP/2.0', id, '1 CANCEL', br, ''));
    both((br) => msg('SIP/2.0 487 Request Terminated', id, '1 INVITE', br, 'b1'));
    both((br) => msg('ACK sip:+447700900002@carrier.example SIP/2.0', id, '1 ACK', br, 'b1'));
  }
}

if (process.env.HEP_BENCH_PEER === 'hep-js') {
  const { default: hepjs } = await import('hep-js');
  globalThis.gc?.();
  const cpu0 = process.cpuUsage();
  let decoded = 0;
  for (const p of packets) if (hepjs.decapsulate(p)?.payload !== undefined) decoded++;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (decoded !== packets.length) throw new Error(`hep-js decoded ${decoded} of ${packets.length}`);
  process.stdout.write(
    `hep-js decapsulate: ${packets.length.toLocaleString('en')} packets in ${cpuSeconds.toFixed(2)} s CPU: ${Math.round(packets.length / cpuSeconds).toLocaleString('en')} a CPU second\n`,
  );
  writeFileSync(
    new URL('results/hep.json', import.meta.url),
    `${JSON.stringify({ calls: CALLS, messages: packets.length, messagesPerCpuSecond: Math.round(packets.length / cpuSeconds) }, null, 2)}\n`,
  );
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'sidetone-hep-bench-'));
const registry = new Registry();
const bus = new EventBus({ registry });
instrument(bus, registry, { trunks: ['carrier'], packs: { calls: true, sip: true } });
const store = await openSqliteCallStore({
  path: join(dir, 'bench.db'),
  privacy: { hashKey: 'a-bench-key-of-32-characters-long', storeRaw: false },
});
const sink = storeSink(bus, store);
const hep = new HepSource(bus, {
  registry,
  trunks: [{ name: 'carrier', cidrs: ['203.0.113.0/24'] }],
  ...(WINDOW !== undefined && { reorderWindowMs: Number(WINDOW) }),
});

const T0 = 1_700_000_000_000;
globalThis.gc?.();
const start = process.hrtime.bigint();
const cpu0 = process.cpuUsage();
for (let i = 0; i < packets.length; i++) {
  // Packet i was captured at T0 + i + 1 ms (see hepPacket's `t`): received 1 ms later.
  hep.handle(packets[i], T0 + i + 2);
  if ((i & 1023) === 0) {
    hep.tick(T0 + i + 2); // what the listeners' 100 ms timer does
    await sink.flush(); // let the store keep up as it would under a live feed
  }
}
hep.tick(T0 + packets.length + 60_000); // the window hands on the last messages
await sink.flush();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const perSec = packets.length / seconds;
const stored = (await store.stats({ from: 0, to: 4_000_000_000_000 })).finished;
await sink.close();
await store.close();
rmSync(dir, { recursive: true, force: true });

let attempts = 0;
for (const m of registry.render().matchAll(/^sidetone_call_attempts_total\{[^}]*\} (\d+)/gm))
  attempts += Number(m[1]);
const cpuPerMessage = (cpuSeconds * 1e6) / packets.length;
process.stdout.write(
  `HEP replay${WINDOW === undefined ? '' : ` (reorder window ${WINDOW} ms)`}: ${packets.length.toLocaleString('en')} captured SIP messages (${CALLS.toLocaleString('en')} calls, ` +
    `2 legs + retransmissions) in ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU: ` +
    `${Math.round(perSec).toLocaleString('en')} messages/s, ${cpuPerMessage.toFixed(2)} us CPU a message; attempts counted ${attempts}\n`,
);
if (Number(attempts) !== CALLS) throw new Error(`expected ${CALLS} attempts, counted ${attempts}`);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('results/hep.json', import.meta.url),
  `${JSON.stringify(
    {
      calls: CALLS,
      messages: packets.length,
      stored,
      messagesPerSecond: Math.round(perSec),
      messagesPerCpuSecond: Math.round(packets.length / cpuSeconds),
      cpuUsPerMessage: cpuPerMessage,
    },
    null,
    2,
  )}\n`,
);
