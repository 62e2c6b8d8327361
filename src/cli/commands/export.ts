import { rmSync } from 'node:fs';
import { extname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EXPORT_DEFAULTS } from '../../analytics/export.js';
import type { ExportFormat } from '../../analytics/index.js';
import { threadEntry } from '../../runtime/package-files.js';
import { defineCommand } from '../args.js';
import { CliError, RelayedError, UsageError } from '../errors.js';
import { SOURCE_FLAGS } from '../flags.js';
import { fmtNumber, Progress } from '../output.js';
import type { ExportJob, ExportMessage } from './export-thread.js';

/**
 * The export runs on a worker thread with a capped heap. V8 grows a busy isolate's young
 * generation to 16 MiB semi-spaces and lets its old generation grow far past what is live; an
 * export allocates ~3 KB a row, so over 1M calls the CLI peaked at 127-149 MiB (it must stay under
 * 130). On a thread with these limits the same export peaked at 92-97 MiB, in the same time. What
 * the thread keeps alive is its modules (~30 MiB) and one page of rows: a fourth of the cap.
 */
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 128 };

/** Run the export on its thread; resolves with the rows written, or null when stdout closed. */
function exportOnThread(job: ExportJob, progress: Progress | null): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(threadEntry('cli/commands/export-thread.js'), {
      workerData: job,
      resourceLimits: HEAP_LIMITS,
    });
    let result: ExportMessage | undefined;
    worker.on('message', (m: ExportMessage) => {
      if (m.kind === 'progress') progress?.update(m.rows, false, m.fraction);
      else result = m;
    });
    worker.once('error', (err) => {
      // The thread died (out of memory, a crash) before its own cleanup ran.
      if (job.out !== undefined) rmSync(`${job.out}.partial`, { force: true });
      reject(err);
    });
    worker.once('exit', () => {
      if (result === undefined) reject(new CliError('the export thread stopped before it finished'));
      else if (result.kind === 'done') {
        progress?.finish(result.rows, result.fraction);
        resolve(result.rows);
      } else if (result.kind === 'closed') resolve(null);
      else if (result.kind === 'failed') {
        // End the progress line so the error starts on a line of its own.
        if (progress) process.stderr.write('\n');
        reject(
          result.usage
            ? new UsageError(result.lines[0] ?? 'bad arguments')
            : new RelayedError(result.lines, result.stack),
        );
      }
    });
  });
}

/**
 * The format asked for: `--json`, else `--format`, else the extension of `--out` (`calls.csv`),
 * else the default every export surface shares (JSON, as the voice-skill's `/metrics/export`).
 */
export function exportFormat(flags: {
  format?: string | undefined;
  json: boolean;
  out?: string | undefined;
}): ExportFormat {
  if (flags.json) return 'json';
  if (flags.format === 'csv' || flags.format === 'json') return flags.format;
  const ext = flags.out === undefined ? '' : extname(flags.out).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : EXPORT_DEFAULTS.format;
}

export default defineCommand({
  description:
    'Stream the calls of the last N days as JSON or CSV (numbers masked) to a file or stdout, in constant memory. Shows progress on a terminal.',
  usage:
    'sidetone export [--format json|csv | --json] [--days N] [--out FILE] [--reveal] [--db FILE | --url URL [--token T]]',
  flags: {
    format: {
      type: 'string',
      arg: 'FORMAT',
      choices: ['csv', 'json'],
      help: `output format (default: from the --out extension, .csv or .json, else ${EXPORT_DEFAULTS.format})`,
    },
    days: {
      type: 'int',
      arg: 'N',
      min: 1,
      max: 3660,
      default: EXPORT_DEFAULTS.days,
      help: 'the last N days',
    },
    out: { type: 'string', arg: 'FILE', help: 'write to FILE (atomically, on success) instead of stdout' },
    reveal: {
      type: 'boolean',
      help: 'raw numbers instead of masked ones (--db only, and only if the store keeps them: store.store_raw_numbers)',
    },
    json: {
      type: 'boolean',
      help: 'the same as --format json, which it overrides (every read verb takes --json)',
    },
    ...SOURCE_FLAGS,
  },
  examples: [
    'sidetone export --db data/calls.db --days 7 --out calls.csv',
    'sidetone export --url http://127.0.0.1:9464 > calls.json',
  ],
  async run({ flags }) {
    const format = exportFormat(flags);
    const out = flags.out !== undefined && flags.out !== '-' ? flags.out : undefined;
    // Progress goes to stderr, and only when it would not interleave with rows on the same terminal.
    const showProgress =
      process.stderr.isTTY === true && (out !== undefined || process.stdout.isTTY !== true);
    const progress = showProgress ? new Progress(process.stderr, 'exporting', null) : null;
    // The thread writes stdout's descriptor itself. Node leaves a pipe non-blocking, and a full
    // pipe then answers EAGAIN (2,365 times over 1M calls into `wc`: twice the time); made blocking
    // (as Node makes a terminal), the thread's writes wait for the reader instead.
    if (out === undefined) {
      (process.stdout as { _handle?: { setBlocking?: (on: boolean) => void } })._handle?.setBlocking?.(true);
    }
    const rows = await exportOnThread({ flags, format, out }, progress);
    if (rows !== null && out !== undefined) {
      process.stderr.write(`exported ${fmtNumber(rows)} calls to ${out}\n`);
    }
    return 0;
  },
});
