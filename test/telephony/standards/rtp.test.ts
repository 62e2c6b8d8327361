import { describe, expect, it } from 'vitest';
import { extendSequence, rttFromRtcp, SequenceTracker } from '../../../src/domain/standards/rtp.js';
import { DefinitionError } from '../../../src/errors.js';
import { JitterEstimator } from '../../../src/telephony/jitter.js';

describe('JitterEstimator (RFC 3550 A.8)', () => {
  it('pion vector: 90 kHz, timestamp +60000 over 1 s -> J = 1875', () => {
    const j = new JitterEstimator(90_000);
    j.update(0, 0);
    j.update(1, 60_000);
    // D = 90000 - 60000 = 30000; J = 0 + (30000 - 0) / 16
    expect(j.jitter).toBe(1875);
    expect(j.jitterMs).toBeCloseTo(20.8333333, 6);
  });

  it('accepts arrival already in clock units', () => {
    const j = new JitterEstimator(90_000);
    j.updateClock(0, 0);
    j.updateClock(90_000, 60_000);
    expect(j.jitter).toBe(1875);
  });

  it('keeps the 1/16 gain on the next packet', () => {
    const j = new JitterEstimator(8000);
    j.updateClock(0, 0);
    j.updateClock(160, 160); // D = 0 -> J = 0
    j.updateClock(480, 320); // D = 320 - 160 = 160 -> J = 10
    j.updateClock(640, 480); // D = 160 - 160 = 0 -> J = 10 - 10/16 = 9.375
    expect(j.jitter).toBe(9.375);
    expect(j.jitterMs).toBe(9.375 / 8);
  });

  it('a perfectly paced stream has zero jitter', () => {
    const j = new JitterEstimator(8000);
    for (let i = 0; i < 100; i++) j.update(i * 0.02, i * 160);
    expect(j.jitter).toBeCloseTo(0, 9);
  });

  it('survives a 32-bit timestamp wrap', () => {
    const j = new JitterEstimator(8000);
    j.updateClock(1000, 0xffffff00);
    j.updateClock(1000 + 0x160, 0x00000060); // ts advanced 0x160 across the wrap, as did arrival
    expect(j.jitter).toBe(0);
  });

  it('rejects a non-positive clock rate and resets', () => {
    expect(() => new JitterEstimator(0)).toThrow(DefinitionError);
    const j = new JitterEstimator(90_000);
    j.update(0, 0);
    j.update(1, 60_000);
    j.reset();
    expect(j.jitter).toBe(0);
    j.update(5, 0); // first packet after reset only primes
    expect(j.jitter).toBe(0);
  });
});

describe('extendSequence', () => {
  it.each([
    [0x0000, 0xffff, 0x10000], // the wrap
    [0x0001, 0xfffe, 0x10001],
    [0xfffe, 0x10001, 0xfffe], // late packet from the previous cycle
    [5, 0x10003, 0x10005],
    [100, 50, 100],
    [0xffff, 5, -1], // older than the first packet: one before 0
  ])('seq %i after highest %i -> %i', (seq, highest, expected) => {
    expect(extendSequence(seq, highest)).toBe(expected);
  });
});

describe('SequenceTracker (RFC 3550 A.1 / A.3)', () => {
  const feed = (seqs: number[], t = new SequenceTracker()) => {
    for (const s of seqs) t.update(s);
    return t;
  };

  it('pion vector: 1 and 3 received -> fraction 85/256, total lost 1', () => {
    // expected = 3 - 1 + 1 = 3, received 2, lost 1; fraction = (1 << 8) / 3 = 85
    expect(feed([1, 3]).report()).toEqual({
      fractionLost: 85,
      cumulativeLost: 1,
      extendedHighestSeq: 3,
      expected: 3,
      received: 2,
    });
  });

  it('wraps 0xFFFF -> 0x0000 to extended 0x10000', () => {
    const t = feed([0xffff, 0x0000]);
    expect(t.extendedHighestSeq).toBe(0x10000);
    expect(t.cumulativeLost).toBe(0);
    expect(feed([0xfffe, 0xffff, 0, 1]).extendedHighestSeq).toBe(0x10001);
  });

  it('fraction is per interval and 0 when the interval shows duplicates', () => {
    const t = feed([1, 2, 3, 4, 6, 7, 8, 9, 10]); // 5 missing: expected 10, received 9
    expect(t.report().fractionLost).toBe(25); // (1 << 8) / 10 = 25.6 -> 25
    feed([11, 12, 13, 14, 15, 16, 17, 18], t); // 19, 20 missing... then 21
    t.update(21);
    const r = t.report(); // interval: expected 11 (11..21), received 9, lost 2
    expect(r.fractionLost).toBe(46); // (2 << 8) / 11 = 46.5 -> 46
    expect(r.cumulativeLost).toBe(3);
    feed([22, 22, 23], t); // a duplicate: expected 2, received 3
    expect(t.report().fractionLost).toBe(0);
    expect(t.report().fractionLost).toBe(0); // nothing expected in the interval
  });

  it('duplicates can make cumulative lost negative', () => {
    expect(feed([1, 2, 2, 3]).cumulativeLost).toBe(-1);
  });

  it('a large jump needs a second sequential packet to restart (A.1 bad_seq)', () => {
    const t = new SequenceTracker();
    expect([1, 2, 3].map((s) => t.update(s))).toEqual([true, true, true]);
    expect(t.update(10_000)).toBe(false);
    expect(t.update(10_001)).toBe(true);
    expect(t.extendedHighestSeq).toBe(10_001);
    expect(t.expected).toBe(1);
    expect(t.received).toBe(1);
  });

  it('optional probation ignores a source until it delivers in sequence', () => {
    const t = new SequenceTracker({ probation: 1 });
    expect(t.update(100)).toBe(false);
    expect(t.update(105)).toBe(false);
    expect(t.update(106)).toBe(true);
    expect(t.expected).toBe(1);
    expect(t.received).toBe(1);
  });

  it('clamps cumulative lost to the 24-bit signed range', () => {
    const up = new SequenceTracker();
    let seq = 0;
    for (let i = 0; i < 3000; i++, seq = (seq + 2999) & 0xffff) up.update(seq);
    expect(up.expected - up.received).toBeGreaterThan(0x7fffff);
    expect(up.cumulativeLost).toBe(0x7fffff);

    const down = new SequenceTracker();
    for (let i = 0; i < 0x800005; i++) down.update(7);
    expect(down.cumulativeLost).toBe(-0x800000);
  });

  it('reports zeros before any packet', () => {
    expect(new SequenceTracker().report()).toEqual({
      fractionLost: 0,
      cumulativeLost: 0,
      extendedHighestSeq: 0,
      expected: 0,
      received: 0,
    });
  });
});

describe('rttFromRtcp (RFC 3550 6.4.1)', () => {
  it.each([
    // A, LSR, DLSR, RTT seconds
    [0xb7108000, 0xb7052000, 0x00054000, 6.125], // the RFC's own example: 0x00062000
    [0x00001000, 0xfffff000, 0x00001000, 0.0625], // NTP wrap between SR and RR
    [0x00010000, 0x00008000, 0x00008000, 0],
  ])('A %i LSR %i DLSR %i -> %d s', (a, lsr, dlsr, rtt) => {
    expect(rttFromRtcp(a, lsr, dlsr)).toBe(rtt);
  });

  it('is null when LSR = 0 (no SR yet) or the result is negative', () => {
    expect(rttFromRtcp(0xb7108000, 0, 0x00054000)).toBeNull();
    expect(rttFromRtcp(0x00010000, 0x00010000, 0x00000001)).toBeNull();
  });
});
