/**
 * SMS identity survives the TP-MR wrap (TS 23.040 9.2.3.6: 0..255, per modem): records are keyed by
 * submission, and a delivery report is matched to the most recent pending submission with its
 * reference on its modem. Two messages with reference 17 on modem0 and modem1, or a day apart,
 * are two records; the later failure is not lost.
 */
import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { harness } from './surfaces.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const DAY = 86_400_000;
const T = NOW - 2 * DAY;

describe('SMS identity across the TP-MR wrap', () => {
  it('reference 17 on two modems, and again a day later, are three records with their own outcomes', async () => {
    const h = harness({ now: NOW, trunks: [], modems: ['modem0', 'modem1'] });
    const to = '+447700900123';
    const events: SidetoneEvent[] = [
      { type: 'sms.sent', to, reference: 17, modem: 'modem0', ts: T },
      { type: 'sms.sent', to, reference: 17, modem: 'modem1', ts: T + 1000 },
      // modem1's report first: it must not land on modem0's message.
      { type: 'sms.delivery_report', reference: 17, modem: 'modem1', tpStatus: 0, ts: T + 5000 },
      { type: 'sms.delivery_report', reference: 17, modem: 'modem0', tpStatus: 0, ts: T + 6000 },
      // A day later the reference has wrapped round to 17 on modem0 again; this one fails.
      { type: 'sms.sent', to, reference: 17, modem: 'modem0', ts: T + DAY },
      { type: 'sms.delivery_report', reference: 17, modem: 'modem0', tpStatus: 65, ts: T + DAY + 4000 },
    ];
    expect(await h.post(events)).toBe(200);
    const records = [];
    for await (const r of h.store.iterateSms({ from: T - 1, to: NOW })) records.push(r);
    expect(records.map((r) => [r.gateway, r.sentAt, r.status, r.latencyMs])).toEqual([
      ['modem0', T, 'delivered', 6000],
      ['modem1', T + 1000, 'delivered', 4000],
      ['modem0', T + DAY, 'failed', null],
    ]);
    const stats = await h.store.smsStats({ from: T - 1, to: NOW });
    expect(stats.byStatus).toMatchObject({ delivered: 2, failed: 1 });
    await h.close();
  });

  it('a report matches the most recent pending submission with its reference on its modem', async () => {
    const h = harness({ now: NOW, trunks: [] });
    const to = '+447700900123';
    expect(
      await h.post([
        { type: 'sms.sent', to, reference: 5, modem: 'modem0', ts: T },
        { type: 'sms.sent', to, reference: 5, modem: 'modem0', ts: T + 60_000 },
        { type: 'sms.delivery_report', reference: 5, modem: 'modem0', tpStatus: 0, ts: T + 61_000 },
        { type: 'sms.delivery_report', reference: 5, modem: 'modem0', tpStatus: 64, ts: T + 62_000 },
      ]),
    ).toBe(200);
    const records = [];
    for await (const r of h.store.iterateSms({ from: T - 1, to: NOW })) records.push(r);
    // The first report goes to the latest (T + 60 s); the second to the one still pending (T).
    expect(records.map((r) => [r.sentAt, r.status])).toEqual([
      [T, 'failed'],
      [T + 60_000, 'delivered'],
    ]);
    await h.close();
  });
});
