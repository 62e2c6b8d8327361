import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup } from './helpers.js';

describe('sip pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry } = setup();
    emit(FIXTURES.sip);
    const text = await registry.metrics();
    expectSeries(text, 'sip', [
      'sidetone_sip_requests_total{direction="inbound",method="INVITE"} 2',
      'sidetone_sip_requests_total{direction="outbound",method="other"} 2',
      'sidetone_sip_responses_total{direction="inbound",method="INVITE",class="4xx"} 1',
      'sidetone_sip_responses_total{direction="inbound",method="INVITE",class="2xx"} 1',
      'sidetone_sip_responses_total{direction="outbound",method="REGISTER",class="4xx"} 1',
      'sidetone_sip_registrations_total{direction="outbound",result="challenged"} 2',
      'sidetone_sip_registrations_total{direction="outbound",result="success"} 3',
      'sidetone_sip_registrations_total{direction="outbound",result="failed"} 1',
      'sidetone_sip_registrations_total{direction="inbound",result="timeout"} 1',
      'sidetone_sip_registrations_total{direction="inbound",result="success"} 2',
      // The Expires 0 REGISTER is an unregistration, not a successful registration.
      'sidetone_sip_unregistrations_total{direction="inbound",result="success"} 1',
      'sidetone_sip_registration_bindings_total{direction="outbound",trunk="carrier-a",change="register"} 1',
      'sidetone_sip_registration_bindings_total{direction="outbound",trunk="carrier-a",change="reregister"} 1',
      'sidetone_sip_registration_bindings_total{direction="outbound",trunk="carrier-a",change="expired"} 1',
      'sidetone_sip_registration_bindings_total{direction="inbound",trunk="other",change="register"} 2',
      'sidetone_sip_registration_bindings_total{direction="inbound",trunk="other",change="unregister"} 1',
      'sidetone_sip_registrations_active{direction="inbound",trunk="other"} 1',
      // RRD (RFC 6076 4.1) of registrations and refreshes, not of the unregistration.
      'sidetone_sip_registration_request_delay_seconds_sum{direction="outbound",trunk="carrier-a"} 0.15',
      'sidetone_sip_registration_request_delay_seconds_count{direction="outbound",trunk="carrier-a"} 2',
      'sidetone_sip_registration_request_delay_seconds_sum{direction="inbound",trunk="other"} 0.02',
      'sidetone_sip_registration_request_delay_seconds_count{direction="inbound",trunk="other"} 1',
      'sidetone_sip_dialogs_created_total 2',
      'sidetone_sip_dialogs_terminated_total 2',
      'sidetone_sip_dialogs_active 1',
      'sidetone_sip_transaction_timeouts_total{method="INVITE",timer="B"} 1',
      'sidetone_sip_transaction_timeouts_total{method="OPTIONS",timer="F"} 1',
      'sidetone_sip_session_refreshes_total{result="refreshed"} 1',
      'sidetone_sip_session_refreshes_total{result="failed"} 1',
      'sidetone_sip_session_refreshes_total{result="expired"} 1',
      'sidetone_sip_stir_verifications_total{result="passed",attestation="A"} 1',
      'sidetone_sip_stir_verifications_total{result="failed",attestation="none"} 1',
      'sidetone_sip_stir_verifications_total{result="no_identity",attestation="none"} 1',
      'sidetone_sip_dtls_handshakes_total{result="success"} 1',
      'sidetone_sip_flow_messages_count 1',
      'sidetone_sip_flow_messages_sum 6',
      'sidetone_sip_dtls_handshakes_total{result="failure"} 1',
      'sidetone_sip_dtls_handshake_seconds_sum 0.2',
      'sidetone_sip_dtls_handshake_seconds_count 1',
      'sidetone_sip_auth_attempts_total{direction="inbound",result="challenge"} 1',
      'sidetone_sip_auth_attempts_total{direction="inbound",result="success"} 1',
      'sidetone_sip_auth_attempts_total{direction="outbound",result="failure"} 1',
      'sidetone_sip_responses_total{direction="outbound",method="INVITE",class="6xx"} 1',
      'sidetone_sip_responses_by_code_total{method="INVITE",code="486"} 1',
      'sidetone_sip_responses_by_code_total{method="INVITE",code="200"} 1',
      // 699 is a 6xx but no registered code: the code label says other.
      'sidetone_sip_responses_by_code_total{method="INVITE",code="other"} 1',
      'sidetone_sip_responses_by_code_total{method="REGISTER",code="401"} 1',
      'sidetone_sip_calls_by_transport_total{direction="inbound",transport="tls"} 1',
      'sidetone_sip_calls_by_transport_total{direction="outbound",transport="wss"} 1',
    ]);
    expectNoPii(text);
  });

  // RFC 3261 7.2: only integers 100..699 have a class; anything else is `other`.
  const classes: Array<[number, string]> = [
    [100, '1xx'],
    [183, '1xx'],
    [199, '1xx'],
    [200, '2xx'],
    [302, '3xx'],
    [486, '4xx'],
    [503, '5xx'],
    [699, '6xx'],
    [99, 'other'],
    [700, 'other'],
    [486.5, 'other'],
    [Number.NaN, 'other'],
  ];
  it.each(classes)('response code %s -> class %s', (code, cls) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sip.response', method: 'INVITE', code, direction: 'outbound' });
    expect(
      sample(
        registry.render(),
        `sidetone_sip_responses_total{direction="outbound",method="INVITE",class="${cls}"}`,
      ),
    ).toBe(1);
  });

  // RFC 3261 7.1: method names are case-sensitive; extensions 3262, 6665, 3903, 6086, 3515, 3428, 3311.
  const methods: Array<[string, string]> = [
    ['INVITE', 'INVITE'],
    ['PRACK', 'PRACK'],
    ['SUBSCRIBE', 'SUBSCRIBE'],
    ['NOTIFY', 'NOTIFY'],
    ['PUBLISH', 'PUBLISH'],
    ['INFO', 'INFO'],
    ['REFER', 'REFER'],
    ['MESSAGE', 'MESSAGE'],
    ['UPDATE', 'UPDATE'],
    ['invite', 'other'],
    ['Bye', 'other'],
    ['sip:bob@example.com', 'other'],
    ['', 'other'],
  ];
  it.each(methods)('method %j -> %s', (method, label) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sip.request', method, direction: 'inbound' });
    const text = registry.render();
    expect(sample(text, `sidetone_sip_requests_total{direction="inbound",method="${label}"}`)).toBe(1);
    expectNoPii(text);
  });

  it('hot-path helpers and events update the same pre-bound series', () => {
    const { bus, registry, telephony } = setup();
    const sip = telephony.sip;
    sip?.inviteResult('inbound', 486);
    sip?.response('inbound', 'INVITE', 480);
    bus.emit({ type: 'sip.response', method: 'INVITE', code: 404, direction: 'inbound' });
    sip?.request('outbound', 'OPTIONS');
    sip?.registration('outbound', 'success');
    sip?.timeout('INVITE', 'B');
    const text = registry.render();
    expect(
      sample(text, 'sidetone_sip_responses_total{direction="inbound",method="INVITE",class="4xx"}'),
    ).toBe(3);
    expect(sample(text, 'sidetone_sip_requests_total{direction="outbound",method="OPTIONS"}')).toBe(1);
    expect(sample(text, 'sidetone_sip_registrations_total{direction="outbound",result="success"}')).toBe(1);
    expect(sample(text, 'sidetone_sip_transaction_timeouts_total{method="INVITE",timer="B"}')).toBe(1);
  });

  it('dialogs: a repeated id is one dialog, unknown terminations do not go negative, zombies are evicted', async () => {
    const { bus, registry, clock, telephony } = setup({ maxAgeSeconds: 60 });
    bus.emit({ type: 'sip.dialog_created', dialogId: 'd1' });
    bus.emit({ type: 'sip.dialog_created', dialogId: 'd1' });
    bus.emit({ type: 'sip.dialog_terminated', dialogId: 'nope' });
    expect(sample(await registry.metrics(), 'sidetone_sip_dialogs_active')).toBe(1);
    clock.now += 61_000;
    expect(sample(await registry.metrics(), 'sidetone_sip_dialogs_active')).toBe(0);
    expect(telephony.sip?.activeDialogs).toBe(0);
  });
});
