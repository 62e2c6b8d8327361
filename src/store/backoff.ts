/**
 * Retry timing for a failing store: the first retry after `minMs`, each later one twice as late up
 * to `maxMs`, each delay spread by ±20 % so that a fleet of instances whose shared database came
 * back does not reconnect in step. One success resets it.
 */
export class Backoff {
  private delay: number;
  /** `performance.now()` before which no retry is due. */
  private until = 0;

  constructor(
    private readonly minMs = 100,
    private readonly maxMs = 5000,
  ) {
    this.delay = minMs;
  }

  /** Record a failure: the next retry is due one delay from now. */
  failed(now = performance.now()): void {
    this.until = now + this.delay * (0.8 + 0.4 * Math.random());
    this.delay = Math.min(this.delay * 2, this.maxMs);
  }

  /** Record a success. */
  reset(): void {
    this.delay = this.minMs;
    this.until = 0;
  }

  /** Whether a retry is due (always, after a success). */
  due(now = performance.now()): boolean {
    return now >= this.until;
  }

  /** Whole seconds until the next retry is due, at least 1: what an HTTP `Retry-After` says. */
  retryAfterSeconds(now = performance.now()): number {
    return Math.max(1, Math.ceil((this.until - now) / 1000));
  }
}
