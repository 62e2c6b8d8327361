import { describe, expect, it } from 'vitest';
import {
  CODECS,
  codecImpairment,
  DEFAULT_R,
  delayImpairment,
  effectiveEquipmentImpairment,
  mosFromNetwork,
  rToMos,
  simpleMos,
} from '../../../src/domain/standards/emodel.js';

const near = (actual: number | undefined, expected: number, tol = 1e-9) => {
  expect(actual).toBeDefined();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tol);
};

describe('rToMos (G.107 Annex B)', () => {
  // Expected values computed from MOS = 1 + 0.035R + R(R-60)(100-R)7e-6.
  it.each([
    [-10, 1],
    [0, 1], // boundary: R <= 0 -> 1
    [3, 1], // cubic gives 0.9907 here; floored at the scale minimum
    [50, 2.575], // 1 + 1.75 + 50*(-10)*50*7e-6 = 2.75 - 0.175
    [60, 3.1], // the cubic term vanishes at R = 60
    [70, 3.597], // 1 + 2.45 + 70*10*30*7e-6
    [80, 4.024], // 1 + 2.8 + 80*20*20*7e-6
    [93.2, 4.409285824], // default R: 1 + 3.262 + 93.2*33.2*6.8*7e-6
    [100, 4.5], // boundary: R >= 100 -> 4.5
    [120, 4.5],
  ])('R %d -> MOS %d', (r, mos) => {
    near(rToMos(r), mos);
  });

  it('default R 93.2 rounds to 4.41 and R 50 to 2.58', () => {
    expect(DEFAULT_R).toBe(93.2);
    expect(rToMos(DEFAULT_R).toFixed(2)).toBe('4.41');
    expect(rToMos(50).toFixed(2)).toBe('2.58');
  });

  it('is monotonic over 0..100', () => {
    let prev = rToMos(0);
    for (let r = 0.5; r <= 100; r += 0.5) {
      const m = rToMos(r);
      expect(m).toBeGreaterThanOrEqual(prev);
      prev = m;
    }
  });

  it('propagates NaN instead of inventing a score', () => {
    expect(rToMos(Number.NaN)).toBeNaN();
  });
});

describe('effectiveEquipmentImpairment (G.107 7-29, G.113 Appendix I values)', () => {
  it.each([
    // ie, bpl, ppl, burstR, expected
    [0, 4.3, 0, 1, 0], // no loss: Ie,eff = Ie
    [0, 4.3, 2, 1, 30.158730158730158], // G.711 no PLC, 2 % random: 95*2/(2+4.3)
    [0, 25.1, 2, 1, 7.011070110701107], // G.711 PLC: 95*2/(2+25.1)
    [0, 25.1, 2, 2, 7.279693486590038], // bursty: 95*2/(2/2+25.1)
    [11, 19, 1, 1, 15.2], // G.729A+VAD: 11 + 84*1/(1+19)
    [15, 16.1, 5, 1, 33.95734597156398], // G.723.1: 15 + 80*5/(5+16.1)
    [0, 4.3, 100, 1, 91.08341323106424], // total loss: 9500/104.3
    [0, 4.3, 150, 1, 91.08341323106424], // clamped to 100 %
    [0, 4.3, -3, 1, 0], // clamped to 0 %
  ])('Ie %d Bpl %d Ppl %d%% BurstR %d -> %d', (ie, bpl, ppl, br, expected) => {
    near(effectiveEquipmentImpairment(ie, bpl, ppl, br), expected, 1e-9);
  });

  it('defaults BurstR to 1 (random loss)', () => {
    expect(effectiveEquipmentImpairment(0, 4.3, 2)).toBe(effectiveEquipmentImpairment(0, 4.3, 2, 1));
  });
});

describe('delayImpairment (Cole & Rosenbluth)', () => {
  it.each([
    [-5, 0],
    [0, 0],
    [100, 2.4], // 0.024 * 100
    [177.3, 4.2552], // knee: only the linear term
    [200, 7.297], // 4.8 + 0.11 * 22.7
    [400, 34.097], // 9.6 + 0.11 * 222.7
  ])('d = %d ms -> Id %d', (d, id) => {
    near(delayImpairment(d), id, 1e-9);
  });
});

describe('codecImpairment', () => {
  it.each([
    ['PCMU', 'g711_plc'],
    ['PCMA', 'g711_plc'],
    ['pcmu', 'g711_plc'],
    ['G711', 'g711_plc'],
    ['G.711', 'g711_plc'],
    ['g711u', 'g711_plc'],
    ['G711A', 'g711_plc'],
    ['ulaw', 'g711_plc'],
    ['alaw', 'g711_plc'],
    ['g711-noplc', 'g711'],
    ['g729', 'g729a_vad'],
    ['G729A', 'g729a_vad'],
    ['G.729', 'g729a_vad'],
    ['G723', 'g723_1_6k3'],
    ['g723.1', 'g723_1_6k3'],
  ])('%s -> %s', (name, id) => {
    expect(codecImpairment(name)?.id).toBe(id);
  });

  it.each(['opus', 'G722', 'AMR-WB', '', 'PCM'])('%s has no narrowband G.113 entry', (name) => {
    expect(codecImpairment(name)).toBeUndefined();
  });

  it('carries the G.113 planning values', () => {
    expect([CODECS.g711.ie, CODECS.g711.bpl]).toEqual([0, 4.3]);
    expect([CODECS.g711_plc.ie, CODECS.g711_plc.bpl]).toEqual([0, 25.1]);
    expect([CODECS.g729a_vad.ie, CODECS.g729a_vad.bpl]).toEqual([11, 19.0]);
    expect([CODECS.g723_1_6k3.ie, CODECS.g723_1_6k3.bpl]).toEqual([15, 16.1]);
  });
});

describe('mosFromNetwork', () => {
  it('a perfect network with G.711 gives the default R 93.2 -> 4.41', () => {
    const res = mosFromNetwork({ codec: 'PCMU', lossPercent: 0, jitterMs: 0, rttMs: 0 });
    near(res?.r, 93.2);
    expect(res?.mos.toFixed(2)).toBe('4.41');
  });

  it('G.711 without PLC at 2 % loss: R = 93.2 - 30.1587', () => {
    const res = mosFromNetwork({ codec: 'g711-noplc', lossPercent: 2, jitterMs: 0, rttMs: 0 });
    near(res?.ieEff, 30.158730158730158);
    near(res?.r, 93.2 - 30.158730158730158);
    near(res?.mos, rToMos(93.2 - 30.158730158730158));
  });

  it('one-way delay = rtt/2 + 2*jitter (rtt 300, jitter 10 -> 170 ms, Id 4.08)', () => {
    const res = mosFromNetwork({ codec: 'PCMA', lossPercent: 0, jitterMs: 10, rttMs: 300 });
    near(res?.oneWayDelayMs, 170);
    near(res?.id, 4.08);
    near(res?.r, 93.2 - 4.08);
  });

  it('combines delay and loss, with BurstR, for an explicit codec entry', () => {
    // d = 200 + 20 = 220 -> Id = 5.28 + 0.11 * 42.7 = 9.977; Ie,eff = 11 + 84*2/(2/1.5 + 19)
    const res = mosFromNetwork({
      codec: CODECS.g729a_vad,
      lossPercent: 2,
      jitterMs: 10,
      rttMs: 400,
      burstR: 1.5,
    });
    const ieEff = 11 + (84 * 2) / (2 / 1.5 + 19);
    near(res?.id, 9.977);
    near(res?.ieEff, ieEff);
    near(res?.r, 93.2 - 9.977 - ieEff);
  });

  it.each([
    [{ codec: 'opus', lossPercent: 0, jitterMs: 0, rttMs: 0 }],
    [{ codec: 'PCMU', lossPercent: Number.NaN, jitterMs: 0, rttMs: 0 }],
    [{ codec: 'PCMU', lossPercent: 0, jitterMs: Number.POSITIVE_INFINITY, rttMs: 0 }],
  ])('returns undefined for unusable input %#', (input) => {
    expect(mosFromNetwork(input)).toBeUndefined();
  });
});

describe('simpleMos (baresip test/mos.c vectors, precision 0.001)', () => {
  it.each([
    // rtt, jitter, loss, R, MOS (as published by baresip)
    [0, 0, 0, 92.95, 4.404],
    [500, 0, 0, 54.2, 2.796],
    [0, 100, 0, 84.2, 4.172],
    [0, 200, 0, 64.2, 3.315],
    [0, 0, 1, 90.45, 4.35],
    [0, 0, 10, 67.95, 3.499],
    [10, 10, 10, 67.2, 3.463],
  ])('rtt %d jitter %d loss %d -> R %d MOS %d', (rttMs, jitterMs, lossPercent, r, mos) => {
    const res = simpleMos({ rttMs, jitterMs, lossPercent });
    near(res.r, r, 0.001);
    near(res.mos, mos, 0.001);
  });

  it('rtt 1000: same R as baresip (4.20), MOS floored at 1 where baresip prints the raw 0.990', () => {
    const res = simpleMos({ rttMs: 1000, jitterMs: 0, lossPercent: 0 });
    near(res.r, 4.2, 0.001);
    expect(res.mos).toBe(1);
  });

  it('clamps R to 0..100', () => {
    expect(simpleMos({ rttMs: 0, jitterMs: 0, lossPercent: 100 })).toEqual({ r: 0, mos: 1 });
  });
});
