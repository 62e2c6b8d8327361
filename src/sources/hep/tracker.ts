import type { EventBus } from '../../events/bus.js';
import { type Direction, SIP_TRANSPORTS } from '../../events/vocab.js';
import { branchHash, CallState, own, transactionKey } from './call-state.js';
import { WakeHeap } from './deadlines.js';
import type { SipMessage } from './sip.js';
import type { Trunks } from './trunks.js';

/**
 * Turns captured SIP (both legs of a proxy, retransmissions included) into sidetone's typed
 * events, once per fact:
 * - a request or response is emitted once per transaction (Call-ID, CSeq, method, code), however
 *   many legs and retransmissions the capture shows;
 * - only the first INVITE of a Call-ID starts a call; re-INVITEs and UPDATEs are session
 *   refreshes or hold changes, never new attempts;
 * - 18x rings (PDD), 2xx answers, a final >= 300 ends the call with its code (487 after a CANCEL),
 *   BYE ends an answered one;
 * - Timer B / F (RFC 3261 17.1.1.2, 17.1.2.2) are kept per leg (Via branch): a leg that hears
 *   nothing for 64*T1 is a transaction timeout; when no leg of a call heard anything, the call
 *   ends with `timeout: true`.
 * It reports facts only: which outcome an end is, and every KPI, are decided downstream by the
 * call classifier in the packs.
 */

export interface HepTrackerOptions {
  /** Trunk rules (compiled); no rules: calls carry no trunk. */
  trunks?: Trunks | undefined;
  /** Timer B and F: 64*T1 = 32 s by default (RFC 3261 17.1.1.2). */
  timerBMs?: number;
  /** Most calls/transactions tracked at once (the oldest goes first, counted as `calls` overflow). */
  maxCalls?: number;
  /** How long an ended call is remembered to absorb retransmissions and late legs. */
  lingerMs?: number;
  /** A call older than this is forgotten even without an end (a lost BYE); default 4 h. */
  maxAgeMs?: number;
  /** Name put in `source` of every event. */
  source?: string;
}

/** The tracker's fixed capacities: the `limit` label of `<prefix>_hep_tracker_overflow_total`. */
export const HEP_TRACKER_LIMITS = ['calls', 'legs', 'refreshes'] as const;
export type HepTrackerLimit = (typeof HEP_TRACKER_LIMITS)[number];

const TRANSPORTS: ReadonlySet<string> = new Set(SIP_TRANSPORTS);

function dialogId(s: CallState, toTag: string): string {
  return `${s.callId};${s.fromTag};${toTag}`.slice(0, 512);
}

/** RTP/AVP static payload types (RFC 3551 6) that SDP may use without an rtpmap. */
const STATIC_PT: Record<string, string> = { '0': 'PCMU', '3': 'GSM', '8': 'PCMA', '9': 'G722', '18': 'G729' };

/** First audio codec of an SDP body: its rtpmap name, else the static payload type's. */
export function sdpCodec(msg: SipMessage): string | undefined {
  if (!msg.contentType.startsWith('application/sdp') || msg.body === '') return undefined;
  const m = /^m=audio \d+ [A-Za-z/]+ (\d{1,3})/m.exec(msg.body);
  if (m === null) return undefined;
  const pt = m[1] as string;
  const map = new RegExp(`^a=rtpmap:${pt} ([A-Za-z0-9._-]{1,32})/`, 'm').exec(msg.body);
  return map === null ? STATIC_PT[pt] : (map[1] as string);
}

/** SDP media direction of a body: held when every stream is sendonly/inactive. */
function holdState(msg: SipMessage): 'held' | 'active' | undefined {
  if (!msg.contentType.startsWith('application/sdp') || msg.body === '') return undefined;
  if (/^a=(?:sendonly|inactive)\s*$/m.test(msg.body) || /^c=IN IP4 0\.0\.0\.0\s*$/m.test(msg.body))
    return 'held';
  return 'active';
}

/**
 * @example
 * const tracker = new HepTracker(bus, { trunks: compileTrunks(rules) });
 * tracker.message(parseSip(payload)!, { ts, srcIp, dstIp, now: Date.now() });
 * setInterval(() => tracker.tick(Date.now()), 250);
 */
export class HepTracker {
  private readonly calls = new Map<string, CallState>();
  /** Each call's next deadline (timer B/F, challenge, linger): one entry per call at most. */
  private readonly heap = new WakeHeap<CallState>();
  private readonly timerB: number;
  private readonly maxCalls: number;
  private readonly lingerMs: number;
  private readonly maxAgeMs: number;
  private readonly trunks: Trunks | undefined;
  private readonly source: string;
  /** Messages that repeated a transaction already reported (retransmissions, other legs). */
  duplicates = 0;
  /**
   * Times a fixed capacity was full: `calls` an open call forgotten early at `maxCalls`; `legs` a
   * Via branch not timed because 32 of its call's legs were still running; `refreshes` a refresh
   * forgotten because 4 of its call's refreshes were waiting for an answer.
   */
  readonly overflow: Record<HepTrackerLimit, number> = { calls: 0, legs: 0, refreshes: 0 };

  constructor(
    private readonly bus: EventBus,
    options: HepTrackerOptions = {},
  ) {
    this.timerB = options.timerBMs ?? 32_000;
    this.maxCalls = options.maxCalls ?? 100_000;
    this.lingerMs = options.lingerMs ?? 32_000;
    this.maxAgeMs = options.maxAgeMs ?? 4 * 3600_000;
    this.trunks = options.trunks;
    this.source = options.source ?? 'hep';
  }

  /**
   * The audio codec negotiated in a tracked call's SDP, for media reports that do not carry one.
   * @example tracker.codecOf('a84b4c76e66710@pc33.example.com') // 'PCMU'
   */
  codecOf(callId: string): string | undefined {
    return this.calls.get(callId)?.codec;
  }

  /** Calls and transactions currently tracked. */
  get size(): number {
    return this.calls.size;
  }

  /** One captured SIP message. `ts` is the capture time (epoch ms), `now` our clock. */
  message(msg: SipMessage, meta: { ts: number; srcIp: string; dstIp: string; now: number }): void {
    const ts = meta.ts > 0 ? meta.ts : meta.now;
    let s = this.calls.get(msg.callId);
    if (s === undefined) {
      // Only a request opens state: a response or ACK for something we never saw is ignored.
      if (msg.code !== 0 || msg.method === 'ACK' || msg.method === 'CANCEL') return;
      s = this.open(msg, meta.srcIp, meta.dstIp, ts, meta.now);
    }
    s.lastSeen = meta.now;
    if (s.call) {
      // The answer's codec wins over the offer's first choice.
      const codec = msg.code >= 200 || s.codec === undefined ? sdpCodec(msg) : undefined;
      if (codec !== undefined && codec !== s.codec) s.codec = own(codec);
    }
    if (msg.code === 0) this.request(s, msg, ts, meta.now);
    else this.response(s, msg, ts);
  }

  /** Fire due timers (B/F, challenges) and forget calls whose linger is over. Call a few times a second. */
  tick(now: number): void {
    this.heap.drain(now, (s) => this.wake(s, now));
    // Insertion order is opening order: only the oldest entries can be too old.
    for (const s of this.calls.values()) {
      if (now - s.opened <= this.maxAgeMs) break;
      this.forget(s);
    }
  }

  private open(msg: SipMessage, srcIp: string, dstIp: string, ts: number, now: number): CallState {
    if (this.calls.size >= this.maxCalls) {
      // Oldest first (Map keeps insertion order); an evicted open call simply stops being tracked.
      for (const oldest of this.calls.values()) {
        this.forget(oldest);
        this.overflow.calls++;
        break;
      }
    }
    const match = this.trunks?.match(msg, srcIp, dstIp);
    const isCall = msg.method === 'INVITE' && msg.toTag === '';
    const direction = match?.toTrunk === true ? 'outbound' : 'inbound';
    const s = new CallState(msg.callId, msg.fromTag, isCall, direction, isCall ? msg.cseq : -1, now);
    this.calls.set(s.callId, s);
    if (isCall) {
      this.bus.emit({
        type: 'call.started',
        ts,
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
    }
    return s;
  }

  private forget(s: CallState): void {
    if (this.calls.get(s.callId) === s) this.calls.delete(s.callId);
    this.heap.remove(s);
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

  private request(s: CallState, msg: SipMessage, ts: number, now: number): void {
    // Legs for timers B/F: one per Via branch; ACK has no response and so no timer.
    if (msg.method !== 'ACK' && msg.branch !== '') {
      const hash = branchHash(msg.branch);
      if (s.leg(hash) === undefined) {
        const due = now + this.timerB;
        if (s.addLeg(hash, msg.method, due)) this.schedule(s, due);
        else this.overflow.legs++;
      }
    }
    if (!this.once(s, msg)) return;
    const direction = this.dir(s, msg);
    this.bus.emit({
      type: 'sip.request',
      ts,
      source: this.source,
      method: msg.method,
      direction,
      callId: s.callId,
    });
    if (!s.call) return;
    switch (msg.method) {
      case 'CANCEL':
        s.cancelled = true;
        return;
      case 'BYE':
        if (s.ended) return;
        s.ended = true;
        this.bus.emit({
          type: 'call.ended',
          ts,
          source: this.source,
          callId: s.callId,
          hangupBy: s.fromCaller(msg.fromTag) ? 'caller' : 'callee',
          ...(msg.q850 >= 0 && { q850: msg.q850 }),
        });
        this.bus.emit({
          type: 'sip.dialog_terminated',
          ts,
          source: this.source,
          dialogId: dialogId(s, msg.toTag),
        });
        this.retire(s, now);
        return;
      case 'INVITE':
      case 'UPDATE': {
        if (msg.cseq === s.inviteCseq && msg.method === 'INVITE') return;
        if (msg.method === 'INVITE' && msg.toTag === '' && s.challenge !== 0 && msg.cseq > s.inviteCseq) {
          // The same attempt, now with credentials (RFC 3261 22.2): not a new call, not a refresh.
          s.inviteCseq = msg.cseq;
          s.challenge = 0;
          s.challengeDue = -1;
          return;
        }
        // In-dialog: a refresh when it carries Session-Expires, a hold change when SDP says so.
        if (msg.sessionExpires && !s.addRefresh(msg.cseq)) this.overflow.refreshes++;
        const hold = holdState(msg);
        if (s.answered && !s.ended && hold !== undefined && (hold === 'held') !== s.held) {
          s.held = hold === 'held';
          this.bus.emit({
            type: s.held ? 'call.held' : 'call.resumed',
            ts,
            source: this.source,
            callId: s.callId,
          });
        }
        return;
      }
      default:
        return;
    }
  }

  private response(s: CallState, msg: SipMessage, ts: number): void {
    if (msg.branch !== '') {
      const leg = s.leg(branchHash(msg.branch));
      if (leg !== undefined) leg.done = true;
    }
    if (!this.once(s, msg)) return;
    const direction = this.dir(s, msg);
    this.bus.emit({
      type: 'sip.response',
      ts,
      source: this.source,
      method: msg.method,
      code: msg.code,
      direction,
      callId: s.callId,
    });
    const final = msg.code >= 200;
    if (msg.method === 'REGISTER' && final) {
      this.bus.emit({ type: 'sip.registration', ts, source: this.source, direction, code: msg.code });
    }
    if (!s.call) {
      if (final) this.retire(s, s.lastSeen);
      return;
    }
    if (final && s.takeRefresh(msg.cseq)) {
      this.bus.emit({
        type: 'sip.session_refresh',
        ts,
        source: this.source,
        result: msg.code < 300 ? 'refreshed' : 'failed',
        code: msg.code,
        callId: s.callId,
      });
    }
    if (msg.method !== 'INVITE' || msg.cseq !== s.inviteCseq) return;
    s.heard = true;
    if (s.ended) return;
    if (msg.code === 180 || msg.code === 183) {
      if (!s.ringing && !s.answered) {
        s.ringing = true;
        this.bus.emit({
          type: 'call.ringing',
          ts,
          source: this.source,
          callId: s.callId,
          early: msg.code === 183,
        });
      }
    } else if (msg.code >= 200 && msg.code < 300) {
      if (!s.answered) {
        s.answered = true;
        this.bus.emit({ type: 'call.answered', ts, source: this.source, callId: s.callId });
        this.bus.emit({
          type: 'sip.dialog_created',
          ts,
          source: this.source,
          dialogId: dialogId(s, msg.toTag),
        });
      }
    } else if ((msg.code === 401 || msg.code === 407) && !s.answered && !s.cancelled) {
      // A digest challenge is a step of the attempt, not its end: wait for the retry.
      s.challenge = msg.code;
      this.bus.emit({
        type: 'sip.auth',
        ts,
        source: this.source,
        direction: s.direction,
        result: 'challenge',
      });
      s.challengeDue = s.lastSeen + this.timerB;
      this.schedule(s, s.challengeDue);
    } else if (msg.code >= 300 && !s.answered) {
      s.ended = true;
      this.bus.emit({
        type: 'call.ended',
        ts,
        source: this.source,
        callId: s.callId,
        sipCode: msg.code,
        ...(msg.q850 >= 0 && { q850: msg.q850 }),
        // The caller cancelled: it ended the call; any other failure came from the far side.
        hangupBy: msg.code === 487 && s.cancelled ? 'caller' : 'callee',
        ...(s.timedOut && { timeout: true }),
      });
      this.retire(s, s.lastSeen);
    }
  }

  /** A call's earliest deadline came: fire its due timers, then forget it or wait for the next. */
  private wake(s: CallState, now: number): void {
    if (s.legs !== undefined) {
      for (const leg of s.legs) {
        if (leg.done || leg.due > now) continue;
        leg.done = true; // fire once
        this.timeout(s, leg.method, leg.invite, now);
      }
    }
    if (s.challengeDue >= 0 && s.challengeDue <= now) {
      s.challengeDue = -1;
      // A challenge nobody answered: the attempt ended with it.
      if (s.challenge !== 0 && !s.ended) {
        s.ended = true;
        this.bus.emit({
          type: 'call.ended',
          ts: now,
          source: this.source,
          callId: s.callId,
          sipCode: s.challenge,
          hangupBy: 'callee',
        });
        this.retire(s, now);
      }
    }
    // An ended call stays while a leg's timer runs, so that leg can still time out.
    if (s.lingerUntil >= 0 && s.lingerUntil <= now && !s.pending) {
      this.forget(s);
      return;
    }
    const next = s.nextWake(now);
    if (next !== Number.POSITIVE_INFINITY) this.heap.set(s, next);
  }

  /** A leg's timer B/F fired with no response on it. */
  private timeout(s: CallState, method: string, invite: boolean, now: number): void {
    this.bus.emit({
      type: 'sip.transaction_timeout',
      ts: now,
      source: this.source,
      method,
      timer: invite ? 'B' : 'F',
      callId: s.callId,
    });
    if (!invite) {
      if (!s.call) this.retire(s, now);
      return;
    }
    s.timedOut = true;
    // No leg of the call heard anything: nothing will end it but the timer.
    if (s.call && !s.heard && !s.ended && !s.answered) {
      s.ended = true;
      this.bus.emit({ type: 'call.ended', ts: now, source: this.source, callId: s.callId, timeout: true });
      this.retire(s, now);
    }
  }

  /** Remember an ended call for the linger (the first end counts), then forget it. */
  private retire(s: CallState, now: number): void {
    if (s.lingerUntil >= 0) return;
    s.lingerUntil = now + this.lingerMs;
    this.schedule(s, s.lingerUntil);
  }
}
