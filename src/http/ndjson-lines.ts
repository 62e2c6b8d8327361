import { StringDecoder } from 'node:string_decoder';

/**
 * An NDJSON body as its lines, split as the body arrives (issue 39: parse NDJSON without a second
 * copy). Reading the whole body first held its chunks, then one Buffer joined from them, then one
 * string decoded from that, before a single line was split off: two copies of a batch beside the
 * chunks, alive until the reply. Here each chunk is decoded once (a character split across two
 * chunks is completed by the decoder) and the lines are slices of that text; the chunks go as
 * they come. Lines are what `body.split('\n')` gives, each trimmed (so CRLF works), blank ones
 * skipped but counted, numbered from 1, so a refused item names its line in the body.
 *
 * @example
 * const split = new NdjsonLines();
 * req.on('data', (chunk) => split.push(chunk));
 * req.on('end', () => handle(split.end().lines));
 */
export class NdjsonLines {
  /** Each non-blank line, trimmed. */
  readonly lines: string[] = [];
  /** Each kept line's number in the body, from 1 (blank lines count). */
  readonly lineOf: number[] = [];
  /** Bytes pushed so far. */
  bytes = 0;
  private readonly decoder = new StringDecoder('utf8');
  /** The text after the last newline seen: the start of a line still arriving. */
  private rest = '';
  private lineNo = 0;

  /** The lines of a body that is text already (a fetch `Request`'s). */
  static of(body: string): NdjsonLines {
    const split = new NdjsonLines();
    split.text(body);
    return split.end();
  }

  /** The next chunk of the body. */
  push(chunk: Buffer): void {
    this.bytes += chunk.byteLength;
    this.text(this.decoder.write(chunk));
  }

  /** The body has ended: what follows its last newline is its last line. */
  end(): this {
    this.take(this.rest + this.decoder.end());
    this.rest = '';
    return this;
  }

  private text(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.rest += text;
      return;
    }
    this.take(this.rest + text.slice(0, nl));
    for (start = nl + 1, nl = text.indexOf('\n', start); nl !== -1; nl = text.indexOf('\n', start)) {
      this.take(text.slice(start, nl));
      start = nl + 1;
    }
    this.rest = text.slice(start);
  }

  private take(line: string): void {
    this.lineNo++;
    const trimmed = line.trim();
    if (trimmed === '') return;
    this.lines.push(trimmed);
    this.lineOf.push(this.lineNo);
  }
}
