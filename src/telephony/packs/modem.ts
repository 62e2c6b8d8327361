import { RATS } from '../../domain/labels.js';
import { atErrorMeaning } from '../../domain/standards/at-errors.js';
import { cesqToValues, csqBerToPercent, csqToDbm, rat } from '../../domain/standards/modem.js';
import { accessTechnology } from '../../domain/standards/registration.js';
import { MODEM_DISCONNECT_REASONS, type ModemDisconnectReason } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { GaugeSeries, Registry } from '../../metrics/index.js';
import { modemDisconnectReason } from '../classify.js';
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
import { modemRadio } from './modem-radio.js';

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
  'snr_db',
  'nr_rsrp_dbm',
  'nr_rsrq_db',
  'nr_snr_db',
] as const;
export type SignalName = (typeof SIGNALS)[number];
const [RSSI, BER, RSRP, RSRQ, RSCP, ECNO, SNR, NR_RSRP, NR_RSRQ, NR_SNR] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
] as const;
// What a serving-cell report on one technology leaves out: the values of the others are stale.
const UMTS = (1 << RSCP) | (1 << ECNO);
const LTE = (1 << RSRP) | (1 << RSRQ) | (1 << SNR);
const NR = (1 << NR_RSRP) | (1 << NR_RSRQ) | (1 << NR_SNR);
const ALL = (1 << SIGNALS.length) - 1;
const NOT_ON: Readonly<Record<string, number>> = {
  gsm: UMTS | LTE | NR,
  umts: LTE | NR,
  lte: UMTS | NR,
  '5gnr': UMTS | LTE,
  lte_5gnr: UMTS,
  unknown: ALL,
};
const family = (tech: string) =>
  /^(gsm|gsm_compact|gprs|edge)$/.test(tech)
    ? 'gsm'
    : /^(umts|hsdpa|hsupa|hspa|hspa_plus)$/.test(tech)
      ? 'umts'
      : /^lte(_nb_iot)?$/.test(tech)
        ? 'lte'
        : tech;

export interface ModemPack extends PackBase {
  /**
   * Modem opened (1), lost (0) or back (1). `modem` is a configured id; default the first.
   * `initialized` (default true): the modem answers commands, which makes it ready until a
   * registration report says otherwise (Callstack's readiness contract).
   */
  connected(modem?: string, initialized?: boolean): void;
  disconnected(reason: ModemDisconnectReason, modem?: string): void;
  /** Back after a disconnect; `reason` the cause it had gone (default: that of the disconnect). */
  reconnected(modem?: string, ts?: number, reason?: ModemDisconnectReason): void;
  /** +CREG/+CGREG/+CEREG/+C5GREG <stat> (command default CREG); the domains are combined. */
  registration(stat: number, modem?: string, command?: 'CREG' | 'CGREG' | 'CEREG' | 'C5GREG'): void;
  /** One signal value in its unit (dBm, dB, ratio); NaN or undefined makes it unknown (absent). */
  signal(name: SignalName, value: number | undefined, modem?: string, ts?: number): void;
  /** Readiness of one modem, or of all configured modems (worst wins). */
  readiness(modem?: string): Readiness;
  /** SIM readiness (+CPIN) of one modem, or of all (worst wins): the `modem_sim` check. */
  simReadiness(modem?: string): Readiness;
}

/**
 * Modem health: connection, reconnects (by cause) and flapping, recovery steps, registration
 * (+CREG/+CGREG/+CEREG/+C5GREG combined per TS 27.007), access technology and time on each, SIM
 * state, AT errors by class, signal (+CSQ, +CESQ, vendor reports or dBm) with an age gauge and
 * staleness, serving band, cell changes, and the serving RAT/operator. Readiness fails while the
 * modem is disconnected, its SIM is locked or failed, or it is not registered (flapping is shown
 * in the detail and the modem_flapping gauge, not failed on).
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
  const initState = new Int8Array(n).fill(-1);
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
  const radio = modemRadio(m, o, n);
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
    if (e.tech !== undefined) {
      // A serving-cell report on one technology: the values of the others no longer describe it.
      const stale = NOT_ON[family(accessTechnology(e.tech))] ?? 0;
      for (let s = 0; s < SIGNALS.length; s++) if ((stale >> s) & 1) setSignal(i, s, undefined);
      radio.serving(i, e.tech, e.band);
    } else if (e.band !== undefined) radio.serving(i, 'unknown', e.band);
    const d = e.signal;
    if (d !== undefined) {
      if (d.rssiDbm !== undefined) setSignal(i, RSSI, d.rssiDbm);
      if (d.berRatio !== undefined) setSignal(i, BER, d.berRatio);
      if (d.rsrpDbm !== undefined) setSignal(i, RSRP, d.rsrpDbm);
      if (d.rsrqDb !== undefined) setSignal(i, RSRQ, d.rsrqDb);
      if (d.rscpDbm !== undefined) setSignal(i, RSCP, d.rscpDbm);
      if (d.ecnoDb !== undefined) setSignal(i, ECNO, d.ecnoDb);
      const snr = d.snrDb ?? d.sinrDb;
      if (snr !== undefined) setSignal(i, SNR, snr);
      if (d.nrRsrpDbm !== undefined) setSignal(i, NR_RSRP, d.nrRsrpDbm);
      if (d.nrRsrqDb !== undefined) setSignal(i, NR_RSRQ, d.nrRsrqDb);
      if (d.nrSnrDb !== undefined) setSignal(i, NR_SNR, d.nrSnrDb);
    }
    touchSignal(i, eventTime(e.ts, o.now));
  }

  function onOperator(e: EventOf<'modem.operator'>): void {
    const i = idx(e.modem);
    radio.operator(e, i);
    const r = rats.of(rat(e.act));
    const op = operators.of(e.operator?.trim());
    const combo = r * operators.size + op;
    const prev = network[i] as number;
    if (prev === combo) return;
    if (prev >= 0) networkInfo.at(i, Math.floor(prev / operators.size), prev % operators.size).unset();
    networkInfo.at(i, r, op).set(1);
    network[i] = combo;
  }

  function flappingNow(i: number): boolean {
    updateFlapping(i, o.now());
    const oldest = ring[i * k + (ringPos[i] as number)] as number;
    return !Number.isNaN(oldest) && o.now() - oldest <= windowMs;
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
    if (radio.simBlocks(i)) return { status: 'fail', detail: `modem ${name}: ${simDetail(i)}` };
    const reg = radio.registered(i);
    if (reg === 0) {
      return { status: 'fail', detail: `modem ${name} not registered (${radio.stateName(i)})` };
    }
    // Flapping is an alert (modem_flapping, SidetoneModemFlapping), not unreadiness: a modem back
    // and registered serves. Callstack's seed is degraded only while disconnected, reconnecting
    // or unknown; failing here answered its /healthz modem_connected:false for a connected modem.
    const flap = flappingNow(i) ? `; flapping: ${k} reconnects within ${o.flapping.windowSeconds} s` : '';
    if (reg === 1)
      return { status: 'pass', detail: `modem ${name} registered (${radio.stateName(i)})${flap}` };
    if (connectedState[i] === 1 && initState[i] === 1)
      return {
        status: 'pass',
        detail: `modem ${name} connected and initialised, registration not reported${flap}`,
      };
    if (connectedState[i] === 1)
      return { status: 'unknown', detail: `modem ${name} connected, registration not reported` };
    return { status: 'unknown', detail: `modem ${name}: no event yet` };
  }

  function simDetail(i: number): string {
    const state = radio.simName(i);
    return state === undefined ? 'SIM state not reported' : `SIM ${SIM_TEXT[state] ?? state}`;
  }

  function simReadinessOf(i: number): Readiness {
    const name = modems.values[i] as string;
    if (radio.simBlocks(i)) return { status: 'fail', detail: `modem ${name}: ${simDetail(i)}` };
    if (radio.simName(i) !== undefined && radio.simName(i) !== 'unknown')
      return { status: 'pass', detail: `modem ${name}: ${simDetail(i)}` };
    if (radio.registered(i) === 1)
      return { status: 'pass', detail: `modem ${name}: SIM state not reported, the modem is registered` };
    // An app that reports its modem (Callstack's modem.connected) vouches for the SIM when it says
    // initialised: its contract is ready on connected and initialised, before any registration.
    return connectedState[i] === 1 && initState[i] === 1
      ? { status: 'pass', detail: `modem ${name}: SIM state not reported, the modem is initialised` }
      : { status: 'unknown', detail: `modem ${name}: SIM state not reported` };
  }

  const worst = (all: Readiness[]): Readiness =>
    all.find((r) => r.status === 'fail') ??
    all.find((r) => r.status === 'unknown') ?? {
      status: 'pass',
      detail: all.map((r) => r.detail).join('; '),
    };

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
    reconnected(modem, ts, reason) {
      const i = idx(modem);
      lastSeen[i] = o.now();
      connectedState[i] = 1;
      // What the modem said before the disconnect no longer holds: unknown until it reports again.
      initState[i] = -1;
      radio.forget(i);
      connected.at(i).set(1);
      const why = reason === undefined ? (disconnectReason[i] as number) : reasons.of(reason);
      reconnects.at(i, why >= 0 ? why : reasons.of('other')).inc();
      const p = ringPos[i] as number;
      ring[i * k + p] = ts ?? o.now();
      ringPos[i] = (p + 1) % k;
      updateFlapping(i, o.now());
    },
    registration(stat, modem, command) {
      onRegistration({
        type: 'modem.registration',
        stat,
        ...(modem !== undefined && { modem }),
        ...(command !== undefined && { command }),
      });
    },
    signal(name, value, modem, ts) {
      const i = idx(modem);
      setSignal(i, SIGNALS.indexOf(name), value);
      touchSignal(i, ts ?? o.now());
    },
    readiness(modem) {
      if (modem !== undefined) return readinessOf(modems.of(modem));
      return worst(Array.from({ length: modems.other }, (_, i) => readinessOf(i)));
    },
    simReadiness(modem) {
      if (modem !== undefined) return simReadinessOf(modems.of(modem));
      return worst(Array.from({ length: modems.other }, (_, i) => simReadinessOf(i)));
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('modem.connected', (e) => pack.connected(e.modem, e.initialized)),
        bus.on('modem.disconnected', (e) =>
          pack.disconnected(e.reason ?? modemDisconnectReason(e.error), e.modem),
        ),
        bus.on('modem.reconnected', (e) => pack.reconnected(e.modem, e.ts, e.reason)),
        bus.on('modem.registration', onRegistration),
        bus.on('modem.signal', onSignal),
        bus.on('modem.operator', onOperator),
        bus.on('modem.sim', (e) => {
          const i = idx(e.modem);
          lastSeen[i] = o.now();
          radio.sim(e, i);
        }),
        bus.on('modem.at_error', (e) => radio.atError(e, idx(e.modem))),
        bus.on('modem.recovery', (e) => radio.recovery(e, idx(e.modem))),
      ]),
  };

  function onRegistration(e: EventOf<'modem.registration'>): void {
    const i = idx(e.modem);
    lastSeen[i] = o.now();
    radio.registration(e, i);
  }

  return pack;
}

/** What a SIM state means, for readiness details. */
const SIM_TEXT: Readonly<Record<string, string>> = {
  ready: 'ready',
  sim_pin: 'PIN required (+CPIN: SIM PIN)',
  sim_puk: 'PUK required: the PIN was entered wrong too often (+CPIN: SIM PUK)',
  sim_pin2: 'ready (PIN2 pending: fixed dialling only)',
  sim_puk2: 'ready (PUK2 pending: fixed dialling only)',
  ph_sim_pin: 'locked to another device (PH-SIM PIN)',
  personalisation: 'network or provider lock (PH-NET/SP/CORP PIN)',
  not_inserted: `not inserted (${atErrorMeaning('cme', 10)})`,
  not_ready: 'not ready yet',
  busy: 'busy (still initialising)',
  failure: `failure (${atErrorMeaning('cme', 13)}): reseat it or replace it`,
};
