import { FLOW_SAMPLE } from '../../config/source-defaults.js';
import { STORE_LIMITS } from '../../domain/limits.js';
import { sipMethod } from '../../domain/standards/sip.js';
import { type Direction, MEDIA_ANOMALIES, MEDIA_STREAMS, SIP_TRANSPORTS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import {
  ACK_WAIT,
  CallMedia,
  CallState,
  DONE,
  type Leg,
  own,
  PROCEEDING,
  TRYING,
  transactionKey,
} from './call-state.js';
import { WakeHeap } from './deadlines.js';
import { type Captured, Exchanges } from './exchanges.js';
import { CallFlow, FLOW_MAX, keepFlow } from './flow.js';
import { hash32 } from './hash.js';
import { holdState, mediaEndpoint, sdpCodec } from './sdp.js';
import type { SipMessage } from './sip.js';
import type { TrunkMatch, Trunks } from './trunks.js';

/**
 * Turns captured SIP (both legs of a proxy, retransmissions included), handed on in capture order
 * by the reorder window (reorder.ts), into sidetone's typed events, once per fact:
 * - a request or response is emitted once per transaction (Call-ID, CSeq, method, code), however
 *   many legs and retransmissions the capture shows;
 * - only the first INVITE of a Call-ID starts a call; re-INVITEs and UPDATEs are session
 *   refreshes or hold changes, never new attempts; the INVITE that follows a 3xx or a 401/407 on
 *   the same Call-ID is the next step of the same attempt (RFC 3261 8.1.3.4, 22.2; RFC 6076 4.6
 *   counts the redirected INVITE out and the call by its last final response);
 * - 18x rings (PDD), 2xx answers, a final >= 300 ends the call with its code (487 after a CANCEL),
 *   BYE ends an answered one;
 * - timers B, F and H (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1) run per leg (Via branch) on capture
 *   time: a leg still Calling (B) or Trying/Proceeding (F) after 64*T1 is a transaction timeout, an
 *   INVITE leg whose 300-699 got no ACK within 64*T1 is one too (H); when no leg of a call heard
 *   anything, the call ends with `timeout: true`;
 * - REGISTER chains and OPTIONS keepalives are read by exchanges.ts (registrations, trunk status);
 * - RTCP of a call is told apart by direction from the SDP addresses, and an answered call is
 *   judged for one-way audio or no media `mediaTimeoutMs` after its answer.
 * It reports facts only: which outcome an end is, and every KPI, are decided downstream by the
 * call classifier in the packs.
 */

export interface HepTrackerOptions {
  /** Trunk rules (compiled); no rules: calls carry no trunk. */
  trunks?: Trunks | undefined;
  /** Timer B, F and H: 64*T1 = 32 s by default (RFC 3261 17.1.1.2, 17.1.2.2, 17.2.1). */
  timerBMs?: number;
  /** Most calls/transactions tracked at once (the oldest goes first, counted as `calls` overflow). */
  maxCalls?: number;
  /** Most registered addresses of record remembered (the oldest goes first, counted as `registrations`). */
  maxRegistrations?: number;
  /** How long an ended call is remembered to absorb retransmissions and late legs. */
  lingerMs?: number;
  /** A call older than this is forgotten even without an end (a lost BYE); default 4 h. */
  maxAgeMs?: number;
  /**
   * An answered call whose receivers reported no stream (or one direction only) this long after the
   * answer is flagged `no_media` (`one_way`) on its `call.ended`, while the capture carries RTCP.
   * Default 15 000 ms (three RTCP intervals, RFC 3550 6.2); 0 turns it off.
   */
  mediaTimeoutMs?: number;
  /**
   * Share of answered calls whose SIP flow (`sip.flow`, the ladder) is kept, 0..1; calls not
   * answered, timed out or with media missing are always kept. Default {@link FLOW_SAMPLE}.
   */
  flowSample?: number;
  /** Flow messages held at once over all tracked calls; past it messages are counted (`flow`), not kept. */
  maxFlowMessages?: number;
  /** Name put in `source` of every event. */
  source?: string;
}

/** The tracker's fixed capacities: the `limit` label of `<prefix>_hep_tracker_overflow_total`. */
export const HEP_TRACKER_LIMITS = ['calls', 'legs', 'refreshes', 'reorder', 'registrations', 'flow'] as const;
export type HepTrackerLimit = (typeof HEP_TRACKER_LIMITS)[number];

const TRANSPORTS: ReadonlySet<string> = new Set(SIP_TRANSPORTS);
/**
 * How long a challenged INVITE waits for its retry with credentials: the UA may have to ask its user
 * (a captured Grandstream phone took 32.5 s after a 407, research/sip aaa-sipps-cybercity). A 3xx
 * is followed by the UA itself, within timer B.
 */
const CHALLENGE_WAIT_MS = 180_000;

/** Without RTCP in the capture this long, no call is judged for missing media (it cannot be seen). */
const RTCP_SILENCE_MS = 300_000;

function dialogId(s: CallState, toTag: string): string {
  return `${s.callId};${s.fromTag};${toTag}`.slice(0, 512);
}

/**
 * @example
 * const tracker = new HepTracker(bus, { trunks: compileTrunks(rules) });
 * tracker.message({ msg: parseSip(payload)!, ts, srcIp, dstIp, match: undefined });
 * tracker.advance(captureNow); // timers due before it fire
 */
export class HepTracker {
  private readonly calls = new Map<string, CallState>();
  /** Each call's next deadline (timer B/F/H, follow-up, media, linger): one entry per call at most. */
  private readonly heap = new WakeHeap<CallState>();
  private readonly timerB: number;
  private readonly maxCalls: number;
  private readonly lingerMs: number;
  private readonly maxAgeMs: number;
  private readonly mediaTimeoutMs: number;
  private readonly trunks: Trunks | undefined;
  private readonly source: string;
  private readonly exchanges: Exchanges;
  private readonly flowSample: number;
  private readonly maxFlowMessages: number;
  /** Flow messages held by tracked calls now. */
  flowMessages = 0;
  /** Capture clock: the latest time timers were run to, ms. */
  clock = Number.NEGATIVE_INFINITY;
  /** The first call in insertion order when last looked (see age); undefined: look again. */
  private oldest: CallState | undefined;
  /** Bound once: advance runs for every message and allocates nothing. */
  private readonly wakeCall = (s: CallState): void => this.wake(s);
  /** Capture time of the last RTCP packet seen, ms. */
  private lastRtcp = Number.NEGATIVE_INFINITY;
  /** Messages that repeated a transaction already reported (retransmissions, other legs). */
  duplicates = 0;
  /** Responses, ACKs and CANCELs for nothing tracked (began before the capture, or the window missed the request). */
  strays = 0;
  /**
   * Times a fixed capacity was full: `calls` an open call forgotten early at `maxCalls`; `legs` a
   * Via branch not timed because 32 of its call's legs were still running; `refreshes` a refresh
   * forgotten because 4 of its call's refreshes were waiting for an answer; `reorder` a message
   * handed on before its time (source.ts counts it); `registrations` a binding forgotten; `flow` a
   * message left out of its call's flow (64 a call, or `maxFlowMessages` in all).
   */
  readonly overflow: Record<HepTrackerLimit, number> = {
    calls: 0,
    legs: 0,
    refreshes: 0,
    reorder: 0,
    registrations: 0,
    flow: 0,
  };

  constructor(
    private readonly bus: EventBus,
    options: HepTrackerOptions = {},
  ) {
    this.timerB = options.timerBMs ?? 32_000;
    this.maxCalls = options.maxCalls ?? 100_000;
    this.lingerMs = options.lingerMs ?? 32_000;
    this.maxAgeMs = options.maxAgeMs ?? 4 * 3600_000;
    this.mediaTimeoutMs = options.mediaTimeoutMs ?? 15_000;
    this.trunks = options.trunks;
    this.source = options.source ?? 'hep';
    this.flowSample = options.flowSample ?? FLOW_SAMPLE;
    // 64 a call for 8,192 calls in full: ~2 MiB of small integers.
    this.maxFlowMessages = options.maxFlowMessages ?? FLOW_MAX * 8192;
    this.exchanges = new Exchanges(
      bus,
      this.source,
      options.maxRegistrations ?? this.maxCalls,
      () => this.overflow.registrations++,
    );
  }

  /**
   * The call of a Call-ID while it is tracked (read by the reorder window and the RTCP path).
   * @example tracker.get('a84b4c76e66710@pc33.example.com')?.codec // 'PCMU'
   */
  get(callId: string): CallState | undefined {
    return this.calls.get(callId);
  }

  /** Calls and transactions currently tracked. */
  get size(): number {
    return this.calls.size;
  }

  /** Registered addresses of record currently remembered. */
  get registrations(): number {
    return this.exchanges.bindings;
  }

  /** The trunk rules, for the reorder window to match each copy of a request as it arrives. */
  match(msg: SipMessage, srcIp: string, dstIp: string): TrunkMatch | undefined {
    return this.trunks?.match(msg, srcIp, dstIp);
  }

  /** One captured message, in capture order. Returns true when it was a new transaction step. */
  message(c: Captured): boolean {
    const msg = c.msg;
    let s = this.calls.get(msg.callId);
    if (s === undefined) {
      // Only a request opens state: a response or ACK for something we never saw is a stray.
      if (msg.code !== 0 || msg.method === 'ACK' || msg.method === 'CANCEL') {
        this.strays++;
        return false;
      }
      s = this.open(c);
    }
    // A call's facts never go back in time (a copy beyond the window keeps the call's order).
    const ts = c.ts > s.lastTs ? c.ts : s.lastTs;
    s.lastTs = ts;
    if (s.call) {
      this.sdp(s, msg);
      this.record(s, c, ts);
    }
    return msg.code === 0 ? this.request(s, c, ts) : this.response(s, c, ts);
  }

  /** An RTCP packet of this call was seen at `ts` (capture time). */
  rtcpSeen(ts: number): void {
    if (ts > this.lastRtcp) this.lastRtcp = ts;
  }

  /**
   * Run the capture clock to `to` (ms): timers, follow-ups and media verdicts due before it fire,
   * and calls past their linger or their maximum age are forgotten.
   */
  advance(to: number): void {
    if (to <= this.clock) return;
    this.clock = to;
    // Strictly before: a message stamped at a deadline is still in time.
    this.heap.drain(to - 0.0005, this.wakeCall);
    this.exchanges.expire(to);
    const oldest = this.oldest;
    if (oldest === undefined ? this.calls.size > 0 : to - oldest.opened > this.maxAgeMs) this.age(to);
  }

  /**
   * Forget the calls past their maximum age. Insertion order is opening order: only the oldest
   * entries can be too old. The first entry is looked up again only when it may have changed, since
   * a Map iterator walks every hole its deletions left (per message, that was 9 % of the HEP replay).
   */
  private age(to: number): void {
    for (const s of this.calls.values()) {
      if (to - s.opened <= this.maxAgeMs) {
        this.oldest = s;
        return;
      }
      this.forget(s);
    }
  }

  private open(c: Captured): CallState {
    const msg = c.msg;
    if (this.calls.size >= this.maxCalls) {
      // Oldest first (Map keeps insertion order); an evicted open call simply stops being tracked.
      for (const oldest of this.calls.values()) {
        this.forget(oldest);
        this.overflow.calls++;
        break;
      }
    }
    const isCall = msg.method === 'INVITE' && msg.toTag === '';
    const match = c.match;
    const direction = match?.toTrunk === true ? 'outbound' : 'inbound';
    const s = new CallState(msg.callId, msg.fromTag, isCall, direction, isCall ? msg.cseq : -1, c.ts);
    this.calls.set(s.callId, s);
    if (isCall) {
      this.bus.emit({
        type: 'call.started',
        ts: Math.floor(c.ts),
        source: this.source,
        callId: s.callId,
        direction: s.direction,
        channel: 'sip',
        ...(TRANSPORTS.has(msg.transport) && {
          transport: msg.transport as (typeof SIP_TRANSPORTS)[number],
        }),
        ...(match !== undefined && { trunk: match.trunk }),
        // Copies: the sinks may hold the event, and must not hold the packet with it.
        ...(msg.fromUser !== '' && { from: own(msg.fromUser) }),
        ...(msg.toUser !== '' && { to: own(msg.toUser) }),
      });
    } else this.exchanges.open(s, msg, match);
    return s;
  }

  private forget(s: CallState): void {
    if (this.calls.get(s.callId) === s) this.calls.delete(s.callId);
    if (s === this.oldest) this.oldest = undefined;
    this.heap.remove(s);
    const flow = s.flow;
    if (flow === undefined) return;
    s.flow = undefined;
    this.flowMessages -= flow.size;
    // Emitted when the call is forgotten, not at its end: the ACK of a failure and the 200 of a BYE
    // come after the end, and a ladder without them misleads.
    const failed = !s.answered || s.timedOut || (s.media !== undefined && s.media.anomaly > 0);
    if (!s.ended) return; // evicted or aged out mid-call: no verdict to explain
    if (!keepFlow(s.callId, failed, this.flowSample)) return;
    const e: EventOf<'sip.flow'> = {
      type: 'sip.flow',
      ts: Math.floor(flow.start),
      source: this.source,
      callId: s.callId,
      messages: flow.messages(),
    };
    if (flow.dropped > 0) e.dropped = Math.min(flow.dropped, STORE_LIMITS.countMax);
    this.bus.emit(e);
  }

  /** One message into its call's flow (every copy: retransmissions and each proxy leg are the ladder). */
  private record(s: CallState, c: Captured, ts: number): void {
    let flow = s.flow;
    if (flow === undefined) {
      flow = new CallFlow(s.opened);
      s.flow = flow;
    }
    const msg = c.msg;
    if (this.flowMessages >= this.maxFlowMessages) {
      flow.dropped++;
      this.overflow.flow++;
      return;
    }
    if (flow.add(ts, msg.method, msg.code, msg.q850, c.srcIp, c.srcPort ?? 0, c.dstIp, c.dstPort ?? 0))
      this.flowMessages++;
    else this.overflow.flow++;
  }

  /** Wake `s` at `at` unless it already wakes earlier (a wake with nothing due is harmless). */
  private schedule(s: CallState, at: number): void {
    if (s.heapAt < 0 || at < s.wake) this.heap.set(s, at);
  }

  /** Direction of a message in this call: a request from the callee runs the other way. */
  private dir(s: CallState, msg: SipMessage): Direction {
    if (msg.fromTag === '' || s.fromCaller(msg.fromTag)) return s.direction;
    return s.direction === 'inbound' ? 'outbound' : 'inbound';
  }

  private once(s: CallState, msg: SipMessage): boolean {
    if (s.firstSeen(transactionKey(msg.cseq, msg.method, msg.code))) return true;
    this.duplicates++;
    return false;
  }

  /** The codec, hold state and media addresses an SDP body gives. */
  private sdp(s: CallState, msg: SipMessage): void {
    if (!msg.contentType.startsWith('application/sdp')) return;
    // The answer's codec wins over the offer's first choice.
    const codec = msg.code >= 200 || s.codec === undefined ? sdpCodec(msg) : undefined;
    if (codec !== undefined && codec !== s.codec) s.codec = own(codec);
    const at = mediaEndpoint(msg);
    if (at === undefined) return;
    // A request carries its sender's address, a response its responder's.
    const fromCaller = s.fromCaller(msg.fromTag) === (msg.code === 0);
    const m = s.media ?? new CallMedia();
    s.media = m;
    if (fromCaller) {
      m.callerIp = at.ip;
      m.callerRtp = at.rtp;
      m.callerRtcp = at.rtcp;
    } else {
      m.calleeIp = at.ip;
      m.calleeRtp = at.rtp;
      m.calleeRtcp = at.rtcp;
    }
  }

  private request(s: CallState, c: Captured, ts: number): boolean {
    const msg = c.msg;
    const method = sipMethod(msg.method);
    // Legs for timers B/F: one per Via branch and method; ACK has no response and so no timer.
    if (msg.method === 'ACK') this.acked(s, msg);
    else if (msg.branch !== '') {
      const hash = hash32(msg.branch);
      if (s.leg(hash, method) === undefined) {
        const leg = s.addLeg(hash, method, msg.cseq, ts + this.timerB);
        if (leg !== undefined) this.schedule(s, leg.due);
        else this.overflow.legs++;
        if (s.exchange !== undefined) this.exchanges.leg(s, c, hash, ts);
      }
    }
    if (!this.once(s, msg)) return false;
    const direction = this.dir(s, msg);
    this.bus.emit({
      type: 'sip.request',
      ts: Math.floor(ts),
      source: this.source,
      method: msg.method,
      direction,
      callId: s.callId,
    });
    if (!s.call) {
      // A new transaction on a forgotten-soon exchange (a REGISTER after its 401) keeps it.
      s.lingerUntil = -1;
      this.exchanges.request(s, msg, ts);
      return true;
    }
    switch (msg.method) {
      case 'CANCEL':
        s.cancelled = true;
        return true;
      case 'BYE':
        if (s.ended) return true;
        this.end(s, ts, { hangupBy: s.fromCaller(msg.fromTag) ? 'caller' : 'callee', q850: msg.q850 });
        this.bus.emit({
          type: 'sip.dialog_terminated',
          ts: Math.floor(ts),
          source: this.source,
          dialogId: dialogId(s, msg.toTag),
        });
        return true;
      case 'INVITE':
      case 'UPDATE': {
        if (msg.cseq === s.inviteCseq && msg.method === 'INVITE') return true;
        if (msg.method === 'INVITE' && msg.toTag === '' && s.waitCode !== 0 && msg.cseq > s.inviteCseq) {
          // The same attempt, retried with credentials (RFC 3261 22.2) or to the new target of a
          // 3xx (8.1.3.4): not a new call, not a refresh.
          s.inviteCseq = msg.cseq;
          s.waitCode = 0;
          s.waitDue = -1;
          s.heard = false;
          return true;
        }
        // In-dialog: a refresh when it carries Session-Expires, a hold change when SDP says so.
        if (msg.sessionExpires && !s.addRefresh(msg.cseq)) this.overflow.refreshes++;
        const hold = holdState(msg);
        if (s.answered && !s.ended && hold !== undefined && (hold === 'held') !== s.held) {
          s.held = hold === 'held';
          this.bus.emit({
            type: s.held ? 'call.held' : 'call.resumed',
            ts: Math.floor(ts),
            source: this.source,
            callId: s.callId,
          });
        }
        return true;
      }
      default:
        return true;
    }
  }

  /** An ACK ends timer H of the INVITE leg it acknowledges (same branch for a non-2xx, 17.1.1.3). */
  private acked(s: CallState, msg: SipMessage): void {
    let leg = msg.branch === '' ? undefined : s.leg(hash32(msg.branch), 'INVITE');
    // Some stacks send the ACK with a branch of their own (SER's `branch=0`): match by CSeq.
    if (leg === undefined && s.legs !== undefined)
      for (const l of s.legs) if (l.invite && l.state === ACK_WAIT && l.cseq === msg.cseq) leg = l;
    if (leg !== undefined) leg.state = DONE;
  }

  /** What a response does to its leg's timers. */
  private legResponse(s: CallState, msg: SipMessage, ts: number): void {
    const method = sipMethod(msg.method);
    const hash = hash32(msg.branch);
    const leg = s.leg(hash, method);
    const final = msg.code >= 200;
    if (leg === undefined) {
      // A reply before its request (another proxy leg stamped later): the request's copy, when it
      // comes, must start no timer.
      if (method === 'INVITE') s.addLeg(hash, method, msg.cseq, ts, final ? DONE : PROCEEDING);
      else if (final) s.addLeg(hash, method, msg.cseq, ts, DONE);
      return;
    }
    if (!leg.invite) {
      // Timer F runs on in Proceeding: only a final response ends it (17.1.2.2).
      if (final && leg.state === TRYING) leg.state = DONE;
      return;
    }
    if (leg.state !== TRYING && leg.state !== PROCEEDING) return;
    if (!final) leg.state = PROCEEDING;
    else if (msg.code < 300) leg.state = DONE;
    else {
      leg.state = ACK_WAIT;
      leg.due = ts + this.timerB;
      this.schedule(s, leg.due);
    }
  }

  private response(s: CallState, c: Captured, ts: number): boolean {
    const msg = c.msg;
    if (msg.branch !== '') this.legResponse(s, msg, ts);
    if (s.exchange !== undefined) this.exchanges.legResponse(s, msg, ts);
    if (!this.once(s, msg)) return false;
    const direction = this.dir(s, msg);
    this.bus.emit({
      type: 'sip.response',
      ts: Math.floor(ts),
      source: this.source,
      method: msg.method,
      code: msg.code,
      direction,
      callId: s.callId,
    });
    const final = msg.code >= 200;
    if (!s.call) {
      this.exchanges.response(s, msg, ts, direction);
      if (final) this.retire(s, ts);
      return true;
    }
    if (final && s.takeRefresh(msg.cseq)) {
      this.bus.emit({
        type: 'sip.session_refresh',
        ts: Math.floor(ts),
        source: this.source,
        // 481 to a refresh: the dialog no longer exists at the peer (RFC 4028 10, RFC 3261 12.2.2).
        result: msg.code < 300 ? 'refreshed' : msg.code === 481 ? 'dialog_gone' : 'failed',
        code: msg.code,
        callId: s.callId,
      });
    }
    if (msg.method !== 'INVITE' || msg.cseq !== s.inviteCseq) return true;
    s.heard = true;
    if (s.ended) return true;
    const code = msg.code;
    if (code === 180 || code === 183) {
      if (!s.ringing && !s.answered) {
        s.ringing = true;
        this.bus.emit({
          type: 'call.ringing',
          ts: Math.floor(ts),
          source: this.source,
          callId: s.callId,
          early: code === 183,
        });
      }
    } else if (code >= 200 && code < 300) {
      if (s.answered) return true;
      s.answered = true;
      this.authResult(s, code, ts);
      this.bus.emit({ type: 'call.answered', ts: Math.floor(ts), source: this.source, callId: s.callId });
      this.bus.emit({
        type: 'sip.dialog_created',
        ts: Math.floor(ts),
        source: this.source,
        dialogId: dialogId(s, msg.toTag),
      });
      if (this.mediaTimeoutMs > 0) {
        const m = s.media ?? new CallMedia();
        s.media = m;
        m.due = ts + this.mediaTimeoutMs;
        this.schedule(s, m.due);
      }
    } else if (final && !s.answered && !s.cancelled && (code === 401 || code === 407 || code < 400)) {
      // A challenge or a redirect is a step of the attempt, not its end: wait for the next INVITE.
      if (code >= 400) {
        s.challenged = true;
        this.auth(s.direction, 'challenge', ts);
      }
      s.waitCode = code;
      s.waitDue = ts + (code >= 400 ? CHALLENGE_WAIT_MS : this.timerB);
      this.schedule(s, s.waitDue);
    } else if (final && !s.answered) {
      this.authResult(s, code, ts);
      this.end(s, ts, {
        sipCode: code,
        q850: msg.q850,
        // The caller cancelled: it ended the call; any other failure came from the far side.
        hangupBy: code === 487 && s.cancelled ? 'caller' : 'callee',
      });
    }
    return true;
  }

  private auth(direction: Direction, result: 'success' | 'challenge' | 'failure', ts: number): void {
    this.bus.emit({ type: 'sip.auth', ts: Math.floor(ts), source: this.source, direction, result });
  }

  /** The final after a challenge says whether the credentials were taken: 403 refuses them. */
  private authResult(s: CallState, code: number, ts: number): void {
    if (!s.challenged) return;
    s.challenged = false;
    this.auth(s.direction, code === 403 ? 'failure' : 'success', ts);
  }

  /** End the call (the first end counts) and remember it for the linger. */
  private end(
    s: CallState,
    ts: number,
    f: { sipCode?: number; q850?: number; hangupBy?: 'caller' | 'callee'; timeout?: boolean },
  ): void {
    s.ended = true;
    const m = s.media;
    const e: EventOf<'call.ended'> = {
      type: 'call.ended',
      ts: Math.floor(ts),
      source: this.source,
      callId: s.callId,
    };
    if (f.sipCode !== undefined) e.sipCode = f.sipCode;
    if (f.q850 !== undefined && f.q850 >= 0) e.q850 = f.q850;
    if (f.hangupBy !== undefined) e.hangupBy = f.hangupBy;
    if (f.timeout === true || s.timedOut) e.timeout = true;
    if (m !== undefined && m.anomaly > 0) {
      e.mediaAnomaly = MEDIA_ANOMALIES[m.anomaly - 1];
      if (m.silent > 0) e.silentStream = MEDIA_STREAMS[m.silent - 1];
    }
    this.bus.emit(e);
    this.retire(s, ts);
  }

  /** A call's earliest deadline came: fire its due timers, then forget it or wait for the next. */
  private wake(s: CallState): void {
    const now = s.wake;
    if (s.legs !== undefined) {
      for (const leg of s.legs) {
        if (!leg.timed || leg.due > now) continue;
        this.timeout(s, leg);
      }
    }
    if (s.waitDue >= 0 && s.waitDue <= now) {
      const at = s.waitDue;
      s.waitDue = -1;
      // A challenge or redirect nobody followed: the attempt ended with it.
      if (s.waitCode !== 0 && !s.ended) this.end(s, at, { sipCode: s.waitCode, hangupBy: 'callee' });
    }
    const m = s.media;
    if (m !== undefined && m.due >= 0 && m.due <= now) {
      m.due = -1;
      this.judgeMedia(s, m, now);
    }
    // An ended call stays while a leg's timer runs, so that leg can still time out.
    if (s.lingerUntil >= 0 && s.lingerUntil <= now && !s.pending) {
      this.forget(s);
      return;
    }
    const next = s.nextWake(now);
    if (next !== Number.POSITIVE_INFINITY) this.heap.set(s, next);
  }

  /** A leg's timer B/F (still trying) or H (no ACK for its failure) fired. */
  private timeout(s: CallState, leg: Leg): void {
    const h = leg.state === ACK_WAIT;
    leg.state = DONE; // fire once
    const ts = leg.due;
    this.bus.emit({
      type: 'sip.transaction_timeout',
      ts: Math.floor(ts),
      source: this.source,
      method: leg.method,
      timer: h ? 'H' : leg.invite ? 'B' : 'F',
      callId: s.callId,
    });
    if (h) return;
    if (!leg.invite) {
      if (s.exchange !== undefined) this.exchanges.timeout(s, leg, ts);
      if (!s.call) this.retire(s, ts);
      return;
    }
    s.timedOut = true;
    // No leg of the call heard anything: nothing will end it but the timer.
    if (s.call && !s.heard && !s.ended && !s.answered) this.end(s, ts, { timeout: true });
  }

  /**
   * One-way audio or no media: while the capture carries RTCP, an answered call whose receivers
   * reported neither stream (or one only) by now has media missing.
   */
  private judgeMedia(s: CallState, m: CallMedia, now: number): void {
    if (!s.answered || s.ended || now - this.lastRtcp > RTCP_SILENCE_MS) return;
    if (m.reported === 0) m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('no_media');
    else if (m.reported !== 3) {
      m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('one_way');
      m.silent = m.reported === 1 ? 2 : 1; // bit 1 caller->callee reported: callee->caller is silent
    }
  }

  /** Remember an ended call for the linger (the first end counts), then forget it. */
  private retire(s: CallState, now: number): void {
    if (s.lingerUntil >= 0) return;
    s.lingerUntil = now + this.lingerMs;
    this.schedule(s, s.lingerUntil);
  }
}
