import { randomBytes } from 'node:crypto';
import { statfs, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DefinitionError, showValue } from '../errors.js';
import { LoopSampler } from './loop-sampler.js';
import type { CheckDefinition, CheckResult } from './registry.js';

export interface EventLoopCheckOptions {
  name?: string;
  critical?: boolean;
  /** A delay beyond this within the window fails the check. Default 1000 ms. */
  maxDelayMs?: number;
  /** The window is one to two of these intervals long. Default 10 000 ms. */
  windowMs?: number;
  /**
   * The sampler to read (the sidecar's, shared with its metrics, parks while the loop has no work).
   * Default: one of its own at a tenth of `maxDelayMs` (10 to 100 ms), which never parks.
   */
  sampler?: LoopSampler;
}

/**
 * Fails when the event loop was blocked for longer than `maxDelayMs` in the last window. A probe
 * cannot run while the loop is stuck, so the useful signal is that it *was* stuck recently: the
 * worst delay is kept across two windows so a probe right after a window's end still sees it.
 *
 * @example
 * health.register(eventLoopCheck({ maxDelayMs: 500 }));
 */
export function eventLoopCheck(options: EventLoopCheckOptions = {}): CheckDefinition {
  const maxDelayMs = positive('maxDelayMs', options.maxDelayMs ?? 1000);
  const windowMs = positive('windowMs', options.windowMs ?? 10_000);
  // The check only compares with maxDelayMs: sampling at a tenth of the limit keeps the worst
  // delay's error within 10 % of it, and at the default 1000 ms the sampler fires 10 times a
  // second instead of 100.
  const sampler =
    options.sampler ??
    new LoopSampler({ resolutionMs: Math.min(100, Math.max(10, Math.round(maxDelayMs / 10))) });
  const resolutionMs = sampler.resolutionMs;
  // The worst sample of the window under way and of the one before, on a grid of windowMs from
  // the start; a window ends when a sample or a read finds it over (no timer: an idle sidecar's
  // rotation fired 6 times a minute for nothing, issue 51), as a timer would have ended it.
  let windowStart = performance.now();
  let currentNs = 0;
  let previousNs = 0;
  const roll = (now: number) => {
    const ended = Math.floor((now - windowStart) / windowMs);
    if (ended < 1) return;
    previousNs = ended === 1 ? currentNs : 0;
    currentNs = 0;
    windowStart += ended * windowMs;
  };
  const unsubscribe = sampler.subscribe({
    sample: (ns) => {
      roll(performance.now());
      if (ns > currentNs) currentNs = ns;
    },
  });
  return {
    name: options.name ?? 'event_loop',
    critical: options.critical ?? true,
    check: (): CheckResult => {
      roll(performance.now());
      // Samples include the sampling interval itself; what matters is the delay beyond it.
      const worstMs = Math.max(0, Math.max(previousNs, currentNs) / 1e6 - resolutionMs);
      const shown = `max delay ${Math.round(worstMs)} ms in the last ${Math.round(windowMs / 1000)}-${Math.round((2 * windowMs) / 1000)} s`;
      return { status: worstMs <= maxDelayMs ? 'pass' : 'fail', detail: `${shown} (limit ${maxDelayMs} ms)` };
    },
    close: unsubscribe,
  };
}

export interface DiskSpaceCheckOptions {
  /** A file or directory on the file system to watch (the call store's directory, say). */
  path: string;
  name?: string;
  critical?: boolean;
  /** Fail below this many free bytes (for unprivileged users). Default 100 MiB. */
  minFreeBytes?: number;
  /** Fail below this free fraction, 0..1. Default 0.02. */
  minFreeRatio?: number;
}

/**
 * Free space where the store writes, from `fs.statfs` (counts what an unprivileged user may use).
 * The detail shows sizes in MiB/GiB: raw byte counts are long digit runs that read as phone numbers.
 *
 * @example
 * health.register(diskSpaceCheck({ path: '/var/lib/sidetone', minFreeBytes: 500 * 2 ** 20 }));
 */
export function diskSpaceCheck(options: DiskSpaceCheckOptions): CheckDefinition {
  const minFree = nonNegative('minFreeBytes', options.minFreeBytes ?? 100 * 2 ** 20);
  const minRatio = nonNegative('minFreeRatio', options.minFreeRatio ?? 0.02);
  if (minRatio > 1) throw invalid('minFreeRatio', minRatio, 'a fraction between 0 and 1');
  return {
    name: options.name ?? 'disk_space',
    critical: options.critical ?? true,
    check: async (): Promise<CheckResult> => {
      const s = await statfs(options.path);
      const free = s.bavail * s.bsize;
      const total = s.blocks * s.bsize;
      const ratio = total > 0 ? free / total : 0;
      const detail = `${formatBytes(free)} free of ${formatBytes(total)} (${(ratio * 100).toFixed(1)}%)`;
      const ok = free >= minFree && ratio >= minRatio;
      return {
        status: ok ? 'pass' : 'fail',
        detail: ok ? detail : `${detail}, below ${formatBytes(minFree)}`,
      };
    },
  };
}

export interface WritableCheckOptions {
  /** Performs a real write (an `INSERT` into a health table, a file write...) and throws on failure. */
  probe: () => void | Promise<void>;
  name?: string;
  critical?: boolean;
  timeoutMs?: number;
}

/**
 * A generic "can we still write?" check a store provides: passes when the probe resolves, fails with
 * the (sanitised) error when it throws, is `unknown` when it times out.
 *
 * @example
 * health.register(writableCheck({ name: 'call_store', probe: () => store.touchHealthRow() }));
 * health.register(writableCheck({ name: 'sms_store', probe: fileWriteProbe('/var/lib/sidetone') }));
 */
export function writableCheck(options: WritableCheckOptions): CheckDefinition {
  const def: CheckDefinition = {
    name: options.name ?? 'store_writable',
    critical: options.critical ?? true,
    check: async (): Promise<CheckResult> => {
      try {
        await options.probe();
        return { status: 'pass', detail: 'writable' };
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        return { status: 'fail', detail: `write failed${typeof code === 'string' ? ` (${code})` : ''}` };
      }
    },
  };
  if (options.timeoutMs !== undefined) def.timeoutMs = options.timeoutMs;
  return def;
}

/**
 * A probe for {@link writableCheck}: writes and removes a small file in `dir`.
 * @example
 * writableCheck({ name: 'spool', probe: fileWriteProbe('/var/spool/sms') });
 */
export function fileWriteProbe(dir: string): () => Promise<void> {
  return async () => {
    const file = join(dir, `.sidetone-health-${process.pid}-${randomBytes(4).toString('hex')}`);
    await writeFile(file, 'ok');
    await unlink(file);
  };
}

/** `1.5 GiB`, `312 MiB`: short and never a long digit run. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n >= 100 || i === 0 ? Math.round(n) : n.toFixed(1)} ${units[i]}`;
}

function positive(key: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw invalid(key, v, 'a positive number');
  return v;
}

function nonNegative(key: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw invalid(key, v, 'a number >= 0');
  return v;
}

function invalid(key: string, v: unknown, expected: string): DefinitionError {
  return new DefinitionError(
    'ST_INVALID_OPTION',
    `${key} of a health check must be ${expected}, got ${showValue(v)}`,
  );
}
