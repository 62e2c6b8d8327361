// Overlapping speech in LiveKit Agents' spans, by what came of it. The LiveKit fixture (built per
// livekit/agents @ da6af86, test/fixtures/voice) holds one barge-in; each case below adds to it the
// spans LiveKit writes for another outcome (/work/research/voice FINDINGS 2.3 and 5.4, from
// voice/agent_activity.py):
// - false interruption: the caller's backchannel pauses the agent (agent_speaking ends at the
//   pause), no words follow within false_interruption_timeout (2.0 s), speech resumes as a second
//   agent_speaking under the same agent_turn, lk.interrupted false (L2143, L4490-4498);
// - talked over: a user_speaking inside the agent's speech that did not pause it;
// - agent over the caller: the agent's first audio while a user_speaking is still open.
// VAD opens a user_turn for each utterance (audio_recognition.py L1416), so each added user_speaking
// has one; it commits nothing (no transcript), so no reply joins it.
import { describe, expect, it } from 'vitest';
import { sample } from '../../telephony/helpers.js';
import { fixtureJson, JSON_TYPE, type OtlpJson, type OtlpSpanJson, receiverApp } from './helpers.js';

const T0 = 1_787_320_800n * 1_000_000_000n;
const at = (s: number) => String(T0 + BigInt(Math.round(s * 1e6)) * 1000n);
const SESSION = 'eb3e36';

function spans(req: OtlpJson): OtlpSpanJson[] {
  return req.resourceSpans[0]?.scopeSpans[0]?.spans as OtlpSpanJson[];
}
const byId = (req: OtlpJson, prefix: string) =>
  spans(req).find((s) => s.spanId.startsWith(prefix)) as OtlpSpanJson;

let next = 0;
/** A copy of `template` with a new id, `parent` and the times given (seconds after T0). */
function copy(req: OtlpJson, template: string, parent: string, from: number, to: number): OtlpSpanJson {
  const s = structuredClone(byId(req, template));
  s.spanId = `0dd0${String(++next).padStart(12, '0')}`;
  s.parentSpanId = parent.length === 16 ? parent : byId(req, parent).spanId;
  s.startTimeUnixNano = at(from);
  s.endTimeUnixNano = at(to);
  // Spans are exported as they end: keep the request in end order.
  const list = spans(req);
  list.splice(
    list.findIndex((x) => BigInt(x.endTimeUnixNano) > BigInt(s.endTimeUnixNano)),
    0,
    s,
  );
  return s;
}
/** An utterance of the caller: a user_turn (no commit) and its user_speaking. */
function utterance(req: OtlpJson, from: number, to: number): void {
  const turn = copy(req, '6512ab', SESSION, from, to);
  turn.attributes = (turn.attributes as Array<{ key: string }>).filter(
    (a) => !/transcript|delay|pii/.test(a.key),
  );
  copy(req, 'dc3d16', turn.spanId, from, to);
}

const CASES: Array<[string, (req: OtlpJson) => void, Array<[string, number]>]> = [
  [
    'a backchannel pauses the first reply, which resumes 2 s later: false interruption',
    (req) => {
      utterance(req, 4.7, 5.0);
      byId(req, '6a8700').endTimeUnixNano = at(5.2);
      copy(req, '6a8700', 'ca64bc', 7.2, 8.0);
      byId(req, 'ca64bc').endTimeUnixNano = at(8.003);
    },
    [
      ['false_interruption', 1],
      ['barge_in', 2],
    ],
  ],
  [
    'an "uh-huh" inside the third reply that does not stop it: talked over',
    (req) => utterance(req, 17.0, 17.3),
    [
      ['barge_in', 2],
      ['talked_over', 3],
    ],
  ],
  [
    'the third reply starts while the caller is still speaking: agent over the caller',
    (req) => utterance(req, 15.95, 16.3),
    [
      ['barge_in', 2],
      ['agent_over_caller', 3],
    ],
  ],
];

describe('LiveKit interruptions by outcome', () => {
  it.each(CASES)('%s', async (_name, change, want) => {
    const req = fixtureJson('livekit-agents-3turn-bargein');
    change(req);
    // LiveKit's resource names no service (unknown_service): the agent label is `other`.
    const r = receiverApp();
    const res = await r.post(JSON.stringify(req), JSON_TYPE);
    expect(res.status).toBe(200);
    expect(r.interruptions().map((i) => [i.kind, i.turn])).toEqual(want);
    // The turns and the silence the caller heard are the fixture's: the overlap changes neither.
    expect(r.turns().map((t) => (t.agentStartedAt as number) - (t.userStoppedAt as number))).toEqual(
      expect.arrayContaining([expect.closeTo(1068, 0), expect.closeTo(1390, 0), expect.closeTo(1293, 0)]),
    );
    expect(r.turns()).toHaveLength(3);
    const text = await r.registry.metrics();
    for (const [kind] of want) {
      const n = want.filter(([k]) => k === kind).length;
      expect(sample(text, `sidetone_voiceai_interruptions_total{agent="other",kind="${kind}"}`)).toBe(n);
    }
  });

  it("the false interruption spans the pause: from the caller's sound to the agent resuming", async () => {
    const req = fixtureJson('livekit-agents-3turn-bargein');
    (CASES[0] as (typeof CASES)[number])[1](req);
    const r = receiverApp();
    await r.post(JSON.stringify(req), JSON_TYPE);
    const cut = r.interruptions().find((i) => i.kind === 'false_interruption');
    expect([cut?.startedAt, cut?.endedAt]).toEqual([
      Number((T0 + 4_700_000_000n) / 1_000_000n),
      Number((T0 + 7_200_000_000n) / 1_000_000n),
    ]);
  });
});
