/** RFC 3550 interarrival jitter (6.4.1, A.8); the rest of the receiver statistics are in domain/standards/rtp.ts. */
import { DefinitionError } from '../errors.js';

/**
 * Interarrival jitter per RFC 3550 6.4.1 / A.8: J += (|D(i-1,i)| - J) / 16, in timestamp units.
 * `update*` allocates nothing: state is four numbers on the instance.
 *
 * @example
 * ```ts
 * const j = new JitterEstimator(90_000);
 * j.update(0, 0); j.update(1, 60_000);
 * j.jitter   // 1875 (D = 90000 - 60000 = 30000, J = 30000 / 16)
 * j.jitterMs // 20.83
 * ```
 */
export class JitterEstimator {
  readonly clockRate: number;
  #jitter = 0;
  #lastArrival = 0;
  #lastTs = 0;
  #primed = false;

  constructor(clockRate: number) {
    if (!(clockRate > 0) || !Number.isFinite(clockRate))
      throw new DefinitionError(
        'ST_INVALID_OPTION',
        `clockRate must be a finite number > 0 (8000 for G.711), got ${clockRate}`,
      );
    this.clockRate = clockRate;
  }

  /** Feed one packet: arrival time in seconds (any epoch, monotonic) and its RTP timestamp. */
  update(arrivalSeconds: number, rtpTimestamp: number): void {
    this.updateClock(arrivalSeconds * this.clockRate, rtpTimestamp);
  }

  /** Feed one packet with the arrival time already in RTP clock units. */
  updateClock(arrivalUnits: number, rtpTimestamp: number): void {
    if (!this.#primed) {
      this.#primed = true;
    } else {
      // The timestamp difference is taken modulo 2^32 as a signed 32-bit value, so a 32-bit
      // timestamp wrap between two packets is a small step, not a 4-billion-unit jump.
      const tsDelta = (rtpTimestamp - this.#lastTs) | 0;
      let d = arrivalUnits - this.#lastArrival - tsDelta;
      if (d < 0) d = -d;
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#lastArrival = arrivalUnits;
    this.#lastTs = rtpTimestamp;
  }

  /** Current J in timestamp units (what RTCP RR carries, before truncation to an integer). */
  get jitter(): number {
    return this.#jitter;
  }

  /** Current J in milliseconds: J * 1000 / clock rate. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.clockRate;
  }

  reset(): void {
    this.#jitter = 0;
    this.#primed = false;
  }
}
