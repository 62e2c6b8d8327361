/**
 * A call's voice-agent turns as the call row keeps them (`agent_turn_list`, JSON): one compact
 * array per turn, `[turn, at, heardMs, ...segments by TURN_SEGMENTS, ...TURN_DETAILS, flags]`, nulls for what is
 * unknown. Arrays, not objects with keys: 64 turns with every stage and detail reported take
 * 6,776-7,224 characters (106-113 a turn, with and without a tool round; 4,082 before issue 52's
 * tool stages and details), and 64 turns with every slot at its longest stay within the store's
 * 16,384 (test/sinks/turn-tallies.test.ts).
 */
import { TURN_SEGMENTS, type TurnSegment } from '../../domain/vocab.js';
import type { AgentTurn } from '../types.js';

/**
 * Turns kept per call row: the first 64 (an hour of brisk talk is ~200 turns; the first ones carry
 * the greeting and the opening exchange, where agents stall most). Later turns still count in the
 * summary (agent_* columns) and are counted as `sidetone_store_agent_turns_dropped_total`.
 */
export const TURN_LIST_MAX = 64;

/** Bit of the flags slot: the turn was interrupted (any interruption kind named its number). */
export const TURN_INTERRUPTED = 1;
/** Bit of the flags slot: the caller waited past the dead-air threshold. */
export const TURN_DEAD_AIR = 2;

/**
 * What a turn says beside its silence, after the segments: its LLM and tool calls, the end-of-turn
 * detector's verdict (probability, the endpointing delay it chose, its detection delay, ms) and the
 * transcript's confidence; null where the agent did not say.
 */
export const TURN_DETAILS = [
  'llmCalls',
  'toolCalls',
  'toolErrors',
  'eouProbability',
  'eouEndpointingDelayMs',
  'eouDetectionDelayMs',
  'transcriptConfidence',
] as const;
export type TurnDetail = (typeof TURN_DETAILS)[number];

/** One stored turn: [turn, at, heardMs, segment ms x TURN_SEGMENTS.length, details x TURN_DETAILS.length, flags]. */
export type TurnRow = (number | null)[];
/** Slots of a row. */
export const TURN_ROW_WIDTH = 3 + TURN_SEGMENTS.length + TURN_DETAILS.length + 1;
/** The segments rows written before issue 52 (five stages and `unattributed`, no details) hold. */
const LEGACY_SEGMENTS = ['stt', 'endpointing', 'llm_ttft', 'tts_ttfb', 'remainder', 'unattributed'] as const;
const LEGACY_WIDTH = 3 + LEGACY_SEGMENTS.length + 1;

/**
 * A stored list, read back. Rows written before the tool and thinking stages (10 slots) are read
 * with their own segment names; rows of another width (a later sidetone's) are skipped, not misread.
 */
export function decodeTurnList(json: string): AgentTurn[] {
  const rows = JSON.parse(json) as TurnRow[];
  const out: AgentTurn[] = [];
  for (const r of rows) {
    if (!Array.isArray(r)) continue;
    const names: readonly TurnSegment[] | undefined =
      r.length === TURN_ROW_WIDTH ? TURN_SEGMENTS : r.length === LEGACY_WIDTH ? LEGACY_SEGMENTS : undefined;
    if (names === undefined) continue;
    const segments: AgentTurn['segments'] = {};
    names.forEach((name, i) => {
      const v = r[3 + i];
      if (typeof v === 'number') segments[name] = v;
    });
    const flags = r[r.length - 1] ?? 0;
    const turn: AgentTurn = {
      turn: r[0] as number,
      at: r[1] as number,
      heardMs: r[2] ?? null,
      segments,
      interrupted: (flags & TURN_INTERRUPTED) !== 0,
      deadAir: (flags & TURN_DEAD_AIR) !== 0,
    };
    if (names === TURN_SEGMENTS)
      TURN_DETAILS.forEach((name, i) => {
        const v = r[3 + TURN_SEGMENTS.length + i];
        if (typeof v === 'number') turn[name] = v;
      });
    out.push(turn);
  }
  return out;
}
