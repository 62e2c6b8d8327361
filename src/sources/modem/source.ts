import { type AtError, atErrorMeaning, isBusyError, parseAtError } from '../../domain/standards/at-errors.js';
import { simStateOfError } from '../../domain/standards/cpin.js';
import { consolidate, isRegistered } from '../../domain/standards/registration.js';
import type { ModemRecoveryStep } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { Registry } from '../../metrics/index.js';
import { errnoOf, openFailure } from '../open-error.js';
import { AtChannel, AtQueueFull, type AtResponse, AtTimeout } from './at.js';
import { initCommands, type ModemMode, REGISTRATION_READS, VENDOR_READS } from './commands.js';
import { heldBy } from './held.js';
import { isUp, type Modem, type ModemEffect, type ModemInput, newModem, step } from './machine.js';
import { type Bucket, newBucket, take } from './pace.js';
import { type Heard, newHeard, Reporter } from './report.js';
import { UrcReader } from './unsolicited.js';

export { URC_BACKLOG } from './unsolicited.js';

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
  /**
   * `full`: sidetone owns the modem (sets it up, reads messages, reports, USSD and calls).
   * `shared`: another program owns its SMS; sidetone only reads signal, registration and SIM and
   * changes nothing. `auto` (default): shared when another process has this port, or another port
   * of the same USB modem, open; else full. docs/sources/modem.md lists what each sends.
   */
  mode?: ModemMode | 'auto';
  /** Poll period for AT, +CSQ, +CESQ, the registrations, +COPS?, +CPIN?; default 30 s. */
  pollMs?: number;
  /** Per-command timeout; default 5 s. */
  commandTimeoutMs?: number;
  /** Consecutive timeouts after which the modem counts as gone (`at_timeout`); default 2. */
  maxTimeouts?: number;
  /** Reconnect backoff: first delay and cap, ms; default 1 s doubling to 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A busy answer (SIM busy, still initialising) is retried after this, doubling, 4 times; default 250 ms. */
  busyRetryMs?: number;
  /** Failed reopens of a silent modem before the recovery ladder resets it (full mode); default 3. */
  resetAfter?: number;
  /** How long recovery waits for the registration (the ladder's last step); default 180 s. */
  registrationWaitMs?: number;
  registry?: Registry;
  prefix?: string;
  /** Opens the port; default serialport's SerialPort (loaded on first use). */
  open?: (path: string, baudRate: number) => Promise<ModemPort>;
  /** Who else holds the port (`auto` mode); default a scan of /proc. */
  heldBy?: (path: string) => Promise<string | undefined>;
  /** Told about every disconnect, restart and AT error (classes and meanings, never modem data). */
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
 * What the source held back (`reason` of `<prefix>_modem_backoff_total`): a command past the rate
 * ceiling (`rate`), a re-initialisation after a restart that came within its pause (`restart`).
 */
export const MODEM_BACKOFFS = ['rate', 'restart'] as const;

/** Errors that mean "this command is not supported here": stop sending it on this connection. */
const unsupported = (e: AtError) =>
  e.kind === 'error' || e.kind === 'vendor' || (e.kind === 'cme' && (e.code === 3 || e.code === 4));

/**
 * A GSM/LTE/5G modem over AT commands, as events: modem.connected/disconnected/reconnected,
 * modem.recovery, modem.registration (each domain, polled and unsolicited), modem.signal (+CSQ,
 * +CESQ, vendor serving-cell reports), modem.operator, modem.sim, modem.at_error, and in full
 * mode sms.received, sms.delivery_report, ussd.response and call.clcc. The packs turn them into
 * metrics, so this source decides nothing. Its life is the state machine of machine.ts (the table
 * is in docs/sources/modem.md): this class feeds it every input and carries out its effects. A
 * modem that restarts in place (start-up announcements, its echo back on) is re-initialised; an
 * unplugged or silent one is reopened with backoff, then reset (full mode), and its recovery counted.
 *
 * @example
 * const modem = new ModemSource(bus, { path: '/dev/ttyUSB2', mode: 'shared' });
 * modem.start();
 * // ...
 * await modem.close();
 */
export class ModemSource {
  private port: ModemPort | undefined;
  private at: AtChannel | undefined;
  /** The modem's state and what it knows (machine.ts); only `input` replaces it. */
  private m: Modem = newModem();
  private readonly timers: Record<'poll' | 'retry' | 'reinit' | 'registration', NodeJS.Timeout | undefined> =
    {
      poll: undefined,
      retry: undefined,
      reinit: undefined,
      registration: undefined,
    };
  /** The first poll of a session: the registration wait starts from what it read. */
  private firstPoll: Promise<void> = Promise.resolve();
  private timeouts = 0;
  private readonly id: string;
  private readonly garbageCounter;
  private garbageSeen = 0;
  private readonly overflowCounter;
  /** A poll is running (a slow modem outlasts a short poll period: never two at once). */
  private polling = false;
  /** The rate ceiling every AT command passes (pace.ts), kept across reconnects. */
  private readonly bucket: Bucket = newBucket(Date.now());
  private pacedSeen = 0;
  private readonly backoffCounter;
  private heard: Heard = newHeard();
  private readonly skip = new Set<string>();
  private vendorRead: string | undefined;
  private mem1: string | undefined;
  private model: string | undefined;
  /** Reopens of a silent modem that found it still silent (the ladder resets it past `resetAfter`). */
  private failedReopens = 0;
  private readonly reporter: Reporter;
  private readonly urcs: UrcReader;
  private readonly logged = new Set<string>();
  /** The mode in force (`auto` resolved at each open). */
  mode: ModemMode = 'full';
  /** Times a bounded queue was full: commands refused, unsolicited work dropped (oldest first). */
  readonly overflow: Record<(typeof MODEM_QUEUES)[number], number> = { commands: 0, unsolicited: 0 };
  /** Reconnects so far (for tests and health). */
  reconnects = 0;
  /** Why the port cannot be opened (the last failure), until it opens. */
  error: string | undefined;

  constructor(
    private readonly bus: EventBus,
    private readonly options: ModemSourceOptions,
  ) {
    this.id = options.modem ?? 'modem0';
    this.garbageCounter = options.registry
      ?.counter({
        name: `${options.prefix ?? 'sidetone'}_modem_garbage_lines_total`,
        help: 'Lines from the modem that were neither a response nor an unsolicited result, or that could not be read (dropped)',
      })
      .labels({});
    this.overflowCounter = options.registry?.counter({
      name: `${options.prefix ?? 'sidetone'}_modem_queue_overflow_total`,
      help: 'AT commands refused because 32 were queued (commands), unsolicited results whose follow-up command was dropped, oldest first, past 16 waiting (unsolicited)',
      labels: ['queue'],
      enums: { queue: MODEM_QUEUES },
    });
    this.backoffCounter = options.registry?.counter({
      name: `${options.prefix ?? 'sidetone'}_modem_backoff_total`,
      help: 'AT commands held back by the ceiling of 20 a second (rate), re-initialisations after a restart held back because restarts kept coming (restart)',
      labels: ['reason'],
      enums: { reason: MODEM_BACKOFFS },
    });
    this.reporter = new Reporter(bus, this.id, () => this.garbageCounter?.inc());
    this.urcs = new UrcReader({
      bus,
      id: this.id,
      full: () => this.mode === 'full',
      reporter: this.reporter,
      heard: () => this.heard,
      mem1: () => this.mem1,
      send: (c) => this.send(c),
      overflowed: (q) => this.overflowed(q),
      restarted: (why) => this.input({ kind: 'boot', why }),
      poweredDown: (why) => this.input({ kind: 'power_down', why }),
      bad: () => this.garbageCounter?.inc(),
      closed: () => this.m.state === 'closed',
    });
  }

  /** Up (set up and polled): `modem_connected` 1. */
  get connected(): boolean {
    return isUp(this.m.state);
  }

  /** The state of the machine (machine.ts MODEM_STATES), for tests and health. */
  get state(): Modem['state'] {
    return this.m.state;
  }

  private overflowed(queue: (typeof MODEM_QUEUES)[number]): void {
    this.overflow[queue]++;
    this.overflowCounter?.labels({ queue }).inc();
  }

  /** Open the port and keep it open until `close()`. Never throws; failures are retried. */
  start(): void {
    this.input({ kind: 'start' });
  }

  /** Feed the machine one input and carry out its effects, in order. */
  private input(i: ModemInput): void {
    const next = step(this.m, i, Date.now(), {
      backoffMs: this.options.backoffMs ?? 1000,
      maxBackoffMs: this.options.maxBackoffMs ?? 30_000,
    });
    const before = this.m;
    this.m = next.modem;
    for (const e of next.effects) this.effect(e, before);
  }

  private effect(e: ModemEffect, before: Modem): void {
    switch (e.do) {
      case 'open':
        void this.connect();
        return;
      case 'close_port':
        this.closePort();
        return;
      case 'initialise':
        if (this.port !== undefined) void this.initialise(this.port);
        return;
      case 'poll_start': {
        this.stopTimer('poll');
        this.timers.poll = setInterval(() => void this.poll(), this.options.pollMs ?? 30_000);
        this.timers.poll.unref();
        this.firstPoll = this.poll();
        return;
      }
      case 'poll_stop':
        this.stopTimer('poll');
        this.urcs.clear();
        return;
      case 'stop':
        this.urcs.clear();
        for (const t of ['poll', 'retry', 'reinit', 'registration'] as const) this.stopTimer(t);
        return;
      case 'schedule': {
        const timer = e.timer;
        this.stopTimer(timer);
        this.timers[timer] = setTimeout(() => {
          this.timers[timer] = undefined;
          this.input({ kind: 'timer', timer });
        }, e.ms);
        this.timers[timer].unref();
        return;
      }
      case 'disconnected':
        this.bus.emit({ type: 'modem.disconnected', modem: this.id, reason: e.reason });
        return;
      case 'connected': {
        this.error = undefined;
        if (e.reconnected) {
          this.reconnects++;
          this.bus.emit({
            type: 'modem.reconnected',
            modem: this.id,
            attempt: e.attempt,
            ...(e.reason !== undefined && { reason: e.reason }),
          });
        }
        const model = this.model;
        this.bus.emit({ type: 'modem.connected', modem: this.id, ...(model !== undefined && { model }) });
        if (before.loss !== undefined) this.recovery('reopen', true);
        this.failedReopens = 0;
        return;
      }
      case 'await_registration': {
        const session = this.m.session;
        void this.firstPoll.then(() => this.awaitRegistration(session));
        return;
      }
      case 'log':
        this.log(e.message, {
          path: this.options.path,
          [e.message === 'modem lost' ? 'reason' : 'signal']: e.why,
        });
        return;
      case 'backoff':
        this.backoffCounter?.labels({ reason: 'restart' }).inc();
        return;
    }
  }

  private stopTimer(t: keyof ModemSource['timers']): void {
    clearTimeout(this.timers[t]);
    clearInterval(this.timers[t]);
    this.timers[t] = undefined;
  }

  private log(message: string, detail: Record<string, unknown>): void {
    try {
      this.options.onLog?.(message, detail);
    } catch {
      // logging must not break the source
    }
  }

  private async connect(): Promise<void> {
    let port: ModemPort;
    try {
      port = await (this.options.open ?? openSerial)(this.options.path, this.options.baudRate ?? 115_200);
    } catch (err) {
      if (this.m.state !== 'opening') return;
      this.recovery('reopen', false);
      // A missing device node is an unplugged (or never plugged) USB modem.
      this.input({ kind: 'open_failed', reason: this.openFailed(err) });
      return;
    }
    if (this.m.state === 'opening') await this.resolveMode();
    if (this.m.state !== 'opening') {
      port.close();
      return;
    }
    this.port = port;
    const at = new AtChannel(
      (s) => port.write(s),
      (line, next) => this.urc(line, next),
      undefined,
      () => take(this.bucket, Date.now()),
    );
    // Counts of the new channel start at 0 (the old ones went with the old channel).
    this.pacedSeen = 0;
    this.garbageSeen = 0;
    this.at = at;
    port.on('data', (chunk) => at.feed(chunk));
    port.on('error', () => {}); // 'close' follows and carries the disconnect
    port.on('close', () => this.lost(port, 'usb'));
    this.timeouts = 0;
    this.input({ kind: 'opened' });
  }

  /** An unsolicited line: read, and what it says of the SIM and the registration fed to the machine. */
  private urc(line: string, next: string | undefined): void {
    this.urcs.urc(line, next);
    if (line.startsWith('+CPIN:')) this.observe(true);
    else if (/^\+C5?G?E?REG:/.test(line)) this.observe(false);
  }

  /** What the reporter heard of the SIM and the registration, as inputs. */
  private observe(unsolicited: boolean): void {
    const sim = this.heard.sim;
    if (sim !== undefined) this.input({ kind: 'sim', sim, unsolicited });
    const d = consolidate(this.heard.stats);
    this.input({ kind: 'registration', stat: d < 0 ? -1 : (this.heard.stats[d] as number) });
  }

  /** `auto`: shared when another program has the modem open. Logged when it changes. */
  private async resolveMode(): Promise<void> {
    const want = this.options.mode ?? 'auto';
    let held: string | undefined;
    if (want === 'auto')
      held = await (this.options.heldBy ?? heldBy)(this.options.path).catch(() => undefined);
    const mode: ModemMode = want === 'auto' ? (held === undefined ? 'full' : 'shared') : want;
    if (mode !== this.mode || !this.logged.has('mode')) {
      this.logged.add('mode');
      this.log(`modem ${mode === 'full' ? 'full' : 'shared-port'} mode`, {
        path: this.options.path,
        mode,
        ...(held !== undefined && { heldBy: held }),
      });
    }
    this.mode = mode;
  }

  /**
   * The `initialise` effect: set the modem up (full mode) or just identify it (shared), list what
   * arrived unread, then tell the machine it is `ready`. After a silent modem's `resetAfter` failed
   * reopens, the ladder resets it first. A modem that stops answering ends in `lost`.
   */
  private async initialise(port: ModemPort): Promise<void> {
    const session = this.m.session;
    const stale = () => this.port !== port || this.m.session !== session;
    this.heard = newHeard();
    this.skip.clear();
    this.vendorRead = undefined;
    this.mem1 = undefined;
    this.model = undefined;
    if (this.m.loss === 'at_timeout' && this.failedReopens >= (this.options.resetAfter ?? 3)) {
      // A reset the modem did not answer (counted as such, not as a failed reopen): still gone,
      // so the ladder starts again. Before, the source stopped here for good, port open, silent.
      if (!(await this.reset())) return this.lost(port, 'at_timeout', true);
      if (stale()) return;
    }
    for (const cmd of initCommands(this.mode)) {
      let r = await this.send(cmd, true);
      // Not answering: ask again until `send` counts it gone (maxTimeouts) and reopens the port.
      while (r === undefined && cmd === 'AT' && !stale()) r = await this.send(cmd, true);
      if (stale()) return;
      if (cmd === 'ATE0' && r?.ok === true) this.input({ kind: 'e0' });
      if (cmd === 'AT+CGMI' && r?.ok === true)
        this.vendorRead = VENDOR_READS.find(([re]) => r.lines.some((l) => re.test(l)))?.[1];
      if (cmd === 'AT+CGMM' && r?.ok === true) this.model = r.lines[0]?.slice(0, 128);
      if (cmd === 'AT+CPIN?' && r?.ok === true) this.cpin(r);
      if (cmd === 'AT+CPMS?' && r?.ok === true)
        this.mem1 = /^\+CPMS:\s*"([A-Z]{2})"/.exec(r.lines[0] ?? '')?.[1];
      if (cmd.startsWith('AT+CMGL')) this.urcs.listed(r);
    }
    if (!stale()) this.input({ kind: 'ready' });
  }

  /**
   * One command; a timeout counts towards `at_timeout`; an error is counted by class (and what
   * it says about the SIM), logged once per code with its meaning, and a busy one retried.
   */
  private async send(command: string, init = false): Promise<AtResponse | undefined> {
    const at = this.at;
    const port = this.port;
    if (at === undefined || port === undefined) return undefined;
    const base = this.options.busyRetryMs ?? 250;
    for (let attempt = 0; ; attempt++) {
      let r: AtResponse;
      try {
        r = await at.send(command, this.options.commandTimeoutMs ?? 5000);
      } catch (err) {
        if (err instanceof AtTimeout) {
          this.timeouts++;
          if (this.timeouts >= (this.options.maxTimeouts ?? 2)) this.lost(port, 'at_timeout');
        } else if (err instanceof AtQueueFull) this.overflowed('commands');
        return undefined; // or the port went away: `lost` has reported it
      }
      this.timeouts = 0;
      this.countGarbage(at);
      // Echo back after replies came without it is a restart; the machine decides (echo.ts).
      if (this.at === at) this.input({ kind: 'reply', echoed: r.echoed });
      if (r.ok) return r;
      const e = parseAtError(r.final);
      if (e === undefined) return r;
      this.atError(command, e);
      if (isBusyError(e) && attempt < 4 && this.at === at && this.m.state !== 'closed') {
        await new Promise((res) => setTimeout(res, base * 2 ** attempt).unref());
        continue;
      }
      if (unsupported(e) && !init) this.skip.add(command);
      return r;
    }
  }

  private atError(command: string, e: AtError): void {
    this.bus.emit({
      type: 'modem.at_error',
      modem: this.id,
      kind: e.kind,
      ...(e.code !== undefined && e.code >= -1 && e.code <= 9999 && { code: e.code }),
      class: e.class,
    });
    const sim =
      e.code === undefined || e.kind === 'error' || e.kind === 'vendor'
        ? undefined
        : simStateOfError(e.kind, e.code);
    // +CPIN? answered by another error: the SIM state is unknown (ModemManager: lock unknown).
    if (sim !== undefined || command === 'AT+CPIN?') {
      this.reporter.sim(sim ?? 'unknown', this.heard);
      this.observe(false);
    }
    const key = `${e.kind}:${e.code ?? ''}:${command}`;
    if (this.logged.has(key) || this.logged.size > 256) return;
    this.logged.add(key);
    const meaning =
      e.code !== undefined && (e.kind === 'cme' || e.kind === 'cms')
        ? atErrorMeaning(e.kind, e.code)
        : undefined;
    this.log('modem AT error', {
      command: command.replace(/=.*/, '='),
      error:
        e.kind === 'error' || e.kind === 'vendor'
          ? e.kind
          : `+${e.kind.toUpperCase()} ERROR: ${e.code ?? 'text'}`,
      class: e.class,
      ...(meaning !== undefined && { meaning }),
    });
  }

  private cpin(r: AtResponse): void {
    const line = r.lines.find((l) => /^\+CPIN/i.test(l));
    if (line !== undefined) this.reporter.cpin(line, this.heard);
    this.observe(false);
  }

  private countGarbage(at: AtChannel): void {
    if (at.garbage !== this.garbageSeen) {
      this.garbageCounter?.inc(at.garbage - this.garbageSeen);
      this.garbageSeen = at.garbage;
    }
    if (at.paced !== this.pacedSeen) {
      this.backoffCounter?.labels({ reason: 'rate' }).inc(at.paced - this.pacedSeen);
      this.pacedSeen = at.paced;
    }
  }

  private async poll(): Promise<void> {
    if (this.polling || !isUp(this.m.state)) return;
    this.polling = true;
    const session = this.m.session;
    try {
      const reads = ['AT', 'AT+CSQ', 'AT+CESQ', ...REGISTRATION_READS, 'AT+COPS?', 'AT+CPIN?'];
      if (this.vendorRead !== undefined) reads.push(this.vendorRead);
      for (const cmd of reads) {
        if (this.skip.has(cmd)) continue;
        const r = await this.send(cmd);
        if (this.m.session !== session || !isUp(this.m.state)) return;
        if (r === undefined && cmd === 'AT') return; // silent: the next poll (or `lost`) follows
        if (r?.ok !== true) continue;
        if (cmd === 'AT+CSQ') this.reporter.csq(r.lines);
        else if (cmd === 'AT+CESQ') this.reporter.cesq(r.lines);
        else if (cmd === 'AT+COPS?') this.reporter.cops(r.lines);
        else if (cmd === 'AT+CPIN?') this.cpin(r);
        else if (cmd === this.vendorRead) this.reporter.vendor(r.lines);
        else if (REGISTRATION_READS.includes(cmd)) {
          // A read answers one line (27.007 7.2, 10.1.20, 10.1.22, 10.1.47): an earlier line of its
          // prefix is an announcement that crossed the command on the wire (`+CREG: 1,0001,0010,0`
          // before the reply); read as a reply, its area and cell would shift by a field.
          const prefix = cmd.slice(2, -1);
          const reply = r.lines.findLastIndex((l) => l.startsWith(prefix));
          for (const [i, l] of r.lines.entries()) this.reporter.registration(l, this.heard, i === reply);
          this.observe(false);
        }
      }
    } finally {
      this.polling = false;
    }
  }

  /** The ladder's last step: the modem registers within `registrationWaitMs` (ok) or not (fail). */
  private awaitRegistration(session: number): void {
    const until = Date.now() + (this.options.registrationWaitMs ?? 180_000);
    this.stopTimer('registration');
    const check = () => {
      if (this.m.session !== session) return;
      const d = consolidate(this.heard.stats);
      if (d >= 0 && isRegistered(this.heard.stats[d] as number)) return this.recovery('registration', true);
      if (Date.now() >= until) return this.recovery('registration', false);
      this.timers.registration = setTimeout(check, Math.min(1000, this.options.pollMs ?? 30_000)).unref();
    };
    check();
  }

  /**
   * The ladder's reset: `AT+CFUN=1,1` (27.007 8.2, reset the modem) after `resetAfter` reopens
   * of a silent modem, then wait for it to start (its start-up announcement or a short pause).
   * Full mode only: a shared modem is not ours to reset. False when it did not answer.
   */
  private async reset(): Promise<boolean> {
    if (this.mode !== 'full') return true;
    this.failedReopens = 0;
    const r = await this.send('AT+CFUN=1,1', true);
    this.recovery('reset', r !== undefined);
    if (r === undefined) return false;
    await new Promise((res) =>
      setTimeout(res, Math.min(10_000, this.options.commandTimeoutMs ?? 5000)).unref(),
    );
    return this.port !== undefined;
  }

  /** Count a step of the recovery ladder (`modem.recovery`). */
  private recovery(step: ModemRecoveryStep, ok: boolean): void {
    // Recovery is of a modem that was up: a first open (or its retries) is not one.
    if (this.m.connects === 0 || (step === 'reopen' && this.m.loss === undefined && ok === false)) return;
    if (step === 'reopen' && !ok) this.failedReopens++;
    this.bus.emit({ type: 'modem.recovery', modem: this.id, step, outcome: ok ? 'ok' : 'fail' });
  }

  /**
   * The port closed (unplug) or stopped answering: the machine reports it once and schedules the
   * reopen. A reopen that opened but found the modem silent is a failed recovery step (not when
   * it was the reset that went unanswered: that step is counted as such).
   */
  private lost(port: ModemPort, reason: 'usb' | 'at_timeout', afterReset = false): void {
    if (this.port !== port) return;
    if (!afterReset && this.m.loss !== undefined && !isUp(this.m.state)) this.recovery('reopen', false);
    if (this.m.state === 'closed') this.closePort();
    else this.input({ kind: 'lost', reason });
  }

  private closePort(): void {
    const port = this.port;
    this.port = undefined;
    this.at?.abort(new Error('modem port closed'));
    this.at = undefined;
    try {
      if (port !== undefined && port.isOpen !== false) port.close();
    } catch {
      // already gone
    }
  }

  /**
   * The port did not open: its cause goes to `onError` once per cause. A modem that never opened
   * is down too (modem_connected 0, so SidetoneModemDisconnected can fire): the machine reports it
   * once. Returns the disconnect reason: a missing device node is an unplugged USB modem.
   */
  private openFailed(err: unknown): 'usb' | 'other' {
    const cause = openFailure('modem', `open ${this.options.path}`, err);
    if (cause !== this.error) {
      this.error = cause;
      try {
        this.options.onError?.(cause);
      } catch {
        // reporting must not break the source
      }
    }
    return errnoOf(err) === 'ENOENT' ? 'usb' : 'other';
  }

  /** Stop polling, close the port, stop reconnecting. Idempotent. */
  async close(): Promise<void> {
    this.input({ kind: 'close' });
    this.effect({ do: 'stop' }, this.m);
    const port = this.port;
    this.port = undefined;
    this.at?.abort(new Error('closed'));
    this.at = undefined;
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
