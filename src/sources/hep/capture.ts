import {
  HEP_MAX_CLOCK_SKEW_MS,
  HEP_REORDER_WINDOW_MS,
  HEP_ROUTE_WAIT_MS,
} from '../../config/source-defaults.js';
import { STORE_LIMITS } from '../../domain/limits.js';
import { MEDIA_STREAMS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import { CallMedia } from './call-state.js';
import { decodeHepInto, emptyPacket, type RawHepPacket } from './decode.js';
import type { Captured } from './exchanges.js';
import { MediaReports, reportedStream } from './media-reports.js';
import { type Held, Reorder } from './reorder.js';
import { RouteWait } from './route-wait.js';
import { jsonRtcp, type MediaReport, parseRtcp, vqRtcpXr } from './rtcp.js';
import { parseSip, type SipMessage } from './sip.js';
import { HepTracker, type HepTrackerOptions } from './tracker.js';

/** What became of a packet: the `result` label of `<prefix>_hep_packets_total`. */
export const HEP_RESULTS = [
  'sip',
  'rtcp',
  'ignored',
  'malformed_hep',
  'malformed_sip',
  'malformed_rtcp',
  'unauthorized',
] as const;
export type HepResultLabel = (typeof HEP_RESULTS)[number];

/** Which bound a capture timestamp was pulled back to: the `direction` of `<prefix>_hep_timestamps_clamped_total`. */
export const HEP_CLAMP_DIRECTIONS = ['future', 'past'] as const;

export interface HepCaptureOptions extends HepTrackerOptions {
  /** How late a message may arrive, relative to one captured after it, and still be placed in order. */
  reorderWindowMs?: number;
  /** Messages held by the reorder window at once (all calls); default 65 536. */
  maxHeld?: number;
  /** Payload bytes held by the reorder window at once; default 32 MiB. */
  maxHeldBytes?: number;
  /** Capture timestamps are clamped to receipt time +- this; default 300 000 ms. */
  maxClockSkewMs?: number;
  /** Capture password check; true lets the packet through. */
  authorized?: (password: string | undefined) => boolean;
}

/** Spare {@link Held}s kept (the reorder window's usual size, 200 ms of a busy proxy's copies). */
const SPARE_HELD = 1024;

/** Messages of one call held at once by the reorder window (and by the route wait). */
const PER_CALL_HELD = 64;

/** Calls waiting for their route at once (route-wait.ts): 2 s of 2,000 new calls a second. */
const ROUTE_WAIT_CALLS = 4096;

/**
 * The packet path of the HEP source: decode, clamp the capture time, parse, hold in the reorder
 * window, then track (tracker.ts) and turn RTCP into reports (media-reports.ts). Never throws: a bad
 * packet is counted by what was wrong with it.
 * @example
 * const capture = new HepCapture(bus, { trunks });
 * capture.handle(datagram, Date.now());
 * setInterval(() => capture.tick(Date.now()), 100);
 */
export class HepCapture {
  readonly tracker: HepTracker;
  readonly reorder: Reorder;
  /** Calls whose first INVITE waits for its route, after the window (route-wait.ts). */
  readonly routes: RouteWait;
  readonly media = new MediaReports();
  /** Packets by result since start. */
  readonly counts: Record<HepResultLabel, number> = {
    sip: 0,
    rtcp: 0,
    ignored: 0,
    malformed_hep: 0,
    malformed_sip: 0,
    malformed_rtcp: 0,
    unauthorized: 0,
  };
  /** Capture timestamps pulled back to receipt time +- maxClockSkewMs. */
  readonly clamped = { future: 0, past: 0 };
  private readonly maxSkew: number;
  /** Held messages handed on, for the next packets: in steady state holding allocates nothing. */
  private readonly spare: Held[] = [];
  /** The packet each datagram is decoded into: read before the next, never kept. */
  private readonly packet = emptyPacket();
  private readonly captured: Captured = {
    msg: undefined as unknown as SipMessage,
    ts: 0,
    srcIp: '',
    dstIp: '',
    srcPort: 0,
    dstPort: 0,
    match: undefined,
    legMatch: undefined,
  };

  constructor(
    private readonly bus: EventBus,
    private readonly options: HepCaptureOptions = {},
  ) {
    this.tracker = new HepTracker(bus, options);
    this.maxSkew = options.maxClockSkewMs ?? HEP_MAX_CLOCK_SKEW_MS;
    this.routes = new RouteWait(
      (h) => this.deliver(h),
      (callId) => this.tracker.get(callId) !== undefined,
      {
        waitMs: options.trunks === undefined ? 0 : HEP_ROUTE_WAIT_MS,
        maxCalls: ROUTE_WAIT_CALLS,
        perCallMax: PER_CALL_HELD,
      },
      () => this.tracker.overflow.route++,
    );
    this.reorder = new Reorder(
      (h) => this.routes.take(h),
      (ms) => this.tracker.advance(ms),
      (callId) => this.tracker.get(callId),
      {
        windowMs: options.reorderWindowMs ?? HEP_REORDER_WINDOW_MS,
        maxHeld: options.maxHeld ?? 65_536,
        maxHeldBytes: options.maxHeldBytes ?? 32 << 20,
        perCallMax: PER_CALL_HELD,
      },
      () => this.tracker.overflow.reorder++,
    );
  }

  /** Run the window and the timers to receipt time `now` (a few times a second). */
  tick(now: number): void {
    this.routes.now = now;
    this.reorder.release(now);
    this.routes.release(now);
    this.tracker.advance(this.reorder.watermark / 1000);
  }

  /** Receipt time (ms) when something held is due whatever arrives; undefined: nothing held. */
  get nextDue(): number | undefined {
    const held = this.reorder.nextDue;
    const waiting = this.routes.nextDue;
    return held === undefined ? waiting : waiting === undefined || held < waiting ? held : waiting;
  }

  /** Is this call tracked, or waiting for its route to be? */
  tracks(callId: string): boolean {
    return this.tracker.get(callId) !== undefined || this.routes.has(callId);
  }

  /** Hand on everything held and run the timers to capture time `to` (end of a replay). */
  drain(to: number): void {
    this.reorder.flush();
    this.routes.flush();
    this.tracker.advance(to);
  }

  /**
   * One HEP packet (a UDP datagram or a framed TCP packet) received at `now`. Returns its result.
   * @example capture.handle(datagram, Date.now()) // 'sip'
   */
  handle(buf: Buffer, now: number): HepResultLabel {
    const p = this.packet;
    if (decodeHepInto(buf, p) !== undefined) return this.count('malformed_hep');
    if (this.options.authorized !== undefined && !this.options.authorized(p.password))
      return this.count('unauthorized');
    const ts = this.captureTime(p.tsMicros, p.ts, now);
    this.routes.now = now;
    if (p.type === 1) {
      const msg = parseSip(p.data, p.payloadAt, p.payloadEnd);
      if (msg === undefined) return this.count('malformed_sip');
      this.reorder.push(this.held(ts, msg.callId, msg, undefined, p), now);
      return this.count('sip');
    }
    if (p.type === 5 || p.type === 34 || p.type === 35) {
      const payload = p.data.subarray(p.payloadAt, p.payloadEnd);
      const packet =
        payload[0] === 0x7b // '{': the JSON form of capture agents
          ? jsonRtcp(payload.toString('utf8'))
          : parseRtcp(payload);
      if (packet === undefined) return this.count('malformed_rtcp');
      const held = this.held(ts, p.correlationId ?? '', undefined, packet, p);
      // A report that names no call has no order to keep.
      if (p.correlationId === undefined) this.deliver(held);
      else this.reorder.push(held, now);
      return this.count('rtcp');
    }
    return this.count('ignored');
  }

  private count(result: HepResultLabel): HepResultLabel {
    this.counts[result]++;
    return result;
  }

  /**
   * Capture time in microseconds: as stamped, unless it is before 2000 (an agent without a clock:
   * receipt time) or further than maxClockSkewMs from receipt (clamped to that bound, counted): one
   * capture's future stamps gave an ACD of 1,685,499,240 s (issue 35).
   */
  private captureTime(us: number, ms: number, now: number): number {
    if (ms < STORE_LIMITS.tsMin) return now * 1000;
    if (ms > now + this.maxSkew) {
      this.clamped.future++;
      return (now + this.maxSkew) * 1000;
    }
    if (ms < now - this.maxSkew) {
      this.clamped.past++;
      return (now - this.maxSkew) * 1000;
    }
    return us;
  }

  private held(
    ts: number,
    callId: string,
    msg: SipMessage | undefined,
    rtcp: Held['rtcp'],
    p: RawHepPacket,
  ): Held {
    // Trunk rules are matched on each copy of a request that can open a call or an exchange; the
    // reorder window shares a match among the held copies of one request.
    const match =
      msg !== undefined && msg.code === 0 && msg.toTag === '' && msg.method !== 'ACK'
        ? this.tracker.match(msg, p.srcIp, p.dstIp)
        : undefined;
    const h = this.spare.pop();
    if (h === undefined) {
      return {
        wake: ts,
        heapAt: -1,
        ringAt: -1,
        tie: 0,
        ts,
        callId,
        msg,
        rtcp,
        srcIp: p.srcIp,
        dstIp: p.dstIp,
        srcPort: p.srcPort,
        dstPort: p.dstPort,
        match,
        shared: match,
        bytes: p.payloadEnd - p.payloadAt,
        next: undefined,
        prev: undefined,
        call: undefined,
        due: 0,
        later: undefined,
        earlier: undefined,
        waitNext: undefined,
      };
    }
    // The reorder window set heapAt, ringAt, tie, next, prev and call back when it handed it on.
    h.wake = ts;
    h.ts = ts;
    h.callId = callId;
    h.msg = msg;
    h.rtcp = rtcp;
    h.srcIp = p.srcIp;
    h.dstIp = p.dstIp;
    h.srcPort = p.srcPort;
    h.dstPort = p.dstPort;
    h.match = match;
    h.shared = match;
    h.bytes = p.payloadEnd - p.payloadAt;
    return h;
  }

  /** A held message's turn came (or it could not wait): used, then kept for a next packet. */
  private deliver(h: Held): void {
    this.use(h);
    if (this.spare.length < SPARE_HELD) {
      // Nothing kept alive by a spare: its message, report and matches go now.
      h.msg = undefined;
      h.rtcp = undefined;
      h.match = undefined;
      h.shared = undefined;
      h.heapAt = -1;
      h.ringAt = -1;
      this.spare.push(h);
    }
  }

  private use(h: Held): void {
    const ts = h.wake / 1000;
    const msg = h.msg;
    if (msg !== undefined) {
      // One Captured for every message: the tracker reads it and keeps none of it (no object a message).
      const c = this.captured;
      c.msg = msg;
      c.ts = ts;
      c.srcIp = h.srcIp;
      c.dstIp = h.dstIp;
      c.srcPort = h.srcPort;
      c.dstPort = h.dstPort;
      c.match = h.shared;
      c.legMatch = h.match;
      const fresh = this.tracker.message(c);
      // Once per report: the second proxy leg and retransmissions repeat the same PUBLISH.
      if (
        fresh &&
        msg.code === 0 &&
        msg.method === 'PUBLISH' &&
        msg.contentType.startsWith('application/vq-rtcpxr')
      )
        this.vq(msg, ts);
      return;
    }
    const packet = h.rtcp;
    if (packet === undefined) return;
    this.tracker.rtcpSeen(ts);
    const callId = h.callId === '' ? undefined : h.callId;
    const s = callId === undefined ? undefined : this.tracker.get(callId);
    for (const report of this.media.of(packet, s, callId, h.srcIp, h.srcPort, ts)) this.bus.emit(report);
  }

  /** An RFC 6035 report PUBLISHed in SIP: the stream it describes is the one its sender received. */
  private vq(msg: SipMessage, ts: number): void {
    const vq = vqRtcpXr(msg.body, msg.callId);
    if (vq === undefined) return;
    const report: MediaReport = { ...vq.report, ts: Math.floor(ts) };
    const s = this.tracker.get(report.callId as string);
    if (s !== undefined) {
      if (report.codec === undefined && s.codec !== undefined) report.codec = s.codec;
      if (vq.localIp !== undefined) {
        const m = s.media ?? new CallMedia();
        s.media = m;
        const stream = reportedStream(m, vq.localIp, vq.localPort);
        if (stream > 0) {
          m.reported |= stream;
          report.stream = MEDIA_STREAMS[stream - 1];
        }
      }
    }
    this.bus.emit(report);
  }
}
