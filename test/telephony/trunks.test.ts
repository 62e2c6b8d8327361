import { describe, expect, it } from 'vitest';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, sample, setup, T0 } from './helpers.js';

describe('trunks pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry } = setup();
    emit(FIXTURES.trunks);
    const text = await registry.metrics();
    expectSeries(text, 'trunk', [
      'sidetone_trunk_up{trunk="carrier-a"} 1',
      'sidetone_trunk_options_probes_total{trunk="carrier-a",result="up"} 1',
      'sidetone_trunk_options_probes_total{trunk="other",result="down"} 1',
      'sidetone_trunk_options_rtt_seconds_sum{trunk="carrier-a"} 0.05',
      'sidetone_trunk_options_rtt_seconds_count{trunk="carrier-a"} 1',
      'sidetone_trunk_calls_total{trunk="carrier-a",direction="outbound"} 1',
      'sidetone_trunk_calls_total{trunk="carrier-a",direction="inbound"} 1',
      'sidetone_trunk_calls_total{trunk="other",direction="outbound"} 1',
      'sidetone_trunk_call_failures_total{trunk="carrier-a",class="5xx"} 1',
      'sidetone_trunk_call_failures_total{trunk="other",class="timeout"} 1',
    ]);
    // A probe that failed is 0, not absent: the trunk is known to be down.
    expect(sample(text, 'sidetone_trunk_up{trunk="other"}')).toBe(0);
    expectNoPii(text);
  });

  it('trunk status is absent before the first probe and after staleAfterSeconds without one', async () => {
    const { bus, registry, clock } = setup({ staleAfterSeconds: 30 });
    const up = async () => sample(await registry.metrics(), 'sidetone_trunk_up{trunk="carrier-a"}');
    expect(await up()).toBeUndefined();
    bus.emit({ type: 'trunk.status', trunk: 'carrier-a', up: false, code: 503, ts: T0 });
    expect(await up()).toBe(0);
    clock.now = T0 + 31_000;
    expect(await up()).toBeUndefined();
  });

  it('a result stamped before the state it would replace is counted but leaves the state', async () => {
    const { bus, registry } = setup();
    const text = async () => registry.metrics();
    bus.emit({ type: 'trunk.status', trunk: 'carrier-a', up: true, code: 200, ts: T0 + 5_000 });
    // An older keepalive's verdict arriving late (or an event posted out of order).
    bus.emit({ type: 'trunk.status', trunk: 'carrier-a', up: false, ts: T0 });
    expect(sample(await text(), 'sidetone_trunk_up{trunk="carrier-a"}')).toBe(1);
    expect(sample(await text(), 'sidetone_trunk_options_probes_total{trunk="carrier-a",result="down"}')).toBe(
      1,
    );
    // A newer one moves it; one stamped the same instant as the state moves it too.
    bus.emit({ type: 'trunk.status', trunk: 'carrier-a', up: false, ts: T0 + 5_000 });
    expect(sample(await text(), 'sidetone_trunk_up{trunk="carrier-a"}')).toBe(0);
  });

  it('readiness: unknown until probed, fail when a trunk is down, pass when all are up', () => {
    const { bus, telephony, clock } = setup({ trunks: ['carrier-a', 'carrier-b'], staleAfterSeconds: 60 });
    const trunks = telephony.trunks;
    expect(trunks?.readiness()).toEqual({ status: 'unknown', detail: '2 of 2 trunks not probed recently' });
    bus.emit({ type: 'trunk.status', trunk: 'carrier-a', up: true });
    bus.emit({ type: 'trunk.status', trunk: 'carrier-b', up: false });
    expect(trunks?.readiness()).toEqual({ status: 'fail', detail: 'trunks down: carrier-b' });
    bus.emit({ type: 'trunk.status', trunk: 'carrier-b', up: true });
    expect(trunks?.readiness()).toEqual({ status: 'pass', detail: '2 trunks up' });
    clock.now = T0 + 61_000;
    expect(trunks?.readiness().status).toBe('unknown');
    expect(telephony.readiness()).toMatchObject({
      trunks: { status: 'unknown' },
      modem: { status: 'unknown' },
    });
  });

  it('readiness without configured trunks is unknown', () => {
    const { telephony } = setup({ trunks: [] });
    expect(telephony.trunks?.readiness()).toEqual({ status: 'unknown', detail: 'no trunks configured' });
  });

  it('answered calls and caller cancels are not trunk failures; Q.850-only releases map via RFC 3398', () => {
    const { bus, registry, telephony } = setup();
    const start = (callId: string) =>
      bus.emit({ type: 'call.started', callId, direction: 'outbound', channel: 'pstn', trunk: 'carrier-a' });
    start('a');
    bus.emit({ type: 'call.answered', callId: 'a' });
    bus.emit({ type: 'call.ended', callId: 'a', sipCode: 503 });
    start('b');
    bus.emit({ type: 'call.ended', callId: 'b', sipCode: 487 });
    start('c');
    bus.emit({ type: 'call.ended', callId: 'c', q850: 17 });
    start('d');
    bus.emit({ type: 'call.ended', callId: 'd', q850: 21 });
    telephony.trunks?.failure('carrier-a', 603);
    telephony.trunks?.failure('carrier-a', undefined);
    const text = registry.render();
    expectSeries(text, 'trunk_call_failures', [
      'sidetone_trunk_call_failures_total{trunk="carrier-a",class="4xx"} 2',
      'sidetone_trunk_call_failures_total{trunk="carrier-a",class="6xx"} 1',
      'sidetone_trunk_call_failures_total{trunk="carrier-a",class="timeout"} 1',
    ]);
  });
});
