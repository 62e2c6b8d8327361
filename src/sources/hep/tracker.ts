import { FLOW_SAMPLE } from '../../config/source-defaults.js';
import { type SipMethod, sipMethod } from '../../domain/standards/sip.js';
import { type Direction, MEDIA_ANOMALIES } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import { CallEvents, type EndFacts } from './call-events.js';
import { CallMedia, HepCall, type Leg, own, transactionKey } from './call-state.js';
import { CallTable } from './call-table.js';
import {
  DIALOG,
  DIALOG_FLAG,
  DIALOG_IN,
  type DialogInput,
  dialogDue,
  dialogFlags,
  dialogStep,
  FX,
  responseInput,
} from './dialog.js';
import { type Captured, Exchanges } from './exchanges.js';
import { CallFlow, FLOW_MAX, keepFlow } from './flow.js';
import { hash32 } from './hash.js';
import { legKey } from './legs.js';
import { holdState, mediaEndpoint, sdpCodec } from './sdp.js';
import type { SipMessage } from './sip.js';
import type { HepTrackerLimit, HepTrackerOptions } from './tracker-options.js';
import {
  INVITE_TX,
  NON_INVITE_TX,
  TX,
  TX_IN,
  type TxInput,
  type TxRow,
  txDue,
  txInput,
  txStep,
} from './transaction.js';
import type { TrunkMatch, Trunks } from './trunks.js';

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

/** Without RTCP in the capture this long, no call is judged for missing media (it cannot be seen). */
const RTCP_SILENCE_MS = 300_000;

/**
 * The I/O around the tables: the calls (call-table.ts), what each message is to its legs
 * (transaction.ts) and to its dialog (dialog.ts), the events that come of the rows (call-events.ts),
 * REGISTER and OPTIONS exchanges (exchanges.ts), flows and fixed capacities.
 * @example
 * const tracker = new HepTracker(bus, { trunks: compileTrunks(rules) });
 * tracker.message({ msg: parseSip(payload)!, ts, srcIp, dstIp, match: undefined });
 * tracker.advance(captureNow); // timers due before it fire
 */
export class HepTracker {
  private readonly table: CallTable;
  private readonly events: CallEvents;
  private readonly exchanges: Exchanges;
  private readonly timerB: number;
  private readonly maxCalls: number;
  private readonly lingerMs: number;
  private readonly mediaTimeoutMs: number;
  private readonly trunks: Trunks | undefined;
  private readonly flowSample: number;
  private readonly maxFlowMessages: number;
  /** `hep.leg_correlation`; undefined when unset (no call carries an end-to-end key). */
  private readonly legHeaders: readonly string[] | undefined;
  /** Flow messages held by tracked calls now. */
  flowMessages = 0;
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
   * message left out of its call's flow (64 a call, or `maxFlowMessages` in all); `keepalives` a
   * keepalive destination not followed for the probe interval (1,024 at once; timer F still runs);
   * `route` a call opened before its route was known (4,096 calls waiting, or 64 of its messages).
   */
  readonly overflow: Record<HepTrackerLimit, number> = {
    calls: 0,
    legs: 0,
    refreshes: 0,
    reorder: 0,
    registrations: 0,
    flow: 0,
    keepalives: 0,
    route: 0,
  };
  /** Bound once: advance runs for every message and allocates nothing. */
  private readonly forgetCall = (s: HepCall): void => this.forget(s);

  constructor(bus: EventBus, options: HepTrackerOptions = {}) {
    this.timerB = options.timerBMs ?? 32_000;
    this.maxCalls = options.maxCalls ?? 100_000;
    this.lingerMs = options.lingerMs ?? 32_000;
    this.mediaTimeoutMs = options.mediaTimeoutMs ?? 15_000;
    this.trunks = options.trunks;
    const source = options.source ?? 'hep';
    this.flowSample = options.flowSample ?? FLOW_SAMPLE;
    const legs = options.legCorrelation;
    this.legHeaders = legs !== undefined && legs.length > 0 ? legs : undefined;
    // 64 a call for 8,192 calls in full: ~2 MiB of small integers.
    this.maxFlowMessages = options.maxFlowMessages ?? FLOW_MAX * 8192;
    this.table = new CallTable(options.maxAgeMs ?? 4 * 3600_000, (s) => this.wake(s));
    this.events = new CallEvents(bus, source);
    this.exchanges = new Exchanges(
      bus,
      source,
      options.maxRegistrations ?? this.maxCalls,
      () => this.overflow.registrations++,
      () => this.overflow.keepalives++,
    );
  }

  /** Capture clock: the latest time timers were run to, ms. */
  get clock(): number {
    return this.table.clock;
  }

  /**
   * The call of a Call-ID while it is tracked (read by the reorder window and the RTCP path).
   * @example tracker.get('a84b4c76e66710@pc33.example.com')?.codec // 'PCMU'
   */
  get(callId: string): HepCall | undefined {
    return this.table.get(callId);
  }

  /** Calls and transactions currently tracked. */
  get size(): number {
    return this.table.size;
  }

  /** Registered addresses of record currently remembered. */
  get registrations(): number {
    return this.exchanges.bindings;
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
    if (!this.table.runTo(to)) return;
    this.exchanges.expire(to);
    this.table.age(to, this.forgetCall);
  }

  /** The trunk rules, for the reorder window to match each copy of a request as it arrives. */
  match(msg: SipMessage, srcIp: string, dstIp: string): TrunkMatch | undefined {
    return this.trunks?.match(msg, srcIp, dstIp);
  }

  /** One captured message, in capture order. Returns true when it was a new transaction step. */
  message(c: Captured): boolean {
    const msg = c.msg;
    let s = this.table.get(msg.callId);
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
    if (this.table.size >= this.maxCalls) {
      // Oldest first (Map keeps insertion order); an evicted open call simply stops being tracked.
      const oldest = this.table.first();
      if (oldest !== undefined) {
        this.forget(oldest);
        this.overflow.calls++;
      }
    }
    const isCall = msg.method === 'INVITE' && msg.toTag === '';
    const match = c.match;
    const direction = match?.toTrunk === true ? 'outbound' : 'inbound';
    const s = new HepCall(msg.callId, msg.fromTag, isCall, direction, isCall ? msg.cseq : -1, c.ts);
    this.table.add(s);
    if (isCall) this.events.started(s, msg, c.ts, match, this.legHeaders && legKey(msg, this.legHeaders));
    else this.exchanges.open(s, msg, match);
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
    this.events.request(s, msg, ts, this.dir(s, msg));
    if (!s.call) {
      // A new transaction on a forgotten-soon exchange (a REGISTER after its 401) keeps it.
      s.lingerUntil = -1;
      this.exchanges.request(s, msg, ts);
      return true;
    }
    switch (msg.method) {
      case 'CANCEL':
        this.dialog(s, DIALOG_IN.CANCEL, ts, msg, ts);
        return true;
      case 'BYE':
        this.dialog(s, DIALOG_IN.BYE, ts, msg, ts);
        return true;
      case 'INVITE':
      case 'UPDATE': {
        if (msg.cseq === s.inviteCseq && msg.method === 'INVITE') return true;
        if (msg.method === 'INVITE' && msg.toTag === '' && s.waitCode !== 0 && msg.cseq > s.inviteCseq) {
          // The same attempt, retried with credentials (RFC 3261 22.2) or to the new target of a
          // 3xx (8.1.3.4): not a new call, not a refresh.
          this.dialog(s, DIALOG_IN.retry, ts, msg, ts);
          return true;
        }
        // In-dialog: a refresh when it carries Session-Expires, a hold change when SDP says so.
        if (msg.sessionExpires && !s.addRefresh(msg.cseq)) this.overflow.refreshes++;
        const hold = holdState(msg);
        if (hold !== undefined)
          this.dialog(s, hold === 'held' ? DIALOG_IN.hold : DIALOG_IN.resume, ts, msg, ts);
        return true;
      }
      default:
        return true;
    }
  }

  /** What a captured response does: its leg's timers, exchanges, refreshes, and the call's dialog. */
  private response(s: HepCall, c: Captured, ts: number): boolean {
    const msg = c.msg;
    if (msg.branch !== '') {
      const method = sipMethod(msg.method);
      const hash = hash32(msg.branch);
      this.stepLeg(s, s.leg(hash, method), hash, method, msg.cseq, txInput(msg.method, msg.code), ts);
    }
    if (s.exchange !== undefined) this.exchanges.legResponse(s, msg, ts);
    if (!this.once(s, msg)) return false;
    const direction = this.dir(s, msg);
    this.events.response(s, msg, ts, direction);
    const final = msg.code >= 200;
    if (!s.call) {
      this.exchanges.response(s, msg, ts, direction);
      if (final) this.retire(s, ts);
      return true;
    }
    if (final && s.takeRefresh(msg.cseq)) this.events.refresh(s, msg.code, ts);
    if (msg.method === 'INVITE' && msg.cseq === s.inviteCseq)
      this.dialog(s, responseInput(msg.code), ts, msg, c.ts);
    return true;
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

  /**
   * One input to a call's dialog (dialog.ts): the table's row gives its next phase and facts, and the
   * effects done here, in the row's order. `msg` is the message the input is (undefined for a
   * deadline); `stamp` its own capture time (a late 180 rings at its stamp, no later than the answer).
   */
  private dialog(
    s: HepCall,
    input: DialogInput,
    ts: number,
    msg: SipMessage | undefined,
    stamp: number,
  ): void {
    const r = dialogStep(s, input);
    const was = s.flags;
    s.phase = r.to;
    s.flags = dialogFlags(r, was);
    const fx = r.effects;
    if (fx === 0) return;
    const code = msg === undefined ? 0 : msg.code;
    if ((fx & FX.challenge) !== 0) this.events.auth(s.direction, 'challenge', ts);
    // The final after a challenge says whether the credentials were taken: 403 refuses them.
    if ((fx & FX['auth result']) !== 0 && (was & DIALOG_FLAG.challenged) !== 0)
      this.events.auth(s.direction, code === 403 ? 'failure' : 'success', ts);
    if ((fx & FX.ring) !== 0) {
      // A UAS sends no provisional after its final (RFC 3261 17.2.1): a 180 handed on after the 200
      // was sent before it (stamped late by another siptrace worker, or arriving past the window),
      // and RFC 6076 4.4 ends the PDD at it. Its time is its stamp, never after the answer.
      const at = s.answeredAt < 0 ? ts : stamp < s.answeredAt ? stamp : s.answeredAt;
      this.events.ringing(s, at, code === 183);
    }
    if ((fx & FX.answer) !== 0) {
      s.answeredAt = ts;
      // Another fork's 3xx was waiting: the answer is the attempt's outcome, nothing follows it.
      s.waitCode = 0;
      s.waitDue = -1;
      this.events.answered(s, ts, msg === undefined ? '' : msg.toTag);
      const due = dialogDue(r, ts, this.timerB, this.mediaTimeoutMs);
      if (due >= 0) {
        const m = s.media ?? new CallMedia();
        s.media = m;
        m.due = due;
        this.table.schedule(s, due);
      }
    }
    if ((fx & FX.wait) !== 0) {
      s.waitCode = code;
      s.waitDue = dialogDue(r, ts, this.timerB, this.mediaTimeoutMs);
      this.table.schedule(s, s.waitDue);
    }
    if ((fx & FX.renumber) !== 0) {
      s.inviteCseq = (msg as SipMessage).cseq;
      s.waitCode = 0;
      s.waitDue = -1;
    }
    if ((fx & (FX.hold | FX.resume)) !== 0) this.events.hold(s, ts, r.to === DIALOG.held);
    if ((fx & FX['judge media']) !== 0 && s.media !== undefined) judgeMedia(s.media);
    if ((fx & FX.end) !== 0) this.end(s, ts, input, msg, was);
    if ((fx & FX.terminate) !== 0) this.events.terminated(s, ts, msg === undefined ? '' : msg.toTag);
  }

  /** The `call.ended` of an `end` row, its facts by the input that ended the call, then the linger. */
  private end(s: HepCall, ts: number, input: DialogInput, msg: SipMessage | undefined, was: number): void {
    let f: EndFacts;
    if (input === DIALOG_IN['timer B']) f = { timeout: true };
    else if (input === DIALOG_IN['follow-up']) f = { sipCode: s.waitCode, hangupBy: 'callee' };
    else if (input === DIALOG_IN.BYE) {
      const m = msg as SipMessage;
      f = { hangupBy: s.fromCaller(m.fromTag) ? 'caller' : 'callee', q850: m.q850 };
    } else {
      const m = msg as SipMessage;
      // The caller cancelled: it ended the call (RFC 3261 9.2); any other failure came from the far side.
      const cancelled = m.code === 487 && (was & DIALOG_FLAG.cancelled) !== 0;
      f = { sipCode: m.code, q850: m.q850, hangupBy: cancelled ? 'caller' : 'callee' };
    }
    this.events.ended(s, ts, f, (s.flags & DIALOG_FLAG.timedOut) !== 0);
    this.retire(s, ts);
  }

  /** A call's earliest deadline came: fire its due timers, then forget it or wait for the next. */
  private wake(s: HepCall): void {
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
      this.dialog(s, DIALOG_IN['follow-up'], at, undefined, at);
    }
    const m = s.media;
    if (m !== undefined && m.due >= 0 && m.due <= now) {
      m.due = -1;
      // A capture without RTCP judges no call: missing media cannot be seen in it.
      if (now - this.lastRtcp <= RTCP_SILENCE_MS) this.dialog(s, DIALOG_IN.media, now, undefined, now);
    }
    // An ended call stays while a leg's timer runs, so that leg can still time out.
    if (s.lingerUntil >= 0 && s.lingerUntil <= now && !s.pending) {
      this.forget(s);
      return;
    }
    const next = s.nextWake(now);
    if (next !== Number.POSITIVE_INFINITY) this.table.reschedule(s, next);
  }

  /**
   * One input to the leg of a Via branch (`leg` when it is tracked): the transaction table's row
   * (transaction.ts) gives its next state and deadline. A leg is tracked from its first row that
   * leaves `absent`; a branch that finds no free slot is counted when its timer could not run.
   */
  private stepLeg(
    s: HepCall,
    leg: Leg | undefined,
    hash: number,
    method: SipMethod,
    cseq: number,
    input: TxInput,
    ts: number,
  ): TxRow {
    const kind = method === 'INVITE' ? INVITE_TX : NON_INVITE_TX;
    const r = txStep(kind, leg === undefined ? TX.absent : leg.state, input);
    if (leg !== undefined) {
      leg.state = r.to;
      leg.due = txDue(r, leg.due, ts, this.timerB);
    } else if (r.to !== TX.absent) {
      leg = s.addLeg(hash, method, cseq, txDue(r, -1, ts, this.timerB), r.to);
      if (leg === undefined && r.effect === 'start') this.overflow.legs++;
    }
    if (leg !== undefined && r.effect === 'start') this.table.schedule(s, leg.due);
    return r;
  }

  /** A leg's timer fired: B (INVITE never answered), F (no final) or H (no ACK for its failure). */
  private timeout(s: HepCall, leg: Leg): void {
    const ts = leg.due;
    const r = this.stepLeg(s, leg, leg.hash, leg.method, leg.cseq, TX_IN.timer, ts);
    const timer = r.timer as 'B' | 'F' | 'H';
    this.events.transactionTimeout(s, leg.method, timer, ts);
    if (timer === 'H') return;
    if (timer === 'F') {
      if (s.exchange !== undefined) this.exchanges.timeout(s, leg, ts);
      if (!s.call) this.retire(s, ts);
      return;
    }
    if (s.call) this.dialog(s, DIALOG_IN['timer B'], ts, undefined, ts);
  }

  /** Stop tracking a call; an ended call's flow is emitted now (see keepFlow). */
  private forget(s: HepCall): void {
    this.table.delete(s);
    const flow = s.flow;
    if (flow === undefined) return;
    s.flow = undefined;
    this.flowMessages -= flow.size;
    // Emitted when the call is forgotten, not at its end: the ACK of a failure and the 200 of a BYE
    // come after the end, and a ladder without them misleads.
    const failed =
      !s.answered || (s.flags & DIALOG_FLAG.timedOut) !== 0 || (s.media !== undefined && s.media.anomaly > 0);
    if (!s.ended) return; // evicted or aged out mid-call: no verdict to explain
    if (!keepFlow(s.callId, failed, this.flowSample)) return;
    this.events.flow(s, flow);
  }

  /** Remember an ended call for the linger (the first end counts), then forget it. */
  private retire(s: HepCall, now: number): void {
    if (s.lingerUntil >= 0) return;
    s.lingerUntil = now + this.lingerMs;
    this.table.schedule(s, s.lingerUntil);
  }

  /** Direction of a message in this call: a request from the callee runs the other way. */
  private dir(s: HepCall, msg: SipMessage): Direction {
    if (msg.fromTag === '' || s.fromCaller(msg.fromTag)) return s.direction;
    return s.direction === 'inbound' ? 'outbound' : 'inbound';
  }

  private once(s: HepCall, msg: SipMessage): boolean {
    if (s.firstSeen(transactionKey(msg.cseq, msg.method, msg.code))) return true;
    this.duplicates++;
    return false;
  }
}

/**
 * One-way audio or no media: an answered call whose receivers reported neither stream (or one
 * only) by its verdict has media missing (bit 1 of `reported`: caller->callee).
 */
function judgeMedia(m: CallMedia): void {
  if (m.reported === 0) m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('no_media');
  else if (m.reported !== 3) {
    m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('one_way');
    m.silent = m.reported === 1 ? 2 : 1; // bit 1 caller->callee reported: callee->caller is silent
  }
}
