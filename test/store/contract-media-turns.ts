/** Contract: a call row's media per direction and its voice agent's turns (issues 36, 37). */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import type { EventOf } from '../../src/events/types.js';
import { storeSink } from '../../src/sinks/store-sink.js';
import { TURN_LIST_MAX } from '../../src/store/records/turn-list.js';
import type { CallUpdate } from '../../src/store/types.js';
import { type ContractContext, cid, collect, T } from './contract-kit.js';

type Media = CallUpdate & { kind: 'media' };
const report = (callId: string, at: number, m: Partial<Media>): Media => ({
  kind: 'media',
  callId,
  at,
  mos: 4.3,
  jitterMs: 2,
  lossPercent: 0,
  ...m,
});
/** Two streams' reports: each stream's worst figure is in a different report. */
const REPORTS: Media[] = [
  report('m1', T + 10_000, { stream: 'caller_to_callee', codec: 'PCMU', mos: 4.1, jitterMs: 12, rttMs: 40 }),
  report('m1', T + 20_000, { stream: 'caller_to_callee', codec: 'PCMU', mos: 3.2, lossPercent: 2.5 }),
  report('m1', T + 30_000, { stream: 'caller_to_callee', mos: 4.0, rttMs: 90 }),
  report('m1', T + 10_500, { stream: 'callee_to_caller', codec: 'PCMA', mos: 4.4, lossPercent: 0.1 }),
  report('m1', T + 20_500, { stream: 'callee_to_caller', mos: 4.2, jitterMs: 30, rttMs: 41 }),
  // A report without a stream moves only the call's worst figures.
  report('m1', T + 25_000, { mos: 2.9, jitterMs: 1, lossPercent: 0 }),
];
const MEDIA = [
  {
    stream: 'caller_to_callee',
    mos: 3.2,
    jitterMs: 12,
    lossPercent: 2.5,
    rttMs: 90,
    codec: 'PCMU',
  },
  { stream: 'callee_to_caller', mos: 4.2, jitterMs: 30, lossPercent: 0.1, rttMs: 41, codec: 'PCMA' },
];

const turn = (n: number, waitMs: number, at = T + n * 10_000): EventOf<'voiceai.turn'> => ({
  type: 'voiceai.turn',
  ts: at + waitMs,
  callId: 'v1',
  turn: n,
  userStartedAt: at - 2000,
  userStoppedAt: at,
  sttFinalAt: at + 300,
  endOfTurnAt: at + 350,
  llmFirstTokenAt: at + 350 + (waitMs - 500) * 0.8,
  ttsFirstByteAt: at + waitMs - 50,
  agentStartedAt: at + waitMs,
  agentStoppedAt: at + waitMs + 3000,
});

export function mediaTurnsContract(ctx: ContractContext): void {
  const open = ctx.open;

  it('keeps the worst media per direction beside the worst of the call, in any order, batched or not', async () => {
    const store = await open();
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(REPORTS, { minLength: REPORTS.length }),
        fc.boolean(),
        async (us, batch) => {
          const callId = `m-${Math.random().toString(36).slice(2)}`;
          const mine = us.map((u) => ({ ...u, callId }));
          // Every report twice (a retried batch): the worst of each column does not move.
          if (batch) await store.applyBatch([...mine, ...mine]);
          else for (const u of [...mine, ...mine]) await store.apply(u);
          const c = await store.getCall(callId);
          // The codec is the first named where two reports name it the same.
          expect(c?.media).toEqual(MEDIA);
          expect(c).toMatchObject({ mos: 2.9, jitterMs: 30, lossPercent: 2.5, rttMs: 90 });
        },
      ),
      { numRuns: 12 },
    );
    // A call whose reports named no stream has none per direction; its worst figures are kept.
    await store.apply(report('m2', T, { mos: 3.5 }));
    expect(await store.getCall('m2')).toMatchObject({ media: null, mos: 3.5 });
    // One stream only: one row.
    await store.apply(report('m3', T, { stream: 'callee_to_caller', mos: 3.7 }));
    expect((await store.getCall('m3'))?.media).toEqual([
      { stream: 'callee_to_caller', mos: 3.7, jitterMs: 2, lossPercent: 0, rttMs: null, codec: null },
    ]);
    // Exports read the same record.
    await store.applyBatch(REPORTS);
    const exported = await collect(store.iterateCalls({ from: T - 1, to: T + 60_000 }));
    expect(exported.find((c) => c.callId === cid('m1'))?.media).toEqual(MEDIA);
    // A stream not in the vocabulary, or a codec past the schema's 32 characters: refused by name.
    await expect(store.apply(report('m4', T, { stream: 'uplink' as Media['stream'] }))).rejects.toThrow(
      /stream/,
    );
    await expect(
      store.apply(report('m4', T, { stream: 'callee_to_caller', codec: 'x'.repeat(33) })),
    ).rejects.toThrow(/codec/);
  });

  it("keeps the voice agent's first 64 turns with their segments and marks; later ones counted, not kept", async () => {
    const store = await open();
    const bus = new EventBus();
    const sink = storeSink(bus, store, { deadAirSeconds: 3 });
    bus.emit({ type: 'call.started', ts: T, callId: 'v1', direction: 'inbound', channel: 'sip' });
    // 70 turns, the 3rd with dead air (3.5 s), the 2nd barged in on, one sent twice.
    for (let n = 1; n <= TURN_LIST_MAX + 6; n++) bus.emit(turn(n, n === 3 ? 3500 : 1000));
    bus.emit(turn(5, 1000));
    bus.emit({ type: 'voiceai.interruption', callId: 'v1', kind: 'barge_in', turn: 2, ts: T + 25_000 });
    await sink.close();
    const c = await store.getCall('v1');
    expect(c?.agent).toMatchObject({ turns: TURN_LIST_MAX + 6, interruptions: 1, deadAir: 1 });
    expect(c?.turns).toHaveLength(TURN_LIST_MAX);
    expect(sink.agentTurnsDropped).toBe(6);
    expect(c?.turns?.map((t) => t.turn)).toEqual(Array.from({ length: TURN_LIST_MAX }, (_, i) => i + 1));
    expect(c?.turns?.[0]).toEqual({
      turn: 1,
      at: T + 10_000,
      heardMs: 1000,
      segments: { stt: 300, endpointing: 50, llm_ttft: 400, tts_ttfb: 200, remainder: 50 },
      interrupted: false,
      deadAir: false,
    });
    expect(c?.turns?.[1]).toMatchObject({ turn: 2, interrupted: true, deadAir: false });
    expect(c?.turns?.[2]).toMatchObject({ turn: 3, heardMs: 3500, interrupted: false, deadAir: true });
    // Every kept turn's segments add up to its heard silence (to the 0.1 ms they are kept at).
    for (const t of c?.turns ?? []) {
      const sum = Object.values(t.segments).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - (t.heardMs as number))).toBeLessThan(0.5);
    }
    // A shorter summary (a forgotten tally starting again) leaves the list; a newer one without
    // a list (past the bound) keeps it too.
    const summary = {
      silenceP50Ms: 900,
      silenceP95Ms: 900,
      interruptions: 9,
      deadAir: 0,
      agentTalkMs: 1,
      callerTalkMs: 1,
    };
    await store.apply({ kind: 'agent', callId: 'v1', at: T, turns: 2, ...summary, turnList: '[]' });
    await store.apply({ kind: 'agent', callId: 'v1', at: T, turns: 99, ...summary });
    const again = await store.getCall('v1');
    expect(again?.agent?.turns).toBe(99);
    expect(again?.turns).toEqual(c?.turns);
    const exported = await collect(store.iterateCalls({ from: T - 1, to: T + 1 }));
    expect(exported.find((r) => r.callId === cid('v1'))?.turns).toEqual(c?.turns);
    // A list past its bound in characters is refused, naming the field.
    await expect(
      store.apply({
        kind: 'agent',
        callId: 'v2',
        at: T,
        turns: 1,
        ...summary,
        turnList: `[${'0,'.repeat(9000)}0]`,
      }),
    ).rejects.toThrow(/turnList/);
    // A call without agent turns has none.
    await store.apply({ kind: 'answered', callId: 'plain', at: T });
    expect((await store.getCall('plain'))?.turns).toBeNull();
  });
}
