import { gunzipSync, inflateSync } from 'node:zlib';

/**
 * HEP v3 (Homer Encapsulation Protocol) decoder.
 *
 * Why our own and not `hep-js` (the protocol owners' library, which the tests use as the reference
 * encoder and cross-check against): (1) it costs ~30 µs a packet here (binary-parser objects plus a
 * deep merge per chunk), most of the 50 µs budget a 20k messages/s target leaves for parsing,
 * tracking, metrics and the store; (2) it is GPL-2.0 and sidetone is MIT, so it should not be in
 * the runtime path; (3) it drops IPv6 address chunks (types 5 and 6); (4) it reports every failure
 * as `false`, so a malformed packet cannot be counted by reason. This decoder reads the chunks in
 * place (the payload is a view of the input, never copied) and never throws.
 *
 * Layout (HEP3 draft, sipcapture.org): "HEP3", u16 total length, then chunks of
 * u16 vendor, u16 type, u16 length (including its 6-byte header), value.
 */

/** Why a packet was refused: the reason label of `hep_packets_total`. */
export type HepDropReason = 'short' | 'magic' | 'length' | 'chunk' | 'no_payload';

/** A decoded HEP packet. `payload` is a view into the input buffer. */
export interface HepPacket {
  /** 2 = IPv4, 10 = IPv6. */
  family: number;
  /** IP protocol: 17 UDP, 6 TCP, 132 SCTP. */
  protocol: number;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** Capture time, epoch ms (0 when the agent sent none). */
  ts: number;
  /**
   * The same in microseconds, as the agent stamped it (chunks 9 and 10): one proxy worker's copy can
   * be stamped tens of microseconds before another's, so ordering needs more than milliseconds.
   */
  tsMicros: number;
  /** HEP protocol type: 1 SIP, 5 RTCP, 34/35 RTP/RTCP-XR reports, 100 logs. */
  type: number;
  captureId: number;
  /** Chunk 14: the capture agent's password, when it sends one. */
  password: string | undefined;
  /** Chunk 17: the correlation id (usually the SIP Call-ID of an RTCP report). */
  correlationId: string | undefined;
  payload: Buffer;
}

/** Result: a packet, or the reason it was dropped. */
export type HepResult = { ok: true; packet: HepPacket } | { ok: false; reason: HepDropReason };

const MAGIC = 0x48455033; // "HEP3"

// Big-endian reads of bytes the chunk loop has already bounds-checked: Buffer's readUInt16BE and
// readUInt32BE check again and took a decode of a replay packet from 0.51 to 0.22 us CPU.
const u16 = (buf: Buffer, at: number): number => ((buf[at] as number) << 8) | (buf[at + 1] as number);
const u32 = (buf: Buffer, at: number): number => u16(buf, at) * 0x10000 + u16(buf, at + 2);

/** Dotted quads of addresses seen, by their 32-bit value: a capture shows a few hosts again and again. */
const QUADS = new Map<number, string>();
const QUADS_MAX = 4096;

function ipv4(buf: Buffer, at: number): string {
  const n = u32(buf, at);
  let ip = QUADS.get(n);
  if (ip === undefined) {
    // Bounded: a spray of addresses starts the table again rather than grow it.
    if (QUADS.size >= QUADS_MAX) QUADS.clear();
    ip = `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
    QUADS.set(n, ip);
  }
  return ip;
}

function ipv6(buf: Buffer, at: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(buf.readUInt16BE(at + i).toString(16));
  return parts.join(':');
}

/**
 * Decode one HEP v3 packet. Never throws: a malformed packet comes back as `{ ok: false, reason }`.
 * @example
 * const r = decodeHep(datagram);
 * if (r.ok && r.packet.type === 1) handleSip(r.packet.payload);
 */
export function decodeHep(buf: Buffer): HepResult {
  const raw = emptyPacket();
  const reason = decodeHepInto(buf, raw);
  if (reason !== undefined) return { ok: false, reason };
  const { data, payloadAt, payloadEnd, ...fields } = raw;
  return { ok: true, packet: { ...fields, payload: data.subarray(payloadAt, payloadEnd) } };
}

/**
 * A decoded packet as the capture reads it: its payload is bytes [payloadAt, payloadEnd) of `data`
 * (the input, or the inflated payload), so no view is made of a packet that needs none.
 */
export interface RawHepPacket extends Omit<HepPacket, 'payload'> {
  data: Buffer;
  payloadAt: number;
  payloadEnd: number;
}

/** A packet to decode into (every field is set by {@link decodeHepInto}). */
export function emptyPacket(): RawHepPacket {
  return {
    family: 0,
    protocol: 0,
    srcIp: '',
    dstIp: '',
    srcPort: 0,
    dstPort: 0,
    ts: 0,
    tsMicros: 0,
    type: 0,
    captureId: 0,
    password: undefined,
    correlationId: undefined,
    data: EMPTY,
    payloadAt: 0,
    payloadEnd: 0,
  };
}

/**
 * {@link decodeHep} into `p`, the capture's one packet reused for each datagram (no objects a
 * packet): undefined when decoded, else why it was refused (`p` then holds no meaning).
 */
export function decodeHepInto(buf: Buffer, p: RawHepPacket): HepDropReason | undefined {
  if (buf.length < 6) return 'short';
  if (u32(buf, 0) !== MAGIC) return 'magic';
  const total = u16(buf, 4);
  if (total < 6 || total > buf.length) return 'length';
  p.family = 0;
  p.protocol = 0;
  p.srcIp = '';
  p.dstIp = '';
  p.srcPort = 0;
  p.dstPort = 0;
  p.type = 0;
  p.captureId = 0;
  p.password = undefined;
  p.correlationId = undefined;
  p.data = EMPTY;
  p.payloadAt = 0;
  p.payloadEnd = 0;
  let sec = 0;
  let usec = 0;
  let payload = false;
  let compressed: Buffer | undefined;
  let at = 6;
  while (at < total) {
    if (at + 6 > total) return 'chunk';
    const type = u16(buf, at + 2);
    const len = u16(buf, at + 4);
    // A chunk shorter than its own header would loop forever; one past the end is truncated.
    if (len < 6 || at + len > total) return 'chunk';
    const v = at + 6;
    const n = len - 6;
    const vendor = u16(buf, at);
    if (vendor === 0) {
      switch (type) {
        case 1:
          if (n >= 1) p.family = buf[v] as number;
          break;
        case 2:
          if (n >= 1) p.protocol = buf[v] as number;
          break;
        case 3:
          if (n >= 4) p.srcIp = ipv4(buf, v);
          break;
        case 4:
          if (n >= 4) p.dstIp = ipv4(buf, v);
          break;
        case 5:
          if (n >= 16) p.srcIp = ipv6(buf, v);
          break;
        case 6:
          if (n >= 16) p.dstIp = ipv6(buf, v);
          break;
        case 7:
          if (n >= 2) p.srcPort = u16(buf, v);
          break;
        case 8:
          if (n >= 2) p.dstPort = u16(buf, v);
          break;
        case 9:
          if (n >= 4) sec = u32(buf, v);
          break;
        case 10:
          if (n >= 4) usec = u32(buf, v);
          break;
        case 11:
          if (n >= 1) p.type = buf[v] as number;
          break;
        case 12:
          if (n >= 4) p.captureId = u32(buf, v);
          break;
        case 14:
          if (n > 0 && n <= 256) p.password = buf.toString('latin1', v, v + n);
          break;
        case 15:
          p.data = buf;
          p.payloadAt = v;
          p.payloadEnd = v + n;
          payload = true;
          break;
        case 16:
          // The payload deflated (captagent's `compress`); read only when no plain payload came.
          compressed = buf.subarray(v, v + n);
          break;
        case 17:
          // Longer than a stored call id (200) it could not join a call anyway.
          if (n > 0 && n <= 200) p.correlationId = buf.toString('latin1', v, v + n);
          break;
        default:
          // 19 node name and vendor chunks are not needed.
          break;
      }
    }
    at += len;
  }
  if (!payload && compressed !== undefined) {
    const inflated = inflate(compressed);
    if (inflated !== undefined) {
      p.data = inflated;
      p.payloadAt = 0;
      p.payloadEnd = inflated.length;
      payload = true;
    }
  }
  if (!payload || p.payloadEnd === p.payloadAt) return 'no_payload';
  const us = Math.min(usec, 999_999);
  p.ts = sec * 1000 + Math.floor(us / 1000);
  p.tsMicros = sec * 1_000_000 + us;
  return undefined;
}

const EMPTY = Buffer.alloc(0);

/** A zlib (RFC 1950) or raw gzip payload, at most 64 KiB inflated (a SIP message's bound); undefined if it is neither. */
function inflate(data: Buffer): Buffer | undefined {
  try {
    return data[0] === 0x1f
      ? gunzipSync(data, { maxOutputLength: 65_535 })
      : inflateSync(data, { maxOutputLength: 65_535 });
  } catch {
    return undefined;
  }
}

/**
 * Split a TCP byte stream into HEP packets: HEP over TCP is the same packets back to back, framed
 * by their own length field. Keeps the unfinished tail between calls; a stream that does not
 * start with "HEP3" cannot be resynchronised, so `push` returns false and the caller closes it.
 * @example
 * const framer = new HepFramer((pkt) => handle(pkt));
 * socket.on('data', (chunk) => { if (!framer.push(chunk)) socket.destroy(); });
 */
export class HepFramer {
  private pending: Buffer = EMPTY;

  constructor(
    private readonly onPacket: (packet: Buffer) => void,
    private readonly maxBuffered = 1 << 20,
  ) {}

  push(chunk: Buffer): boolean {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (buf.length < 6) break;
      if (buf.readUInt32BE(0) !== MAGIC) {
        this.pending = EMPTY;
        return false;
      }
      const total = buf.readUInt16BE(4);
      if (total < 6) {
        this.pending = EMPTY;
        return false;
      }
      if (buf.length < total) break;
      this.onPacket(buf.subarray(0, total));
      buf = buf.subarray(total);
    }
    if (buf.length > this.maxBuffered) {
      this.pending = EMPTY;
      return false;
    }
    // Copy the tail: the chunk it views belongs to the socket and may be reused.
    this.pending = buf.length === 0 ? EMPTY : Buffer.from(buf);
    return true;
  }
}
