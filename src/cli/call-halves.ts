import type { MediaDirectionRow, TurnRowOut } from '../analytics/media-turns.js';
import { TURN_SEGMENTS } from '../domain/vocab.js';
import { NONE } from './output.js';

/** A table: a header row, then one row per item, columns two spaces apart; figures right-aligned, the first and last (text) left. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]) =>
    `  ${r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(width[i] as number) : c.padStart(width[i] as number))).join('  ')}`.trimEnd();
  return `${[head, ...rows].map(line).join('\n')}\n`;
}

const fixed = (v: number | null, digits: number, unit = '') =>
  v === null ? NONE : `${v.toFixed(digits)}${unit}`;

/**
 * A call's media per direction as a text table: the worst of each stream's reports.
 * @example renderMedia(row.media)
 * //   direction          MOS  jitter    loss    RTT  codec
 * //   caller_to_callee  4.21  3.0 ms  0.50 %  40 ms  PCMU
 */
export function renderMedia(media: readonly MediaDirectionRow[]): string {
  return table(
    ['direction', 'MOS', 'jitter', 'loss', 'RTT', 'codec'],
    media.map((m) => [
      m.direction,
      fixed(m.mos, 2),
      fixed(m.jitter_ms, 1, ' ms'),
      fixed(m.loss_percent, 2, ' %'),
      fixed(m.rtt_ms, 0, ' ms'),
      m.codec ?? NONE,
    ]),
  );
}

/**
 * The voice agent's turns as a text table: when each heard silence began (s after the call
 * started), its length, the silence at the caller's ear (with the phone leg's delay: unknown
 * without RTCP), its segments in ms (a stage not reported shows as unknown), and marks.
 * @example renderTurns(row.turns)
 * //   turn      at  heard  at ear  stt  endpointing  llm_ttft  tool  llm2_ttft  thinking  tts_ttfb  remainder  unattributed  eou p  marks
 * //   2     25.0 s   2720    2830  310          290       400  1000        400         —       250         70             —   0.91  2 LLM calls, 1 tool
 */
export function renderTurns(turns: readonly TurnRowOut[]): string {
  return table(
    ['turn', 'at', 'heard', 'at ear', ...TURN_SEGMENTS, 'eou p', 'marks'],
    turns.map((t) => [
      String(t.turn),
      `${(t.at_ms / 1000).toFixed(1)} s`,
      fixed(t.heard_silence_ms, 0),
      fixed(t.caller_ear_ms ?? null, 0),
      ...TURN_SEGMENTS.map((s) => fixed(t.segments[s] ?? null, 0)),
      fixed(t.eou_probability ?? null, 2),
      [
        t.interrupted && 'interrupted',
        t.dead_air && 'dead air',
        (t.llm_calls ?? 1) > 1 && `${t.llm_calls} LLM calls`,
        (t.tool_calls ?? 0) > 0 &&
          `${t.tool_calls} tool${t.tool_calls === 1 ? '' : 's'}${t.tool_errors ? ` (${t.tool_errors} failed)` : ''}`,
      ]
        .filter(Boolean)
        .join(', ') || NONE,
    ]),
  );
}
