import {
  CALL_ANOMALIES,
  CALL_OUTCOMES,
  CLCC_STATES,
  HOLD_STATES,
  Q850_CLASSES,
} from '../../domain/labels.js';
import { hangupCause, isNetworkEffective } from '../../domain/outcome/classify.js';
import { clccState } from '../../domain/standards/modem.js';
import { CALL_CHANNELS, type Direction, HANGUP_BY } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { type CallClose, type CallState, callStates } from '../call-states.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';

const kinds = new Enum(CALL_ANOMALIES);
const [DUPLICATE_START, DUPLICATE_ANSWER, UNKNOWN_CALL, EVICTED] = [
  kinds.of('duplicate_start'),
  kinds.of('duplicate_answer'),
  kinds.of('unknown_call'),
  kinds.of('evicted'),
];

export interface CallsPack extends PackBase {
  /** Calls started and not ended, as tracked by the bus's one per-call state (call-states.ts). */
  readonly active: number;
  /** Evict zombie calls now (also done on every start and at scrape). */
  sweep(): void;
}

/**
 * Call lifecycle and carrier KPIs. Counters and histograms are shaped so ASR (E.411), NER
 * (E.425), SER/SEER/ISA (RFC 6076), ACD and PDD are PromQL ratios (docs/promql.md). Active calls
 * are a real count over tracked call ids: a duplicate start or end changes nothing, an end for
 * an unknown call cannot go negative. Calls are the bus's one per-call projection (call-states.ts,
 * bounded by `maxTracked` and `maxAgeSeconds`): an evicted call is counted as an anomaly and closed
 * with the verdict every surface gives it (its outcome counted here, as the log, span and store
 * report it), and its late end is an unknown call.
 * @example
 * const calls = callsPack(registry, { trunks: ['carrier-a'] });
 * calls.subscribe(bus);
 * bus.emit({ type: 'call.started', callId: 'c1', direction: 'outbound', channel: 'sip', trunk: 'carrier-a' });
 */
export function callsPack(registry: Registry, options: PackOptions = {}): CallsPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'calls');
  const trunks = m.config('trunks');
  const channels = new Enum(CALL_CHANNELS);
  const outcomes = new Enum(CALL_OUTCOMES);
  const hangupBy = new Enum(HANGUP_BY);
  const causes = new Enum(Q850_CLASSES);
  const clcc = new Enum(CLCC_STATES);
  const holds = new Enum(HOLD_STATES);

  const attempts = m.counter('call_attempts_total');
  const answered = m.counter('call_answered_total');
  const effective = m.counter('call_effective_total');
  const outcome = m.counter('call_outcomes_total');
  const active = m.gauge('call_active', () => pack.sweep());
  const pdd = m.histogram('call_pdd_seconds');
  const setup = m.histogram('call_setup_seconds');
  const duration = m.histogram('call_duration_seconds');
  const talkTime = m.histogram('call_talk_time_seconds');
  const holdChanges = m.counter('call_hold_changes_total');
  const hangups = m.counter('call_hangups_total');
  const anomalies = m.counter('call_anomalies_total');
  const gsmStates = m.counter('call_gsm_state_changes_total');
  // The pack's labels of a call, packed in its slot on the shared state: direction (2 bits),
  // channel (2 bits, 4 channels at most), then the trunk index.
  const label = (s: CallState) => s.slots[slot] as number;
  let slot = -1;
  let calls: ReturnType<typeof callStates> | undefined;
  // +CLCC is usually polled: remember each call's last state so only changes are counted.
  const clccLast = new Map<string | number, number>();

  function started(e: EventOf<'call.started'>): void {
    const s = calls?.started(e);
    if (s === undefined) return void anomalies.at(DUPLICATE_START).inc();
    const d = dirIndex(e.direction);
    const c = channels.of(e.channel);
    const t = e.trunk === undefined ? trunks.other : trunks.of(e.trunk);
    s.slots[slot] = d | (c << 2) | (t << 4);
    attempts.at(d, c, t).inc();
    active.at(d, c, t).inc();
  }

  function ringing(e: EventOf<'call.ringing'>): void {
    const s = calls?.get(e.callId);
    if (s === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    if (!Number.isNaN(s.ringingAt)) return; // PDD ends at the first 180/183 only
    s.ringingAt = eventTime(e.ts, o.now);
    const l = label(s);
    const seconds = (s.ringingAt - s.startedAt) / 1000;
    if (seconds >= 0) pdd.at(l & 3, (l >> 2) & 3, l >> 4).observe(seconds, o.exemplar(e.callId));
  }

  function answer(e: EventOf<'call.answered'>): void {
    const s = calls?.get(e.callId);
    if (s === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    if (!calls?.firstAnswer(e)) return void anomalies.at(DUPLICATE_ANSWER).inc();
    const l = label(s);
    const d = l & 3;
    const c = (l >> 2) & 3;
    const t = l >> 4;
    answered.at(d, c, t).inc();
    const seconds = (s.answeredAt - s.startedAt) / 1000;
    if (seconds >= 0) setup.at(d, c, t).observe(seconds, o.exemplar(e.callId));
  }

  function hold(e: EventOf<'call.held'> | EventOf<'call.resumed'>): void {
    if (calls?.get(e.callId) === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    holdChanges.at(holds.of(e.type === 'call.held' ? 'held' : 'resumed')).inc();
  }

  /** A call's outcome, NER and wall time, at its end or its eviction: the one verdict, counted. */
  function close(end: CallClose): void {
    const s = end.state;
    const l = label(s);
    const d = l & 3;
    const c = (l >> 2) & 3;
    const t = l >> 4;
    active.at(d, c, t).dec();
    outcome.at(d, c, t, outcomes.of(end.verdict.outcome ?? 'failed')).inc();
    // Counted at the end, with the outcome, so NER's numerator and denominator are both ended calls.
    if (isNetworkEffective(end.verdict.kpi)) effective.at(d, c, t).inc();
  }

  function evicted(end: CallClose): void {
    close(end);
    anomalies.at(EVICTED).inc();
  }

  function ended(e: EventOf<'call.ended'>): void {
    const end = calls?.ended(e);
    if (end === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    // The verdict is the projection's, decided once for every surface (call-states.ts); the
    // channel (the KPI bits' `sip` flag) does not change the outcome or network effectiveness.
    close(end);
    const s = end.state;
    const l = label(s);
    const d = l & 3;
    const c = (l >> 2) & 3;
    const t = l >> 4;
    const wasAnswered = !Number.isNaN(s.answeredAt);
    const wall = (end.at - s.startedAt) / 1000;
    if (wall >= 0) duration.at(d, c, t).observe(wall, o.exemplar(e.callId));
    if (wasAnswered) {
      const talk = e.durationSeconds ?? (end.at - s.answeredAt) / 1000;
      if (talk >= 0) talkTime.at(d, c, t).observe(talk);
    }
    // By the call's direction too, as the Go SIP package's BYE(direction, by, reason) counts them.
    const cause = hangupCause({
      ended: true,
      answered: wasAnswered,
      sipCode: e.sipCode,
      q850: e.q850,
      timeout: e.timeout,
      hangupBy: e.hangupBy,
    });
    hangups.at(d, hangupBy.of(e.hangupBy ?? 'unknown'), causes.of(cause)).inc();
  }

  function gsm(e: EventOf<'call.clcc'>): void {
    const state = clcc.of(clccState(e.stat));
    const key = e.callId ?? e.index ?? -1;
    if (clccLast.get(key) === state) return;
    if (clccLast.size >= 64) clccLast.clear(); // a modem handles a handful of calls at once
    clccLast.set(key, state);
    gsmStates.at(state).inc();
  }

  const pack: CallsPack = {
    name: 'calls',
    get active() {
      return calls?.size ?? 0;
    },
    sweep() {
      calls?.sweep();
    },
    subscribe: (bus: EventBus) => {
      // The bus's one per-call state; asked before subscribing, so it hears each event first.
      calls = callStates(bus, { maxCalls: o.maxTracked, maxAgeSeconds: o.maxAgeSeconds, now: o.now });
      slot = calls.slot();
      return wire([
        calls.onEvict(evicted),
        bus.on('call.started', started),
        bus.on('call.ringing', ringing),
        bus.on('call.answered', answer),
        bus.on('call.held', hold),
        bus.on('call.resumed', hold),
        bus.on('call.ended', ended),
        bus.on('call.clcc', gsm),
      ]);
    },
  };
  return pack;
}

/** DIRECTIONS index without a lookup. */
export function dirIndex(d: Direction): number {
  return d === 'inbound' ? 0 : d === 'outbound' ? 1 : 2;
}
