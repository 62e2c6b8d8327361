/**
 * The export itself, on a worker thread with a capped heap (see export.ts): reads the
 * source page by page and writes each chunk to the file, or straight to file descriptor 1, so no
 * row passes through the main thread. Tells the main thread the rows so far (for the progress
 * bar) and how it ended.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { InternalError } from '../../errors.js';
import { CliError, describeError, UsageError } from '../errors.js';
import type { SourceFlags } from '../source.js';
import { withSource } from './shared.js';

/** What the main thread hands over: the parsed flags, and where the rows go. */
export interface ExportJob {
  flags: SourceFlags & { days: number; reveal: boolean };
  format: 'csv' | 'json';
  /** The file (written as `FILE.partial`, renamed at the end), or undefined for stdout. */
  out: string | undefined;
}

/** What the thread tells the main thread. */
export type ExportMessage =
  | { kind: 'progress'; rows: number; fraction: number | undefined }
  | { kind: 'done'; rows: number; fraction: number | undefined }
  /** The reader of stdout went away (`sidetone export | head`): not a failure. */
  | { kind: 'closed' }
  | { kind: 'failed'; usage: boolean; lines: string[]; stack: string | undefined };

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

/** The reader closed its end (`| head`): ends the export early, not a failure. */
class StdoutClosed extends InternalError {
  constructor() {
    super('stdout closed');
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Write all of `chunk` to stdout from this thread. Blocking is fine here (the main thread stays
 * free, and makes a pipe blocking first); should the descriptor still be non-blocking, a full pipe
 * answers EAGAIN, and this waits a moment and goes on.
 */
function writeStdout(chunk: string): void {
  const bytes = Buffer.from(chunk);
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(1, bytes, at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new StdoutClosed();
      if (code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

async function run(job: ExportJob, post: (m: ExportMessage) => void): Promise<void> {
  const counter = new RowCounter(job.format);
  const partial = job.out === undefined ? '' : `${job.out}.partial`;
  await withSource(job.flags, async (source) => {
    const { chunks, done } = await source.exportCalls(job.format, job.flags.days, job.flags.reveal);
    // A file is written under a temporary name and renamed at the end: an interrupted export
    // never leaves a truncated file that looks complete.
    const file = job.out === undefined ? null : createWriteStream(partial);
    let told = 0;
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
        // Back-pressure: wait for `drain` rather than buffer the whole export in memory.
        if (file) {
          if (!file.write(chunk)) await once(file, 'drain');
        } else writeStdout(chunk);
        const now = Date.now();
        if (now - told >= 100) {
          told = now;
          post({ kind: 'progress', rows: counter.rows(), fraction: done?.() });
        }
      }
      if (file) {
        await new Promise<void>((resolve, reject) =>
          file.end((err?: Error | null) => (err ? reject(err) : resolve())),
        );
        renameSync(partial, job.out as string);
      }
    } catch (err) {
      if (file) {
        file.destroy();
        rmSync(partial, { force: true });
      }
      throw err;
    }
    post({ kind: 'done', rows: counter.rows(true), fraction: done === undefined ? undefined : 1 });
  });
}

if (parentPort !== null && workerData !== null) {
  const port = parentPort;
  const post = (m: ExportMessage) => port.postMessage(m);
  run(workerData as ExportJob, post).catch((err: unknown) => {
    if (err instanceof StdoutClosed) {
      post({ kind: 'closed' });
      return;
    }
    post({
      kind: 'failed',
      usage: err instanceof UsageError,
      lines: err instanceof UsageError ? [err.message] : describeError(err),
      stack: (err as Error)?.stack,
    });
  });
}
