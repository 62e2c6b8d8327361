/**
 * OpenMetrics exemplars: a link from a count to one piece of the traffic behind it (in sidetone, the
 * trace of a call). Only the OpenMetrics text writer shows them; text 0.0.4 has no syntax for them.
 */
import { detectPii } from '../guard/pii.js';
import { escapeLabelValue, formatSeconds, formatValue } from './format.js';

/** An OpenMetrics exemplar: a sample of the traffic behind a count (usually a trace id). */
export interface ExemplarSnapshot {
  /** Label pairs in order: the snapshot's LabelPairs (./snapshot.ts), written out so this file imports nothing of it. */
  labels: ReadonlyArray<readonly [name: string, value: string]>;
  value: number;
  timestampMs?: number;
}

/** Exemplar labels as given: a trace id, usually (`{ trace_id, span_id }`). */
export type ExemplarLabels = Readonly<Record<string, string>>;

/** OpenMetrics 1.0: the label names and values of an exemplar hold at most 128 UTF-8 characters. */
const MAX_RUNES = 128;
const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const HEX = /^[0-9a-f]{1,32}$/;

/** The last frozen labels {@link makeExemplar} checked, and their pairs (null: refused). */
let lastLabels: ExemplarLabels | undefined;
let lastPairs: ExemplarSnapshot['labels'] | null = null;

/**
 * An exemplar as stored on a series, or `undefined` when the labels cannot be exposed: a bad name,
 * over 128 characters, or a value that looks like PII. Trace and span ids (hex) pass as they are;
 * anything else goes through the guard's detector, since an exemplar is shown to every scraper.
 *
 * Frozen labels are checked once: a caller that hands the same frozen object for each observation
 * of a call (the sidecar's exemplars, see logs/logger.ts traceIds) gets the pairs checked the first
 * time, where each observation ran four regexes and built four arrays to count code points. The
 * object cannot have changed since (frozen), and the pairs are shared, so frozen too.
 */
export function makeExemplar(
  labels: ExemplarLabels,
  value: number,
  timestampMs: number,
): ExemplarSnapshot | undefined {
  let pairs: ExemplarSnapshot['labels'] | null;
  if (labels === lastLabels) pairs = lastPairs;
  else {
    pairs = checkLabels(labels);
    if (Object.isFrozen(labels)) {
      lastLabels = labels;
      lastPairs = pairs;
    }
  }
  return pairs === null ? undefined : { labels: pairs, value, timestampMs };
}

/** The labels as frozen name/value pairs, or null when they cannot be exposed. */
function checkLabels(labels: ExemplarLabels): ExemplarSnapshot['labels'] | null {
  const pairs: (readonly [string, string])[] = [];
  let runes = 0;
  for (const name in labels) {
    const v = labels[name];
    if (typeof v !== 'string' || !NAME.test(name)) return null;
    if ((name === 'trace_id' || name === 'span_id') && !HEX.test(v)) return null;
    if (name !== 'trace_id' && name !== 'span_id' && detectPii(v) !== undefined) return null;
    runes += [...name].length + [...v].length;
    pairs.push(Object.freeze([name, v] as const));
  }
  if (runes > MAX_RUNES) return null;
  return Object.freeze(pairs);
}

/** ` # {trace_id="…"} value timestamp`, appended to a sample line in OpenMetrics. */
export function exemplarSuffix(e: ExemplarSnapshot): string {
  let text = '';
  for (const [name, value] of e.labels)
    text += `${text === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  const ts = e.timestampMs === undefined ? '' : ` ${formatSeconds(e.timestampMs)}`;
  return ` # {${text}} ${formatValue(e.value)}${ts}`;
}
