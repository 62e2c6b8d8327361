/** Contract: building records from updates — convergence, derivation, validation. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { hashNumber } from '../../src/store/privacy.js';
import type { CallRecord, CallUpdate } from '../../src/store/types.js';
import {
  applyAll,
  type ContractContext,
  cid,
  collect,
  KEY,
  LIFECYCLE_AGENT,
  lifecycle,
  T,
} from './contract-kit.js';

const AGENT_OK = {
  kind: 'agent',
  callId: 'x',
  at: T,
  turns: 1,
  silenceP50Ms: 800,
  silenceP95Ms: 800,
  interruptions: 0,
  deadAir: 0,
  agentTalkMs: 1000,
  callerTalkMs: 1000,
};

export function writeContract(ctx: ContractContext): void {
  const open = ctx.open;
  it('builds one record per call from its lifecycle, with durations, PDD, worst media and masked numbers', async () => {
    const store = await open();
    await applyAll(store, lifecycle('c1', T, { from: '+15551234567', to: '+442071234567' }));
    const r = (await store.getCall('c1'))!;
    expect(r).toMatchObject({
      callId: cid('c1'),
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
      fromMasked: '+1555***4567',
      toMasked: '+4420***4567',
      fromHash: hashNumber(KEY, '+15551234567'),
      firstAt: T,
      startedAt: T,
      ringingAt: T + 2000,
      answeredAt: T + 5000,
      endedAt: T + 65_000,
      status: 'completed',
      sipCode: 200,
      reason: 'normal',
      hangupBy: 'callee',
      durationMs: 65_000,
      talkMs: 60_000,
      pddMs: 2000,
      transcript: true,
      mos: 3.9,
      jitterMs: 12,
      lossPercent: 1.5,
      rttMs: 80,
      closedByCleanup: false,
    });
    expect(r.from).toBeUndefined();
    expect(r.to).toBeUndefined();
    expect(await store.getCall('nope')).toBeUndefined();
  });

  it('converges to the same record for any order and duplication of updates (property)', async () => {
    const store = await open();
    const reference = lifecycle('ref', T, { from: '+15550001111' });
    await store.applyBatch(reference);
    const want = { ...(await store.getCall('ref'))!, callId: 'x' };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(reference, { minLength: reference.length, maxLength: reference.length }),
        fc.array(fc.nat({ max: reference.length - 1 }), { maxLength: 5 }),
        fc.boolean(),
        async (order, dupIdx, batched) => {
          const callId = `p${n++}`;
          const dups = dupIdx.map((i) => reference[i]!);
          const us = [...order, ...dups].map((u) => ({ ...u, callId }));
          if (batched) await store.applyBatch(us);
          else await applyAll(store, us);
          expect({ ...(await store.getCall(callId))!, callId: 'x' }).toEqual(want);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps the voice agent's turn summary beside the SIP outcome and media, whatever the order", async () => {
    const store = await open();
    await store.applyBatch(lifecycle('a1', T));
    const call = await store.getCall('a1');
    expect(call).toMatchObject({ status: 'completed', sipCode: 200, mos: 3.9, agent: LIFECYCLE_AGENT });
    // Later, a stale summary (fewer turns: a restarted sink) changes nothing; a newer one replaces it whole.
    await store.apply({
      kind: 'agent',
      callId: 'a1',
      at: T + 70_000,
      turns: 1,
      silenceP50Ms: 5,
      silenceP95Ms: 5,
      interruptions: 9,
      deadAir: 1,
      agentTalkMs: 1,
      callerTalkMs: 1,
    });
    expect((await store.getCall('a1'))?.agent).toEqual(LIFECYCLE_AGENT);
    const third = {
      turns: 3,
      silenceP50Ms: null,
      silenceP95Ms: null,
      interruptions: 1,
      deadAir: 1,
      agentTalkMs: 9000,
      callerTalkMs: 0,
    };
    await store.apply({ kind: 'agent', callId: 'a1', at: T + 80_000, ...third });
    expect((await store.getCall('a1'))?.agent).toEqual({ ...third, talkListenRatio: null });
    // A call without agent turns has none; the export reads the same record.
    await store.applyBatch(lifecycle('plain', T).filter((u) => u.kind !== 'agent'));
    expect((await store.getCall('plain'))?.agent).toBeNull();
    const exported = await collect(store.iterateCalls({ from: T - 1, to: T + 1 }));
    expect(exported.map((c) => c.agent?.turns ?? null).sort()).toEqual([3, null]);
  });

  it("keeps the call's SIP flow (the ladder) with its record: the longest given wins, in any order", async () => {
    const store = await open();
    const steps = [
      { atMs: 0, from: 'caller', to: 'proxy', method: 'INVITE' },
      { atMs: 1, from: 'proxy', to: 'caller', method: 'INVITE', code: 100 },
      { atMs: 40, from: 'proxy', to: 'caller', method: 'INVITE', code: 486, q850: 17 },
      { atMs: 43, from: 'caller', to: 'proxy', method: 'ACK' },
    ];
    const flow = (n: number): CallUpdate => ({
      kind: 'flow',
      callId: 'f1',
      at: T,
      sipFlow: JSON.stringify(steps.slice(0, n)),
    });
    const ended: CallUpdate = { kind: 'ended', callId: 'f1', at: T + 40, sipCode: 486, q850: 17 };
    // The flow first, then the call's own facts; a shorter repeat later changes nothing.
    await store.applyBatch([
      flow(4),
      { kind: 'started', callId: 'f1', at: T, direction: 'inbound', channel: 'sip' },
    ]);
    await store.applyBatch([ended, flow(2)]);
    const call = await store.getCall('f1');
    expect(call).toMatchObject({ status: 'busy', sipCode: 486, sipFlow: steps });
    // Repeats in one batch (rounds) converge too; a call with none has none.
    await store.applyBatch([flow(1), flow(3), flow(2)].map((u) => ({ ...u, callId: 'f2' })));
    expect((await store.getCall('f2'))?.sipFlow).toEqual(steps.slice(0, 3));
    await store.applyBatch(lifecycle('plain-f', T));
    expect((await store.getCall('plain-f'))?.sipFlow).toBeNull();
    // Exports read the same record.
    const exported = await collect(store.iterateCalls({ from: T - 1, to: T + 1 }));
    expect(exported.find((c) => c.callId === cid('f1'))?.sipFlow).toEqual(steps);
    // Not a JSON array: refused, naming the field.
    await expect(store.apply({ kind: 'flow', callId: 'f3', at: T, sipFlow: 'INVITE' })).rejects.toThrow(
      /sipFlow/,
    );
  });

  it('creates the row from an `ended` that arrives first and fills it in later', async () => {
    const store = await open();
    await store.apply({ kind: 'ended', callId: 'e1', at: T + 9000, sipCode: 486 });
    expect(await store.getCall('e1')).toMatchObject({
      status: 'busy',
      startedAt: null,
      durationMs: null,
      firstAt: T + 9000,
    });
    await store.apply({ kind: 'started', callId: 'e1', at: T, direction: 'inbound', channel: 'pstn' });
    expect(await store.getCall('e1')).toMatchObject({
      status: 'busy',
      reason: 'busy',
      firstAt: T,
      durationMs: 9000,
    });
    // An answer reported after the end still counts: the call was answered.
    await store.apply({ kind: 'answered', callId: 'e1', at: T + 3000 });
    expect(await store.getCall('e1')).toMatchObject({
      status: 'completed',
      answeredAt: T + 3000,
      talkMs: 6000,
    });
  });

  it('derives status from SIP code, Q.850 cause, reason and hang-up side; an explicit status wins', async () => {
    const store = await open();
    const cases: [Partial<Extract<CallUpdate, { kind: 'ended' }>>, string, string][] = [
      [{ sipCode: 486 }, 'busy', 'busy'],
      [{ sipCode: 600 }, 'busy', 'busy'],
      [{ sipCode: 480 }, 'no_answer', 'no_answer'],
      [{ sipCode: 487 }, 'cancelled', 'cancelled'],
      [{ sipCode: 408 }, 'timeout', 'timeout'],
      [{ sipCode: 503 }, 'failed', 'network_error'],
      [{ sipCode: 603 }, 'failed', 'rejected'],
      [{ sipCode: 407 }, 'failed', 'auth'],
      [{ sipCode: 488 }, 'failed', 'codec'],
      [{ sipCode: 499 }, 'failed', 'other'],
      [{ sipCode: 302 }, 'failed', 'other'],
      [{ q850: 17 }, 'busy', 'busy'],
      [{ q850: 19 }, 'no_answer', 'no_answer'],
      [{ q850: 16 }, 'cancelled', 'normal'],
      [{ q850: 34 }, 'failed', 'network_error'],
      [{ sipCode: 499, q850: 17 }, 'busy', 'busy'],
      [{ hangupBy: 'caller' }, 'cancelled', 'cancelled'],
      [{}, 'failed', 'other'],
      [{ reason: 'codec', sipCode: 486 }, 'failed', 'codec'],
      [{ status: 'no_answer', sipCode: 503 }, 'no_answer', 'network_error'],
      [{ sipCode: 200 }, 'completed', 'normal'],
    ];
    for (const [i, [fields]] of cases.entries())
      await store.apply({ kind: 'ended', callId: `s${i}`, at: T + i, ...fields });
    for (const [i, [fields, status, reason]] of cases.entries()) {
      const r = (await store.getCall(`s${i}`))!;
      expect({ fields, status: r.status, reason: r.reason }).toEqual({ fields, status, reason });
    }
  });

  it('resolves conflicting reports the same way in either order: earliest wins, gaps filled', async () => {
    const store = await open();
    const conflicting: CallUpdate[] = [
      {
        kind: 'started',
        callId: '',
        at: T + 100,
        direction: 'inbound',
        channel: 'pstn',
        trunk: 'late',
        to: '+15550000002',
      },
      { kind: 'started', callId: '', at: T, direction: 'outbound', channel: 'sip', from: '+15550000001' },
      { kind: 'ended', callId: '', at: T + 10_000, sipCode: 486, q850: 17, hangupBy: 'callee' },
      { kind: 'ended', callId: '', at: T + 8000, sipCode: 480 },
      { kind: 'ringing', callId: '', at: T + 3000 },
      { kind: 'ringing', callId: '', at: T + 2000 },
    ];
    const records: CallRecord[] = [];
    for (const [i, order] of [conflicting, [...conflicting].reverse()].entries()) {
      await applyAll(
        store,
        order.map((u) => ({ ...u, callId: `m${i}` })),
      );
      records.push({ ...(await store.getCall(`m${i}`))!, callId: 'm' });
    }
    expect(records[0]).toEqual(records[1]);
    expect(records[0]).toMatchObject({
      startedAt: T,
      direction: 'outbound',
      channel: 'sip',
      trunk: 'late', // the earliest start has no trunk: the gap is filled from the later one
      fromMasked: '+1555***0001',
      toMasked: '+1555***0002',
      endedAt: T + 8000,
      sipCode: 480,
      q850: 17,
      hangupBy: 'callee',
      status: 'no_answer',
      pddMs: 2000,
    });
  });

  it('rejects malformed updates with ValidationError and writes nothing of a bad batch', async () => {
    const store = await open();
    const bad = [...lifecycle('ok', T), { kind: 'ended', callId: 'ok2', at: Number.NaN } as CallUpdate];
    const err = await store.applyBatch(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ code: 'ST_STORE_INVALID_UPDATE' });
    const n = bad.length - 1;
    expect((err as Error).message).toContain(`#${n}`);
    expect(await store.getCall('ok')).toBeUndefined();
    for (const u of [
      { kind: 'started', callId: 'x', at: T, direction: 'sideways', channel: 'sip' },
      { kind: 'ended', callId: 'x', at: T, sipCode: 99 },
      { kind: 'ended', callId: 'x', at: T, status: 'active' },
      { kind: 'media', callId: 'x', at: T, mos: 7, jitterMs: 1, lossPercent: 0 },
      { kind: 'bogus', callId: 'x', at: T },
      // An agent summary with a negative count, a fractional count, a missing count or a silence past a week.
      { ...AGENT_OK, turns: -1 },
      { ...AGENT_OK, interruptions: 1.5 },
      { ...AGENT_OK, deadAir: undefined },
      { ...AGENT_OK, silenceP95Ms: 8 * 86_400_000 },
      { kind: 'ringing', callId: '', at: T },
    ]) {
      await expect(store.apply(u as CallUpdate)).rejects.toMatchObject({ code: 'ST_STORE_INVALID_UPDATE' });
    }
    // A single update has no position, even right after a batch's failure named one.
    await expect(store.applyBatch(bad)).rejects.toThrow(new RegExp(`^call update #${n}: at `));
    await expect(store.apply({ kind: 'ringing', callId: '', at: T })).rejects.toThrow(
      /^call update: callId /,
    );
    // A bad phone number is reported by type, never echoed.
    const e2 = await store
      .apply({
        kind: 'started',
        callId: 'x',
        at: T,
        direction: 'inbound',
        channel: 'sip',
        from: 15551234567 as never,
      })
      .catch((e: Error) => e);
    expect((e2 as Error).message).not.toContain('15551234567');
  });

  it("takes an SMS failure reason in the ingest API's words and names the word for a renamed one", async () => {
    const store = await open();
    await store.applySms({ kind: 'send_failed', messageId: 'q', at: T, reason: 'quota' });
    expect((await store.getSms('q'))?.failureReason).toBe('quota');
    // The stored words before SQLite 14 / PostgreSQL 12: refused, with the word to pass instead.
    for (const [old, now] of [
      ['network_error', 'network'],
      ['modem_error', 'modem'],
      ['no_credit', 'quota'],
    ]) {
      const err = await store
        .applySms({ kind: 'send_failed', messageId: old!, at: T, reason: old as never })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect(err).toMatchObject({ code: 'ST_STORE_INVALID_UPDATE' });
      expect((err as Error).message).toBe(
        `sms update: reason "${old}" was renamed "${now}" (the ingest API's word): pass "${now}"`,
      );
      expect(await store.getSms(old!)).toBeUndefined();
    }
  });
}
