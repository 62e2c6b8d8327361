import type { ScenarioName } from '../../config/source-defaults.js';
import type { AmdCategory } from '../../domain/vocab.js';
import type { EventOf, SidetoneEvent } from '../../events/types.js';
import { DEMO_AGENTS, DEMO_MODELS } from './voice.js';

const MIN = 60_000;

/** When a fault starts: this long after `Simulator#fault` is called (a demo: after its backfill). */
export const FAULT_START_MS = 10_000;

/**
 * How long each fault lasts. Each outlasts what its alert needs with the shipped thresholds and
 * `for:` (src/rules/alerts.ts with ALERT_DEFAULTS; test/sources/faults.slow.test.ts checks it), so the
 * alert fires while the fault is still on, then the fault clears and the alert resolves:
 * - `trunk-outage`: the probes fail at once; SidetoneTrunkDown is `for: 2m`;
 * - `modem-flap`: the third reconnect (modem.flapping_reconnects) comes 18 s in; SidetoneModemFlapping
 *   is `for: 1m`;
 * - `sms-delivery-stall`: SidetoneSmsDeliveryReportsStalled needs no final report for
 *   sms_pending_max_seconds (900 s), then `for: 5m`: 20 minutes;
 * - `signal-drop`: the signal is below -100 dBm 25 s in; SidetoneModemSignalWeak is `for: 10m`;
 * - `leaky-app`: SidetonePiiRedacted and SidetoneSeriesOverflow are `for: 0m`;
 * - `voice-agent-slow-llm`: the slowed agent's p95 heard silence over 5 minutes passes 3.5 s once
 *   more than 5 % of its turns in the window are slow (with alerts.voice_min_turns of them), then
 *   SidetoneVoiceAgentSlow is `for: 5m`;
 * - `answering-machine`: the window's human-connect rate is below alerts.human_connect_min_ratio
 *   from the first verdicts on (seconds in: the outbound attempts before the campaign count too,
 *   with no person on them) and stays there, with ~135 outbound attempts in 10 minutes at rate 1;
 *   SidetoneHumanConnectLow is `for: 10m`.
 */
export const FAULT_DURATION_MS: Readonly<Record<ScenarioName, number>> = {
  'trunk-outage': 5 * MIN,
  'modem-flap': 3 * MIN,
  'sms-delivery-stall': 23 * MIN,
  'signal-drop': 13 * MIN,
  'leaky-app': 3 * MIN,
  'voice-agent-slow-llm': 15 * MIN,
  'answering-machine': 15 * MIN,
};

/**
 * What the answering-machine scenario's detector finds on each run of 20 answered campaign calls,
 * in turn: mostly voicemail greetings and IVR menus, a person on 1 in 20. A cycle, not a draw: a
 * random 5 % put 3 persons in 21 attempts of one 10-minute window (seed 1, rate 1: 14 %, over the
 * threshold), and the alert would clear and fire again during the fault.
 */
export const CAMPAIGN_AMD: ReadonlyArray<readonly [AmdCategory, number]> = [
  ['machine-vm', 6],
  ['machine-ivr', 2],
  ['human', 1],
  ['machine-vm', 6],
  ['machine-ivr', 2],
  ['machine-unavailable', 2],
  ['uncertain', 1],
];
const CAMPAIGN_CYCLE: readonly AmdCategory[] = CAMPAIGN_AMD.flatMap(([c, n]) =>
  Array<AmdCategory>(n).fill(c),
);
/** The agent that places the campaign's calls (the demo's `labels.agents`). */
export const CAMPAIGN_AGENT = DEMO_AGENTS[1];

/** The signal-drop scenario falls to this, in dBm, over its first `SIGNAL_FALL_MS`, and stays. */
export const SIGNAL_FLOOR_DBM = -107;
const SIGNAL_FROM_DBM = -65;
const SIGNAL_FALL_MS = 30_000;

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
  /** When it starts and ends, epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Extra events the fault causes (a flapping modem's drops). */
  schedule(at: (ms: number, event: SidetoneEvent) => void): void;
  /** Rewrite the normal traffic while the fault lasts. */
  filter(event: SidetoneEvent, at: number): FaultVerdict;
}

export interface FaultContext {
  /** When the fault starts, epoch ms. */
  start: number;
  trunks: readonly string[];
  modem: string;
}

/**
 * The fault of a scenario, from `c.start` for `FAULT_DURATION_MS[name]`:
 * - `trunk-outage`: the first trunk's OPTIONS probes fail (SidetoneTrunkDown) and so do the calls
 *   it carries: each ends with 503 at its first answer or ringing (ASR/NER of the trunk drop);
 * - `modem-flap`: the modem drops and comes back every 8 s (SidetoneModemFlapping);
 * - `sms-delivery-stall`: the SMSC holds every delivery report and releases them when the
 *   fault ends (SidetoneSmsDeliveryReportsStalled);
 * - `signal-drop`: the modem's signal falls from -65 to -107 dBm over 30 s and stays there
 *   (SidetoneModemSignalWeak, below -100 dBm by default);
 * - `leaky-app`: no traffic change; a badly instrumented integration writes to the registry
 *   (./leaky-app.ts; SidetonePiiRedacted, SidetoneSeriesOverflow, dropped samples);
 * - `voice-agent-slow-llm`: the provider of the first demo model slows down: its time to first
 *   token grows by 2.6-4 s, and every instant after it with it, so its agent's callers wait 4-6 s
 *   (SidetoneVoiceAgentSlow; dead air too);
 * - `answering-machine`: an outbound campaign: every outbound call placed during the fault goes
 *   through the agent's answering-machine detector once answered, which finds voicemail or an IVR
 *   on most, a person on 1 in 20 ({@link CAMPAIGN_AMD}). Its verdicts are `voiceai.amd` events on
 *   the bus, as an integration or the OTLP receiver (LiveKit's `amd` span) sends them
 *   (SidetoneHumanConnectLow).
 * @example const fault = faultScenario('trunk-outage', { start: Date.now() + 10_000, trunks: ['a', 'b'], modem: 'modem0' });
 */
export function faultScenario(name: ScenarioName, c: FaultContext): Fault {
  const start = c.start;
  const end = start + FAULT_DURATION_MS[name];
  const during = (at: number) => at >= start && at < end;
  switch (name) {
    case 'trunk-outage': {
      const trunk = c.trunks[0] ?? 'trunk-a';
      // Calls the trunk took during the outage: failing until their first sign of life, which
      // becomes a 503 end; after it, nothing more of them is emitted (their real end included).
      const calls = new Map<string, 'failing' | 'ended'>();
      return {
        name,
        start,
        end,
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
        start,
        end,
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
        start,
        end,
        schedule: () => {},
        // Held, not lost: the SMSC catches up when it recovers, as real ones do.
        filter: (e, at) => (during(at) && e.type === 'sms.delivery_report' ? end + (at - start) / 100 : e),
      };
    case 'signal-drop':
      return {
        name,
        start,
        end,
        schedule: () => {},
        // Reported in dBm (`signal`), which the simulator's CSQ drift leaves alone.
        filter: (e, at) => {
          if (e.type !== 'modem.signal' || !during(at)) return e;
          const fallen = Math.min(1, (at - start) / SIGNAL_FALL_MS);
          const rssiDbm = Math.round(SIGNAL_FROM_DBM + (SIGNAL_FLOOR_DBM - SIGNAL_FROM_DBM) * fallen);
          return { type: 'modem.signal', modem: c.modem, signal: { rssiDbm } };
        },
      };
    case 'leaky-app':
      return { name, start, end, schedule: () => {}, filter: (e) => e };
    case 'voice-agent-slow-llm': {
      // The same delay for a turn and its first-byte events (scheduled at the same instant).
      const delayOf = (at: number) => 2600 + (Math.floor(at) % 1400);
      let slowCall: string | undefined;
      return {
        name,
        start,
        end,
        schedule: () => {},
        filter: (e, at) => {
          if (!during(at)) return e;
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
    case 'answering-machine': {
      // The campaign's calls from their start to their answer or end: as many as are ringing.
      const ringing = new Set<string>();
      let answered = 0;
      let later: ((ms: number, event: SidetoneEvent) => void) | undefined;
      return {
        name,
        start,
        end,
        // Where the verdicts go: the simulator's own queue, in time order with everything else.
        schedule: (at) => {
          later = at;
        },
        filter: (e, at) => {
          if (e.type === 'call.started' && e.direction === 'outbound' && during(at)) ringing.add(e.callId);
          else if (e.type === 'call.answered' && ringing.delete(e.callId)) {
            const v = campaignVerdict(
              e.callId,
              CAMPAIGN_CYCLE[answered++ % CAMPAIGN_CYCLE.length] as AmdCategory,
            );
            later?.(at + v.afterMs, v.event);
          } else if (e.type === 'call.ended') ringing.delete(e.callId);
          return e;
        },
      };
    }
  }
}

/**
 * The detector's verdict on an answered campaign call: `category`, 1.5-4.5 s after the answer (a
 * greeting heard out), 0.2-1.4 s after the callee's speech ended (LiveKit's `lk.amd.delay`), both
 * from its (random) Call-ID, so a seed gives the same campaign.
 */
function campaignVerdict(
  callId: string,
  category: AmdCategory,
): { afterMs: number; event: EventOf<'voiceai.amd'> } {
  const frac = Number.parseInt(callId.slice(0, 4), 16) / 0xffff;
  return {
    afterMs: 1500 + Math.round(3000 * frac),
    event: {
      type: 'voiceai.amd',
      callId,
      agent: CAMPAIGN_AGENT,
      category,
      delaySeconds: Math.round((0.2 + 1.2 * frac) * 1000) / 1000,
    },
  };
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
