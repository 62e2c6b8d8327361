/**
 * The silence at the caller's ear (issue 52). A voice agent times a turn from the moment it heard
 * the caller stop to its first audio out (the heard silence). On a phone call the caller waits
 * longer: their last words travel to the agent, and the reply travels back. That is one round trip
 * of the phone leg (RFC 3550 6.4.1: A - LSR - DLSR, the call's RTCP round trip), plus a jitter
 * buffer at each end before the audio is played. RTCP does not report a buffer's depth; a buffer
 * that plays smoothly holds at least the stream's interarrival jitter (6.4.1's J), so each
 * direction's jitter is added as its buffer's lower bound. The figure is a lower bound, and a
 * delay added on the phone leg in either direction adds to it one for one; the agent-side figure
 * does not move.
 */

/** One direction's media as stored: the worst of its reports (null when none said). */
export interface PhoneLegDirection {
  jitterMs: number | null;
  rttMs: number | null;
}

/**
 * The phone leg's delay added to every heard silence, ms: its round trip plus each direction's
 * jitter; null when no RTCP round trip is known (no phone leg measured, or a WebRTC-only call).
 * Both directions' reports measure the same round trip: the larger one is taken.
 * @example phoneLegDelayMs([{ jitterMs: 4, rttMs: 80 }, { jitterMs: 6, rttMs: 90 }]) // 100
 */
export function phoneLegDelayMs(media: readonly PhoneLegDirection[] | null): number | null {
  if (media === null) return null;
  let rtt = -1;
  let jitter = 0;
  for (const m of media) {
    if (m.rttMs !== null && m.rttMs >= 0 && m.rttMs > rtt) rtt = m.rttMs;
    if (m.jitterMs !== null && m.jitterMs > 0) jitter += m.jitterMs;
  }
  return rtt < 0 ? null : rtt + jitter;
}

/**
 * The silence the caller heard, ms: the agent's heard silence plus the phone leg's delay; null
 * when either is unknown.
 * @example callerEarMs(1100, 100) // 1200
 */
export function callerEarMs(heardMs: number | null, legDelayMs: number | null): number | null {
  return heardMs === null || legDelayMs === null ? null : Math.round((heardMs + legDelayMs) * 10) / 10;
}
