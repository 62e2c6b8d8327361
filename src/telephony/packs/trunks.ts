import { TRUNK_FAILURE_CLASSES, UP_DOWN } from '../../domain/labels.js';
import { q850ToSip } from '../../domain/standards/sip.js';
import type { Direction } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { type CallStates, callStates } from '../call-states.js';
import {
  eventTime,
  type PackBase,
  PackMetrics,
  type PackOptions,
  type Readiness,
  resolveOptions,
  wire,
} from '../pack.js';
import { Enum } from '../table.js';
import { dirIndex } from './calls.js';

export interface TrunksPack extends PackBase {
  /** An OPTIONS probe result. Hot path: no allocation. */
  probe(trunk: string, up: boolean, rttSeconds?: number, ts?: number): void;
  /** A call started on a trunk. */
  call(trunk: string, direction: Direction): void;
  /** An unanswered call failed on a trunk: final response code, or undefined for a timeout. */
  failure(trunk: string, code: number | undefined): void;
  /** fail when a configured trunk is down, pass when all are up, unknown otherwise. */
  readiness(): Readiness;
}

/**
 * Trunk status from OPTIONS probing (absent before the first probe and once stale), probe RTT,
 * and calls and failures per trunk. Trunk names come from the `trunks` option only.
 * @example
 * const trunks = trunksPack(registry, { trunks: ['carrier-a', 'carrier-b'] });
 * trunks.subscribe(bus);
 * trunks.probe('carrier-a', true, 0.042);
 */
export function trunksPack(registry: Registry, options: PackOptions = {}): TrunksPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'trunks');
  const trunks = m.config('trunks');
  const classes = new Enum(TRUNK_FAILURE_CLASSES);
  const [UP, DOWN] = [new Enum(UP_DOWN).of('up'), new Enum(UP_DOWN).of('down')];
  const staleMs = o.staleAfterSeconds * 1000;
  const state = new Int8Array(trunks.size).fill(-1);
  const lastProbe = new Float64Array(trunks.size).fill(Number.NaN);

  const up = m.gauge('trunk_up', () => {
    const now = o.now();
    for (let t = 0; t < trunks.size; t++) {
      if (now - (lastProbe[t] as number) > staleMs) {
        up.at(t).unset();
        state[t] = -1;
      }
    }
  });
  const probes = m.counter('trunk_options_probes_total');
  const rtt = m.histogram('trunk_options_rtt_seconds');
  const callsTotal = m.counter('trunk_calls_total');
  const failures = m.counter('trunk_call_failures_total');
  // Calls are the bus's one per-call state (call-states.ts); a call's trunk index is in its slot.
  let calls: CallStates | undefined;
  let slot = -1;

  function failureClass(code: number | undefined): number {
    if (code === undefined) return classes.of('timeout');
    if (code >= 400 && code < 500) return 0;
    if (code >= 500 && code < 600) return 1;
    if (code >= 600 && code < 700) return 2;
    return classes.other;
  }

  function ended(e: EventOf<'call.ended'>): void {
    const end = calls?.ended(e);
    const t = end?.state.slots[slot] as number | undefined;
    if (end === undefined || t === undefined || !Number.isNaN(end.state.answeredAt)) return;
    const code = e.sipCode ?? (e.q850 === undefined ? undefined : q850ToSip(e.q850));
    if (code === 487) return; // the caller cancelled: not the trunk's failure
    failures.at(t, code === undefined && e.timeout !== true ? classes.other : failureClass(code)).inc();
  }

  const pack: TrunksPack = {
    name: 'trunks',
    probe(trunk, isUp, rttSeconds, ts) {
      const t = trunks.of(trunk);
      const at = ts ?? o.now();
      // A result stamped before the one the state holds is counted but does not move the state:
      // two probers sharing a destination, an older keepalive's timer F firing after a newer one's
      // answer, or events posted out of order would otherwise put an older verdict last.
      if (!(at < (lastProbe[t] as number))) {
        state[t] = isUp ? 1 : 0;
        lastProbe[t] = at;
        up.at(t).set(isUp ? 1 : 0);
      }
      probes.at(t, isUp ? UP : DOWN).inc();
      if (rttSeconds !== undefined) rtt.at(t).observe(rttSeconds);
    },
    call(trunk, direction) {
      callsTotal.at(trunks.of(trunk), dirIndex(direction)).inc();
    },
    failure(trunk, code) {
      failures.at(trunks.of(trunk), failureClass(code)).inc();
    },
    readiness() {
      const configured = trunks.other;
      if (configured === 0) return { status: 'unknown', detail: 'no trunks configured' };
      const down: string[] = [];
      let known = 0;
      const now = o.now();
      for (let t = 0; t < configured; t++) {
        if (state[t] === -1 || now - (lastProbe[t] as number) > staleMs) continue;
        known++;
        if (state[t] === 0) down.push(trunks.values[t] as string);
      }
      if (down.length > 0) return { status: 'fail', detail: `trunks down: ${down.join(', ')}` };
      if (known < configured)
        return {
          status: 'unknown',
          detail: `${configured - known} of ${configured} trunks not probed recently`,
        };
      return { status: 'pass', detail: `${configured} trunks up` };
    },
    subscribe: (bus: EventBus) => {
      calls = callStates(bus, { maxCalls: o.maxTracked, maxAgeSeconds: o.maxAgeSeconds, now: o.now });
      slot = calls.slot();
      return wire([
        // An evicted call is no trunk failure: only a final response or a timeout seen is one.
        calls.onEvict(() => {}),
        bus.on('trunk.status', (e) => pack.probe(e.trunk, e.up, e.rttSeconds, eventTime(e.ts, o.now))),
        bus.on('call.started', (e) => {
          if (e.trunk === undefined) return;
          const t = trunks.of(e.trunk);
          callsTotal.at(t, dirIndex(e.direction)).inc();
          const state = calls?.started(e);
          if (state !== undefined) state.slots[slot] = t;
        }),
        bus.on('call.ended', ended),
      ]);
    },
  };
  return pack;
}
