/**
 * Number grammars of the exposition formats. OpenMetrics 1.0 has its own ABNF (`number`,
 * `realnumber`); the text format 0.0.4 has none, and Prometheus's validating parser
 * (prometheus/common expfmt, what `promtool check metrics` runs) reads values with Go's
 * `strconv.ParseFloat` less `p`, `P` and `_`, and timestamps with `strconv.ParseInt`. Checked
 * against promtool 2.42: `1e3`, `.5`, `5.`, `+5`, `Infinity`, `nan` pass; `0x10`, `1_0`, `1e`,
 * `+nan`, `1e400` fail.
 */

// OpenMetrics ABNF `realnumber`: [SIGN] 1*DIGIT ["." *DIGIT] ["e" [SIGN] 1*DIGIT], or
// [SIGN] *DIGIT "." 1*DIGIT [...]. RFC 5234 strings are case-insensitive, so `E` too.
const REAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
// `number =/ [SIGN] ("inf" / "infinity")` and `number =/ "nan"`, case-insensitive; no sign on NaN.
const INF = /^[+-]?inf(?:inity)?$/i;
const INT = /^[+-]?[0-9]+$/;

/** OpenMetrics `realnumber` (timestamps and sample values): a finite float, or undefined. */
export function omReal(s: string): number | undefined {
  if (!REAL.test(s)) return undefined;
  const v = Number(s);
  // "Floating point numbers MUST fit within the range of a 64-bit floating point value."
  return Number.isFinite(v) ? v : undefined;
}

/**
 * A sample or exemplar value, and a `le` or `quantile` bound. OpenMetrics `number`: realnumber,
 * [SIGN] `inf`/`infinity` or `nan` (no sign), any case. It is also exactly what the text format's
 * validating parser takes: Go's `strconv.ParseFloat(s, 64)` after expfmt refuses `p`, `P` and `_`
 * (so no hex floats), with a finite spelling that overflows refused as Go's ErrRange refuses
 * `1e400`.
 */
export function floatValue(s: string): number | undefined {
  const c = s.charCodeAt(0);
  // Digits and signs first: nearly every value is a plain decimal.
  if ((c >= 48 && c <= 57) || c === 45 || c === 43 || c === 46) {
    const v = omReal(s);
    if (v !== undefined) return v;
  }
  if (INF.test(s)) return c === 45 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (s.length === 3 && s.toLowerCase() === 'nan') return Number.NaN;
  return undefined;
}

const INT64_MAX = 9223372036854775807n;

/** Go's `strconv.ParseInt(s, 10, 64)`: the text format's millisecond timestamps. */
export function goInt64(s: string): number | undefined {
  if (!INT.test(s)) return undefined;
  // Below 16 digits a double is exact and far from the int64 bounds.
  if (s.length > 16) {
    const b = BigInt(s);
    if (b > INT64_MAX || b < -INT64_MAX - 1n) return undefined;
  }
  return Number(s);
}

/**
 * The canonical rendering of a `le` or `quantile` value (OpenMetrics 1.0, "Canonical Numbers"):
 * Go's `%g` of a float64 (shortest digits, exponent form below 1e-4 and from 1e+06), with `.0`
 * appended when there is neither a `.` nor an exponent, and `+Inf` for infinity. Prometheus
 * renders bounds the same way (formatOpenMetricsFloat). Examples: 1.0, 0.001, 100000.0, 1e+06,
 * 1e-05.
 */
export function canonicalFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  // JS and Go both pick the shortest digits that read back to the same float64.
  const [mantissa = '', expText = '0'] = Math.abs(v).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = v < 0 ? '-' : '';
  // Go's %g with the shortest precision switches to %e when exp < -4 || exp >= 6 (strconv/ftoa.go).
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  let fixed: string;
  if (exp < 0) fixed = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) fixed = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else fixed = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${fixed}`;
}
