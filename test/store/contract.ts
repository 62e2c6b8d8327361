/**
 * Contract every CallStore backend must pass. A backend's test file calls
 * `runCallStoreContract(name, factory)`; the factory gives a fresh, empty store.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, ValidationError } from '../../src/errors.js';
import { hashNumber } from '../../src/store/privacy.js';
import type { CallRecord, CallStore, CallUpdate } from '../../src/store/types.js';

export const KEY = 'contract-test-hash-key-0123456789';
const T = Date.UTC(2024, 0, 15, 10, 0, 0);

export interface ContractHarness {
  store: CallStore;
  /** Close the store and open the same storage again. */
  reopen(): Promise<CallStore>;
  /** Remove the storage (the store may already be closed). */
  cleanup(): Promise<void>;
}
export type ContractFactory = (opts: { storeRaw: boolean }) => Promise<ContractHarness>;

/** The updates of one normal answered call. */
export function lifecycle(
  callId: string,
  at: number,
  extra: Partial<{ from: string; to: string }> = {},
): CallUpdate[] {
  return [
    { kind: 'started', callId, at, direction: 'outbound', channel: 'sip', trunk: 'carrier-a', ...extra },
    { kind: 'ringing', callId, at: at + 2000 }, // 180 Ringing
    { kind: 'ringing', callId, at: at + 3000 }, // 183 Session Progress: PDD keeps the first
    { kind: 'answered', callId, at: at + 5000 },
    { kind: 'media', callId, at: at + 30_000, mos: 4.2, jitterMs: 12, lossPercent: 0.5, rttMs: 80 },
    { kind: 'media', callId, at: at + 60_000, mos: 3.9, jitterMs: 8, lossPercent: 1.5 },
    { kind: 'transcript', callId, at: at + 65_000 },
    { kind: 'ended', callId, at: at + 65_000, sipCode: 200, hangupBy: 'callee' },
  ];
}

async function applyAll(store: CallStore, us: readonly CallUpdate[]) {
  for (const u of us) await store.apply(u);
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export function runCallStoreContract(name: string, factory: ContractFactory): void {
  describe(`CallStore contract: ${name}`, () => {
    let h: ContractHarness | undefined;
    const open = async (storeRaw = false) => {
      h = await factory({ storeRaw });
      return h.store;
    };
    afterEach(async () => {
      await h?.cleanup();
      h = undefined;
    });

    it('builds one record per call from its lifecycle, with durations, PDD, worst media and masked numbers', async () => {
      const store = await open();
      await applyAll(store, lifecycle('c1', T, { from: '+15551234567', to: '+442071234567' }));
      const r = (await store.getCall('c1'))!;
      expect(r).toMatchObject({
        callId: 'c1',
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
      expect((err as Error).message).toContain('#8');
      expect(await store.getCall('ok')).toBeUndefined();
      for (const u of [
        { kind: 'started', callId: 'x', at: T, direction: 'sideways', channel: 'sip' },
        { kind: 'ended', callId: 'x', at: T, sipCode: 99 },
        { kind: 'ended', callId: 'x', at: T, status: 'active' },
        { kind: 'media', callId: 'x', at: T, mos: 7, jitterMs: 1, lossPercent: 0 },
        { kind: 'bogus', callId: 'x', at: T },
        { kind: 'ringing', callId: '', at: T },
      ]) {
        await expect(store.apply(u as CallUpdate)).rejects.toMatchObject({ code: 'ST_STORE_INVALID_UPDATE' });
      }
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
      await h!.cleanup();
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
      expect(seen).toEqual(ids);
      const tail = await collect(store.iterateCalls({ from: T + 8000, to: T + 8001 }));
      expect(tail.map((r) => r.callId)).toEqual(['it24']);
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
      expect(recent.map((r) => r.callId)).toEqual(['f5', 'f4', 'f3', 'f2']);
      const busy = await store.recentCalls({ statuses: ['busy'], limit: 10, before: T + 3000 });
      expect(busy.map((r) => r.callId)).toEqual(['f1']);
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

    it('closes zombie calls as timeout; a real `ended` arriving later replaces the guess', async () => {
      const store = await open();
      await store.apply({ kind: 'started', callId: 'z1', at: T, direction: 'inbound', channel: 'sip' });
      await store.apply({ kind: 'answered', callId: 'z1', at: T + 1000 });
      await store.apply({
        kind: 'started',
        callId: 'z2',
        at: T + 3_000_000,
        direction: 'inbound',
        channel: 'sip',
      });
      const now = T + 3_700_000;
      expect(await store.closeZombies(3600, now)).toBe(1);
      expect(await store.getCall('z1')).toMatchObject({
        status: 'timeout',
        reason: 'timeout',
        endedAt: now,
        closedByCleanup: true,
        durationMs: null,
        talkMs: null,
      });
      expect((await store.getCall('z2'))!.status).toBe('active');
      expect(await store.closeZombies(3600, now)).toBe(0);
      await store.apply({ kind: 'ended', callId: 'z1', at: T + 90_000, sipCode: 200 });
      expect(await store.getCall('z1')).toMatchObject({
        status: 'completed',
        endedAt: T + 90_000,
        talkMs: 89_000,
        closedByCleanup: false,
      });
      await expect(store.closeZombies(0)).rejects.toBeInstanceOf(ValidationError);
    });

    it('deletes old records in batches, yielding to the event loop between them', async () => {
      const store = await open();
      const day = 86_400_000;
      const now = T + 100 * day;
      await store.applyBatch(
        Array.from({ length: 95 }, (_, i) => ({
          kind: 'ringing' as const,
          callId: `o${i}`,
          at: now - (i < 70 ? 40 : 10) * day - i,
        })),
      );
      await store.applySms({ kind: 'sent', messageId: 'old', at: now - 40 * day, to: '+15551234567' });
      await store.applySms({ kind: 'sent', messageId: 'new', at: now - day, to: '+15551234567' });
      let turns = 0;
      const spin = () => {
        turns++;
        if (turns < 1000) setImmediate(spin);
      };
      setImmediate(spin);
      const res = await store.deleteOlderThan(30, { batchSize: 20, now });
      expect(res).toEqual({ calls: 70, sms: 1 });
      expect(turns).toBeGreaterThanOrEqual(3);
      expect(await store.getCall('o69')).toBeUndefined();
      expect(await store.getCall('o70')).toBeDefined();
      expect(await store.getSms('new')).toBeDefined();
      await expect(store.deleteOlderThan(0)).rejects.toMatchObject({ code: 'ST_STORE_INVALID_RETENTION' });
    });

    it('records SMS: out-of-order reports converge, latency is sent → delivered, numbers masked', async () => {
      const store = await open();
      await store.applySmsBatch([
        { kind: 'delivery', messageId: 'm1', at: T + 4000, outcome: 'delivered', statusCode: 0 },
        { kind: 'sent', messageId: 'm1', at: T, to: '+15551234567', gateway: 'modem-1', segments: 1 },
        { kind: 'delivery', messageId: 'm1', at: T + 2000, outcome: 'pending', statusCode: 32 },
        { kind: 'sent', messageId: 'm2', at: T + 1000, to: '+15557654321' },
        { kind: 'send_failed', messageId: 'm2', at: T + 1500, reason: 'invalid_number' },
        { kind: 'sent', messageId: 'm3', at: T + 2000, to: '+15557654321' },
        { kind: 'delivery', messageId: 'm4', at: T + 9000, outcome: 'delivered' },
        { kind: 'sent', messageId: 'm4', at: T + 3000 },
        { kind: 'received', messageId: 'm5', at: T + 5000, from: '+15551112222', to: '+15553334444' },
      ]);
      expect(await store.getSms('m1')).toMatchObject({
        status: 'delivered',
        direction: 'outbound',
        toMasked: '+1555***4567',
        statusCode: 0,
        latencyMs: 4000,
        gateway: 'modem-1',
      });
      expect(await store.getSms('m2')).toMatchObject({ status: 'failed', failureReason: 'invalid_number' });
      expect((await store.getSms('m3'))!.status).toBe('sent');
      expect((await store.getSms('m5'))!).toMatchObject({
        status: 'received',
        direction: 'inbound',
        fromMasked: '+1555***2222',
      });
      const st = await store.smsStats({ from: T, to: T + 10_000 });
      expect(st).toMatchObject({
        total: 5,
        inbound: 1,
        outbound: 4,
        latencyCount: 2,
        latencyMsAvg: 5000,
        latencyMsMax: 6000,
      });
      expect(st.byStatus).toMatchObject({ delivered: 2, failed: 1, sent: 1, received: 1 });
      expect(st.latencyMsP50).toBe(5000);
      const all = await collect(store.iterateSms({ from: T, to: T + 10_000, chunkSize: 2 }));
      expect(all.map((s) => s.messageId)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    });

    it('keeps acknowledged records across close and reopen, and refuses use after close', async () => {
      const store = await open();
      await store.applyBatch(lifecycle('keep', T, { to: '+15551234567' }));
      await store.applySms({ kind: 'sent', messageId: 'sms-keep', at: T });
      const before = await store.getCall('keep');
      const again = await h!.reopen();
      expect(await again.getCall('keep')).toEqual(before);
      expect(await again.getSms('sms-keep')).toBeDefined();
      const err = await store.getCall('keep').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: 'ST_STORE_CLOSED' });
    });
  });
}

export type { CallRecord };
