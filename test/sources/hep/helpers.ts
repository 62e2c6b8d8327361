import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// The protocol owners' encoder: our decoder is checked against what hep-js produces.
const hepJs = require('hep-js') as {
  encapsulate(payload: string, rcinfo: Record<string, unknown>): Buffer;
  decapsulate(buf: Buffer): { rcinfo: Record<string, unknown>; payload: string } | false | undefined;
};

export { hepJs };

let seq = 0;
/** One HEP v3 packet (type 1 SIP unless given) made by hep-js. */
export function hep(
  payload: string,
  opts: { src?: string; dst?: string; ts?: number; type?: number; correlation?: string } = {},
): Buffer {
  const ts = opts.ts ?? 1_700_000_000_000 + seq++;
  return hepJs.encapsulate(payload, {
    protocolFamily: 2,
    protocol: 17,
    srcIp: opts.src ?? '10.0.0.1',
    dstIp: opts.dst ?? '10.0.0.2',
    srcPort: 5060,
    dstPort: 5060,
    timeSeconds: Math.floor(ts / 1000),
    timeUseconds: Math.round((ts % 1000) * 1000), // fractional ms: microseconds
    payloadType: opts.type ?? 1,
    captureId: 2001,
    ...(opts.correlation !== undefined && { correlation_id: opts.correlation }),
  });
}

/** A SIP message from a compact description. */
export function sip(
  start: string,
  h: {
    callId: string;
    cseq: string;
    from?: string;
    to?: string;
    /** To URI without `sip:` (default +447700900002@b.example). */
    toUri?: string;
    branch?: string;
    extra?: string[];
    body?: string;
  },
): string {
  const lines = [
    start,
    `Via: SIP/2.0/UDP 10.0.0.1:5060;branch=${h.branch ?? 'z9hG4bK-1'}`,
    `From: <sip:${h.from ?? '+447700900001@a.example'}>;tag=caller`,
    `To: <sip:${h.toUri ?? '+447700900002@b.example'}>${h.to === undefined ? '' : `;tag=${h.to}`}`,
    `Call-ID: ${h.callId}`,
    `CSeq: ${h.cseq}`,
    ...(h.extra ?? []),
    `Content-Length: ${Buffer.byteLength(h.body ?? '')}`,
    '',
    h.body ?? '',
  ];
  return lines.join('\r\n');
}

/**
 * A HEP v3 packet built by hand, for binary payloads (hep-js writes the payload as UTF-8 text);
 * without `at` it carries no capture time (stamped on receipt).
 */
export function rawHep(
  type: number,
  payload: Buffer,
  correlation?: string,
  o: { src?: string; srcPort?: number; at?: number } = {},
): Buffer {
  const chunk = (t: number, value: Buffer) => {
    const h = Buffer.alloc(6);
    h.writeUInt16BE(t, 2);
    h.writeUInt16BE(6 + value.length, 4);
    return Buffer.concat([h, value]);
  };
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0);
    return b;
  };
  const u16 = (v: number) => Buffer.from([v >> 8, v & 0xff]);
  const parts = [
    chunk(1, Buffer.from([2])),
    chunk(11, Buffer.from([type])),
    ...(o.src === undefined
      ? []
      : [chunk(3, Buffer.from(o.src.split('.').map(Number))), chunk(7, u16(o.srcPort ?? 0))]),
    ...(o.at === undefined
      ? []
      : [chunk(9, u32(Math.floor(o.at / 1000))), chunk(10, u32(Math.round((o.at % 1000) * 1000)))]),
    ...(correlation === undefined ? [] : [chunk(17, Buffer.from(correlation))]),
    chunk(15, payload),
  ];
  const body = Buffer.concat(parts);
  const head = Buffer.from('HEP3\x00\x00', 'latin1');
  head.writeUInt16BE(6 + body.length, 4);
  return Buffer.concat([head, body]);
}

/** Capture clock of the scenario tests: times are given in ms from T0. */
export const T0 = 1_700_000_000_000;

/**
 * Feeds SIP text to a source as a capture agent would: stamped at capture time `ts` (ms from T0)
 * and received at `at` (ms from T0, default the capture time), from `src` to `dst`.
 * @example const feed = feeder(source); feed(invite, { ts: 0, at: 5 });
 */
export function feeder(source: { handle(buf: Buffer, now: number): void }) {
  return (text: string, o: { ts: number; at?: number; src?: string; dst?: string }) =>
    source.handle(
      hep(text, { ts: T0 + o.ts, ...(o.src && { src: o.src }), ...(o.dst && { dst: o.dst }) }),
      T0 + (o.at ?? o.ts),
    );
}

/** A UDP port free on 127.0.0.1 now (asked of the OS, then released) for a HEP listener. */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The rows of docs/sources/hep.md's tables whose first cell is code, as trimmed cells without backticks. */
export function hepDocRows(): string[][] {
  return readFileSync(new URL('../../../docs/sources/hep.md', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => l.split('|').map((c) => c.trim().replaceAll('`', '')));
}
