/**
 * Modem answers -> events: registration (+CREG/+CGREG/+CEREG/+C5GREG, solicited or not), signal
 * (+CSQ, +CESQ, the vendor serving-cell reports), operator (+COPS), SIM (+CPIN). The source
 * decides nothing: it says what the modem said, and the modem pack turns it into metrics.
 */

import { cpinState, type SimState } from '../../domain/standards/cpin.js';
import { parseCesq, parseCsq } from '../../domain/standards/modem.js';
import { DOMAIN_COMMANDS, parseAnyRegistration } from '../../domain/standards/registration.js';
import {
  parseCpsi,
  parseHcsq,
  parseHuaweiRssi,
  parseQeng,
  parseSmoni,
  type VendorSignal,
} from '../../domain/standards/vendor-signal.js';
import type { EventBus } from '../../events/bus.js';
import { parseCops } from './parse.js';

/** What one modem reported last, kept per connection (a restart forgets it). */
export interface Heard {
  /** Last <stat> per domain (-1: none), for the recovery ladder's registration step. */
  stats: Int16Array;
  sim: SimState | undefined;
}

export const newHeard = (): Heard => ({
  stats: new Int16Array(DOMAIN_COMMANDS.length).fill(-1),
  sim: undefined,
});

/** Emits the modem's facts as events for one modem id. */
export class Reporter {
  constructor(
    private readonly bus: EventBus,
    private readonly id: string,
    /** Lines that could not be read (a malformed report): counted with the garbage. */
    private readonly bad: () => void,
  ) {}

  /** A +CREG/+CGREG/+CEREG/+C5GREG line; `solicited` when it answers the read command. */
  registration(line: string, heard: Heard, solicited: boolean): void {
    // An unsolicited line is read by its shape: some firmwares (Samsung, Altair) send the read form.
    const r = parseAnyRegistration(line, solicited ? true : undefined);
    if (r === undefined || r.stat > 255) {
      this.bad();
      return;
    }
    heard.stats[r.domain] = r.stat;
    this.bus.emit({
      type: 'modem.registration',
      modem: this.id,
      stat: r.stat,
      command: DOMAIN_COMMANDS[r.domain] as (typeof DOMAIN_COMMANDS)[number],
      ...(r.act !== undefined && r.act <= 255 && { act: r.act }),
      ...(r.area !== undefined && r.area.length <= 16 && { lac: r.area }),
      ...(r.cell !== undefined && { cellId: r.cell }),
    });
  }

  /** `+CPIN: <code>`, or the state a SIM error revealed. */
  sim(state: SimState, heard: Heard): void {
    if (heard.sim === state) return;
    heard.sim = state;
    this.bus.emit({ type: 'modem.sim', modem: this.id, state });
  }

  cpin(line: string, heard: Heard): void {
    const state = cpinState(line);
    if (state === undefined) {
      this.bad();
      return;
    }
    this.sim(state, heard);
  }

  csq(lines: readonly string[]): void {
    const c = parseCsq(lines.find((l) => l.startsWith('+CSQ')) ?? '');
    if (c !== undefined)
      this.bus.emit({ type: 'modem.signal', modem: this.id, csq: { rssi: c.rssi, ber: c.ber } });
  }

  cesq(lines: readonly string[]): void {
    const e = parseCesq(lines.find((l) => l.startsWith('+CESQ')) ?? '');
    if (e === undefined) return;
    const { rxlev, ber, rscp, ecno, rsrq, rsrp } = e;
    this.bus.emit({ type: 'modem.signal', modem: this.id, cesq: { rxlev, ber, rscp, ecno, rsrq, rsrp } });
  }

  cops(lines: readonly string[]): void {
    const o = parseCops(lines.find((l) => l.startsWith('+COPS')) ?? '');
    if (o !== undefined) this.bus.emit({ type: 'modem.operator', modem: this.id, ...o });
  }

  /** The reply (or URC) of a vendor serving-cell command: Quectel, Huawei, SIMCom, Cinterion. */
  vendor(lines: readonly string[]): void {
    const first = lines[0] ?? '';
    const rssi = parseHuaweiRssi(first);
    if (rssi !== undefined) {
      this.bus.emit({ type: 'modem.signal', modem: this.id, csq: { rssi, ber: 99 } });
      return;
    }
    const v: VendorSignal | undefined = first.startsWith('+QENG')
      ? parseQeng(lines)
      : first.startsWith('^HCSQ')
        ? parseHcsq(first)
        : first.startsWith('+CPSI')
          ? parseCpsi(first)
          : first.startsWith('^SMONI')
            ? parseSmoni(first)
            : undefined;
    if (v === undefined) {
      this.bad();
      return;
    }
    const { tech, band, noService, ...values } = v;
    this.bus.emit({
      type: 'modem.signal',
      modem: this.id,
      signal: values,
      tech: noService === true ? 'none' : tech,
      ...(band !== undefined && { band }),
    });
  }
}
