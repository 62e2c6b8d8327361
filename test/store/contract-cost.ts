/**
 * Contract: who answered a call and what it cost (issue 52), the same in every backend: the
 * answering-machine verdict (the earliest kept), the agent's cost (the total folding the most usage
 * reports kept whole), the carrier's price fixed at the start, in any order, batched or not.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { CallUpdate } from '../../src/store/types.js';
import { type ContractContext, T } from './contract-kit.js';

const cost = (reports: number, llm: number): CallUpdate => ({
  kind: 'cost',
  callId: 'k1',
  at: T + reports * 1000,
  currency: 'USD',
  llm,
  stt: 0.001 * reports,
  tts: 0.002,
  reports,
  unpriced: reports > 2 ? 1 : 0,
});
const UPDATES: CallUpdate[] = [
  {
    kind: 'started',
    callId: 'k1',
    at: T,
    direction: 'outbound',
    channel: 'sip',
    trunk: 'carrier-a',
    carrier: { currency: 'USD', perMinute: 0.012, incrementSeconds: 60 },
  },
  { kind: 'answered', callId: 'k1', at: T + 5_000 },
  { kind: 'amd', callId: 'k1', at: T + 7_000, category: 'human' },
  // A second, later verdict (a detector run again) is not the call's.
  { kind: 'amd', callId: 'k1', at: T + 9_000, category: 'machine-vm' },
  cost(1, 0.01),
  cost(3, 0.03),
  cost(2, 0.02),
  { kind: 'ended', callId: 'k1', at: T + 5_000 + 61_000, sipCode: 200 },
];

export function costContract(ctx: ContractContext): void {
  it('keeps the earliest AMD verdict, the cost of the most reports and the carrier minutes, in any order', async () => {
    const store = await ctx.open();
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(UPDATES, { minLength: UPDATES.length }),
        fc.boolean(),
        async (order, batch) => {
          const id = `k${Math.random().toString(36).slice(2, 10)}`;
          const updates = order.map((u) => ({ ...u, callId: id }));
          if (batch) await store.applyBatch(updates);
          else for (const u of updates) await store.apply(u);
          const c = await store.getCall(id);
          expect([c?.amd, c?.humanConnect]).toEqual(['human', true]);
          expect(c?.cost).toMatchObject({ currency: 'USD', stt: 0.003, tts: 0.002, unpricedReports: 1 });
          expect(c?.cost?.llm).toBeCloseTo(0.03, 12);
          // 61 s of talk at per-minute billing: 2 minutes.
          expect(c?.cost?.carrier).toBeCloseTo(0.024, 12);
          expect(c?.cost?.total).toBeCloseTo(0.03 + 0.003 + 0.002 + 0.024, 12);
        },
      ),
      { numRuns: 20 },
    );
    // A call with neither has none; a bad currency is refused, naming the field.
    await store.apply({ kind: 'answered', callId: 'plain', at: T });
    expect(await store.getCall('plain')).toMatchObject({ amd: null, humanConnect: false, cost: null });
    await expect(store.apply({ ...cost(1, 0.01), currency: 'usd' } as CallUpdate)).rejects.toThrow(
      /currency/,
    );
  });
}
