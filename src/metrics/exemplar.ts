/**
 * OpenMetrics exemplars: a link from a count to one piece of the traffic behind it (in sidetone, the
 * trace of a call). Only the OpenMetrics text writer shows them; text 0.0.4 has no syntax for them.
 */
import { detectPii } from '../guard/pii.js';
import { escapeLabelValue, formatSeconds, formatValue } from './format.js';
import type { ExemplarSnapshot } from './snapshot.js';

/** Exemplar labels as given: a trace id, usually (`{ trace_id, span_id }`). */
export type ExemplarLabels = Readonly<Record<string, string>>;

/** OpenMetrics 1.0: the label names and values of an exemplar hold at most 128 UTF-8 characters. */
const MAX_RUNES = 128;
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HEX = /^[0-9a-f]{1,32}$/;

/**
 * An exemplar as stored on a series, or `undefined` when the labels cannot be exposed: a bad name,
 * over 128 characters, or a value that looks like PII. Trace and span ids (hex) pass as they are;
 * anything else goes through the guard's detector, since an exemplar is shown to every scraper.
 */
export function makeExemplar(
  labels: ExemplarLabels,
  value: number,
  timestampMs: number,
): ExemplarSnapshot | undefined {
  const pairs: [string, string][] = [];
  let runes = 0;
  for (const name in labels) {
    const v = labels[name];
    if (typeof v !== 'string' || !NAME.test(name)) return undefined;
    if ((name === 'trace_id' || name === 'span_id') && !HEX.test(v)) return undefined;
    if (name !== 'trace_id' && name !== 'span_id' && detectPii(v) !== undefined) return undefined;
    runes += [...name].length + [...v].length;
    pairs.push([name, v]);
  }
  if (runes > MAX_RUNES) return undefined;
  return { labels: pairs, value, timestampMs };
}

/** ` # {trace_id="…"} value timestamp`, appended to a sample line in OpenMetrics. */
export function exemplarSuffix(e: ExemplarSnapshot): string {
  let text = '';
  for (const [name, value] of e.labels)
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  const ts = e.timestampMs === undefined ? '' : ` ${formatSeconds(e.timestampMs)}`;
  return ` # {${text}} ${formatValue(e.value)}${ts}`;
}
