import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { SidetoneEvent } from '../../../src/events/types.js';
import { jsonRtcp, parseRtcp, rtcpRttMs, vqRtcpXr } from '../../../src/sources/hep/rtcp.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { hep, rawHep, sip } from './helpers.js';

/** RTCP RR (RFC 3550 6.4.2) with one report block. */
function rr(fraction: number, jitter: number, lsr: number, dlsr: number): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81; // V=2, RC=1
  b[1] = 201;
  b.writeUInt16BE(7, 2); // 8 words - 1
  b.writeUInt32BE(0x1234, 4);
  b.writeUInt32BE(0x5678, 8);
  b[12] = fraction;
  b.writeUInt32BE(jitter, 20);
  b.writeUInt32BE(lsr, 24);
  b.writeUInt32BE(dlsr, 28);
  return b;
}

/** RTCP XR (RFC 3611) with one VoIP Metrics block (BT 7, 36 bytes). */
function xr(lossRate: number, rtdMs: number): Buffer {
  const b = Buffer.alloc(8 + 36);
  b[0] = 0x80;
  b[1] = 207;
  b.writeUInt16BE((b.length >> 2) - 1, 2);
  b.writeUInt32BE(0x1234, 4);
  b[8] = 7;
  b.writeUInt16BE(8, 10); // 9 words - 1
  b.writeUInt32BE(0x5678, 12);
  b[16] = lossRate;
  b.writeUInt16BE(rtdMs, 24);
  return b;
}

/** Capture and receipt time of the packets below (those without a time chunk are stamped on receipt). */
const T0 = 1_700_000_000_000;

describe('RTCP in HEP', () => {
  it('RR report blocks: fraction lost, jitter, LSR and DLSR', () => {
    expect(parseRtcp(rr(64, 160, 0xabcd0000, 0x00010000))).toEqual({
      sender: 0x1234,
      blocks: [
        {
          ssrc: 0x5678,
          fractionLost: 64,
          extSeq: 0,
          jitter: 160,
          lsr: 0xabcd0000,
          dlsr: 0x00010000,
          rttMs: -1,
        },
      ],
    });
  });

  it('RTT = A - LSR - DLSR (RFC 3550 6.4.1, figure 2), LSR 0 skipped, out of range NaN', () => {
    // A capture time whose NTP middle 32 bits are A = 0xb7108000: seconds 0xb710 (mod 2^16), half a second.
    const ntpSeconds = 50_000 * 65_536 + 0xb710;
    const at = (ntpSeconds - 2_208_988_800) * 1000 + 500;
    expect(rtcpRttMs(at, 0xb7052000, 0x00054000)).toBeCloseTo(6125, 6);
    expect(rtcpRttMs(at, 0, 0x00054000)).toBeNull();
    // The same report read 33.4 s too early (the reporter's clock ahead): negative, not believable.
    expect(rtcpRttMs(at - 33_400, 0xb7052000, 0x00054000)).toBeNaN();
  });

  it('XR VoIP Metrics: loss rate and round-trip delay', () => {
    expect(parseRtcp(xr(13, 120))?.blocks).toEqual([
      expect.objectContaining({ fractionLost: 13, rttMs: 120 }),
    ]);
  });

  it('captagent JSON', () => {
    const text = JSON.stringify({
      type: 201,
      report_blocks: [{ fraction_lost: 5, ia_jitter: 40, lsr: 0, dlsr: 0 }],
    });
    expect(jsonRtcp(text)?.blocks).toEqual([expect.objectContaining({ fractionLost: 5, jitter: 40 })]);
    expect(jsonRtcp('{not json')).toBeUndefined();
  });

  it('RFC 6035 vq-rtcpxr: NLR %, RTD, IAJ', () => {
    const body =
      'VQSessionReport: CallTerm\r\nCallID: abc@host\r\nPacketLoss: NLR=5.0 JDR=0.0\r\nDelay: RTD=200 ESD=40 IAJ=12\r\n';
    expect(vqRtcpXr(body, 'fallback')?.report).toMatchObject({
      callId: 'abc@host',
      fractionLost: 13,
      rttMs: 200,
      jitterMs: 12,
    });
  });

  it('through the source: type 5 and a PUBLISH become valid media.report events', () => {
    const bus = new EventBus();
    const events: SidetoneEvent[] = [];
    bus.on('media.report', (e) => events.push(e));
    const source = new HepSource(bus, { reorderWindowMs: 0 });
    source.handle(rawHep(5, rr(10, 80, 0, 0), 'c9'), T0);
    source.handle(
      hep(
        sip('PUBLISH sip:collector@example SIP/2.0', {
          callId: 'pub-1',
          cseq: '1 PUBLISH',
          extra: ['Content-Type: application/vq-rtcpxr'],
          body: 'CallID: c9\r\nPacketLoss: NLR=1.0\r\nDelay: RTD=50\r\n',
        }),
        { ts: T0 },
      ),
      T0,
    );
    source.handle(hep('\x00\x01', { type: 5, ts: T0 }), T0);
    expect(source.counts).toMatchObject({ rtcp: 1, sip: 1, malformed_rtcp: 1 });
    expect(events).toHaveLength(2);
    for (const e of events) expect(parseEvent(e).ok).toBe(true);
  });
});

describe('codec for MOS', () => {
  it('an RTCP report without a codec takes the one its call negotiated in SDP (rtpmap, else static PT)', () => {
    const bus = new EventBus();
    const reports: SidetoneEvent[] = [];
    bus.on('media.report', (e) => reports.push(e));
    const source = new HepSource(bus, { reorderWindowMs: 0 });
    const sdp = (m: string, extra = '') => `v=0\r\nc=IN IP4 10.0.0.1\r\n${m}\r\n${extra}`;
    const invite = (callId: string, body: string) =>
      hep(
        sip('INVITE sip:b SIP/2.0', {
          callId,
          cseq: '1 INVITE',
          extra: ['Content-Type: application/sdp'],
          body,
        }),
        { ts: T0 },
      );
    source.handle(invite('k1', sdp('m=audio 4000 RTP/AVP 8 0')), T0);
    source.handle(invite('k2', sdp('m=audio 4000 RTP/AVP 96', 'a=rtpmap:96 opus/48000/2\r\n')), T0);
    source.handle(rawHep(5, rr(10, 80, 0, 0), 'k1'), T0);
    source.handle(rawHep(5, rr(10, 80, 0, 0), 'k2'), T0);
    source.handle(rawHep(5, rr(10, 80, 0, 0), 'unknown'), T0);
    expect(reports.map((r) => (r as { codec?: string }).codec)).toEqual(['PCMA', 'opus', undefined]);
  });
});
