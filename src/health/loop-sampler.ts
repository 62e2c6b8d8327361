/**
 * The event loop's delay, sampled by one JS timer while the loop has work and parked while it has
 * none (issue 51: on a Pi an idle sidecar's timers are power and heat all day). The sidecar ran two
 * `monitorEventLoopDelay` histograms at 100 ms, the metrics' and the health check's: 20 libuv
 * wake-ups a second with nothing to do. An idle `sidetone serve`'s second minute (every thread's
 * CPU from /proc/PID/task/TID/schedstat): 2.46 ms/s and 666 wake-ups of its main thread before,
 * 0.20 ms/s and 5 with this sampler and node:http's connections check run only while a connection
 * is open (src/http/deadlines.ts). A native histogram cannot park: re-enabled, its first tick
 * records nothing (its previous time is reset), so a stall right after it starts is missed, and
 * without a reset its first sample is the whole parked time (both measured on Node 20).
 *
 * A sample is the time between two ticks (the resolution plus the delay), as monitorEventLoopDelay's
 * are, so readers subtract the resolution as before. Parking keeps what a stall check needs: a stall
 * is one long task, and a task is either sampled or counted in the loop's busy time
 * (`performance.eventLoopUtilization`) while parked:
 * - {@link LoopSampler.wake} (every request, every bus event) resumes sampling at once; the busy
 *   time since the sampler last looked is carried into the first sample, so a stall that began
 *   before the wake-up is counted whole (an upper bound: the busy time of a few short tasks reads
 *   as one of their total length);
 * - parked, the sampler looks at the loop's busy time every `lookEveryMs`: a resolution's worth or
 *   more (work that called no wake(), long enough to hide a stall the sampler would have seen)
 *   resumes sampling, carried into the first sample the same way;
 * - it parks after `parkAfterMs` with no wake() and a loop busy under 1 % of each tick's interval.
 *
 * What a parked stretch stands for is handed to readers as idle samples (one per resolution, each
 * a delay of 0: a timer on an idle loop fires on time), so a histogram of the delay reads as one
 * that never stopped.
 */

/** A tick whose interval held more work than this share of it is busy: the sampler does not park. */
const QUIET_SHARE = 0.01;

export interface LoopSamplerOptions {
  /** Time between two samples while sampling, ms. Default 100. */
  resolutionMs?: number;
  /** Park after this long with no wake() and a quiet loop, ms. Default 0: never park. */
  parkAfterMs?: number;
  /** Parked, look at the loop's busy time this often, ms. Default 30 000. */
  lookEveryMs?: number;
  /** Clock, ms (for tests). Default `performance.now`. */
  now?: () => number;
  /** The loop's busy time so far, ms (for tests). Default `performance.eventLoopUtilization().active`. */
  busy?: () => number;
}

/** A reader of the sampler. */
export interface LoopReader {
  /** One sample: the time between two ticks, ns (the resolution plus the loop's delay). */
  sample(ns: number): void;
  /** The sampler was parked for `samples` resolutions of a loop with no work. */
  idle?(samples: number): void;
}

/** The loop's busy time so far, ms (0 where a faked `performance`, a test's clock, has none). */
function busyMs(): number {
  // The global one, as the clock is: fake timers replace it, and with it what reads as work.
  const p = performance as unknown as { eventLoopUtilization?: () => { active: number } | undefined };
  return p.eventLoopUtilization?.()?.active ?? 0;
}

/**
 * One event-loop sampler, shared by its readers; it runs while it has one (see the module's note).
 *
 * @example
 * const loop = new LoopSampler({ resolutionMs: 100, parkAfterMs: 1000 });
 * health.register(eventLoopCheck({ sampler: loop }));
 * runtimeMetrics(registry, { eventLoopSampler: loop });
 * server.on('request', () => loop.wake());
 */
export class LoopSampler {
  readonly resolutionMs: number;
  private readonly parkAfterMs: number;
  private readonly lookEveryMs: number;
  private readonly now: () => number;
  private readonly busyMs: () => number;
  private readonly readers = new Set<LoopReader>();
  private state: 'stopped' | 'sampling' | 'parked' = 'stopped';
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() of the last tick (or of the resume). */
  private last = 0;
  /** Busy time at the last tick, or at the last look while parked. */
  private lastBusy = 0;
  /** Unsampled busy time, ms, added to the next sample. */
  private carryMs = 0;
  private woken = false;
  /** Start of the quiet stretch (no wake(), no busy tick), or of the park. */
  private quietSince = 0;

  constructor(options: LoopSamplerOptions = {}) {
    this.resolutionMs = options.resolutionMs ?? 100;
    this.parkAfterMs = options.parkAfterMs ?? 0;
    this.lookEveryMs = options.lookEveryMs ?? 30_000;
    this.now = options.now ?? (() => performance.now());
    this.busyMs = options.busy ?? busyMs;
  }

  /** Read every sample from now on; the sampler runs while it has a reader. Returns the unsubscribe. */
  subscribe(reader: LoopReader): () => void {
    this.readers.add(reader);
    if (this.state === 'stopped') this.resume(0);
    return () => {
      this.readers.delete(reader);
      if (this.readers.size === 0) this.stop();
    };
  }

  /** There is work: a parked sampler samples again (no allocation while it samples: runs per request). */
  wake(): void {
    if (this.state === 'parked') this.resume(Math.max(0, this.busyMs() - this.lastBusy));
    else this.woken = true;
  }

  /** Whether it is parked (for tests). */
  get isParked(): boolean {
    return this.state === 'parked';
  }

  /** Stop sampling and looking; a later subscribe() starts again. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.state = 'stopped';
  }

  private resume(carryMs: number): void {
    clearInterval(this.timer);
    const now = this.now();
    if (this.state === 'parked') {
      const samples = Math.floor((now - this.quietSince) / this.resolutionMs);
      if (samples > 0) for (const r of this.readers) r.idle?.(samples);
    }
    this.state = 'sampling';
    this.last = now;
    this.lastBusy = this.busyMs();
    this.carryMs = carryMs;
    this.quietSince = now;
    this.woken = false;
    this.timer = setInterval(() => this.tick(), this.resolutionMs);
    // Never what keeps a process alive.
    this.timer.unref();
  }

  private tick(): void {
    const now = this.now();
    const ns = (now - this.last + this.carryMs) * 1e6;
    for (const r of this.readers) r.sample(ns);
    const since = this.last;
    this.last = now;
    this.carryMs = 0;
    if (this.parkAfterMs <= 0) return;
    const busy = this.busyMs();
    const busyTick = busy - this.lastBusy > QUIET_SHARE * (now - since);
    this.lastBusy = busy;
    if (this.woken || busyTick) {
      this.woken = false;
      this.quietSince = now;
    } else if (now - this.quietSince >= this.parkAfterMs) this.park(now);
  }

  private park(now: number): void {
    clearInterval(this.timer);
    this.state = 'parked';
    this.quietSince = now;
    this.timer = setInterval(() => this.look(), this.lookEveryMs);
    this.timer.unref();
  }

  /** Parked: work that called no wake() and could hide a stall resumes sampling. */
  private look(): void {
    const busy = this.busyMs() - this.lastBusy;
    if (busy >= this.resolutionMs) this.resume(busy);
    else this.lastBusy += busy;
  }
}
