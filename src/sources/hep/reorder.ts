import { type SipMethod, sipMethod } from '../../domain/standards/sip.js';
import { transactionKey } from './call-state.js';
import { hash32 } from './hash.js';
import { HeldQueue, type Queued } from './held-queue.js';
import type { RtcpPacket } from './rtcp.js';
import type { SipMessage } from './sip.js';
import type { TrunkMatch } from './trunks.js';

/**
 * The reorder window: captured messages are held briefly and handed on in capture-time order, so a
 * verdict is reached on what happened, not on when each copy happened to arrive.
 *
 * Kamailio's siptrace stamps and sends each HEP copy from whichever process handled the message
 * (receive.c runs the receive hook in the worker that read the datagram; forward.h fires the send
 * hook after the write, in the worker or the tm timer process), so the copies of one dialog leave
 * from several processes in no particular order, and a reply read by one worker can be stamped
 * before another worker stamps its out-copy of the request (research/sip FINDINGS 6). Two things
 * follow, and both are handled here:
 *
 * 1. Arrival order: every message waits until the *watermark* passes its capture time. The
 *    watermark is the receipt clock, moved onto the capture clock by the smallest recent
 *    (capture - receipt) offset, minus the window: a message that arrives up to `windowMs` later
 *    than one captured after it is still handed on first.
 * 2. Capture times that contradict causality: a response is placed just after the earliest copy of
 *    its request, an ACK after the final response it acknowledges, a CANCEL after its INVITE and a
 *    BYE after the 2xx that made its dialog, when those are still held; once one has been handed on,
 *    the tracker already knows it and the message keeps its own time.
 *
 * Timers run on the same clock: the tracker's clock moves to each message's place before the
 * message, and to the watermark when idle, so timer B/F/H can fire only once every message captured
 * before its deadline has been seen.
 *
 * Bounded: at most `maxHeld` messages and `maxHeldBytes` of their payloads in all, and `perCallMax`
 * per call; past any of them the earliest is handed on at once (counted as `overflow`). A message whose capture time the watermark has already
 * passed is handed on at once and counted as `late`: the window was too small for it.
 *
 * Bounded in time too: no message is held longer than the window after it arrived, whatever the
 * offsets say. When the oldest arrival's window is over, the watermark moves to its place (so it
 * and everything captured before it go, in order) and the offset rises so the clock runs on from
 * there. Before issue 47 the watermark followed the smallest offset only, so a capture sent as a
 * burst (an agent flushing a backlog, a pcap imported over HEP) was released at the pace it was
 * captured: 38 of 58 messages of a 265 s capture were still held 40 s later. What arrives up to the
 * window after a message captured after it is still in order: that message waits the whole window.
 */

/** One captured message (or RTCP packet of a call) waiting for its turn. */
export interface Held extends Queued {
  /** Place in capture order, microseconds: the capture time, or later when causality says so. */
  wake: number;
  /** Orders messages placed in the same microsecond (set when held). */
  tie: number;
  /** Capture time as stamped, microseconds. */
  ts: number;
  callId: string;
  msg: SipMessage | undefined;
  rtcp: RtcpPacket | undefined;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  /** Trunk rule that matched this copy (requests that can open a call or keepalive). */
  match: TrunkMatch | undefined;
  /** The rule that matched any held copy of the same request: the copy that opens a call gets it. */
  shared: TrunkMatch | undefined;
  /** Bytes of the captured payload it keeps alive (a parsed message views its packet's text). */
  bytes: number;
  /** The call's held messages, in arrival order: a ring through `next`/`prev` (set when held). */
  next: Held | undefined;
  prev: Held | undefined;
  /** Its call's held messages (set when held). */
  call: CallHold | undefined;
  /** Receipt time (ms) by which it is handed on whatever the watermark says (set when held). */
  due: number;
  /** Held messages of all calls in arrival order, a list through `later`/`earlier` (set when held). */
  later: Held | undefined;
  earlier: Held | undefined;
  /** The next message of its call waiting for the call's route (route-wait.ts), after the window. */
  waitNext: Held | undefined;
}

/** The held messages of one call: the first to arrive (the others follow through `next`) and how many. */
interface CallHold {
  first: Held | undefined;
  count: number;
  /**
   * The latest place any of its held messages was given (not lowered when one is handed on): a
   * message captured after it follows none of them out of order, so it is placed without a look.
   */
  latest: number;
}

/** Spare {@link CallHold}s kept for the next calls, so holding allocates nothing in steady state. */
const SPARE_HOLDS = 1024;

/** What the tracker already handled of a call, so a held message need not wait for it again. */
export interface CallKnowledge {
  saw(cseq: number, method: string, finalOnly: boolean): boolean;
  /** A leg (Via branch) of this method is known: its request, or a reply to it, was handled. */
  leg(hash: number, method: SipMethod): unknown;
  readonly answered: boolean;
}

export interface ReorderOptions {
  /** How much later than a message captured after it a message may arrive and still be in order. */
  windowMs: number;
  /** Messages held at once (all calls). */
  maxHeld: number;
  /** Payload bytes held at once (all calls). */
  maxHeldBytes: number;
  /** Messages held at once for one call. */
  perCallMax: number;
}

/** The offset minimum is kept over two buckets of this much receipt time, so it can rise again. */
const OFFSET_BUCKET_MS = 10_000;
const TWO_16 = 2 ** 16;
/** CSeq numbers from here on share one rank among ties (RFC 3261 8.1.1.5: a call's CSeq rises by one). */
const CSEQ_TIE_MAX = 2 ** 20 - 1;

/**
 * Rank among messages placed in the same microsecond: the lower CSeq first, then request,
 * provisional, final, ACK/RTCP. A reply moved just after its request's copy (place, +1 us) can land
 * on the microsecond of a later transaction's message: issue 47's model of siptrace at 4 workers put
 * the 200 of a retried REGISTER (CSeq 2) first by its code, and the 401 of CSeq 1 was lost.
 */
function tieOf(h: Held): number {
  const m = h.msg;
  if (m === undefined) return (CSEQ_TIE_MAX * 4 + 3) * 16 * 1024 * TWO_16 + ((h.rtcp?.sender ?? 0) >>> 16);
  const rank = m.code === 0 ? (m.method === 'ACK' ? 3 : 0) : m.code < 200 ? 1 : 2;
  const cseq = m.cseq < CSEQ_TIE_MAX ? m.cseq : CSEQ_TIE_MAX;
  // transactionKey's method index (0..15) and the code (0..699) within the rank; then the branch.
  const method = transactionKey(0, m.method, 0) / 1024;
  return (((cseq * 4 + rank) * 16 + method) * 1024 + m.code) * TWO_16 + (hash32(m.branch) >>> 16);
}

const isRequest = (m: SipMessage) => m.code === 0 && m.method !== 'ACK';

/**
 * Whether `e` must come after `d` (see 2. above): `d` is a copy of what `e` answers or follows.
 * What a BYE follows is the 2xx of an INVITE with a lower CSeq. A reply (and the ACK of a failure)
 * follows the copy of its leg first: a proxy's worker can stamp its out-copy of a request after
 * another worker stamped the reply on that leg, while the in-copy was stamped long before.
 */
function follows(e: SipMessage, d: SipMessage): boolean {
  if (e.code !== 0) return d.code === 0 && d.cseq === e.cseq && d.method === e.method && isRequest(d);
  switch (e.method) {
    case 'ACK':
      return d.code >= 200 && d.method === 'INVITE' && d.cseq === e.cseq;
    case 'CANCEL':
      return d.code === 0 && d.method === 'INVITE' && d.cseq === e.cseq;
    case 'BYE':
      return d.code >= 200 && d.code < 300 && d.method === 'INVITE' && d.cseq < e.cseq;
    case 'REGISTER':
    case 'INVITE':
      // The retry with credentials (RFC 3261 22.2) or to a 3xx's target (8.1.3.4) is sent on the
      // failure it follows: siptrace can stamp the proxy's copy of that 401 after the retry.
      return e.toTag === '' && d.code >= 300 && d.method === e.method && d.cseq < e.cseq;
    default:
      return false;
  }
}

/** Whether `d` went back on the hop `h` came on (the addresses and ports swapped). */
function reverseHop(h: Held, d: Held): boolean {
  return d.srcIp === h.dstIp && d.dstIp === h.srcIp && d.srcPort === h.dstPort && d.dstPort === h.srcPort;
}

/** Whether the tracker has already handled what `e` follows. */
function known(e: SipMessage, k: CallKnowledge | undefined): boolean {
  if (k === undefined) return false;
  if (e.code !== 0) return k.saw(e.cseq, e.method, false);
  if (e.method === 'ACK') return k.saw(e.cseq, 'INVITE', true);
  if (e.method === 'CANCEL') return k.saw(e.cseq, 'INVITE', false);
  // A retry's CSeq is one above the failed request's (RFC 3261 8.1.3.5, 10.2.4).
  if (e.method !== 'BYE') return k.saw(e.cseq - 1, e.method, true);
  return k.answered;
}

/**
 * One trunk match for every held copy of a request: the copy a proxy sends to the trunk may be
 * stamped after the one it received, and the first copy opens the call.
 */
function share(h: Held, call: CallHold): void {
  const m = h.msg as SipMessage;
  let d = call.first as Held;
  for (let i = 0; i < call.count; i++, d = d.next as Held) {
    const o = d.msg;
    if (
      d === h ||
      o === undefined ||
      o.code !== 0 ||
      o.toTag !== '' ||
      o.method !== m.method ||
      o.cseq !== m.cseq
    )
      continue;
    if (h.shared === undefined) h.shared = d.shared;
    else d.shared ??= h.shared;
  }
}

/** Whether anything can follow `m` (see follows): not a provisional, an ACK or a final but INVITE's and a failed REGISTER's. */
function followed(m: SipMessage): boolean {
  if (m.code === 0) return m.method !== 'ACK';
  return m.code >= 200 && (m.method === 'INVITE' || (m.code >= 300 && m.method === 'REGISTER'));
}

/**
 * @example
 * const reorder = new Reorder((h) => tracker.message(h), (ms) => tracker.advance(ms), (id) => tracker.knowledge(id), opts);
 * reorder.push(held, Date.now());
 * setInterval(() => reorder.release(Date.now()), 100);
 */
export class Reorder {
  private readonly queue = new HeldQueue<Held>();
  /** The held messages of each call with any held. */
  private readonly calls = new Map<string, CallHold>();
  private readonly spare: CallHold[] = [];
  private readonly windowUs: number;
  /** Capture clock up to which every message has been handed on, microseconds. */
  watermark = Number.NEGATIVE_INFINITY;
  private offset = Number.POSITIVE_INFINITY;
  private previousOffset = Number.POSITIVE_INFINITY;
  private bucketStart = Number.NEGATIVE_INFINITY;
  /** Messages that arrived after the watermark passed their capture time (window too small). */
  late = 0;
  /** Messages handed on early because `maxHeld`, `maxHeldBytes` or `perCallMax` was reached. */
  overflow = 0;
  /** Payload bytes held now. */
  bytes = 0;
  /** The held message that arrived first (its `due` is the earliest) and the last one. */
  private oldest: Held | undefined = undefined;
  private newest: Held | undefined = undefined;

  constructor(
    private readonly deliver: (h: Held) => void,
    /** Move the tracker's clock to this capture time (ms): timers due before it fire. */
    private readonly advance: (ms: number) => void,
    private readonly knowledge: (callId: string) => CallKnowledge | undefined,
    private readonly options: ReorderOptions,
    private readonly onOverflow: () => void = () => {},
  ) {
    this.windowUs = options.windowMs * 1000;
  }

  /** Messages held now. */
  get size(): number {
    return this.queue.size;
  }

  /** Receipt time (ms) when the next held message is due whatever arrives; undefined: none held. */
  get nextDue(): number | undefined {
    return this.oldest?.due;
  }

  /** Take one captured message at receipt time `nowMs`, and hand on whatever is due. */
  push(h: Held, nowMs: number): void {
    if (h.ts < this.watermark) {
      this.late++;
      h.wake = h.ts;
      this.deliver(h);
      return;
    }
    // Offsets only from messages in time: a late one must not hold everything else back.
    const offset = h.ts - nowMs * 1000;
    if (nowMs - this.bucketStart >= OFFSET_BUCKET_MS) {
      this.previousOffset = this.offset;
      this.offset = offset;
      this.bucketStart = nowMs;
    } else if (offset < this.offset) this.offset = offset;
    if (this.windowUs === 0) {
      // No window: in arrival order, as captured.
      this.watermark = Math.max(this.watermark, h.ts);
      h.wake = h.ts;
      this.advance(h.ts / 1000);
      this.deliver(h);
      return;
    }
    h.due = nowMs + this.options.windowMs;
    this.hold(h);
    // Only what the watermark passed: a message read now may be the first of a batch that waited
    // in the kernel while this process stalled, and the rest of the batch, read next in the same
    // loop phase, can be captured before what was held from before the stall. Ending that one's
    // whole window here passed them and counted them late (issue 48's run 33: 2 late of
    // Kamailio's copies over HEP/TCP, which arrived at most 21.6 ms out of order against a 200 ms
    // window). The window ends in `release`, which the source runs after the loop read its sockets.
    this.release(nowMs, false);
  }

  private hold(h: Held): void {
    let call = this.calls.get(h.callId);
    if (call !== undefined && call.count >= this.options.perCallMax) {
      this.overflow++;
      this.onOverflow();
      this.handOn(this.earliest(call), false);
    }
    h.tie = tieOf(h);
    h.heapAt = -1;
    h.ringAt = -1;
    if (call === undefined || call.count === 0) {
      call = this.spare.pop() ?? { first: undefined, count: 0, latest: Number.NEGATIVE_INFINITY };
      call.latest = Number.NEGATIVE_INFINITY;
      this.calls.set(h.callId, call);
      h.next = h;
      h.prev = h;
      call.first = h;
    } else {
      const first = call.first as Held;
      const last = first.prev as Held;
      h.next = first;
      h.prev = last;
      last.next = h;
      first.prev = h;
    }
    h.call = call;
    call.count++;
    this.bytes += h.bytes;
    h.later = undefined;
    h.earlier = this.newest;
    if (this.newest === undefined) this.oldest = h;
    else this.newest.later = h;
    this.newest = h;
    const m = h.msg;
    if (m !== undefined && m.code === 0 && m.toTag === '') share(h, call);
    // A message alone in its call's window, or captured after every place its call's held messages
    // were given, is placed at its capture time without a look: place would find nothing at or
    // after it to follow (most messages: they arrive in capture order). Held messages may still
    // have to follow it (a reply stamped before its request): reposition looks.
    const alone = call.count === 1;
    this.queue.set(h, alone || h.ts > call.latest ? h.ts : this.place(h, call));
    if (h.wake > call.latest) call.latest = h.wake;
    if (m !== undefined && !alone && followed(m)) this.reposition(m, h.wake, call);
    while (this.queue.size > this.options.maxHeld || this.bytes > this.options.maxHeldBytes) {
      this.overflow++;
      this.onOverflow();
      const earliest = this.queue.peek() as Held;
      if (earliest.wake > this.watermark) this.watermark = earliest.wake;
      this.handOn(earliest, true);
    }
  }

  /** Where `h` goes: its capture time, or just after the earliest held message it follows. */
  private place(h: Held, call: CallHold): number {
    const m = h.msg;
    if (m === undefined) return h.ts;
    // The copy of the same leg first (replies, and the ACK of a failure); else any copy.
    const leg = m.code !== 0 || m.method === 'ACK';
    // An ACK on a branch of its own (SER's `branch=0`, a relayed ACK) is on the hop its final came
    // back on: issue 47's siptrace model gave a false timer H when it was handed on before that final.
    const byHop =
      m.method === 'ACK' &&
      m.code === 0 &&
      (m.branch === '' || this.knowledge(h.callId)?.leg(hash32(m.branch), 'INVITE') === undefined);
    let earliest = Number.POSITIVE_INFINITY;
    let sameLeg = Number.POSITIVE_INFINITY;
    let d = call.first as Held;
    for (let i = 0; i < call.count; i++, d = d.next as Held) {
      const o = d.msg;
      if (d === h || o === undefined || !follows(m, o)) continue;
      if (d.wake < earliest) earliest = d.wake;
      if (leg && d.wake < sameLeg && (o.branch === m.branch || (byHop && reverseHop(h, d)))) sameLeg = d.wake;
    }
    // The tracker is asked only when a held copy comes first: most messages have none.
    if (sameLeg !== Number.POSITIVE_INFINITY) {
      if (sameLeg < h.ts) return h.ts;
      const k = this.knowledge(h.callId);
      const method = sipMethod(m.method === 'ACK' ? 'INVITE' : m.method);
      return k?.leg(hash32(m.branch), method) !== undefined ? h.ts : sameLeg + 1;
    }
    if (earliest < h.ts || earliest === Number.POSITIVE_INFINITY) return h.ts;
    return known(m, this.knowledge(h.callId)) ? h.ts : earliest + 1;
  }

  /**
   * A newly held `m` may be what messages already held must follow: move them after it. Or back:
   * a reply placed after another leg's copy of its request, because its own leg's copy had not
   * arrived, goes back to its own time when that copy comes (issue 47: a 401 left after the 200 of
   * the retried REGISTER lost its challenge, 1 run in 5 with Kamailio at 4 workers).
   */
  private reposition(m: SipMessage, at: number, call: CallHold): void {
    const n = call.count;
    const first = call.first as Held;
    let moved = false;
    let e = first;
    for (let i = 0; i < n; i++, e = e.next as Held)
      if (e.msg !== undefined && (e.wake <= at || e.wake !== e.ts) && follows(e.msg, m)) moved = true;
    // Rare (a reply stamped before its request): settle every place of the call, deepest chain 4.
    for (let pass = 0; moved && pass < 4; pass++) {
      moved = false;
      e = first;
      for (let i = 0; i < n; i++, e = e.next as Held) {
        // Never back past what was handed on: the tracker has seen the capture up to the watermark.
        const place = Math.max(this.place(e, call), this.watermark);
        if (place !== e.wake) {
          this.queue.set(e, place);
          if (place > call.latest) call.latest = place;
          moved = true;
        }
      }
    }
  }

  private earliest(call: CallHold): Held {
    let earliest = call.first as Held;
    let h = earliest.next as Held;
    for (let i = 1; i < call.count; i++, h = h.next as Held)
      if (h.wake < earliest.wake || (h.wake === earliest.wake && h.tie < earliest.tie)) earliest = h;
    return earliest;
  }

  /** Take `h` out and hand it on; `inOrder` moves the tracker's clock to it first. */
  private handOn(h: Held, inOrder: boolean): void {
    this.queue.remove(h);
    this.bytes -= h.bytes;
    const call = h.call as CallHold;
    if (--call.count === 0) {
      this.calls.delete(h.callId);
      call.first = undefined;
      if (this.spare.length < SPARE_HOLDS) this.spare.push(call);
    } else {
      const next = h.next as Held;
      const prev = h.prev as Held;
      prev.next = next;
      next.prev = prev;
      if (call.first === h) call.first = next;
    }
    h.next = undefined;
    h.prev = undefined;
    h.call = undefined;
    const later = h.later;
    const earlier = h.earlier;
    if (earlier === undefined) this.oldest = later;
    else earlier.later = later;
    if (later === undefined) this.newest = earlier;
    else later.earlier = earlier;
    h.later = undefined;
    h.earlier = undefined;
    if (inOrder) this.advance(h.wake / 1000);
    this.deliver(h);
  }

  /**
   * Hand on every message the watermark at receipt time `nowMs` has passed and, unless `windows` is
   * false, every message held a whole window.
   */
  release(nowMs: number, windows = true): void {
    const offset = Math.min(this.offset, this.previousOffset);
    if (offset !== Number.POSITIVE_INFINITY) {
      const mark = nowMs * 1000 + offset - this.windowUs;
      if (mark > this.watermark) this.watermark = mark;
    }
    for (;;) {
      const first = this.queue.peek();
      if (first === undefined) break;
      if (first.wake <= this.watermark) {
        this.handOn(first, true);
        continue;
      }
      const oldest = this.oldest as Held;
      if (!windows || oldest.due > nowMs) break;
      // Held a whole window: the capture clock is at least its place, and runs on from there.
      this.watermark = oldest.wake;
      const at = oldest.wake - nowMs * 1000 + this.windowUs;
      if (at > this.offset) this.offset = at;
      if (at > this.previousOffset) this.previousOffset = at;
    }
  }

  /** Hand on everything held, in order (end of a replay, shutdown). */
  flush(): void {
    for (;;) {
      const first = this.queue.peek();
      if (first === undefined) return;
      if (first.wake > this.watermark) this.watermark = first.wake;
      this.handOn(first, true);
    }
  }
}
