import { escapeHelpOpenMetrics, escapeHelpText } from './format.js';

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
 * Accumulates exposition lines as flat chunks. `+=` builds a rope whose nodes live until the whole
 * render is done; at 10k series that rope is promoted out of the young generation and costs
 * mark-compact GCs (it tripled the OpenMetrics render). Flattening every few dozen lines lets the
 * rope nodes die young; the flat chunks are joined once at the end.
 */
export class Lines {
  private readonly parts: string[] = [];
  private cur = '';
  private n = 0;
  constructor(header: string) {
    this.cur = header;
  }
  add(text: string): void {
    this.cur += text;
    if (++this.n === 64) {
      this.parts.push(flatten(this.cur));
      this.cur = '';
      this.n = 0;
    }
  }
  done(): string {
    this.parts.push(this.cur);
    return this.parts.join('');
  }
}

/** V8 flattens a cons string when it converts it to a number (the `flatstr` trick pino uses). */
function flatten(s: string): string {
  Number(s);
  return s;
}
