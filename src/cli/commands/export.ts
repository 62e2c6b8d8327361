import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { defineCommand } from '../args.js';
import { CliError } from '../errors.js';
import { fmtNumber, Progress } from '../output.js';
import { SOURCE_FLAGS } from '../source.js';
import { withSource } from './shared.js';

/**
 * Counts rows as chunks pass, whatever the chunk boundaries (network chunks cut anywhere). CSV
 * rows end at a newline outside quotes (a quoted field may hold one; `""` toggles twice); JSON
 * rows are `JSON.stringify` lines, which never hold a raw newline.
 */
export class RowCounter {
  private lineEnds = 0;
  private inQuotes = false;

  constructor(private readonly format: 'csv' | 'json') {}

  add(chunk: string): void {
    if (this.format === 'json') {
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) this.lineEnds++;
      return;
    }
    let i = 0;
    for (;;) {
      const quote = chunk.indexOf('"', i);
      if (this.inQuotes) {
        if (quote < 0) return;
        this.inQuotes = false;
        i = quote + 1;
        continue;
      }
      const nl = chunk.indexOf('\n', i);
      if (nl >= 0 && (quote < 0 || nl < quote)) {
        this.lineEnds++;
        i = nl + 1;
      } else if (quote >= 0) {
        this.inQuotes = true;
        i = quote + 1;
      } else return;
    }
  }

  /**
   * Rows so far. CSV: line ends less the header's. JSON: each row follows a newline, and the
   * closing `\n]\n` adds two more once the array is closed.
   */
  rows(closed = false): number {
    if (this.format === 'csv') return Math.max(0, this.lineEnds - 1);
    return Math.max(0, this.lineEnds - (closed ? 2 : 0));
  }
}

/** Write with back-pressure: wait for `drain` rather than buffer the whole export in memory. */
async function write(stream: NodeJS.WritableStream | WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

export default defineCommand({
  name: 'export',
  summary: 'stream calls as CSV or JSON',
  description:
    'Stream the calls of the last N days as CSV or JSON (numbers masked) to a file or stdout, in constant memory. Shows progress on a terminal.',
  usage:
    'sidetone export [--format csv|json | --json] [--days N] [--out FILE] [--reveal] [--db FILE | --url URL [--token T]]',
  flags: {
    format: {
      type: 'string',
      arg: 'FORMAT',
      choices: ['csv', 'json'],
      default: 'csv',
      help: 'output format',
    },
    days: { type: 'int', arg: 'N', min: 1, max: 3660, default: 1, help: 'the last N days' },
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
    'sidetone export --url http://127.0.0.1:9464 --format json > calls.json',
  ],
  async run({ flags }) {
    const format = flags.json ? 'json' : flags.format;
    const toFile = flags.out !== undefined && flags.out !== '-';
    // Progress goes to stderr, and only when it would not interleave with rows on the same terminal.
    const showProgress = process.stderr.isTTY === true && (toFile || process.stdout.isTTY !== true);
    const counter = new RowCounter(format);
    const partial = toFile ? `${flags.out}.partial` : '';
    await withSource(flags, async (source) => {
      const { chunks, done } = await source.exportCalls(format, flags.days, flags.reveal);
      const progress = showProgress ? new Progress(process.stderr, 'exporting', null) : null;
      // A file is written under a temporary name and renamed at the end: an interrupted export
      // never leaves a truncated file that looks complete.
      const file = toFile ? createWriteStream(partial) : null;
      const out = file ?? process.stdout;
      try {
        if (file) {
          await once(file, 'open').catch((err: NodeJS.ErrnoException) => {
            throw new CliError(
              `cannot write ${partial} (${err.code ?? err.message}): check that its directory exists and is writable`,
            );
          });
        }
        for await (const chunk of chunks) {
          counter.add(chunk);
          await write(out, chunk);
          progress?.update(counter.rows(), false, done?.());
        }
        if (file) {
          await new Promise<void>((resolve, reject) =>
            file.end((err?: Error | null) => (err ? reject(err) : resolve())),
          );
          renameSync(partial, flags.out as string);
        }
      } catch (err) {
        // End the progress line so the error starts on a line of its own.
        if (progress) process.stderr.write('\n');
        if (file) {
          file.destroy();
          rmSync(partial, { force: true });
        }
        throw err;
      }
      progress?.finish(counter.rows(true), done === undefined ? undefined : 1);
    });
    if (toFile) process.stderr.write(`exported ${fmtNumber(counter.rows(true))} calls to ${flags.out}\n`);
    return 0;
  },
});
