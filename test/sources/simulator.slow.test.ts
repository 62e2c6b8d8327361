import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { parseEvent } from '../../src/events/schemas.js';
import type { SidetoneEvent } from '../../src/events/types.js';
import { ALERT_DEFAULTS } from '../../src/rules/thresholds.js';
import { Simulator } from '../../src/sources/simulator/simulator.js';

function run(seed: number, minutes: number): SidetoneEvent[] {
  const bus = new EventBus();
  const seen: SidetoneEvent[] = [];
  bus.onAny((e) => seen.push(e));
  const sim = new Simulator(bus, { seed, rate: 2, start: 1_700_000_000_000 });
  sim.advance(1_700_000_000_000 + minutes * 60_000);
  return seen;
}

describe('demo simulator', () => {
  const events = run(7, 10);

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(run(7, 10))).toBe(JSON.stringify(events));
    expect(JSON.stringify(run(8, 10))).not.toBe(JSON.stringify(events));
  });

  it('emits only events the ingest schemas accept, in time order', () => {
    let last = 0;
    for (const e of events) {
      const r = parseEvent(e);
      expect(r.ok, JSON.stringify(r.ok ? '' : r.issues)).toBe(true);
      expect(e.ts).toBeGreaterThanOrEqual(last);
      last = e.ts as number;
    }
  });

  it('covers every family the demo promises', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of [
      'modem.connected',
      'modem.disconnected',
      'modem.reconnected',
      'modem.registration',
      'modem.signal',
      'sms.received',
      'sms.sent',
      'sms.delivery_report',
      'ussd.response',
      'call.started',
      'call.ringing',
      'call.answered',
      'call.ended',
      'sip.request',
      'sip.response',
      'trunk.status',
      'media.report',
      'voiceai.first_byte',
      'pbx.queue_enqueued',
      'sim.apdu',
      'sim.session',
      'heartbeat',
    ]) {
      expect(types, t).toContain(t);
    }
  });

  it('has busy, no-answer, failed and timed-out calls, every one ended, and a modem that drops once', () => {
    const ended = new Map<string, SidetoneEvent>();
    const started = new Set<string>();
    for (const e of events) {
      if (e.type === 'call.started') started.add(e.callId);
      if (e.type === 'call.ended') ended.set(e.callId, e);
    }
    const codes = new Set([...ended.values()].map((e) => (e.type === 'call.ended' ? e.sipCode : undefined)));
    for (const code of [486, 480, 487, 408, 503]) expect(codes).toContain(code);
    // No zombie: a call whose end is still due after the run is one that started in its last 3 min.
    const late = 1_700_000_000_000 + 7 * 60_000;
    const open = [...started].filter((id) => !ended.has(id));
    const startedAt = new Map(events.flatMap((e) => (e.type === 'call.started' ? [[e.callId, e.ts]] : [])));
    expect(open.filter((id) => (startedAt.get(id) as number) < late)).toEqual([]);
    expect(events.filter((e) => e.type === 'modem.disconnected')).toHaveLength(1);
  });

  it('trips no alert over a day: no flapping, no weak signal, no call left open', () => {
    const t0 = 1_700_000_000_000;
    const bus = new EventBus();
    const reconnects: number[] = [];
    const dbm: number[] = [];
    const open = new Map<string, number>();
    bus.onAny((e) => {
      if (e.type === 'modem.reconnected') reconnects.push(e.ts as number);
      // +CSQ n is -113 + 2n dBm (3GPP TS 27.007 8.5).
      if (e.type === 'modem.signal' && e.csq) dbm.push(-113 + 2 * e.csq.rssi);
      if (e.type === 'call.started') open.set(e.callId, e.ts as number);
      if (e.type === 'call.ended') open.delete(e.callId);
    });
    new Simulator(bus, { seed: 3, rate: 1, start: t0 }).advance(t0 + 86_400_000);
    // SidetoneModemFlapping: 3 reconnects within 600 s (modem.flapping_* defaults).
    expect(reconnects.length).toBeGreaterThan(24);
    for (let i = 2; i < reconnects.length; i++)
      expect((reconnects[i] as number) - (reconnects[i - 2] as number)).toBeGreaterThan(600_000);
    // SidetoneModemSignalWeak: below alerts.signal_min_dbm.
    expect(Math.min(...dbm)).toBeGreaterThan(ALERT_DEFAULTS.signal_min_dbm);
    // SidetoneZombieCalls: every call ends (those still open started in the last 3 minutes).
    expect([...open.values()].filter((at) => at < t0 + 86_400_000 - 180_000)).toEqual([]);
  });

  it('the signal drifts within the +CSQ range', () => {
    const rssi = events.flatMap((e) => (e.type === 'modem.signal' && e.csq ? [e.csq.rssi] : []));
    expect(new Set(rssi).size).toBeGreaterThan(3);
    for (const r of rssi) expect(r).toBeGreaterThanOrEqual(3);
    for (const r of rssi) expect(r).toBeLessThanOrEqual(31);
  });
});
