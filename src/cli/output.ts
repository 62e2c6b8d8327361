/**
 * Terminal output: colour helpers, aligned tables, number formats and a progress line. Colour is
 * decided per stream, because stdout may be piped while stderr is still a terminal.
 */

export interface Style {
  enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

type Stream = { isTTY?: boolean; columns?: number; write(s: string): unknown };

/**
 * Colours on only for a terminal: `NO_COLOR` (any non-empty value, no-color.org) always wins, then
 * `FORCE_COLOR` (not "0") turns them on for pipes, then a TTY that is not `TERM=dumb`.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const enabled = colourEnabled(stream, env);
  const sgr = (open: number, close: number) => (s: string) =>
    enabled ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

const ANSI = /\x1b\[[0-9;]*m/g;

/** Width as displayed: escapes take no columns. */
export const visibleLength = (s: string): number => s.replace(ANSI, '').length;

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Columns padded to their widest cell (two spaces apart), headers styled, no trailing blanks. */
export function table(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  style: Style,
): string {
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const pad = (s: string, i: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(s)));
    return columns[i]?.align === 'right' ? gap + s : s + gap;
  };
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => pad(c, i))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  return `${[style.bold(header), ...rows.map(line)].join('\n')}\n`;
}

/** Label/value lines, labels padded: the shape of the summary blocks. */
export function pairs(entries: readonly (readonly [string, string])[], style: Style): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  return `${entries.map(([k, v]) => `${style.dim(k.padEnd(width))}  ${v}`.trimEnd()).join('\n')}\n`;
}

/** What a missing value looks like: an unknown rate is not a zero rate. */
export const NONE = '—';

// Made by the first number printed: ICU's set-up is ~12 ms of CPU that `sidetone serve`, which
// prints none unless it backfills a demo, would pay at start-up (issue 39).
let formatter: Intl.NumberFormat | undefined;
const grouped = {
  format: (n: number) =>
    (formatter ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })).format(n),
};

export function fmtNumber(n: number | null | undefined, unit = ''): string {
  return n === null || n === undefined ? NONE : `${grouped.format(n)}${unit}`;
}

export function fmtPercent(n: number | null | undefined): string {
  return fmtNumber(n, '%');
}

/** A change with its sign, and the relative change when there is a base to compare with. */
export function fmtChange(delta: number, deltaPercent: number | null): string {
  if (delta === 0) return '0';
  const sign = delta > 0 ? '+' : '−';
  const abs = grouped.format(Math.abs(delta));
  if (deltaPercent === null) return `${sign}${abs} (new)`;
  return `${sign}${abs} (${deltaPercent > 0 ? '+' : deltaPercent < 0 ? '−' : ''}${grouped.format(Math.abs(deltaPercent))}%)`;
}

/** `2024-05-01 12:00:00` in UTC: exports are UTC too, so rows can be matched by eye. */
export function fmtTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return NONE;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `width` cells for `value / max`, in eighths of a cell so small values still show. */
export function bar(value: number, max: number, width = 20): string {
  if (!(max > 0) || !(value > 0)) return '';
  const eighths = Math.max(1, Math.round((Math.min(value, max) / max) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (EIGHTHS[eighths % 8] ?? '');
}

/**
 * A one-line progress display on a terminal, redrawn in place at most every 100 ms. With a known
 * total it shows a bar and a percentage; without one, a running count.
 */
export class Progress {
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: Stream,
    private readonly label: string,
    private readonly total: number | null,
    private readonly unit = 'rows',
  ) {}

  /** `fraction` (0..1) draws the bar when the total is unknown but the position is (a time range). */
  update(rows: number, force = false, fraction?: number): void {
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const count = `${grouped.format(rows)}${this.total === null ? '' : `/${grouped.format(this.total)}`} ${this.unit}`;
    const secs = `${((now - this.started) / 1000).toFixed(1)} s`;
    let line = `${this.label} ${count}  ${secs}`;
    const frac =
      fraction ?? (this.total !== null && this.total > 0 ? Math.min(1, rows / this.total) : undefined);
    if (frac !== undefined) {
      const width = Math.max(10, Math.min(30, (this.stream.columns ?? 80) - line.length - 12));
      const filled = Math.round(frac * width);
      line = `${this.label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(frac * 100)}%  ${count}  ${secs}`;
    }
    this.stream.write(`\r\x1b[2K${line}`);
  }

  /** Final state, then a newline so the shell prompt starts on its own line. */
  finish(rows: number, fraction?: number): void {
    this.update(rows, true, fraction);
    this.stream.write('\n');
  }
}
