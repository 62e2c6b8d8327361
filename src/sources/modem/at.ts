/**
 * An AT command channel (3GPP TS 27.007 / V.250): one command in flight at a time, its response
 * lines collected until a final result code, and every other line treated as an unsolicited result
 * (URC). Transport-agnostic: it is fed bytes and writes strings, so tests drive it directly and the
 * modem source puts a serial port under it.
 */

import { VENDOR_FINAL } from '../../domain/standards/at-errors.js';
import { SourceError } from '../../errors.js';

/** A finished command: the information lines, and `ok` false for any error final result. */
export interface AtResponse {
  ok: boolean;
  lines: string[];
  /** The final result line (`OK`, `ERROR`, `+CMS ERROR: 500`, `COMMAND NOT SUPPORT`). */
  final: string;
  /** The modem echoed the command line (echo on: V.250 E1, the state after every reset). */
  echoed: boolean;
}

/** Why a command did not finish. */
export class AtTimeout extends SourceError {
  override name = 'AtTimeout';
  constructor(message: string) {
    super('ST_AT_TIMEOUT', message);
  }
}

/** A command refused because `maxQueued` commands were already waiting (counted in `refused`). */
export class AtQueueFull extends SourceError {
  override name = 'AtQueueFull';
  constructor(message: string) {
    super('ST_AT_QUEUE_FULL', message);
  }
}

/** Commands waiting behind the one in flight, at most: a poll is 5, init 8. */
export const AT_MAX_QUEUED = 32;
/** Information lines kept for one command: `+CMGL` of a full SIM is 2 per message, SIMs hold 20-50. */
const MAX_LINES = 256;
/**
 * How long `AT+CPIN?` waits for its final result after the `+CPIN:` line: Wavecom firmwares
 * send none (gammu's F_CPIN_NO_OK, python-gsmmodem's Wavecom profile), which cost the whole
 * command timeout (5 s) and counted towards `at_timeout`.
 */
export const CPIN_NO_OK_MS = 500;

interface Entry {
  run: () => void;
  reject: (e: Error) => void;
}

interface Pending {
  command: string;
  /** Prefix of information lines that belong to this command (`+CSQ` for `AT+CSQ`). */
  prefix: string | undefined;
  /** A dial or answer: only then are NO CARRIER, BUSY, NO ANSWER, NO DIALTONE, CONNECT its result. */
  call: boolean;
  lines: string[];
  echoed: boolean;
  resolve: (r: AtResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const FINAL = /^(OK|ERROR|\+CM[ES] ERROR\s*:.*)$/;
/** V.250 call results: the result of ATD/ATA, else a call that ended on its own (a URC). */
const CALL_RESULT = /^(NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|CONNECT( .*)?)$/;
/**
 * Unsolicited lines the source reads: 27.007/27.005 indications, start-up and power
 * announcements of Quectel, SIMCom, Cinterion and Huawei modules. Any other `+X:`/`^X:` line with
 * nothing of its name pending is a vendor URC (`+ZDONR`, `+CGEV`, `^BOOT`...), ignored.
 */
const URC =
  /^(RING|\+CRING:|\+CLIP:|\+CMTI:|\+CMT:|\+CDS:|\+CDSI:|\+CBM:|\+CUSD:|\+CLCC:|\+C5?G?E?REG:|\+CPIN:|\+CFUN:|\+CME ERROR|\+CMS ERROR|\+QIND:|\+QUSIM:|\^HCSQ:|\^RSSI:|\^SYSSTART|RDY$|SMS Ready$|Call Ready$|(NORMAL )?POWER(ED)? DOWN$|(UNDER|OVER)-VOLTAGE)/;
const VENDOR_URC = /^[+^#*$%][A-Z][A-Z0-9_]*\s*:/;

/** Commands whose answer is untagged text (model, message bodies) rather than `+NAME:` lines. */
const TEXT_ANSWERS = new Set(['+CGMM', '+CGMI', '+CGMR', '+CGSN', '+CIMI', '+CMGR', '+CMGL']);

/**
 * @example
 * const at = new AtChannel((s) => port.write(s), (line) => console.log('urc', line));
 * port.on('data', (b) => at.feed(b));
 * const r = await at.send('AT+CSQ', 2000); // { ok: true, lines: ['+CSQ: 18,99'], final: 'OK', echoed: false }
 */
export class AtChannel {
  private buffer = '';
  private pending: Pending | undefined;
  private readonly queue: Entry[] = [];
  /** The next command, held by the rate ceiling until its slot (pace.ts). */
  private held: { entry: Entry; timer: NodeJS.Timeout } | undefined;
  /** Lines that were neither a response, a URC, nor an echo (or past a command's 256): counted, then ignored. */
  garbage = 0;
  /** Commands refused because the queue was full. */
  refused = 0;
  /** Commands held back by the rate ceiling before they were written. */
  paced = 0;
  /** The first line of a two-line URC (`+CMT`, `+CDS`, `+CBM`) waiting for its second. */
  private head: string | undefined;
  /** A `+CUSD` whose quoted text holds line ends, joined until the quote closes. */
  private open: string | undefined;

  constructor(
    private readonly write: (data: string) => void,
    private readonly onUrc: (line: string, next?: string) => void,
    private readonly maxQueued = AT_MAX_QUEUED,
    /** How long the next command waits before it is written (ms, 0: at once): the rate ceiling. */
    private readonly pace: () => number = () => 0,
  ) {}

  /** Bytes from the modem. Lines end at any run of CR/LF (`\r\n`, `\r\r\n`, a bare `\n`). */
  feed(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    if (this.buffer.length > 65_536) this.buffer = this.buffer.slice(-4096); // a runaway line
    for (;;) {
      const i = this.buffer.search(/[\r\n]/);
      if (i < 0) break;
      const raw = this.buffer.slice(0, i);
      this.buffer = this.buffer.slice(i + 1);
      if (this.open !== undefined) {
        this.continueOpen(raw);
        continue;
      }
      const line = raw.trim();
      if (line !== '') this.line(line);
    }
  }

  private continueOpen(raw: string): void {
    const joined = `${this.open}\n${raw}`;
    if (quotesBalanced(joined) || joined.length > 2048) {
      this.open = undefined;
      this.onUrc(joined);
    } else this.open = joined;
  }

  private line(line: string): void {
    if (this.head !== undefined) {
      const head = this.head;
      this.head = undefined;
      // The second line of a two-line URC; a line that is itself a result code is not one.
      if (!FINAL.test(line) && !URC.test(line)) {
        this.onUrc(head, line);
        return;
      }
      this.onUrc(head);
    }
    const p = this.pending;
    if (p !== undefined) {
      if (line.toUpperCase() === p.command.toUpperCase()) {
        p.echoed = true; // echo (E1)
        return;
      }
      if (FINAL.test(line) || VENDOR_FINAL.test(line) || (p.call && CALL_RESULT.test(line))) {
        this.finish(p, line);
        return;
      }
      if (p.prefix !== undefined && line.toUpperCase().startsWith(`${p.prefix}:`) && !crossing(line)) {
        this.info(p, line);
        // +CPIN? answered without a final result (Wavecom): the state line ends it, after a grace.
        if (p.prefix === '+CPIN') {
          clearTimeout(p.timer);
          p.timer = setTimeout(() => this.pending === p && this.finish(p, 'OK'), CPIN_NO_OK_MS);
        }
        return;
      }
    }
    if (/^\+(CMT|CBM):/.test(line) || /^\+CDS:\s*(\d+\s*)?$/.test(line)) {
      this.head = line; // text-mode body, PDU, or (text +CDS split after the colon) its fields
      return;
    }
    if (/^\+CUSD:/.test(line) && !quotesBalanced(line)) {
      this.open = line;
      return;
    }
    if (URC.test(line) || CALL_RESULT.test(line) || VENDOR_URC.test(line)) {
      this.onUrc(line);
      return;
    }
    // Untagged lines belong to the command in flight only for commands that answer in text
    // (+CGMM model, +CMGR/+CMGL message bodies); anywhere else they are noise on the line.
    if (p?.prefix !== undefined && TEXT_ANSWERS.has(p.prefix)) {
      this.info(p, line);
      return;
    }
    this.garbage++;
  }

  private info(p: Pending, line: string): void {
    if (p.lines.length < MAX_LINES) p.lines.push(line);
    else this.garbage++;
  }

  private finish(p: Pending, final: string): void {
    this.pending = undefined;
    clearTimeout(p.timer);
    p.resolve({ ok: final === 'OK' || final.startsWith('CONNECT'), lines: p.lines, final, echoed: p.echoed });
    this.next();
  }

  /**
   * Send one command; resolves with its response, rejects with AtTimeout. Commands queue, at most
   * `maxQueued` of them: past that the new one is refused at once with AtQueueFull (the callers
   * already waiting were promised an answer; a modem this far behind cannot give the newcomer one
   * in time anyway), so a flood of unsolicited results cannot pile up commands without end.
   * @example await at.send('AT+COPS?', 5000)
   */
  send(command: string, timeoutMs: number): Promise<AtResponse> {
    if (this.queue.length >= this.maxQueued && this.busy()) {
      this.refused++;
      return Promise.reject(
        new AtQueueFull(`${command} refused: ${this.maxQueued} AT commands already queued`),
      );
    }
    return new Promise((resolve, reject) => {
      const run = () => {
        const m = /^AT([+^$][A-Z0-9]+)/i.exec(command);
        const p: Pending = {
          command,
          prefix: m?.[1]?.toUpperCase(),
          call: /^AT[DA]/i.test(command),
          lines: [],
          echoed: false,
          resolve,
          reject,
          timer: setTimeout(() => {
            if (this.pending !== p) return;
            this.pending = undefined;
            reject(new AtTimeout(`${command} got no final result in ${timeoutMs} ms`));
            this.next();
          }, timeoutMs),
        };
        this.pending = p;
        try {
          this.write(`${command}\r`);
        } catch (err) {
          clearTimeout(p.timer);
          this.pending = undefined;
          reject(err as Error);
          this.next();
        }
      };
      if (!this.busy() && this.queue.length === 0) this.start({ run, reject });
      else this.queue.push({ run, reject });
    });
  }

  private busy(): boolean {
    return this.pending !== undefined || this.held !== undefined;
  }

  /** Write a command now, or when the rate ceiling gives it a slot: every write passes here. */
  private start(entry: Entry): void {
    const wait = this.pace();
    if (wait <= 0) {
      entry.run();
      return;
    }
    this.paced++;
    const timer = setTimeout(() => {
      this.held = undefined;
      entry.run();
    }, wait);
    this.held = { entry, timer };
  }

  private next(): void {
    const entry = this.queue.shift();
    if (entry !== undefined) this.start(entry);
  }

  /** Fail the command in flight and everything queued (the port went away). */
  abort(reason: Error): void {
    const p = this.pending;
    this.pending = undefined;
    if (p !== undefined) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    if (this.held !== undefined) {
      clearTimeout(this.held.timer);
      this.held.entry.reject(reason);
      this.held = undefined;
    }
    for (const q of this.queue.splice(0)) q.reject(reason);
    this.buffer = '';
    this.head = undefined;
    this.open = undefined;
  }
}

/**
 * A registration URC that crossed the read of its own domain on the wire (`+CGREG: 11,"B092",...`
 * while AT+CGREG? is pending): the read form is `<n>,<stat>,...` with `<n>` 0..5 and a numeric
 * `<stat>`, so a line that cannot be one is unsolicited.
 */
function crossing(line: string): boolean {
  return /^\+C(?:5G|E|G)?REG:/i.test(line) && !/^\+C(?:5G|E|G)?REG:\s*0*[0-5]\s*,\s*\d+\s*(,|$)/i.test(line);
}

function quotesBalanced(s: string): boolean {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 34) n++;
  return n % 2 === 0;
}
