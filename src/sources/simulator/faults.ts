import type { EventOf, SidetoneEvent } from '../../events/types.js';
import { DEMO_MODELS } from './voice.js';

/** Fault scenarios for `sidetone demo --scenario NAME`: each one trips one family of alerts. */
export const SCENARIO_NAMES = [
  'trunk-outage',
  'modem-flap',
  'sms-delivery-stall',
  'signal-drop',
  'leaky-app',
  'voice-agent-slow-llm',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/**
 * When the fault starts after the demo starts, and how long it lasts. Long enough for a
 * Prometheus scraping every few seconds to see it, short enough to watch it resolve.
 */
export const FAULT_START_MS = 10_000;
export const FAULT_DURATION_MS = 45_000;
/**
 * `voice-agent-slow-llm` lasts longer: the latency alert waits for a 5-minute window and then
 * `for: 5m`, and a provider slowdown that pages should still be on when the page arrives.
 */
export const SLOW_LLM_DURATION_MS = 15 * 60_000;

/** The events that show a call got through to the far end: in an outage, the 503 comes instead. */
const FIRST_SIGN: ReadonlySet<string> = new Set([
  'sip.response',
  'call.ringing',
  'call.answered',
  'call.ended',
  'sip.transaction_timeout',
]);

/** What to do with an event due at a time: emit this one, drop it (null) or move it to a later time. */
export type FaultVerdict = SidetoneEvent | null | number;

export interface Fault {
  readonly name: ScenarioName;
  /** Extra events the fault causes (a flapping modem's drops). */
  schedule(at: (ms: number, event: SidetoneEvent) => void): void;
  /** Rewrite the normal traffic while the fault lasts. */
  filter(event: SidetoneEvent, at: number): FaultVerdict;
}

export interface FaultContext {
  /** Virtual start of the demo, epoch ms. */
  t0: number;
  trunks: readonly string[];
  modem: string;
}

/**
 * The fault of a scenario, from `t0 + FAULT_START_MS` for `FAULT_DURATION_MS`:
 * - `trunk-outage`: the first trunk's OPTIONS probes fail (SidetoneTrunkDown) and so do the calls
 *   it carries: each ends with 503 at its first answer or ringing (ASR/NER of the trunk drop);
 * - `modem-flap`: the modem drops and comes back every 8 s (SidetoneModemFlapping);
 * - `sms-delivery-stall`: the SMSC holds every delivery report and releases them when the
 *   fault ends (SidetoneSmsDeliveryReportsStalled);
 * - `signal-drop`: the modem's signal falls from -65 to -94 dBm over the first half of the fault
 *   and stays there (SidetoneModemSignalWeak with its default threshold below -100 does not fire;
 *   the console's signal panel turns amber);
 * - `leaky-app`: no traffic change; a badly instrumented integration writes to the registry
 *   (./leaky-app.ts; SidetonePiiRedacted, SidetoneSeriesOverflow, dropped samples);
 * - `voice-agent-slow-llm`: the provider of the first demo model slows down for
 *   SLOW_LLM_DURATION_MS: its time to first token grows by 2.6-4 s, and every instant after it
 *   with it, so its agent's callers wait 4-6 s (SidetoneVoiceAgentSlow; dead air too).
 * @example const fault = faultScenario('trunk-outage', { t0: Date.now(), trunks: ['a', 'b'], modem: 'modem0' });
 */
export function faultScenario(name: ScenarioName, c: FaultContext): Fault {
  const start = c.t0 + FAULT_START_MS;
  const end = start + FAULT_DURATION_MS;
  const during = (at: number) => at >= start && at < end;
  switch (name) {
    case 'trunk-outage': {
      const trunk = c.trunks[0] ?? 'trunk-a';
      // Calls the trunk took during the outage: failing until their first sign of life, which
      // becomes a 503 end; after it, nothing more of them is emitted (their real end included).
      const calls = new Map<string, 'failing' | 'ended'>();
      return {
        name,
        schedule: (at) => at(start, { type: 'trunk.status', trunk, up: false }),
        filter: (e, at) => {
          if (e.type === 'trunk.status' && e.trunk === trunk && during(at)) return { ...e, up: false };
          if (e.type === 'call.started' && e.trunk === trunk && during(at)) calls.set(e.callId, 'failing');
          const id = 'callId' in e ? e.callId : undefined;
          const state = id === undefined ? undefined : calls.get(id);
          if (id === undefined || state === undefined || e.type === 'call.started') return e;
          if (state === 'ended') {
            if (e.type === 'call.ended') calls.delete(id);
            return null;
          }
          if (!FIRST_SIGN.has(e.type)) return e;
          calls.set(id, 'ended');
          return { type: 'call.ended', callId: id, sipCode: 503, q850: 38, hangupBy: 'system' };
        },
      };
    }
    case 'modem-flap':
      return {
        name,
        schedule: (at) => {
          const modem = c.modem;
          for (let t = start; t < end; t += 8000) {
            at(t, { type: 'modem.disconnected', modem, reason: 'usb' });
            at(t + 2000, { type: 'modem.reconnected', modem });
            at(t + 2500, { type: 'modem.registration', modem, stat: 1, command: 'CEREG', act: 7 });
          }
        },
        filter: (e) => e,
      };
    case 'sms-delivery-stall':
      return {
        name,
        schedule: () => {},
        // Held, not lost: the SMSC catches up when it recovers, as real ones do.
        filter: (e, at) => (during(at) && e.type === 'sms.delivery_report' ? end + (at - start) / 100 : e),
      };
    case 'signal-drop':
      return {
        name,
        schedule: () => {},
        // Reported in dBm (`signal`), which the simulator's CSQ drift leaves alone.
        filter: (e, at) => {
          if (e.type !== 'modem.signal' || !during(at)) return e;
          const fallen = Math.min(1, (at - start) / (FAULT_DURATION_MS / 2));
          return { type: 'modem.signal', modem: c.modem, signal: { rssiDbm: Math.round(-65 - 29 * fallen) } };
        },
      };
    case 'leaky-app':
      return { name, schedule: () => {}, filter: (e) => e };
    case 'voice-agent-slow-llm': {
      const until = start + SLOW_LLM_DURATION_MS;
      // The same delay for a turn and its first-byte events (scheduled at the same instant).
      const delayOf = (at: number) => 2600 + (Math.floor(at) % 1400);
      let slowCall: string | undefined;
      return {
        name,
        schedule: () => {},
        filter: (e, at) => {
          if (at < start || at >= until) return e;
          if (e.type === 'voiceai.turn' && e.model === DEMO_MODELS[0]) {
            slowCall = e.callId;
            return slowTurn(e, delayOf(at));
          }
          if (e.type === 'voiceai.first_byte' && e.callId === slowCall && e.stage !== 'tts')
            return { ...e, seconds: e.seconds + delayOf(at) / 1000 };
          return e;
        },
      };
    }
  }
}

/** A turn whose LLM answered `ms` later: its first token and everything after it move. */
function slowTurn(e: EventOf<'voiceai.turn'>, ms: number): EventOf<'voiceai.turn'> {
  const out = { ...e };
  for (const k of [
    'llmFirstTokenAt',
    'llmDoneAt',
    'ttsStartedAt',
    'ttsFirstByteAt',
    'ttsFirstAudibleAt',
    'agentStartedAt',
    'agentStoppedAt',
  ] as const) {
    const v = out[k];
    if (v !== undefined) out[k] = v + ms;
  }
  return out;
}
