import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STORE_LIMITS } from '../../src/domain/limits.js';
import type { EventOf } from '../../src/events/types.js';
import { TurnTallies } from '../../src/sinks/turn-tallies.js';
import { decodeTurnList } from '../../src/store/records/turn-list.js';
import { checkCallUpdate } from '../../src/store/validate.js';
import { toolTurn } from '../telephony/helpers.js';

const T = 1_787_320_800_000;
const turn = (callId: string, n: number, waitMs: number): EventOf<'voiceai.turn'> => ({
  type: 'voiceai.turn',
  callId,
  turn: n,
  userStartedAt: T + n * 10_000 - 2000,
  userStoppedAt: T + n * 10_000,
  agentStartedAt: T + n * 10_000 + waitMs,
  agentStoppedAt: T + n * 10_000 + waitMs + 3000,
});

describe('TurnTallies: the agent half of each call, as the store sink sends it', () => {
  it("folds a call's turns and interruptions into its summary; a repeat counts once; no call id, no update", () => {
    const t = new TurnTallies(3);
    t.turn(turn('c1', 1, 800), T);
    t.turn(turn('c1', 2, 3500), T);
    const again = t.turn(turn('c1', 2, 3500), T);
    const cut = t.interruption({ type: 'voiceai.interruption', callId: 'c1', kind: 'barge_in', turn: 2 }, T);
    expect(again).toMatchObject({
      kind: 'agent',
      callId: 'c1',
      turns: 2,
      deadAir: 1, // 3.5 s > 3 s
      silenceP50Ms: 2150,
      agentTalkMs: 6000,
      callerTalkMs: 4000,
    });
    expect(cut).toMatchObject({ turns: 2, interruptions: 1 });
    expect(t.turn({ ...turn('x', 1, 500), callId: undefined }, T)).toBeUndefined();
  });

  it('past maxCalls the least recently active call is forgotten, counted; its next turn starts afresh', () => {
    const t = new TurnTallies(3, 2);
    t.turn(turn('a', 1, 500), T);
    t.turn(turn('b', 1, 500), T);
    t.turn(turn('a', 2, 500), T); // a is now the most recently active
    t.turn(turn('c', 1, 500), T); // b goes
    expect(t.evicted).toBe(1);
    expect(t.turn(turn('a', 3, 500), T)?.turns).toBe(3);
    // b starts again: a smaller summary, which the store ignores until it has more turns.
    expect(t.turn(turn('b', 2, 500), T)?.turns).toBe(1);
    expect(t.evicted).toBe(2);
  });

  it('a turn the schema accepts at its limits (instants from 2000 to 2100) is an update the store takes', () => {
    const t = new TurnTallies();
    const u = t.turn(
      {
        type: 'voiceai.turn',
        callId: 'far',
        turn: 1,
        userStartedAt: STORE_LIMITS.tsMin,
        userStoppedAt: STORE_LIMITS.tsMin + 1,
        agentStartedAt: STORE_LIMITS.tsMax,
        agentStoppedAt: STORE_LIMITS.tsMax,
      },
      T,
    );
    expect(() => checkCallUpdate(u as NonNullable<typeof u>)).not.toThrow();
    expect(u).toMatchObject({ turns: 1, deadAir: 1, silenceP95Ms: STORE_LIMITS.secondsMax * 1000 });
  });

  it("each kept turn's segments add up to its heard silence; a stage not reported is absent, never 0 (property)", () => {
    const offset = fc.option(fc.double({ min: 0, max: 5000, noNaN: true }), { nil: undefined });
    const STAGES = ['sttFinalAt', 'endOfTurnAt', 'llmFirstTokenAt', 'ttsFirstByteAt'] as const;
    const NAMES = ['stt', 'endpointing', 'llm_ttft', 'tts_ttfb'] as const;
    fc.assert(
      fc.property(
        fc.array(offset, { minLength: 4, maxLength: 4 }),
        fc.option(fc.double({ min: 0, max: 8000, noNaN: true }), { nil: undefined }),
        fc.boolean(),
        (stages, agent, userKnown) => {
          const e: EventOf<'voiceai.turn'> = { type: 'voiceai.turn', callId: 'p', turn: 1 };
          if (userKnown) e.userStoppedAt = T;
          if (agent !== undefined) e.agentStartedAt = T + agent;
          // Stages in any order, overlapping each other and the agent's start.
          STAGES.forEach((k, i) => {
            if (stages[i] !== undefined) e[k] = T + (stages[i] as number);
          });
          const u = new TurnTallies(3).turn(e, T);
          const [kept] = decodeTurnList(u?.turnList as string);
          expect(kept?.turn).toBe(1);
          const parts = Object.values(kept?.segments ?? {});
          if (parts.length > 0) {
            const sum = parts.reduce((a, b) => a + b, 0);
            expect(Math.abs(sum - (kept?.heardMs as number))).toBeLessThanOrEqual(1);
          }
          NAMES.forEach((name, i) => {
            if (stages[i] === undefined) expect(kept?.segments[name]).toBeUndefined();
          });
          for (const v of parts) expect(v).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a tool turn keeps its tool and second-call segments, its calls and its end-of-turn detection on the call's record", () => {
    const e: EventOf<'voiceai.turn'> = {
      ...toolTurn(T),
      callId: 'tool',
      turn: 1,
      toolErrors: 0,
      eouProbability: 0.91234,
      eouEndpointingDelaySeconds: 0.5,
      eouDetectionDelaySeconds: 0.0387,
      transcriptConfidence: 0.97,
    };
    const u = new TurnTallies(3).turn(e, T);
    expect(() => checkCallUpdate(u as NonNullable<typeof u>)).not.toThrow();
    expect(decodeTurnList(u?.turnList as string)).toEqual([
      {
        turn: 1,
        at: T,
        heardMs: 2500,
        segments: {
          stt: 300,
          endpointing: 200,
          llm_ttft: 400,
          tool: 900,
          llm2_ttft: 450,
          tts_ttfb: 200,
          remainder: 50,
        },
        interrupted: false,
        deadAir: false,
        llmCalls: 2,
        toolCalls: 1,
        toolErrors: 0,
        eouProbability: 0.912,
        eouEndpointingDelayMs: 500,
        eouDetectionDelayMs: 38.7,
        transcriptConfidence: 0.97,
      },
    ]);
  });

  it('rows stored before the tool stages (10 slots) read back with their own segments; 64 turns at their widest fit the column', () => {
    const legacy = JSON.stringify([[3, T, 1300, 336, 25.7, 480, 310, 148.3, null, 1]]);
    expect(decodeTurnList(legacy)).toEqual([
      {
        turn: 3,
        at: T,
        heardMs: 1300,
        segments: { stt: 336, endpointing: 25.7, llm_ttft: 480, tts_ttfb: 310, remainder: 148.3 },
        interrupted: true,
        deadAir: false,
      },
    ]);
    // Every slot at its longest: the list of 64 stays within the store's 16,384 characters.
    const t = new TurnTallies(3);
    let u: ReturnType<TurnTallies['turn']>;
    for (let n = 999_937; n < 999_937 + 64; n++) {
      const at = T + 0.123456789 + n;
      u = t.turn(
        {
          type: 'voiceai.turn',
          callId: 'wide',
          turn: n,
          userStoppedAt: at,
          sttFinalAt: at + 1111.123456,
          endOfTurnAt: at + 2222.123456,
          llmFirstTokenAt: at + 3333.123456,
          toolsDoneAt: at + 4444.123456,
          lastLlmFirstTokenAt: at + 5555.123456,
          answerFirstTokenAt: at + 6666.123456,
          ttsFirstByteAt: at + 7777.123456,
          agentStartedAt: at + 88888.123456,
          llmCalls: 64,
          toolCalls: 1024,
          toolErrors: 1023,
          eouProbability: 0.123456789,
          eouEndpointingDelaySeconds: 604_799.123456,
          eouDetectionDelaySeconds: 604_799.123456,
          transcriptConfidence: 0.987654321,
        },
        T,
      );
    }
    expect(decodeTurnList(u?.turnList as string)).toHaveLength(64);
    expect(() => checkCallUpdate(u as NonNullable<typeof u>)).not.toThrow();
  });

  it('an interruption naming a turn not seen yet marks it when it comes; repeats send the list again', () => {
    const t = new TurnTallies(3);
    const first = t.interruption({ type: 'voiceai.interruption', callId: 'i', kind: 'barge_in', turn: 2 }, T);
    // Nothing kept changed: the update carries no list (the stored one stays).
    expect(first?.turnList).toBeUndefined();
    t.turn(turn('i', 1, 800), T);
    const u = t.turn(turn('i', 2, 900), T);
    expect(decodeTurnList(u?.turnList as string).map((x) => [x.turn, x.interrupted])).toEqual([
      [1, false],
      [2, true],
    ]);
    // A retried turn (its first update may have been discarded with a failed request) carries it.
    expect(t.turn(turn('i', 2, 900), T)?.turnList).toBe(u?.turnList);
  });
});
