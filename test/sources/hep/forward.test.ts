// Issue 35, Homer: sidetone re-sends every HEP packet it receives, unchanged, to other collectors
// (--hep-forward udp://... or tcp://...), so an operator adds sidetone without cutting Homer off.
// A second HEP listener must receive every packet byte for byte: real agents' datagrams (captagent
// with a compressed payload, HEPgen; test/fixtures/hep-captures), made-up SIP, and packets sidetone
// itself refuses. The queue to a target that does not take packets is bounded and counted.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { Registry } from '../../../src/metrics/index.js';
import { HepFramer } from '../../../src/sources/hep/decode.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { until as untilHolds } from '../../helpers/until.js';
import { hep, sip } from './helpers.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Datagrams as capture agents sent them, and made-up ones (one sidetone refuses as malformed). */
function packets(): Buffer[] {
  const out: Buffer[] = [];
  for (const file of ['hep-wireshark-hep3-compressed.hep.jsonl', 'hep-wireshark-hep.hep.jsonl']) {
    const path = fileURLToPath(new URL(`../../fixtures/hep-captures/${file}`, import.meta.url));
    for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
      const r = JSON.parse(line);
      if (typeof r.hex === 'string') out.push(Buffer.from(r.hex, 'hex'));
    }
  }
  for (let i = 0; i < 50; i++)
    out.push(hep(sip('OPTIONS sip:b SIP/2.0', { callId: `f${i}`, cseq: '1 OPTIONS' })));
  return out;
}

/** Until `check` holds (5 s, scaled); on timeout the expects after it say what is missing. */
const until = (check: () => boolean) =>
  untilHolds(check, 'the forwarded packets', { timeoutMs: 5000, everyMs: 20 }).catch(() => {});

/** A second HEP collector on UDP and TCP, keeping every packet it gets, in order. */
async function collector(): Promise<{ udp: number; tcp: number; udpGot: Buffer[]; tcpGot: Buffer[] }> {
  const udpGot: Buffer[] = [];
  const tcpGot: Buffer[] = [];
  const u = createSocket('udp4');
  u.on('message', (m) => udpGot.push(m));
  await new Promise<void>((r) => u.bind(0, '127.0.0.1', () => r()));
  const server: Server = createServer((s) => {
    const f = new HepFramer((p) => tcpGot.push(Buffer.from(p)));
    s.on('data', (d) => f.push(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanup.push(
    () => new Promise<void>((r) => u.close(() => r())),
    () => new Promise<void>((r) => server.close(() => r())),
  );
  return { udp: u.address().port, tcp: (server.address() as { port: number }).port, udpGot, tcpGot };
}

describe('HEP forwarding', () => {
  it('a second HEP listener receives every packet byte for byte, over UDP and TCP, from UDP and TCP listeners', async () => {
    const far = await collector();
    const registry = new Registry();
    const source = new HepSource(new EventBus(), {
      registry,
      listen: ['udp://127.0.0.1:0', 'tcp://127.0.0.1:0'],
      forward: [`udp://127.0.0.1:${far.udp}`, `tcp://127.0.0.1:${far.tcp}`],
    });
    cleanup.push(() => source.close());
    const [udp, tcp] = await source.start();
    const all = packets();
    const half = Math.floor(all.length / 2);
    // The first half arrives over UDP with a datagram sidetone refuses (still forwarded: Homer may
    // read what sidetone cannot), the second over one TCP connection.
    const sent = [
      ...all.slice(0, half),
      Buffer.from('HEP3\x00\x0anot a packet', 'latin1'),
      ...all.slice(half),
    ];
    const viaUdp = half + 1;
    const u = createSocket('udp4');
    for (const p of sent.slice(0, viaUdp)) {
      await new Promise<void>((r) => u.send(p, udp?.port, '127.0.0.1', () => r()));
      await new Promise((r) => setTimeout(r, 2)); // keep the order a single UDP sender gives
    }
    u.close();
    await until(() => far.udpGot.length === viaUdp);
    const c = connect(tcp?.port ?? 0, '127.0.0.1');
    await new Promise<void>((r) => c.once('connect', () => r()));
    c.write(Buffer.concat(sent.slice(viaUdp)));
    await until(() => far.udpGot.length === sent.length && far.tcpGot.length === sent.length - 1);
    c.destroy();
    const hex = sent.map((b) => b.toString('hex'));
    expect(far.udpGot.map((b) => b.toString('hex'))).toEqual(hex);
    // On a TCP stream a packet whose HEP length is not its size would break the framing of all
    // that follow: that one alone is not forwarded there, and counted.
    expect(far.tcpGot.map((b) => b.toString('hex'))).toEqual(hex.filter((_, i) => i !== half));
    const text = await registry.metrics();
    expect(text).toContain(`sidetone_hep_forwarded_total{target="0",result="sent"} ${sent.length}`);
    expect(text).toContain(`sidetone_hep_forwarded_total{target="1",result="sent"} ${sent.length - 1}`);
    expect(text).toContain('sidetone_hep_forwarded_total{target="1",result="not_hep"} 1');
    expect(text).toContain('sidetone_hep_packets_total{result="malformed_hep"} 1');
    expect(text).toContain('sidetone_hep_forwarded_total{target="0",result="dropped"} 0');
  });

  it('a target that takes nothing holds at most forward_queue_max packets; the rest are dropped and counted', async () => {
    // A TCP target nobody listens on: connection refused, retried with a backoff.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const registry = new Registry();
    const source = new HepSource(new EventBus(), {
      registry,
      forward: [`tcp://127.0.0.1:${port}`],
      forwardQueueMax: 16,
    });
    cleanup.push(() => source.close());
    const p = hep(sip('OPTIONS sip:b SIP/2.0', { callId: 'q', cseq: '1 OPTIONS' }));
    for (let i = 0; i < 100; i++) source.handle(p, Date.now());
    const text = await registry.metrics();
    expect(text).toContain('sidetone_hep_forward_queued{target="0"} 16');
    expect(text).toContain('sidetone_hep_forwarded_total{target="0",result="dropped"} 84');
    // Receiving went on regardless.
    expect(text).toContain('sidetone_hep_packets_total{result="sip"} 100');
  });
});
