/**
 * RFC 3550 receiver statistics: sequence-number extension and loss accounting (A.1, A.3) and
 * round-trip time from RTCP (6.4.1). The interarrival jitter estimator (6.4.1, A.8) is in
 * telephony/jitter.ts: it refuses a bad clock rate with a catalogue error, and domain/ imports
 * nothing.
 */
const SEQ_MOD = 0x10000;
// A.1: a jump forward of less than MAX_DROPOUT is a gap; a jump back of up to MAX_MISORDER is
// a late packet; anything else is a restart (or garbage) and needs two packets to confirm.
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

/**
 * Extend a 16-bit sequence number to the cycle closest to the highest extended number seen so
 * far (RFC 3550 A.1 keeps the cycle count in the high bits). A late packet from before the very
 * first cycle comes out negative (0xFFFF after 5 is -1), which keeps the ordering truthful.
 *
 * @example extendSequence(0x0000, 0xffff) // 0x10000 ; extendSequence(0xfffe, 0x10001) // 0xfffe
 */
export function extendSequence(seq: number, highestExtended: number): number {
  const s = seq & 0xffff;
  const base = highestExtended - (highestExtended % SEQ_MOD);
  let candidate = base + s;
  if (candidate - highestExtended > SEQ_MOD / 2) candidate -= SEQ_MOD;
  else if (highestExtended - candidate > SEQ_MOD / 2) candidate += SEQ_MOD;
  return candidate;
}

/** Receiver report block values per RFC 3550 6.4.1 / A.3. */
export interface LossReport {
  /** Fraction lost since the previous report, in 1/256 units (0..255). */
  fractionLost: number;
  /** Cumulative packets lost, clamped to the 24-bit signed range (duplicates can make it < 0). */
  cumulativeLost: number;
  /** Extended highest sequence number received. */
  extendedHighestSeq: number;
  expected: number;
  received: number;
}

/**
 * Sequence tracking and loss accounting for one SSRC, following RFC 3550 A.1 (update_seq) and
 * A.3 (loss computation).
 *
 * `probation` is A.1's MIN_SEQUENTIAL - 1 packets a new source must deliver in sequence before
 * it is counted. It defaults to 0 (count from the first packet), as most receivers do, because
 * the monitor usually joins a stream already known to be valid.
 *
 * @example
 * ```ts
 * const t = new SequenceTracker();
 * t.update(1); t.update(3);
 * t.report() // { fractionLost: 85, cumulativeLost: 1, extendedHighestSeq: 3, expected: 3, received: 2 }
 * ```
 */
export class SequenceTracker {
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = SEQ_MOD + 1;
  #received = 0;
  #receivedPrior = 0;
  #expectedPrior = 0;
  #probation: number;
  #minSequential: number;
  #started = false;

  constructor(options: { probation?: number } = {}) {
    this.#minSequential = Math.max(0, options.probation ?? 0) + 1;
    this.#probation = 0;
  }

  #init(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = SEQ_MOD + 1; // so seq === badSeq is false
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** Feed one packet's 16-bit sequence number. Returns false when A.1 rejects it (probation, restart). */
  update(sequence: number): boolean {
    const seq = sequence & 0xffff;
    if (!this.#started) {
      this.#started = true;
      this.#init(seq);
      if (this.#minSequential > 1) {
        this.#maxSeq = (seq - 1) & 0xffff;
        this.#probation = this.#minSequential;
      } else {
        this.#received = 1;
        return true;
      }
    }
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#init(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap; a smaller number means the 16-bit counter wrapped.
      if (seq < this.#maxSeq) this.#cycles += SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the sender restarted. Two sequential packets confirm it.
      if (seq === this.#badSeq) {
        this.#init(seq);
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // else: duplicate or reordered packet, counted as received (A.1 does the same).
    this.#received++;
    return true;
  }

  /** Extended highest sequence number: cycles + max_seq (A.3). */
  get extendedHighestSeq(): number {
    return this.#cycles + this.#maxSeq;
  }

  get expected(): number {
    return this.#started ? this.extendedHighestSeq - this.#baseSeq + 1 : 0;
  }

  get received(): number {
    return this.#received;
  }

  /** expected - received, clamped to 24-bit signed (0x7fffff .. -0x800000) as the RR field is. */
  get cumulativeLost(): number {
    const lost = this.expected - this.#received;
    return Math.min(Math.max(lost, -0x800000), 0x7fffff);
  }

  /**
   * Values for one receiver report. Advances the interval (expected_prior, received_prior), so
   * call it once per report: fraction = (lost_interval << 8) / expected_interval, 0 when no
   * packet was expected or the interval shows duplicates (lost_interval <= 0).
   */
  report(): LossReport {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      fractionLost: Math.min(fractionLost, 255),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSeq: this.extendedHighestSeq,
      expected,
      received: this.#received,
    };
  }
}

/**
 * Round-trip time from an RTCP report block, RFC 3550 6.4.1: RTT = A - LSR - DLSR, all in units
 * of 1/65536 s (the middle 32 bits of an NTP timestamp), computed modulo 2^32 so an NTP wrap
 * between send and receive is harmless. Returns seconds.
 *
 * Returns null when LSR = 0 (no SR received yet, so there is nothing to measure against) and
 * when the difference is negative (clock skew or a corrupt block), rather than a bogus value.
 *
 * @example rttFromRtcp(0xb7108000, 0xb7052000, 0x00054000) // 6.125
 */
export function rttFromRtcp(arrivalNtpMiddle32: number, lsr: number, dlsr: number): number | null {
  if (lsr === 0) return null;
  const diff = (arrivalNtpMiddle32 - lsr - dlsr) | 0;
  if (diff < 0) return null;
  return diff / 65536;
}
