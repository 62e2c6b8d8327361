import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import { MODEM_DISCONNECT_REASONS, type ModemDisconnectReason } from '../../events/vocab.js';
import type { GaugeSeries, Registry } from '../../metrics/index.js';
import { modemDisconnectReason } from '../classify.js';
import { RATS, REGISTRATION_STATES } from '../labels.js';
import {
  eventTime,
  type PackBase,
  PackMetrics,
  type PackOptions,
  type Readiness,
  resolveOptions,
  wire,
} from '../pack.js';
import {
  cesqToValues,
  csqBerToPercent,
  csqToDbm,
  isRegistered,
  rat,
  registrationState,
} from '../standards/modem.js';
import { Enum } from '../table.js';

// Percent with two decimals -> ratio, without 0.14 / 100 = 0.0014000000000000002 in the exposition.
const berRatio = (percent: number | undefined) =>
  percent === undefined ? undefined : Math.round(percent * 100) / 10_000;

/** Signal quantities, in gauge order. */
export const SIGNALS = [
  'rssi_dbm',
  'ber_ratio',
  'rsrp_dbm',
  'rsrq_db',
  'rscp_dbm',
  'ecno_db',
  'sinr_db',
] as const;
export type SignalName = (typeof SIGNALS)[number];
const [RSSI, BER, RSRP, RSRQ, RSCP, ECNO, SINR] = [0, 1, 2, 3, 4, 5, 6] as const;

export interface ModemPack extends PackBase {
  /**
   * Modem opened (1), lost (0) or back (1). `modem` is a configured id; default the first.
   * `initialized` (default true): the modem answers commands, which makes it ready until a
   * registration report says otherwise (Callstack's readiness contract).
   */
  connected(modem?: string, initialized?: boolean): void;
  disconnected(reason: ModemDisconnectReason, modem?: string): void;
  reconnected(modem?: string, ts?: number): void;
  /** +CREG/+CEREG <stat>. */
  registration(stat: number, modem?: string): void;
  /** One signal value in its unit (dBm, dB, ratio); NaN or undefined makes it unknown (absent). */
  signal(name: SignalName, value: number | undefined, modem?: string, ts?: number): void;
  /** Readiness of one modem, or of all configured modems (worst wins). */
  readiness(modem?: string): Readiness;
}

/**
 * Modem health: connection, reconnects and flapping, registration (+CREG/+CEREG), signal
 * (+CSQ, +CESQ or dBm) with an age gauge and staleness, and the serving RAT/operator.
 * Signal gauges are absent until the first report and again after `staleAfterSeconds`; readiness
 * reads unknown once a modem has reported nothing for as long (default 300 s: apps poll +CSQ far
 * more often), so a gateway whose modem went quiet is not ready on the strength of an old report.
 * @example
 * const modem = modemPack(registry, { modems: ['modem0'], staleAfterSeconds: 120 });
 * modem.subscribe(bus);
 * bus.emit({ type: 'modem.signal', csq: { rssi: 18, ber: 99 } }); // rssi_dbm -77
 */
export function modemPack(registry: Registry, options: PackOptions = {}): ModemPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'modem');
  const modems = m.config('modems');
  const operators = m.config('operators');
  const n = modems.size;
  const staleMs = o.staleAfterSeconds * 1000;
  const windowMs = o.flapping.windowSeconds * 1000;
  const k = o.flapping.reconnects;

  // Per modem index: -1 unknown, 0, 1 (connected / registered), last signal time, reconnect ring.
  const connectedState = new Int8Array(n).fill(-1);
  const registeredState = new Int8Array(n).fill(-1);
  const initState = new Int8Array(n).fill(-1);
  const regStat = new Int8Array(n).fill(-1);
  const disconnectReason = new Int8Array(n).fill(-1);
  const lastSignal = new Float64Array(n).fill(Number.NaN);
  // Last report of any kind per modem: a modem silent past `staleAfterSeconds` is unknown, not ready.
  const lastSeen = new Float64Array(n).fill(Number.NaN);
  const ring = new Float64Array(n * k).fill(Number.NaN);
  const ringPos = new Int32Array(n);
  const network = new Int32Array(n).fill(-1);

  const connected = m.gauge('modem_connected');
  const disconnects = m.counter('modem_disconnects_total');
  const reconnects = m.counter('modem_reconnects_total');
  const flapping = m.gauge('modem_flapping', () => {
    for (let i = 0; i < n; i++) if (!Number.isNaN(ring[i * k] as number)) updateFlapping(i, o.now());
  });
  const registered = m.gauge('modem_registered');
  const regState = m.gauge('modem_registration_state');
  const signals = SIGNALS.map((s) => m.gauge(`modem_signal_${s}`));
  const signalAt = (i: number, s: number) => (signals[s] as (typeof signals)[number]).at(i);
  const age = m.gauge('modem_signal_age_seconds', () => {
    const now = o.now();
    for (let i = 0; i < n; i++) {
      const last = lastSignal[i] as number;
      if (Number.isNaN(last)) continue;
      age.at(i).set(Math.max(0, now - last) / 1000);
      // Stale: the last report no longer describes the radio. Absent, never a remembered number.
      if (now - last > staleMs) for (let s = 0; s < SIGNALS.length; s++) signalAt(i, s).unset();
    }
  });
  const networkInfo = m.gauge('modem_network_info');
  const reasons = new Enum(MODEM_DISCONNECT_REASONS);
  const states = new Enum(REGISTRATION_STATES);
  const rats = new Enum(RATS);

  const idx = (modem: string | undefined) => (modem === undefined ? 0 : modems.of(modem));

  function updateFlapping(i: number, now: number): void {
    // The ring holds the last k reconnect times; its oldest entry sits at the write position.
    const oldest = ring[i * k + (ringPos[i] as number)] as number;
    flapping.at(i).set(!Number.isNaN(oldest) && now - oldest <= windowMs ? 1 : 0);
  }

  function setSignal(i: number, s: number, v: number | undefined): void {
    const g: GaugeSeries = signalAt(i, s);
    if (v === undefined || Number.isNaN(v)) g.unset();
    else g.set(v);
  }

  function touchSignal(i: number, ts: number): void {
    lastSeen[i] = o.now();
    if (!((lastSignal[i] as number) > ts)) lastSignal[i] = ts;
    age.at(i).set(Math.max(0, o.now() - (lastSignal[i] as number)) / 1000);
  }

  function onSignal(e: EventOf<'modem.signal'>): void {
    const i = idx(e.modem);
    if (e.csq !== undefined) {
      // TS 27.007 8.5: 99 = not known or not detectable -> absent.
      setSignal(i, RSSI, csqToDbm(e.csq.rssi));
      setSignal(i, BER, berRatio(csqBerToPercent(e.csq.ber)));
    }
    if (e.cesq !== undefined) {
      const v = cesqToValues(e.cesq);
      // rxlev and ber are GSM-only: on UMTS/LTE they are 99 while +CSQ may still report an RSSI,
      // so an unknown rxlev/ber leaves those gauges alone instead of blanking them.
      if (v.rxlevDbm !== undefined) setSignal(i, RSSI, v.rxlevDbm);
      if (v.berPercent !== undefined) setSignal(i, BER, berRatio(v.berPercent));
      setSignal(i, RSCP, v.rscpDbm);
      setSignal(i, ECNO, v.ecnoDb);
      setSignal(i, RSRQ, v.rsrqDb);
      setSignal(i, RSRP, v.rsrpDbm);
    }
    const d = e.signal;
    if (d !== undefined) {
      if (d.rssiDbm !== undefined) setSignal(i, RSSI, d.rssiDbm);
      if (d.berRatio !== undefined) setSignal(i, BER, d.berRatio);
      if (d.rsrpDbm !== undefined) setSignal(i, RSRP, d.rsrpDbm);
      if (d.rsrqDb !== undefined) setSignal(i, RSRQ, d.rsrqDb);
      if (d.rscpDbm !== undefined) setSignal(i, RSCP, d.rscpDbm);
      if (d.ecnoDb !== undefined) setSignal(i, ECNO, d.ecnoDb);
      if (d.sinrDb !== undefined) setSignal(i, SINR, d.sinrDb);
    }
    touchSignal(i, eventTime(e.ts, o.now));
  }

  function onOperator(e: EventOf<'modem.operator'>): void {
    const i = idx(e.modem);
    const r = rats.of(rat(e.act));
    const op = operators.of(e.operator?.trim());
    const combo = r * operators.size + op;
    const prev = network[i] as number;
    if (prev === combo) return;
    if (prev >= 0) networkInfo.at(i, Math.floor(prev / operators.size), prev % operators.size).unset();
    networkInfo.at(i, r, op).set(1);
    network[i] = combo;
  }

  function readinessOf(i: number): Readiness {
    const name = modems.values[i] as string;
    const ready = readyOf(i, name);
    const silentMs = o.now() - (lastSeen[i] as number);
    if (ready.status === 'pass' && silentMs > staleMs) {
      return {
        status: 'unknown',
        detail: `modem ${name}: no report for ${Math.round(silentMs / 1000)} s (stale after ${staleMs / 1000} s)`,
      };
    }
    return ready;
  }

  function readyOf(i: number, name: string): Readiness {
    if (connectedState[i] === 0) {
      const why = disconnectReason[i] as number;
      return {
        status: 'fail',
        detail: `modem ${name} disconnected (${why >= 0 ? reasons.values[why] : 'other'})`,
      };
    }
    if (registeredState[i] === 0) {
      return {
        status: 'fail',
        detail: `modem ${name} not registered (${states.values[regStat[i] as number]})`,
      };
    }
    if (registeredState[i] === 1) return { status: 'pass', detail: `modem ${name} registered` };
    if (connectedState[i] === 1 && initState[i] === 1)
      return { status: 'pass', detail: `modem ${name} connected and initialised, registration not reported` };
    if (connectedState[i] === 1)
      return { status: 'unknown', detail: `modem ${name} connected, registration not reported` };
    return { status: 'unknown', detail: `modem ${name}: no event yet` };
  }

  const pack: ModemPack = {
    name: 'modem',
    connected(modem, initialized = true) {
      const i = idx(modem);
      lastSeen[i] = o.now();
      connectedState[i] = 1;
      initState[i] = initialized ? 1 : 0;
      connected.at(i).set(1);
    },
    disconnected(reason, modem) {
      const i = idx(modem);
      lastSeen[i] = o.now();
      const r = reasons.of(reason);
      connectedState[i] = 0;
      disconnectReason[i] = r;
      connected.at(i).set(0);
      disconnects.at(i, r).inc();
    },
    reconnected(modem, ts) {
      const i = idx(modem);
      lastSeen[i] = o.now();
      connectedState[i] = 1;
      // What the modem said before the disconnect no longer holds: unknown until it reports again.
      initState[i] = -1;
      registeredState[i] = -1;
      connected.at(i).set(1);
      reconnects.at(i).inc();
      const p = ringPos[i] as number;
      ring[i * k + p] = ts ?? o.now();
      ringPos[i] = (p + 1) % k;
      updateFlapping(i, o.now());
    },
    registration(stat, modem) {
      const i = idx(modem);
      lastSeen[i] = o.now();
      const s = states.of(registrationState(stat));
      const reg = isRegistered(stat) ? 1 : 0;
      registeredState[i] = reg;
      registered.at(i).set(reg);
      // A state set: every state 0 except the current one, so sum by (modem) is always 1.
      if (regStat[i] === -1) for (let j = 0; j < REGISTRATION_STATES.length; j++) regState.at(i, j).set(0);
      else regState.at(i, regStat[i] as number).set(0);
      regState.at(i, s).set(1);
      regStat[i] = s;
    },
    signal(name, value, modem, ts) {
      const i = idx(modem);
      setSignal(i, SIGNALS.indexOf(name), value);
      touchSignal(i, ts ?? o.now());
    },
    readiness(modem) {
      if (modem !== undefined) return readinessOf(modems.of(modem));
      const all = Array.from({ length: modems.other }, (_, i) => readinessOf(i));
      const worst = all.find((r) => r.status === 'fail') ?? all.find((r) => r.status === 'unknown');
      return worst ?? { status: 'pass', detail: all.map((r) => r.detail).join('; ') };
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('modem.connected', (e) => pack.connected(e.modem, e.initialized)),
        bus.on('modem.disconnected', (e) =>
          pack.disconnected(e.reason ?? modemDisconnectReason(e.error), e.modem),
        ),
        bus.on('modem.reconnected', (e) => pack.reconnected(e.modem, e.ts)),
        bus.on('modem.registration', (e) => pack.registration(e.stat, e.modem)),
        bus.on('modem.signal', onSignal),
        bus.on('modem.operator', onOperator),
      ]),
  };
  return pack;
}
