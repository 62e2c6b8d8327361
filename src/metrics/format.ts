// Value and string formatting shared by both exposition formats.

/** Label values escape `\`, `"` and LF in both formats (text 0.0.4 and OpenMetrics 1.0 ABNF). */
export function escapeLabelValue(value: string): string {
  // Fast path: most values need no escaping, and a regex test is cheaper than a replace.
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, escapeChar) : value;
}

/** HELP in text 0.0.4 escapes only `\` and LF: the Go parser rejects `\"` there. */
export function escapeHelpText(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/[\\\n]/g, escapeChar) : help;
}

/** HELP in OpenMetrics is an escaped-string: `\`, `"` and LF are all escaped. */
export function escapeHelpOpenMetrics(help: string): string {
  return escapeLabelValue(help);
}

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : `\\${c}`;
}

/** Sample values: canonical `NaN`, `+Inf`, `-Inf`; integers without exponent where JS allows. */
export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // NaN and ordinary numbers: String() gives "NaN", "42", "0.5", "1e+21", all accepted by both parsers.
  return String(v);
}

/**
 * Bucket bounds and quantiles. OpenMetrics requires the canonical float form (`1.0`, not `1`) so
 * that `le` values are identical across exporters; text 0.0.4 keeps Go's `%g`-like shortest form.
 */
export function formatBound(v: number, openMetrics: boolean): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  if (openMetrics && Number.isInteger(v) && !s.includes('e')) return `${s}.0`;
  return s;
}

/** `_created` and timestamps: seconds since the epoch with millisecond precision. */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}
