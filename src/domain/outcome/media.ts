/**
 * Media scoring, decided once: what a `media.report` measured, and a call's MOS or why it has
 * none. The media pack (histogram or `media_mos_unavailable_total`), the store sink and the trace
 * sink all call these, so a report without loss data is "unavailable" everywhere rather than
 * scored as lossless in one place.
 *
 * Each is also computed once where several listeners ask for the same answer: the bus hands a
 * report to every listener in turn, and the store and trace sinks both score it, then the media
 * pack scores the call at its end, from the same figures when the call had one report. The last
 * answer is kept with the values it was computed from (compared, not the event's identity, so an
 * event changed and emitted again is scored again), and shared, frozen. Scoring a report three
 * times was ~1.3 KB of garbage and three codec-name regexes per report in the ingest bench.
 */
import type { MOS_UNAVAILABLE } from '../labels.js';
import { type CodecImpairment, codecImpairment, mosFromNetwork } from '../standards/emodel.js';
import { rttFromRtcp } from '../standards/rtp.js';

/**
 * The fields of a `media.report` event that scoring reads (src/events/schemas/media.ts defines the
 * event; it is this shape, so the bus's events are passed as they are). Declared here because
 * domain/ imports nothing from the layers above it.
 */
export interface MediaReport {
  readonly codec?: string | undefined;
  readonly clockRate?: number | undefined;
  readonly packetsReceived?: number | undefined;
  readonly packetsLost?: number | undefined;
  readonly fractionLost?: number | undefined;
  readonly jitter?: number | undefined;
  readonly jitterMs?: number | undefined;
  readonly rttMs?: number | undefined;
  readonly rtcp?: { readonly arrival: number; readonly lsr: number; readonly dlsr: number } | undefined;
}

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
 * @example reportMeasures({ fractionLost: 64 }).lossPercent // 25
 */
export function reportMeasures(e: MediaReport): ReportMeasures {
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
  | { readonly mos: number; readonly codec: CodecImpairment }
  | { readonly mos: undefined; readonly unavailable: (typeof MOS_UNAVAILABLE)[number] };

const UNKNOWN_CODEC: MediaScore = Object.freeze({ mos: undefined, unavailable: 'unknown_codec' });
const NO_LOSS_DATA: MediaScore = Object.freeze({ mos: undefined, unavailable: 'no_loss_data' });

// codecImpairment normalises the name with a regex; a media stack repeats a handful of names.
const codecs = new Map<string, CodecImpairment | undefined>();
function impairmentOf(codec: string): CodecImpairment | undefined {
  if (codecs.has(codec)) return codecs.get(codec);
  const found = codecImpairment(codec);
  if (codecs.size < 64) codecs.set(codec, found);
  return found;
}

/** The last score and what it was computed from. */
const lastScore = {
  codec: undefined as string | CodecImpairment | undefined,
  lossPercent: undefined as number | undefined,
  jitterMs: undefined as number | undefined,
  rttMs: undefined as number | undefined,
  score: UNKNOWN_CODEC as MediaScore,
};

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
  const l = lastScore;
  if (l.codec === codec && l.lossPercent === lossPercent && l.jitterMs === jitterMs && l.rttMs === rttMs) {
    return l.score;
  }
  l.score = score(codec, lossPercent, jitterMs, rttMs);
  l.codec = codec;
  l.lossPercent = lossPercent;
  l.jitterMs = jitterMs;
  l.rttMs = rttMs;
  return l.score;
}

function score(
  codec: string | CodecImpairment | undefined,
  lossPercent: number | undefined,
  jitterMs: number | undefined,
  rttMs: number | undefined,
): MediaScore {
  const impairment = typeof codec === 'string' ? impairmentOf(codec) : codec;
  if (impairment === undefined) return UNKNOWN_CODEC;
  if (lossPercent === undefined) return NO_LOSS_DATA;
  const r = mosFromNetwork({ codec: impairment, lossPercent, jitterMs: jitterMs ?? 0, rttMs: rttMs ?? 0 });
  if (r === undefined) return NO_LOSS_DATA;
  return Object.freeze({ mos: r.mos, codec: impairment });
}

/** A report's measures and MOS, as the store keeps them and a call span shows them. */
export interface ReportScore {
  readonly mos: number;
  readonly jitterMs: number;
  readonly lossPercent: number;
  readonly rttMs?: number;
}

/** The last report scored: the fields its score reads, and the score. */
const lastReport = {
  codec: undefined as string | undefined,
  packetsReceived: undefined as number | undefined,
  packetsLost: undefined as number | undefined,
  fractionLost: undefined as number | undefined,
  jitterMs: undefined as number | undefined,
  jitter: undefined as number | undefined,
  clockRate: undefined as number | undefined,
  rttMs: undefined as number | undefined,
  /** The RTCP fields (all three present or none). */
  arrival: undefined as number | undefined,
  lsr: undefined as number | undefined,
  dlsr: undefined as number | undefined,
  score: undefined as ReportScore | undefined,
  /** False until a report was scored (an empty memo must not match a report of all-absent fields). */
  set: false,
};

/**
 * Loss, jitter, RTT and E-model MOS of one report; undefined when the report cannot be scored
 * (unknown codec, no loss data), as the media pack decides.
 * @example reportScore({ codec: 'PCMU', packetsReceived: 99, packetsLost: 1 })?.mos // 4.27
 */
export function reportScore(e: MediaReport): ReportScore | undefined {
  const l = lastReport;
  const rtcp = e.rtcp;
  if (
    l.set &&
    l.codec === e.codec &&
    l.packetsReceived === e.packetsReceived &&
    l.packetsLost === e.packetsLost &&
    l.fractionLost === e.fractionLost &&
    l.jitterMs === e.jitterMs &&
    l.jitter === e.jitter &&
    l.clockRate === e.clockRate &&
    l.rttMs === e.rttMs &&
    l.arrival === rtcp?.arrival &&
    l.lsr === rtcp?.lsr &&
    l.dlsr === rtcp?.dlsr
  ) {
    return l.score;
  }
  const m = reportMeasures(e);
  const q = scoreMedia(e.codec, m.lossPercent, m.jitterMs, m.rttMs);
  let out: ReportScore | undefined;
  if (q.mos !== undefined && m.lossPercent !== undefined) {
    out = Object.freeze(
      m.rttMs === undefined
        ? { mos: q.mos, jitterMs: m.jitterMs ?? 0, lossPercent: m.lossPercent }
        : { mos: q.mos, jitterMs: m.jitterMs ?? 0, lossPercent: m.lossPercent, rttMs: m.rttMs },
    );
  }
  l.codec = e.codec;
  l.packetsReceived = e.packetsReceived;
  l.packetsLost = e.packetsLost;
  l.fractionLost = e.fractionLost;
  l.jitterMs = e.jitterMs;
  l.jitter = e.jitter;
  l.clockRate = e.clockRate;
  l.rttMs = e.rttMs;
  l.arrival = rtcp?.arrival;
  l.lsr = rtcp?.lsr;
  l.dlsr = rtcp?.dlsr;
  l.score = out;
  l.set = true;
  return out;
}
