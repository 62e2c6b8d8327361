import { afterAll, describe, expect, it } from 'vitest';
import { smsSummary } from '../../src/analytics/sms.js';
import { memoryStore, T0 } from './scripted.js';

const store = memoryStore();
afterAll(() => store.close());

describe('SMS summary', () => {
  it('gives delivery rate over final outcomes and sent → delivered latency', async () => {
    await store.applySmsBatch([
      { kind: 'sent', messageId: 'a', at: T0, to: '+15551230001' },
      { kind: 'delivery', messageId: 'a', at: T0 + 2000, outcome: 'delivered' },
      { kind: 'sent', messageId: 'b', at: T0 + 1000, to: '+15551230002' },
      { kind: 'delivery', messageId: 'b', at: T0 + 7000, outcome: 'delivered' },
      { kind: 'sent', messageId: 'c', at: T0 + 2000, to: '+15551230003' },
      { kind: 'delivery', messageId: 'c', at: T0 + 12_000, outcome: 'delivered' },
      { kind: 'sent', messageId: 'd', at: T0 + 3000, to: '+15551230004' },
      { kind: 'delivery', messageId: 'd', at: T0 + 4000, outcome: 'failed', statusCode: 0x41 },
      { kind: 'sent', messageId: 'e', at: T0 + 4000, to: '+15551230005' },
      { kind: 'delivery', messageId: 'e', at: T0 + 5000, outcome: 'pending', statusCode: 0x20 },
      { kind: 'received', messageId: 'f', at: T0 + 5000, from: '+15551230006' },
    ]);
    const s = await smsSummary(store, { from: T0, to: T0 + 60_000 });
    // Latencies 2, 6, 10 s: avg 6, p50 6, p95 at rank 1.9 -> 6 + 0.9 * 4 = 9.6, max 10.
    expect(s).toEqual({
      period: { from: T0, to: T0 + 60_000 },
      total: 6,
      inbound: 1,
      outbound: 5,
      byStatus: { received: 1, queued: 0, sent: 0, pending: 1, delivered: 3, failed: 1, unknown: 0 },
      // None was submitted with a reference: no report event can be matched to one, so none awaits
      // (domain/standards/sms.ts awaitsReport; test/contract/sms-awaiting.test.ts has those that do).
      awaitingReport: 0,
      oldestAwaitingAt: null,
      deliveryRate: 75,
      latency: { count: 3, avg: 6, p50: 6, p95: 9.6, max: 10 },
    });
    const empty = await smsSummary(store, { from: T0 - 60_000, to: T0 });
    expect(empty.deliveryRate).toBeNull();
    expect(empty.latency).toEqual({ count: 0, avg: null, p50: null, p95: null, max: null });
  });
});
