// Issue 31, defect 4: INVITEs with 60 KB of headers and a fresh Call-ID each, over HEP/TCP, as fast
// as `sidetone serve` reads them. Before, each tracked call kept its whole first packet: the heap
// limit was reached after 75,313 packets in 25 s. Now a call is a fixed set of facts (~0.9 KB), and
// the tracker holds hep.max_calls (100,000) of them at most: the heap must level off.
import { connect } from 'node:net';
import { freePort, MiB, peakOf, rssOf, sample, sleep, startSidecar } from '../capture-kit.mjs';

/** One HEP packet as a template; each INVITE is a copy with its 10-digit number patched in. */
function inviteMaker() {
  const chunk = (t, v) => {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(t, 2);
    h.writeUInt16BE(6 + v.length, 4);
    return Buffer.concat([h, v]);
  };
  const N = '##########';
  const sip = [
    'INVITE sip:+447700900002@carrier.example SIP/2.0',
    `Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bK-${N}`,
    `From: <sip:+447700900001@pbx.example>;tag=f${N}`,
    'To: <sip:+447700900002@carrier.example>',
    `Call-ID: huge-${N}-0123456789abcdef@pbx.example`,
    'CSeq: 1 INVITE',
    `X-Padding: ${'x'.repeat(60_000)}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const body = Buffer.concat([
    chunk(1, Buffer.from([2])),
    chunk(2, Buffer.from([6])),
    chunk(3, Buffer.from([10, 0, 0, 1])),
    chunk(4, Buffer.from([10, 0, 0, 2])),
    chunk(11, Buffer.from([1])),
    chunk(15, Buffer.from(sip)),
  ]);
  const head = Buffer.from('HEP3\0\0', 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  const template = Buffer.concat([head, body]);
  const at = [];
  for (let i = template.indexOf(N); i >= 0; i = template.indexOf(N, i + 1)) at.push(i);
  return (i) => {
    const p = Buffer.from(template);
    const digits = String(i).padStart(10, '0');
    for (const o of at) p.write(digits, o, 'latin1');
    return p;
  };
}

export default {
  name: 'hep-huge-headers',
  async run({ full, log }) {
    const seconds = full ? 60 : 15;
    const port = await freePort();
    const side = await startSidecar(
      { hep: `tcp://127.0.0.1:${port}`, 'store.hash_key': 'chaos-hash-key-0123456789' },
      { log },
    );
    const hepInvite = inviteMaker();
    const heapStart = sample(await side.metrics(), 'nodejs_heap_size_used_bytes');
    const rss = peakOf(() => rssOf(side.pid));
    let heapPeak = 0;
    let sent = 0;
    const sock = connect(port, '127.0.0.1');
    await new Promise((r, j) => sock.once('connect', r).once('error', j));
    try {
      const end = Date.now() + seconds * 1000;
      let nextScrape = 0;
      while (Date.now() < end) {
        // Write as fast as the socket drains: sidetone's reading sets the pace.
        if (!sock.write(hepInvite(sent++))) await new Promise((r) => sock.once('drain', r));
        if (Date.now() >= nextScrape) {
          nextScrape = Date.now() + 1000;
          const text = await side.metrics();
          heapPeak = Math.max(heapPeak, sample(text, 'nodejs_heap_size_used_bytes'));
        }
      }
      sock.end();
      await sleep(1000);
      const text = await side.metrics();
      heapPeak = Math.max(heapPeak, sample(text, 'nodejs_heap_size_used_bytes'));
      const figures = {
        seconds,
        packets_sent: sent,
        packets_received: sample(text, 'sidetone_hep_packets_total', 'result="sip"'),
        calls_seen: sample(text, 'sidetone_call_attempts_total'),
        calls_forgotten_at_cap: sample(text, 'sidetone_hep_tracker_overflow_total', 'limit="calls"'),
        heap_start_mib: MiB(heapStart),
        heap_peak_mib: MiB(heapPeak),
        heap_end_mib: MiB(sample(text, 'nodejs_heap_size_used_bytes')),
        rss_peak_mib: MiB(rss.stop()),
      };
      // Everything the sidecar holds per call (tracker, packs, store queue), not only the tracker.
      figures.heap_per_call_bytes = Math.round(
        (sample(text, 'nodejs_heap_size_used_bytes') - heapStart) / Math.min(figures.calls_seen, 100_000),
      );
      log(JSON.stringify(figures));
      if (figures.packets_received < sent)
        throw new Error(`sidetone read ${figures.packets_received} of ${sent}`);
      if (figures.heap_per_call_bytes > 4096)
        throw new Error(`${figures.heap_per_call_bytes} bytes of heap a call: packets are being kept`);
      return figures;
    } finally {
      sock.destroy();
      rss.stop();
      await side.stop();
    }
  },
};
