/**
 * Media scoring, decided once: what a `media.report` measured, and a call's MOS or why it has
 * none. The media pack (histogram or `media_mos_unavailable_total`), the store sink and the trace
 * sink all call these, so a report without loss data is "unavailable" everywhere rather than
 * scored as lossless in one place.
 */
import type { EventOf } from '../../events/types.js';
import type { MOS_UNAVAILABLE } from '../labels.js';
import { type CodecImpairment, codecImpairment, mosFromNetwork } from '../standards/emodel.js';
import { rttFromRtcp } from '../standards/rtp.js';

/** One report's measurements; undefined = not measured. */
export interface ReportMeasures {
  /** Loss in this report: from packet counts, else the RTCP fraction lost (RFC 3550 6.4.1). */
  lossPercent: number | undefined;
  jitterMs: number | undefined;
  rttMs: number | undefined;
}

/**
 * Measurements of one report: jitter from ms or RTP units (J / clock rate), RTT as given or
 * A - LSR - DLSR, loss from packet counts or the fraction lost.
 * @example reportMeasures({ type: 'media.report', fractionLost: 64 }).lossPercent // 25
 */
export function reportMeasures(e: EventOf<'media.report'>): ReportMeasures {
  const received = e.packetsReceived ?? 0;
  const lost = e.packetsLost ?? 0;
  const lossPercent =
    e.packetsLost !== undefined && received + lost > 0
      ? (100 * lost) / (received + lost)
      : e.fractionLost !== undefined
        ? (100 * e.fractionLost) / 256
        : undefined;
  const jitterMs =
    e.jitterMs ?? (e.jitter !== undefined ? (e.jitter * 1000) / (e.clockRate ?? 8000) : undefined);
  const rttSeconds = e.rtcp === undefined ? null : rttFromRtcp(e.rtcp.arrival, e.rtcp.lsr, e.rtcp.dlsr);
  const rttMs = e.rttMs ?? (rttSeconds === null ? undefined : rttSeconds * 1000);
  return { lossPercent, jitterMs, rttMs };
}

export type MediaScore =
  | { mos: number; codec: CodecImpairment }
  | { mos: undefined; unavailable: (typeof MOS_UNAVAILABLE)[number] };

/**
 * E-model MOS (G.107 with G.113 Ie/Bpl and the delay term), or why there is none: an unknown codec,
 * or no loss data (a MOS without loss would claim a lossless call). Jitter and RTT default to 0.
 * @example scoreMedia('PCMU', 0, 0, 0).mos // 4.41 ; scoreMedia('PCMU', undefined, 5, 40) // { unavailable: 'no_loss_data' }
 */
export function scoreMedia(
  codec: string | CodecImpairment | undefined,
  lossPercent: number | undefined,
  jitterMs: number | undefined,
  rttMs: number | undefined,
): MediaScore {
  const impairment = typeof codec === 'string' ? codecImpairment(codec) : codec;
  if (impairment === undefined) return { mos: undefined, unavailable: 'unknown_codec' };
  if (lossPercent === undefined) return { mos: undefined, unavailable: 'no_loss_data' };
  const r = mosFromNetwork({ codec: impairment, lossPercent, jitterMs: jitterMs ?? 0, rttMs: rttMs ?? 0 });
  if (r === undefined) return { mos: undefined, unavailable: 'no_loss_data' };
  return { mos: r.mos, codec: impairment };
}
