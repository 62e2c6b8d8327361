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
  /**
   * What a render writes for this series before its values, made once by its metric when the
   * series is made (`Metric.seriesText`), its label values escaped then: a render never builds or
   * escapes label text again (issue 51: that was over half of a 10k-series render). A counter or
   * gauge keeps its whole sample prefix, `name{a="x",b="y"} `; a histogram or summary, whose
   * lines differ by suffix and `le`/`quantile`, its label text `a="x",b="y"` ('' without labels).
   */
  text = '';
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
