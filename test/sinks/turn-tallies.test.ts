import { describe, expect, it } from 'vitest';
import { STORE_LIMITS } from '../../src/domain/limits.js';
import type { EventOf } from '../../src/events/types.js';
import { TurnTallies } from '../../src/sinks/turn-tallies.js';
import { checkCallUpdate } from '../../src/store/validate.js';

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
});
