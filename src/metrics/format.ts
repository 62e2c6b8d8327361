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
  // -0 keeps its sign, as Go's strconv.FormatFloat and formatBound write it: String(-0) is "0", and
  // an exemplar of an observed -0 read back as 0 (the render property test, seed -519857424).
  if (v === 0) return 1 / v < 0 ? '-0' : '0';
  // NaN and ordinary numbers: String() gives "NaN", "42", "0.5", "1e+21", all accepted by both parsers.
  return String(v);
}

/**
 * Bucket bounds and quantiles as Go's `strconv.FormatFloat(v, 'g', -1, 64)` writes them: the
 * shortest digits that read back to the same float64, in exponent form when the exponent is below
 * -4 or at least 6 (`1e-05`, `1e+06`, two exponent digits at least), plain otherwise (`0.0001`,
 * `100000`). That is what client_golang writes in both formats. OpenMetrics 1.0 ("Canonical
 * Numbers") makes it the canonical `le`/`quantile` text, with `.0` appended when there is neither a
 * `.` nor an exponent (`1.0`, `100000.0`), so that a bound is the same label value whichever
 * exporter wrote it; client_python writes the same there. Run once per bound, when the metric is
 * defined (or once per family in `renderSnapshot`), never per sample.
 */
export function formatBound(v: number, openMetrics: boolean): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  // toExponential() without digits gives the shortest round-trip digits, as Go's -1 precision does.
  const e = v.toExponential();
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const abs = exp < 0 ? -exp : exp;
    return `${e.slice(0, at)}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  // In this range JS writes fixed notation with the same digits; only -0 loses its sign.
  const s = Object.is(v, -0) ? '-0' : String(v);
  return openMetrics && !s.includes('.') ? `${s}.0` : s;
}

/** `_created` and timestamps: seconds since the epoch with millisecond precision. */
export function formatSeconds(ms: number): string {
  return String(ms / 1000);
}
