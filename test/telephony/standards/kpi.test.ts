import { describe, expect, it } from 'vitest';
import { type CallAttempt, callKpis } from '../../oracles/kpi.js';

describe('callKpis', () => {
  // Twelve scripted INVITEs; the two challenges are dropped, leaving 10 attempts.
  const calls: CallAttempt[] = [
    { finalCode: 200, answered: true, durationSeconds: 120, pddSeconds: 2 }, // 1
    { finalCode: 200, answered: true, durationSeconds: 60, pddSeconds: 3 }, // 2
    { finalCode: 200, answered: true, durationSeconds: 30, pddSeconds: 1 }, // 3
    { finalCode: 200, answered: true, durationSeconds: 90 }, // 4
    { finalCode: 200, answered: true }, // 5: still up, no duration yet
    { finalCode: 486, answered: false, pddSeconds: 2.5 }, // 6: busy
    { finalCode: 480, answered: false, q850: 20 }, // 7: 480 carrying "subscriber absent"
    { finalCode: 503, answered: false }, // 8
    { answered: false }, // 9: no final response, Timer B
    { finalCode: 302, answered: false }, // 10: redirected
    { finalCode: 407, answered: false, pddSeconds: 0.1 }, // challenge: not an attempt
    { finalCode: 401, answered: false }, // challenge: not an attempt
  ];

  it('computes every KPI from the scripted set', () => {
    // attempts = 12 - 2 challenges = 10; answered = 5 (calls 1-5)
    // ASR  = 5 / 10                                  = 50 %
    // NER  = (5 answered + call 6 busy/17) / 10      = 60 %   (call 7: cause 20 is not effective)
    // SER  = 5 / (10 - 1 redirect)                   = 55.56 %
    // SEER = (5 + 486 + 480) / (10 - 1)              = 7/9 = 77.78 %
    // ISA  = (503 + Timer B) / 10                    = 20 %
    // ACD  = (120 + 60 + 30 + 90) / 4 with duration  = 75 s
    // PDD  = (2 + 3 + 1 + 2.5) / 4                   = 2.125 s (the 407's 0.1 s is ignored)
    const k = callKpis(calls);
    expect(k.attempts).toBe(10);
    expect(k.answered).toBe(5);
    expect(k.asr).toBe(50);
    expect(k.ner).toBe(60);
    expect(k.ser).toBeCloseTo(500 / 9, 10);
    expect(k.seer).toBeCloseTo(700 / 9, 10);
    expect(k.isa).toBe(20);
    expect(k.acd).toBe(75);
    expect(k.pdd).toBe(2.125);
  });

  it('is null, not 0, when a denominator is 0', () => {
    const none = {
      attempts: 0,
      answered: 0,
      asr: null,
      ner: null,
      ser: null,
      seer: null,
      isa: null,
      acd: null,
      pdd: null,
    };
    expect(callKpis([])).toEqual(none);
    expect(
      callKpis([
        { finalCode: 401, answered: false },
        { finalCode: 407, answered: false },
      ]),
    ).toEqual(none);
  });

  it('all-redirected: SER/SEER have no denominator, ASR/NER/ISA are 0', () => {
    const k = callKpis([
      { finalCode: 302, answered: false },
      { finalCode: 301, answered: false },
    ]);
    expect(k).toMatchObject({
      attempts: 2,
      answered: 0,
      asr: 0,
      ner: 0,
      ser: null,
      seer: null,
      isa: 0,
      acd: null,
    });
  });

  it.each([
    // one unanswered attempt each: [attempt, NER %, SEER %, ISA %]
    [{ finalCode: 603, answered: false }, 100, 100, 0], // decline -> 21
    [{ finalCode: 600, answered: false }, 100, 100, 0], // busy everywhere -> 17
    [{ finalCode: 480, answered: false }, 100, 100, 0], // no answer -> 18
    [{ finalCode: 404, answered: false }, 0, 0, 0],
    [{ finalCode: 408, answered: false }, 0, 0, 100],
    [{ finalCode: 500, answered: false }, 0, 0, 100],
    [{ finalCode: 504, answered: false }, 0, 0, 100],
    [{ answered: false }, 0, 0, 100], // Timer B
    [{ finalCode: 487, answered: false, q850: 16 }, 100, 0, 0], // caller hung up while ringing
    [{ finalCode: 503, answered: false, q850: 17 }, 100, 0, 100], // Q.850 wins for NER only
    [{ finalCode: 486, answered: false, q850: 34 }, 0, 100, 0],
  ] as const)('%j -> NER %d SEER %d ISA %d', (attempt, ner, seer, isa) => {
    const k = callKpis([attempt]);
    expect(k.ner).toBe(ner);
    expect(k.seer).toBe(seer);
    expect(k.isa).toBe(isa);
    expect(k.asr).toBe(0);
  });

  it('ignores unusable durations and PDDs', () => {
    const k = callKpis([
      { finalCode: 200, answered: true, durationSeconds: Number.NaN, pddSeconds: -1 },
      { finalCode: 200, answered: true, durationSeconds: 40, pddSeconds: 4 },
    ]);
    expect(k.acd).toBe(40);
    expect(k.pdd).toBe(4);
  });
});
