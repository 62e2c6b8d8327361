/**
 * Waiting for another process's write lock on a SQLite file without freezing the event loop:
 * better-sqlite3 waits by sleeping inside the call, which stops the loop (and with it /healthz)
 * for as long as another process holds the lock. Writes wait in short slices instead, with the
 * loop turning between them, and readiness sees how long the oldest has waited.
 */

/** Longest a single write call may block the event loop waiting for another process's lock. */
export const BUSY_SLICE_MS = 5;

/** The writes of one store that are waiting for the lock. */
export class LockWaits {
  /** When each write still waiting for another process's lock started to wait. */
  private readonly waiting = new Set<number>();

  constructor(private readonly budgetMs: number) {}

  /**
   * `run` retried after a pause while it meets another process's lock (SQLITE_BUSY), up to the
   * busy timeout in all: liveness keeps answering while the store waits.
   */
  async retry<T>(run: () => T): Promise<T> {
    const start = performance.now();
    try {
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          return run();
        } catch (e) {
          const code = String((e as { cause?: { code?: unknown } }).cause?.code ?? '');
          const busy = code.startsWith('SQLITE_BUSY');
          if (!busy || performance.now() - start + pause > this.budgetMs) throw e;
          this.waiting.add(start);
          await new Promise((r) => setTimeout(r, pause));
        }
      }
    } finally {
      this.waiting.delete(start);
    }
  }

  /** When the oldest waiting write started (performance.now()), or +Infinity when none waits. */
  oldest(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const t of this.waiting) if (t < oldest) oldest = t;
    return oldest;
  }
}
