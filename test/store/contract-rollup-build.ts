/**
 * Rollups missing at open, built in the background (issue 51, src/store/rollup/build.ts): a store
 * whose records have no rollups yet answers every read with the same numbers before, during and
 * after the build, a slice at a time, through writes to built and unbuilt slots and a restart.
 */
import { describe, expect, it } from 'vitest';
import type { CallQuery, CallStore, CallUpdate } from '../../src/store/types.js';
import { type ContractContext, rounded, T } from './contract-kit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAY0 = T - 10 * HOUR; // midnight of T's day

/**
 * 300 calls over five and a half days, a few an hour with gaps, varied in trunk, direction,
 * outcome and duration; one still active.
 */
function history(): CallUpdate[] {
  const out: CallUpdate[] = [];
  for (let i = 0; i < 300; i++) {
    // Irregular spacing (17-37 min), so slots, hours and days hold different counts.
    const at = DAY0 - 2 * HOUR + i * (17 + (i % 5) * 5) * 60_000 + (i % 7) * 1000;
    const callId = `hist-${i}`;
    out.push({
      kind: 'started',
      callId,
      at,
      direction: i % 3 === 0 ? 'outbound' : 'inbound',
      channel: 'sip',
      trunk: i % 4 === 0 ? 'carrier-b' : 'carrier-a',
    });
    if (i === 299) continue; // active
    if (i % 5 !== 1) out.push({ kind: 'answered', callId, at: at + 3000 });
    if (i % 6 === 0)
      out.push({
        kind: 'media',
        callId,
        at: at + 10_000,
        mos: 3 + (i % 10) / 10,
        jitterMs: i % 9,
        lossPercent: i % 4,
      });
    out.push({ kind: 'ended', callId, at: at + 3000 + (i % 11) * 7001, sipCode: i % 5 === 1 ? 486 : 200 });
  }
  return out;
}

const QUERIES: CallQuery[] = [
  { from: DAY0 - 3 * HOUR, to: DAY0 + 7 * DAY },
  { from: DAY0 + 7 * 60_000 + 1, to: DAY0 + 2 * DAY + 13 * HOUR + 5 * 60_000 },
  { from: DAY0 + DAY, to: DAY0 + 2 * DAY, trunk: 'carrier-b' },
  { from: DAY0 - HOUR, to: DAY0 + 3 * DAY + 5 * HOUR, direction: 'inbound' },
  // Whole days only, the first and last days with calls among them: every day row is read.
  { from: DAY0 - DAY, to: DAY0 + 7 * DAY },
];
const PS = [0, 0.5, 0.95, 1];

/** Every rollup read of every query; `exact` reads the records alone. */
async function reads(store: CallStore, exact = false) {
  const out = [];
  for (const q0 of QUERIES) {
    const q = { ...q0, exact };
    out.push({
      stats: await store.stats(q),
      overview: await store.overview(q, 'hour'),
      series: await store.series(q, 'day'),
      percentiles: await store.durationPercentiles(q, PS),
    });
  }
  return rounded(out);
}

export function rollupBuildContract(ctx: ContractContext): void {
  describe('rollups missing at open, built in the background (issue 51)', () => {
    it('reads equal before, during and after the build, a slice at a time, through a restart', async () => {
      const first = await ctx.open();
      await first.applyBatch(history());
      const before = await reads(first);
      expect(before).toEqual(await reads(first, true));
      const h = ctx.harness();

      let store = await h.withoutRollups(40);
      const start = store.rollupBuild?.();
      expect(start).toMatchObject({ built: 0 });
      expect(start!.total).toBeGreaterThan(800); // 10-minute slots over five and a half days
      expect(await reads(store)).toEqual(before);

      let slices = 0;
      let built = 0;
      let restarted = false;
      while (await store.buildRollups!()) {
        slices++;
        const p = store.rollupBuild?.();
        expect(p!.built).toBeGreaterThan(built);
        built = p!.built;
        expect(await reads(store)).toEqual(before);
        if (slices === 3 && !restarted) {
          // Resumable: a restart keeps what the slices built.
          restarted = true;
          store = await h.reopen();
          expect(store.rollupBuild?.()?.built).toBe(built);
          expect(await reads(store)).toEqual(before);
        }
      }
      expect(slices).toBeGreaterThanOrEqual(5); // 300 calls by 40
      expect(store.rollupBuild?.()).toBeUndefined();
      expect(await reads(store)).toEqual(before);
      store = await h.reopen();
      expect(store.rollupBuild?.()).toBeUndefined();
      expect(await reads(store)).toEqual(before);
    });

    it('writes during the build, to built and unbuilt slots, are counted once', async () => {
      const first = await ctx.open();
      await first.applyBatch(history());
      const store = await ctx.harness().withoutRollups(40);
      expect(await store.buildRollups!()).toBe(true);
      expect(await store.buildRollups!()).toBe(true);
      // The newest slots are built, the oldest not: a call in each, and the active call (in a
      // built slot) ends; an old call gets a late fact (in an unbuilt slot).
      await store.applyBatch([
        {
          kind: 'started',
          callId: 'new-late',
          at: DAY0 + 5 * DAY + 2 * HOUR,
          direction: 'inbound',
          channel: 'sip',
          trunk: 'carrier-b',
        },
        { kind: 'ended', callId: 'new-late', at: DAY0 + 5 * DAY + 2 * HOUR + 9000, sipCode: 486 },
        {
          kind: 'started',
          callId: 'new-early',
          at: DAY0 - HOUR,
          direction: 'outbound',
          channel: 'pstn',
          trunk: 'carrier-a',
        },
        { kind: 'answered', callId: 'new-early', at: DAY0 - HOUR + 1000 },
        { kind: 'ended', callId: 'new-early', at: DAY0 - HOUR + 61_000, sipCode: 200 },
        { kind: 'ended', callId: 'hist-299', at: DAY0 + 6 * DAY, sipCode: 200 },
        { kind: 'media', callId: 'hist-12', at: DAY0 + HOUR, mos: 1.5, jitterMs: 40, lossPercent: 3 },
      ]);
      const exact = await reads(store, true);
      expect(await reads(store)).toEqual(exact);
      while (await store.buildRollups!()) expect(await reads(store)).toEqual(exact);
      expect(await reads(store)).toEqual(exact);
    });
  });
}
