/**
 * A relative-error quantile sketch (DDSketch, Masson et al., VLDB 2019): values fall into
 * logarithmic bins, so any quantile is within `accuracy` of the true value, and two sketches merge
 * by adding bin counts. That merge is what makes a sliding window correct: each window slot keeps
 * its own sketch and a quantile reads the merge of the live slots.
 */
export class LogSketch {
  readonly bins = new Map<number, number>();
  count = 0;
  private readonly lnGamma: number;
  private readonly gamma: number;

  constructor(accuracy = 0.01) {
    this.gamma = (1 + accuracy) / (1 - accuracy);
    this.lnGamma = Math.log(this.gamma);
  }

  add(v: number): void {
    const k = this.key(v);
    this.bins.set(k, (this.bins.get(k) ?? 0) + 1);
    this.count++;
  }

  clear(): void {
    this.bins.clear();
    this.count = 0;
  }

  /**
   * Keys order like the values: negatives (mirrored, far below), zero, then positives. Index
   * ranges stay within ±1e5 for any finite double at 1% accuracy, so the offsets cannot overlap.
   */
  private key(v: number): number {
    if (v > 0) return Math.ceil(Math.log(v) / this.lnGamma);
    if (v < 0) return -NEG_OFFSET - Math.ceil(Math.log(-v) / this.lnGamma);
    return ZERO_KEY;
  }

  /** Representative value of a bin: the midpoint that bounds the relative error. */
  value(k: number): number {
    if (k === ZERO_KEY) return 0;
    if (k <= -NEG_OFFSET / 2) return -this.mid(-NEG_OFFSET - k);
    return this.mid(k);
  }

  private mid(i: number): number {
    return (2 * this.gamma ** i) / (this.gamma + 1);
  }
}

const NEG_OFFSET = 1e6;
const ZERO_KEY = -NEG_OFFSET / 4;

/** Quantiles over the merge of several sketches; NaN when they hold nothing. */
export function mergedQuantiles(sketches: readonly LogSketch[], qs: readonly number[]): number[] {
  const merged = new Map<number, number>();
  let total = 0;
  for (const s of sketches) {
    total += s.count;
    for (const [k, c] of s.bins) merged.set(k, (merged.get(k) ?? 0) + c);
  }
  const first = sketches[0];
  if (total === 0 || first === undefined) return qs.map(() => Number.NaN);
  const keys = [...merged.keys()].sort((a, b) => a - b);
  return qs.map((q) => {
    // Rank of the q-quantile, 0-based, as in DDSketch's lower quantile definition.
    const rank = q * (total - 1);
    let seen = 0;
    for (const k of keys) {
      seen += merged.get(k) as number;
      if (seen > rank) return first.value(k);
    }
    return first.value(keys[keys.length - 1] as number);
  });
}
