/**
 * Prometheus native (exponential) histogram buckets. With schema `s`, bucket `k` holds the values
 * in `(2^((k-1)/2^s), 2^(k/2^s)]`: every power of two is a boundary and each octave is split into
 * `2^s` buckets, so quantile error is bounded by the schema rather than by hand-picked bounds.
 * Values at or below the zero threshold go to the zero bucket. When more than `maxBuckets` buckets
 * are populated the schema drops by one (neighbouring buckets merge pairwise), as the Go client
 * does, so a series never holds more than `maxBuckets` counts. Source of the scheme and limits:
 * the `Histogram` message of prometheus/client_model metrics.proto (schema -4..8).
 */
import { DefinitionError, showValue } from '../errors.js';
import type { NativeBuckets } from './snapshot.js';

/** Options of a histogram's native buckets. */
export interface NativeHistogramOptions {
  /** Resolution, -4..8: each octave is split into 2^schema buckets. Default 3 (a growth factor of 1.09). */
  schema?: number;
  /** Values in `[0, zeroThreshold]` count in the zero bucket. Default 2^-128, as the Go client. */
  zeroThreshold?: number;
  /** Most populated buckets per series before the schema is reduced. Default 160. */
  maxBuckets?: number;
}

export interface NativeConfig {
  schema: number;
  zeroThreshold: number;
  maxBuckets: number;
}

const MIN_SCHEMA = -4;
const MAX_SCHEMA = 8;

/** Validate the options once, at definition time. */
export function nativeConfig(
  name: string,
  o: boolean | NativeHistogramOptions | undefined,
): NativeConfig | undefined {
  if (o === undefined || o === false) return undefined;
  const opts = o === true ? {} : o;
  const schema = opts.schema ?? 3;
  const zeroThreshold = opts.zeroThreshold ?? 2 ** -128;
  const maxBuckets = opts.maxBuckets ?? 160;
  const bad = (what: string, v: unknown, fix: string) =>
    new DefinitionError('ST_INVALID_OPTION', `histogram "${name}" native.${what} ${showValue(v)}: ${fix}`);
  if (!Number.isInteger(schema) || schema < MIN_SCHEMA || schema > MAX_SCHEMA) {
    throw bad('schema', schema, `use an integer from ${MIN_SCHEMA} to ${MAX_SCHEMA}`);
  }
  if (typeof zeroThreshold !== 'number' || !(zeroThreshold >= 0) || !Number.isFinite(zeroThreshold)) {
    throw bad('zeroThreshold', zeroThreshold, 'use a finite number >= 0');
  }
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1) {
    throw bad('maxBuckets', maxBuckets, 'use an integer >= 1');
  }
  return { schema, zeroThreshold, maxBuckets };
}

/** Per schema > 0: the 2^s bucket bounds within one octave, scaled to [0.5, 1) like frexp's fraction. */
const OCTAVE_BOUNDS: readonly Float64Array[] = Array.from({ length: MAX_SCHEMA + 1 }, (_, s) =>
  Float64Array.from({ length: 2 ** s }, (_, j) => 2 ** (j / 2 ** s - 1)),
);

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
/** The word holding sign and exponent: the second on little-endian machines. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The index of the bucket holding `v` (> 0, finite) under `schema`: the `k` with
 * `2^((k-1)/2^s) < v <= 2^(k/2^s)`. Exact at powers of two, which are boundaries in every schema.
 * @example
 * nativeBucketIndex(1, 0); // 0: (0.5, 1]
 * nativeBucketIndex(3, 0); // 2: (2, 4]
 */
export function nativeBucketIndex(v: number, schema: number): number {
  F64[0] = v;
  return stagedIndex(schema);
}

/**
 * The value to record, handed to `NativeState.addStaged` through this slot: a double passed as an
 * argument to a call V8 does not inline is boxed into a fresh heap number, so an observe inlined
 * into a hot loop would allocate once per call.
 */
export const STAGED = F64;

/** `nativeBucketIndex` of the value in `STAGED` (which it overwrites). */
function stagedIndex(schema: number): number {
  // frexp: v = frac * 2^exp with frac in [0.5, 1), read from the IEEE 754 bits (no log, no
  // division: this runs on every observation). Subnormals take the slow path.
  const v = F64[0] as number;
  const hi = U32[HI] as number;
  const biased = (hi >>> 20) & 0x7ff;
  let exp: number;
  let frac: number;
  if (biased !== 0) {
    exp = biased - 1022;
    U32[HI] = (hi & 0x800fffff) | (1022 << 20);
    frac = F64[0] as number;
  } else {
    exp = Math.floor(Math.log2(v)) + 1;
    frac = v / 2 ** exp;
    if (frac >= 1) {
      exp++;
      frac /= 2;
    } else if (frac < 0.5) {
      exp--;
      frac *= 2;
    }
  }
  if (schema > 0) {
    const bounds = OCTAVE_BOUNDS[schema] as Float64Array;
    // The first bound >= frac (binary search: up to 256 bounds at schema 8).
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((bounds[mid] as number) < frac) lo = mid + 1;
      else hi = mid;
    }
    return lo + (exp - 1) * bounds.length;
  }
  // schema <= 0: octaves merge 2^-schema at a time; a power of two closes its bucket.
  const key = frac === 0.5 ? exp - 1 : exp;
  const shift = -schema;
  return (key + (1 << shift) - 1) >> shift;
}

/** The upper bound of bucket `k` under `schema` (for tests and quantile checks). */
export const nativeBucketUpper = (k: number, schema: number): number => 2 ** (k / 2 ** schema);

/**
 * Widest window of bucket indexes a series keeps (32 KiB of counts). Past it the schema is reduced
 * too: at schema 3 the window spans 2^512, so only absurd spreads get there.
 */
const MAX_SPAN = 4096;

/** One series' native buckets. Only non-negative values reach it (the histogram drops the rest). */
export class NativeState {
  schema: number;
  zeroCount = 0;
  /** Buckets with a count, never more than `maxBuckets` (or schema -4 reached). */
  populated = 0;
  /**
   * Counts of buckets `lo .. lo + counts.length - 1`, dense: an observation is one array write. The
   * window grows (and allocates) only when a value lands outside it.
   */
  private counts = new Float64Array(0);
  private lo = 0;
  private readonly config: NativeConfig;
  constructor(config: NativeConfig) {
    this.config = config;
    this.schema = config.schema;
  }

  add(v: number): void {
    F64[0] = v;
    this.addStaged();
  }

  /** Add the value in `STAGED`: what the histogram's hot path calls (no double crosses a call). */
  addStaged(): void {
    const v = F64[0] as number;
    if (v <= this.config.zeroThreshold) {
      this.zeroCount++;
      return;
    }
    let i = stagedIndex(this.schema) - this.lo;
    if (i < 0 || i >= this.counts.length) {
      this.widen(i + this.lo);
      i = nativeBucketIndex(v, this.schema) - this.lo; // the schema may have been reduced
    }
    const was = this.counts[i] as number;
    this.counts[i] = was + 1;
    if (was === 0 && ++this.populated > this.config.maxBuckets) {
      while (this.populated > this.config.maxBuckets && this.schema > MIN_SCHEMA) this.reduce();
    }
  }

  /** The populated buckets, index -> count, ascending. */
  entries(): Array<[index: number, count: number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.counts.length; i++) {
      const c = this.counts[i] as number;
      if (c !== 0) out.push([this.lo + i, c]);
    }
    return out;
  }

  /** Make the window hold bucket `k`, with room to spare on that side. */
  private widen(k: number): void {
    if (this.counts.length === 0) {
      this.counts = new Float64Array(16);
      this.lo = k - 8;
      return;
    }
    for (;;) {
      const lo = Math.min(this.lo, k - 8);
      const hi = Math.max(this.lo + this.counts.length, k + 9);
      if (hi - lo <= MAX_SPAN || this.schema === MIN_SCHEMA) {
        const next = new Float64Array(hi - lo);
        next.set(this.counts, this.lo - lo);
        this.counts = next;
        this.lo = lo;
        return;
      }
      this.reduce();
      k = (k + 1) >> 1;
    }
  }

  /** Halve the resolution: bucket k of schema s-1 is buckets 2k-1 and 2k of schema s. */
  private reduce(): void {
    const old = this.entries();
    const lo = (this.lo + 1) >> 1;
    const hi = ((this.lo + this.counts.length) >> 1) + 1;
    this.counts = new Float64Array(hi - lo);
    this.lo = lo;
    this.populated = 0;
    for (const [k, c] of old) {
      const i = ((k + 1) >> 1) - lo;
      const was = this.counts[i] as number;
      if (was === 0) this.populated++;
      this.counts[i] = was + c;
    }
    this.schema--;
  }

  reset(): void {
    this.counts = new Float64Array(0);
    this.populated = 0;
    this.zeroCount = 0;
    this.schema = this.config.schema;
  }

  /** Spans and deltas as the protobuf exposition carries them. */
  snapshot(): NativeBuckets {
    const positiveSpans: { offset: number; length: number }[] = [];
    const positiveDeltas: number[] = [];
    let prevKey = 0;
    let prevCount = 0;
    for (const [k, c] of this.entries()) {
      const span = positiveSpans.at(-1);
      if (span !== undefined && k === prevKey + 1) span.length++;
      else positiveSpans.push({ offset: span === undefined ? k : k - prevKey - 1, length: 1 });
      positiveDeltas.push(c - prevCount);
      prevKey = k;
      prevCount = c;
    }
    return {
      schema: this.schema,
      zeroThreshold: this.config.zeroThreshold,
      zeroCount: this.zeroCount,
      positiveSpans,
      positiveDeltas,
      negativeSpans: [],
      negativeDeltas: [],
    };
  }
}
