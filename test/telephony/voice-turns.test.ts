import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_TURN_STAGES, TURN_SEGMENTS, TURN_STAGES } from '../../src/domain/vocab.js';
import type { EventOf } from '../../src/events/types.js';
import {
  breakTurn,
  isDeadAir,
  percentileCont,
  segmentsByName,
  TALLY_SILENCES,
  TurnBreakdown,
  TurnTally,
  UNATTRIBUTED,
} from '../../src/telephony/outcome/turns.js';
import { sample, setup, toolTurn } from './helpers.js';

type Turn = EventOf<'voiceai.turn'>;
const T = 1_787_320_800_000;
/** The milestone closing each stage, in TURN_STAGES order. */
const MILESTONES = [
  'sttFinalAt',
  'endOfTurnAt',
  'llmFirstTokenAt',
  'toolsDoneAt',
  'lastLlmFirstTokenAt',
  'answerFirstTokenAt',
  'ttsFirstByteAt',
  'agentStartedAt',
] as const;
type Milestone = (typeof MILESTONES)[number];
const OPTIONAL = new Set(OPTIONAL_TURN_STAGES.map((s) => TURN_STAGES.indexOf(s)));
/**
 * How a turn has an optional stage: not at all (a reply without tools, one LLM call, no
 * reasoning), with its milestone, or said to have it (a count) with the milestone missing.
 */
const SHAPES = ['absent', 'known', 'unknown'] as const;

/**
 * Turns as sources send them, of every shape: with or without tool calls, a second LLM call and
 * reasoning; every instant may be missing, the stages may overlap or run in any order (a
 * preemptive LLM before the end-of-turn decision, a transcript before the VAD stop, a milestone
 * after the agent spoke), the agent may start before the caller stopped, and the agent's own
 * measure of the whole may come with or without its ends.
 */
const turnArb = fc
  .record({
    u: fc.option(fc.double({ min: 0, max: 60_000, noNaN: true }), { nil: undefined }),
    offsets: fc.array(fc.option(fc.double({ min: -2_000, max: 12_000, noNaN: true }), { nil: undefined }), {
      minLength: MILESTONES.length,
      maxLength: MILESTONES.length,
    }),
    shapes: fc.array(fc.constantFrom(...SHAPES), { minLength: 3, maxLength: 3 }),
    reported: fc.option(fc.double({ min: 0, max: 20, noNaN: true }), { nil: undefined }),
  })
  .map(({ u, offsets, shapes, reported }) => {
    const base = T + (u ?? 30_000);
    const e: Turn = { type: 'voiceai.turn' };
    if (u !== undefined) e.userStoppedAt = base;
    const [tool, llm2, thinking] = shapes;
    MILESTONES.forEach((k, i) => {
      const off = offsets[i];
      const shape =
        k === 'toolsDoneAt'
          ? tool
          : k === 'lastLlmFirstTokenAt'
            ? llm2
            : k === 'answerFirstTokenAt'
              ? thinking
              : 'known';
      if (off !== undefined && shape === 'known') e[k] = base + off;
    });
    // Said to happen, its end not given: the tool by a count, the second call by the count of calls.
    if (tool !== 'absent') e.toolCalls = 1;
    if (llm2 !== 'absent') e.llmCalls = 2;
    if (reported !== undefined) e.reportedSilenceSeconds = reported;
    return e;
  });

const bits = (mask: number) => TURN_STAGES.filter((_, i) => mask & (1 << i));
/** The stages a turn has: every required one, and the optional ones it names. */
const stagesOf = (e: Turn) =>
  TURN_STAGES.filter((st, i) => {
    if (!OPTIONAL.has(i)) return true;
    if (st === 'tool') return e.toolsDoneAt !== undefined || (e.toolCalls ?? 0) > 0;
    if (st === 'llm2_ttft') return e.lastLlmFirstTokenAt !== undefined || (e.llmCalls ?? 1) > 1;
    return e.answerFirstTokenAt !== undefined;
  });

describe('voice-agent turns: segments of the heard silence', () => {
  it('20,000 turns of every shape (tools, two LLM calls, thinking, missing instants): the segments sum to the heard silence within 1 ms, none negative, each stage counted once; a missing stage is never a segment of its own, an absent one is in none', () => {
    const b = new TurnBreakdown();
    fc.assert(
      fc.property(turnArb, (e) => {
        breakTurn(e, b);
        const reported = [...b.ms].map((v, i) => [i, v] as const).filter(([, v]) => !Number.isNaN(v));
        for (const [, v] of reported) expect(v).toBeGreaterThanOrEqual(0);
        // Each stage is in at most one reported segment.
        const covered = reported.reduce((m, [i]) => {
          expect(m & (b.covers[i] as number)).toBe(0);
          return m | (b.covers[i] as number);
        }, 0);
        const stages = stagesOf(e);
        MILESTONES.forEach((k, i) => {
          // A stage the turn does not have is in no segment.
          if (!stages.includes(TURN_STAGES[i] as (typeof stages)[number])) {
            expect(Number.isNaN(b.ms[i] as number)).toBe(true);
            expect(covered & (1 << i)).toBe(0);
            return;
          }
          if (i < MILESTONES.length - 1 ? e[k] === undefined : Number.isNaN(b.agentStartedAt)) {
            // Unknown (the agent's audio can be completed from the whole): not reported as its own
            // segment, so never as a zero; joined with a neighbour, or unplaced.
            expect(b.ms[i] === undefined || Number.isNaN(b.ms[i] as number) || b.covers[i] !== 1 << i).toBe(
              true,
            );
          }
        });
        if (b.inconsistent) {
          // Only when neither end was given, and the agent's whole is too short for what it holds.
          expect(e.userStoppedAt === undefined && e.agentStartedAt === undefined).toBe(true);
          return;
        }
        if (Number.isNaN(b.heardMs)) return;
        const sum = reported.reduce((s, [, v]) => s + v, 0);
        expect(Math.abs(sum - b.heardMs)).toBeLessThan(1);
        // With the whole known, every stage the turn has is accounted for exactly once.
        expect(bits(covered)).toEqual(stages);
      }),
      { numRuns: 20_000 },
    );
  });

  it('in-order milestones give the plain differences; the whole is A - U', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 5_000, noNaN: true }), {
          minLength: MILESTONES.length,
          maxLength: MILESTONES.length,
        }),
        (gaps) => {
          let t = T;
          const at = gaps.map((g) => {
            t += g;
            return t;
          });
          const e: Turn = { type: 'voiceai.turn', userStoppedAt: T };
          MILESTONES.forEach((k, i) => {
            e[k] = at[i] as number;
          });
          const b = breakTurn(e, new TurnBreakdown());
          expect(b.heardMs).toBeCloseTo((at[MILESTONES.length - 1] as number) - T, 3);
          gaps.forEach((g, i) => {
            expect(b.ms[i]).toBeCloseTo(g, 3);
            expect(b.covers[i]).toBe(1 << i);
          });
          expect(Number.isNaN(b.ms[UNATTRIBUTED] as number)).toBe(true);
        },
      ),
    );
  });

  // Each row: the instants (ms after the caller stopped, null = not reported) and what must come out.
  const CASES: Array<
    [
      string,
      Partial<Record<Milestone | 'u' | 'llmCalls' | 'toolCalls', number>>,
      number | undefined,
      Record<string, number>,
    ]
  > = [
    [
      'preemptive LLM (first token before the end-of-turn decision): the LLM is charged only its wait after it',
      {
        u: 0,
        sttFinalAt: 330,
        endOfTurnAt: 602,
        llmFirstTokenAt: 500,
        ttsFirstByteAt: 1000,
        agentStartedAt: 1068,
      },
      undefined,
      { stt: 330, endpointing: 272, llm_ttft: 0, tts_ttfb: 398, remainder: 68 },
    ],
    [
      'no end-of-turn instant: endpointing is joined with the LLM, not shown as 0',
      { u: 0, sttFinalAt: 300, llmFirstTokenAt: 900, ttsFirstByteAt: 1200, agentStartedAt: 1250 },
      undefined,
      { stt: 300, 'endpointing+llm_ttft': 600, tts_ttfb: 300, remainder: 50 },
    ],
    [
      'neither end, the whole measured by the agent (Pipecat without a finalized transcript)',
      { endOfTurnAt: 0, llmFirstTokenAt: 406.8, ttsFirstByteAt: 703.8 },
      1.062,
      { llm_ttft: 406.8, tts_ttfb: 297, 'stt+endpointing+remainder': 358.2 },
    ],
    [
      'the agent started before the caller stopped: no silence, every stage 0 (an overlap, not a wait)',
      {
        u: 0,
        sttFinalAt: 200,
        endOfTurnAt: 300,
        llmFirstTokenAt: 400,
        ttsFirstByteAt: 500,
        agentStartedAt: -100,
      },
      undefined,
      { stt: 0, endpointing: 0, llm_ttft: 0, tts_ttfb: 0, remainder: 0 },
    ],
    [
      'only the ends: the whole is one unattributed segment',
      { u: 0, agentStartedAt: 2000 },
      undefined,
      { 'stt+endpointing+llm_ttft+tts_ttfb+remainder': 2000 },
    ],
    [
      'a tool round trip: the first call, the tool and the second call each in their own segment, not in tts_ttfb',
      {
        u: 0,
        sttFinalAt: 300,
        endOfTurnAt: 500,
        llmFirstTokenAt: 900,
        toolsDoneAt: 1800,
        lastLlmFirstTokenAt: 2250,
        ttsFirstByteAt: 2450,
        agentStartedAt: 2500,
        llmCalls: 2,
        toolCalls: 1,
      },
      undefined,
      { stt: 300, endpointing: 200, llm_ttft: 400, tool: 900, llm2_ttft: 450, tts_ttfb: 200, remainder: 50 },
    ],
    [
      'reasoning streamed before the answer: thinking between the first token and the first answer token',
      {
        u: 0,
        sttFinalAt: 300,
        endOfTurnAt: 500,
        llmFirstTokenAt: 800,
        answerFirstTokenAt: 1900,
        ttsFirstByteAt: 2100,
        agentStartedAt: 2150,
      },
      undefined,
      { stt: 300, endpointing: 200, llm_ttft: 300, thinking: 1100, tts_ttfb: 200, remainder: 50 },
    ],
    [
      'two LLM calls said, the tool end not reported: the tool is joined with the second call, never a 0',
      {
        u: 0,
        sttFinalAt: 300,
        endOfTurnAt: 500,
        llmFirstTokenAt: 900,
        lastLlmFirstTokenAt: 2250,
        ttsFirstByteAt: 2450,
        agentStartedAt: 2500,
        toolCalls: 1,
      },
      undefined,
      { stt: 300, endpointing: 200, llm_ttft: 400, 'tool+llm2_ttft': 1350, tts_ttfb: 200, remainder: 50 },
    ],
  ];
  it.each(CASES)('%s', (_name, at, reported, expected) => {
    const e: Turn = { type: 'voiceai.turn' };
    for (const [k, v] of Object.entries(at)) {
      if (k === 'u') e.userStoppedAt = T + v;
      else if (k === 'llmCalls' || k === 'toolCalls') e[k] = v;
      else e[k as Milestone] = T + v;
    }
    if (reported !== undefined) e.reportedSilenceSeconds = reported;
    const got = segmentsByName(breakTurn(e, new TurnBreakdown()));
    expect(Object.keys(got)).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(expected)) expect(got[k]).toBeCloseTo(v, 3);
  });

  it('dead air: the heard silence above the threshold, or no answer until the turn ended', () => {
    const b = new TurnBreakdown();
    const dead = (e: Omit<Turn, 'type'>) =>
      isDeadAir(breakTurn({ type: 'voiceai.turn', ...e }, b), { type: 'voiceai.turn', ...e }, 3000);
    expect(dead({ userStoppedAt: T, agentStartedAt: T + 3000 })).toBe(false); // exactly 3 s: not above
    expect(dead({ userStoppedAt: T, agentStartedAt: T + 3001 })).toBe(true);
    expect(dead({ reportedSilenceSeconds: 3.2 })).toBe(true);
    expect(dead({ userStoppedAt: T, endedAt: T + 8000 })).toBe(true); // no reply, the caller spoke again
    expect(dead({ userStoppedAt: T, endedAt: T + 1500 })).toBe(false);
    expect(dead({ userStoppedAt: T })).toBe(false); // unknown: not counted
  });

  it('percentiles interpolate as SQL percentile_cont', () => {
    expect(percentileCont([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentileCont([10], 0.95)).toBe(10);
    expect(percentileCont([], 0.5)).toBeNull();
    expect(percentileCont([0, 100], 0.95)).toBeCloseTo(95, 9);
  });

  it("a call's tally: exact percentiles, then a bounded reservoir", () => {
    const t = new TurnTally();
    const b = new TurnBreakdown();
    for (let i = 1; i <= 100; i++) {
      const e: Turn = { type: 'voiceai.turn', turn: i, userStoppedAt: T, agentStartedAt: T + i * 100 };
      expect(t.addTurn(breakTurn(e, b), e, 3000)).toBe(true);
      // The same turn again (a retried batch) changes nothing.
      expect(t.addTurn(breakTurn(e, b), e, 3000)).toBe(false);
    }
    const cut = { type: 'voiceai.interruption', kind: 'barge_in', turn: 7, startedAt: T } as const;
    expect([t.addInterruption(cut), t.addInterruption(cut)]).toEqual([true, false]);
    const s = t.summary();
    expect(s.turns).toBe(100);
    expect(s.silenceP50Ms).toBeCloseTo(5050, 6);
    expect(s.silenceP95Ms).toBeCloseTo(9505, 6);
    expect(s.deadAir).toBe(70); // 3.1 s .. 10 s
    expect(s.interruptions).toBe(1);
    const long = new TurnTally();
    for (let i = 0; i < 20_000; i++) {
      const e: Turn = { type: 'voiceai.turn', turn: i + 1, userStoppedAt: T, agentStartedAt: T + (i % 1000) };
      long.addTurn(breakTurn(e, b), e, 3000);
    }
    expect((long as unknown as { silences: Float64Array }).silences.length).toBe(TALLY_SILENCES);
    // A uniform sample of 0..999 ms: its median is near 500 ms.
    expect(Math.abs((long.summary().silenceP50Ms as number) - 500)).toBeLessThan(60);
  });
});

describe('voice-agent turns: the pack', () => {
  it('per turn, the recorded segments add up to the recorded heard silence; missing stages are not zeros', () => {
    const { bus, registry } = setup({ agents: ['support-bot'], models: ['gpt-4.1-mini'] });
    const b = new TurnBreakdown();
    let heard = 0;
    fc.assert(
      fc.property(turnArb, (e) => {
        bus.emit({ ...e, agent: 'support-bot', model: 'gpt-4.1-mini' });
        breakTurn(e, b);
        if (!Number.isNaN(b.heardMs) && !b.inconsistent) heard += b.heardMs / 1000;
      }),
      { numRuns: 2000 },
    );
    const text = registry.render();
    const sum = (segment: string) =>
      sample(
        text,
        `sidetone_voiceai_turn_segment_seconds_sum{agent="support-bot",model="gpt-4.1-mini",segment="${segment}"}`,
      ) ?? 0;
    const segments = TURN_SEGMENTS.map(sum);
    expect(Math.abs(segments.reduce((s, v) => s + v, 0) - heard)).toBeLessThan(0.001);
    expect(
      sample(text, 'sidetone_voiceai_heard_silence_seconds_sum{agent="support-bot",model="gpt-4.1-mini"}'),
    ).toBeCloseTo(heard, 6);
    expect(sample(text, 'sidetone_voiceai_turns_total{agent="support-bot",model="gpt-4.1-mini"}')).toBe(2000);
  });

  it('a tool turn files its tool and second-call segments; the end-of-turn verdict and the interruption delay are bounded histograms', () => {
    const { bus, registry } = setup({ agents: ['support-bot'], models: ['gpt-4.1-mini'] });
    const at = { agent: 'support-bot', model: 'gpt-4.1-mini' };
    bus.emit({
      ...toolTurn(T),
      ...at,
      eouProbability: 0.42,
      eouDetectionDelaySeconds: 0.04,
    });
    bus.emit({
      type: 'voiceai.interruption',
      kind: 'barge_in',
      agent: 'support-bot',
      probability: 0.93,
      detectionDelaySeconds: 0.12,
    });
    const text = registry.render();
    const seg = (segment: string) =>
      sample(
        text,
        `sidetone_voiceai_turn_segment_seconds_sum{agent="support-bot",model="gpt-4.1-mini",segment="${segment}"}`,
      );
    expect(seg('llm_ttft')).toBeCloseTo(0.4, 9);
    expect(seg('tool')).toBeCloseTo(0.9, 9);
    expect(seg('llm2_ttft')).toBeCloseTo(0.45, 9);
    expect(seg('tts_ttfb')).toBeCloseTo(0.2, 9);
    expect(seg('thinking') ?? 0).toBe(0); // a stage the turn does not have: no observation
    expect(sample(text, 'sidetone_voiceai_eou_probability_ratio_bucket{agent="support-bot",le="0.4"}')).toBe(
      0,
    );
    expect(sample(text, 'sidetone_voiceai_eou_probability_ratio_bucket{agent="support-bot",le="0.5"}')).toBe(
      1,
    );
    expect(sample(text, 'sidetone_voiceai_eou_detection_delay_seconds_sum{agent="support-bot"}')).toBeCloseTo(
      0.04,
      9,
    );
    expect(
      sample(
        text,
        'sidetone_voiceai_interruption_detection_delay_seconds_sum{agent="support-bot",kind="barge_in"}',
      ),
    ).toBeCloseTo(0.12, 9);
  });

  it('labels come from the configured agents and models; anything else is other, with no PII', () => {
    const { bus, registry } = setup({ agents: ['support-bot'] });
    bus.emit({
      type: 'voiceai.turn',
      agent: '+44 7700 900123',
      model: 'gpt-4.1-mini',
      callId: 'bob@example.com',
      userStartedAt: T - 2000,
      userStoppedAt: T,
      sttFinalAt: T + 300,
      endOfTurnAt: T + 500,
      llmFirstTokenAt: T + 900,
      ttsStartedAt: T + 950,
      ttsFirstByteAt: T + 1100,
      ttsFirstAudibleAt: T + 1180,
      agentStartedAt: T + 4200,
      agentStoppedAt: T + 9200,
    });
    bus.emit({ type: 'voiceai.interruption', kind: 'barge_in', agent: 'support-bot', startedAt: T + 6000 });
    bus.emit({ type: 'voiceai.interruption', kind: 'false_interruption' });
    const text = registry.render();
    expect(sample(text, 'sidetone_voiceai_turns_total{agent="other",model="other"}')).toBe(1);
    expect(
      sample(text, 'sidetone_voiceai_heard_silence_seconds_sum{agent="other",model="other"}'),
    ).toBeCloseTo(4.2, 9);
    expect(
      sample(text, 'sidetone_voiceai_heard_silence_seconds_bucket{agent="other",model="other",le="4"}'),
    ).toBe(0);
    expect(
      sample(text, 'sidetone_voiceai_heard_silence_seconds_bucket{agent="other",model="other",le="5"}'),
    ).toBe(1);
    expect(sample(text, 'sidetone_voiceai_dead_air_turns_total{agent="other",model="other"}')).toBe(1);
    expect(sample(text, 'sidetone_voiceai_tts_ttfa_seconds_sum{agent="other"}')).toBeCloseTo(0.23, 9);
    expect(sample(text, 'sidetone_voiceai_speech_seconds_total{agent="other",speaker="agent"}')).toBe(5);
    expect(sample(text, 'sidetone_voiceai_speech_seconds_total{agent="other",speaker="caller"}')).toBe(2);
    expect(sample(text, 'sidetone_voiceai_interruptions_total{agent="support-bot",kind="barge_in"}')).toBe(1);
    expect(
      sample(text, 'sidetone_voiceai_interruptions_total{agent="other",kind="false_interruption"}'),
    ).toBe(1);
    expect(text).not.toMatch(/7700|bob@|gpt-4\.1/);
  });

  it('a name outside labels.agents / labels.models is counted by list and handed on once per list (issue 47)', () => {
    const told: Array<[string, string]> = [];
    const { bus, registry } = setup({
      agents: ['support-bot'],
      models: ['gpt-4.1-mini'],
      onUnconfiguredName: (list, name) => told.push([list, name]),
    });
    for (const agent of ['sales-bot', 'sales-bot', 'billing-bot', 'support-bot', undefined])
      bus.emit({ type: 'voiceai.turn', ...(agent && { agent }), model: 'gpt-4o', userStoppedAt: T });
    bus.emit({ type: 'voiceai.interruption', kind: 'barge_in', agent: 'sales-bot', startedAt: T });
    const text = registry.render();
    // Four turns and one interruption named an agent outside the list; absent is not unknown.
    expect(sample(text, 'sidetone_voiceai_unconfigured_names_total{list="agents"}')).toBe(4);
    expect(sample(text, 'sidetone_voiceai_unconfigured_names_total{list="models"}')).toBe(5);
    expect(told).toEqual([
      ['agents', 'sales-bot'],
      ['models', 'gpt-4o'],
    ]);
    expect(text).not.toMatch(/sales-bot|billing-bot|gpt-4o/);
  });
});
