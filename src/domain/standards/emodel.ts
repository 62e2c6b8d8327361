/**
 * ITU-T G.107 E-model, reduced to the terms a network monitor can measure: delay (Id) and
 * packet loss through the codec (Ie,eff). Every other impairment stays at its G.107 default:
 * with all parameters at their defaults R comes out at 93.2, so the estimate is
 * R = 93.2 - Id - Ie,eff (the usual simplification, also used by Cole & Rosenbluth 2001; the
 * tiny default-delay share already inside 93.2 is not backed out).
 *
 * Codec planning values come from ITU-T G.113 Appendix I. The result is a planning estimate
 * (MOS-CQE), not a listening test.
 */

/** R with every G.107 parameter at its default value. */
export const DEFAULT_R = 93.2;

/**
 * G.107 Annex B: R -> MOS-CQE. R <= 0 gives 1, R >= 100 gives 4.5, and the cubic in between.
 * The cubic dips to ~0.99 for 0 < R < 6.5; the result is floored at 1 because MOS is defined
 * on 1..5 and a score below "bad" carries no meaning (baresip reports the raw 0.990).
 *
 * @example rToMos(93.2) // 4.409... ; rToMos(50) // 2.575
 */
export function rToMos(r: number): number {
  if (Number.isNaN(r)) return Number.NaN;
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.max(mos, 1);
}

/**
 * G.107 effective equipment impairment: Ie,eff = Ie + (95 - Ie) * Ppl / (Ppl / BurstR + Bpl).
 * Ppl is the packet-loss probability in percent; BurstR = 1 for random (independent) loss and
 * > 1 for bursty loss. Loss is clamped to 0..100 because the formula is only defined there.
 *
 * @example effectiveEquipmentImpairment(0, 4.3, 2) // 30.158... (G.711 without PLC, 2 % loss)
 */
export function effectiveEquipmentImpairment(
  ie: number,
  bpl: number,
  pplPercent: number,
  burstR = 1,
): number {
  const ppl = Math.min(Math.max(pplPercent, 0), 100);
  if (ppl === 0) return ie;
  const br = burstR > 0 ? burstR : 1;
  return ie + ((95 - ie) * ppl) / (ppl / br + bpl);
}

/**
 * Delay impairment Id, using the Cole & Rosenbluth (2001) simplification of G.107 Idd/Idte:
 * Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3), d = one-way mouth-to-ear delay in ms.
 * It assumes echo is perfectly cancelled, which matches a monitored VoIP path better than the
 * full Idte term (that needs TELR, which a probe cannot see).
 *
 * @example delayImpairment(100) // 2.4 ; delayImpairment(200) // 4.8 + 2.497 = 7.297
 */
export function delayImpairment(oneWayMs: number): number {
  const d = Math.max(oneWayMs, 0);
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0);
}

/** A codec's G.113 Appendix I planning values. */
export interface CodecImpairment {
  readonly id: string;
  readonly description: string;
  /** Equipment impairment factor Ie (G.113 Table I.1). */
  readonly ie: number;
  /** Packet-loss robustness factor Bpl (G.113 Table I.3). */
  readonly bpl: number;
}

/**
 * Narrowband codecs with both Ie and Bpl published in G.113 Appendix I. Opus and G.722 are left
 * out on purpose: G.113 only gives them wideband Ie,WB values on the extended R scale of
 * G.107.1 (R up to 129), which cannot be mixed with the narrowband 0..100 scale used here.
 */
export const CODECS = {
  g711: { id: 'g711', description: 'G.711 without packet-loss concealment', ie: 0, bpl: 4.3 },
  g711_plc: { id: 'g711_plc', description: 'G.711 with PLC (G.711 Appendix I)', ie: 0, bpl: 25.1 },
  g729a_vad: { id: 'g729a_vad', description: 'G.729A with VAD, 8 kbit/s', ie: 11, bpl: 19.0 },
  g723_1_6k3: { id: 'g723_1_6k3', description: 'G.723.1 6.3 kbit/s with VAD', ie: 15, bpl: 16.1 },
} as const satisfies Record<string, CodecImpairment>;

export type CodecId = keyof typeof CODECS;

/**
 * Map a codec name as it appears in SDP (rtpmap encoding name), CDRs or PBX config to a G.113
 * entry. Case, dots, dashes, underscores and spaces are ignored. Unknown names give undefined
 * rather than a guess, because a wrong Ie silently shifts every MOS.
 *
 * Judgement call: plain G.711 names (PCMU, PCMA, G711, ulaw, alaw) map to the PLC entry, since
 * nearly every current endpoint (WebRTC NetEq, desk phones, FreeSWITCH) conceals loss; ask for
 * `g711` / `g711-noplc` explicitly to get Bpl 4.3. `g729`/`g729a` map to the G.729A+VAD entry,
 * the only G.729 row with a Bpl in G.113.
 *
 * @example codecImpairment('PCMU')?.bpl // 25.1 ; codecImpairment('g729')?.ie // 11
 */
export function codecImpairment(name: string): CodecImpairment | undefined {
  if (typeof name !== 'string') return undefined;
  const key = name.toLowerCase().replace(/[\s._\-/]/g, '');
  switch (key) {
    case 'pcmu':
    case 'pcma':
    case 'g711':
    case 'g711u':
    case 'g711a':
    case 'g711ulaw':
    case 'g711alaw':
    case 'g711mulaw':
    case 'ulaw':
    case 'alaw':
    case 'mulaw':
    case 'g711plc':
      return CODECS.g711_plc;
    case 'g711noplc':
    case 'g711nplc':
      return CODECS.g711;
    case 'g729':
    case 'g729a':
    case 'g729ab':
    case 'g729b':
    case 'g729avad':
      return CODECS.g729a_vad;
    case 'g723':
    case 'g7231':
    case 'g72316k3':
    case 'g723163':
      return CODECS.g723_1_6k3;
    default:
      return undefined;
  }
}

/** Network measurements for {@link mosFromNetwork}. */
export interface NetworkSample {
  /** Codec name (see {@link codecImpairment}) or an explicit G.113 entry. */
  codec: string | CodecImpairment;
  /** Packet loss in percent (0..100) as seen after the jitter buffer, i.e. late packets included. */
  lossPercent: number;
  /** Interarrival jitter in ms (RFC 3550 J converted to ms). */
  jitterMs: number;
  /** Round-trip time in ms (for example from RTCP, see rttFromRtcp). */
  rttMs: number;
  /** G.107 BurstR; 1 (default) for random loss. */
  burstR?: number;
}

/** Breakdown of an E-model estimate, so a dashboard can show which term cost the points. */
export interface EModelResult {
  r: number;
  mos: number;
  /** Delay impairment Id. */
  id: number;
  /** Effective equipment impairment Ie,eff. */
  ieEff: number;
  /** The one-way delay used for Id, in ms. */
  oneWayDelayMs: number;
}

/**
 * R = 93.2 - Id - Ie,eff, then MOS via {@link rToMos}.
 *
 * Assumption for the one-way delay: d = rtt/2 + 2 * jitter. Half the RTT is the network path
 * (assumed symmetric); an adaptive jitter buffer typically holds about twice the measured
 * jitter (the same factor the PingPlotter/baresip formula uses). Codec framing, packetization
 * and playout device delay are not included, because a network probe cannot measure them, so
 * the estimate is optimistic by that fixed amount.
 *
 * Returns undefined for an unknown codec name or a non-finite measurement.
 *
 * @example mosFromNetwork({ codec: 'PCMU', lossPercent: 0, jitterMs: 0, rttMs: 0 })?.mos // 4.41
 */
export function mosFromNetwork(sample: NetworkSample): EModelResult | undefined {
  const codec = typeof sample.codec === 'string' ? codecImpairment(sample.codec) : sample.codec;
  if (codec === undefined) return undefined;
  const { lossPercent, jitterMs, rttMs } = sample;
  if (!Number.isFinite(lossPercent) || !Number.isFinite(jitterMs) || !Number.isFinite(rttMs))
    return undefined;
  const oneWayDelayMs = Math.max(0, rttMs) / 2 + 2 * Math.max(0, jitterMs);
  const id = delayImpairment(oneWayDelayMs);
  const ieEff = effectiveEquipmentImpairment(codec.ie, codec.bpl, lossPercent, sample.burstR ?? 1);
  const r = DEFAULT_R - id - ieEff;
  return { r, mos: rToMos(r), id, ieEff, oneWayDelayMs };
}

/**
 * The simplified PingPlotter formula used by baresip (src/mos.c, after Algorithm::MOS):
 * EL = rtt + 2 * jitter + 10; R = 93.2 - EL/40 if EL < 160 else 93.2 - (EL - 120)/10;
 * R -= 2.5 * loss; R clamped to 0..100; MOS from the G.107 cubic. Kept for comparison with
 * tools that report this number; prefer {@link mosFromNetwork}.
 *
 * Differs from baresip only below R = 6.5, where {@link rToMos} floors MOS at 1.
 *
 * @example simpleMos({ rttMs: 0, jitterMs: 0, lossPercent: 0 }) // { r: 92.95, mos: 4.404... }
 */
export function simpleMos(input: { rttMs: number; jitterMs: number; lossPercent: number }): {
  r: number;
  mos: number;
} {
  const el = input.rttMs + 2 * input.jitterMs + 10;
  let r = el < 160 ? DEFAULT_R - el / 40 : DEFAULT_R - (el - 120) / 10;
  r -= 2.5 * input.lossPercent;
  r = Math.min(Math.max(r, 0), 100);
  return { r, mos: rToMos(r) };
}
