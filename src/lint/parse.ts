import type { ExpositionFormat, Parsed } from './model.js';
import { parseOpenMetrics } from './openmetrics.js';
import { parsePrometheusText } from './prometheus-text.js';
import { parseProtobuf } from './protobuf.js';
import { decodeUtf8 } from './utf8.js';

export type {
  Exemplar,
  ExpositionFormat,
  Family,
  Issue,
  IssueKind,
  LabelPairs,
  NativeHistogram,
  Parsed,
  Sample,
} from './model.js';

const encoder = new TextEncoder();

/**
 * Parse an exposition in any of the three formats, reading on after an error so that every
 * problem is reported with its line and column (protobuf: its message and byte offset). Give
 * bytes where you have them: only then are invalid UTF-8 and a byte order mark seen.
 * @example parseExposition('# TYPE a counter\na_total 1\n# EOF\n', 'openmetrics').issues // []
 */
export function parseExposition(input: string | Uint8Array, format: ExpositionFormat): Parsed {
  return parseWithText(input, format).parsed;
}

/** @internal The parse, and the text it read (none for protobuf), for the checks' columns. */
export function parseWithText(
  input: string | Uint8Array,
  format: ExpositionFormat,
): { parsed: Parsed; text?: string } {
  if (format === 'protobuf')
    return { parsed: parseProtobuf(typeof input === 'string' ? encoder.encode(input) : input) };
  const { text, issues } = typeof input === 'string' ? { text: input, issues: [] } : decodeUtf8(input);
  const parsed = format === 'openmetrics' ? parseOpenMetrics(text) : parsePrometheusText(text);
  if (issues.length === 0) return { parsed, text };
  return {
    parsed: { ...parsed, issues: [...issues, ...parsed.issues].sort((a, b) => a.line - b.line) },
    text,
  };
}
