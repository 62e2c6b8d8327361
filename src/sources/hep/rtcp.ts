import type { EventOf } from '../../events/types.js';

/**
 * RTCP carried in HEP (type 5) and RTCP-XR. Three shapes arrive: binary RTCP (RFC 3550 6.4:
 * SR/RR report blocks; RFC 3611 4.7: the XR VoIP Metrics block), the JSON that captagent/heplify
 * put in type 5, and SIP PUBLISH bodies of type application/vq-rtcpxr (RFC 6035). The parsers
 * return what a packet says, block by block; the source decides which blocks become reports (a
 * block about the sender itself or about SSRC 0 does not) and which RTTs are believable. A
 * malformed packet returns undefined (counted by the caller), never an exception.
 */
export type MediaReport = EventOf<'media.report'>;

/** One report block: what the packet's sender receives from source `ssrc`. */
export interface RtcpBlock {
  ssrc: number;
  /** RFC 3550 fraction lost, 1/256 units. */
  fractionLost: number;
  /** Extended highest sequence number received (RTCP) ; -1 for XR and JSON. */
  extSeq: number;
  /** Interarrival jitter, RTP timestamp units; -1 when the block has none (XR). */
  jitter: number;
  /** LSR and DLSR (RFC 3550 6.4.1); 0 when absent. */
  lsr: number;
  dlsr: number;
  /** XR VoIP Metrics round trip delay, ms (RFC 3611 4.7.3); -1 when unknown. */
  rttMs: number;
}

/** An RTCP compound packet as far as sidetone reads it. */
export interface RtcpPacket {
  /** SSRC of the first packet's sender. */
  sender: number;
  blocks: RtcpBlock[];
}

const NTP_UNIX_OFFSET = 2_208_988_800; // seconds from 1900 to 1970 (RFC 5905)

/**
 * Middle 32 bits of the NTP timestamp of `ms` (the unit of LSR/DLSR, RFC 3550 6.4.1).
 * @example ntpMiddle32(Date.now()) // compare with an RR's LSR
 */
export function ntpMiddle32(ms: number): number {
  const sec = Math.floor(ms / 1000) + NTP_UNIX_OFFSET;
  const frac = Math.floor(((ms % 1000) / 1000) * 65_536);
  return (((sec & 0xffff) << 16) | (frac & 0xffff)) >>> 0;
}

/**
 * A believable round trip is below this. RFC 3550 6.4.1 computes A - LSR - DLSR on the clock of the
 * SR's sender; a passive collector can only use its own capture time for A, so an endpoint whose
 * clock is off adds its offset (X-Lite 33.4 s ahead reads -33.4 s, research/sip FINDINGS 3).
 * Ten seconds is far past any path a call survives (ITU-T G.114 calls 400 ms one way unacceptable).
 */
export const RTT_MAX_MS = 10_000;

/**
 * RFC 3550 6.4.1 round trip A - LSR - DLSR for a block that arrived at `arrivalMs` (capture time):
 * in ms; `null` when LSR is 0 (no SR received yet: nothing to compute), NaN when the result is not
 * believable (negative or over {@link RTT_MAX_MS}). The middle 32 bits wrap every 65,536 s, so the
 * difference is taken modulo 2^32 and read as signed.
 * @example rtcpRttMs(Date.now(), lsr, dlsr)
 */
export function rtcpRttMs(arrivalMs: number, lsr: number, dlsr: number): number | null {
  if (lsr === 0) return null;
  const diff = (ntpMiddle32(arrivalMs) - lsr - dlsr) | 0;
  const ms = (diff / 65_536) * 1000;
  return ms >= 0 && ms <= RTT_MAX_MS ? ms : Number.NaN;
}

/**
 * Binary RTCP compound packet (RFC 3550 6.1): SR (PT 200) and RR (201) report blocks, and XR (207)
 * VoIP Metrics blocks (RFC 3611 4.7); other packets (SDES, BYE, APP, feedback) are skipped by their
 * length. "A value of zero is valid" for the report count (6.4.1), and an empty RR leads a compound
 * packet when there is nothing to report (6.4.2): such a packet is valid with no blocks.
 * Undefined when the packet is not RTCP version 2 or a length runs past the end.
 * @example parseRtcp(bytes)?.blocks[0]?.fractionLost
 */
export function parseRtcp(buf: Buffer): RtcpPacket | undefined {
  if (buf.length < 8) return undefined;
  const out: RtcpPacket = { sender: buf.readUInt32BE(4), blocks: [] };
  let at = 0;
  while (at + 4 <= buf.length) {
    const b0 = buf[at] as number;
    if (b0 >> 6 !== 2) return undefined;
    const count = b0 & 0x1f;
    const pt = buf[at + 1] as number;
    const len = (buf.readUInt16BE(at + 2) + 1) * 4;
    if (at + len > buf.length) return undefined;
    if (pt === 200 || pt === 201) {
      const first = at + (pt === 200 ? 28 : 8);
      if (first + count * 24 > at + len) return undefined;
      for (let i = 0, block = first; i < count; i++, block += 24) {
        out.blocks.push({
          ssrc: buf.readUInt32BE(block),
          fractionLost: buf[block + 4] as number,
          extSeq: buf.readUInt32BE(block + 8),
          jitter: buf.readUInt32BE(block + 12),
          lsr: buf.readUInt32BE(block + 16),
          dlsr: buf.readUInt32BE(block + 20),
          rttMs: -1,
        });
      }
    } else if (pt === 207) {
      let block = at + 8;
      while (block + 4 <= at + len) {
        const bt = buf[block] as number;
        const blen = (buf.readUInt16BE(block + 2) + 1) * 4;
        if (block + blen > at + len) return undefined;
        // VoIP Metrics (BT 7): SSRC of source, loss rate (1/256), ..., round trip delay (ms, 0 unknown).
        if (bt === 7 && blen >= 36) {
          const rtd = buf.readUInt16BE(block + 16);
          out.blocks.push({
            ssrc: buf.readUInt32BE(block + 4),
            fractionLost: buf[block + 8] as number,
            extSeq: -1,
            jitter: -1,
            lsr: 0,
            dlsr: 0,
            rttMs: rtd === 0 ? -1 : rtd,
          });
        }
        block += blen;
      }
    }
    at += len;
  }
  return out;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;

/**
 * captagent/heplify RTCP JSON: `{ ssrc, report_blocks: [{ source_ssrc, fraction_lost, ia_jitter, highest_seq_no, lsr, dlsr }] }`.
 * @example jsonRtcp('{"report_blocks":[{"fraction_lost":5,"ia_jitter":40}]}')?.blocks[0]?.jitter // 40
 */
export function jsonRtcp(text: string): RtcpPacket | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const d = doc as { ssrc?: unknown; report_blocks?: unknown } | null;
  if (d === null || typeof d !== 'object' || !Array.isArray(d.report_blocks)) return undefined;
  const out: RtcpPacket = { sender: num(d.ssrc) ?? 0, blocks: [] };
  for (const b of d.report_blocks.slice(0, 31)) {
    const r = (b ?? {}) as Record<string, unknown>;
    const fl = num(r.fraction_lost);
    const jitter = num(r.ia_jitter);
    if (fl === undefined && jitter === undefined) continue;
    out.blocks.push({
      ssrc: num(r.source_ssrc) ?? 1,
      fractionLost: fl !== undefined && fl <= 255 ? Math.round(fl) : -1,
      extSeq: num(r.highest_seq_no) ?? -1,
      jitter: jitter ?? -1,
      lsr: num(r.lsr) ?? 0,
      dlsr: num(r.dlsr) ?? 0,
      rttMs: -1,
    });
  }
  return out;
}

function metric(body: string, name: string): number | undefined {
  const m = new RegExp(`(?:^|\\s)${name}=([0-9]+(?:\\.[0-9]+)?)`).exec(body);
  if (m === null) return undefined;
  const v = Number(m[1]);
  return Number.isFinite(v) ? v : undefined;
}

/** An RFC 6035 report: the media report, and the reporter's local RTP address (which stream it received). */
export interface VqReport {
  report: MediaReport;
  localIp: string | undefined;
  localPort: number;
}

/**
 * RFC 6035 vq-rtcpxr (SIP PUBLISH body): NLR (network loss, %), RTD (round trip, ms), IAJ
 * (interarrival jitter, ms). The report names its call in `CallID:` and the reporter's own RTP
 * address in `LocalAddr:` (what it received: the direction of the stream).
 * @example vqRtcpXr('CallID: c1\r\nPacketLoss: NLR=5.0\r\nDelay: RTD=200\r\n', 'c1')?.report.rttMs // 200
 */
export function vqRtcpXr(body: string, fallbackCallId: string): VqReport | undefined {
  const nlr = metric(body, 'NLR');
  const rtd = metric(body, 'RTD');
  const iaj = metric(body, 'IAJ');
  if (nlr === undefined && rtd === undefined && iaj === undefined) return undefined;
  const cid = /^CallID:\s*(\S{1,200})\s*$/m.exec(body);
  const pd = /(?:^|\s)PD=([A-Za-z0-9._-]{1,32})/.exec(body);
  const local = /^LocalAddr:.*?IP=([0-9A-Fa-f:.]{2,45}).*?PORT=(\d{1,5})/m.exec(body);
  const callId = cid === null ? fallbackCallId : (cid[1] as string);
  return {
    report: {
      type: 'media.report',
      source: 'hep',
      callId,
      ...(nlr !== undefined && nlr <= 100 && { fractionLost: Math.min(255, Math.round((nlr * 256) / 100)) }),
      ...(rtd !== undefined && rtd <= RTT_MAX_MS && { rttMs: rtd }),
      ...(iaj !== undefined && { jitterMs: iaj }),
      ...(pd !== null && { codec: pd[1] as string }),
    },
    localIp: local === null ? undefined : (local[1] as string),
    localPort: local === null ? 0 : Number(local[2]),
  };
}
