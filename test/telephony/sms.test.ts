import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, PII, sample, setup, T0 } from './helpers.js';

describe('sms pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry } = setup();
    emit(FIXTURES.sms);
    const text = await registry.metrics();
    expectSeries(text, 'sms', [
      'sidetone_sms_received_total 2',
      'sidetone_sms_sent_total 2',
      'sidetone_sms_send_failures_total{reason="timeout"} 1',
      'sidetone_sms_send_failures_total{reason="network"} 1',
      'sidetone_sms_send_failures_total{reason="modem"} 1',
      'sidetone_sms_send_failures_total{reason="quota"} 1',
      'sidetone_sms_segments_total{direction="inbound"} 3',
      'sidetone_sms_segments_total{direction="outbound"} 4',
      'sidetone_sms_delivery_reports_total{outcome="delivered"} 2',
      'sidetone_sms_delivery_reports_total{outcome="pending"} 1',
      'sidetone_sms_delivery_reports_total{outcome="failed"} 2',
      'sidetone_sms_delivery_reports_total{outcome="unknown"} 1',
      'sidetone_sms_delivery_seconds_sum 4',
      'sidetone_sms_delivery_seconds_count 1',
    ]);
    expect(sample(text, 'sidetone_sms_delivery_seconds_bucket{le="2"}')).toBe(0);
    expect(sample(text, 'sidetone_sms_delivery_seconds_bucket{le="5"}')).toBe(1);
    // Failure classes exist at zero from the start, so a ratio has a denominator.
    expect(sample(text, 'sidetone_sms_send_failures_total{reason="invalid_number"}')).toBe(0);
    expectNoPii(text);
  });

  // TS 23.040 9.2.3.15: class = bits 6..5; reserved values read as 0x63 (failed).
  const tpStatus: Array<[number, string]> = [
    [0x00, 'delivered'],
    [0x02, 'delivered'],
    [0x1f, 'delivered'],
    [0x20, 'pending'],
    [0x25, 'pending'],
    [0x40, 'failed'],
    [0x46, 'failed'],
    [0x60, 'failed'],
    [0x65, 'failed'],
    [0x03, 'failed'],
    [0x80, 'failed'],
  ];
  it.each(tpStatus)('TP-Status 0x%s -> %s in the exposition', (status, outcome) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sms.delivery_report', tpStatus: status });
    expect(sample(registry.render(), `sidetone_sms_delivery_reports_total{outcome="${outcome}"}`)).toBe(1);
  });

  const provider: Array<[string, number | undefined, string]> = [
    ['accepted', undefined, 'pending'],
    ['queued', undefined, 'pending'],
    ['sent', undefined, 'pending'],
    ['delivered', undefined, 'delivered'],
    ['READ', undefined, 'delivered'],
    ['failed', 30007, 'failed'],
    ['canceled', undefined, 'failed'],
    ['undelivered', 30003, 'failed'],
    ['receiving', undefined, 'unknown'],
    ['partially_delivered', undefined, 'unknown'],
  ];
  it.each(provider)('provider status %s (%s) -> %s', (status, errorCode, outcome) => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'sms.delivery_report',
      providerStatus: status,
      ...(errorCode === undefined ? {} : { errorCode }),
    });
    expect(sample(registry.render(), `sidetone_sms_delivery_reports_total{outcome="${outcome}"}`)).toBe(1);
  });

  const failures: Array<[string, Record<string, unknown>, string]> = [
    ['CMS 1 unassigned number', { cmsError: 1 }, 'invalid_number'],
    ['CMS 21 transfer rejected', { cmsError: 21 }, 'rejected'],
    ['CMS 42 congestion', { cmsError: 42 }, 'network'],
    ['CMS 322 memory full', { cmsError: 322 }, 'quota'],
    ['CMS 332 network timeout', { cmsError: 332 }, 'timeout'],
    ['CMS 500 unknown', { cmsError: 500 }, 'other'],
    ['CMS in the text', { error: `+CMS ERROR: 30 for ${PII.phone}` }, 'invalid_number'],
    ['rate limit text', { error: 'HTTP 429: rate limit exceeded' }, 'quota'],
    [
      'invalid number text',
      { error: `The 'To' number ${PII.phone} is not a valid phone number` },
      'invalid_number',
    ],
    ['unknown subscriber text', { error: 'unknown subscriber' }, 'invalid_number'],
    ['blocked text', { error: 'Message blocked by carrier' }, 'rejected'],
    ['serial port text', { error: 'serial port /dev/ttyUSB2 closed' }, 'modem'],
    ['network text', { error: 'ECONNREFUSED 10.0.0.1:443' }, 'network'],
    ['explicit reason wins', { reason: 'quota', cmsError: 1 }, 'quota'],
    ['nothing known', {}, 'other'],
  ];
  it.each(failures)('send failure: %s', (_name, fields, reason) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sms.send_failed', to: PII.phone, ...fields });
    const text = registry.render();
    expect(sample(text, `sidetone_sms_send_failures_total{reason="${reason}"}`)).toBe(1);
    expectNoPii(text);
  });

  it('times delivery only for final reports matched by reference; pending reports keep waiting', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sms.sent', to: PII.phone, reference: 200, ts: T0 });
    bus.emit({ type: 'sms.delivery_report', reference: 200, tpStatus: 0x20, ts: T0 + 2000 });
    bus.emit({ type: 'sms.delivery_report', reference: 200, tpStatus: 0x00, ts: T0 + 30_000 });
    bus.emit({ type: 'sms.delivery_report', reference: 200, tpStatus: 0x00, ts: T0 + 40_000 });
    const text = registry.render();
    expect(sample(text, 'sidetone_sms_delivery_seconds_count')).toBe(1);
    expect(sample(text, 'sidetone_sms_delivery_seconds_sum')).toBe(30);
  });

  it('helpers update the same series as events', () => {
    const { bus, registry, telephony } = setup();
    telephony.sms?.received(3);
    bus.emit({ type: 'sms.received', from: PII.phone });
    telephony.sms?.sendFailed('timeout');
    telephony.sms?.delivery('delivered', 12);
    const text = registry.render();
    expect(sample(text, 'sidetone_sms_received_total')).toBe(2);
    expect(sample(text, 'sidetone_sms_segments_total{direction="inbound"}')).toBe(4);
    expect(sample(text, 'sidetone_sms_send_failures_total{reason="timeout"}')).toBe(1);
    expect(sample(text, 'sidetone_sms_delivery_seconds_sum')).toBe(12);
  });

  it('counts SMS awaiting a final report and ages the oldest at scrape time (delivery-stall alert)', async () => {
    const { emit, registry, clock } = setup();
    const pending = async () => {
      const text = await registry.metrics();
      return [
        sample(text, 'sidetone_sms_delivery_pending'),
        sample(text, 'sidetone_sms_delivery_pending_oldest_seconds'),
      ];
    };
    expect(await pending()).toEqual([0, 0]);
    emit([{ type: 'sms.sent', to: PII.phone, reference: 1 }]);
    clock.now += 30_000;
    emit([{ type: 'sms.sent', to: PII.phone2, reference: 2 }]);
    clock.now += 10_000;
    expect(await pending()).toEqual([2, 40]);
    // A pending report (TP-Status 0x20) keeps it waiting; a final one stops it.
    emit([{ type: 'sms.delivery_report', reference: 1, tpStatus: 0x20 }]);
    expect(await pending()).toEqual([2, 40]);
    emit([{ type: 'sms.delivery_report', reference: 1, tpStatus: 0x00 }]);
    expect(await pending()).toEqual([1, 10]);
    emit([{ type: 'sms.delivery_report', reference: 2, tpStatus: 0x41 }]);
    expect(await pending()).toEqual([0, 0]);
    // After a day (the validity period) a lost report stops counting instead of ageing forever.
    emit([{ type: 'sms.sent', to: PII.phone, reference: 3 }]);
    clock.now += 86_400_001;
    expect(await pending()).toEqual([0, 0]);
  });
});
