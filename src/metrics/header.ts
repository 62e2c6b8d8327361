import { escapeHelpOpenMetrics, escapeHelpText, formatValue } from './format.js';

/**
 * Family header lines, rendered once at definition. Text 0.0.4 names the family by its sample name
 * (`x_total`, `x_info`); OpenMetrics by the family name, with `# UNIT` when a unit is declared.
 */
export function renderHeaders(
  textName: string,
  textType: string,
  family: string,
  omType: string,
  help: string,
  unit: string | undefined,
): readonly [text: string, openMetrics: string] {
  const text = `# HELP ${textName} ${escapeHelpText(help)}\n# TYPE ${textName} ${textType}\n`;
  let om = `# HELP ${family} ${escapeHelpOpenMetrics(help)}\n# TYPE ${family} ${omType}\n`;
  if (unit !== undefined) om += `# UNIT ${family} ${unit}\n`;
  return [text, om];
}

/** `{labels}` or nothing, for a pre-rendered label text. */
export function braces(labelText: string): string {
  return labelText === '' ? '' : `{${labelText}}`;
}

/**
 * A sample line from its kept prefix (`Series.text`) and its value. The value and the newline are
 * joined first: under 13 characters V8 copies them into one flat string, so the line is a single
 * rope node over the prefix, and writing 64 lines flattens 64 nodes rather than twice as many
 * (10k counters: 0.43-0.60 ms against 0.52-0.66 ms for `${prefix}${value}\n`, a render's lines
 * alone).
 */
export function line(prefix: string, value: number): string {
  const tail = `${formatValue(value)}\n`;
  return `${prefix}${tail}`;
}

/**
 * Accumulates exposition lines, for the whole registry, as flat chunks: into strings (`text()`)
 * or straight into a byte buffer (`bytes()`, what a server sends). `+=` alone would build a rope
 * whose nodes live until the render ends; at 10k series that rope is promoted out of the young
 * generation and costs mark-compact GCs (it tripled the OpenMetrics render). Flattening every few
 * dozen lines lets the rope nodes die young, and writing chunks into one buffer skips the join
 * and the final flatten a server would otherwise pay for.
 */
export class Lines {
  private readonly parts: string[] = [];
  private cur = '';
  private n = 0;
  private buf: Buffer | undefined;
  private len = 0;
  /** `bytes`: write UTF-8 into a buffer of `capacity` bytes to start (it grows by doubling). */
  constructor(bytes = false, capacity = 256 * 1024) {
    if (bytes) this.buf = Buffer.allocUnsafe(Math.max(capacity, 16 * 1024));
  }
  add(text: string): void {
    this.cur += text;
    if (++this.n === 64) this.flush();
  }
  text(): string {
    this.flush();
    return this.parts.join('');
  }
  bytes(): Buffer {
    this.flush();
    return (this.buf as Buffer).subarray(0, this.len);
  }
  private flush(): void {
    const s = this.cur;
    this.cur = '';
    this.n = 0;
    const buf = this.buf;
    if (buf === undefined) {
      this.parts.push(flat(s));
      return;
    }
    // Writing flattens the chunk itself; the rope dies right after, young.
    // UTF-8 needs at most 3 bytes per UTF-16 unit.
    if (this.len + s.length * 3 > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(buf.length * 2, this.len + s.length * 3));
      buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    this.len += (this.buf as Buffer).write(s, this.len, 'utf8');
  }
}

/** V8 flattens a cons string when it converts it to a number (the `flatstr` trick pino uses). */
function flat(s: string): string {
  Number(s);
  return s;
}
