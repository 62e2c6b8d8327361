import { STORE_LIMITS } from '../domain/limits.js';
import { TURN_SEGMENTS } from '../domain/vocab.js';
import type { EventOf } from '../events/types.js';
import {
  TURN_DEAD_AIR,
  TURN_INTERRUPTED,
  TURN_LIST_MAX,
  TURN_ROW_WIDTH,
  type TurnRow,
} from '../store/records/turn-list.js';
import type { CallUpdate } from '../store/types.js';
import {
  breakTurn,
  DEAD_AIR_SECONDS,
  isDeadAir,
  segmentIndex,
  TurnBreakdown,
  TurnTally,
  UNATTRIBUTED,
} from '../telephony/outcome/turns.js';
import { PerCall } from './per-call.js';

type AgentUpdate = CallUpdate & { kind: 'agent' };

/**
 * The voice-agent half of each call, as the store sink builds it: every `voiceai.turn` and
 * `voiceai.interruption` with a call id folds into that call's tally, and the call's summary so far
 * goes to the store as an `agent` update (the store keeps the one with the most turns). Bounded:
 * the least recently active calls are forgotten past `maxCalls` (a later turn of a forgotten call
 * starts a new tally, whose smaller summary the store ignores until it catches up).
 */
export class TurnTallies {
  private readonly calls: PerCall<{ tally: TurnTally; list: TurnList }>;
  private readonly b = new TurnBreakdown();
  private readonly deadAirMs: number;
  /** Calls forgotten to stay within `maxCalls`. */
  get evicted(): number {
    return this.calls.evicted;
  }
  /** Turns past a call's TURN_LIST_MAX: counted in its summary, not kept in its turn list. */
  turnsDropped = 0;

  constructor(
    deadAirSeconds = DEAD_AIR_SECONDS,
    // Bounded by TALLY_KEYS and the turn list's 64 a call: 5.2 KiB a call of 20 turns, 11.7 KiB of
    // 64 (with the turn list; measured over 2,000 calls, node 20).
    maxCalls = 2000,
  ) {
    this.calls = new PerCall(maxCalls, () => ({ tally: new TurnTally(), list: new TurnList() }));
    this.deadAirMs = deadAirSeconds * 1000;
  }

  /** The `agent` update after this turn, or undefined for a turn without a call id. */
  turn(e: EventOf<'voiceai.turn'>, at: number): AgentUpdate | undefined {
    if (e.callId === undefined) return undefined;
    const { tally, list } = this.calls.get(e.callId);
    // A repeat changes nothing, but its update (with the list) is queued again: the first may have
    // been discarded with a failed request, whose retry is this.
    const b = breakTurn(e, this.b);
    const fresh = tally.addTurn(b, e, this.deadAirMs);
    let changed = false;
    if (fresh) {
      changed = list.add(b, e, isDeadAir(b, e, this.deadAirMs), at);
      if (!changed) this.turnsDropped++;
    }
    return update(tally, e.callId, at, changed || !fresh ? list : undefined);
  }

  /** The `agent` update after this interruption, or undefined without a call id. */
  interruption(e: EventOf<'voiceai.interruption'>, at: number): AgentUpdate | undefined {
    if (e.callId === undefined) return undefined;
    const { tally, list } = this.calls.get(e.callId);
    const fresh = tally.addInterruption(e);
    const changed = fresh && list.interrupt(e.turn);
    return update(tally, e.callId, at, changed || !fresh ? list : undefined);
  }
}

/** The longest time the store keeps (a week, ms): the schema lets an instant be any time to 2100. */
const MAX_MS = STORE_LIMITS.secondsMax * 1000;
const capped = (ms: number | null) => (ms === null ? null : Math.min(ms, MAX_MS));

/**
 * A call's summary as an update the store takes whatever the turns said: times past a week (a turn
 * the schema accepts may span 2000 to 2100) are shown as a week rather than refused.
 */
function update(t: TurnTally, callId: string, at: number, list: TurnList | undefined): AgentUpdate {
  const s = t.summary();
  const u: AgentUpdate = {
    kind: 'agent',
    callId,
    at,
    ...s,
    silenceP50Ms: capped(s.silenceP50Ms),
    silenceP95Ms: capped(s.silenceP95Ms),
    agentTalkMs: Math.min(s.agentTalkMs, MAX_MS),
    callerTalkMs: Math.min(s.callerTalkMs, MAX_MS),
  };
  if (list !== undefined) u.turnList = list.json();
  return u;
}

const tenth = (ms: number) => (Number.isNaN(ms) ? null : Math.round(Math.min(ms, MAX_MS) * 10) / 10);
/** A probability to three decimals: what a model's score says, in 5 characters of the row. */
const thousandth = (p: number | undefined) => (p === undefined ? null : Math.round(p * 1000) / 1000);
const firstKnown = (...v: (number | undefined)[]) => v.find((x) => x !== undefined && !Number.isNaN(x));

/**
 * A call's first TURN_LIST_MAX turns as the call row keeps them (store/records/turn-list.ts): per turn its
 * number, start, heard silence and segments (split as the voice-AI pack files them: a stage alone,
 * else `unattributed`, so they add up to the heard silence), dead air and interruption. Only fresh
 * turns are added (the tally recognises repeats). Interruptions name turns by number: one naming a
 * turn not seen yet marks it when it comes (at most TURN_LIST_MAX such numbers are held).
 *
 * Each turn is kept as its JSON text but for the flags (the one slot an interruption changes): a
 * call of 64 turns costs 11.7 KiB with its tally (node 20, over 2,000 calls), 17.7 KiB with the
 * turns held as arrays of numbers; 5.2 KiB at 20 turns.
 */
export class TurnList {
  /** Per kept turn, in order of start: its row's JSON without the flags and closing bracket. */
  private readonly heads: string[] = [];
  private readonly turns: number[] = [];
  private readonly starts: number[] = [];
  private readonly flags: number[] = [];
  private readonly pending = new Set<number>();
  private arrivals = 0;

  /** Add a fresh turn; false when the list is full (the turn is dropped from it). */
  add(b: TurnBreakdown, e: EventOf<'voiceai.turn'>, deadAir: boolean, at: number): boolean {
    this.arrivals++;
    if (this.heads.length >= TURN_LIST_MAX) return false;
    const n = e.turn ?? this.arrivals;
    const row: TurnRow = new Array(TURN_ROW_WIDTH - 1).fill(null);
    row[0] = n;
    const start = firstKnown(b.userStoppedAt, e.userStartedAt, b.agentStartedAt, e.endedAt) ?? at;
    row[1] = start;
    row[2] = tenth(b.heardMs);
    // Segments only beside a whole they add up to (as the pack's histograms).
    if (!b.inconsistent && row[2] !== null) {
      for (let i = 0; i <= UNATTRIBUTED; i++) {
        const ms = b.ms[i] as number;
        if (Number.isNaN(ms)) continue;
        const slot = 3 + segmentIndex(b, i);
        row[slot] = tenth(((row[slot] as number | null) ?? 0) + ms);
      }
    }
    const d = 3 + TURN_SEGMENTS.length;
    row[d] = e.llmCalls ?? null;
    row[d + 1] = e.toolCalls ?? null;
    row[d + 2] = e.toolErrors ?? null;
    row[d + 3] = thousandth(e.eouProbability);
    row[d + 4] =
      e.eouEndpointingDelaySeconds === undefined ? null : tenth(e.eouEndpointingDelaySeconds * 1000);
    row[d + 5] = e.eouDetectionDelaySeconds === undefined ? null : tenth(e.eouDetectionDelaySeconds * 1000);
    row[d + 6] = thousandth(e.transcriptConfidence);
    let flags = deadAir ? TURN_DEAD_AIR : 0;
    if (this.pending.delete(n)) flags |= TURN_INTERRUPTED;
    // In order of start (turns arrive in order but for a retry or a reordering source).
    let i = this.starts.length;
    while (i > 0 && (this.starts[i - 1] as number) > start) i--;
    const json = JSON.stringify(row);
    this.heads.splice(i, 0, json.slice(0, -1));
    this.turns.splice(i, 0, n);
    this.starts.splice(i, 0, start);
    this.flags.splice(i, 0, flags);
    return true;
  }

  /** Mark the numbered turn interrupted; true when a kept turn changed. */
  interrupt(turn: number | undefined): boolean {
    if (turn === undefined) return false;
    const i = this.turns.indexOf(turn);
    if (i < 0) {
      if (this.pending.size < TURN_LIST_MAX) this.pending.add(turn);
      return false;
    }
    const flags = this.flags[i] as number;
    if ((flags & TURN_INTERRUPTED) !== 0) return false;
    this.flags[i] = flags | TURN_INTERRUPTED;
    return true;
  }

  json(): string {
    return `[${this.heads.map((h, i) => `${h},${this.flags[i]}]`).join(',')}]`;
  }
}
