/**
 * Samples each modem's state (as the modem pack decided it: its gauges, read like the console
 * reads them) into the store, so the modem's history outlives the page and the process. Bounded:
 * a sample a minute per modem, plus one whenever its connection, registration, flapping or
 * reconnect count changed (seen at the next poll, every {@link MODEM_POLL_MS}); the modems are the
 * configured enum. Samples the store did not take wait for the next poll, at most
 * {@link MODEM_PENDING_MAX}; older ones are dropped and counted.
 */
import type { LiveState } from '../analytics/problems.js';
import { storeFault } from '../store/faults.js';
import type { CallStore, ModemSample } from '../store/types.js';

/** A sample a minute per modem: 1,440 rows a day, the trend's finest bucket. */
export const MODEM_SAMPLE_MS = 60_000;
/** How often the state is looked at: a change is stored within this. */
export const MODEM_POLL_MS = 5_000;
/** Samples kept while the store is down: two hours of one modem at a sample a minute. */
export const MODEM_PENDING_MAX = 120;

export interface ModemSamplerOptions {
  store: Pick<CallStore, 'appendModemSamples'>;
  /** The modems' state now (the console's live reader). */
  read: () => Promise<LiveState['modems']>;
  now?: () => number;
  /** Told of a failed look once, until a look succeeds again. */
  onError?: (err: unknown) => void;
}

/** The events that set what a sample holds (connection, registration, signal, reconnects). */
export const MODEM_STATE_EVENTS = [
  'modem.connected',
  'modem.disconnected',
  'modem.reconnected',
  'modem.registration',
  'modem.signal',
] as const;

const stateKey = (m: LiveState['modems'][number]) =>
  `${m.connected}|${m.registered}|${m.reconnects}|${m.flapping}`;

/**
 * A sampler; `tick()` takes one look (the timer calls it, a test may too).
 * @example
 * const sampler = new ModemSampler({ store, read: async () => (await live()).modems });
 * sampler.start(); // … sampler.stop()
 */
export class ModemSampler {
  /** Samples dropped because the store stayed down past {@link MODEM_PENDING_MAX}. */
  dropped = 0;
  /** The last look failed: `onError` is told once per outage, not at every poll. */
  private failing = false;
  private readonly last = new Map<string, { key: string; at: number }>();
  private pending: ModemSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Between start() and stop(): wake() may resume the polls. */
  private started = false;
  private running: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly o: ModemSamplerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** The first look is one poll after the start: nothing is read while the sidecar starts up. */
  start(): void {
    this.started = true;
    this.timer ??= setInterval(() => void this.tick(), MODEM_POLL_MS);
    this.timer.unref();
  }

  /**
   * Something a modem said (its events): polling resumes if it had parked. The sampler parks after
   * a look that heard from no modem and has nothing queued, so a sidecar without a modem does not
   * read the live state every 5 s for nothing (720 wake-ups an hour; issue 51).
   */
  wake(): void {
    if (this.started && this.timer === undefined) this.start();
  }

  /**
   * Look once: queue the samples due, then write what is queued. Never throws. `at`: the time the
   * state is of, when not now: a demo's backfill looks at each simulated step's end, so its history
   * carries the simulated time (stamped with the wall clock, a day of reconnects landed in the first
   * seconds of the page: a reconnect storm that never was).
   */
  tick(at?: number): Promise<void> {
    this.running ??= this.look(at ?? this.now()).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async look(at: number): Promise<void> {
    let heard = false;
    try {
      for (const m of await this.o.read()) {
        // A configured modem nothing was heard from (no source, or not yet) has no history.
        if (m.connected === null && m.registered === null && m.signalDbm === null && m.reconnects === 0)
          continue;
        heard = true;
        const key = stateKey(m);
        const last = this.last.get(m.modem);
        if (last !== undefined && last.key === key && at - last.at < MODEM_SAMPLE_MS) continue;
        this.last.set(m.modem, { key, at });
        this.pending.push({ ...m, at });
      }
      if (this.pending.length > MODEM_PENDING_MAX) {
        this.dropped += this.pending.length - MODEM_PENDING_MAX;
        this.pending = this.pending.slice(-MODEM_PENDING_MAX);
      }
      if (this.pending.length === 0) {
        if (!heard) this.park();
        return;
      }
      const batch = this.pending;
      await this.o.store.appendModemSamples(batch);
      this.pending = this.pending.slice(batch.length);
      this.failing = false;
    } catch (err) {
      // A sample the store refuses is refused on every retry: drop the batch, count it.
      if (storeFault(err) === 'refused') {
        this.dropped += this.pending.length;
        this.pending = [];
      }
      if (!this.failing) this.o.onError?.(err);
      this.failing = true;
    }
  }

  /** No modem heard from and nothing queued: no polls until wake(). */
  private park(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stop the timer and take a last look (the state at shutdown is in the history). */
  async stop(): Promise<void> {
    this.started = false;
    this.park();
    await this.running;
    await this.tick();
  }
}
