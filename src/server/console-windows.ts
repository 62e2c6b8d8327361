/**
 * The registry's counters and histograms over the last minutes, for the console's voice panel and
 * "Problems now": what `increase(x[5m])` and `histogram_quantile(q, rate(x_bucket[5m]))` read in
 * Prometheus, read in-process. A sample of the chosen families every {@link WINDOW_SAMPLE_MS}
 * (their cumulative values), kept for the longest window; a window's figure is now minus the
 * newest sample at least that old (the oldest one while the process is younger than the window:
 * since the start, as a rate over the samples Prometheus has). Not extrapolated to the window's
 * edges as Prometheus's `increase` is: the counts are the events counted, never a fraction.
 *
 * An idle sidecar does not sample (issue 51: a Pi's timers fire only when there is work): a tick
 * that finds every value as the last sample held keeps no sample and parks the timer, and
 * {@link LiveWindows.wake} (every bus event, every console read) samples at once and starts it
 * again. A window's base is then the first sample of the unchanged stretch, which holds the same
 * values as any later one would have. What changes with no event and no read (a scrape's own
 * duration) is dated to the next wake-up.
 */
import type { Registry } from '../metrics/index.js';
import type { LabelPairs, SeriesSnapshot } from '../metrics/snapshot.js';

/** One sample every 15 s (a common scrape interval): a window edge is placed within 15 s. */
export const WINDOW_SAMPLE_MS = 15_000;

/** One series' growth over a window: a counter's, or a histogram's per bucket (cumulative, ascending `le`). */
export interface SeriesIncrease {
  labels: LabelPairs;
  /** A counter's increase; a histogram's observations. */
  value: number;
  /** A histogram's observed total. */
  sum?: number;
  buckets?: Array<{ le: number; count: number }>;
}

/** Cumulative values of one family's series, by their label key. */
type FamilyValues = Map<string, SeriesSnapshot>;

interface Sample {
  at: number;
  families: Map<string, FamilyValues>;
}

const keyOf = (labels: LabelPairs) => labels.map(([, v]) => v).join('\u0000');

/** The growth since `base` (a series absent then started from 0; one lower now was reset, as in Prometheus). */
function grown(now: SeriesSnapshot, base: SeriesSnapshot | undefined): SeriesIncrease {
  const h = now.histogram;
  if (h !== undefined) {
    const b = base?.histogram;
    const reset = b !== undefined && b.count > h.count;
    const before = (i: number) => (b === undefined || reset ? 0 : (b.buckets[i]?.count ?? 0));
    return {
      labels: now.labels,
      value: h.count - (b === undefined || reset ? 0 : b.count),
      sum: h.sum - (b === undefined || reset ? 0 : b.sum),
      buckets: h.buckets.map((x, i) => ({ le: x.le, count: x.count - before(i) })),
    };
  }
  const v = now.value ?? 0;
  const was = base?.value;
  return { labels: now.labels, value: was === undefined || was > v ? v : v - was };
}

/** Whether two samples hold the same series with the same values (a histogram by count and sum). */
function sameValues(a: Map<string, FamilyValues>, b: Map<string, FamilyValues>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, fa] of a) {
    const fb = b.get(name);
    if (fb === undefined || fa.size !== fb.size) return false;
    for (const [key, x] of fa) {
      const y = fb.get(key);
      if (y === undefined || x.value !== y.value) return false;
      if (x.histogram?.count !== y.histogram?.count || x.histogram?.sum !== y.histogram?.sum) return false;
    }
  }
  return true;
}

export interface LiveWindowsOptions {
  /** Family names without the prefix (`voiceai_turns_total` or `voiceai_turns`). */
  families: readonly string[];
  /** The longest window read, ms: samples older than the one that covers it are dropped. */
  longestMs: number;
  now?: () => number;
}

/**
 * The sampler. `start()` samples on a timer (unref'd), `tick()` once (a test may call it);
 * `increase()` reads a window against the registry as it is now.
 * @example
 * const w = new LiveWindows(registry, 'sidetone', { families: ['voiceai_turns_total'], longestMs: 600_000 });
 * w.start();
 * w.increase('voiceai_turns_total', 300_000); // [{ labels: [['agent', 'support-bot'], …], value: 42 }]
 */
export class LiveWindows {
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Between start() and stop(): a parked timer may be woken. */
  private started = false;
  private readonly now: () => number;

  constructor(
    private readonly registry: Registry,
    private readonly prefix: string,
    private readonly o: LiveWindowsOptions,
  ) {
    this.now = o.now ?? Date.now;
    // The process's first state: a window read before the first tick reads since here.
    this.tick();
  }

  start(): void {
    this.started = true;
    this.timer ??= setInterval(() => this.tick(), WINDOW_SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    this.started = false;
    this.park();
  }

  /** Something may have changed (an event, a read): a parked sampler samples now and runs again. */
  wake(): void {
    if (this.timer !== undefined || !this.started) return;
    this.tick();
    this.start();
  }

  private park(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Take a sample now; keep the newest one older than the longest window and every later one. A
   * sample equal to the last one is not kept, and a running timer parks (see the module's note).
   */
  tick(at = this.now()): void {
    const families = this.read(at);
    const last = this.samples.at(-1);
    if (last !== undefined && sameValues(last.families, families)) {
      this.park();
      return;
    }
    this.samples.push({ at, families });
    const edge = at - this.o.longestMs;
    let keep = 0;
    while (keep + 1 < this.samples.length && (this.samples[keep + 1] as Sample).at <= edge) keep++;
    if (keep > 0) this.samples = this.samples.slice(keep);
  }

  /** Each series of `family` grown over the last `windowMs`, now; empty when the family is not registered. */
  increase(family: string, windowMs: number, at = this.now()): SeriesIncrease[] {
    this.wake();
    const current = this.read(at, family).get(family);
    if (current === undefined) return [];
    const edge = at - windowMs;
    let base = this.samples[0];
    for (const s of this.samples) if (s.at <= edge) base = s;
    const before = base?.families.get(family);
    return [...current.values()].map((s) => grown(s, before?.get(keyOf(s.labels))));
  }

  private read(at: number, only?: string): Map<string, FamilyValues> {
    const out = new Map<string, FamilyValues>();
    for (const name of only === undefined ? this.o.families : [only]) {
      const m = this.registry.get(`${this.prefix}_${name}`);
      if (m === undefined) continue;
      out.set(name, new Map(m.snapshot(at).series.map((s) => [keyOf(s.labels), s])));
    }
    return out;
  }
}

/**
 * `histogram_quantile` as Prometheus computes it (promql/quantile.go `bucketQuantile`): linear
 * within the bucket the rank falls in, the lowest bucket starting at 0, a rank in the +Inf bucket
 * read as the highest finite bound. Null without observations.
 * @example histogramQuantile(0.95, [{ le: 1, count: 10 }, { le: 2, count: 20 }, { le: Infinity, count: 20 }]) // 1.9
 */
export function histogramQuantile(
  q: number,
  buckets: ReadonlyArray<{ le: number; count: number }>,
): number | null {
  const n = buckets.length;
  const total = buckets[n - 1]?.count ?? 0;
  if (n < 2 || total <= 0 || buckets[n - 1]?.le !== Number.POSITIVE_INFINITY) return null;
  let rank = q * total;
  let b = buckets.findIndex((x) => x.count >= rank);
  if (b < 0) b = n - 1;
  if (b === n - 1) return (buckets[n - 2] as { le: number }).le;
  const upper = (buckets[b] as { le: number }).le;
  if (b === 0 && upper <= 0) return upper;
  let start = 0;
  let count = (buckets[b] as { count: number }).count;
  if (b > 0) {
    const prev = buckets[b - 1] as { le: number; count: number };
    start = prev.le;
    count -= prev.count;
    rank -= prev.count;
  }
  return start + (upper - start) * (rank / count);
}

/** Sum the histograms of several series bucket by bucket (`sum by (…, le)`); their bounds are the family's. */
export function sumBuckets(series: readonly SeriesIncrease[]): Array<{ le: number; count: number }> {
  const out: Array<{ le: number; count: number }> = [];
  for (const s of series)
    s.buckets?.forEach((x, i) => {
      const o = out[i];
      if (o === undefined) out[i] = { le: x.le, count: x.count };
      else o.count += x.count;
    });
  return out;
}

/** A label's value on a series ('' when absent). */
export const labelOf = (s: { labels: LabelPairs }, name: string): string =>
  s.labels.find(([n]) => n === name)?.[1] ?? '';
