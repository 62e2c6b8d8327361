/**
 * Voice-agent turns, decided once: the silence a caller hears after they stop talking, split into
 * the stages that kept them waiting so the parts add up to the whole; dead air; talk time; and a
 * call's turn summary. The voice-AI pack (histograms), the store sink (the call row's summary) and
 * the OTLP receiver's tests all read these, so a surface cannot split or count a turn differently.
 *
 * The split walks the stages in pipeline order (TURN_STAGES: stt, endpointing, llm_ttft, tool,
 * llm2_ttft, thinking, tts_ttfb, remainder) with a cursor that starts where the caller stopped (U) and ends at the first agent audio (A):
 * each stage is charged the time from the cursor to its milestone (clamped to [cursor, A]), then the
 * cursor moves there. The segments telescope to A - U exactly; work that overlapped an earlier
 * stage (LiveKit's preemptive LLM during the end-of-utterance wait) is not charged twice; time in no
 * stage (sentence aggregation, queueing, playout) falls in the next stage or the remainder. Stage
 * latencies reported by the frameworks (LiveKit `end_of_utterance_delay + ttft + ttfb`, Pipecat's
 * per-service TTFB) do not add up to the silence because they are measured from each stage's own
 * request (livekit/agents #3824, #3236; pipecat-ai/pipecat #5442, #5445).
 *
 * A stage the turn does not have (no tool called, one LLM call, no reasoning streamed: the
 * OPTIONAL_TURN_STAGES an event does not mention) is absent: it takes no time and joins nothing.
 * A stage whose milestone is missing is unknown, never zero: its time is carried by the next known
 * segment, and the pack files such a joined segment as `unattributed`. Where neither end of the
 * silence is known but the agent measured it (Pipecat's `turn.user_bot_latency_seconds` on a turn
 * without a finalized transcript), the stages that cannot be placed share `whole - known segments`.
 */

import { TURN_STAGES } from '../../domain/vocab.js';
import type { EventOf } from '../../events/types.js';

/** Index of the `unattributed` segment in TURN_SEGMENTS (after the stages). */
export const UNATTRIBUTED = TURN_STAGES.length;
const TOOL = TURN_STAGES.indexOf('tool');
const LLM2 = TURN_STAGES.indexOf('llm2_ttft');
const THINKING = TURN_STAGES.indexOf('thinking');

type TurnEvent = EventOf<'voiceai.turn'>;

/**
 * The breakdown of one turn, reused across turns by a hot caller (no allocation per turn).
 * Times are milliseconds; NaN means unknown.
 */
export class TurnBreakdown {
  /** The silence the caller heard, U -> A (0 when the agent started before the caller stopped). */
  heardMs = Number.NaN;
  /** Where the caller stopped and where the agent's audio started, completed from the whole. */
  userStoppedAt = Number.NaN;
  agentStartedAt = Number.NaN;
  /** Per TURN_SEGMENTS index: the segment's time, NaN when it was not reported. */
  readonly ms = new Float64Array(TURN_STAGES.length + 1);
  /** Per segment: the stages it covers (bit i = TURN_STAGES[i]); more than its own bit = joined. */
  readonly covers = new Uint8Array(TURN_STAGES.length + 1);
  /** The agent's own whole is smaller than the segments placed inside it (clocks disagree). */
  inconsistent = false;
  /** Speech time of each side in the turn (NaN when its start or end is missing). */
  agentSpeechMs = Number.NaN;
  callerSpeechMs = Number.NaN;
}

const num = (v: number | undefined) => (v === undefined ? Number.NaN : v);
const known = (v: number) => !Number.isNaN(v);
const speech = (from: number | undefined, to: number | undefined) =>
  from === undefined || to === undefined ? Number.NaN : Math.max(0, to - from);
/** Milestones in TURN_STAGES order, reused (single-threaded, never reentrant). */
const milestones = new Float64Array(TURN_STAGES.length);

/**
 * Split a turn's heard silence into its segments (into `out`, returned). Allocation-free.
 * @example
 * const b = breakTurn({ type: 'voiceai.turn', userStoppedAt: 1000, sttFinalAt: 1300, agentStartedAt: 2100 }, new TurnBreakdown());
 * b.heardMs // 1100; b.ms[0] (stt) 300; endpointing..tts_ttfb unknown, joined into the remainder
 */
export function breakTurn(e: TurnEvent, out: TurnBreakdown): TurnBreakdown {
  let u = num(e.userStoppedAt);
  let a = num(e.agentStartedAt);
  const reported = e.reportedSilenceSeconds === undefined ? Number.NaN : e.reportedSilenceSeconds * 1000;
  if (known(reported)) {
    if (!known(a) && known(u)) a = u + reported;
    else if (!known(u) && known(a)) u = a - reported;
  }
  const heard = known(u) && known(a) ? Math.max(0, a - u) : reported;
  out.heardMs = heard;
  out.userStoppedAt = u;
  out.agentStartedAt = a;
  out.inconsistent = false;
  out.agentSpeechMs = speech(e.agentStartedAt, e.agentStoppedAt);
  out.callerSpeechMs = speech(e.userStartedAt, e.userStoppedAt);
  out.ms.fill(Number.NaN);
  out.covers.fill(0);
  milestones[0] = num(e.sttFinalAt);
  milestones[1] = num(e.endOfTurnAt);
  milestones[2] = num(e.llmFirstTokenAt);
  milestones[TOOL] = num(e.toolsDoneAt);
  milestones[LLM2] = num(e.lastLlmFirstTokenAt);
  milestones[THINKING] = num(e.answerFirstTokenAt);
  milestones[6] = num(e.ttsFirstByteAt);
  milestones[7] = a;
  const absent = absentStages(e);
  let cursor = u;
  let pending = 0;
  let floating = 0;
  let placed = 0;
  for (let i = 0; i < milestones.length; i++) {
    if (absent & (1 << i)) continue;
    let v = milestones[i] as number;
    if (!known(v)) {
      pending |= 1 << i;
      continue;
    }
    if (known(a) && v > a) v = a;
    if (!known(cursor)) {
      // The first milestone after an unknown start anchors the walk; what came before floats.
      floating |= pending | (1 << i);
      pending = 0;
      cursor = v;
      continue;
    }
    const next = v > cursor ? v : cursor;
    out.ms[i] = next - cursor;
    out.covers[i] = pending | (1 << i);
    placed += next - cursor;
    pending = 0;
    cursor = next;
  }
  floating |= pending;
  if (floating !== 0 && known(heard)) {
    const rest = heard - placed;
    // Parts that cannot be placed cannot take negative time: the inputs disagree (clock skew).
    if (rest < 0) out.inconsistent = true;
    else {
      out.ms[UNATTRIBUTED] = rest;
      out.covers[UNATTRIBUTED] = floating;
    }
  }
  return out;
}

/**
 * The optional stages a turn does not have, as TURN_STAGES bits: a tool stage only when the event
 * names a tool (its instants, or a count above 0), a second LLM call only when it names one (a
 * count of 2 or more, or its instants), thinking only when its end is given.
 */
function absentStages(e: TurnEvent): number {
  let absent = 0;
  if (e.toolsDoneAt === undefined && e.toolsStartedAt === undefined && !((e.toolCalls ?? 0) > 0))
    absent |= 1 << TOOL;
  if (e.lastLlmFirstTokenAt === undefined && e.lastLlmStartedAt === undefined && !((e.llmCalls ?? 1) > 1))
    absent |= 1 << LLM2;
  if (e.answerFirstTokenAt === undefined) absent |= 1 << THINKING;
  return absent;
}

/**
 * The segments of a breakdown by name, a joined one named after every stage it covers
 * (`stt+endpointing`): for display and tests, not the hot path.
 * @example segmentsByName(breakTurn(turn, new TurnBreakdown())) // { stt: 336, endpointing: 25.7, ... }
 */
export function segmentsByName(b: TurnBreakdown): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < b.ms.length; i++) {
    const v = b.ms[i] as number;
    if (!known(v)) continue;
    const names = TURN_STAGES.filter((_, k) => (b.covers[i] as number) & (1 << k));
    out[names.join('+')] = v;
  }
  return out;
}

/**
 * The segment a reported slot is filed under in metrics: its stage when it covers that stage
 * alone, `unattributed` when it carries a missing neighbour or could not be placed.
 */
export function segmentIndex(b: TurnBreakdown, slot: number): number {
  return slot < UNATTRIBUTED && b.covers[slot] === 1 << slot ? slot : UNATTRIBUTED;
}

/** The default dead-air threshold: a caller waiting more than 3 s after they stopped talking. */
export const DEAD_AIR_SECONDS = 3;

/**
 * Dead air: the caller waited longer than `thresholdMs` after they stopped talking: the heard
 * silence when the agent answered, else the wait until the turn ended without an answer (the
 * caller spoke again or hung up). False when neither is known.
 */
export function isDeadAir(b: TurnBreakdown, e: TurnEvent, thresholdMs: number): boolean {
  if (known(b.heardMs)) return b.heardMs > thresholdMs;
  if (known(b.agentStartedAt) || !known(b.userStoppedAt) || e.endedAt === undefined) return false;
  return e.endedAt - b.userStoppedAt > thresholdMs;
}

/**
 * Linearly interpolated percentile of sorted values (SQL `percentile_cont`), `p` in 0..1.
 * @example percentileCont([1, 2, 3, 4], 0.5) // 2.5
 */
export function percentileCont(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** A call's voice-agent turns in one row: what the call store keeps beside the SIP and media facts. */
export interface TurnSummary {
  /** Turns reported. */
  turns: number;
  /** Percentiles of the heard silence over the turns where it is known, ms; null when none is. */
  silenceP50Ms: number | null;
  silenceP95Ms: number | null;
  /** Interruptions of any kind (barge-in, talked over, false interruption, agent over the caller). */
  interruptions: number;
  /** Turns with dead air (above the `voiceai.dead_air_seconds` threshold). */
  deadAir: number;
  /** Agent and caller speech, ms, over the turns where both ends were reported. */
  agentTalkMs: number;
  callerTalkMs: number;
}

/** Heard silences kept per call for its percentiles; past it a uniform sample (reservoir) of them. */
export const TALLY_SILENCES = 512;
/**
 * Turn and interruption keys remembered per call (1,024 turns is hours of talk). A call's tally
 * holds 1.3 KiB at 20 turns, 10.6 KiB at 512 and 80 KiB with 4,096 keys (measured), so the keys,
 * not the silences, set its bound.
 */
export const TALLY_KEYS = 1024;

/** What makes a turn the same turn when it is sent again: its number, else its instants. */
export function turnKey(e: TurnEvent): string | number {
  return e.turn ?? `${e.userStoppedAt ?? ''}:${e.agentStartedAt ?? ''}:${e.endedAt ?? e.ts ?? ''}`;
}

/**
 * One call's turns so far, folded as they arrive: counts, talk times and the heard silences for
 * the percentiles (exact up to TALLY_SILENCES turns, a uniform reservoir sample past it, so the
 * memory of a call is bounded however long it talks).
 * Each turn and interruption counts once however often it is sent (keyed: {@link turnKey}).
 * @example const t = new TurnTally(); t.addTurn(b, turn, 3000); t.summary().silenceP95Ms
 */
export class TurnTally {
  turns = 0;
  interruptions = 0;
  deadAir = 0;
  agentTalkMs = 0;
  callerTalkMs = 0;
  private silences = new Float64Array(16);
  private kept = 0;
  private seen = 0;
  /** xorshift32 state: the reservoir's choices are the same for the same turns. */
  private rnd = 0x9e3779b9;
  /** Turns and interruptions already folded in, by key: a repeat (a retried batch) changes nothing. */
  private readonly keys = new Set<string | number>();

  /**
   * Fold in a turn, once per key (its number, else its instants: see {@link turnKey}); false for a
   * repeat. Past TALLY_KEYS keys a call's repeats are no longer recognised.
   */
  addTurn(b: TurnBreakdown, e: TurnEvent, deadAirMs: number): boolean {
    if (!this.first(turnKey(e))) return false;
    this.turns++;
    if (isDeadAir(b, e, deadAirMs)) this.deadAir++;
    if (known(b.agentSpeechMs)) this.agentTalkMs += b.agentSpeechMs;
    if (known(b.callerSpeechMs)) this.callerTalkMs += b.callerSpeechMs;
    if (known(b.heardMs)) this.keep(b.heardMs);
    return true;
  }

  /** Count an interruption once per key (its kind, turn and instant); false for a repeat. */
  addInterruption(e: EventOf<'voiceai.interruption'>): boolean {
    if (!this.first(`${e.kind}:${e.turn ?? ''}:${e.startedAt ?? e.endedAt ?? e.ts ?? ''}`)) return false;
    this.interruptions++;
    return true;
  }

  private first(key: string | number): boolean {
    if (this.keys.has(key)) return false;
    if (this.keys.size < TALLY_KEYS) this.keys.add(key);
    return true;
  }

  summary(): TurnSummary {
    const sorted = this.silences.slice(0, this.kept).sort();
    return {
      turns: this.turns,
      silenceP50Ms: percentileCont(sorted, 0.5),
      silenceP95Ms: percentileCont(sorted, 0.95),
      interruptions: this.interruptions,
      deadAir: this.deadAir,
      // Sums of differences of epoch ms carry the double's 2^-12 ms steps: to the microsecond.
      agentTalkMs: Math.round(this.agentTalkMs * 1000) / 1000,
      callerTalkMs: Math.round(this.callerTalkMs * 1000) / 1000,
    };
  }

  private keep(ms: number): void {
    this.seen++;
    if (this.kept < TALLY_SILENCES) {
      if (this.kept === this.silences.length) {
        const grown = new Float64Array(Math.min(TALLY_SILENCES, this.kept * 2));
        grown.set(this.silences);
        this.silences = grown;
      }
      this.silences[this.kept++] = ms;
      return;
    }
    // Algorithm R: the n-th value replaces a kept one with probability TALLY_SILENCES / n.
    let x = this.rnd;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rnd = x >>> 0;
    const j = this.rnd % this.seen;
    if (j < TALLY_SILENCES) this.silences[j] = ms;
  }
}

/** The talk/listen ratio of a summary: agent speech over caller speech; null without caller speech. */
export function talkListenRatio(s: Pick<TurnSummary, 'agentTalkMs' | 'callerTalkMs'>): number | null {
  return s.callerTalkMs > 0 ? s.agentTalkMs / s.callerTalkMs : null;
}
