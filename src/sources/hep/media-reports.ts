import { MEDIA_STREAMS } from '../../domain/vocab.js';
import { CallMedia, type HepCall } from './call-state.js';
import { hash32 } from './hash.js';
import { type MediaReport, RTT_MAX_MS, type RtcpPacket, rtcpRttMs } from './rtcp.js';

/** Why a report block was not turned into a report: the `reason` of `<prefix>_hep_rtcp_blocks_dropped_total`. */
export const RTCP_DROP_REASONS = ['self_report', 'zero_ssrc', 'duplicate', 'no_call'] as const;
export type RtcpDropReason = (typeof RTCP_DROP_REASONS)[number];

/**
 * Which stream a report from `ip`:`port` describes, by the SDP addresses of the call: a receiver
 * reports what it receives (RFC 3550 6.4), so the callee's reports are about caller->callee.
 * 0 when the sender is neither side (a relay, or no SDP seen), else 1 + MEDIA_STREAMS index.
 */
export function reportedStream(m: CallMedia, ip: string, port: number): number {
  const h = hash32(ip);
  if (m.calleeIp === h && (port === m.calleeRtcp || port === m.calleeRtp)) return 1;
  if (m.callerIp === h && (port === m.callerRtcp || port === m.callerRtp)) return 2;
  return 0;
}

/**
 * Turns RTCP packets into `media.report` events, per RFC 3550 as written: every valid packet
 * counts, with or without report blocks; a block about the sender itself or about SSRC 0 (seen from
 * X-Lite and FreeSWITCH before any media, research/sip FINDINGS 3.4) is no measurement and is
 * dropped; a block a relay repeated (same highest sequence for the same stream) is dropped; an RTT
 * that is not believable is dropped on its own and counted, the block's loss and jitter kept.
 * RTCP of no call the tracker knows (no correlation id, or one naming no tracked call) is dropped
 * and counted (`no_call`): an RTCP packet reports an interval of one stream, and a report without
 * a call is taken downstream as a whole call, so before issue 47 each such packet was one more
 * call in the call-quality figures.
 */
export class MediaReports {
  /** Round trips computed out of range (negative, or over {@link RTT_MAX_MS}): an endpoint's clock is off. */
  rttImplausible = 0;
  readonly dropped: Record<RtcpDropReason, number> = {
    self_report: 0,
    zero_ssrc: 0,
    duplicate: 0,
    no_call: 0,
  };

  /**
   * The reports of one packet that arrived at `ts` (capture time, ms) from `ip`:`port`, of call
   * `s` (its state is updated: which streams were reported) or of no tracked call.
   * @example reports.of(parseRtcp(bytes)!, tracker.get(callId), callId, '10.0.0.1', 4001, ts)
   */
  of(
    packet: RtcpPacket,
    s: HepCall | undefined,
    callId: string | undefined,
    ip: string,
    port: number,
    ts: number,
  ): MediaReport[] {
    const out: MediaReport[] = [];
    if (s === undefined) {
      this.dropped.no_call += packet.blocks.length;
      return out;
    }
    const m = s.media ?? new CallMedia();
    s.media = m;
    m.rtcp = true;
    const stream = reportedStream(m, ip, port);
    for (const b of packet.blocks) {
      if (b.ssrc === 0) {
        this.dropped.zero_ssrc++;
        continue;
      }
      if (b.ssrc === packet.sender) {
        this.dropped.self_report++;
        continue;
      }
      if (stream > 0) {
        if (b.extSeq >= 0 && m.lastSeq[stream - 1] === b.extSeq) {
          this.dropped.duplicate++;
          continue;
        }
        m.lastSeq[stream - 1] = b.extSeq;
        m.reported |= stream;
      }
      const r: MediaReport = { type: 'media.report', source: 'hep', ts: Math.floor(ts) };
      if (callId !== undefined) r.callId = callId;
      if (b.fractionLost >= 0) r.fractionLost = b.fractionLost;
      if (b.jitter >= 0) r.jitter = b.jitter;
      const rtt =
        b.rttMs >= 0 ? (b.rttMs <= RTT_MAX_MS ? b.rttMs : Number.NaN) : rtcpRttMs(ts, b.lsr, b.dlsr);
      if (rtt !== null) {
        if (Number.isNaN(rtt)) this.rttImplausible++;
        else r.rttMs = rtt;
      }
      if (stream > 0) r.stream = MEDIA_STREAMS[stream - 1];
      if (s.codec !== undefined) r.codec = s.codec;
      out.push(r);
    }
    return out;
  }
}
