// Issue 31, defect 4: HEP over UDP faster than sidetone reads it. The kernel drops what does not fit
// the socket's receive buffer; before, a 30 s flood had 4.10M of 4.81M packets dropped and /metrics
// showed none. Two sender processes flood `sidetone serve --hep udp://...` with SIP OPTIONS (a
// fresh Call-ID each); afterwards sidetone_hep_udp_kernel_drops_total must equal the drops column
// of the socket's row in /proc/net/udp, and received + dropped must account for what was sent.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { sample, sleep, startSidecar } from '../capture-kit.mjs';

async function freeUdpPort() {
  const s = createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** A sender process: HEP v3 SIP OPTIONS, 1,000 Call-IDs in turn, as fast as send() completes. */
const SENDER = `
const dgram = require('node:dgram');
const [port, seconds, tag] = process.argv.slice(1).map(String);
const chunk = (t, v) => { const h = Buffer.alloc(6); h.writeUInt16BE(t, 2); h.writeUInt16BE(6 + v.length, 4); return Buffer.concat([h, v]); };
const packets = Array.from({ length: 1000 }, (_, i) => {
  const sip = 'OPTIONS sip:pbx.example SIP/2.0\\r\\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK-' + tag + i +
    '\\r\\nFrom: <sip:probe@10.0.0.1>;tag=p\\r\\nTo: <sip:pbx.example>\\r\\nCall-ID: flood-' + tag + '-' + i +
    '\\r\\nCSeq: 1 OPTIONS\\r\\nContent-Length: 0\\r\\n\\r\\n';
  const body = Buffer.concat([chunk(1, Buffer.from([2])), chunk(2, Buffer.from([17])), chunk(3, Buffer.from([10, 0, 0, 1])),
    chunk(4, Buffer.from([10, 0, 0, 2])), chunk(11, Buffer.from([1])), chunk(15, Buffer.from(sip))]);
  const head = Buffer.from('HEP3\\0\\0', 'latin1'); head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
});
const s = dgram.createSocket('udp4');
let sent = 0, failed = 0, inFlight = 0, i = 0;
const end = Date.now() + Number(seconds) * 1000;
const done = (err) => { inFlight--; if (err) failed++; else sent++; };
(function go() {
  if (Date.now() >= end) {
    const wait = () => (inFlight > 0 ? setTimeout(wait, 10) : s.close(() => process.stdout.write(JSON.stringify({ sent, failed }))));
    return wait();
  }
  for (let k = 0; k < 256; k++, i++) { inFlight++; s.send(packets[i % 1000], Number(port), '127.0.0.1', done); }
  setImmediate(go);
})();
`;

function sender(port, seconds, tag) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['-e', SENDER, String(port), String(seconds), tag]);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => {
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`sender ${tag} wrote ${out}`));
      }
    });
  });
}

/** The drops column of the sidetone process's UDP socket on `port` (/proc/net/udp). */
function procDrops(port) {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  const row = readFileSync('/proc/net/udp', 'latin1')
    .split('\n')
    .find((l) => l.trim().split(/\s+/)[1]?.endsWith(hex.trim()));
  return row === undefined ? Number.NaN : Number(row.trim().split(/\s+/)[12]);
}

export default {
  name: 'hep-flood',
  async run({ full, log }) {
    const seconds = full ? 30 : 5;
    const port = await freeUdpPort();
    const side = await startSidecar(
      { hep: `udp://127.0.0.1:${port}`, 'store.hash_key': 'chaos-hash-key-0123456789' },
      { log },
    );
    try {
      const results = await Promise.all([sender(port, seconds, 'a'), sender(port, seconds, 'b')]);
      log(`senders done ${JSON.stringify(results)}`);
      // Let sidetone read what the kernel still holds, then read both counts at rest.
      let text = '';
      let received = -1;
      for (;;) {
        await sleep(500);
        text = await side.metrics();
        const now = sample(text, 'sidetone_hep_packets_total');
        if (now === received) break;
        received = now;
      }
      const sent = results.reduce((n, r) => n + r.sent, 0);
      const counted = sample(text, 'sidetone_hep_udp_kernel_drops_total');
      const kernel = procDrops(port);
      const figures = {
        seconds,
        packets_sent: sent,
        send_errors: results.reduce((n, r) => n + r.failed, 0),
        packets_received: received,
        dropped_counted: counted,
        dropped_kernel: kernel,
        // Loopback can also drop before the socket (netdev backlog); none is expected per socket.
        unaccounted: sent - received - counted,
        receive_buffer_bytes: sample(text, 'sidetone_hep_udp_receive_buffer_bytes'),
      };
      log(JSON.stringify(figures));
      if (!(counted === kernel))
        throw new Error(`/metrics shows ${counted} kernel drops, /proc/net/udp ${kernel}`);
      if (kernel === 0) throw new Error('the flood never overflowed the socket: nothing was proven');
      return figures;
    } finally {
      await side.stop();
    }
  },
};
