/**
 * Unsolicited results of a modem: registration changes, SIM and start-up announcements, and (in
 * full mode) messages, delivery reports, USSD answers and calls. A result that needs a command to
 * finish (RING -> AT+CLCC, +CMTI/+CDSI -> AT+CMGR) waits in a bounded backlog run one at a time.
 */

import { atErrorClass, parseAtError } from '../../domain/standards/at-errors.js';
import { simStateOfError } from '../../domain/standards/cpin.js';
import type { EventBus } from '../../events/bus.js';
import type { AtResponse } from './at.js';
import { parseClcc, parseCusd } from './parse.js';
import type { Heard, Reporter } from './report.js';
import { parseCds, parseCmgl, parseCmgr, parseCmt, parseStored, type SmsFact } from './sms.js';

/**
 * Unsolicited results that need a command to finish, waiting at most: they run one at a time, and
 * past this the oldest is dropped and counted. Each used to queue its command at once: 1M
 * unsolicited codes took the heap from 8.6 to 375 MiB (issue 31; 1,042 MiB here for 1M RINGs).
 */
export const URC_BACKLOG = 16;

/**
 * Start-up announcements: a modem that sends one while sidetone has it initialised has restarted
 * (a brown-out, a watchdog, a firmware crash) and lost every setting. Quectel `RDY` (ModemManager's
 * Quectel plugin takes it as "modem reset detected"), `+QIND: SMS DONE`; SIMCom `RDY`, `Call
 * Ready`, `SMS Ready`; Cinterion `^SYSSTART`; an unsolicited `+CFUN: 1` (sidetone sends no +CFUN
 * but in recovery). Huawei's `^BOOT` is periodic, not a start-up (ModemManager ignores it).
 */
export const STARTUP = /^(RDY|\^SYSSTART.*|SMS Ready|Call Ready|\+QIND: SMS DONE|\+CFUN: 1)$/;
/** The modem announces it is losing power (Quectel, SIMCom): it is gone until it starts again. */
export const POWER_DOWN = /^((NORMAL )?POWER(ED)? DOWN|(UNDER|OVER)-VOLTAGE POWER DOWN)$/;

type Work = { kind: 'clcc' } | { kind: 'read'; mem: string | undefined; index: number };

/** What the reader needs from its source. */
export interface UrcHost {
  readonly bus: EventBus;
  readonly id: string;
  /** Full mode: SMS, USSD and calls are sidetone's to read. */
  readonly full: () => boolean;
  readonly reporter: Reporter;
  readonly heard: () => Heard;
  /** The storage +CMGR reads from (AT+CPMS?), when known. */
  readonly mem1: () => string | undefined;
  send(command: string): Promise<AtResponse | undefined>;
  overflowed(queue: 'unsolicited'): void;
  restarted(why: string): void;
  poweredDown(why: string): void;
  bad(): void;
  closed(): boolean;
}

export class UrcReader {
  private readonly backlog: Work[] = [];
  private working = false;
  /** Concatenated messages already counted (sender + reference), so a message counts once. */
  private readonly parts = new Map<string, number>();

  constructor(private readonly host: UrcHost) {}

  clear(): void {
    this.backlog.length = 0;
  }

  urc(line: string, next?: string): void {
    const h = this.host;
    if (/^\+C5?G?E?REG:/.test(line)) h.reporter.registration(line, h.heard(), false);
    else if (line.startsWith('+CPIN:')) h.reporter.cpin(line, h.heard());
    else if (STARTUP.test(line)) h.restarted(line);
    else if (POWER_DOWN.test(line)) h.poweredDown(line);
    else if (/^\+CM[ES] ERROR/.test(line)) this.error(line);
    else if (line.startsWith('^HCSQ') || line.startsWith('^RSSI')) h.reporter.vendor([line]);
    // The rest is the SMS owner's business: in the shared-port mode sidetone stays out of it.
    else if (h.full()) this.owned(line, next);
  }

  /** Messages, reports, USSD and calls (full mode). */
  private owned(line: string, next: string | undefined): void {
    const h = this.host;
    if (line.startsWith('+CMTI:') || line.startsWith('+CDSI:')) {
      const s = parseStored(line);
      if (s === undefined) h.bad();
      else if (!this.backlog.some((w) => w.kind === 'read' && w.index === s.index && w.mem === s.mem))
        this.later({ kind: 'read', ...s });
    } else if (line.startsWith('+CMT:')) this.fact(parseCmt(line, next));
    else if (line.startsWith('+CDS:')) this.fact(parseCds(line, next));
    else if (line.startsWith('+CUSD:')) {
      const r = parseCusd(line.replace(/\n/g, ' '));
      if (r !== undefined) h.bus.emit({ type: 'ussd.response', modem: h.id, ...r });
    } else if (line.startsWith('+CLCC:')) {
      const r = parseClcc(line);
      if (r !== undefined) h.bus.emit({ type: 'call.clcc', modem: h.id, ...r });
    } else if (line === 'RING' || line.startsWith('+CRING:')) {
      // One +CLCC still waiting answers every ring before it: a ring repeats every few seconds.
      if (!this.backlog.some((w) => w.kind === 'clcc')) this.later({ kind: 'clcc' });
    }
  }

  /** A +CME/+CMS ERROR with no command pending (a SIM pulled: `+CME ERROR: 13`). */
  private error(line: string): void {
    const e = parseAtError(line);
    if (e === undefined || (e.kind !== 'cme' && e.kind !== 'cms')) return;
    const h = this.host;
    h.bus.emit({
      type: 'modem.at_error',
      modem: h.id,
      kind: e.kind,
      ...(e.code !== undefined && e.code >= -1 && e.code <= 9999 && { code: e.code }),
      class: e.code === undefined ? 'unknown' : atErrorClass(e.kind, e.code),
    });
    const sim = e.code === undefined ? undefined : simStateOfError(e.kind, e.code);
    if (sim !== undefined) h.reporter.sim(sim, h.heard());
  }

  /** A message or report: the event it makes (a concatenated message counts once). */
  fact(f: SmsFact | undefined): void {
    const h = this.host;
    if (f === undefined) {
      h.bad();
      return;
    }
    if (f.type === 'status') {
      h.bus.emit({
        type: 'sms.delivery_report',
        reference: String(f.reference),
        tpStatus: f.tpStatus,
        modem: h.id, // TP-MR is per modem: the store matches the report on both
      });
      return;
    }
    if (f.concat !== undefined && f.concat.total > 1) {
      const key = `${f.from}/${f.concat.ref}/${f.concat.total}`;
      if (this.parts.has(key)) return;
      if (this.parts.size >= 64) this.parts.delete(this.parts.keys().next().value as string);
      this.parts.set(key, f.concat.total);
    }
    h.bus.emit({
      type: 'sms.received',
      from: f.from,
      modem: h.id,
      ...(f.concat !== undefined &&
        f.concat.total > 1 &&
        f.concat.total <= 255 && { segments: f.concat.total }),
    });
  }

  /** Every unread message (the reply to AT+CMGL="REC UNREAD"): none that arrived in a gap is missed. */
  listed(r: AtResponse | undefined): void {
    if (r?.ok !== true) return;
    const { listed, bad } = parseCmgl(r.lines);
    for (const l of listed) this.fact(l.fact);
    for (let i = 0; i < bad; i++) this.host.bad();
  }

  /** Queue the command an unsolicited result needs; one runs at a time, the oldest go past the bound. */
  private later(work: Work): void {
    if (this.backlog.length >= URC_BACKLOG) {
      this.backlog.shift();
      this.host.overflowed('unsolicited');
    }
    this.backlog.push(work);
    if (!this.working) void this.work();
  }

  private async work(): Promise<void> {
    this.working = true;
    try {
      for (let w = this.backlog.shift(); w !== undefined && !this.host.closed(); w = this.backlog.shift()) {
        if (w.kind === 'read') await this.read(w.mem, w.index);
        else await this.listCalls();
      }
    } finally {
      this.working = false;
    }
  }

  private async listCalls(): Promise<void> {
    const r = await this.host.send('AT+CLCC');
    for (const l of r?.lines ?? []) {
      const c = parseClcc(l);
      if (c !== undefined) this.host.bus.emit({ type: 'call.clcc', modem: this.host.id, ...c });
    }
  }

  /**
   * Read a stored message or report. From another storage than the current one (a report in
   * "SR"), switch to it for the read and back after it; the text stays on the modem.
   */
  private async read(mem: string | undefined, index: number): Promise<void> {
    const current = this.host.mem1();
    const other = mem !== undefined && mem !== (current ?? 'SM') && (current !== undefined || mem === 'SR');
    if (other && (await this.host.send(`AT+CPMS="${mem}"`))?.ok !== true) return;
    const r = await this.host.send(`AT+CMGR=${index}`);
    if (other && current !== undefined) await this.host.send(`AT+CPMS="${current}"`);
    if (r?.ok !== true) return;
    const f = parseCmgr(r.lines);
    // An empty slot answers a bare OK, a message kept for sending is "STO ...": nothing to count.
    if (f !== undefined || r.lines.some((l) => /^\+CMGR:\s*"?REC /.test(l))) this.fact(f);
  }
}
