/** Hourly and daily call series with every bucket present (empty ones filled with zeros). */

import type { CallStatus } from '../domain/records.js';
import { ValidationError } from '../errors.js';
import { zeroStatusCounts } from '../store/records/fold.js';
import type { Bucket, CallQuery, CallStore, SeriesRow } from '../store/types.js';
import { checkRange } from '../store/validate.js';
import { percent, ratios, round } from './kpi.js';

export const BUCKET_MS: Readonly<Record<Bucket, number>> = { hour: 3_600_000, day: 86_400_000 };
/** Upper bound on buckets per series: keeps responses and charts bounded. */
export const MAX_BUCKETS = 10_000;

export interface SeriesPoint {
  /** Bucket start, epoch ms (UTC-aligned). */
  start: number;
  total: number;
  byStatus: Record<CallStatus, number>;
  answered: number;
  /** Completed calls / attempts in the bucket, %, null when none. */
  successRate: number | null;
  /** The bucket's ASR, NER, SER, SEER and ISA (same definitions as the dashboard), null when none. */
  kpis: ReturnType<typeof ratios>;
  /** Mean start-to-end duration of answered calls, seconds, null when none. */
  avgDurationSeconds: number | null;
}

export type SeriesFilters = Pick<CallQuery, 'direction' | 'trunk' | 'channel'>;

/** Floor `t` to its UTC bucket start. */
export function bucketStart(t: number, bucket: Bucket): number {
  const size = BUCKET_MS[bucket];
  return Math.floor(t / size) * size;
}

function point(start: number, r: SeriesRow | undefined): SeriesPoint {
  if (!r) {
    return {
      start,
      total: 0,
      byStatus: zeroStatusCounts(),
      answered: 0,
      successRate: null,
      kpis: { asr: null, ner: null, ser: null, seer: null, isa: null },
      avgDurationSeconds: null,
    };
  }
  return {
    start,
    total: r.total,
    byStatus: r.byStatus,
    answered: r.answered,
    successRate: percent(r.byStatus.completed, r.kpi.attempts),
    kpis: ratios(r.kpi),
    avgDurationSeconds: r.durationCount > 0 ? round(r.durationMsSum / r.durationCount / 1000, 3) : null,
  };
}

/**
 * One point per bucket over `[from, to)`, empty buckets filled: the first bucket is the one
 * containing `from`, the last the one containing `to - 1`. Throws beyond {@link MAX_BUCKETS}.
 */
export function fillSeries(
  rows: readonly SeriesRow[],
  q: { from: number; to: number },
  bucket: Bucket,
): SeriesPoint[] {
  const size = BUCKET_MS[bucket];
  const first = bucketStart(q.from, bucket);
  const count = bucketCount(q, bucket);
  const byStart = new Map(rows.map((r) => [r.start, r]));
  return Array.from({ length: count }, (_, i) => point(first + i * size, byStart.get(first + i * size)));
}

/** How many buckets `[from, to)` spans; throws ValidationError beyond {@link MAX_BUCKETS}. */
export function bucketCount(q: { from: number; to: number }, bucket: Bucket): number {
  const count = Math.ceil((q.to - bucketStart(q.from, bucket)) / BUCKET_MS[bucket]);
  if (count > MAX_BUCKETS) {
    throw new ValidationError(
      'ST_ANALYTICS_TOO_MANY_BUCKETS',
      `a ${bucket}ly series over this range has ${count} buckets, more than ${MAX_BUCKETS}; ` +
        'shorten the range or use daily buckets',
    );
  }
  return count;
}

/** Query the store's series over `[from, to)` and fill it (see {@link fillSeries}). */
export async function seriesFor(store: CallStore, q: CallQuery, bucket: Bucket): Promise<SeriesPoint[]> {
  checkRange(q, 'ST_ANALYTICS_INVALID_RANGE');
  bucketCount(q, bucket); // refuse before querying
  // Query the exact range (edge buckets may be partial) so the points sum to the period's totals.
  return fillSeries(await store.series(q, bucket), q, bucket);
}

function checkCount(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new ValidationError(
      'ST_ANALYTICS_INVALID_WINDOW',
      `${name} must be an integer in 1..${max}, got ${String(v)}; e.g. ${name === 'hours' ? 24 : 30}`,
      [{ path: name, message: `1..${max}` }],
    );
  }
}

/**
 * The last `hours` hourly buckets up to and including the one containing `now`.
 *
 * @example
 * ```ts
 * const points = await hourly(store, { hours: 24 }); // 24 points, oldest first, current hour last
 * ```
 */
export async function hourly(
  store: CallStore,
  opts: { hours?: number; now?: number } & SeriesFilters = {},
): Promise<SeriesPoint[]> {
  const { hours = 24, now = Date.now(), ...filters } = opts;
  checkCount('hours', hours, MAX_BUCKETS);
  const end = bucketStart(now, 'hour') + BUCKET_MS.hour;
  return seriesFor(store, { ...filters, from: end - hours * BUCKET_MS.hour, to: end }, 'hour');
}

/**
 * The last `days` UTC days up to and including today.
 *
 * @example
 * ```ts
 * const points = await daily(store, { days: 30, trunk: 'carrier-a' });
 * ```
 */
export async function daily(
  store: CallStore,
  opts: { days?: number; now?: number } & SeriesFilters = {},
): Promise<SeriesPoint[]> {
  const { days = 30, now = Date.now(), ...filters } = opts;
  checkCount('days', days, MAX_BUCKETS);
  const end = bucketStart(now, 'day') + BUCKET_MS.day;
  return seriesFor(store, { ...filters, from: end - days * BUCKET_MS.day, to: end }, 'day');
}
