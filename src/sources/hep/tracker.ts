import { sipMethod } from '../../domain/standards/sip.js';
import { SIP_TRANSPORTS } from '../../domain/vocab.js';
import { CallMedia, HepCall, own } from './call-state.js';
import { dialogId } from './call-timers.js';
import { DialogResponses } from './dialog-responses.js';
import type { Captured } from './exchanges.js';
import { CallFlow } from './flow.js';
import { hash32 } from './hash.js';
import { holdState, mediaEndpoint, sdpCodec } from './sdp.js';
import type { SipMessage } from './sip.js';
import { INVITE_TX, TX, TX_IN } from './transaction.js';
import type { TrunkMatch } from './trunks.js';

export { HEP_TRACKER_LIMITS, type HepTrackerLimit, type HepTrackerOptions } from './tracker-options.js';

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

const TRANSPORTS: ReadonlySet<string> = new Set(SIP_TRANSPORTS);

/**
 * @example
 * const tracker = new HepTracker(bus, { trunks: compileTrunks(rules) });
 * tracker.message({ msg: parseSip(payload)!, ts, srcIp, dstIp, match: undefined });
 * tracker.advance(captureNow); // timers due before it fire
 */
export class HepTracker extends DialogResponses {
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

  private open(c: Captured): HepCall {
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
    const s = new HepCall(msg.callId, msg.fromTag, isCall, direction, isCall ? msg.cseq : -1, c.ts);
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

  /** One message into its call's flow (every copy: retransmissions and each proxy leg are the ladder). */
  private record(s: HepCall, c: Captured, ts: number): void {
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

  /** The codec, hold state and media addresses an SDP body gives. */
  private sdp(s: HepCall, msg: SipMessage): void {
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

  private request(s: HepCall, c: Captured, ts: number): boolean {
    const msg = c.msg;
    const method = sipMethod(msg.method);
    // Legs for timers B/F: one per Via branch and method; ACK has no response and so no timer.
    if (msg.method === 'ACK') this.acked(s, msg, ts);
    else if (msg.branch !== '') {
      const hash = hash32(msg.branch);
      const leg = s.leg(hash, method);
      this.stepLeg(s, leg, hash, method, msg.cseq, TX_IN.request, ts);
      if (leg === undefined && s.exchange !== undefined) this.exchanges.leg(s, c, hash, ts);
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
  private acked(s: HepCall, msg: SipMessage, ts: number): void {
    let leg = msg.branch === '' ? undefined : s.leg(hash32(msg.branch), 'INVITE');
    // Some stacks send the ACK with a branch of their own (SER's `branch=0`): match by CSeq.
    if (leg === undefined && s.legs !== undefined)
      for (const l of s.legs)
        if (l.kind === INVITE_TX && l.state === TX.completed && l.cseq === msg.cseq) leg = l;
    if (leg !== undefined) this.stepLeg(s, leg, leg.hash, leg.method, leg.cseq, TX_IN.ACK, ts);
  }
}
