/**
 * `sidetone lint`: check any Prometheus text, OpenMetrics or protobuf exposition, from a file or a
 * URL, with strict parsers of the three formats.
 * @example
 * import { lintExposition, readExposition } from 'sidetone/lint';
 * const { bytes, format } = await readExposition('http://127.0.0.1:9464/metrics');
 * for (const f of lintExposition(bytes, format).findings) console.log(f.line, f.column, f.kind, f.message);
 */
export {
  type Finding,
  type FindingKind,
  type LintOptions,
  type LintReport,
  lintExposition,
  type Severity,
} from './checks.js';
export {
  type Exemplar,
  type ExpositionFormat,
  type Family,
  type Issue,
  type IssueKind,
  type LabelPairs,
  type NativeHistogram,
  type Parsed,
  parseExposition,
  type Sample,
} from './parse.js';
export { type Exposition, readExposition } from './source.js';
