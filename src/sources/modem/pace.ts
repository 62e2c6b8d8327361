/**
 * The two bounds on what the modem source sends, whatever the modem says: a ceiling of AT
 * commands a second (a token bucket every command passes before it is written), and a growing
 * pause between re-initialisations while restarts keep coming. Issue 47: a modem taken for
 * restarted at every poll was re-initialised at once, in a loop, about 3,400 commands a second.
 */

/**
 * AT commands a second, at most, in any state. A poll is 9 commands every 30 s by default and a
 * modem at 115,200 baud answers a short command in 10-50 ms: 20 a second holds nothing back in
 * normal work and bounds a loop to what a serial modem could answer anyway.
 */
export const MODEM_COMMANDS_PER_SECOND = 20;
/** Commands that pass unheld after a quiet spell: one initialisation (15) and a poll (9). */
export const MODEM_COMMAND_BURST = 24;

/** A token bucket: `tokens` at time `at` (ms). Below zero: commands already promised a slot. */
export interface Bucket {
  tokens: number;
  at: number;
}

export const newBucket = (now: number, burst = MODEM_COMMAND_BURST): Bucket => ({ tokens: burst, at: now });

/**
 * Take one command's token at `now`: how long (ms) it waits before it may be written, 0 at once.
 * A token taken ahead of time is reserved (the bucket goes below zero), so commands held together
 * leave one every 1/rate s. Mutates `b` in place.
 * @example take({ tokens: 0, at: 0 }, 0) // 50 (at 20 a second)
 */
export function take(
  b: Bucket,
  now: number,
  rate = MODEM_COMMANDS_PER_SECOND,
  burst = MODEM_COMMAND_BURST,
): number {
  b.tokens = Math.min(burst, b.tokens + (Math.max(0, now - b.at) * rate) / 1000);
  b.at = Math.max(b.at, now);
  b.tokens -= 1;
  return b.tokens >= 0 ? 0 : Math.ceil((-b.tokens * 1000) / rate);
}

/**
 * When a re-initialisation after the `streak`-th restart in a row may start: at once for the first,
 * then `base` after the previous start, doubling to `cap`. A modem that stays up for `cap` ends
 * the streak (the source resets it).
 * @example reinitAt(10_000, 0, 1000, 30_000) // 0
 * @example reinitAt(10_000, 3, 1000, 30_000) // 14_000
 */
export function reinitAt(lastStart: number, streak: number, base: number, cap: number): number {
  return streak <= 0 ? 0 : lastStart + Math.min(cap, base * 2 ** Math.min(streak - 1, 16));
}
