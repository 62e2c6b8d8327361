import { describe, expect, it } from 'vitest';
import type { SidetoneEvent } from '../../src/events/types.js';
import { FIXTURES } from './fixtures.js';
import { expectNoPii, expectSeries, PII, sample, setup, T0 } from './helpers.js';

const ob = 'direction="outbound",channel="sip",trunk="carrier-a"';

describe('calls pack', () => {
  it('turns representative events into exact metrics, with no PII', async () => {
    const { emit, registry } = setup();
    emit(FIXTURES.calls);
    const text = await registry.metrics();
    expectSeries(text, 'call', [
      'sidetone_call_attempts_total{direction="inbound",channel="sip",trunk="carrier-a"} 1',
      'sidetone_call_attempts_total{direction="inbound",channel="pstn",trunk="other"} 1',
      `sidetone_call_attempts_total{${ob}} 2`,
      'sidetone_call_attempts_total{direction="outbound",channel="sip",trunk="other"} 1',
      'sidetone_call_attempts_total{direction="outbound",channel="webrtc",trunk="carrier-a"} 1',
      `sidetone_call_answered_total{${ob}} 1`,
      `sidetone_call_effective_total{${ob}} 2`,
      `sidetone_call_outcomes_total{${ob},outcome="answered"} 1`,
      `sidetone_call_outcomes_total{${ob},outcome="busy"} 1`,
      'sidetone_call_outcomes_total{direction="outbound",channel="sip",trunk="other",outcome="redirected"} 1',
      'sidetone_call_outcomes_total{direction="outbound",channel="webrtc",trunk="carrier-a",outcome="ineffective"} 1',
      'sidetone_call_outcomes_total{direction="inbound",channel="pstn",trunk="other",outcome="ineffective"} 1',
      'sidetone_call_active{direction="inbound",channel="sip",trunk="carrier-a"} 1',
      `sidetone_call_pdd_seconds_sum{${ob}} 1.5`,
      `sidetone_call_pdd_seconds_count{${ob}} 1`,
      `sidetone_call_setup_seconds_sum{${ob}} 4`,
      `sidetone_call_setup_seconds_count{${ob}} 1`,
      // Wall clock, every finished call: the answered one 4 s setup + 60 s talk, the busy one 0 s.
      `sidetone_call_duration_seconds_sum{${ob}} 64`,
      `sidetone_call_duration_seconds_count{${ob}} 2`,
      'sidetone_call_duration_seconds_count{direction="outbound",channel="sip",trunk="other"} 1',
      'sidetone_call_duration_seconds_count{direction="outbound",channel="webrtc",trunk="carrier-a"} 1',
      'sidetone_call_duration_seconds_count{direction="inbound",channel="pstn",trunk="other"} 1',
      `sidetone_call_talk_time_seconds_sum{${ob}} 60`,
      `sidetone_call_talk_time_seconds_count{${ob}} 1`,
      'sidetone_call_hold_changes_total{state="held"} 1',
      'sidetone_call_hold_changes_total{state="resumed"} 1',
      'sidetone_call_hangups_total{direction="outbound",hangup_by="caller",cause="normal"} 1',
      'sidetone_call_hangups_total{direction="outbound",hangup_by="callee",cause="busy"} 1',
      'sidetone_call_hangups_total{direction="outbound",hangup_by="system",cause="network"} 1',
      'sidetone_call_hangups_total{direction="inbound",hangup_by="unknown",cause="network"} 1',
      'sidetone_call_hangups_total{direction="outbound",hangup_by="unknown",cause="other"} 1',
      'sidetone_call_anomalies_total{kind="duplicate_start"} 1',
      'sidetone_call_anomalies_total{kind="duplicate_answer"} 1',
      'sidetone_call_anomalies_total{kind="unknown_call"} 1',
      'sidetone_call_gsm_state_changes_total{state="active"} 1',
      'sidetone_call_gsm_state_changes_total{state="dialing"} 1',
      'sidetone_call_gsm_state_changes_total{state="alerting"} 1',
    ]);
    expect(sample(text, `sidetone_call_pdd_seconds_bucket{${ob},le="1"}`)).toBe(0);
    expect(sample(text, `sidetone_call_pdd_seconds_bucket{${ob},le="2.5"}`)).toBe(1);
    expectNoPii(text);
  });

  it('active calls is a real count: duplicates and unknown ends change nothing, never negative', () => {
    const { bus, registry, telephony } = setup();
    const active = () => sample(registry.render(), `sidetone_call_active{${ob}}`);
    const start = (callId: string): SidetoneEvent => ({
      type: 'call.started',
      callId,
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
    });
    bus.emit(start('a'));
    bus.emit(start('b'));
    bus.emit(start('a'));
    expect(active()).toBe(2);
    bus.emit({ type: 'call.ended', callId: 'a', sipCode: 486 });
    bus.emit({ type: 'call.ended', callId: 'a', sipCode: 486 });
    bus.emit({ type: 'call.ended', callId: 'never-started' });
    expect(active()).toBe(1);
    bus.emit({ type: 'call.ended', callId: 'b', q850: 16 });
    bus.emit({ type: 'call.ended', callId: 'b', q850: 16 });
    expect(active()).toBe(0);
    expect(telephony.calls?.active).toBe(0);
    const text = registry.render();
    expect(sample(text, `sidetone_call_attempts_total{${ob}}`)).toBe(2);
    expect(sample(text, 'sidetone_call_anomalies_total{kind="duplicate_start"}')).toBe(1);
    expect(sample(text, 'sidetone_call_anomalies_total{kind="unknown_call"}')).toBe(3);
  });

  it('evicts zombie calls after maxAgeSeconds (at scrape) and beyond maxTracked, counting them', async () => {
    const { bus, registry, clock } = setup({ maxAgeSeconds: 3600, maxTracked: 2 });
    for (const id of ['z1', 'z2', 'z3']) {
      bus.emit({ type: 'call.started', callId: id, direction: 'inbound', channel: 'pstn', ts: T0 });
    }
    const pstn = 'sidetone_call_active{direction="inbound",channel="pstn",trunk="other"}';
    let text = await registry.metrics();
    expect(sample(text, pstn)).toBe(2);
    expect(sample(text, 'sidetone_call_anomalies_total{kind="evicted"}')).toBe(1);
    clock.now = T0 + 3601_000;
    text = await registry.metrics();
    expect(sample(text, pstn)).toBe(0);
    expect(sample(text, 'sidetone_call_anomalies_total{kind="evicted"}')).toBe(3);
    bus.emit({ type: 'call.ended', callId: 'z3' });
    expect(sample(registry.render(), pstn)).toBe(0);
  });

  it('ages calls on the receive clock, so replayed events with old timestamps are not zombies', async () => {
    const { bus, registry } = setup({ maxAgeSeconds: 3600 });
    const old = T0 - 86_400_000;
    bus.emit({
      type: 'call.started',
      callId: 'r',
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
      ts: old,
    });
    bus.emit({ type: 'call.ringing', callId: 'r', ts: old + 2000 });
    const text = await registry.metrics();
    expect(sample(text, `sidetone_call_active{${ob}}`)).toBe(1);
    expect(sample(text, `sidetone_call_pdd_seconds_sum{${ob}}`)).toBe(2);
  });

  // RFC 3398 7.2.4.1 (Q.850 -> SIP) decides the outcome of a PSTN release; E.425 decides effectiveness.
  const pstn: Array<[number, string, 0 | 1, string]> = [
    [17, 'busy', 1, 'busy'],
    [18, 'ineffective', 1, 'no_answer'],
    [19, 'no_answer', 1, 'no_answer'],
    [20, 'no_answer', 0, 'unavailable'],
    [21, 'failed', 1, 'rejected'],
    [1, 'failed', 0, 'unallocated'],
    [34, 'ineffective', 0, 'network'],
    [16, 'cancelled', 1, 'normal'],
    [127, 'ineffective', 0, 'other'],
  ];
  it.each(
    pstn,
  )('PSTN release with Q.850 %i -> outcome %s, effective %i, cause %s', (q850, outcome, eff, cause) => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'call.started',
      callId: 'p',
      direction: 'outbound',
      channel: 'pstn',
      trunk: 'carrier-a',
    });
    bus.emit({ type: 'call.ended', callId: 'p', q850 });
    const text = registry.render();
    const labels = 'direction="outbound",channel="pstn",trunk="carrier-a"';
    expect(sample(text, `sidetone_call_outcomes_total{${labels},outcome="${outcome}"}`)).toBe(1);
    expect(sample(text, `sidetone_call_effective_total{${labels}}`)).toBe(eff);
    expect(
      sample(text, `sidetone_call_hangups_total{direction="outbound",hangup_by="unknown",cause="${cause}"}`),
    ).toBe(1);
  });

  // RFC 3398 8.2.6.1 (SIP -> Q.850) decides the hangup cause group when only a SIP code is known.
  const sip: Array<[number, string, string]> = [
    [486, 'busy', 'busy'],
    [600, 'busy', 'busy'],
    [480, 'no_answer', 'no_answer'],
    [603, 'declined', 'rejected'],
    [404, 'failed', 'unallocated'],
    [503, 'ineffective', 'network'],
    [408, 'ineffective', 'network'],
    [487, 'cancelled', 'normal'],
    [302, 'redirected', 'other'],
    [488, 'failed', 'other'],
  ];
  it.each(sip)('SIP final %i -> outcome %s, cause %s', (sipCode, outcome, cause) => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'call.started',
      callId: 's',
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
    });
    bus.emit({ type: 'call.ended', callId: 's', sipCode, hangupBy: 'callee', reason: PII.body });
    const text = registry.render();
    expect(sample(text, `sidetone_call_outcomes_total{${ob},outcome="${outcome}"}`)).toBe(1);
    expect(
      sample(text, `sidetone_call_hangups_total{direction="outbound",hangup_by="callee",cause="${cause}"}`),
    ).toBe(1);
    expectNoPii(text);
  });

  it('a 480 with Q.850 20 (subscriber absent) counts for SEER but not for NER', () => {
    const { bus, registry } = setup();
    bus.emit({
      type: 'call.started',
      callId: 'x',
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
    });
    bus.emit({ type: 'call.ended', callId: 'x', sipCode: 480, q850: 20 });
    const text = registry.render();
    expect(sample(text, `sidetone_call_outcomes_total{${ob},outcome="no_answer"}`)).toBe(1);
    expect(sample(text, `sidetone_call_effective_total{${ob}}`)).toBe(0);
  });

  it('counts +CLCC state changes, not repeated polls', () => {
    const { bus, registry } = setup();
    for (const stat of [4, 4, 0, 0, 1, 0, 9])
      bus.emit({ type: 'call.clcc', index: 1, stat, number: PII.phone });
    const text = registry.render();
    expectSeries(text, 'call_gsm', [
      'sidetone_call_gsm_state_changes_total{state="active"} 2',
      'sidetone_call_gsm_state_changes_total{state="held"} 1',
      'sidetone_call_gsm_state_changes_total{state="incoming"} 1',
      'sidetone_call_gsm_state_changes_total{state="unknown"} 1',
    ]);
  });
});
