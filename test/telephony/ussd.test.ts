import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup, T0 } from './helpers.js';

describe('ussd pack', () => {
  it('turns representative events into exact metrics, with no PII', () => {
    const { emit, registry } = setup();
    emit(FIXTURES.ussd);
    const text = registry.render();
    expectSeries(text, 'ussd', [
      'sidetone_ussd_requests_total 1',
      'sidetone_ussd_responses_total{status="no_further_action"} 1',
      'sidetone_ussd_responses_total{status="not_supported"} 1',
      'sidetone_ussd_responses_total{status="unknown"} 1',
      'sidetone_ussd_response_seconds_sum 1.5',
      'sidetone_ussd_response_seconds_count 1',
    ]);
    expectNoPii(text);
  });

  // TS 27.007 7.15 <m>.
  const statuses: Array<[number, string]> = [
    [0, 'no_further_action'],
    [1, 'further_action_required'],
    [2, 'terminated_by_network'],
    [3, 'other_client_responded'],
    [4, 'not_supported'],
    [5, 'network_timeout'],
    [6, 'unknown'],
  ];
  it.each(statuses)('+CUSD m=%i -> %s', (m, label) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'ussd.response', status: m });
    expect(sample(registry.render(), `sidetone_ussd_responses_total{status="${label}"}`)).toBe(1);
  });

  it('times each request to the next result on the same modem only', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'ussd.request', code: '*100#', modem: 'modem0', ts: T0 });
    bus.emit({ type: 'ussd.request', code: '*101#', modem: 'modem1', ts: T0 + 500 });
    bus.emit({ type: 'ussd.response', status: 1, modem: 'modem1', ts: T0 + 2500 });
    bus.emit({ type: 'ussd.response', status: 0, modem: 'modem0', ts: T0 + 3000 });
    bus.emit({ type: 'ussd.response', status: 2, modem: 'modem0', ts: T0 + 9000 });
    const text = registry.render();
    expect(sample(text, 'sidetone_ussd_response_seconds_count')).toBe(2);
    expect(sample(text, 'sidetone_ussd_response_seconds_sum')).toBe(5);
  });
});
