import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import { CALL_CHANNELS, type Direction, HANGUP_BY } from '../../events/vocab.js';
import type { Registry } from '../../metrics/index.js';
import { CALL_ANOMALIES, CALL_OUTCOMES, CLCC_STATES, HOLD_STATES, Q850_CLASSES } from '../labels.js';
import { type CallFacts, classifyEnded, hangupCause, isNetworkEffective } from '../outcome/classify.js';
import { eventTime, type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { clccState } from '../standards/modem.js';
import { Enum } from '../table.js';
import { Tracker } from '../tracker.js';

interface CallState {
  /** Receive time on our clock: zombie eviction must not trust a remote (or replayed) `ts`. */
  at: number;
  /** Event times (the source's clock), for PDD, setup and talk time. */
  startedAt: number;
  d: number;
  c: number;
  t: number;
  ringingAt: number;
  answeredAt: number;
}

const kinds = new Enum(CALL_ANOMALIES);
const [DUPLICATE_START, DUPLICATE_ANSWER, UNKNOWN_CALL, EVICTED] = [
  kinds.of('duplicate_start'),
  kinds.of('duplicate_answer'),
  kinds.of('unknown_call'),
  kinds.of('evicted'),
];

export interface CallsPack extends PackBase {
  /** Calls started and not ended, as tracked by this pack. */
  readonly active: number;
  /** Evict zombie calls now (also done on every start and at scrape). */
  sweep(): void;
}

/**
 * Call lifecycle and carrier KPIs. Counters and histograms are shaped so ASR (E.411), NER
 * (E.425), SER/SEER/ISA (RFC 6076), ACD and PDD are PromQL ratios (docs/promql.md). Active calls
 * are a real count over tracked call ids: a duplicate start or end changes nothing, an end for
 * an unknown call cannot go negative, and a call that never ends is evicted after
 * `maxAgeSeconds` (counted as an anomaly).
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
  const calls = new Tracker<CallState>(o.maxTracked, o.maxAgeSeconds * 1000, (s) => {
    active.at(s.d, s.c, s.t).dec();
    anomalies.at(EVICTED).inc();
  });
  // +CLCC is usually polled: remember each call's last state so only changes are counted.
  const clccLast = new Map<string | number, number>();

  function started(e: EventOf<'call.started'>): void {
    const now = o.now();
    const startedAt = e.ts ?? now;
    const d = dirIndex(e.direction);
    const c = channels.of(e.channel);
    const t = e.trunk === undefined ? trunks.other : trunks.of(e.trunk);
    const state = {
      at: now,
      startedAt,
      d,
      c,
      t,
      ringingAt: Number.NaN,
      answeredAt: Number.NaN,
    };
    if (!calls.add(e.callId, state, now)) {
      anomalies.at(DUPLICATE_START).inc();
      return;
    }
    attempts.at(d, c, t).inc();
    active.at(d, c, t).inc();
  }

  function ringing(e: EventOf<'call.ringing'>): void {
    const s = calls.get(e.callId);
    if (s === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    if (!Number.isNaN(s.ringingAt)) return; // PDD ends at the first 180/183 only
    s.ringingAt = eventTime(e.ts, o.now);
    const seconds = (s.ringingAt - s.startedAt) / 1000;
    if (seconds >= 0) pdd.at(s.d, s.c, s.t).observe(seconds, o.exemplar(e.callId));
  }

  function answer(e: EventOf<'call.answered'>): void {
    const s = calls.get(e.callId);
    if (s === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    if (!Number.isNaN(s.answeredAt)) return void anomalies.at(DUPLICATE_ANSWER).inc();
    s.answeredAt = eventTime(e.ts, o.now);
    answered.at(s.d, s.c, s.t).inc();
    const seconds = (s.answeredAt - s.startedAt) / 1000;
    if (seconds >= 0) setup.at(s.d, s.c, s.t).observe(seconds, o.exemplar(e.callId));
  }

  function hold(e: EventOf<'call.held'> | EventOf<'call.resumed'>): void {
    if (calls.get(e.callId) === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    holdChanges.at(holds.of(e.type === 'call.held' ? 'held' : 'resumed')).inc();
  }

  function ended(e: EventOf<'call.ended'>): void {
    const s = calls.take(e.callId);
    if (s === undefined) return void anomalies.at(UNKNOWN_CALL).inc();
    const { d, c, t } = s;
    active.at(d, c, t).dec();
    const end: CallFacts = {
      ended: true,
      answered: !Number.isNaN(s.answeredAt),
      sipCode: e.sipCode,
      q850: e.q850,
      timeout: e.timeout,
      hangupBy: e.hangupBy,
    };
    // The one classifier decides; the store derives the same from the same table. The verdict is
    // shared with the call log and the trace sink, which ask about the same event next; the channel
    // (the KPI bits' `sip` flag) does not change the outcome or network effectiveness.
    const k = classifyEnded(e, end.answered);
    outcome.at(d, c, t, outcomes.of(k.outcome ?? 'failed')).inc();
    // Counted at the end, with the outcome, so NER's numerator and denominator are both ended calls.
    if (isNetworkEffective(k.kpi)) effective.at(d, c, t).inc();
    const endedAt = eventTime(e.ts, o.now);
    const wall = (endedAt - s.startedAt) / 1000;
    if (wall >= 0) duration.at(d, c, t).observe(wall, o.exemplar(e.callId));
    if (end.answered) {
      const talk = e.durationSeconds ?? (endedAt - s.answeredAt) / 1000;
      if (talk >= 0) talkTime.at(d, c, t).observe(talk);
    }
    // By the call's direction too, as the Go SIP package's BYE(direction, by, reason) counts them.
    hangups.at(d, hangupBy.of(e.hangupBy ?? 'unknown'), causes.of(hangupCause(end))).inc();
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
      return calls.size;
    },
    sweep() {
      calls.sweep(o.now());
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('call.started', started),
        bus.on('call.ringing', ringing),
        bus.on('call.answered', answer),
        bus.on('call.held', hold),
        bus.on('call.resumed', hold),
        bus.on('call.ended', ended),
        bus.on('call.clcc', gsm),
      ]),
  };
  return pack;
}

/** DIRECTIONS index without a lookup. */
export function dirIndex(d: Direction): number {
  return d === 'inbound' ? 0 : d === 'outbound' ? 1 : 2;
}
