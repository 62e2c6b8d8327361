/**
 * An AT command channel (3GPP TS 27.007 / V.250): one command in flight at a time, its response
 * lines collected until a final result code, and every other line treated as an unsolicited result
 * (URC). Transport-agnostic: it is fed bytes and writes strings, so tests drive it directly and the
 * modem source puts a serial port under it.
 */
import { SourceError } from '../../errors.js';

/** A finished command: the information lines, and `ok` false for ERROR / +CME ERROR / +CMS ERROR. */
export interface AtResponse {
  ok: boolean;
  lines: string[];
  /** The final result line (`OK`, `ERROR`, `+CMS ERROR: 500`). */
  final: string;
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

interface Pending {
  command: string;
  /** Prefix of information lines that belong to this command (`+CSQ` for `AT+CSQ`). */
  prefix: string | undefined;
  lines: string[];
  resolve: (r: AtResponse) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const FINAL = /^(OK|ERROR|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|\+CM[ES] ERROR:.*)$/;
/** Lines a modem sends on its own. `+CREG: 1` vs the read form is told apart by the pending command. */
const URC =
  /^(RING|\+CRING:|\+CLIP:|\+CMTI:|\+CDS:|\+CDSI:|\+CUSD:|\+CLCC:|\+CREG:|\+CGREG:|\+CEREG:|\+C5GREG:)/;

const TEXT_ANSWERS = new Set(['+CGMM', '+CGMI', '+CGMR', '+CGSN', '+CIMI', '+CMGR']);

/**
 * @example
 * const at = new AtChannel((s) => port.write(s), (line) => console.log('urc', line));
 * port.on('data', (b) => at.feed(b));
 * const r = await at.send('AT+CSQ', 2000); // { ok: true, lines: ['+CSQ: 18,99'], final: 'OK' }
 */
export class AtChannel {
  private buffer = '';
  private pending: Pending | undefined;
  private readonly queue: Array<{ run: () => void; reject: (e: Error) => void }> = [];
  /** Lines that were neither a response, a URC, nor an echo (or past a command's 256): counted, then ignored. */
  garbage = 0;
  /** Commands refused because the queue was full. */
  refused = 0;
  /** A +CDS text-mode report spans one line; a PDU-mode +CDS is followed by its PDU line. */
  private expectPdu: string | undefined;

  constructor(
    private readonly write: (data: string) => void,
    private readonly onUrc: (line: string, next?: string) => void,
    private readonly maxQueued = AT_MAX_QUEUED,
  ) {}

  /** Bytes from the modem. */
  feed(chunk: Buffer | string): void {
    this.buffer += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    if (this.buffer.length > 65_536) this.buffer = this.buffer.slice(-4096); // a runaway line
    for (;;) {
      const i = this.buffer.search(/[\r\n]/);
      if (i < 0) break;
      const line = this.buffer.slice(0, i).trim();
      this.buffer = this.buffer.slice(i + 1);
      if (line !== '') this.line(line);
    }
  }

  private line(line: string): void {
    if (this.expectPdu !== undefined) {
      const head = this.expectPdu;
      this.expectPdu = undefined;
      if (/^[0-9A-Fa-f]+$/.test(line)) {
        this.onUrc(head, line);
        return;
      }
    }
    const p = this.pending;
    if (p !== undefined) {
      if (line === p.command) return; // echo (ATE1)
      if (FINAL.test(line)) {
        this.pending = undefined;
        clearTimeout(p.timer);
        p.resolve({ ok: line === 'OK', lines: p.lines, final: line });
        this.next();
        return;
      }
      if (p.prefix !== undefined && line.startsWith(`${p.prefix}:`)) {
        if (p.lines.length < MAX_LINES) p.lines.push(line);
        else this.garbage++;
        return;
      }
    }
    if (URC.test(line)) {
      if (/^\+CDS:\s*\d+\s*$/.test(line)) {
        this.expectPdu = line; // PDU mode: the report is on the next line
        return;
      }
      this.onUrc(line);
      return;
    }
    // Untagged lines belong to the command in flight only for commands that answer in text
    // (+CGMM model, +CMGR message body); anywhere else they are noise on the line.
    if (p !== undefined && p.prefix !== undefined && TEXT_ANSWERS.has(p.prefix) && p.lines.length < 64) {
      p.lines.push(line);
      return;
    }
    this.garbage++;
  }

  /**
   * Send one command; resolves with its response, rejects with AtTimeout. Commands queue, at most
   * `maxQueued` of them: past that the new one is refused at once with AtQueueFull (the callers
   * already waiting were promised an answer; a modem this far behind cannot give the newcomer one
   * in time anyway), so a flood of unsolicited results cannot pile up commands without end.
   * @example await at.send('AT+COPS?', 5000)
   */
  send(command: string, timeoutMs: number): Promise<AtResponse> {
    if (this.queue.length >= this.maxQueued && this.pending !== undefined) {
      this.refused++;
      return Promise.reject(
        new AtQueueFull(`${command} refused: ${this.maxQueued} AT commands already queued`),
      );
    }
    return new Promise((resolve, reject) => {
      const run = () => {
        const m = /^AT([+^$][A-Z0-9]+)/i.exec(command);
        const timer = setTimeout(() => {
          if (this.pending?.timer !== timer) return;
          this.pending = undefined;
          reject(new AtTimeout(`${command} got no final result in ${timeoutMs} ms`));
          this.next();
        }, timeoutMs);
        this.pending = { command, prefix: m?.[1]?.toUpperCase(), lines: [], resolve, reject, timer };
        try {
          this.write(`${command}\r`);
        } catch (err) {
          clearTimeout(timer);
          this.pending = undefined;
          reject(err as Error);
          this.next();
        }
      };
      if (this.pending === undefined && this.queue.length === 0) run();
      else this.queue.push({ run, reject });
    });
  }

  private next(): void {
    this.queue.shift()?.run();
  }

  /** Fail the command in flight and everything queued (the port went away). */
  abort(reason: Error): void {
    const p = this.pending;
    this.pending = undefined;
    if (p !== undefined) {
      clearTimeout(p.timer);
      p.reject(reason);
    }
    for (const q of this.queue.splice(0)) q.reject(reason);
    this.buffer = '';
    this.expectPdu = undefined;
  }
}
