import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { parseEvent } from '../../src/events/schemas.js';
import type { SidetoneEvent } from '../../src/events/types.js';
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

  it('has busy, no-answer, failed, timed-out and zombie calls, and a flapping modem', () => {
    const ended = new Map<string, SidetoneEvent>();
    const started = new Set<string>();
    for (const e of events) {
      if (e.type === 'call.started') started.add(e.callId);
      if (e.type === 'call.ended') ended.set(e.callId, e);
    }
    const codes = new Set([...ended.values()].map((e) => (e.type === 'call.ended' ? e.sipCode : undefined)));
    for (const code of [486, 480, 487, 408, 503]) expect(codes).toContain(code);
    expect([...started].filter((id) => !ended.has(id)).length).toBeGreaterThan(0);
    const drops = events.filter(
      (e) => e.type === 'modem.reconnected' && (e.ts as number) < 1_700_000_000_000 + 310_000,
    );
    expect(drops.length).toBe(5);
  });

  it('the signal drifts within the +CSQ range', () => {
    const rssi = events.flatMap((e) => (e.type === 'modem.signal' && e.csq ? [e.csq.rssi] : []));
    expect(new Set(rssi).size).toBeGreaterThan(3);
    for (const r of rssi) expect(r).toBeGreaterThanOrEqual(3);
    for (const r of rssi) expect(r).toBeLessThanOrEqual(31);
  });
});
