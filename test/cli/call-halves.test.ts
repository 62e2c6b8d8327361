import { describe, expect, it } from 'vitest';
import { turnRows } from '../../src/analytics/media-turns.js';
import { renderTurns } from '../../src/cli/call-halves.js';
import { TURN_SEGMENTS } from '../../src/domain/vocab.js';
import { decodeTurnList } from '../../src/store/records/turn-list.js';
import { toolTurnRow } from '../telephony/helpers.js';

const T = 1_787_320_800_000;

describe('sidetone call: the voice agent turns table', () => {
  it('a tool turn shows its tool and second-call segments, its end-of-turn probability and its calls', () => {
    // A stored row as the store sink writes it (turn-list.ts): segments by TURN_SEGMENTS, then details.
    const row = toolTurnRow(2, T + 25_000, 1);
    const turns = turnRows({
      turns: decodeTurnList(JSON.stringify([row])),
      startedAt: T,
      firstAt: T,
      media: null,
    });
    expect(turns?.[0]).toMatchObject({ llm_calls: 2, tool_calls: 1, tool_errors: 0, eou_probability: 0.912 });
    const lines = renderTurns(turns ?? []).split('\n');
    expect(lines[0]?.trim().split(/\s{2,}/)).toEqual([
      'turn',
      'at',
      'heard',
      'at ear',
      ...TURN_SEGMENTS,
      'eou p',
      'marks',
    ]);
    expect(lines[1]?.trim().split(/\s{2,}/)).toEqual([
      '2',
      '25.0 s',
      '2720',
      '—',
      '310',
      '290',
      '400',
      '1000',
      '400',
      '—',
      '250',
      '70',
      '—',
      '0.91',
      'interrupted, 2 LLM calls, 1 tool',
    ]);
  });

  it("with the phone leg measured, each turn shows the silence at the caller's ear: heard + RTCP round trip + jitter", () => {
    const row = toolTurnRow(2, T + 25_000, 1);
    const media = [
      {
        stream: 'caller_to_callee' as const,
        mos: 4.1,
        jitterMs: 4,
        lossPercent: 0,
        rttMs: 80,
        codec: 'PCMU',
      },
      {
        stream: 'callee_to_caller' as const,
        mos: 4.2,
        jitterMs: 6,
        lossPercent: 0,
        rttMs: 90,
        codec: 'PCMU',
      },
    ];
    const turns = turnRows({ turns: decodeTurnList(JSON.stringify([row])), startedAt: T, firstAt: T, media });
    expect(turns?.[0]).toMatchObject({ heard_silence_ms: 2720, caller_ear_ms: 2720 + 90 + 4 + 6 });
    expect(
      renderTurns(turns ?? [])
        .split('\n')[1]
        ?.trim()
        .split(/\s{2,}/)
        .slice(2, 4),
    ).toEqual(['2720', '2820']);
  });
});
