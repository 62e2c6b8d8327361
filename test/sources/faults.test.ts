import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/events/bus.js';
import { parseEvent } from '../../src/events/schemas.js';
import type { EventOf, SidetoneEvent } from '../../src/events/types.js';
import { Registry } from '../../src/metrics/index.js';
import {
  FAULT_DURATION_MS,
  FAULT_START_MS,
  SCENARIO_NAMES,
  type ScenarioName,
  SLOW_LLM_DURATION_MS,
} from '../../src/sources/simulator/faults.js';
import { Simulator } from '../../src/sources/simulator/simulator.js';

const T0 = 1_700_000_000_000;
const START = T0 + FAULT_START_MS;
const END = START + FAULT_DURATION_MS;

function run(scenario: ScenarioName | undefined, seconds = 120): SidetoneEvent[] {
  const bus = new EventBus();
  const seen: SidetoneEvent[] = [];
  bus.onAny((e) => seen.push(e));
  const sim = new Simulator(bus, { seed: 5, rate: 5, start: T0, ...(scenario ? { scenario } : {}) });
  sim.advance(T0 + seconds * 1000);
  return seen;
}

const during = (e: SidetoneEvent) => (e.ts as number) >= START && (e.ts as number) < END;
const after = (e: SidetoneEvent) => (e.ts as number) >= END;

describe('demo fault scenarios', () => {
  const normal = run(undefined);

  it.each(
    SCENARIO_NAMES,
  )('%s emits only valid events, in time order, and leaves the time before the fault alone', (name) => {
    const events = run(name);
    let last = 0;
    for (const e of events) {
      const r = parseEvent(e);
      expect(r.ok).toBe(true);
      expect(e.ts).toBeGreaterThanOrEqual(last);
      last = e.ts as number;
    }
    const untilFault = (list: SidetoneEvent[]) =>
      JSON.stringify(list.filter((e) => (e.ts as number) < START));
    expect(untilFault(events)).toBe(untilFault(normal));
  });

  it('trunk-outage: the first trunk is down for the whole fault, the second untouched, and it comes back', () => {
    const status = run('trunk-outage').filter((e) => e.type === 'trunk.status') as Array<
      SidetoneEvent & { trunk: string; up: boolean }
    >;
    const a = status.filter((e) => e.trunk === 'trunk-a');
    expect(a.filter(during).length).toBeGreaterThan(2);
    expect(a.filter(during).every((e) => !e.up)).toBe(true);
    expect(a.filter((e) => !during(e)).every((e) => e.up)).toBe(true);
    expect(a.filter(after).length).toBeGreaterThan(0);
    expect(status.filter((e) => e.trunk === 'trunk-b').every((e) => e.up)).toBe(true);
  });

  it('trunk-outage: calls the first trunk takes during the fault end with 503, once, never answered', () => {
    const events = run('trunk-outage');
    const trunkOf = new Map<string, string>();
    const startedAt = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'call.started') {
        trunkOf.set(e.callId, e.trunk ?? '');
        startedAt.set(e.callId, e.ts as number);
      }
    }
    const hit = [...trunkOf].filter(
      ([id, t]) => t === 'trunk-a' && during({ ts: startedAt.get(id) } as SidetoneEvent),
    );
    expect(hit.length).toBeGreaterThan(5);
    for (const [id] of hit) {
      const mine = events.filter((e) => 'callId' in e && e.callId === id);
      expect(mine.filter((e) => e.type === 'call.answered' || e.type === 'call.ringing')).toEqual([]);
      const ends = mine.filter((e) => e.type === 'call.ended');
      expect(ends).toHaveLength(1);
      expect(ends[0]).toMatchObject({ sipCode: 503, hangupBy: 'system' });
    }
    // The second trunk still answers calls during the fault.
    const bAnswered = events.filter(
      (e) => e.type === 'call.answered' && trunkOf.get(e.callId) === 'trunk-b' && during(e),
    );
    expect(bAnswered.length).toBeGreaterThan(0);
  });

  it('leaky-app: the integration redacts, overflows and drops on the registry during the fault only', () => {
    const registry = new Registry();
    const bus = new EventBus();
    const sim = new Simulator(bus, { seed: 5, rate: 1, start: T0, scenario: 'leaky-app', registry });
    sim.advance(START - 1);
    expect(registry.render()).not.toContain('demo_app_calls_total{');
    sim.advance(T0 + 120_000);
    const text = registry.render();
    expect(text).toMatch(/^demo_app_calls_total\{caller="redacted"\} 45$/m);
    expect(text).not.toMatch(/(?<![\d.])1555\d{7}(?!\d)/); // a number, not digits inside a float
    expect(text).toMatch(/^sidetone_series_overflow_total\{metric="demo_app_session_active"\} 25$/m);
    expect(text).toMatch(
      /^sidetone_samples_dropped_total\{metric="demo_app_latency_seconds",reason="nan"\} 45$/m,
    );
  });

  it('signal-drop: the signal falls from -65 to -94 dBm over the first half of the fault, in dBm', () => {
    const signals = run('signal-drop').filter((e) => e.type === 'modem.signal' && during(e)) as Array<
      SidetoneEvent & { signal?: { rssiDbm: number } }
    >;
    const dbm = signals.map((e) => e.signal?.rssiDbm);
    expect(dbm.length).toBeGreaterThan(3);
    expect(dbm.every((v) => v !== undefined && v <= -65 && v >= -94)).toBe(true);
    expect(dbm).toEqual([...dbm].sort((a, b) => (b as number) - (a as number)));
    expect(dbm.at(-1)).toBe(-94);
  });

  it('modem-flap: a drop and a reconnect every 8 s during the fault only', () => {
    const events = run('modem-flap');
    const drops = events.filter((e) => e.type === 'modem.disconnected');
    const reconnects = events.filter((e) => e.type === 'modem.reconnected');
    expect(drops.filter(during)).toHaveLength(Math.ceil(FAULT_DURATION_MS / 8000));
    expect(reconnects.filter(during).length).toBeGreaterThanOrEqual(drops.filter(during).length - 1);
    expect(drops.filter((e) => !during(e))).toHaveLength(
      normal.filter((e) => e.type === 'modem.disconnected').length,
    );
  });

  it("voice-agent-slow-llm: the first model's turns wait 2.6-4 s more from the LLM on, the other agent's do not", () => {
    const heard = (list: SidetoneEvent[], model: string) =>
      list
        .filter(
          (e): e is EventOf<'voiceai.turn'> =>
            e.type === 'voiceai.turn' &&
            e.model === model &&
            (e.ts as number) >= START &&
            (e.ts as number) < START + SLOW_LLM_DURATION_MS,
        )
        .map((e) => ((e.agentStartedAt as number) - (e.userStoppedAt as number)) / 1000);
    const slow = heard(run('voice-agent-slow-llm', 300), 'gpt-4.1-mini');
    const before = heard(run(undefined, 300), 'gpt-4.1-mini');
    expect(slow.length).toBe(before.length);
    expect(slow.length).toBeGreaterThan(20);
    slow.forEach((s, i) => {
      expect(s - (before[i] as number)).toBeGreaterThanOrEqual(2.6);
      expect(s - (before[i] as number)).toBeLessThan(4);
    });
    expect(slow.filter((s) => s > 3.5).length / slow.length).toBeGreaterThan(0.9);
    expect(heard(run('voice-agent-slow-llm', 300), 'llama-3.1-8b')).toEqual(
      heard(run(undefined, 300), 'llama-3.1-8b'),
    );
  });

  it('sms-delivery-stall: no delivery report during the fault; every one is released after it', () => {
    const events = run('sms-delivery-stall');
    const reports = events.filter((e) => e.type === 'sms.delivery_report');
    expect(reports.filter(during)).toEqual([]);
    const normalReports = normal.filter((e) => e.type === 'sms.delivery_report' && (e.ts as number) < END);
    expect(normalReports.filter(during).length).toBeGreaterThan(5);
    // Held, not lost: the SMSC catches up within a second of recovering.
    const firstSecond = (e: SidetoneEvent) => (e.ts as number) >= END && (e.ts as number) < END + 1000;
    const due = normal.filter((e) => e.type === 'sms.delivery_report' && firstSecond(e)).length;
    expect(reports.filter(firstSecond).length).toBe(normalReports.filter(during).length + due);
    expect(reports.length).toBe(normal.filter((e) => e.type === 'sms.delivery_report').length);
  });
});
