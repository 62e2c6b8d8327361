import { FLOW_SAMPLE } from '../../config/source-defaults.js';
import { STORE_LIMITS } from '../../domain/limits.js';
import type { SipMethod } from '../../domain/standards/sip.js';
import { type Direction, MEDIA_ANOMALIES, MEDIA_STREAMS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import { type CallMedia, type HepCall, type Leg, transactionKey } from './call-state.js';
import { WakeHeap } from './deadlines.js';
import { Exchanges } from './exchanges.js';
import { FLOW_MAX, keepFlow } from './flow.js';
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
  txStep,
} from './transaction.js';
import type { Trunks } from './trunks.js';

/** Without RTCP in the capture this long, no call is judged for missing media (it cannot be seen). */
const RTCP_SILENCE_MS = 300_000;

/** A dialog's id on the bus: Call-ID, From tag and To tag. */
export function dialogId(s: HepCall, toTag: string): string {
  return `${s.callId};${s.fromTag};${toTag}`.slice(0, 512);
}

/**
 * The call table of the HEP tracker and its capture clock: each call's deadlines (timers B, F and H,
 * a challenge's or redirect's follow-up, the media verdict, the linger), the ends they make, and
 * forgetting. What messages do to a call is in dialog-responses.ts and tracker.ts.
 */
export abstract class CallTimers {
  protected readonly calls = new Map<string, HepCall>();
  /** Each call's next deadline (timer B/F/H, follow-up, media, linger): one entry per call at most. */
  protected readonly heap = new WakeHeap<HepCall>();
  protected readonly timerB: number;
  protected readonly maxCalls: number;
  private readonly lingerMs: number;
  private readonly maxAgeMs: number;
  protected readonly mediaTimeoutMs: number;
  protected readonly trunks: Trunks | undefined;
  protected readonly source: string;
  protected readonly exchanges: Exchanges;
  private readonly flowSample: number;
  protected readonly maxFlowMessages: number;
  /** Flow messages held by tracked calls now. */
  flowMessages = 0;
  /** Capture clock: the latest time timers were run to, ms. */
  clock = Number.NEGATIVE_INFINITY;
  /** The first call in insertion order when last looked (see age); undefined: look again. */
  private oldest: HepCall | undefined;
  /** Bound once: advance runs for every message and allocates nothing. */
  private readonly wakeCall = (s: HepCall): void => this.wake(s);
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
   * keepalive destination not followed for the probe interval (1,024 at once; timer F still runs).
   */
  readonly overflow: Record<HepTrackerLimit, number> = {
    calls: 0,
    legs: 0,
    refreshes: 0,
    reorder: 0,
    registrations: 0,
    flow: 0,
    keepalives: 0,
  };

  constructor(
    protected readonly bus: EventBus,
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
      () => this.overflow.keepalives++,
    );
  }

  /**
   * The call of a Call-ID while it is tracked (read by the reorder window and the RTCP path).
   * @example tracker.get('a84b4c76e66710@pc33.example.com')?.codec // 'PCMU'
   */
  get(callId: string): HepCall | undefined {
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

  protected forget(s: HepCall): void {
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

  /** Wake `s` at `at` unless it already wakes earlier (a wake with nothing due is harmless). */
  protected schedule(s: HepCall, at: number): void {
    if (s.heapAt < 0 || at < s.wake) this.heap.set(s, at);
  }

  /** Direction of a message in this call: a request from the callee runs the other way. */
  protected dir(s: HepCall, msg: SipMessage): Direction {
    if (msg.fromTag === '' || s.fromCaller(msg.fromTag)) return s.direction;
    return s.direction === 'inbound' ? 'outbound' : 'inbound';
  }

  protected once(s: HepCall, msg: SipMessage): boolean {
    if (s.firstSeen(transactionKey(msg.cseq, msg.method, msg.code))) return true;
    this.duplicates++;
    return false;
  }

  /** End the call (the first end counts) and remember it for the linger. */
  protected end(
    s: HepCall,
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

  /**
   * One input to the leg of a Via branch (`leg` when it is tracked): the transaction table's row
   * (transaction.ts) gives its next state and deadline. A leg is tracked from its first row that
   * leaves `absent`; a branch that finds no free slot is counted when its timer could not run.
   */
  protected stepLeg(
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
    if (leg !== undefined && r.effect === 'start') this.schedule(s, leg.due);
    return r;
  }

  /** A leg's timer fired: B (INVITE never answered), F (no final) or H (no ACK for its failure). */
  private timeout(s: HepCall, leg: Leg): void {
    const ts = leg.due;
    const r = this.stepLeg(s, leg, leg.hash, leg.method, leg.cseq, TX_IN.timer, ts);
    this.bus.emit({
      type: 'sip.transaction_timeout',
      ts: Math.floor(ts),
      source: this.source,
      method: leg.method,
      timer: r.timer as 'B' | 'F' | 'H',
      callId: s.callId,
    });
    if (r.timer === 'H') return;
    if (r.timer === 'F') {
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
  private judgeMedia(s: HepCall, m: CallMedia, now: number): void {
    if (!s.answered || s.ended || now - this.lastRtcp > RTCP_SILENCE_MS) return;
    if (m.reported === 0) m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('no_media');
    else if (m.reported !== 3) {
      m.anomaly = 1 + MEDIA_ANOMALIES.indexOf('one_way');
      m.silent = m.reported === 1 ? 2 : 1; // bit 1 caller->callee reported: callee->caller is silent
    }
  }

  /** Remember an ended call for the linger (the first end counts), then forget it. */
  protected retire(s: HepCall, now: number): void {
    if (s.lingerUntil >= 0) return;
    s.lingerUntil = now + this.lingerMs;
    this.schedule(s, s.lingerUntil);
  }
}
