/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the commit
 * that crosses 1,000 WAL pages, so every so often one ingest batch also copies 4 MB of pages back
 * into the file: at 1M calls that was 3 of the 23 us a call cost (the ingest loop of
 * bench/store.bench.mjs, timed per commit). SQLite's WAL page (https://sqlite.org/wal.html,
 * "Checkpointing") names the alternative: turn the automatic checkpoint off and checkpoint in a
 * separate thread. Writers keep a raised threshold as a backstop instead of none, so the WAL stays
 * bounded if the thread stops or falls behind.
 *
 * Where it pays (issue 49, measured side by side on this 2-core machine, loads 8-16): bulk ingest
 * through the library with a core to spare. 200,000 calls through applyBatch (bench/store.bench.mjs's
 * ingest, 4 rounds): 20,249 / 5,517 / 4,176 / 14,700 updates per wall second with the thread against
 * 9,410 / 4,836 / 4,486 / 8,421 without, at 1-13 % more CPU per update. Not in the sidecar: at its
 * highest HTTP ingest rate (6 rounds) a median 13,037 events/s with it against 11,921 without,
 * 3 rounds of 6 each way, within noise; so the sidecar runs without it (server/store-from-config.ts).
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { threadEntry } from '../../runtime/package-files.js';

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
    const worker = new Worker(threadEntry('store/sqlite/checkpoint-thread.js'), {
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

/** Writes paused this long: the main connection checkpoints, when no thread does. */
export const IDLE_CHECKPOINT_MS = 1000;
/** Under writes without such a pause, it checkpoints this long after the first one not yet copied. */
export const BUSY_CHECKPOINT_MS = 10_000;

/**
 * WAL checkpoints on the main connection between requests, for a store without the checkpoint
 * thread (the sidecar, where a thread of its own costs its RSS and start-up and gives nothing back:
 * issues 39 and 49). A PASSIVE checkpoint copies what the WAL holds into the file
 * from a timer, not inside an ingest commit: once writes pause for a second, or 10 s after the
 * first write not yet copied under writes without pause (each checkpoint syncs the file: one every
 * second held the main thread for ~17 % of the wall time it was busy, in a profile at 20 calls/s
 * on this shared machine). The writers' backstop (4,096 pages) still checkpoints in the commit that
 * crosses it, so the WAL stays bounded. Not SQLite's own 1,000: a write of the sidecar's calls
 * (a row, three indexes, one keyed by a hash, so a leaf page per call, and the rollups' queue)
 * leaves ~85 WAL pages per 100 calls, and at the highest ingest rate 1,000 pages meant a
 * checkpoint every ~12 commits that copied pages the next ones dirtied again: 31.4 us of CPU a call
 * against 26.2 at 4,096 (100,000 calls through applyBatch in batches of 100 on this 2-core
 * machine; issue 39).
 */
export class IdleCheckpointer {
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() of the last write, and of the first one the file does not hold yet (-1: none). */
  private lastWrite = 0;
  private firstWrite = -1;

  constructor(private readonly db: Database.Database) {}

  /** A write was committed: the next checkpoint is due (no allocation: this runs per write). */
  wrote(): void {
    this.lastWrite = performance.now();
    if (this.firstWrite < 0) this.firstWrite = this.lastWrite;
    if (this.timer === undefined) this.arm(IDLE_CHECKPOINT_MS);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.due(), ms);
    this.timer.unref(); // never what keeps the process alive
  }

  private due(): void {
    this.timer = undefined;
    if (this.firstWrite < 0 || !this.db.open) return;
    const now = performance.now();
    const idleIn = this.lastWrite + IDLE_CHECKPOINT_MS - now;
    const busyIn = this.firstWrite + BUSY_CHECKPOINT_MS - now;
    if (idleIn > 0 && busyIn > 0) {
      this.arm(Math.min(idleIn, busyIn));
      return;
    }
    this.firstWrite = -1;
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
