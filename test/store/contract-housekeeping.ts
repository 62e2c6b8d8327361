/** Contract: housekeeping and SMS — zombies, retention, SMS records, durability across reopen. */
import { expect, it } from 'vitest';
import { REPORT_WAIT_MS } from '../../src/domain/standards/sms.js';
import { StoreError, ValidationError } from '../../src/errors.js';
import { type ContractContext, collect, lifecycle, mid, T } from './contract-kit.js';

export function housekeepingContract(ctx: ContractContext): void {
  const open = ctx.open;
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
    // Late media and a transcript, batched, are not an end: the cleanup's guess stands.
    await store.applyBatch([
      { kind: 'media', callId: 'z1', at: T + 60_000, mos: 4.1, jitterMs: 5, lossPercent: 0 },
      { kind: 'transcript', callId: 'z1', at: T + 60_000 },
    ]);
    expect(await store.getCall('z1')).toMatchObject({
      status: 'timeout',
      endedAt: now,
      closedByCleanup: true,
      transcript: true,
      mos: 4.1,
    });
    await store.apply({ kind: 'ended', callId: 'z1', at: T + 90_000, sipCode: 200 });
    expect(await store.getCall('z1')).toMatchObject({
      status: 'completed',
      endedAt: T + 90_000,
      talkMs: 89_000,
      closedByCleanup: false,
    });
    await expect(store.closeZombies(0)).rejects.toBeInstanceOf(ValidationError);
  });

  it('closes a large zombie backlog completely, in batches', async () => {
    const store = await open();
    await store.applyBatch(
      Array.from({ length: 4500 }, (_, i) => ({
        kind: 'started' as const,
        callId: `zz${i}`,
        at: T + i,
        direction: 'inbound' as const,
        channel: 'sip' as const,
      })),
    );
    expect(await store.closeZombies(60, T + 4_000_000)).toBe(4500);
    expect(await store.countActiveSince(T + 4_000_000)).toBe(0);
    expect((await store.stats({ from: T, to: T + 5000 })).byStatus.timeout).toBe(4500);
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
    expect(all.map((s) => s.messageId)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'].map(mid));
  });

  it('counts the SMS awaiting their report as domain/standards/sms.ts awaitsReport defines them', async () => {
    const store = await open();
    const day = REPORT_WAIT_MS;
    await store.applySmsBatch([
      // Awaiting: referenced, sent, no final report (a pending or unknown one is not final).
      { kind: 'sent', messageId: 'w1', at: T + 1000, gateway: 'gw', reference: '1' },
      { kind: 'sent', messageId: 'w2', at: T + 2000, gateway: 'gw', reference: '2' },
      { kind: 'delivery', messageId: 'w2', at: T + 3000, outcome: 'pending', statusCode: 0x20 },
      { kind: 'sent', messageId: 'w3', at: T + 4000, gateway: 'gw', reference: '3' },
      { kind: 'delivery', messageId: 'w3', at: T + 5000, outcome: 'unknown' },
      // Not awaiting: final, no reference, never sent, inbound.
      { kind: 'sent', messageId: 'x1', at: T, gateway: 'gw', reference: '4' },
      { kind: 'delivery', messageId: 'x1', at: T + 500, outcome: 'delivered' },
      { kind: 'sent', messageId: 'x2', at: T, gateway: 'gw', reference: '5' },
      { kind: 'send_failed', messageId: 'x2', at: T + 100 },
      { kind: 'sent', messageId: 'x3', at: T },
      { kind: 'received', messageId: 'x4', at: T },
    ]);
    const facts = async (now: number) => {
      const st = await store.smsStats({ from: T - 1, to: T + 10_000, now });
      return [st.awaiting, st.oldestAwaitingAt];
    };
    expect(await facts(T + 10_000)).toEqual([3, T + 1000]);
    // A day after its submission a message no longer awaits (the validity period).
    expect(await facts(T + 1000 + day - 1)).toEqual([3, T + 1000]);
    expect(await facts(T + 1000 + day)).toEqual([2, T + 2000]);
    expect(await facts(T + 4000 + day)).toEqual([0, null]);
  });

  it('matches a delivery report to the most recent pending submission with its reference on its gateway', async () => {
    const store = await open();
    await store.applySmsBatch([
      { kind: 'sent', messageId: 'a1', at: T, gateway: 'gw', reference: '7' },
      { kind: 'sent', messageId: 'a2', at: T + 1000, gateway: 'gw', reference: '7' },
      // Not candidates: failed, on another gateway, sent after the report, inbound.
      { kind: 'sent', messageId: 'a3', at: T + 2000, gateway: 'gw', reference: '7' },
      { kind: 'send_failed', messageId: 'a3', at: T + 2500 },
      { kind: 'sent', messageId: 'b1', at: T + 3000, gateway: 'other', reference: '7' },
      { kind: 'sent', messageId: 'a4', at: T + 60_000, gateway: 'gw', reference: '7' },
      { kind: 'received', messageId: 'in', at: T + 4000 },
      // No gateway: matched by a report without one.
      { kind: 'sent', messageId: 'n1', at: T + 5000, reference: '9' },
    ]);
    const report = (id: string, reference: string, gateway?: string) => ({
      kind: 'delivery' as const,
      messageId: id,
      at: T + 10_000,
      outcome: 'delivered' as const,
      match: { reference, ...(gateway === undefined ? {} : { gateway }) },
    });
    // The newest pending one first; once it is delivered, the next report takes the older one.
    await store.applySms(report('r1', '7', 'gw'));
    expect((await store.getSms('a2'))?.status).toBe('delivered');
    expect((await store.getSms('a1'))?.status).toBe('sent');
    await store.applySms(report('r2', '7', 'gw'));
    expect((await store.getSms('a1'))?.status).toBe('delivered');
    await store.applySms(report('r3', '9'));
    expect((await store.getSms('n1'))?.status).toBe('delivered');
    // Nothing pending left with that reference: the report is kept under its own id.
    await store.applySms(report('r4', '7', 'gw'));
    expect((await store.getSms('r4'))?.status).toBe('delivered');
    for (const id of ['r1', 'r2', 'r3']) expect(await store.getSms(id)).toBeUndefined();
    expect((await store.getSms('a3'))?.status).toBe('failed');
    expect((await store.getSms('b1'))?.status).toBe('sent');
    expect((await store.getSms('a4'))?.status).toBe('sent');
  });

  it('matches a report and a submission when only one of them names its gateway (issue 34)', async () => {
    const store = await open();
    await store.applySmsBatch([
      // Sent without a gateway (an app that left `modem` out), reported on the modem.
      { kind: 'sent', messageId: 'g1', at: T, reference: '11' },
      // Sent on the modem, reported without one.
      { kind: 'sent', messageId: 'g2', at: T, gateway: 'gw', reference: '12' },
      // Both kinds pending with one reference: the report's own gateway first, then none.
      { kind: 'sent', messageId: 'n13', at: T + 1000, reference: '13' },
      { kind: 'sent', messageId: 'g13', at: T, gateway: 'gw', reference: '13' },
      // Never taken by a report on another gateway.
      { kind: 'sent', messageId: 'o14', at: T, gateway: 'other', reference: '14' },
    ]);
    const report = (id: string, reference: string, gateway?: string) => ({
      kind: 'delivery' as const,
      messageId: id,
      at: T + 10_000,
      outcome: 'delivered' as const,
      match: { reference, ...(gateway === undefined ? {} : { gateway }) },
    });
    await store.applySms(report('r1', '11', 'gw'));
    expect((await store.getSms('g1'))?.status).toBe('delivered');
    await store.applySms(report('r2', '12'));
    expect((await store.getSms('g2'))?.status).toBe('delivered');
    await store.applySms(report('r3', '13', 'gw'));
    expect((await store.getSms('g13'))?.status).toBe('delivered');
    expect((await store.getSms('n13'))?.status).toBe('sent');
    await store.applySms(report('r4', '13', 'gw'));
    expect((await store.getSms('n13'))?.status).toBe('delivered');
    await store.applySms(report('r5', '14', 'gw'));
    expect((await store.getSms('o14'))?.status).toBe('sent');
    expect((await store.getSms('r5'))?.status).toBe('delivered');
  });

  it('keeps acknowledged records across close and reopen, and refuses use after close', async () => {
    const store = await open();
    await store.applyBatch(lifecycle('keep', T, { to: '+15551234567' }));
    await store.applySms({ kind: 'sent', messageId: 'sms-keep', at: T });
    const before = await store.getCall('keep');
    const again = await ctx.harness().reopen();
    expect(await again.getCall('keep')).toEqual(before);
    expect(await again.getSms('sms-keep')).toBeDefined();
    const err = await store.getCall('keep').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'ST_STORE_CLOSED' });
  });
}
