import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { parseCereg, parseCesq, parseCgreg, parseCreg, parseCsq } from '../../telephony/standards/modem.js';
import { errnoOf, openFailure } from '../open-error.js';
import { AtChannel, AtQueueFull, AtTimeout } from './at.js';
import { parseCds, parseClcc, parseCmgrSender, parseCmti, parseCops, parseCusd } from './parse.js';

/** The part of a serial port the source uses (serialport's SerialPort has it). */
export interface ModemPort {
  write(data: string): unknown;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'close', fn: (err?: Error | null) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  close(cb?: (err?: Error | null) => void): unknown;
  readonly isOpen?: boolean;
}

export interface ModemSourceOptions {
  /** Serial device, e.g. /dev/ttyUSB2 (the modem's AT port). */
  path: string;
  baudRate?: number;
  /** Modem id in events (a label when listed in `labels.modems`). Default `modem0`. */
  modem?: string;
  /** Poll period for +CSQ, +CESQ, +CREG?, +CEREG?, +COPS?; default 30 s. */
  pollMs?: number;
  /** Per-command timeout; default 5 s. */
  commandTimeoutMs?: number;
  /** Consecutive timeouts after which the modem counts as gone (`at_timeout`); default 2. */
  maxTimeouts?: number;
  /** Reconnect backoff: first delay and cap, ms; default 1 s doubling to 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  registry?: Registry;
  prefix?: string;
  /** Opens the port; default serialport's SerialPort (loaded on first use). */
  open?: (path: string, baudRate: number) => Promise<ModemPort>;
  /** Told about every disconnect (class and message, never modem data). */
  onLog?: (message: string, detail: Record<string, unknown>) => void;
  /**
   * Told when the port cannot be opened, with the cause and its fix (`modem: cannot open
   * /dev/ttyUSB9: no such file (...)`): once, and again only when the cause changes.
   */
  onError?: (cause: string) => void;
}

async function openSerial(path: string, baudRate: number): Promise<ModemPort> {
  const { SerialPort } = await import('serialport');
  return new Promise((resolve, reject) => {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    port.open((err) => (err ? reject(err) : resolve(port as unknown as ModemPort)));
  });
}

/** Bounded queues of the source: the `queue` label of `<prefix>_modem_queue_overflow_total`. */
export const MODEM_QUEUES = ['commands', 'unsolicited'] as const;

/**
 * Unsolicited results that need a command to finish (RING -> AT+CLCC, +CMTI -> AT+CMGR), waiting
 * at most: they run one at a time, and past this the oldest is dropped and counted. Each used to
 * queue its command at once: 1M unsolicited codes took the heap from 8.6 to 375 MiB (issue 31;
 * 1,042 MiB here for 1M RINGs).
 */
export const URC_BACKLOG = 16;

type UrcWork = { kind: 'clcc' } | { kind: 'cmgr'; index: number };

const INIT = ['ATE0', 'AT+CMEE=1', 'AT+CMGF=1', 'AT+CREG=2', 'AT+CEREG=2', 'AT+CNMI=2,1,0,1,0', 'AT+CLCC=1'];

/**
 * A GSM/LTE modem over AT commands, as events: modem.connected/disconnected/reconnected,
 * modem.signal (+CSQ, +CESQ), modem.registration (+CREG/+CEREG, polled and unsolicited),
 * modem.operator (+COPS), sms.received (+CMTI then +CMGR), sms.delivery_report (+CDS),
 * ussd.response (+CUSD) and call.clcc (RING, +CLCC). The packs turn them into metrics, so this
 * source decides nothing. An unplugged or silent modem is reported and reopened with backoff.
 *
 * @example
 * const modem = new ModemSource(bus, { path: '/dev/ttyUSB2' });
 * modem.start();
 * // ...
 * await modem.close();
 */
export class ModemSource {
  private port: ModemPort | undefined;
  private at: AtChannel | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private everConnected = false;
  private attempt = 0;
  private timeouts = 0;
  private readonly id: string;
  private readonly garbageCounter;
  private garbageSeen = 0;
  private readonly overflowCounter;
  private readonly backlog: UrcWork[] = [];
  private working = false;
  private polling = false;
  /** Times a bounded queue was full: commands refused, unsolicited work dropped (oldest first). */
  readonly overflow: Record<(typeof MODEM_QUEUES)[number], number> = { commands: 0, unsolicited: 0 };
  /** State for tests and health: connected now, reconnects so far. */
  connected = false;
  reconnects = 0;
  /** Why the port cannot be opened (the last failure), until it opens. */
  error: string | undefined;
  /** A disconnect was reported and no connect since: a failed reopen says nothing new. */
  private down = false;

  constructor(
    private readonly bus: EventBus,
    private readonly options: ModemSourceOptions,
  ) {
    this.id = options.modem ?? 'modem0';
    this.garbageCounter = options.registry
      ?.counter({
        name: `${options.prefix ?? 'sidetone'}_modem_garbage_lines_total`,
        help: 'Lines from the modem that were neither a response nor an unsolicited result (dropped)',
      })
      .labels({});
    this.overflowCounter = options.registry?.counter({
      name: `${options.prefix ?? 'sidetone'}_modem_queue_overflow_total`,
      help: 'AT commands refused because 32 were queued (commands), unsolicited results whose follow-up command was dropped, oldest first, past 16 waiting (unsolicited)',
      labels: ['queue'],
      enums: { queue: MODEM_QUEUES },
    });
  }

  private overflowed(queue: (typeof MODEM_QUEUES)[number]): void {
    this.overflow[queue]++;
    this.overflowCounter?.labels({ queue }).inc();
  }

  /** Open the port and keep it open until `close()`. Never throws; failures are retried. */
  start(): void {
    this.closed = false;
    void this.connect();
  }

  private log(message: string, detail: Record<string, unknown>): void {
    try {
      this.options.onLog?.(message, detail);
    } catch {
      // logging must not break the source
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let port: ModemPort;
    try {
      port = await (this.options.open ?? openSerial)(this.options.path, this.options.baudRate ?? 115_200);
    } catch (err) {
      this.openFailed(err);
      return this.retry();
    }
    if (this.closed) {
      port.close();
      return;
    }
    this.port = port;
    const at = new AtChannel(
      (s) => port.write(s),
      (line, pdu) => this.urc(line, pdu),
    );
    this.at = at;
    port.on('data', (chunk) => at.feed(chunk));
    port.on('error', () => {}); // 'close' follows and carries the disconnect
    port.on('close', () => this.lost(port, 'usb'));
    this.timeouts = 0;
    try {
      let model: string | undefined;
      for (const cmd of INIT) await this.send(cmd);
      const r = await this.send('AT+CGMM');
      if (r?.ok) model = r.lines[0]?.slice(0, 128);
      if (this.port !== port) return;
      this.connected = true;
      this.down = false;
      this.error = undefined;
      if (this.everConnected) {
        this.reconnects++;
        this.bus.emit({ type: 'modem.reconnected', modem: this.id, attempt: this.attempt });
      }
      this.everConnected = true;
      this.attempt = 0;
      this.bus.emit({ type: 'modem.connected', modem: this.id, ...(model !== undefined && { model }) });
      await this.poll();
      this.pollTimer = setInterval(() => void this.poll(), this.options.pollMs ?? 30_000);
      this.pollTimer.unref();
    } catch {
      // `send` already turned a silent modem into a disconnect.
    }
  }

  /** One command; a timeout counts towards `at_timeout`, an ERROR is just a response. */
  private async send(command: string): Promise<{ ok: boolean; lines: string[] } | undefined> {
    const at = this.at;
    const port = this.port;
    if (at === undefined || port === undefined) return undefined;
    try {
      const r = await at.send(command, this.options.commandTimeoutMs ?? 5000);
      this.timeouts = 0;
      this.countGarbage(at);
      return r;
    } catch (err) {
      if (err instanceof AtTimeout) {
        this.timeouts++;
        if (this.timeouts >= (this.options.maxTimeouts ?? 2)) this.lost(port, 'at_timeout');
        return undefined;
      }
      if (err instanceof AtQueueFull) this.overflowed('commands');
      return undefined; // the port went away: `lost` has reported it
    }
  }

  private countGarbage(at: AtChannel): void {
    if (at.garbage !== this.garbageSeen) {
      this.garbageCounter?.inc(at.garbage - this.garbageSeen);
      this.garbageSeen = at.garbage;
    }
  }

  private async poll(): Promise<void> {
    // A slow modem (5 timeouts of 5 s) outlasts a short poll period: never two polls at once.
    if (this.polling) return;
    this.polling = true;
    try {
      await this.pollOnce();
    } finally {
      this.polling = false;
    }
  }

  private async pollOnce(): Promise<void> {
    const csq = await this.send('AT+CSQ');
    const c = csq?.ok ? parseCsq(csq.lines.find((l) => l.startsWith('+CSQ:')) ?? '') : undefined;
    if (c !== undefined)
      this.bus.emit({ type: 'modem.signal', modem: this.id, csq: { rssi: c.rssi, ber: c.ber } });
    const cesq = await this.send('AT+CESQ');
    const e = cesq?.ok ? parseCesq(cesq.lines.find((l) => l.startsWith('+CESQ:')) ?? '') : undefined;
    if (e !== undefined) {
      const { rxlev, ber, rscp, ecno, rsrq, rsrp } = e;
      this.bus.emit({ type: 'modem.signal', modem: this.id, cesq: { rxlev, ber, rscp, ecno, rsrq, rsrp } });
    }
    for (const cmd of ['CREG', 'CEREG'] as const) {
      const r = await this.send(`AT+${cmd}?`);
      const line = r?.ok ? r.lines.find((l) => l.startsWith(`+${cmd}:`)) : undefined;
      if (line !== undefined) this.registration(line);
    }
    const cops = await this.send('AT+COPS?');
    const o = cops?.ok ? parseCops(cops.lines.find((l) => l.startsWith('+COPS:')) ?? '') : undefined;
    if (o !== undefined) this.bus.emit({ type: 'modem.operator', modem: this.id, ...o });
  }

  private registration(line: string): void {
    const command = line.startsWith('+CEREG') ? 'CEREG' : line.startsWith('+CGREG') ? 'CGREG' : 'CREG';
    const r =
      command === 'CEREG' ? parseCereg(line) : command === 'CGREG' ? parseCgreg(line) : parseCreg(line);
    if (r === undefined || r.stat > 255) return;
    this.bus.emit({
      type: 'modem.registration',
      modem: this.id,
      stat: r.stat,
      command,
      ...(r.act !== undefined && r.act <= 13 && { act: r.act }),
    });
  }

  private urc(line: string, pdu?: string): void {
    if (line.startsWith('+CREG:') || line.startsWith('+CEREG:') || line.startsWith('+CGREG:')) {
      this.registration(line);
    } else if (line.startsWith('+CMTI:')) {
      const index = parseCmti(line);
      if (index !== undefined && !this.backlog.some((w) => w.kind === 'cmgr' && w.index === index))
        this.later({ kind: 'cmgr', index });
    } else if (line.startsWith('+CDS:')) {
      const r = parseCds(line, pdu);
      if (r !== undefined)
        this.bus.emit({
          type: 'sms.delivery_report',
          reference: String(r.reference),
          tpStatus: r.tpStatus,
          modem: this.id, // TP-MR is per modem: the store matches the report on both
        });
    } else if (line.startsWith('+CUSD:')) {
      const r = parseCusd(line);
      if (r !== undefined) this.bus.emit({ type: 'ussd.response', modem: this.id, ...r });
    } else if (line.startsWith('+CLCC:')) {
      const r = parseClcc(line);
      if (r !== undefined) this.bus.emit({ type: 'call.clcc', modem: this.id, ...r });
    } else if (line === 'RING' || line.startsWith('+CRING:')) {
      // One +CLCC still waiting answers every ring before it: a ring repeats every few seconds.
      if (!this.backlog.some((w) => w.kind === 'clcc')) this.later({ kind: 'clcc' });
    }
  }

  /** Queue the command an unsolicited result needs; one runs at a time, the oldest go past the bound. */
  private later(work: UrcWork): void {
    if (this.backlog.length >= URC_BACKLOG) {
      this.backlog.shift();
      this.overflowed('unsolicited');
    }
    this.backlog.push(work);
    if (!this.working) void this.work();
  }

  private async work(): Promise<void> {
    this.working = true;
    try {
      for (let w = this.backlog.shift(); w !== undefined && !this.closed; w = this.backlog.shift()) {
        if (w.kind === 'cmgr') await this.readSms(w.index);
        else await this.listCalls();
      }
    } finally {
      this.working = false;
    }
  }

  private async listCalls(): Promise<void> {
    const r = await this.send('AT+CLCC');
    for (const l of r?.lines ?? []) {
      const c = parseClcc(l);
      if (c !== undefined) this.bus.emit({ type: 'call.clcc', modem: this.id, ...c });
    }
  }

  private async readSms(index: number): Promise<void> {
    const r = await this.send(`AT+CMGR=${index}`);
    const head = r?.ok ? r.lines.find((l) => l.startsWith('+CMGR:')) : undefined;
    const from = head === undefined ? undefined : parseCmgrSender(head);
    // The text stays on the modem: sidetone counts messages, it does not read them.
    if (from !== undefined) this.bus.emit({ type: 'sms.received', from, modem: this.id });
  }

  /** The port closed (unplug) or stopped answering: report once, then reopen with backoff. */
  private lost(port: ModemPort, reason: 'usb' | 'at_timeout'): void {
    if (this.port !== port) return;
    this.port = undefined;
    this.at?.abort(new Error(`modem ${reason}`));
    this.at = undefined;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    try {
      if (port.isOpen !== false) port.close();
    } catch {
      // already gone
    }
    const was = this.connected;
    this.connected = false;
    if (this.closed) return;
    // Once per outage: failed reopen attempts while it is still gone are retried quietly.
    if (was) {
      this.down = true;
      this.bus.emit({ type: 'modem.disconnected', modem: this.id, reason });
      this.log('modem lost', { path: this.options.path, reason });
    }
    this.retry();
  }

  /**
   * The port did not open. A modem that never opened is down too (modem_connected 0, so
   * SidetoneModemDisconnected can fire), reported once; the cause goes to `onError` once per cause.
   */
  private openFailed(err: unknown): void {
    const cause = openFailure('modem', `open ${this.options.path}`, err);
    if (cause !== this.error) {
      this.error = cause;
      try {
        this.options.onError?.(cause);
      } catch {
        // reporting must not break the source
      }
    }
    if (this.down) return;
    this.down = true;
    // A missing device node is an unplugged (or never plugged) USB modem.
    const reason = errnoOf(err) === 'ENOENT' ? 'usb' : 'other';
    this.bus.emit({ type: 'modem.disconnected', modem: this.id, reason });
  }

  private retry(): void {
    if (this.closed || this.retryTimer !== undefined) return;
    const base = this.options.backoffMs ?? 1000;
    const delay = Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** Math.min(this.attempt, 16));
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  /** Stop polling, close the port, stop reconnecting. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    this.backlog.length = 0;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
    const port = this.port;
    this.port = undefined;
    this.at?.abort(new Error('closed'));
    this.at = undefined;
    this.connected = false;
    if (port !== undefined && port.isOpen !== false) {
      await new Promise<void>((r) => {
        try {
          port.close(() => r());
        } catch {
          r();
        }
      });
    }
  }
}
