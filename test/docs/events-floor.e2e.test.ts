/**
 * The events suite's floor (bench/events-floor.mjs) is the floor of its rows only if it does
 * sidetone's work: the same events through both leave the same totals in every family, and a floor
 * that skips a family is caught. Needs the build (the floor takes the domain's decisions from dist/).
 */
import { describe, expect, it } from 'vitest';
import { eventsFloor, floorProblems } from '../../bench/events-floor.mjs';
import { EventBus } from '../../dist/events/bus.js';
import { Registry } from '../../dist/metrics/index.js';
import { instrument } from '../../dist/telephony/index.js';

const sidetone = { EventBus, Registry, instrument };

describe('the events floor', () => {
  it("leaves sidetone's totals for the same calls, SIP responses, SMS, voice turns and helpers", () => {
    expect(floorProblems(sidetone)).toEqual([]);
  });

  it('is caught when it skips a family or counts one wrong', () => {
    // sidetone with a pack that counts one more family: the floor does not keep it.
    const extra = {
      ...sidetone,
      instrument: (bus: EventBus, registry: Registry, o: Parameters<typeof instrument>[2]) => {
        const t = instrument(bus, registry, o);
        const c = registry.counter({ name: 'sidetone_extra_total', help: 'x' });
        bus.on('sms.received', () => c.inc());
        return t;
      },
    };
    expect(floorProblems(extra)).toEqual(['sidetone_extra_total: moved in sidetone, not kept by the floor']);
    // sidetone counting every SMS segment twice: the totals differ.
    const twice = {
      ...sidetone,
      instrument: (bus: EventBus, registry: Registry, o: Parameters<typeof instrument>[2]) => {
        const t = instrument(bus, registry, o);
        bus.on('sms.received', (e) => t.sms?.received(e.segments));
        return t;
      },
    };
    expect(floorProblems(twice).join('\n')).toMatch(
      /^sidetone_sms_received_total: sidetone \d+, the floor \d+/m,
    );
  });

  it('records a call lifecycle as the calls, trunks and media packs do', () => {
    const f = eventsFloor({ trunks: ['carrier-a'] });
    const t = 1_700_000_000_000;
    f.emit({
      type: 'call.started',
      callId: 'c',
      direction: 'outbound',
      channel: 'sip',
      trunk: 'carrier-a',
      ts: t,
    });
    f.emit({ type: 'call.ringing', callId: 'c', ts: t + 800 });
    f.emit({ type: 'call.answered', callId: 'c', ts: t + 3000 });
    f.emit({ type: 'call.ended', callId: 'c', q850: 16, hangupBy: 'caller', ts: t + 63_000 });
    f.emit({ type: 'call.ringing', callId: 'gone', ts: t });
    expect(f.unknownCalls()).toBe(1);
    const totals = f.totals();
    expect(totals).toMatchObject({
      sidetone_call_attempts_total: 1,
      sidetone_call_active: 0,
      sidetone_call_answered_total: 1,
      sidetone_call_pdd_seconds_sum: 0.8,
      sidetone_call_duration_seconds_sum: 63,
      sidetone_call_talk_time_seconds_sum: 60,
      sidetone_call_hangups_total: 1,
    });
  });
});
