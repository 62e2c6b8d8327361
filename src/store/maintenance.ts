/** Periodic housekeeping of a call store: close zombie calls and apply retention. */
import { showValue, ValidationError } from '../errors.js';
import type { CallStore, DeleteResult } from './types.js';

export interface MaintenanceOptions {
  /** Time between runs (ms). */
  intervalMs: number;
  /** Calls active longer than this are closed as `timeout`. Omit to skip zombie cleanup. */
  maxActiveSeconds?: number;
  /** Records filed more than this many days ago are deleted. Omit to keep everything. */
  retentionDays?: number;
  /** Rows per retention transaction (default 2000). */
  batchSize?: number;
  /** Also run once right away (default false). */
  runNow?: boolean;
  /** Called after each run with what it did. */
  onRun?: (result: MaintenanceResult) => void;
  /** Called when a run fails; the schedule keeps going. Default: ignore (the next run retries). */
  onError?: (error: unknown) => void;
  /** Clock, for tests. */
  now?: () => number;
}

export interface MaintenanceResult {
  zombiesClosed: number;
  deleted: DeleteResult;
  at: number;
}

/** What `startMaintenance` returns: stop the timer, and wait for a run in progress to finish. */
export type StopMaintenance = () => Promise<void>;

/**
 * Run zombie cleanup and retention once (the on-demand path behind `POST /calls/cleanup`).
 *
 * @example
 * ```ts
 * const { zombiesClosed, deleted } = await runMaintenance(store, { maxActiveSeconds: 14_400, retentionDays: 90 });
 * ```
 */
export async function runMaintenance(
  store: CallStore,
  opts: Omit<MaintenanceOptions, 'intervalMs' | 'runNow'>,
): Promise<MaintenanceResult> {
  const at = (opts.now ?? Date.now)();
  const zombiesClosed = opts.maxActiveSeconds ? await store.closeZombies(opts.maxActiveSeconds, at) : 0;
  const deleted = opts.retentionDays
    ? await store.deleteOlderThan(opts.retentionDays, {
        ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
        now: at,
      })
    : { calls: 0, sms: 0 };
  return { zombiesClosed, deleted, at };
}

/**
 * Run {@link runMaintenance} every `intervalMs`. The timer is `unref()`ed so it never keeps the
 * process alive, and runs never overlap (a slow run makes the next tick skip).
 *
 * @example
 * ```ts
 * const stop = startMaintenance(store, { intervalMs: 60_000, maxActiveSeconds: 4 * 3600, retentionDays: 90 });
 * // on shutdown:
 * await stop();
 * ```
 */
export function startMaintenance(store: CallStore, opts: MaintenanceOptions): StopMaintenance {
  if (!(Number.isFinite(opts.intervalMs) && opts.intervalMs >= 10)) {
    throw new ValidationError(
      'ST_STORE_INVALID_INTERVAL',
      `maintenance intervalMs must be a number ≥ 10, got ${showValue(opts.intervalMs)}; e.g. 60000`,
    );
  }
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = runMaintenance(store, opts)
      .then((r) => opts.onRun?.(r))
      .catch((e: unknown) => opts.onError?.(e))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  if (opts.runNow) tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
