/**
 * Contract: the rollups equal the records. Reads over whole hours and days come from the rollup
 * tables; an `exact` read of the same range scans the records. Both must give the same counts for
 * any range and filter, after late facts about finished calls, zombie cleanup and retention; the
 * duration percentiles from the histogram stay within its documented error.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { HISTOGRAM_ERROR } from '../../src/store/rollup/plan.js';
import type { CallQuery, CallStore, CallUpdate } from '../../src/store/types.js';
import { type ContractContext, rounded } from './contract-kit.js';

const H = 3_600_000;
const D = 86_400_000;
/** A UTC midnight: day boundaries fall inside the generated traffic. */
const DAY0 = Date.UTC(2024, 2, 10);

const TRUNKS = ['carrier-a', 'carrier-b', undefined] as const;
const CODES = [200, 200, 200, 486, 480, 503, 404, 487, 401] as const;

/**
 * One call's updates from a seeded generator: varied dimensions and outcomes, media and transcript
 * before or after the end, some never ended, some with a second, earlier `ended` (a late report
 * that changes the duration of a finished call).
 */
function callUpdates(rand: () => number, i: number, span: number): CallUpdate[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const callId = `r${i}`;
  const at = DAY0 - 5 * H + Math.floor(rand() * span);
  const out: CallUpdate[] = [
    {
      kind: 'started',
      callId,
      at,
      direction: pick(['inbound', 'outbound'] as const),
      channel: pick(['sip', 'sip', 'gsm', 'webrtc'] as const),
      trunk: pick(TRUNKS),
    },
  ];
  if (rand() < 0.8) out.push({ kind: 'ringing', callId, at: at + 500 + Math.floor(rand() * 4000) });
  const code = pick(CODES);
  const answered = code === 200;
  const talk = Math.floor(rand() ** 3 * 1_800_000);
  const answerAt = at + 5000;
  if (answered) out.push({ kind: 'answered', callId, at: answerAt });
  if (rand() < 0.1) return out; // still active (or a zombie)
  const endAt = answered ? answerAt + talk : at + 3000 + Math.floor(rand() * 20_000);
  out.push({ kind: 'ended', callId, at: endAt, sipCode: code });
  if (answered && rand() < 0.5) {
    out.push({
      kind: 'media',
      callId,
      at: endAt + 100,
      mos: 1 + rand() * 3.4,
      jitterMs: rand() * 40,
      lossPercent: rand() * 5,
    });
  }
  if (answered && rand() < 0.3) out.push({ kind: 'transcript', callId, at: endAt + 2000 });
  if (rand() < 0.1) out.push({ kind: 'ended', callId, at: endAt - Math.floor(rand() * 1000), sipCode: code });
  return out;
}

async function expectRollupsMatchRecords(store: CallStore, queries: readonly CallQuery[]) {
  for (const q of queries) {
    const exact = { ...q, exact: true };
    expect(rounded(await store.stats(q)), JSON.stringify(q)).toEqual(rounded(await store.stats(exact)));
    for (const bucket of ['hour', 'day'] as const) {
      expect(rounded(await store.overview(q, bucket))).toEqual(rounded(await store.overview(exact, bucket)));
      expect(await store.series(q, bucket)).toEqual(await store.series(exact, bucket));
    }
    const ps = [0, 0.25, 0.5, 0.9, 0.99, 1];
    const [est, truth] = [await store.durationPercentiles(q, ps), await store.durationPercentiles(exact, ps)];
    for (const [i, v] of est.entries()) {
      const t = truth[i];
      if (t === null || t === undefined) expect(v).toBeNull();
      else
        expect(Math.abs(v! - t), `p${ps[i]} of ${JSON.stringify(q)}`).toBeLessThanOrEqual(
          t * HISTOGRAM_ERROR + 1e-9,
        );
    }
    expect([est[0], est[ps.length - 1]]).toEqual([truth[0], truth[ps.length - 1]]);
  }
}

export function rollupContract(ctx: ContractContext): void {
  it('rollups equal the records for any range and filter, through late facts, cleanup and retention', async () => {
    const store = await ctx.open(false, { exactPercentilesUpTo: 0 });
    // mulberry32: a small seeded generator, so a failure replays.
    let seed = 7;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const span = 3 * D;
    const updates = Array.from({ length: 900 }, (_, i) => callUpdates(rand, i, span)).flat();
    // Any order: late facts about finished calls update their rollup groups.
    const shuffled = fc.sample(fc.shuffledSubarray(updates, { minLength: updates.length }), {
      seed: 3,
      numRuns: 1,
    })[0]!;
    for (let i = 0; i < shuffled.length; i += 250) await store.applyBatch(shuffled.slice(i, i + 250));
    await store.closeZombies(6 * 3600, DAY0 + 2 * D);

    const start = DAY0 - 5 * H;
    const end = start + span + H;
    const ranges: Array<[number, number]> = [
      [start, end], // all of it
      [DAY0, DAY0 + 2 * D], // whole days
      [DAY0 + 17 * 60_000, DAY0 + 2 * D + 5 * H + 3 * 60_000], // partial hours at both ends
      [DAY0 - 3 * H - 1, DAY0 + 4 * H + 1], // hours around midnight, off by a millisecond
      [DAY0 + 30 * 60_000, DAY0 + 50 * 60_000], // inside one hour: records only
      [DAY0 + D + 0.5, DAY0 + D + 3 * H + 0.5], // fractional bounds round up as stored times do
    ];
    const queries: CallQuery[] = ranges.flatMap(([from, to]) => [
      { from, to },
      { from, to, trunk: 'carrier-b' },
      { from, to, direction: 'inbound', channel: 'sip' },
    ]);
    await expectRollupsMatchRecords(store, queries);
    const all = await store.stats({ from: start, to: end });
    expect(all.total).toBe(900);
    // The data exercises every part: transcripts, media, active and cleaned-up calls, failures.
    expect(all.transcripts).toBeGreaterThan(20);
    expect(all.mediaCount).toBeGreaterThan(50);
    expect(all.active).toBeGreaterThan(10);
    expect(all.byStatus.timeout).toBeGreaterThan(10);
    expect(all.byStatus.busy).toBeGreaterThan(10);

    // Retention removes records and their share of the rollups; what is left still agrees.
    await store.deleteOlderThan(1, { now: DAY0 + 2 * D, batchSize: 100 });
    await expectRollupsMatchRecords(store, queries.slice(0, 9));
    const left = (await store.stats({ from: start, to: end, exact: true })).total;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(900);

    // The rollups are stored, not cached: a reopened store reads the same.
    const reopened = await ctx.harness().reopen();
    await expectRollupsMatchRecords(reopened, queries.slice(0, 3));
  });

  it("rollup duration bounds shrink when a group's longest or shortest call changes", async () => {
    const store = await ctx.open(false, { exactPercentilesUpTo: 0 });
    const at = DAY0 + 2 * H;
    const call = (callId: string, talk: number): CallUpdate[] => [
      { kind: 'started', callId, at, direction: 'inbound', channel: 'sip', trunk: 'carrier-a' },
      { kind: 'answered', callId, at: at + 1000 },
      { kind: 'ended', callId, at: at + 1000 + talk, sipCode: 200 },
    ];
    await store.applyBatch([...call('short', 10_000), ...call('middle', 50_000), ...call('long', 100_000)]);
    const day = { from: DAY0, to: DAY0 + D };
    expect(await store.stats(day)).toMatchObject({ durationMinMs: 11_000, durationMaxMs: 101_000 });
    // A late, earlier end of the longest call, then of the shortest: the bounds come from what is left.
    await store.applyBatch([{ kind: 'ended', callId: 'long', at: at + 21_000, sipCode: 200 }]);
    await store.applyBatch([{ kind: 'ended', callId: 'short', at: at + 6_000, sipCode: 200 }]);
    const now = await store.stats(day);
    expect(now).toMatchObject({ durationMinMs: 6_000, durationMaxMs: 51_000 });
    expect(now).toEqual(await store.stats({ ...day, exact: true }));
    const slot = { from: at - (at % H), to: at - (at % H) + H, trunk: 'carrier-a' };
    expect(await store.stats(slot)).toEqual(await store.stats({ ...slot, exact: true }));
  });
}
