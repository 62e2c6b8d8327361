// LiveKit tool calls at their edges (livekit/agents @ da6af86 voice/generation.py L872-911,
// voice/agent_activity.py L3670-3703; spans built here): a failed tool, and a reply that called a
// tool but whose answer never came (the caller hung up while it ran).
import { describe, expect, it } from 'vitest';
import type { EventOf } from '../../../src/events/types.js';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { sample } from '../../telephony/helpers.js';
import { JSON_TYPE, receiverApp } from './helpers.js';
import { ids, request, type Span } from './span-builder.js';

const scope = 'livekit-agents';

/** A user turn (caller 1.0-2.0 s, committed 2.3 s) and a reply that called `lookup` (2.6-3.4 s). */
function toolCall(id: () => string, session: string, isError: boolean): { spans: Span[]; asked: string } {
  const user = id();
  const asked = id();
  const spans: Span[] = [
    { id: user, parent: session, name: 'user_turn', scope, from: 1.0, to: 2.3 },
    { id: id(), parent: user, name: 'user_speaking', scope, from: 1.0, to: 2.0 },
    { id: asked, parent: session, name: 'agent_turn', scope, from: 2.31, to: 3.45 },
    {
      id: id(),
      parent: asked,
      name: 'llm_node',
      scope,
      from: 2.3105,
      to: 2.55,
      attrs: { 'lk.response.ttft': 0.2 },
    },
    {
      id: id(),
      parent: asked,
      name: 'function_tool',
      scope,
      from: 2.6,
      to: 3.4,
      attrs: { 'lk.function_tool.name': 'lookup', 'lk.function_tool.is_error': isError },
    },
  ];
  return { spans, asked };
}

describe('LiveKit tool calls', () => {
  it('a failed tool: counted on the turn and as a failed voiceai.tool_call; its time is still the tool segment', async () => {
    const id = ids('70a1');
    const session = id();
    const { spans } = toolCall(id, session, true);
    const reply = id();
    spans.push(
      { id: session, name: 'agent_session', scope, from: 0, to: 9 },
      {
        id: reply,
        parent: session,
        name: 'agent_turn',
        scope,
        from: 3.41,
        to: 6,
        attrs: { 'lk.e2e_latency': 2.0 },
      },
      {
        id: id(),
        parent: reply,
        name: 'llm_node',
        scope,
        from: 3.4,
        to: 4,
        attrs: { 'lk.response.ttft': 0.3 },
      },
      { id: id(), parent: reply, name: 'agent_speaking', scope, from: 4.0, to: 5.5 },
    );
    const r = receiverApp();
    expect((await r.post(JSON.stringify(request('python', spans)), JSON_TYPE)).status).toBe(200);
    const [turn] = r.turns();
    expect([turn?.llmCalls, turn?.toolCalls, turn?.toolErrors]).toEqual([2, 1, 1]);
    const segments = segmentsByName(breakTurn(turn as EventOf<'voiceai.turn'>, new TurnBreakdown()));
    // End of turn 2.3, first token 2.5105, tool done 3.4, second first token 3.7, audio 4.0.
    // No transcription delay was written: stt is unknown, joined with endpointing (2.0 -> 2.3 s).
    expect(segments['stt+endpointing']).toBeCloseTo(300, 6);
    expect(segments.llm_ttft).toBeCloseTo(210.5, 6);
    expect(segments.tool).toBeCloseTo(889.5, 6);
    expect(segments.llm2_ttft).toBeCloseTo(300, 6);
    expect(r.events.filter((e) => e.type === 'voiceai.tool_call')).toEqual([
      expect.objectContaining({ ok: false, tool: 'lookup', seconds: expect.closeTo(0.8, 9) }),
    ]);
  });

  it('a tool-call reply whose answer never came is held, makes no turn, and is let go (counted dropped) when the session ends', async () => {
    const id = ids('70a2');
    const session = id();
    const { spans } = toolCall(id, session, false);
    const r = receiverApp();
    expect((await r.post(JSON.stringify(request('python', spans)), JSON_TYPE)).status).toBe(200);
    expect(r.turns()).toEqual([]);
    // Held, not dropped: the answer may come in the next batch.
    const dropped = async () =>
      sample(await r.registry.metrics(), 'sidetone_otlp_spans_total{result="dropped"}');
    expect(await dropped()).toBe(0);
    const end = [{ id: session, name: 'agent_session', scope, from: 0, to: 9 }];
    expect((await r.post(JSON.stringify(request('python', end)), JSON_TYPE)).status).toBe(200);
    expect(r.turns()).toEqual([]);
    expect(await dropped()).toBe(spans.length);
  });
});
