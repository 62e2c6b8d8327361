import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportMeasures, reportScore } from '../../src/domain/outcome/media.js';
import { mosFromNetwork } from '../../src/domain/standards/emodel.js';
import type { EventOf } from '../../src/events/types.js';
import { callSums, sums } from '../../src/telephony/packs/media.js';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup } from './helpers.js';

/** G.107 / G.113 written out independently of src/domain/standards, to check the wiring end to end. */
function gMos(ie: number, bpl: number, lossPercent: number, jitterMs: number, rttMs: number): number {
  const d = rttMs / 2 + 2 * jitterMs; // one-way delay: half the RTT plus a 2x-jitter buffer
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
  const ieEff = ie + ((95 - ie) * lossPercent) / (lossPercent + bpl);
  const r = 93.2 - id - ieEff;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

describe('media pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry } = setup();
    emit(FIXTURES.media);
    const text = await registry.metrics();
    const g711 = gMos(0, 25.1, 2, 10, 100); // PCMU maps to G.711 with PLC (Bpl 25.1)
    const g729 = gMos(11, 19, (85 / 256) * 100, 1875 / 90, 6125);
    expect(g729).toBe(1);
    // m9: each direction scored on its own loss and jitter (5/256 and 20 ms; 0 and 10 ms), the call
    // on both (mean fraction 2.5/256, 15 ms), no RTT.
    const m9 = gMos(0, 25.1, (2.5 / 256) * 100, 15, 0);
    const callerToCallee = gMos(0, 25.1, (5 / 256) * 100, 20, 0);
    const calleeToCaller = gMos(0, 25.1, 0, 10, 0);
    expectSeries(text, 'media', [
      'sidetone_media_reports_total 7',
      'sidetone_media_packets_received_total 1080',
      'sidetone_media_packets_lost_total 20',
      `sidetone_media_loss_ratio_sum ${0.02 + 0.02 + 85 / 256 + 5 / 256}`,
      'sidetone_media_loss_ratio_count 6',
      `sidetone_media_jitter_seconds_sum ${0.01 + 0.01 + 1875 / 90_000 + 0.02 + 0.01 + 0.005}`,
      'sidetone_media_jitter_seconds_count 6',
      'sidetone_media_rtt_seconds_sum 6.325',
      'sidetone_media_rtt_seconds_count 3',
      `sidetone_media_mos_sum{codec="g711_plc"} ${g711 + m9}`,
      'sidetone_media_mos_count{codec="g711_plc"} 2',
      `sidetone_media_stream_loss_ratio_sum{stream="caller_to_callee"} ${5 / 256}`,
      'sidetone_media_stream_loss_ratio_count{stream="caller_to_callee"} 1',
      'sidetone_media_stream_loss_ratio_count{stream="callee_to_caller"} 1',
      'sidetone_media_stream_jitter_seconds_sum{stream="caller_to_callee"} 0.02',
      'sidetone_media_stream_jitter_seconds_count{stream="caller_to_callee"} 1',
      'sidetone_media_stream_jitter_seconds_sum{stream="callee_to_caller"} 0.01',
      'sidetone_media_stream_jitter_seconds_count{stream="callee_to_caller"} 1',
      `sidetone_media_stream_mos_sum{stream="caller_to_callee"} ${callerToCallee}`,
      'sidetone_media_stream_mos_count{stream="caller_to_callee"} 1',
      `sidetone_media_stream_mos_sum{stream="callee_to_caller"} ${calleeToCaller}`,
      'sidetone_media_stream_mos_count{stream="callee_to_caller"} 1',
      'sidetone_media_anomalies_total{kind="one_way"} 1',
      'sidetone_media_mos_sum{codec="g729a_vad"} 1',
      'sidetone_media_mos_count{codec="g729a_vad"} 1',
      'sidetone_media_mos_unavailable_total{reason="unknown_codec"} 1',
      'sidetone_media_mos_unavailable_total{reason="no_loss_data"} 1',
      'sidetone_media_packets_sent_total 500',
      // m4 renegotiated PCMA -> opus, m5 (opus) ended, m6 an unlisted codec.
      'sidetone_media_codec_calls{codec="opus"} 1',
      'sidetone_media_codec_calls{codec="other"} 1',
    ]);
    expectNoPii(text);
  });

  // RFC 3550 6.4.1 / A.8 vectors through media.report -> exposition.
  it('RFC 3550: fraction lost 85/256, J = 1875 at 90 kHz = 20.83 ms, RTT = A - LSR - DLSR = 6.125 s', () => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'media.report',
      codec: 'PCMA',
      fractionLost: 85,
      jitter: 1875,
      clockRate: 90_000,
      rtcp: { arrival: 0xb7108000, lsr: 0xb7052000, dlsr: 0x00054000 },
    });
    const text = registry.render();
    expect(sample(text, 'sidetone_media_loss_ratio_sum')).toBe(85 / 256);
    expect(sample(text, 'sidetone_media_jitter_seconds_sum')).toBeCloseTo(0.0208333, 6);
    expect(sample(text, 'sidetone_media_jitter_seconds_bucket{le="0.02"}')).toBe(0);
    expect(sample(text, 'sidetone_media_jitter_seconds_bucket{le="0.03"}')).toBe(1);
    expect(sample(text, 'sidetone_media_rtt_seconds_sum')).toBe(6.125);
  });

  it('RFC 3550: no RTT without a sender report (LSR = 0); jitter defaults to an 8 kHz clock', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'media.report', jitter: 80, rtcp: { arrival: 0xb7108000, lsr: 0, dlsr: 0 } });
    const text = registry.render();
    expect(sample(text, 'sidetone_media_rtt_seconds_count')).toBe(0);
    expect(sample(text, 'sidetone_media_jitter_seconds_sum')).toBe(0.01);
  });

  // G.107 E-model with G.113 Appendix I Ie/Bpl and the Cole-Rosenbluth delay term.
  const vectors: Array<[string, string, number, number, number, number, number]> = [
    ['G.711 PLC, clean (R 93.2)', 'PCMU', 0, 0, 0, 0, 25.1],
    ['G.711 no PLC, 2% loss', 'g711-noplc', 2, 0, 0, 0, 4.3],
    ['G.711 PLC, 2% loss', 'PCMA', 2, 0, 0, 0, 25.1],
    ['G.729A, clean (Ie 11)', 'G729', 0, 0, 0, 11, 19],
    ['G.723.1, 1% loss', 'G723', 1, 0, 0, 15, 16.1],
    ['G.711 PLC, 400 ms RTT (d = 200 ms > 177.3)', 'PCMU', 0, 0, 400, 0, 25.1],
    ['G.711 PLC, 30 ms jitter, 100 ms RTT', 'PCMU', 0.5, 30, 100, 0, 25.1],
  ];
  it.each(vectors)('MOS: %s', (_name, codec, loss, jitterMs, rttMs, ie, bpl) => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'media.report',
      codec,
      packetsReceived: 1000 - loss * 10,
      packetsLost: loss * 10,
      jitterMs,
      rttMs,
    });
    const text = registry.render();
    const sumLine = text.split('\n').find((l) => l.startsWith('sidetone_media_mos_sum{'));
    expect(Number(sumLine?.split(' ')[1])).toBeCloseTo(gMos(ie, bpl, loss, jitterMs, rttMs), 12);
  });

  it('the clean G.711 call lands in the top MOS bucket (4.409 > 4.4)', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'media.report', codec: 'PCMU', packetsReceived: 100, packetsLost: 0 });
    const text = registry.render();
    expect(sample(text, 'sidetone_media_mos_bucket{codec="g711_plc",le="4.4"}')).toBe(0);
    expect(sample(text, 'sidetone_media_mos_bucket{codec="g711_plc",le="4.5"}')).toBe(1);
  });

  it('scores a call once, at call.ended, from the whole call (overall loss, mean jitter and RTT)', () => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'media.report',
      callId: 'c',
      codec: 'PCMU',
      packetsReceived: 1000,
      packetsLost: 0,
      jitterMs: 10,
      rttMs: 50,
    });
    bus.emit({
      type: 'media.report',
      callId: 'c',
      packetsReceived: 900,
      packetsLost: 100,
      jitterMs: 30,
      rttMs: 150,
    });
    expect(sample(registry.render(), 'sidetone_media_mos_count{codec="g711_plc"}')).toBeUndefined();
    bus.emit({ type: 'call.ended', callId: 'c' });
    bus.emit({ type: 'call.ended', callId: 'c' });
    const text = registry.render();
    expect(sample(text, 'sidetone_media_mos_count{codec="g711_plc"}')).toBe(1);
    expect(sample(text, 'sidetone_media_mos_sum{codec="g711_plc"}')).toBeCloseTo(
      gMos(0, 25.1, 5, 20, 100),
      12,
    );
    expect(sample(text, 'sidetone_media_reports_total')).toBe(2);
  });

  it('a call that never ends is still scored when evicted', async () => {
    const { bus, registry, clock } = setup({ maxAgeSeconds: 60 });
    bus.emit({ type: 'media.report', callId: 'z', codec: 'PCMU', fractionLost: 0 });
    clock.now += 61_000;
    bus.emit({ type: 'media.report', callId: 'y', codec: 'PCMU', fractionLost: 0 });
    expect(sample(registry.render(), 'sidetone_media_mos_count{codec="g711_plc"}')).toBe(1);
  });

  it('the score helper returns the MOS and refuses codecs without G.113 values', () => {
    const { telephony } = setup();
    expect(telephony.media?.score('PCMU', 0, 0, 0)).toBeCloseTo(4.40929, 4);
    expect(telephony.media?.score('opus', 0, 0, 0)).toBeUndefined();
    expect(telephony.media?.score(undefined, 0, 0, 0)).toBeUndefined();
    expect(telephony.media?.score('PCMU', undefined, 0, 0)).toBeUndefined();
  });
});

describe('media scoring, once per report', () => {
  const report = {
    type: 'media.report' as const,
    codec: 'PCMU',
    packetsReceived: 250,
    packetsLost: 2,
    jitterMs: 8,
    rttMs: 60,
  };

  it('every listener of a report gets the same frozen score', () => {
    const e = { ...report };
    const first = reportScore(e);
    expect(first).toEqual({ mos: expect.any(Number), jitterMs: 8, lossPercent: (2 * 100) / 252, rttMs: 60 });
    expect(reportScore(e)).toBe(first);
    expect(reportScore({ ...report })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('a report changed and emitted again is scored again, each field and the RTCP block alike', () => {
    const e: EventOf<'media.report'> = { ...report };
    const before = reportScore(e)?.mos as number;
    e.packetsLost = 50;
    expect(reportScore(e)?.mos).toBeLessThan(before);
    e.codec = 'opus';
    expect(reportScore(e)).toBeUndefined();
    const r: EventOf<'media.report'> = {
      type: 'media.report',
      codec: 'PCMU',
      fractionLost: 0,
      rtcp: { arrival: 0xb7108000, lsr: 0xb7050000, dlsr: 0 },
    };
    const far = reportScore(r)?.rttMs as number;
    (r.rtcp as { dlsr: number }).dlsr = 0x8000;
    expect(reportScore(r)?.rttMs).toBeCloseTo(far - 500, 6);
  });

  it('answers as scoring from scratch would, for any sequence of reports (property)', () => {
    const n = (max: number) => fc.option(fc.integer({ min: 0, max }), { nil: undefined });
    const fields = fc.record({
      codec: fc.option(fc.constantFrom('PCMU', 'G729', 'opus'), { nil: undefined }),
      packetsReceived: n(300),
      packetsLost: n(30),
      fractionLost: n(255),
      jitterMs: n(50),
      rttMs: n(400),
    });
    fc.assert(
      fc.property(fc.array(fields, { maxLength: 8 }), (reports) => {
        for (const f of reports) {
          const e = { type: 'media.report' as const, ...f };
          const { lossPercent, jitterMs, rttMs } = reportMeasures(e);
          const mos =
            e.codec === undefined || lossPercent === undefined
              ? undefined
              : mosFromNetwork({ codec: e.codec, lossPercent, jitterMs: jitterMs ?? 0, rttMs: rttMs ?? 0 })
                  ?.mos;
          const want =
            mos === undefined || lossPercent === undefined
              ? undefined
              : { mos, jitterMs: jitterMs ?? 0, lossPercent, ...(rttMs !== undefined && { rttMs }) };
          expect(reportScore(e)).toStrictEqual(want === undefined ? undefined : Object.freeze(want));
        }
      }),
    );
  });
});

describe('media pack, hidden classes', () => {
  it("gives every call's sums one hidden class, where a spread made three new ones a call (issue 51)", () => {
    // V8's own check that two objects share a map (hidden class); natives syntax parses only in
    // functions compiled after the flag is set.
    setFlagsFromString('--allow-natives-syntax');
    const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
    // The spread callSums replaced: its first calls share a map; once its clone IC is warm (as on a
    // sidecar after a few calls), every call gets new ones, so the check can tell the two apart.
    const spread = (at: number) => ({ ...sums(), at, codec: 'PCMU', streams: [undefined, undefined] });
    const kept: object[] = [];
    for (let i = 0; i < 2000; i++) kept.push(spread(i), callSums(i, i % 2 === 0 ? 'PCMU' : undefined));
    expect(sameMap(spread(1), spread(2))).toBe(false);
    expect(sameMap(callSums(1, 'PCMU'), callSums(2, undefined))).toBe(true);
    expect(kept.filter((o, i) => i % 2 === 1 && !sameMap(o, kept[1] as object))).toEqual([]);
  });
});
