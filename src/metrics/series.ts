/**
 * Module load time, epoch ms: series stamp times relative to it (see `Series.bornAt`) and the TTL
 * sweep measures idleness on the same scale.
 */
export const EPOCH = Date.now();

/** State every series carries; type-specific values live on the subclasses. */
export abstract class Series {
  /**
   * Creation time as ms since module load: a small integer stays unboxed (a Smi), where an epoch
   * timestamp would cost a heap number per series.
   */
  private bornAt: number;
  /**
   * 0 after every update; the TTL sweep stamps it with the time (ms since module load) it first
   * found the series idle. One store on the hot path, no clock read.
   */
  idle = 0;
  constructor(now: number) {
    this.bornAt = now - EPOCH;
  }
  /** The series starts again at `now` (epoch ms): a mirrored counter whose source reset. */
  restart(now: number): void {
    this.bornAt = now - EPOCH;
  }
  /** Epoch ms of creation, for OpenMetrics `_created`. */
  get created(): number {
    return EPOCH + this.bornAt;
  }
}
