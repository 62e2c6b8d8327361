/** Contract: reading records back — privacy, streaming, recent failures, aggregates. */
import { expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import type { CallUpdate } from '../../src/store/types.js';
import { applyAll, type ContractContext, cid, collect, lifecycle, T } from './contract-kit.js';

export function readContract(ctx: ContractContext): void {
  const open = ctx.open;
  it('returns raw numbers only when stored raw AND revealed', async () => {
    const masked = await open(false);
    await masked.apply({
      kind: 'started',
      callId: 'r',
      at: T,
      direction: 'inbound',
      channel: 'sip',
      from: '+15551234567',
    });
    expect((await masked.getCall('r', { reveal: true }))!.from).toBeUndefined();
    await ctx.harness().cleanup();
    const raw = await open(true);
    await raw.apply({
      kind: 'started',
      callId: 'r',
      at: T,
      direction: 'inbound',
      channel: 'sip',
      from: '+15551234567',
    });
    expect((await raw.getCall('r'))!.from).toBeUndefined();
    expect((await raw.getCall('r', { reveal: true }))!).toMatchObject({
      from: '+15551234567',
      fromMasked: '+1555***4567',
    });
    const [it1] = await collect(raw.iterateCalls({ from: T, to: T + 1 }));
    expect(it1!.from).toBeUndefined();
    const [it2] = await collect(raw.iterateCalls({ from: T, to: T + 1 }, { reveal: true }));
    expect(it2!.from).toBe('+15551234567');
  });

  it('reads the legs of one end-to-end call together, in one batch or one by one (issue 53)', async () => {
    const store = await open(false);
    const legs = (a: string, b: string, key: string, at: number): CallUpdate[] => [
      { kind: 'started', callId: a, at, direction: 'inbound', channel: 'sip', endToEndId: key },
      { kind: 'ringing', callId: a, at: at + 700 },
      { kind: 'ended', callId: a, at: at + 3000, sipCode: 486 },
      { kind: 'started', callId: b, at: at + 20, direction: 'outbound', channel: 'sip', endToEndId: key },
      { kind: 'ringing', callId: b, at: at + 600 },
      { kind: 'ended', callId: b, at: at + 2990, sipCode: 486 },
    ];
    await store.applyBatch(legs('e2e-a1', 'e2e-b1', 'e2e-a1', T));
    await applyAll(store, legs('e2e-a2', 'e2e-b2', 'e2e-a2', T + 60_000).reverse());
    // A call with no correlation, and one whose key matches no other leg: no end-to-end call.
    await store.apply({ kind: 'started', callId: 'e2e-alone', at: T, direction: 'inbound', channel: 'sip' });
    await store.apply({
      kind: 'started',
      callId: 'e2e-one',
      at: T,
      direction: 'inbound',
      channel: 'sip',
      endToEndId: 'e2e-one',
    });
    for (const [a, b] of [
      ['e2e-a1', 'e2e-b1'],
      ['e2e-a2', 'e2e-b2'],
    ] as const) {
      const e = (await store.getCall(b))!.endToEnd!;
      expect(e).toMatchObject({ id: cid(a), outcome: 'busy', failedLeg: 'b', pddMs: 700 });
      expect(e.legs.map((l) => [l.leg, l.callId, l.pddMs])).toEqual([
        ['a', cid(a), 700],
        ['b', cid(b), 580],
      ]);
      expect((await store.getCall(a))!.endToEnd).toEqual(e);
    }
    expect(await store.getCall('e2e-alone')).not.toHaveProperty('endToEndId');
    expect((await store.getCall('e2e-one'))!).toMatchObject({ endToEndId: cid('e2e-one') });
    expect(await store.getCall('e2e-one')).not.toHaveProperty('endToEnd');
  });

  it("counts a period's end-to-end calls once each, by the domain's verdict, in its A leg's period (issue 53)", async () => {
    const store = await open(false);
    /** A B2BUA call: A (inbound) and optionally B (outbound, 20 ms later), each [ring ms, end]. */
    const call = (
      key: string,
      at: number,
      a: { ring?: number; code?: number },
      b?: { ring?: number; code?: number },
    ): CallUpdate[] => {
      const leg = (
        id: string,
        t: number,
        direction: 'inbound' | 'outbound',
        l: { ring?: number; code?: number },
      ) => {
        const u: CallUpdate[] = [
          { kind: 'started', callId: id, at: t, direction, channel: 'sip', endToEndId: key },
        ];
        if (l.ring !== undefined) u.push({ kind: 'ringing', callId: id, at: t + l.ring });
        if (l.code === 200) u.push({ kind: 'answered', callId: id, at: t + 2000 });
        if (l.code !== undefined) u.push({ kind: 'ended', callId: id, at: t + 9000, sipCode: l.code });
        return u;
      };
      return [
        ...leg(key, at, 'inbound', a),
        ...(b === undefined ? [] : leg(`${key}-b`, at + 20, 'outbound', b)),
      ];
    };
    const P = { from: T, to: T + 3_600_000 };
    await store.applyBatch([
      ...call('s-answered', T + 1000, { ring: 500, code: 200 }, { ring: 400, code: 200 }),
      ...call('s-busy', T + 2000, { ring: 700, code: 486 }, { ring: 600, code: 486 }),
      // The B2BUA failed the caller though B answered: failed on A, no PDD (A never rang).
      ...call('s-a-failed', T + 3000, { code: 503 }, { ring: 100, code: 200 }),
      // No B leg made (an IVR answered): one leg, answered.
      ...call('s-lone', T + 4000, { ring: 300, code: 200 }),
      // Both legs still up: a call, not an attempt.
      ...call('s-active', T + 5000, {}, {}),
      // A filed before the period, B inside it: the call is the earlier period's.
      ...call('s-before', T - 10, { ring: 100, code: 486 }, { ring: 100, code: 486 }),
      // A filed in the period's last 5 ms, B after it: the call is this period's, both legs.
      ...call('s-after', P.to - 5, { ring: 100, code: 200 }, { ring: 100, code: 200 }),
    ]);
    // No correlation configured: not an end-to-end call.
    await store.applyBatch(lifecycle('s-plain', T + 6000));
    expect(await store.endToEndStats(P)).toEqual({
      calls: 6,
      linked: 5,
      attempts: 5,
      answered: 3,
      pddMsSum: 500 + 700 + 300 + 100,
      pddCount: 4,
      failedA: 1,
      failedB: 1,
      legs: 13,
      truncated: false,
    });
    // The list's read: the end-to-end call of a stored id when two legs or more are stored.
    const id = (await store.getCall('s-busy'))!.endToEndId!;
    expect(await store.endToEndCall(id)).toEqual((await store.getCall('s-busy-b'))!.endToEnd);
    expect(await store.endToEndCall((await store.getCall('s-lone'))!.endToEndId!)).toBeUndefined();
    // Nothing correlated in a period: zero calls (a dashboard leaves the block out).
    expect(await store.endToEndStats({ from: T + 7_200_000, to: T + 10_800_000 })).toMatchObject({
      calls: 0,
      legs: 0,
    });
  });

  it('streams a half-open range in filing order, page by page, while writes continue', async () => {
    const store = await open();
    const ids = Array.from({ length: 25 }, (_, i) => `it${String(i).padStart(2, '0')}`);
    // Several calls share a timestamp: the paging key must break ties.
    await store.applyBatch(ids.map((callId, i) => lifecycle(callId, T + Math.floor(i / 3) * 1000)[0]!));
    await store.apply({ kind: 'ringing', callId: 'late', at: T + 100_000 });
    const seen: string[] = [];
    for await (const r of store.iterateCalls({ from: T, to: T + 100_000, chunkSize: 4 })) {
      seen.push(r.callId);
      // Ingest is not blocked by an export in progress.
      if (seen.length === 5) await store.apply({ kind: 'ringing', callId: 'during', at: T - 1 });
    }
    expect(seen).toEqual(ids.map(cid));
    const tail = await collect(store.iterateCalls({ from: T + 8000, to: T + 8001 }));
    expect(tail.map((r) => r.callId)).toEqual([cid('it24')]);
    await expect(collect(store.iterateCalls({ from: T, to: T }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('lists the most recent calls of given statuses, newest first', async () => {
    const store = await open();
    for (let i = 0; i < 6; i++) {
      await store.applyBatch([
        { kind: 'started', callId: `f${i}`, at: T + i * 1000, direction: 'outbound', channel: 'sip' },
        { kind: 'ended', callId: `f${i}`, at: T + i * 1000 + 500, sipCode: i % 2 ? 486 : 503 },
      ]);
    }
    await applyAll(store, lifecycle('ok', T + 10_000));
    const recent = await store.recentCalls({ statuses: ['failed', 'busy'], limit: 4 });
    expect(recent.map((r) => r.callId)).toEqual(['f5', 'f4', 'f3', 'f2'].map(cid));
    const busy = await store.recentCalls({ statuses: ['busy'], limit: 10, before: T + 3000 });
    expect(busy.map((r) => r.callId)).toEqual([cid('f1')]);
  });

  it('takes the latest start as the last activity, when the newest day holds only a start moved back into the day before', async () => {
    const store = await open();
    expect(await store.lastActivityAt()).toBeNull();
    const DAY = 86_400_000;
    const midnight = T - (T % DAY) + DAY;
    // 'moved' is first heard just after midnight (PostgreSQL files it under that day), then its
    // start arrives from a minute before: it starts in the day before, as 'latest' does, later.
    await store.applyBatch([{ kind: 'ringing', callId: 'moved', at: midnight + 10_000 }]);
    await store.applyBatch([
      { kind: 'started', callId: 'latest', at: midnight - 30_000, direction: 'inbound', channel: 'sip' },
    ]);
    await store.applyBatch([
      { kind: 'started', callId: 'moved', at: midnight - 60_000, direction: 'inbound', channel: 'sip' },
    ]);
    expect(await store.lastActivityAt()).toBe(midnight - 30_000);
    await store.applySmsBatch([{ kind: 'received', messageId: 'sms-1', at: midnight - 20_000 }]);
    expect(await store.lastActivityAt()).toBe(midnight - 20_000);
  });

  it('aggregates stats, overview (breakdowns), percentiles and series in the store', async () => {
    const store = await open();
    await applyAll(store, lifecycle('a', T));
    await applyAll(store, lifecycle('b', T + 3_600_000));
    await store.applyBatch([
      {
        kind: 'started',
        callId: 'c',
        at: T + 60_000,
        direction: 'inbound',
        channel: 'gsm',
        trunk: 'modem-1',
      },
      { kind: 'ended', callId: 'c', at: T + 70_000, q850: 17 },
      { kind: 'started', callId: 'd', at: T + 120_000, direction: 'inbound', channel: 'gsm' },
    ]);
    const q = { from: T, to: T + 7_200_000 };
    const st = await store.stats(q);
    expect(st).toMatchObject({
      total: 4,
      finished: 3,
      active: 1,
      answered: 2,
      networkEffective: 3,
      sipAttempts: 2,
    });
    expect(st.byStatus).toMatchObject({ completed: 2, busy: 1, active: 1 });
    expect(st.durationMsSum).toBe(130_000);
    const overview = await store.overview(q, 'hour');
    expect(overview.breakdown).toEqual({
      byDirection: { outbound: 2, inbound: 2 },
      byChannel: { sip: 2, gsm: 2 },
      byTrunk: { 'carrier-a': 2, 'modem-1': 1, unknown: 1 },
      byFailureReason: { busy: 1 },
    });
    // One scan gives the same stats and series as the separate queries.
    expect(overview.stats).toEqual(st);
    expect(overview.series).toEqual(await store.series(q, 'hour'));
    expect(await store.durationPercentiles(q, [0, 0.5, 1])).toEqual([65_000, 65_000, 65_000]);
    expect((await store.stats({ ...q, channel: 'gsm' })).total).toBe(2);
    expect((await store.stats({ ...q, trunk: 'carrier-a' })).total).toBe(2);
    expect((await store.stats({ ...q, direction: 'inbound' })).total).toBe(2);
    const series = await store.series(q, 'hour');
    expect(series.map((s) => [s.start, s.total, s.answered])).toEqual([
      [T, 3, 1],
      [T + 3_600_000, 1, 1],
    ]);
    expect(await store.lastActivityAt()).toBe(T + 3_600_000);
    expect(await store.countActiveSince(T + 120_001)).toBe(1);
    expect(await store.countActiveSince(T + 120_000)).toBe(0);
  });

  it('a series bucket counts its calls as the stats of its hour do (the series sum in SQL, the stats fold in JS)', async () => {
    const store = await open();
    const H = 3_600_000;
    // Every outcome the KPI bits tell apart: answered, busy, no answer, cancelled, declined,
    // ineffective, redirected, a 401 challenge, a GSM call with a cause, one still ringing, one
    // that never ends; over two hours, twice as many in the second.
    const ends: Array<[number, { q850?: number }]> = [
      [200, {}],
      [486, {}],
      [480, {}],
      [487, {}],
      [603, {}],
      [503, {}],
      [302, {}],
      [401, {}],
      [0, { q850: 17 }],
      [0, { q850: 16 }],
    ];
    for (const [hour, copies] of [
      [0, 1],
      [1, 2],
    ] as const) {
      for (let k = 0; k < copies; k++) {
        for (const [i, [code, extra]] of ends.entries()) {
          const callId = `s${hour}-${k}-${i}`;
          const at = T + hour * H + (i * 5 + k) * 60_000;
          const channel = code === 0 ? 'gsm' : 'sip';
          const updates: CallUpdate[] = [{ kind: 'started', callId, at, direction: 'outbound', channel }];
          if (code === 200 || (code === 0 && extra.q850 === 16))
            updates.push({ kind: 'answered', callId, at: at + 5000 });
          updates.push({
            kind: 'ended',
            callId,
            at: at + 45_000,
            ...(code === 0 ? {} : { sipCode: code }),
            ...extra,
          });
          await applyAll(store, updates);
        }
        await store.apply({
          kind: 'started',
          callId: `open${hour}-${k}`,
          at: T + hour * H + 59 * 60_000,
          direction: 'inbound',
          channel: 'sip',
        });
      }
    }
    const series = await store.series({ from: T, to: T + 2 * H }, 'hour');
    expect(series.map((b) => [b.start, b.total])).toEqual([
      [T, 11],
      [T + H, 22],
    ]);
    for (const b of series) {
      const st = await store.stats({ from: b.start, to: b.start + H });
      expect(b).toEqual({
        start: b.start,
        total: st.total,
        byStatus: st.byStatus,
        kpi: {
          attempts: st.finished,
          answered: st.answered,
          networkEffective: st.networkEffective,
          sipAttempts: st.sipAttempts,
          sipRedirected: st.sipRedirected,
          sipAnswered: st.sipAnswered,
          sipEffective: st.sipEffective,
          sipIneffective: st.sipIneffective,
        },
        answered: st.answered,
        durationCount: st.durationCount,
        durationMsSum: st.durationMsSum,
      });
    }
    // The counts are not all zero or all equal: each one tells the outcomes apart.
    const [first] = series;
    expect(first!.kpi).toMatchObject({
      attempts: 9,
      answered: 2,
      sipAttempts: 7,
      sipRedirected: 1,
      sipAnswered: 1,
    });
    expect(first!.byStatus.active).toBe(1);
  });
}
