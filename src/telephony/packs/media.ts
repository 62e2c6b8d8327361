import { MOS_CODECS, MOS_UNAVAILABLE } from '../../domain/labels.js';
import { scoreMedia } from '../../domain/outcome/media.js';
import { rttFromRtcp } from '../../domain/standards/rtp.js';
import { CODECS, MEDIA_ANOMALIES, MEDIA_STREAMS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import type { Registry } from '../../metrics/index.js';
import { type PackBase, PackMetrics, type PackOptions, resolveOptions, wire } from '../pack.js';
import { Enum } from '../table.js';
import { Tracker } from '../tracker.js';

/** What one report measured, in base units; undefined = not measured. */
export interface MediaSample {
  packetsReceived?: number | undefined;
  packetsLost?: number | undefined;
  packetsSent?: number | undefined;
  /** 0..1 */
  lossRatio?: number | undefined;
  jitterSeconds?: number | undefined;
  rttSeconds?: number | undefined;
}

/** Sums of reports for a MOS: the call's, or one direction's. */
interface Sums {
  received: number;
  lost: number;
  fractionSum: number;
  fractionN: number;
  jitterSum: number;
  jitterN: number;
  rttSum: number;
  rttN: number;
}

/** Per-call sums for the call's MOS, and per direction when reports say which. */
interface CallMedia extends Sums {
  at: number;
  codec: string | undefined;
  streams: [Sums | undefined, Sums | undefined];
}

export const sums = (): Sums => ({
  received: 0,
  lost: 0,
  fractionSum: 0,
  fractionN: 0,
  jitterSum: 0,
  jitterN: 0,
  rttSum: 0,
  rttN: 0,
});

/**
 * A call's sums: the sums' literal, then its three fields set one by one, which share one
 * transition from the literal's map. The object spread this replaced, `{ ...sums(), at, codec,
 * streams }`, made three new hidden classes for every call once its clone IC was warm (V8 11's
 * `--log-maps`: 60 new maps a second at 20 calls a second, 0-12 after), each dying with its call
 * and leaving this pack's property reads megamorphic. On the Pi bench's 20 calls/s the sidecar
 * took 0.95x the CPU an event it took with the spread (12 windows, each build first in 6:
 * 0.90-1.03, lower in 10; issue 51).
 */
export function callSums(at: number, codec: string | undefined): CallMedia {
  const c = sums() as CallMedia;
  c.at = at;
  c.codec = codec;
  c.streams = [undefined, undefined];
  return c;
}

/** Overall loss of the sums, percent; undefined when nothing measured loss. */
function lossPercentOf(c: Sums): number | undefined {
  const expected = c.received + c.lost;
  if (expected > 0) return (c.lost * 100) / expected;
  return c.fractionN > 0 ? (c.fractionSum * 100) / (256 * c.fractionN) : undefined;
}

function add(
  c: Sums,
  e: EventOf<'media.report'>,
  jitterMs: number | undefined,
  rttMs: number | undefined,
): void {
  if (e.packetsReceived !== undefined || e.packetsLost !== undefined) {
    c.received += e.packetsReceived ?? 0;
    c.lost += e.packetsLost ?? 0;
  } else if (e.fractionLost !== undefined) {
    c.fractionSum += e.fractionLost;
    c.fractionN++;
  }
  if (jitterMs !== undefined) {
    c.jitterSum += jitterMs;
    c.jitterN++;
  }
  if (rttMs !== undefined) {
    c.rttSum += rttMs;
    c.rttN++;
  }
}

export interface MediaPack extends PackBase {
  /** Record one report's measurements (counters and per-report histograms). */
  report(sample: MediaSample): void;
  /** Score one call: E-model MOS into the histogram, or an unavailable reason. Returns the MOS. */
  score(
    codec: string | undefined,
    lossPercent: number | undefined,
    jitterMs: number,
    rttMs: number,
  ): number | undefined;
}

/**
 * Media quality from RTCP-derived reports: packets and loss (RFC 3550 6.4.1 fraction lost),
 * jitter (J / clock rate), RTT (A - LSR - DLSR) per report, and one MOS per call from the
 * E-model (G.107 with G.113 Ie/Bpl and the delay term) when the call ends or its final report
 * arrives. The call MOS uses the call's overall loss and mean jitter and RTT.
 * @example
 * const media = mediaPack(registry);
 * media.subscribe(bus);
 * bus.emit({ type: 'media.report', codec: 'PCMU', packetsReceived: 980, packetsLost: 20, jitterMs: 12, rttMs: 80 });
 */
export function mediaPack(registry: Registry, options: PackOptions = {}): MediaPack {
  const o = resolveOptions(options);
  const m = new PackMetrics(registry, o, 'media');
  const codecs = new Enum(MOS_CODECS);
  const unavailableReasons = new Enum(MOS_UNAVAILABLE);
  const reports = m.counter('media_reports_total').at();
  const invalid = m.counter('media_reports_invalid_total').at();
  const received = m.counter('media_packets_received_total').at();
  const lost = m.counter('media_packets_lost_total').at();
  const sent = m.counter('media_packets_sent_total').at();
  const codecCalls = m.gauge('media_codec_calls');
  const callCodecs = new Enum(CODECS);
  // Calls per codec: a call counts under its codec from media.codec until call.ended (or eviction).
  const codecOf = new Tracker<{ at: number; codec: number }>(o.maxTracked, o.maxAgeSeconds * 1000, (c) =>
    codecCalls.at(c.codec).dec(),
  );
  function onCodec(e: EventOf<'media.codec'>): void {
    const codec = callCodecs.of(e.codec.toLowerCase());
    const prev = codecOf.get(e.callId);
    if (prev !== undefined) {
      if (prev.codec === codec) return;
      codecCalls.at(prev.codec).dec();
      prev.codec = codec;
    } else if (!codecOf.add(e.callId, { at: o.now(), codec }, o.now())) return;
    codecCalls.at(codec).inc();
  }
  const loss = m.histogram('media_loss_ratio').at();
  const jitter = m.histogram('media_jitter_seconds').at();
  const rtt = m.histogram('media_rtt_seconds').at();
  const mos = m.histogram('media_mos');
  const unavailable = m.counter('media_mos_unavailable_total');
  const streamLoss = m.histogram('media_stream_loss_ratio');
  const streamJitter = m.histogram('media_stream_jitter_seconds');
  const streamMos = m.histogram('media_stream_mos');
  const anomalies = m.counter('media_anomalies_total');
  const streams = new Enum(MEDIA_STREAMS);
  const anomalyKinds = new Enum(MEDIA_ANOMALIES);
  // Calls whose end never arrives are still scored when evicted: the reports were real.
  const calls = new Tracker<CallMedia>(o.maxTracked, o.maxAgeSeconds * 1000, (c) => scoreCall(c));

  function scoreCall(c: CallMedia): void {
    const rtt = c.rttN > 0 ? c.rttSum / c.rttN : 0;
    pack.score(c.codec, lossPercentOf(c), c.jitterN > 0 ? c.jitterSum / c.jitterN : 0, rtt);
    // Each direction on its own loss and jitter; the round trip is the call's (it spans both).
    for (let i = 0; i < 2; i++) {
      const d = c.streams[i];
      if (d === undefined) continue;
      const s = scoreMedia(c.codec, lossPercentOf(d), d.jitterN > 0 ? d.jitterSum / d.jitterN : 0, rtt);
      if (s.mos !== undefined) streamMos.at(i).observe(s.mos);
    }
  }

  function onReport(e: EventOf<'media.report'>): void {
    const jitterMs =
      e.jitterMs ?? (e.jitter === undefined ? undefined : (e.jitter * 1000) / (e.clockRate ?? 8000));
    const rttSeconds =
      e.rttMs !== undefined
        ? e.rttMs / 1000
        : e.rtcp === undefined
          ? undefined
          : (rttFromRtcp(e.rtcp.arrival, e.rtcp.lsr, e.rtcp.dlsr) ?? undefined);
    const expected = (e.packetsReceived ?? 0) + (e.packetsLost ?? 0);
    const lossRatio =
      e.packetsLost !== undefined && expected > 0
        ? e.packetsLost / expected
        : e.fractionLost === undefined
          ? undefined
          : e.fractionLost / 256;
    const sample: MediaSample = {
      packetsReceived: e.packetsReceived,
      packetsLost: e.packetsLost,
      packetsSent: e.packetsSent,
      lossRatio,
      jitterSeconds: jitterMs === undefined ? undefined : jitterMs / 1000,
      rttSeconds,
    };
    if (!validSample(sample)) return void invalid.inc();
    pack.report(sample);
    const stream = e.stream === undefined ? -1 : streams.of(e.stream);
    if (stream >= 0) {
      if (lossRatio !== undefined) streamLoss.at(stream).observe(lossRatio);
      if (sample.jitterSeconds !== undefined) streamJitter.at(stream).observe(sample.jitterSeconds);
    }
    const callId = e.callId;
    let c = callId === undefined ? undefined : calls.get(callId);
    if (c === undefined) {
      c = callSums(o.now(), e.codec);
      if (callId !== undefined) calls.add(callId, c, o.now());
    }
    if (e.codec !== undefined) c.codec = e.codec;
    const rttMs = rttSeconds === undefined ? undefined : rttSeconds * 1000;
    add(c, e, jitterMs, rttMs);
    if (stream >= 0) {
      const d = c.streams[stream] ?? sums();
      c.streams[stream] = d;
      add(d, e, jitterMs, undefined);
    }
    // No call id: the report is the whole call as far as we can tell.
    if (callId === undefined) scoreCall(c);
    else if (e.final === true) {
      calls.take(callId);
      scoreCall(c);
    }
  }

  const pack: MediaPack = {
    name: 'media',
    report(s) {
      // The same ranges the event schema enforces over HTTP and on the bus: a direct caller's bad
      // sample is dropped whole and counted, never half-recorded.
      if (!validSample(s)) return void invalid.inc();
      reports.inc();
      if (s.packetsReceived !== undefined) received.inc(s.packetsReceived);
      if (s.packetsLost !== undefined) lost.inc(s.packetsLost);
      if (s.packetsSent !== undefined) sent.inc(s.packetsSent);
      if (s.lossRatio !== undefined) loss.observe(s.lossRatio);
      if (s.jitterSeconds !== undefined) jitter.observe(s.jitterSeconds);
      if (s.rttSeconds !== undefined) rtt.observe(s.rttSeconds);
    },
    score(codec, lossPercent, jitterMs, rttMs) {
      // Decided by the one media scorer, which the store and trace sinks use too.
      const s = scoreMedia(codec, lossPercent, jitterMs, rttMs);
      if (s.mos === undefined) return void unavailable.at(unavailableReasons.of(s.unavailable)).inc();
      mos.at(codecs.of(s.codec.id)).observe(s.mos);
      return s.mos;
    },
    subscribe: (bus: EventBus) =>
      wire([
        bus.on('media.report', onReport),
        bus.on('media.codec', onCodec),
        bus.on('call.ended', (e) => {
          if (e.mediaAnomaly !== undefined) anomalies.at(anomalyKinds.of(e.mediaAnomaly)).inc();
          const c = calls.take(e.callId);
          if (c !== undefined) scoreCall(c);
          const k = codecOf.take(e.callId);
          if (k !== undefined) codecCalls.at(k.codec).dec();
        }),
      ]),
  };
  return pack;
}

const count = (v: number | undefined) => v === undefined || (Number.isInteger(v) && v >= 0);
const nonNegative = (v: number | undefined) => v === undefined || (Number.isFinite(v) && v >= 0);

/** A sample within the schema's ranges (loss 0..1, non-negative finite times and counts). */
function validSample(s: MediaSample): boolean {
  return (
    count(s.packetsReceived) &&
    count(s.packetsLost) &&
    nonNegative(s.jitterSeconds) &&
    nonNegative(s.rttSeconds) &&
    (s.lossRatio === undefined || (s.lossRatio >= 0 && s.lossRatio <= 1))
  );
}
