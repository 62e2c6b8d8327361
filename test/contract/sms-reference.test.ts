/**
 * Issue 34: a delivery report matches its submission on every surface, whatever form the
 * reference takes (42, "42", "042": the docs allow a number or a string) and whether or not each
 * event names its modem. The modem source reports `reference: "42"` with `modem`; an app posts
 * `sms.sent` as it likes. Metrics (the delivery latency and the pending gauge) and the store (the
 * record the console reads through /metrics/sms) must agree: matched, or not, together.
 */
import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { harness } from './surfaces.js';

const NOW = Date.UTC(2026, 0, 10, 12, 0);
const T = NOW - 3_600_000;
const to = '+447700900123';

const cases: Array<[string, SidetoneEvent, SidetoneEvent, boolean]> = [
  [
    'integer reference, report as the modem sends it',
    { type: 'sms.sent', to, reference: 42, modem: 'modem0', ts: T },
    { type: 'sms.delivery_report', reference: '42', tpStatus: 0, modem: 'modem0', ts: T + 5000 },
    true,
  ],
  [
    'zero-padded string reference',
    { type: 'sms.sent', to, reference: '042', modem: 'modem0', ts: T },
    { type: 'sms.delivery_report', reference: 42, tpStatus: 0, modem: 'modem0', ts: T + 5000 },
    true,
  ],
  [
    'sent without a modem, reported by the modem',
    { type: 'sms.sent', to, reference: 42, ts: T },
    { type: 'sms.delivery_report', reference: '42', tpStatus: 0, modem: 'modem0', ts: T + 5000 },
    true,
  ],
  [
    'sent on a modem, reported without one',
    { type: 'sms.sent', to, reference: '42', modem: 'modem0', ts: T },
    { type: 'sms.delivery_report', reference: 42, tpStatus: 0, ts: T + 5000 },
    true,
  ],
  [
    'a report on another modem is another message',
    { type: 'sms.sent', to, reference: 42, modem: 'modem1', ts: T },
    { type: 'sms.delivery_report', reference: '42', tpStatus: 0, modem: 'modem0', ts: T + 5000 },
    false,
  ],
];

describe('SMS delivery-report matching, every surface', () => {
  it.each(cases)('%s', async (_name, sent, report, matches) => {
    const h = harness({ now: NOW, trunks: [] });
    expect(await h.post([sent, report])).toBe(200);
    const metrics = await (await h.fetch(new Request('http://localhost/metrics'))).text();
    const count = Number(/^sidetone_sms_delivery_seconds_count (\S+)$/m.exec(metrics)?.[1]);
    const pending = Number(/^sidetone_sms_delivery_pending (\S+)$/m.exec(metrics)?.[1]);
    const records = [];
    for await (const r of h.store.iterateSms({ from: T - 1, to: NOW })) records.push(r);
    const stats = await h.store.smsStats({ from: T - 1, to: NOW });
    if (matches) {
      expect([count, pending]).toEqual([1, 0]);
      expect(records.map((r) => [r.status, r.latencyMs])).toEqual([['delivered', 5000]]);
      expect(stats.byStatus).toMatchObject({ delivered: 1 });
    } else {
      expect([count, pending]).toEqual([0, 1]);
      // The submission still waits; the report is kept under its own id.
      expect(records.map((r) => r.status).sort()).toEqual(['delivered', 'sent']);
      expect(records.find((r) => r.status === 'delivered')?.latencyMs ?? null).toBeNull();
    }
    await h.close();
  });
});
