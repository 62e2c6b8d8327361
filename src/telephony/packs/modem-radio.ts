/**
 * The modem pack's view of the radio: registration per domain combined into one state, access
 * technology and time on each, serving band, cell changes, SIM state, AT errors and recovery
 * steps. Per-modem state lives in flat typed arrays indexed by the modem's label index.
 */

import { ACCESS_TECHNOLOGIES, BANDS, REGISTRATION_STATES } from '../../domain/labels.js';
import { type AtErrorClass, atErrorClass } from '../../domain/standards/at-errors.js';
import { type SimState, simBlocks } from '../../domain/standards/cpin.js';
import {
  accessTechnology,
  consolidate,
  DOMAIN_COMMANDS,
  isRegistered,
  registrationState,
  STAT_UNKNOWN,
} from '../../domain/standards/registration.js';
import type { EventOf } from '../../events/types.js';
import type { PackMetrics, ResolvedOptions } from '../pack.js';
import { Enum } from '../table.js';

const D = DOMAIN_COMMANDS.length;
/** Where the access technology comes from, most precise first. */
const VENDOR = 0;
const REG = 1;
const COPS = 2;

/** The radio half of the modem pack (see modem.ts); `n` modems. */
export function modemRadio(m: PackMetrics, o: ResolvedOptions, n: number) {
  const states = new Enum(REGISTRATION_STATES);
  const techs = new Enum(ACCESS_TECHNOLOGIES);
  const bands = new Enum(BANDS);

  const registered = m.gauge('modem_registered');
  const regState = m.gauge('modem_registration_state');
  const domainState = m.gauge('modem_registration_domain_state');
  const techTime = m.counter('modem_access_technology_seconds_total');
  const tech = m.gauge('modem_access_technology', () => {
    const now = o.now();
    for (let i = 0; i < n; i++) accrue(i, now);
  });
  const band = m.gauge('modem_band');
  const cellChanges = m.counter('modem_cell_changes_total');
  const simState = m.gauge('modem_sim_state');
  const errors = m.counter('modem_at_errors_total');
  const recovery = m.counter('modem_recovery_steps_total');
  const errorKinds = errors.dims[1] as Enum;
  const errorClasses = errors.dims[2] as Enum;
  const simStates = simState.dims[1] as Enum;

  // Per modem and domain: last <stat> (-1 never reported), its <AcT>, its cell, its state-set index.
  const stat = new Int16Array(n * D).fill(-1);
  const act = new Int16Array(n * D).fill(-1);
  const cell: (string | undefined)[] = new Array(n * D).fill(undefined);
  const domainIdx = new Int8Array(n * D).fill(-1);
  // Per modem: combined state (-1 none), registered (-1 unknown), technology by source and current.
  const regIdx = new Int8Array(n).fill(-1);
  const isReg = new Int8Array(n).fill(-1);
  const techBy = new Int8Array(n * 3).fill(-1);
  const techNow = new Int8Array(n).fill(-1);
  const techSince = new Float64Array(n).fill(Number.NaN);
  const bandNow = new Int16Array(n).fill(-1);
  const sim = new Int8Array(n).fill(-1);

  /** Time registered on the current technology, up to `now`. */
  function accrue(i: number, now: number): void {
    const since = techSince[i] as number;
    const t = techNow[i] as number;
    if (!Number.isNaN(since) && t >= 0 && isReg[i] === 1 && now > since)
      techTime.at(i, t).inc((now - since) / 1000);
    techSince[i] = now;
  }

  function updateTech(i: number): void {
    const t = techBy[i * 3 + VENDOR] as number;
    const r = techBy[i * 3 + REG] as number;
    const next = t >= 0 ? t : r >= 0 ? r : (techBy[i * 3 + COPS] as number);
    const prev = techNow[i] as number;
    if (next === prev) return;
    accrue(i, o.now());
    if (prev >= 0) tech.at(i, prev).unset();
    if (next >= 0) tech.at(i, next).set(1);
    techNow[i] = next;
  }

  function recombine(i: number): void {
    const src = consolidate(stat, i * D, i * D + D);
    if (src < 0) return;
    const s = stat[i * D + src] as number;
    const reg = isRegistered(s) ? 1 : 0;
    accrue(i, o.now());
    isReg[i] = reg;
    registered.at(i).set(reg);
    const idx = states.of(registrationState(s));
    const prev = regIdx[i] as number;
    if (prev !== idx) {
      if (prev === -1) for (let k = 0; k < REGISTRATION_STATES.length; k++) regState.at(i, k).set(0);
      else regState.at(i, prev).set(0);
      regState.at(i, idx).set(1);
      regIdx[i] = idx;
    }
    // The <AcT> of the domain the state comes from, else of another registered one (a +CREG
    // without AcT while +CGREG names UTRAN: the modem is on UTRAN).
    let a = act[i * D + src] as number;
    for (let d = 0; a < 0 && d < D; d++)
      if (isRegistered(stat[i * D + d] as number)) a = act[i * D + d] as number;
    techBy[i * 3 + REG] = a >= 0 ? techs.of(accessTechnology(a)) : -1;
    updateTech(i);
  }

  return {
    registration(e: EventOf<'modem.registration'>, i: number): void {
      // No command: the circuit-switched domain (+CREG), as the event schema says.
      const d = Math.max(0, DOMAIN_COMMANDS.indexOf(e.command ?? 'CREG'));
      const k = i * D + d;
      const s = e.stat <= 11 ? e.stat : STAT_UNKNOWN;
      stat[k] = s;
      if (e.act !== undefined) act[k] = e.act;
      const idx = states.of(registrationState(s));
      const prev = domainIdx[k] as number;
      if (prev !== idx) {
        if (prev === -1) for (let x = 0; x < REGISTRATION_STATES.length; x++) domainState.at(i, d, x).set(0);
        else domainState.at(i, d, prev).set(0);
        domainState.at(i, d, idx).set(1);
        domainIdx[k] = idx;
      }
      recombine(i);
      // A cell change: a new cell id on the domain the combined state comes from, while registered.
      if (e.cellId !== undefined) {
        const before = cell[k];
        cell[k] = e.cellId;
        if (
          before !== undefined &&
          before !== e.cellId &&
          isRegistered(s) &&
          consolidate(stat, i * D, i * D + D) === d
        )
          cellChanges.at(i).inc();
        else cellChanges.at(i);
      }
    },
    operator(e: EventOf<'modem.operator'>, i: number): void {
      const t = accessTechnology(e.act);
      techBy[i * 3 + COPS] = t === 'unknown' ? -1 : techs.of(t);
      updateTech(i);
    },
    /**
     * A vendor serving-cell report: its technology (`unknown`: no service, which also clears the
     * band) and its band when it names one.
     */
    serving(i: number, techName: string, bandName: string | undefined): void {
      const t = accessTechnology(techName);
      techBy[i * 3 + VENDOR] = t === 'unknown' ? -1 : techs.of(t);
      updateTech(i);
      const b = bandName !== undefined ? bands.of(bandName) : t === 'unknown' ? -1 : -2;
      const prev = bandNow[i] as number;
      if (b === -2 || prev === b) return;
      if (prev >= 0) band.at(i, prev).unset();
      if (b >= 0) band.at(i, b).set(1);
      bandNow[i] = b;
    },
    sim(e: EventOf<'modem.sim'>, i: number): void {
      const idx = simStates.of(e.state);
      const prev = sim[i] as number;
      if (prev === idx) return;
      if (prev === -1) for (let k = 0; k < simStates.size - 1; k++) simState.at(i, k).set(0);
      else simState.at(i, prev).set(0);
      simState.at(i, idx).set(1);
      sim[i] = idx;
    },
    atError(e: EventOf<'modem.at_error'>, i: number): void {
      const cls: AtErrorClass =
        e.class ??
        (e.kind === 'cme' || e.kind === 'cms'
          ? e.code === undefined
            ? 'unknown'
            : atErrorClass(e.kind, e.code)
          : e.kind === 'vendor'
            ? 'vendor'
            : 'unknown');
      errors.at(i, errorKinds.of(e.kind), errorClasses.of(cls)).inc();
    },
    recovery(e: EventOf<'modem.recovery'>, i: number): void {
      recovery.at(i, (recovery.dims[1] as Enum).of(e.step), (recovery.dims[2] as Enum).of(e.outcome)).inc();
    },
    /** After a reconnect: what each domain said no longer holds until it reports again. */
    forget(i: number): void {
      stat.fill(-1, i * D, i * D + D);
      cell.fill(undefined, i * D, i * D + D);
      isReg[i] = -1;
    },
    /** 1 registered, 0 not, -1 not reported since the last (re)connect. */
    registered: (i: number) => isReg[i] as number,
    stateName: (i: number) => states.values[regIdx[i] as number] ?? 'unknown',
    simName: (i: number): SimState | undefined =>
      sim[i] === -1 ? undefined : (simStates.values[sim[i] as number] as SimState),
    simBlocks: (i: number) => sim[i] !== -1 && simBlocks(simStates.values[sim[i] as number] as SimState),
  };
}

export type ModemRadio = ReturnType<typeof modemRadio>;
