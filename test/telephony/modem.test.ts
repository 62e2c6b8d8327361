import { describe, expect, it } from 'vitest';
import { detectPii } from '../../src/guard/pii.js';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, PII, sample, setup, T0 } from './helpers.js';

const m0 = '{modem="modem0"}';

describe('modem pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry, clock } = setup();
    emit(FIXTURES.modem);
    clock.now = T0 + 10_000;
    const text = await registry.metrics();
    expectSeries(text, 'modem', [
      'sidetone_modem_connected{modem="modem0"} 1',
      'sidetone_modem_connected{modem="modem1"} 1',
      'sidetone_modem_disconnects_total{modem="modem1",reason="usb"} 1',
      'sidetone_modem_reconnects_total{modem="modem1",reason="usb"} 3',
      'sidetone_modem_recovery_steps_total{modem="modem1",step="reopen",outcome="ok"} 1',
      'sidetone_modem_registration_domain_state{modem="modem0",domain="cs",state="home"} 1',
      'sidetone_modem_registration_domain_state{modem="modem0",domain="eps",state="searching"} 1',
      'sidetone_modem_access_technology{modem="modem0",tech="lte_5gnr"} 1',
      'sidetone_modem_access_technology{modem="modem1",tech="5gnr"} 1',
      'sidetone_modem_access_technology_seconds_total{modem="modem0",tech="lte_5gnr"} 10',
      'sidetone_modem_band{modem="modem0",band="lte_b3"} 1',
      'sidetone_modem_cell_changes_total{modem="modem0"} 1',
      'sidetone_modem_sim_state{modem="modem0",state="ready"} 1',
      'sidetone_modem_at_errors_total{modem="modem0",kind="cme",class="sim"} 1',
      'sidetone_modem_at_errors_total{modem="modem1",kind="cms",class="vendor"} 1',
      'sidetone_modem_signal_nr_rsrp_dbm{modem="modem0"} -71',
      'sidetone_modem_signal_nr_rsrq_db{modem="modem0"} -11',
      'sidetone_modem_signal_nr_snr_db{modem="modem0"} 33',
      'sidetone_modem_flapping{modem="modem1"} 1',
      'sidetone_modem_registered{modem="modem0"} 1',
      'sidetone_modem_registration_state{modem="modem0",state="home"} 1',
      'sidetone_modem_signal_rssi_dbm{modem="modem0"} -77',
      'sidetone_modem_signal_rssi_dbm{modem="other"} -93',
      'sidetone_modem_signal_ber_ratio{modem="other"} 0.0014',
      'sidetone_modem_signal_rsrp_dbm{modem="modem1"} -81',
      'sidetone_modem_signal_rsrq_db{modem="modem1"} -10',
      'sidetone_modem_signal_snr_db{modem="modem1"} 13.5',
      'sidetone_modem_signal_rscp_dbm{modem="modem1"} -95',
      'sidetone_modem_signal_ecno_db{modem="modem1"} -8.5',
      'sidetone_modem_signal_age_seconds{modem="modem0"} 10',
      'sidetone_modem_signal_age_seconds{modem="modem1"} 10',
      'sidetone_modem_signal_age_seconds{modem="other"} 10',
      'sidetone_modem_network_info{modem="modem0",rat="4g",operator="Vodafone UK"} 1',
      'sidetone_modem_network_info{modem="modem1",rat="5g",operator="other"} 1',
    ]);
    // A state set: the previous state is 0, not gone; ber 99 (unknown) is absent, not 0.
    expect(sample(text, 'sidetone_modem_registration_state{modem="modem0",state="searching"}')).toBe(0);
    expect(sample(text, `sidetone_modem_signal_ber_ratio${m0}`)).toBeUndefined();
    expectNoPii(text);
  });

  // TS 27.007 8.5: dBm = -113 + 2 rssi; 99 unknown. ber: TS 45.008 8.2.4 assumed values.
  const csq: Array<[number, number, number | undefined, number | undefined]> = [
    [0, 0, -113, 0.0014],
    [1, 3, -111, 0.0113],
    [18, 7, -77, 0.181],
    [31, 99, -51, undefined],
    [99, 99, undefined, undefined],
  ];
  it.each(csq)('+CSQ: %i,%i -> rssi %s dBm, ber ratio %s', (rssi, ber, dbm, ratio) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'modem.signal', csq: { rssi, ber } });
    const text = registry.render();
    expect(sample(text, `sidetone_modem_signal_rssi_dbm${m0}`)).toBe(dbm);
    const got = sample(text, `sidetone_modem_signal_ber_ratio${m0}`);
    if (ratio === undefined) expect(got).toBeUndefined();
    else expect(got).toBe(ratio);
  });

  // TS 27.007 8.69, lower bin edge: rxlev -111+n, rscp -121+n, ecno -24.5+n/2, rsrq -20+n/2, rsrp -141+n.
  const cesq: Array<
    [string, [number, number, number, number, number, number], Record<string, number | undefined>]
  > = [
    [
      'LTE',
      [99, 99, 255, 255, 20, 60],
      { rsrq_db: -10, rsrp_dbm: -81, rscp_dbm: undefined, ecno_db: undefined },
    ],
    ['LTE edges', [99, 99, 255, 255, 34, 97], { rsrq_db: -3, rsrp_dbm: -44 }],
    [
      'UMTS',
      [99, 99, 96, 49, 255, 255],
      { rscp_dbm: -25, ecno_db: 0, rsrq_db: undefined, rsrp_dbm: undefined },
    ],
    ['GSM', [63, 0, 255, 255, 255, 255], { rssi_dbm: -48, ber_ratio: 0.0014 }],
  ];
  it.each(cesq)('+CESQ %s', (_name, [rxlev, ber, rscp, ecno, rsrq, rsrp], expected) => {
    const { bus, registry } = setup();
    bus.emit({ type: 'modem.signal', cesq: { rxlev, ber, rscp, ecno, rsrq, rsrp } });
    const text = registry.render();
    for (const [name, v] of Object.entries(expected)) {
      expect(sample(text, `sidetone_modem_signal_${name}${m0}`), name).toBe(v);
    }
  });

  it('an unknown +CESQ rxlev leaves the +CSQ RSSI alone; an unknown +CSQ rssi removes it', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'modem.signal', csq: { rssi: 20, ber: 99 } });
    bus.emit({
      type: 'modem.signal',
      cesq: { rxlev: 99, ber: 99, rscp: 255, ecno: 255, rsrq: 20, rsrp: 60 },
    });
    expect(sample(registry.render(), `sidetone_modem_signal_rssi_dbm${m0}`)).toBe(-73);
    bus.emit({ type: 'modem.signal', csq: { rssi: 99, ber: 99 } });
    expect(sample(registry.render(), `sidetone_modem_signal_rssi_dbm${m0}`)).toBeUndefined();
  });

  it('signal gauges are absent before a report, age grows, and stale values disappear (never faked)', async () => {
    const { bus, registry, clock } = setup({ staleAfterSeconds: 60 });
    let text = await registry.metrics();
    expect(sample(text, `sidetone_modem_signal_rssi_dbm${m0}`)).toBeUndefined();
    expect(sample(text, `sidetone_modem_signal_age_seconds${m0}`)).toBeUndefined();
    bus.emit({ type: 'modem.signal', signal: { rssiDbm: -85, rsrpDbm: -100 }, ts: T0 });
    clock.now = T0 + 30_000;
    text = await registry.metrics();
    expect(sample(text, `sidetone_modem_signal_rssi_dbm${m0}`)).toBe(-85);
    expect(sample(text, `sidetone_modem_signal_age_seconds${m0}`)).toBe(30);
    clock.now = T0 + 61_000;
    text = await registry.metrics();
    expect(sample(text, `sidetone_modem_signal_rssi_dbm${m0}`)).toBeUndefined();
    expect(sample(text, `sidetone_modem_signal_rsrp_dbm${m0}`)).toBeUndefined();
    expect(sample(text, `sidetone_modem_signal_age_seconds${m0}`)).toBe(61);
    bus.emit({ type: 'modem.signal', signal: { rssiDbm: -90 } });
    text = await registry.metrics();
    expect(sample(text, `sidetone_modem_signal_rssi_dbm${m0}`)).toBe(-90);
    expect(sample(text, `sidetone_modem_signal_age_seconds${m0}`)).toBe(0);
  });

  it('flags flapping at N reconnects within the window and clears it once the window passes', async () => {
    const { bus, registry, clock } = setup({ flapping: { reconnects: 3, windowSeconds: 60 } });
    const flapping = async () => sample(await registry.metrics(), `sidetone_modem_flapping${m0}`);
    bus.emit({ type: 'modem.reconnected', ts: T0 - 50_000 });
    bus.emit({ type: 'modem.reconnected', ts: T0 - 20_000 });
    expect(await flapping()).toBe(0);
    bus.emit({ type: 'modem.reconnected', ts: T0 });
    expect(await flapping()).toBe(1);
    clock.now = T0 + 11_000; // the oldest of the last three is now 61 s old
    expect(await flapping()).toBe(0);
  });

  it('readiness: unknown, then pass, fail on disconnect or lost registration; details carry no PII', () => {
    const { bus, telephony } = setup({ modems: ['modem0'] });
    const modem = telephony.modem;
    expect(modem?.readiness()).toEqual({ status: 'unknown', detail: 'modem modem0: no event yet' });
    bus.emit({ type: 'modem.connected', imei: PII.imei, initialized: false });
    expect(modem?.readiness()).toEqual({
      status: 'unknown',
      detail: 'modem modem0 connected, registration not reported',
    });
    // Callstack's contract: connected and initialised is ready before any registration report.
    bus.emit({ type: 'modem.connected', imei: PII.imei });
    expect(modem?.readiness()).toEqual({
      status: 'pass',
      detail: 'modem modem0 connected and initialised, registration not reported',
    });
    bus.emit({ type: 'modem.registration', stat: 5 });
    expect(modem?.readiness()).toEqual({ status: 'pass', detail: 'modem modem0 registered (roaming)' });
    bus.emit({ type: 'modem.disconnected', error: `AT timeout talking to ${PII.imei}` });
    expect(modem?.readiness()).toEqual({ status: 'fail', detail: 'modem modem0 disconnected (at_timeout)' });
    bus.emit({ type: 'modem.reconnected' });
    // The registration from before the disconnect is stale: unknown until the modem reports again.
    expect(modem?.readiness().status).toBe('unknown');
    bus.emit({ type: 'modem.registration', stat: 3 });
    expect(modem?.readiness()).toEqual({ status: 'fail', detail: 'modem modem0 not registered (denied)' });
    bus.emit({ type: 'modem.registration', stat: 6 });
    expect(modem?.readiness().status).toBe('pass');
    expect(detectPii(modem?.readiness().detail ?? '')).toBeUndefined();
  });

  it('a flapping modem that is back and registered is ready: flapping is an alert, not unreadiness (issue 47)', () => {
    const { bus, telephony } = setup({ modems: ['modem0'], flapping: { reconnects: 3, windowSeconds: 600 } });
    const modem = telephony.modem;
    bus.emit({ type: 'modem.connected' });
    for (let n = 0; n < 3; n++) {
      bus.emit({ type: 'modem.disconnected', reason: 'usb' });
      // Callstack's seed: disconnected and reconnecting are degraded.
      expect(modem?.readiness().status).toBe('fail');
      bus.emit({ type: 'modem.reconnected' });
    }
    bus.emit({ type: 'modem.registration', stat: 1 });
    expect(modem?.readiness()).toEqual({
      status: 'pass',
      detail: 'modem modem0 registered (home); flapping: 3 reconnects within 600 s',
    });
  });

  it('readiness over several modems reports the worst one', () => {
    const { bus, telephony } = setup();
    bus.emit({ type: 'modem.registration', stat: 1, modem: 'modem0' });
    expect(telephony.modem?.readiness()).toEqual({ status: 'unknown', detail: 'modem modem1: no event yet' });
    bus.emit({ type: 'modem.registration', stat: 2, modem: 'modem1' });
    expect(telephony.modem?.readiness().status).toBe('fail');
    expect(telephony.modem?.readiness('modem0').status).toBe('pass');
    bus.emit({ type: 'modem.registration', stat: 1, modem: 'modem1' });
    expect(telephony.modem?.readiness().status).toBe('pass');
  });

  it('an operator change replaces the network series; unlisted operator names are other', () => {
    const { bus, registry } = setup();
    bus.emit({ type: 'modem.operator', operator: 'Vodafone UK', act: 7 });
    bus.emit({ type: 'modem.operator', operator: '23415', act: 'UMTS' });
    const text = registry.render();
    expectSeries(text, 'modem_network', [
      'sidetone_modem_network_info{modem="modem0",rat="3g",operator="other"} 1',
    ]);
  });

  it('registration stat outside 0..11 reads as unknown, and helpers hit the same series', () => {
    const { bus, registry, telephony } = setup();
    bus.emit({ type: 'modem.registration', stat: 42 });
    telephony.modem?.signal('rsrp_dbm', -101);
    telephony.modem?.disconnected('power');
    const text = registry.render();
    expect(sample(text, 'sidetone_modem_registration_state{modem="modem0",state="unknown"}')).toBe(1);
    expect(sample(text, `sidetone_modem_registered${m0}`)).toBe(0);
    expect(sample(text, `sidetone_modem_signal_rsrp_dbm${m0}`)).toBe(-101);
    expect(sample(text, 'sidetone_modem_disconnects_total{modem="modem0",reason="power"}')).toBe(1);
  });
});
