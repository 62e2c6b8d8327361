import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../../src/events/bus.js';
import { parseEvent } from '../../../src/events/schemas.js';
import type { EventOf, SidetoneEvent } from '../../../src/events/types.js';
import { Registry } from '../../../src/metrics/index.js';
import { jsonRtcp, ntpMiddle32, parseRtcp, rtcpRttMs, vqRtcpXr } from '../../../src/sources/hep/rtcp.js';
import { HepSource } from '../../../src/sources/hep/source.js';
import { instrument } from '../../../src/telephony/index.js';
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

/** The INVITE that makes `callId` a call the tracker knows, captured at `ts`: its RTCP is reported. */
const call = (callId: string, ts = T0) =>
  hep(sip('INVITE sip:b SIP/2.0', { callId, cseq: '1 INVITE', branch: `z9hG4bK-${callId}` }), { ts });

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
    source.handle(call('c9'), T0);
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
    expect(source.counts).toMatchObject({ rtcp: 1, sip: 2, malformed_rtcp: 1 });
    expect(events).toHaveLength(2);
    for (const e of events) expect(parseEvent(e).ok).toBe(true);
  });

  // Issue 47: RTCP of no call the tracker knows was a media report, and the media pack scores a
  // report without a known call as a whole call: each such packet was one more call in the MOS.
  it('RTCP of no known call (no correlation id, or one naming no tracked call) is no report: dropped and counted', async () => {
    const bus = new EventBus();
    const registry = new Registry();
    instrument(bus, registry, { packs: { calls: true, media: true } });
    const events: SidetoneEvent[] = [];
    bus.on('media.report', (e) => events.push(e));
    const source = new HepSource(bus, { registry, reorderWindowMs: 0 });
    source.handle(rawHep(5, rr(10, 80, 0, 0)), T0);
    source.handle(rawHep(5, rr(10, 80, 0, 0), 'nobody'), T0);
    source.handle(call('known'), T0);
    source.handle(rawHep(5, rr(12, 80, 0, 0), 'known'), T0);
    expect(events).toEqual([expect.objectContaining({ callId: 'known', fractionLost: 12 })]);
    expect(source.counts.rtcp).toBe(3);
    const text = await registry.metrics();
    expect(text).toMatch(/^sidetone_hep_rtcp_blocks_dropped_total\{reason="no_call"\} 2$/m);
    expect(text).toMatch(/^sidetone_media_reports_total 1$/m);
    // No call scored yet (the known one has not ended): before, each packet of no call was scored.
    const scored = text
      .split('\n')
      .filter((l) => /^sidetone_media_(mos_count|mos_unavailable_total)\b/.test(l))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(scored).toBe(0);
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
    expect(reports.map((r) => (r as { codec?: string }).codec)).toEqual(['PCMA', 'opus']);
    expect(source.capture.media.dropped.no_call).toBe(1); // 'unknown' names no call
  });
});

/** The hex of a captured RTCP packet (test/fixtures/hep-captures), by file and index. */
function captured(file: string, index: number): { hex: string; ms: number; src: string } {
  const lines = readFileSync(
    fileURLToPath(new URL(`../../fixtures/hep-captures/${file}`, import.meta.url)),
    'utf8',
  )
    .trim()
    .split('\n');
  const r = JSON.parse(lines[index + 1] as string);
  return { hex: r.hex, ms: r.sec * 1000 + r.usec / 1000, src: r.src };
}

describe('RTCP per RFC 3550 as written (issue 35)', () => {
  function lab(options: ConstructorParameters<typeof HepSource>[1] = {}) {
    const bus = new EventBus();
    const registry = new Registry();
    instrument(bus, registry, { packs: { calls: true, media: true } });
    const events: SidetoneEvent[] = [];
    bus.onAny((e) => events.push(e));
    const source = new HepSource(bus, { registry, reorderWindowMs: 0, ...options });
    const reports = () => events.filter((e) => e.type === 'media.report') as Array<EventOf<'media.report'>>;
    return { source, registry, events, reports };
  }

  it('an SR or RR with no report blocks is valid (RC = 0), not malformed: captures of a Grandstream and X-Lite', () => {
    const { source, reports } = lab();
    // aaa-sipps-cybercity: SR RC=0 + SDES + BYE; asterisk-xlite-zfone: an 8-byte RR RC=0 + SDES.
    for (const [file, i] of [
      ['aaa-sipps-cybercity.rtcp.jsonl', 0],
      ['asterisk-xlite-zfone.rtcp.jsonl', 0],
      ['asterisk-xlite-zfone.rtcp.jsonl', 1],
    ] as const) {
      const p = captured(file, i);
      source.handle(rawHep(5, Buffer.from(p.hex, 'hex'), 'c1'), p.ms);
    }
    expect(source.counts).toMatchObject({ rtcp: 3, malformed_rtcp: 0 });
    expect(reports()).toEqual([]);
  });

  it("an RTT out of range is dropped and counted on its own; the block's loss and jitter are kept", async () => {
    const { source, reports, registry } = lab();
    // A receiver 20 minutes behind the collector's clock: A - LSR - DLSR reads +1200 s.
    const now = 1_700_000_000_000;
    const lsr = ntpMiddle32(now - 1_200_000);
    source.handle(call('c2', now), now);
    source.handle(rawHep(5, rr(26, 480, lsr, 0), 'c2'), now);
    // X-Lite's clock 33.4 s ahead (xlite-verso-g711, RR about the AudioCodes stream): -33.43 s.
    const x = captured('xlite-verso-g711.rtcp.jsonl', 6);
    source.handle(call('c3', x.ms), x.ms);
    source.handle(rawHep(5, Buffer.from(x.hex, 'hex'), 'c3'), x.ms);
    expect(reports().map((r) => [r.fractionLost, r.jitter, r.rttMs])).toEqual([
      [26, 480, undefined],
      [0, 1888, undefined],
    ]);
    for (const r of reports()) expect(parseEvent(r).ok).toBe(true);
    const text = await registry.metrics();
    expect(text).toMatch(/^sidetone_hep_rtcp_rtt_implausible_total 2$/m);
    expect(text).toMatch(/^sidetone_media_loss_ratio_count 2$/m);
    // The same packet's SR carries a block about X-Lite itself: no measurement.
    expect(text).toMatch(/^sidetone_hep_rtcp_blocks_dropped_total\{reason="self_report"\} 1$/m);
  });

  it('capture timestamps far from the time of receipt are clamped and counted (an ACD of 1,685,499,240 s before)', async () => {
    const { source, registry, events } = lab();
    const now = 1_700_000_000_000;
    const call = (cseq: string, start: string, ts: number, to?: string) =>
      source.handle(
        hep(sip(start, { callId: 'k1', cseq, ...(to && { to }) }), { ts }),
        now + (ts > now ? 60_000 : ts - now),
      );
    call('1 INVITE', 'INVITE sip:b SIP/2.0', now);
    call('1 INVITE', 'SIP/2.0 200 OK', now + 1000, 'callee');
    // A BYE stamped 53 years ahead by a broken agent clock.
    call('2 BYE', 'BYE sip:b SIP/2.0', now + 1_685_499_240_000, 'callee');
    const ended = events.find((e) => e.type === 'call.ended') as EventOf<'call.ended'>;
    expect(ended.ts).toBe(now + 60_000 + 300_000);
    const text = await registry.metrics();
    expect(text).toMatch(/^sidetone_hep_timestamps_clamped_total\{direction="future"\} 1$/m);
    const talk = Number(/^sidetone_call_talk_time_seconds_sum\S* (\S+)$/m.exec(text)?.[1]);
    expect(talk).toBeLessThan(400);
  });
});

describe('media per direction and one-way audio (issue 35)', () => {
  const T = 1_700_000_000_000;
  const sdp = (ip: string, port: number) => `v=0\r\nc=IN IP4 ${ip}\r\nm=audio ${port} RTP/AVP 0\r\n`;
  /** An answered call: caller's audio at 10.0.0.1:4000, callee's at 203.0.113.5:5000; RTCP on +1. */
  function answered(source: HepSource, callId: string, at: number) {
    const body = (ip: string, port: number) => ({
      extra: ['Content-Type: application/sdp'],
      body: sdp(ip, port),
    });
    source.handle(
      hep(sip('INVITE sip:b SIP/2.0', { callId, cseq: '1 INVITE', ...body('10.0.0.1', 4000) }), { ts: at }),
      at,
    );
    source.handle(
      hep(sip('SIP/2.0 200 OK', { callId, cseq: '1 INVITE', to: 'callee', ...body('203.0.113.5', 5000) }), {
        ts: at + 1000,
      }),
      at + 1000,
    );
  }
  /** An RR from `ip`:`port` about SSRC 0x5678, with `fraction` lost. */
  const report = (callId: string, ip: string, port: number, fraction: number, at: number) =>
    rawHep(5, rr(fraction, 80, 0, 0), callId, { src: ip, srcPort: port, at });
  function lab() {
    const bus = new EventBus();
    const registry = new Registry();
    instrument(bus, registry, { packs: { calls: true, media: true } });
    const events: SidetoneEvent[] = [];
    bus.onAny((e) => events.push(e));
    const source = new HepSource(bus, { registry, reorderWindowMs: 0 });
    const ended = (callId: string) =>
      events.find(
        (e) => e.type === 'call.ended' && (e as { callId: string }).callId === callId,
      ) as EventOf<'call.ended'>;
    const bye = (callId: string, at: number) =>
      source.handle(hep(sip('BYE sip:b SIP/2.0', { callId, cseq: '2 BYE', to: 'callee' }), { ts: at }), at);
    return { source, registry, events, ended, bye };
  }

  it("each side's reports are the stream it receives: loss, jitter and MOS per direction", async () => {
    const { source, registry, events, bye } = lab();
    answered(source, 'd1', T);
    source.handle(report('d1', '203.0.113.5', 5001, 13, T + 6000), T + 6000); // the callee receives 5 %
    source.handle(report('d1', '10.0.0.1', 4001, 0, T + 6500), T + 6500); // the caller receives all
    bye('d1', T + 30_000);
    const streams = events
      .filter((e) => e.type === 'media.report')
      .map((e) => (e as { stream?: string }).stream);
    expect(streams).toEqual(['caller_to_callee', 'callee_to_caller']);
    const text = await registry.metrics();
    expect(text).toMatch(/^sidetone_media_stream_loss_ratio_sum\{stream="caller_to_callee"\} 0\.05078125$/m);
    expect(text).toMatch(/^sidetone_media_stream_mos_count\{stream="caller_to_callee"\} 1$/m);
    expect(text).toMatch(/^sidetone_media_stream_mos_count\{stream="callee_to_caller"\} 1$/m);
  });

  it('one-way audio: only the callee reports, 15 s after the answer the caller hears nothing; no media at all', async () => {
    const { source, registry, ended, bye } = lab();
    answered(source, 'w1', T);
    answered(source, 'w2', T + 100);
    for (let t = 5000; t < 30_000; t += 5000)
      source.handle(report('w1', '203.0.113.5', 5001, 0, T + t), T + t);
    source.tick(T + 30_000);
    bye('w1', T + 31_000);
    bye('w2', T + 31_000);
    expect(ended('w1')).toMatchObject({ mediaAnomaly: 'one_way', silentStream: 'callee_to_caller' });
    expect(ended('w2')).toMatchObject({ mediaAnomaly: 'no_media' });
    expect(ended('w2')).not.toHaveProperty('silentStream');
    const text = await registry.metrics();
    expect(text).toMatch(/^sidetone_media_anomalies_total\{kind="one_way"\} 1$/m);
    expect(text).toMatch(/^sidetone_media_anomalies_total\{kind="no_media"\} 1$/m);
  });

  it('without RTCP in the capture no call is judged; a call shorter than the wait is not either', () => {
    const { source, ended, bye } = lab();
    answered(source, 'n1', T);
    source.tick(T + 40_000);
    bye('n1', T + 41_000);
    expect(ended('n1')).not.toHaveProperty('mediaAnomaly');
  });

  it('a relayed copy of a report (same stream, same highest sequence) counts once', () => {
    const { source, events } = lab();
    answered(source, 'r1', T);
    source.handle(report('r1', '203.0.113.5', 5001, 3, T + 5000), T + 5000);
    source.handle(report('r1', '203.0.113.5', 5001, 3, T + 5001), T + 5001);
    expect(events.filter((e) => e.type === 'media.report')).toHaveLength(1);
    expect(source.capture.media.dropped.duplicate).toBe(1);
  });
});
