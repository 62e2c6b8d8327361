import { STORE_LIMITS } from '../domain/limits.js';
import type { EventOf } from '../events/types.js';
import type { CallUpdate } from '../store/types.js';
import { breakTurn, DEAD_AIR_SECONDS, TurnBreakdown, TurnTally } from '../telephony/outcome/turns.js';

type AgentUpdate = CallUpdate & { kind: 'agent' };

/**
 * The voice-agent half of each call, as the store sink builds it: every `voiceai.turn` and
 * `voiceai.interruption` with a call id folds into that call's tally, and the call's summary so far
 * goes to the store as an `agent` update (the store keeps the one with the most turns). Bounded:
 * the least recently active calls are forgotten past `maxCalls` (a later turn of a forgotten call
 * starts a new tally, whose smaller summary the store ignores until it catches up).
 */
export class TurnTallies {
  private readonly calls = new Map<string, TurnTally>();
  private readonly b = new TurnBreakdown();
  private readonly deadAirMs: number;
  /** Calls forgotten to stay within `maxCalls`. */
  evicted = 0;

  constructor(
    deadAirSeconds = DEAD_AIR_SECONDS,
    // At most ~20 KiB a call (TALLY_KEYS), 40 MB in all; 1.3 KiB a call of 20 turns.
    private readonly maxCalls = 2000,
  ) {
    this.deadAirMs = deadAirSeconds * 1000;
  }

  /** The `agent` update after this turn, or undefined for a turn without a call id. */
  turn(e: EventOf<'voiceai.turn'>, at: number): AgentUpdate | undefined {
    if (e.callId === undefined) return undefined;
    const t = this.tally(e.callId);
    // A repeat changes nothing, but its update is queued again: the first may have been discarded
    // with a failed request, whose retry is this.
    t.addTurn(breakTurn(e, this.b), e, this.deadAirMs);
    return update(t, e.callId, at);
  }

  /** The `agent` update after this interruption, or undefined without a call id. */
  interruption(e: EventOf<'voiceai.interruption'>, at: number): AgentUpdate | undefined {
    if (e.callId === undefined) return undefined;
    const t = this.tally(e.callId);
    t.addInterruption(e);
    return update(t, e.callId, at);
  }

  private tally(callId: string): TurnTally {
    let t = this.calls.get(callId);
    if (t === undefined) {
      t = new TurnTally();
      if (this.calls.size >= this.maxCalls) {
        const oldest = this.calls.keys().next().value as string;
        this.calls.delete(oldest);
        this.evicted++;
      }
    } else this.calls.delete(callId);
    this.calls.set(callId, t);
    return t;
  }
}

/** The longest time the store keeps (a week, ms): the schema lets an instant be any time to 2100. */
const MAX_MS = STORE_LIMITS.secondsMax * 1000;
const capped = (ms: number | null) => (ms === null ? null : Math.min(ms, MAX_MS));

/**
 * A call's summary as an update the store takes whatever the turns said: times past a week (a turn
 * the schema accepts may span 2000 to 2100) are shown as a week rather than refused.
 */
function update(t: TurnTally, callId: string, at: number): AgentUpdate {
  const s = t.summary();
  return {
    kind: 'agent',
    callId,
    at,
    ...s,
    silenceP50Ms: capped(s.silenceP50Ms),
    silenceP95Ms: capped(s.silenceP95Ms),
    agentTalkMs: Math.min(s.agentTalkMs, MAX_MS),
    callerTalkMs: Math.min(s.callerTalkMs, MAX_MS),
  };
}
