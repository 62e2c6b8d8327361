/**
 * A call's voice-agent turns as the call row keeps them (`agent_turn_list`, JSON): one compact
 * array per turn, `[turn, at, heardMs, ...segments by TURN_SEGMENTS, flags]`, nulls for what is
 * unknown. Arrays, not objects with keys: 64 turns with every segment reported take 4,082
 * characters (63.8 a turn; a call row with them and media both ways, 4,298 bytes of SQLite payload).
 */
import { TURN_SEGMENTS } from '../../domain/vocab.js';
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

/** One stored turn: [turn, at, heardMs, segment ms x TURN_SEGMENTS.length, flags]. */
export type TurnRow = (number | null)[];
/** Slots of a row. */
export const TURN_ROW_WIDTH = 3 + TURN_SEGMENTS.length + 1;
const FLAGS = TURN_ROW_WIDTH - 1;

/** A stored list, read back; rows of another width (a later sidetone's) are skipped, not misread. */
export function decodeTurnList(json: string): AgentTurn[] {
  const rows = JSON.parse(json) as TurnRow[];
  const out: AgentTurn[] = [];
  for (const r of rows) {
    if (!Array.isArray(r) || r.length !== TURN_ROW_WIDTH) continue;
    const segments: AgentTurn['segments'] = {};
    TURN_SEGMENTS.forEach((name, i) => {
      const v = r[3 + i];
      if (typeof v === 'number') segments[name] = v;
    });
    const flags = r[FLAGS] ?? 0;
    out.push({
      turn: r[0] as number,
      at: r[1] as number,
      heardMs: r[2] ?? null,
      segments,
      interrupted: (flags & TURN_INTERRUPTED) !== 0,
      deadAir: (flags & TURN_DEAD_AIR) !== 0,
    });
  }
  return out;
}
