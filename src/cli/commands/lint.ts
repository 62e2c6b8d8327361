import { type ExpositionFormat, type Finding, lintExposition, readExposition } from '../../lint/index.js';
import { defineCommand } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export default defineCommand({
  description:
    'Read a Prometheus text, OpenMetrics or protobuf exposition from FILE or an http(s) URL (negotiating the format like a scrape) and check it with a strict parser of its format: format errors at FILE:LINE:COL and, as warnings, rules parsers tolerate (non-canonical le, undefined escapes), duplicate series, PII in label values, families with too many series and the labels driving them, naming problems (base units, _total, reserved labels), counters that look like gauges and, with --prefix, families outside the prefix. Exit 0 valid (warnings printed), 1 format errors (or warnings with --strict), 2 usage.',
  usage:
    'sidetone lint FILE|URL [--json] [--token T] [--format text|openmetrics|protobuf] [--max-series N] [--prefix P] [--strict]',
  positionals: true,
  flags: {
    json: { type: 'boolean', help: 'print the report as JSON' },
    token: { type: 'string', arg: 'T', help: 'bearer token for a URL (default: SIDETONE_TOKEN)' },
    format: {
      type: 'string',
      arg: 'F',
      choices: ['text', 'openmetrics', 'protobuf'],
      help: 'the format of FILE (default: from its shape), or for a URL protobuf to ask for it first',
    },
    prefix: {
      type: 'string',
      arg: 'P',
      help: 'also report families not named P_* (metrics.prefix), apart from process_, nodejs_ and system_',
    },
    strict: {
      type: 'boolean',
      help: 'exit 1 on warnings too (spec, duplicate, pii, cardinality, naming, type)',
    },
    'max-series': {
      type: 'int',
      arg: 'N',
      min: 1,
      max: 10_000_000,
      help: 'series per family above which it is reported (default 200)',
    },
  },
  examples: [
    'sidetone lint http://127.0.0.1:9464/metrics --token "$TOKEN"',
    'sidetone lint scrape.txt --json',
    'sidetone lint http://127.0.0.1:9464/metrics --prefix callstack',
  ],
  async run({ flags, positionals }) {
    const [where, ...extra] = positionals;
    if (where === undefined) throw new UsageError('missing FILE or URL: sidetone lint FILE|URL');
    if (extra.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: lint takes one FILE or URL`);
    const token = flags.token ?? process.env.SIDETONE_TOKEN;
    const source = await readExposition(where, {
      ...(token === undefined ? {} : { token }),
      ...(flags.format === undefined ? {} : { format: flags.format as ExpositionFormat }),
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT')
        throw new CliError(`${where}: no such file; pass a file path or an http(s) URL`);
      throw new CliError(err.message);
    });
    const report = lintExposition(source.bytes, source.format, {
      ...(flags['max-series'] === undefined ? {} : { maxSeriesPerFamily: flags['max-series'] as number }),
      ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
    });
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ source: where, formatFrom: source.formatFrom, ...report }, null, 2)}\n`,
      );
    } else {
      for (const f of report.findings)
        process.stdout.write(`${where}${position(f)}: ${f.kind}: ${f.message}\n`);
      process.stdout.write(
        `${report.findings.length === 0 ? 'clean' : `${count(report.errors, 'error')}, ${count(report.warnings, 'warning')}`}: ${report.families} families, ${report.series} series (${report.format}, from ${source.formatFrom})\n`,
      );
    }
    // Only errors (an exposition its strict parser refuses) fail: a valid file with warnings is
    // what a scrape takes; --strict is for a CI gate that wants those gone too.
    return report.errors > 0 || (flags.strict === true && report.warnings > 0) ? 1 : 0;
  },
});

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** `:LINE:COL` in the text formats (as compilers print it), ` message N (byte B)` in protobuf. */
function position(f: Finding): string {
  if (f.offset !== undefined) return ` message ${f.line} (byte ${f.offset})`;
  if (f.line === undefined) return '';
  return `:${f.line}:${f.column ?? 1}`;
}
