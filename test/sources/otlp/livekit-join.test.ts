// The join of a LiveKit reply to its user turn (src/sources/otlp/livekit.ts userTurnOf): the reply's
// first audio minus `lk.e2e_latency` is the end of the user's last `user_speaking`. Python reads
// both from one clock reading; agents-js from two Date.now() calls in one END_OF_SPEECH handler
// (agents/src/voice/audio_recognition.ts createVadTask, @livekit/agents 1.9.0 as at 8c88e3b): the
// span's end in the onEndOfSpeech hook, then `lastSpeakingTime`, which e2e is measured from, after
// the hook's listeners ran. Running the real package (as livekit-agents-js.timed.e2e.test.ts does), the
// e2e side was 0, 1 or 2 ms later (9 turns in 3 runs); past the old 1 ms window the reply had no
// user turn: stt and endpointing unknown.
import { describe, expect, it } from 'vitest';
import { breakTurn, segmentsByName, TurnBreakdown } from '../../../src/telephony/outcome/turns.js';
import { expected, fixtureJson, JSON_TYPE, type OtlpJson, receiverApp } from './helpers.js';

const NAME = 'livekit-agents-js-3turn-bargein';
type Attr = { key: string; value: { doubleValue?: number } };

/** The fixture with every reply's e2e latency `lagMs` shorter: its side of the join that much later. */
function e2eLater(lagMs: number): OtlpJson {
  const req = fixtureJson(NAME);
  for (const rs of req.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        if (s.name !== 'agent_turn') continue;
        const a = (s.attributes as Attr[]).find((x) => x.key === 'lk.e2e_latency') as Attr;
        a.value = { doubleValue: (a.value.doubleValue as number) - lagMs / 1000 };
      }
  return req;
}

async function segments(req: OtlpJson) {
  const r = receiverApp();
  expect((await r.post(JSON.stringify(req), JSON_TYPE)).status).toBe(200);
  const b = new TurnBreakdown();
  return r.turns().map((t) => segmentsByName(breakTurn(t, b)));
}

const want = expected(NAME).turns.map((t) =>
  Object.fromEntries(Object.entries(t.segments).map(([k, v]) => [k, v * 1000])),
);

function expectReference(got: Record<string, number>[]) {
  expect(got.length).toBe(3);
  got.forEach((g, i) => {
    expect(Object.keys(g).sort()).toEqual(Object.keys(want[i] as object).sort());
    for (const [k, v] of Object.entries(want[i] as Record<string, number>))
      expect(Math.abs((g[k] as number) - v), k).toBeLessThan(0.002);
  });
}

describe('LiveKit: a reply joins its user turn', () => {
  it.each([
    1, 3, 40, 200,
  ])("agents-js's e2e side %d ms after user_speaking's end: joined, the reference's segments", async (lag) => {
    expectReference(await segments(e2eLater(lag)));
  });

  it('the e2e side earlier than the speech end, or later by more than a turn could be, joins nothing', async () => {
    for (const lag of [-2, 300]) {
      for (const g of await segments(e2eLater(lag))) {
        // No user turn: the transcription and end-of-turn instants are unknown.
        expect(g.stt, `lag ${lag}`).toBeUndefined();
        expect(g.endpointing, `lag ${lag}`).toBeUndefined();
      }
    }
  });
});
