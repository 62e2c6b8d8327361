/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
 * that crosses 1,000 WAL pages, so every so often one ingest batch also copies 4 MB of pages back
 * into the file: at 1M calls that was 3 of the 23 us a call cost (the ingest loop of
 * bench/store.bench.mjs, timed per commit). SQLite's WAL page (https://sqlite.org/wal.html,
 * "Checkpointing") names the alternative: turn the automatic checkpoint off and checkpoint in a
 * separate thread. Writers keep a raised threshold as a backstop instead of none, so the WAL stays
 * bounded if the thread stops or falls behind.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { threadEntry } from '../runtime/thread-entry.js';

/** SQLite's default automatic checkpoint, in WAL pages. */
export const AUTO_CHECKPOINT_PAGES = 1000;
/** The writers' threshold while the thread runs: 4,096 pages (16 MiB at 4 KiB pages). */
export const BACKSTOP_PAGES = 4096;

/** Whether a store checkpoints on its thread: unless turned off, for every file (not `:memory:`). */
export const checkpointsOnThread = (opts: { path: string; checkpointThread?: boolean }) =>
  opts.checkpointThread !== false && opts.path !== ':memory:';

/** The checkpoint thread of one store file, started by its first write. */
export class Checkpointer {
  private worker: Worker | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  /** `db`: the store's main connection, set back to SQLite's default should the thread stop. */
  constructor(
    private readonly path: string,
    private readonly db: Database.Database,
  ) {}

  /** Start the thread unless it runs already (or ran and stopped: the backstop then rules). */
  start(): void {
    if (this.worker !== undefined || this.stopped) return;
    const worker = new Worker(threadEntry(new URL('./sqlite-checkpoint-thread.js', import.meta.url)), {
      workerData: { path: this.path },
      // One pragma a tick needs little heap: the thread added 6-10 MiB of RSS so, 12-15 without.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    });
    worker.unref(); // the process may exit while it waits for its next tick
    worker.once('error', () => this.fallBack());
    this.exited = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fallBack();
        resolve();
      }),
    );
    this.worker = worker;
  }

  /** The thread is gone before close: the main connection checkpoints as SQLite does by default. */
  private fallBack(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  }

  /** Stop the thread and wait for it to close its connection (before the store's final checkpoint). */
  async close(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (worker === undefined) return;
    worker.postMessage('close'); // nothing happens if it has exited already
    const timer = setTimeout(() => void worker.terminate(), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** How long after a write the main connection checkpoints, when no thread does. */
export const IDLE_CHECKPOINT_MS = 1000;

/**
 * WAL checkpoints on the main connection between requests, for a store without the checkpoint
 * thread (a machine with two cores or fewer, where a thread of its own costs its RSS and start-up
 * and gives nothing back: issue 39). A second after a write, a PASSIVE checkpoint copies what the
 * WAL holds into the file from a timer, not inside an ingest commit; under writes without pause
 * SQLite's own threshold (1,000 pages) still checkpoints in the commit that crosses it.
 */
export class IdleCheckpointer {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Database.Database) {}

  /** A write was committed: checkpoint a second from now (once, whatever writes come in between). */
  wrote(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.checkpoint(), IDLE_CHECKPOINT_MS);
    this.timer.unref(); // never what keeps the process alive
  }

  private checkpoint(): void {
    this.timer = undefined;
    if (!this.dirty || !this.db.open) return;
    this.dirty = false;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Busy (another process's checkpoint) or closed: the next write's timer, or SQLite's own
      // threshold, checkpoints instead.
    }
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
