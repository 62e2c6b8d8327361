import { describe, expect, it } from 'vitest';
import { SW_CLASSES } from '../../src/domain/labels.js';
import { swClassIndex } from '../../src/telephony/packs/sim.js';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, PII, sample, setup } from './helpers.js';

describe('sim pack', () => {
  it('turns representative events into exact metrics, with no PII', () => {
    const { emit, registry } = setup();
    emit(FIXTURES.sim);
    const text = registry.render();
    expectSeries(text, 'sim', [
      'sidetone_sim_apdu_commands_total{ins="select"} 2',
      'sidetone_sim_apdu_commands_total{ins="read_binary"} 1',
      'sidetone_sim_apdu_commands_total{ins="get_response"} 1',
      'sidetone_sim_apdu_commands_total{ins="other"} 1',
      'sidetone_sim_apdu_responses_total{sw="9000"} 2',
      'sidetone_sim_apdu_responses_total{sw="6Axx"} 1',
      'sidetone_sim_apdu_responses_total{sw="61xx"} 1',
      'sidetone_sim_apdu_responses_total{sw="other"} 1',
      'sidetone_sim_apdu_seconds_sum{ins="select"} 0.01',
      'sidetone_sim_apdu_seconds_count{ins="select"} 1',
      'sidetone_sim_apdu_seconds_sum{ins="read_binary"} 0.02',
      'sidetone_sim_apdu_seconds_count{ins="read_binary"} 1',
      'sidetone_sim_apdu_bytes_total{direction="command"} 17',
      'sidetone_sim_apdu_bytes_total{direction="response"} 4',
      'sidetone_sim_sessions_total{kind="ota",protocol="sms_pp",result="success"} 1',
      'sidetone_sim_sessions_total{kind="rfm",protocol="https",result="failure"} 1',
      'sidetone_sim_session_seconds_sum{kind="ota"} 12',
      'sidetone_sim_session_seconds_count{kind="ota"} 1',
      'sidetone_sim_session_seconds_sum{kind="rfm"} 3',
      'sidetone_sim_session_seconds_count{kind="rfm"} 1',
      'sidetone_sim_apdu_errors_total{ins="read_binary",error="timeout"} 1',
      'sidetone_sim_apdu_errors_total{ins="other",error="reader"} 1',
      'sidetone_sim_bip_channel_events_total{event="opened"} 2',
      'sidetone_sim_bip_channel_events_total{event="open_failed"} 1',
      'sidetone_sim_bip_channel_events_total{event="closed"} 1',
      'sidetone_sim_bip_bytes_total{direction="sent"} 1200',
      'sidetone_sim_bip_bytes_total{direction="received"} 3400',
      'sidetone_sim_tls_handshakes_total{result="success"} 1',
      'sidetone_sim_tls_handshakes_total{result="failure"} 1',
      'sidetone_sim_tls_handshake_seconds_sum 0.25',
      'sidetone_sim_tls_handshake_seconds_count 1',
      'sidetone_sim_sessions_total{kind="ota",protocol="bip",result="success"} 1',
      // Two ota sessions started, one finished; the sms_pp one ended without a start event.
      'sidetone_sim_sessions_active{kind="ota"} 1',
      'sidetone_sim_bip_connection_seconds_sum 4',
      'sidetone_sim_bip_connection_seconds_count 1',
      // Channel 1 (no bearer named) opened and closed, so `unknown` is back at 0 and not listed;
      // channel 2 is still open on E-UTRAN.
      'sidetone_sim_bip_connections_active{bearer="e_utran"} 1',
    ]);
    expectNoPii(text);
  });

  // ISO/IEC 7816-4 5.6 and ETSI TS 102 221 10.2: 9000 exactly, otherwise SW1 with SW2 masked.
  const words: Array<[number | string, string]> = [
    [0x9000, '9000'],
    ['9000', '9000'],
    [0x9001, 'other'],
    [0x9110, '91xx'],
    [0x6110, '61xx'],
    [0x6282, '62xx'],
    [0x63c2, '63xx'],
    [0x6700, '67xx'],
    [0x6982, '69xx'],
    ['6a82', '6Axx'],
    [0x6b00, '6Bxx'],
    [0x6c10, '6Cxx'],
    [0x6d00, '6Dxx'],
    [0x6e00, '6Exx'],
    [0x6f00, '6Fxx'],
    [0x9862, '98xx'],
    [0x9f20, '9Fxx'],
    [0x0000, 'other'],
  ];
  it.each(words)('status word %s -> %s', (sw, label) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'sim.apdu', ins: 0xf2, sw, iccid: PII.iccid });
    expect(sample(registry.render(), `sidetone_sim_apdu_responses_total{sw="${label}"}`)).toBe(1);
  });

  it('swClassIndex bounds anything that is not a 16-bit word', () => {
    for (const sw of [-1, 0x10000, 1.5, Number.NaN]) expect(SW_CLASSES[swClassIndex(sw)]).toBeUndefined();
    expect(SW_CLASSES[swClassIndex(0x6a82)]).toBe('6Axx');
  });

  it('the apdu helper bounds the INS byte and updates the same series as events', () => {
    const { bus, registry, telephony } = setup();
    telephony.sim?.apdu(0x88, 0x9000, 0.05, 22, 18);
    telephony.sim?.apdu(300, 0x9000);
    bus.emit({ type: 'sim.apdu', ins: 0x88, sw: 0x9862 });
    const text = registry.render();
    expect(sample(text, 'sidetone_sim_apdu_commands_total{ins="authenticate"}')).toBe(2);
    expect(sample(text, 'sidetone_sim_apdu_commands_total{ins="other"}')).toBe(1);
    expect(sample(text, 'sidetone_sim_apdu_bytes_total{direction="response"}')).toBe(18);
  });
});
