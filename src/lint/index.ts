/**
 * `sidetone lint`: check any Prometheus text or OpenMetrics exposition, from a file or a URL.
 * @example
 * import { lintExposition, readExposition } from 'sidetone/lint';
 * const { text, format } = await readExposition('http://127.0.0.1:9464/metrics');
 * for (const f of lintExposition(text, format).findings) console.log(f.line, f.kind, f.message);
 */
export {
  type Finding,
  type FindingKind,
  type LintOptions,
  type LintReport,
  lintExposition,
} from './checks.js';
export {
  type ExpositionFormat,
  type Family,
  type FormatError,
  type Parsed,
  parseExposition,
  type Sample,
} from './parse.js';
export { ACCEPT, type Exposition, formatOf, readExposition, sniffFormat } from './source.js';
