import {
  COST_COMPONENTS,
  carrierCost,
  reportCost,
  type TrunkPrice,
  USAGE_COMPONENTS,
  USAGE_PRICING,
} from '../../domain/cost.js';
import { AMD_CATEGORIES, INTERRUPTION_KINDS, SPEAKERS, TURN_SEGMENTS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { ExemplarLabels } from '../../metrics/exemplar.js';
import type { HistogramSeries } from '../../metrics/index.js';
import { type CallStates, callStates } from '../call-states.js';
import type { ConfigList } from '../catalogue.js';
import { breakTurn, isDeadAir, segmentIndex, TurnBreakdown, UNATTRIBUTED } from '../outcome/turns.js';
import type { PackMetrics, ResolvedOptions } from '../pack.js';
import { Enum } from '../table.js';

/** The voice-AI pack's turn metrics: what each `voiceai.turn` and `voiceai.interruption` moves. */
export interface TurnMetrics {
  turn(e: EventOf<'voiceai.turn'>): void;
  interruption(e: EventOf<'voiceai.interruption'>): void;
  amd(e: EventOf<'voiceai.amd'>): void;
  /** A provider's usage report: its cost by the price table (none without one). */
  usage(e: EventOf<'voiceai.usage'>): void;
  /**
   * Listen to the calls on `bus` (their trunk, answer and end): each answered call's carrier
   * minutes are priced into the cost counter as it ends. Returns the unsubscribe functions.
   */
  subscribeCalls(bus: EventBus): Array<() => void>;
}

const SPEAKER_AGENT = SPEAKERS.indexOf('agent');
const SPEAKER_CALLER = SPEAKERS.indexOf('caller');

/**
 * Per-turn histograms recorded as each turn ends (LiveKit flushes its turn histograms at session
 * end, livekit/agents telemetry/otel_metrics.py; a dashboard then sees a call's turns only after
 * the call), labelled by the configured agent and model names only. Hot path: one breakdown object
 * reused, series reached through pre-indexed tables, no allocation per turn.
 */
export function turnMetrics(m: PackMetrics, o: ResolvedOptions): TurnMetrics {
  // A name outside the configured list folds into `other`: counted by list (bounded), and the
  // first of each list handed on once, so the operator learns which setting admits it.
  const unconfigured = m.counter('voiceai_unconfigured_names_total');
  const outside = (k: number, list: ConfigList) => {
    const seen = unconfigured.at(k);
    let told = false;
    return (name: string) => {
      seen.inc();
      if (told) return;
      told = true;
      o.onUnconfiguredName(list, name);
    };
  };
  const agents = m.config('agents', outside(0, 'agents'));
  const models = m.config('models', outside(1, 'models'));
  const kinds = new Enum(INTERRUPTION_KINDS);
  const turns = m.counter('voiceai_turns_total');
  const heard = m.histogram('voiceai_heard_silence_seconds');
  const segments = m.histogram('voiceai_turn_segment_seconds');
  const deadAir = m.counter('voiceai_dead_air_turns_total');
  const inconsistent = m.counter('voiceai_turns_inconsistent_total');
  const ttfa = m.histogram('voiceai_tts_ttfa_seconds');
  const speech = m.counter('voiceai_speech_seconds_total');
  const interruptions = m.counter('voiceai_interruptions_total');
  const categories = new Enum(AMD_CATEGORIES);
  const amdResults = m.counter('voiceai_amd_results_total');
  const amdDelay = m.histogram('voiceai_amd_delay_seconds');
  const components = new Enum(USAGE_COMPONENTS);
  const costComponents = new Enum(COST_COMPONENTS);
  const CARRIER = costComponents.of('carrier');
  const cost = m.counter('voiceai_cost_total');
  const carrier = carrierLedger(o, agents);
  const usageReports = m.counter('voiceai_usage_reports_total');
  const pricings = new Enum(USAGE_PRICING);
  const prices = o.prices;
  const eouProbability = m.histogram('voiceai_eou_probability_ratio');
  const eouDelay = m.histogram('voiceai_eou_detection_delay_seconds');
  const interruptionDelay = m.histogram('voiceai_interruption_detection_delay_seconds');
  const b = new TurnBreakdown();
  const deadAirMs = o.deadAirSeconds * 1000;
  const unattributed = TURN_SEGMENTS.indexOf('unattributed');

  // Every observation of a turn is staged (series, value) and made from one call site each for
  // observe and inc: a call V8 does not inline boxes its number argument (a heap allocation), and
  // with a site per metric the handler ran out of V8's inlining budget: 2-4 young GCs per 2M turns
  // in every run (bench/events.bench.mjs); staged, 0 in most runs (V8's choices vary by run).
  const series: HistogramSeries[] = [];
  // The heard silence, its segments (UNATTRIBUTED + 1 at most), TTFA, the end-of-turn probability and delay.
  const values = new Float64Array(UNATTRIBUTED + 5);
  let staged = 0;
  /** The heard silence's exemplar (the call's trace), observed with it at index 0. */
  let exemplar: ExemplarLabels | undefined;
  // The value is written before the call (values[staged] = v; stage(h)): no number is an argument.
  const stage = (h: HistogramSeries) => {
    series[staged++] = h;
  };
  const stageSegments = (a: number, mo: number) => {
    // A segment carrying a missing neighbour is time no single stage can be charged with: it is
    // summed with the unplaced rest into one `unattributed` observation, so per turn the recorded
    // segments still add up to the heard silence.
    let rest = 0;
    let restSeen = false;
    for (let i = 0; i <= UNATTRIBUTED; i++) {
      const ms = b.ms[i] as number;
      if (Number.isNaN(ms)) continue;
      const seg = segmentIndex(b, i);
      if (seg === UNATTRIBUTED) {
        rest += ms;
        restSeen = true;
      } else {
        values[staged] = ms / 1000;
        stage(segments.at(a, mo, seg));
      }
    }
    if (restSeen) {
      values[staged] = rest / 1000;
      stage(segments.at(a, mo, unattributed));
    }
  };
  const talk = new Float64Array(SPEAKERS.length);
  /** What turn() staged, observed and added: no number crosses a call that may not be inlined. */
  const record = (a: number) => {
    for (let i = 0; i < staged; i++) {
      (series[i] as HistogramSeries).observeAt(values, i, i === 0 ? exemplar : undefined);
    }
    for (let s = 0; s < talk.length; s++) {
      if (!Number.isNaN(talk[s] as number)) speech.at(a, s).incAt(talk, s);
    }
  };

  return {
    turn(e) {
      breakTurn(e, b);
      const a = agents.of(e.agent);
      if (e.agent !== undefined) carrier.agent(e.callId, a);
      const mo = models.of(e.model);
      turns.at(a, mo).inc();
      staged = 0;
      exemplar = undefined;
      // Segments only beside a whole they add up to: stacked, they are the heard-silence histogram.
      if (b.inconsistent) inconsistent.at(a).inc();
      else if (!Number.isNaN(b.heardMs)) {
        exemplar = e.callId === undefined ? undefined : o.exemplar(e.callId);
        values[staged] = b.heardMs / 1000;
        stage(heard.at(a, mo));
        stageSegments(a, mo);
      }
      if (isDeadAir(b, e, deadAirMs)) deadAir.at(a, mo).inc();
      if (e.ttsStartedAt !== undefined && e.ttsFirstAudibleAt !== undefined) {
        values[staged] = Math.max(0, e.ttsFirstAudibleAt - e.ttsStartedAt) / 1000;
        stage(ttfa.at(a));
      }
      if (e.eouProbability !== undefined) {
        values[staged] = e.eouProbability;
        stage(eouProbability.at(a));
      }
      if (e.eouDetectionDelaySeconds !== undefined) {
        values[staged] = e.eouDetectionDelaySeconds;
        stage(eouDelay.at(a));
      }
      talk[SPEAKER_AGENT] = b.agentSpeechMs / 1000;
      talk[SPEAKER_CALLER] = b.callerSpeechMs / 1000;
      record(a);
    },
    interruption(e) {
      const a = agents.of(e.agent);
      const k = kinds.of(e.kind);
      interruptions.at(a, k).inc();
      if (e.detectionDelaySeconds !== undefined) interruptionDelay.at(a, k).observe(e.detectionDelaySeconds);
    },
    amd(e) {
      const a = agents.of(e.agent);
      if (e.agent !== undefined) carrier.agent(e.callId, a);
      amdResults.at(a, categories.of(e.category)).inc();
      if (e.delaySeconds !== undefined) amdDelay.at(a).observe(e.delaySeconds);
    },
    usage(e) {
      const a = agents.of(e.agent);
      if (e.agent !== undefined) carrier.agent(e.callId, a);
      const component = components.of(e.component);
      if (prices === null) {
        usageReports.at(a, component, pricings.of('no_price_file')).inc();
        return;
      }
      const c = reportCost(prices, e);
      usageReports.at(a, component, pricings.of(c.priced ? 'priced' : 'unpriced')).inc();
      // USAGE_COMPONENTS is COST_COMPONENTS' head: the same index in both.
      if (c.cost > 0) cost.at(a, component, carrier.trunkOf(e.callId)).inc(c.cost);
    },
    subscribeCalls(bus) {
      return carrier.subscribe(bus, (a, t, amount) => cost.at(a, CARRIER, t).inc(amount));
    },
  };
}

/**
 * What the cost counter needs of a call: its trunk (the label, and the carrier's price for it as the
 * call started) and the agent its voice-agent events named, kept in one number in the call's slot
 * of the bus's call projection (call-states.ts: bounded and evicted with the call; no object per
 * call). An answered call's minutes are priced as it ends, as the call record prices them
 * (store/records/call-rows.ts: talk time = end - answer, domain/cost.ts carrierCost), so the
 * counter's `carrier` component and the records' `cost_carrier` add up to the same. A call pushed
 * out of the projection (cap or age) has no known talk time and adds nothing, as its record.
 */
function carrierLedger(o: ResolvedOptions, agents: Enum) {
  // The call's trunk as the store names it (store-sink.ts: a configured name, else `other`), and
  // one more code for a call that gave no trunk: labelled `other`, but priced by no trunk entry.
  const trunks = new Enum(o.trunks);
  const NO_TRUNK = trunks.size;
  const codes = trunks.size + 1;
  const price: (TrunkPrice | undefined)[] = trunks.values.map((name) =>
    o.prices?.trunks.find((t) => t.trunk === name),
  );
  let calls: CallStates | undefined;
  let slot = -1;
  const code = (callId: string | undefined): number | undefined => {
    if (callId === undefined || calls === undefined) return undefined;
    return calls.lookup(callId)?.slots[slot] as number | undefined;
  };
  return {
    /** Remember `a` as the agent of call `callId` (while it is tracked). */
    agent(callId: string | undefined, a: number): void {
      if (callId === undefined || calls === undefined) return;
      const s = calls.get(callId);
      const v = s?.slots[slot] as number | undefined;
      if (s !== undefined && v !== undefined) s.slots[slot] = (v % codes) + codes * (a + 1);
    },
    /** The trunk label index of call `callId`: `other` when it is not tracked or gave no trunk. */
    trunkOf(callId: string | undefined): number {
      const v = code(callId);
      return v === undefined || v % codes === NO_TRUNK ? trunks.other : v % codes;
    },
    subscribe(
      bus: EventBus,
      charge: (agent: number, trunk: number, amount: number) => void,
    ): Array<() => void> {
      // The same bounds as the calls pack's, whichever asks first (the projection is per bus).
      calls = callStates(bus, { maxCalls: o.maxTracked, maxAgeSeconds: o.maxAgeSeconds, now: o.now });
      slot = calls.slot();
      const states = calls;
      return [
        // Registered as a reader (the projection leaves the bus with its last one); an evicted call
        // is dropped with its slot, nothing to charge.
        states.onEvict(() => {}),
        bus.on('call.started', (e) => {
          const s = states.started(e);
          if (s !== undefined) s.slots[slot] = e.trunk === undefined ? NO_TRUNK : trunks.of(e.trunk);
        }),
        bus.on('call.ended', (e) => {
          const end = states.ended(e);
          const v = end?.state.slots[slot] as number | undefined;
          if (end === undefined || v === undefined || Number.isNaN(end.state.answeredAt)) return;
          const t = v % codes;
          const p = t === NO_TRUNK ? undefined : price[t];
          if (p === undefined) return;
          const amount = carrierCost(p, Math.max(0, end.at - end.state.answeredAt));
          const a = Math.floor(v / codes) - 1;
          if (amount > 0) charge(a < 0 ? agents.other : a, t, amount);
        }),
      ];
    },
  };
}
