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
