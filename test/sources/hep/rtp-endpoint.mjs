// One side of a call's media, run by phone-delay.e2e.test.ts inside a network namespace (plain
// JavaScript: Node 20 cannot run the TypeScript sources). Written from RFC 3550:
// - RTP (5.1): G.711 µ-law (PT 0, RFC 3551 4.5.14: 8 kHz), 160 samples every 20 ms.
// - Interarrival jitter (6.4.1, the code of A.8): J += (|D(i-1,i)| - J) / 16, in timestamp units,
//   D from the arrival time on this host's clock in the same units.
// - Loss (6.4.1, A.3): extended highest sequence number, cumulative lost, fraction lost since the
//   last report.
// - RTCP (6.4.1): an SR with the NTP time of its sending, one report block about the peer with
//   LSR = the middle 32 bits of the NTP time of the peer's last SR and DLSR = the delay since it
//   arrived, in 1/65536 s; an SDES CNAME after it (6.1: every compound packet carries one).
//   One report a second: shorter than 6.2's 5 s minimum, which a test may choose ("the minimum ...
//   may be scaled"), so that a call of a few seconds has several round trips.
// With `capture`, every RTCP datagram it receives or sends is printed as one JSON line (time,
// addresses, bytes): the test mirrors each to sidetone as HEP type 5, as a capture agent on the
// agent's host does (captagent, or rtpengine's HEP), stamped with the time it was seen here.
//
// Usage: node rtp-endpoint.mjs '{"ip":"10.0.0.6","port":40000,"peerIp":"10.0.0.2","peerPort":40000,"seconds":8,"capture":true}'
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

const o = JSON.parse(process.argv[2]);
const NTP_UNIX_OFFSET = 2_208_988_800; // RFC 5905: seconds from 1900 to 1970
const RATE = 8; // timestamp units per ms (8 kHz)
const now = () => performance.timeOrigin + performance.now();
const ssrc = (Math.random() * 0xffffffff) >>> 0;
const start = now();
const tsBase = (Math.random() * 0xffffffff) >>> 0;

const rtp = createSocket('udp4');
const rtcp = createSocket('udp4');
await Promise.all([
  new Promise((r) => rtp.bind(o.port, o.ip, r)),
  new Promise((r) => rtcp.bind(o.port + 1, o.ip, r)),
]);

function capture(dir, b, src, srcPort, at) {
  if (o.capture)
    process.stdout.write(`${JSON.stringify({ dir, at, src, srcPort, bytes: b.toString('base64') })}\n`);
}

// Sending.
let seq = (Math.random() * 0xffff) & 0xffff;
let sent = 0;
let octets = 0;
const payload = Buffer.alloc(160, 0xff); // µ-law silence
function sendRtp() {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = 0;
  h.writeUInt16BE(seq, 2);
  h.writeUInt32BE((tsBase + sent * 160) >>> 0, 4);
  h.writeUInt32BE(ssrc, 8);
  rtp.send(Buffer.concat([h, payload]), o.peerPort, o.peerIp);
  seq = (seq + 1) & 0xffff;
  sent++;
  octets += payload.length;
}

// Receiving (A.1, A.3, A.8).
let peer = -1;
let baseSeq = 0;
let maxSeq = 0;
let cycles = 0;
let received = 0;
let expectedPrior = 0;
let receivedPrior = 0;
let transit = 0;
let jitter = 0;
rtp.on('message', (b) => {
  if (b.length < 12 || b[0] >> 6 !== 2) return;
  const s = b.readUInt16BE(2);
  const arrival = now() * RATE;
  const t = b.readUInt32BE(4);
  if (peer < 0) {
    peer = b.readUInt32BE(8);
    baseSeq = s;
    maxSeq = s;
    transit = arrival - t;
  } else {
    if (s > maxSeq || maxSeq - s > 0x8000) {
      if (s < maxSeq) cycles += 0x10000;
      maxSeq = s;
    }
    const d = Math.abs(arrival - t - transit);
    transit = arrival - t;
    jitter += (d - jitter) / 16;
  }
  received++;
});

let lastSr = 0; // middle 32 bits of the NTP time of the peer's last SR
let lastSrAt = 0;
rtcp.on('message', (b, r) => {
  const at = now();
  capture('in', b, r.address, r.port, at);
  if (b.length >= 16 && b[1] === 200) {
    lastSr = ((b.readUInt32BE(8) & 0xffff) << 16) | (b.readUInt32BE(12) >>> 16);
    lastSrAt = at;
  }
});

function report() {
  const at = now();
  const ms = at;
  const sec = Math.floor(ms / 1000) + NTP_UNIX_OFFSET;
  const frac = Math.floor(((ms % 1000) / 1000) * 2 ** 32);
  const blocks = peer < 0 ? 0 : 1;
  const sr = Buffer.alloc(28 + 24 * blocks);
  sr[0] = 0x80 | blocks;
  sr[1] = 200;
  sr.writeUInt16BE(sr.length / 4 - 1, 2);
  sr.writeUInt32BE(ssrc, 4);
  sr.writeUInt32BE(sec >>> 0, 8);
  sr.writeUInt32BE(frac >>> 0, 12);
  sr.writeUInt32BE((tsBase + Math.round((at - start) * RATE)) >>> 0, 16);
  sr.writeUInt32BE(sent, 20);
  sr.writeUInt32BE(octets, 24);
  if (blocks === 1) {
    const extMax = cycles + maxSeq;
    const expected = extMax - baseSeq + 1;
    const lost = Math.max(0, expected - received);
    const expectedInterval = expected - expectedPrior;
    const lostInterval = expectedInterval - (received - receivedPrior);
    expectedPrior = expected;
    receivedPrior = received;
    const fraction =
      expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval << 8) / expectedInterval);
    sr.writeUInt32BE(peer, 28);
    sr.writeUInt32BE(((fraction & 0xff) << 24) | (Math.min(lost, 0x7fffff) & 0xffffff), 32);
    sr.writeUInt32BE(extMax >>> 0, 36);
    sr.writeUInt32BE(Math.floor(jitter) >>> 0, 40);
    sr.writeUInt32BE(lastSr >>> 0, 44);
    sr.writeUInt32BE(lastSr === 0 ? 0 : Math.round(((at - lastSrAt) / 1000) * 65_536) >>> 0, 48);
  }
  // SDES (6.5): one chunk, CNAME item, null-terminated and padded to 32 bits.
  const cname = Buffer.from(`endpoint@${o.ip}`);
  const itemLen = 2 + cname.length + 1;
  const chunkLen = Math.ceil((4 + itemLen) / 4) * 4;
  const sdes = Buffer.alloc(4 + chunkLen);
  sdes[0] = 0x81;
  sdes[1] = 202;
  sdes.writeUInt16BE(sdes.length / 4 - 1, 2);
  sdes.writeUInt32BE(ssrc, 4);
  sdes[8] = 1;
  sdes[9] = cname.length;
  cname.copy(sdes, 10);
  const packet = Buffer.concat([sr, sdes]);
  rtcp.send(packet, o.peerPort + 1, o.peerIp, () => capture('out', packet, o.ip, o.port + 1, at));
}

// 20 ms packets on a schedule from the start (no drift), an RTCP report each second.
const end = start + o.seconds * 1000;
let nextRtcp = start + 1000;
function tick() {
  const t = now();
  while (start + sent * 20 <= t) sendRtp();
  if (t >= nextRtcp) {
    report();
    nextRtcp += 1000;
  }
  if (t >= end) {
    rtp.close();
    rtcp.close();
    return;
  }
  setTimeout(tick, Math.max(1, start + sent * 20 - now()));
}
process.stdout.write('ready\n');
tick();
