// Issue 31, defect 4: HEP listeners under connection and datagram floods, with the defaults a new
// user gets. 256 idle TCP connections used to lock a real capture agent out (50 of 50 packets lost);
// a UDP flood the kernel dropped 4.10M of 4.81M packets of left /metrics at zero.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { Registry } from '../../../src/metrics/index.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { spawnNode } from '../../helpers/spawn.js';
import { until as untilHolds } from '../../helpers/until.js';
import { hep, sip } from './helpers.js';

let source: HepSource | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await source?.close();
  source = undefined;
});

/** Until `check` holds (polled every 20 ms, deadline scaled by SIDETONE_TEST_TIME_FACTOR). */
const until = (check: () => boolean, ms = 5000) =>
  untilHolds(check, 'the HEP source', { timeoutMs: ms, everyMs: 20 });

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

const sample = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);

describe('HEP/TCP connection bounds', () => {
  it('with 256 idle connections open (the default cap), a capture agent still delivers 50 of 50 packets', async () => {
    const registry = new Registry();
    source = new HepSource(new EventBus(), { listen: ['tcp://127.0.0.1:0'], registry });
    const [tcp] = await source.start();
    const port = tcp?.port ?? 0;
    for (let i = 0; i < 256; i++) await open(port);
    await until(() => (source as HepSource).counts.sip === 0); // nothing sent yet
    const agent = await open(port);
    for (let i = 0; i < 50; i++)
      agent.write(hep(sip('OPTIONS sip:b SIP/2.0', { callId: `keepalive-${i}`, cseq: '1 OPTIONS' })));
    await until(() => (source as HepSource).counts.sip === 50);
    const text = await registry.metrics();
    expect(sample(text, 'sidetone_hep_tcp_closed_total\\{reason="evicted"\\}')).toBe(1);
    expect(sample(text, 'sidetone_hep_tcp_connections')).toBe(256);
  });

  it('the idlest connection goes first, and one that never sent HEP before one that did', async () => {
    source = new HepSource(new EventBus(), { listen: ['tcp://127.0.0.1:0'], tcpMaxConnections: 3 });
    const [tcp] = await source.start();
    const port = tcp?.port ?? 0;
    const closed: string[] = [];
    const proven = await open(port);
    proven.write(hep(sip('OPTIONS sip:b SIP/2.0', { callId: 'p1', cseq: '1 OPTIONS' })));
    await until(() => (source as HepSource).counts.sip === 1);
    const silentOld = await open(port);
    // silentNew is the less idle one: the listener took silentOld, and its clock (Date.now(), ms)
    // has moved on since, so silentNew's last activity is later (before: a fixed 30 ms).
    await until(() => (source as HepSource).tcpConnections === 2);
    const tookOld = Date.now();
    await untilHolds(() => Date.now() > tookOld, 'the clock to tick', { everyMs: 1 });
    const silentNew = await open(port);
    for (const [name, s] of [
      ['proven', proven],
      ['silentOld', silentOld],
      ['silentNew', silentNew],
    ] as const)
      s.on('close', () => closed.push(name));
    await open(port);
    await until(() => closed.length === 1);
    await open(port);
    await until(() => closed.length === 2);
    expect(closed).toEqual(['silentOld', 'silentNew']);
  });

  it('a connection silent past hep.tcp_idle_timeout_ms is closed and counted', async () => {
    const registry = new Registry();
    source = new HepSource(new EventBus(), {
      listen: ['tcp://127.0.0.1:0'],
      registry,
      tcpIdleTimeoutMs: 300,
    });
    const [tcp] = await source.start();
    const idle = await open(tcp?.port ?? 0);
    let closedAt = 0;
    const t0 = Date.now();
    idle.on('close', () => {
      closedAt = Date.now();
    });
    await until(() => closedAt > 0, 3000);
    expect(closedAt - t0).toBeGreaterThanOrEqual(250);
    expect(sample(await registry.metrics(), 'sidetone_hep_tcp_closed_total\\{reason="idle"\\}')).toBe(1);
  });
});

describe('HEP/UDP loss is visible', () => {
  it.runIf(process.platform === 'linux')(
    'datagrams the kernel drops while the socket buffer is full are on /metrics, as /proc/net/udp counts them',
    async () => {
      const registry = new Registry();
      source = new HepSource(new EventBus(), {
        listen: ['udp://127.0.0.1:0'],
        registry,
        udpReceiveBufferBytes: 65_536,
      });
      const [udp] = await source.start();
      const port = udp?.port ?? 0;
      const before = await registry.metrics();
      expect(sample(before, 'sidetone_hep_udp_kernel_drops_total')).toBe(0);
      // Linux keeps twice the asked size (socket(7)) unless net.core.rmem_max is lower.
      const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'latin1'));
      expect(sample(before, 'sidetone_hep_udp_receive_buffer_bytes')).toBe(2 * Math.min(65_536, rmemMax));
      const packet = hep(sip('OPTIONS sip:b SIP/2.0', { callId: 'flood', cseq: '1 OPTIONS' })).toString(
        'base64',
      );
      // Another process floods while this thread is busy: nothing reads the socket, as under overload.
      const flood = spawnNode([
        '-e',
        `const s=require('dgram').createSocket('udp4');const b=Buffer.from('${packet}','base64');let n=0,done=0;` +
          `const ack=()=>{if(++done===20000)process.stdout.write('sent')};` +
          `(function go(){for(let i=0;i<200;i++)s.send(b,${port},'127.0.0.1',ack);n+=200;if(n<20000)setImmediate(go)})()`,
      ]);
      const sent = new Promise<void>((r) => flood.child.stdout?.once('data', () => r()));
      const block = new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(block, 0, 0, 1500);
      await sent;
      flood.child.kill();
      await until(() => (source as HepSource).counts.sip > 0);
      const proc = readFileSync('/proc/net/udp', 'latin1')
        .split('\n')
        .find((l) => l.includes(`:${port.toString(16).toUpperCase().padStart(4, '0')} `));
      const kernelDrops = Number(proc?.trim().split(/\s+/)[12]);
      const text = await registry.metrics();
      expect(kernelDrops).toBeGreaterThan(0);
      expect(sample(text, 'sidetone_hep_udp_kernel_drops_total')).toBe(kernelDrops);
      // What was read plus what the kernel dropped is what was sent.
      await until(() => (source as HepSource).counts.sip + kernelDrops === 20_000);
    },
  );

  it.runIf(process.platform === 'linux')(
    'a receive buffer above net.core.rmem_max is reported with the cap',
    async () => {
      const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'latin1'));
      const warnings: Array<Record<string, unknown>> = [];
      source = new HepSource(new EventBus(), {
        listen: ['udp://127.0.0.1:0'],
        udpReceiveBufferBytes: rmemMax * 2,
        onWarn: (_message, detail) => warnings.push(detail),
      });
      await source.start();
      expect(warnings).toEqual([{ asked: rmemMax * 2, granted: rmemMax, rmem_max: rmemMax }]);
    },
  );
});
