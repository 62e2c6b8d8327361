import { SIP_METHODS } from '../../domain/labels.js';
import type { SipMethod } from '../../domain/standards/sip.js';
import type { Direction } from '../../domain/vocab.js';
import type { Wakeable } from './deadlines.js';
import { DIALOG, DIALOG_FLAG, type DialogPhase, type DialogState } from './dialog.js';
import type { CallFlow } from './flow.js';
import { INVITE_TX, NON_INVITE_TX, type TxKind, type TxState } from './transaction.js';

/**
 * What the HEP tracker keeps of one call or transaction: a fixed set of facts, never a packet.
 *
 * V8 keeps a substring as a view of the string it was cut from, so a Call-ID read out of a 60 KB
 * INVITE kept the whole 60 KB alive for as long as the call was tracked (issue 31: 61,508 bytes a
 * call, the heap limit after 75,313 such packets). Every string kept here is therefore copied out
 * ({@link own}) and bounded; Via branches are kept as 32-bit hashes, transactions already counted as
 * numbers in a ring, and each collection has a fixed capacity whose overflow the tracker counts.
 *
 * Measured with node --expose-gc: heap after GC over calls tracked, through HepSource.handle,
 * 20,000 calls (64 branches: 2,000); test/sources/hep/bounds.test.ts holds each case to its bound.
 * | case                                        | before         | now             |
 * |---------------------------------------------|----------------|-----------------|
 * | one INVITE a Call-ID, 300 bytes of headers  | 1,350 B a call | 853 B a call    |
 * | one INVITE a Call-ID, 60 KB of headers      | 61,350 B       | 858 B           |
 * | 64 requests on distinct branches a call     | 34,572 B       | 3,942 B         |
 * | one call, UPDATEs with Session-Expires      | +20.6 MiB / 1M | +0.6 MiB, flat to 3M |
 */

/** Transactions remembered per call to absorb retransmissions and the other proxy leg. */
export const SEEN_MAX = 32;
/** Client transactions (Via branches) per call whose timer B/F can run at once. */
export const LEGS_MAX = 32;
/** Session refreshes (RFC 4028) per call waiting for their final response. */
export const REFRESHES_MAX = 4;
/** From tags are kept (and compared) up to this many characters. */
const TAG_MAX = 128;

/**
 * A string that shares no memory with the message it was read from (see the note above).
 * @example own(msg.callId)
 */
export function own(s: string): string {
  // Strings under 13 characters are already copies (V8's SlicedString::kMinLength).
  return s.length < 13 ? s : Buffer.from(s, 'utf8').toString('utf8');
}

const METHOD_INDEX = new Map<string, number>(SIP_METHODS.map((m, i) => [m, i + 1]));

/**
 * One transaction (CSeq number, method, status; 0 for the request) as an exact number:
 * CSeq < 10^10 (the parser's bound) * 16 methods * 1024 codes < 2^53. Unknown methods share
 * index 0, as they share the `other` label.
 */
export function transactionKey(cseq: number, method: string, code: number): number {
  return (cseq * 16 + (METHOD_INDEX.get(method) ?? 0)) * 1024 + code;
}

/**
 * A client/server transaction on one Via branch, as the capture sees it: its state in the table of
 * transaction.ts and the deadline of the timer (B, F or H) that state runs, -1 when none runs.
 */
export class Leg {
  constructor(
    public hash: number,
    public method: SipMethod,
    public kind: TxKind,
    public cseq: number,
    /** When the state's timer fires, capture time; -1 when none runs. */
    public due: number,
    public state: TxState,
  ) {}

  /** A timer is running on this leg. */
  get timed(): boolean {
    return this.due >= 0;
  }
}

/**
 * Where each side's audio RTCP comes from (from the SDP offer and answer), and what the receivers
 * reported: made when a call first shows SDP or RTCP, so a call without either costs nothing.
 */
export class CallMedia {
  callerIp = 0;
  callerRtp = 0;
  callerRtcp = 0;
  calleeIp = 0;
  calleeRtp = 0;
  calleeRtcp = 0;
  /** Bit 1: a receiver reported the caller->callee stream; bit 2: callee->caller. */
  reported = 0;
  /** Any RTCP packet of this call, report blocks or not. */
  rtcp = false;
  /** Highest sequence number last reported per stream (a relayed copy of a report repeats it). */
  lastSeq = [-1, -1];
  /** When one-way audio / no media is judged (capture time); -1 when not waiting. */
  due = -1;
  /** 0 none, else 1 + MEDIA_ANOMALIES index. */
  anomaly = 0;
  /** With one_way: 1 + MEDIA_STREAMS index of the stream nobody reported. */
  silent = 0;
}

/** What a REGISTER chain or an OPTIONS keepalive keeps: the trunk it concerns and its timings. */
export class Exchange {
  trunk: string | undefined = undefined;
  toTrunk = false;
  /** The trunk rule named the trunk but not its side (a header rule, both ends in its networks). */
  sideless = false;
  /** Where the keepalive went (`ip:port` of its copy to the trunk): the next one there judges it. */
  probeKey: string | undefined = undefined;
  /** Via branch hash of the request copy sent to the trunk (its RTT and its timer F), 0 none. */
  trunkLeg = 0;
  trunkSentAt = -1;
  /** The keepalive's trunk status was reported. */
  reported = false;
  /** First REGISTER of the current chain (RFC 6076 4.1 RRD starts there); -1 between chains. */
  chainStart = -1;
  unregister = false;
  /** Interval asked, seconds; -1 unknown. */
  expires = -1;
  /** Hash of the address of record (no AOR is kept). */
  aor = 0;
  challenged = false;
}

export class HepCall implements Wakeable, DialogState {
  wake = 0;
  heapAt = -1;
  readonly callId: string;
  readonly fromTag: string;
  /** Where the call's dialog is (dialog.ts): the phase and the facts its table reads. */
  phase: DialogPhase = DIALOG.calling;
  /** Bits of {@link DIALOG_FLAG}. */
  flags = 0;
  /** Capture time of the answer (the 2xx), -1 before: a provisional handed on later rings no later. */
  answeredAt = -1;
  /** 3xx, 401 or 407 to the INVITE the attempt waits on (kept once ended: a late retry renumbers); 0 none. */
  waitCode = 0;
  /** When a 3xx or challenge nobody followed ends the attempt (capture time); -1 when none is waiting. */
  waitDue = -1;
  /** Audio codec from the SDP (offer, then answer), for RTCP reports that do not name one. */
  codec: string | undefined = undefined;
  /** When this ended call or transaction is forgotten (capture time); -1 while it is open. */
  lingerUntil = -1;
  /** Capture time of the latest fact of this call: events never go back in time within a call. */
  lastTs: number;
  media: CallMedia | undefined = undefined;
  exchange: Exchange | undefined = undefined;
  /** The SIP message sequence so far (calls only), emitted as `sip.flow` when the call is forgotten. */
  flow: CallFlow | undefined = undefined;
  private seen: number[] | undefined;
  private seenNext = 0;
  legs: Leg[] | undefined;
  /** CSeq numbers of in-dialog requests that carry Session-Expires; -1 is a free slot. */
  private refreshes: number[] | undefined;
  private refreshNext = 0;

  constructor(
    callId: string,
    fromTag: string,
    /** True for an INVITE dialog; false for REGISTER, OPTIONS, MESSAGE... */
    readonly call: boolean,
    readonly direction: Direction,
    public inviteCseq: number,
    /** Capture time of the first message (the calls Map keeps this order). */
    readonly opened: number,
  ) {
    this.callId = own(callId);
    this.fromTag = own(fromTag.slice(0, TAG_MAX));
    this.lastTs = opened;
  }

  /** A 2xx answered the call (it stays answered once ended). */
  get answered(): boolean {
    return (this.flags & DIALOG_FLAG.answered) !== 0;
  }

  get ended(): boolean {
    return this.phase === DIALOG.ended;
  }

  /** Whether a message's From tag is the one that opened the call (the caller's). */
  fromCaller(tag: string): boolean {
    const own = this.fromTag;
    return tag.length <= TAG_MAX ? tag === own : own.length === TAG_MAX && tag.startsWith(own);
  }

  /** True the first time a transaction is seen within the last {@link SEEN_MAX} of this call. */
  firstSeen(key: number): boolean {
    let seen = this.seen;
    if (seen === undefined) {
      seen = [];
      this.seen = seen;
    }
    for (let i = 0; i < seen.length; i++) if (seen[i] === key) return false;
    if (seen.length < SEEN_MAX) seen.push(key);
    else seen[this.seenNext] = key;
    this.seenNext = (this.seenNext + 1) % SEEN_MAX;
    return true;
  }

  /**
   * Whether a message of transaction (`cseq`, `method`) was seen: the request (`finalOnly` false), or
   * a final response to it. Read by the reorder window to decide what a message must follow.
   */
  saw(cseq: number, method: string, finalOnly: boolean): boolean {
    const seen = this.seen;
    if (seen === undefined) return false;
    const base = transactionKey(cseq, method, 0);
    for (let i = 0; i < seen.length; i++) {
      const code = (seen[i] as number) - base;
      if (finalOnly ? code >= 200 && code < 1024 : code === 0) return true;
    }
    return false;
  }

  /** The leg of a Via branch and method (a CANCEL shares its INVITE's branch, RFC 3261 17.1.3). */
  leg(hash: number, method: SipMethod): Leg | undefined {
    const legs = this.legs;
    if (legs === undefined) return undefined;
    for (let i = 0; i < legs.length; i++) {
      const l = legs[i] as Leg;
      if (l.hash === hash && l.method === method) return l;
    }
    return undefined;
  }

  /**
   * Track a new branch. A full table reuses the slot of a finished leg (no timer running);
   * when every slot is still running the branch is not timed and `undefined` says so (to be counted).
   */
  addLeg(hash: number, method: SipMethod, cseq: number, due: number, state: TxState): Leg | undefined {
    const legs = this.legs ?? [];
    this.legs = legs;
    const kind = method === 'INVITE' ? INVITE_TX : NON_INVITE_TX;
    if (legs.length < LEGS_MAX) {
      const leg = new Leg(hash, method, kind, cseq, due, state);
      legs.push(leg);
      return leg;
    }
    let free: Leg | undefined;
    for (const l of legs)
      if (!l.timed) {
        free = l;
        break;
      }
    if (free === undefined) return undefined;
    free.hash = hash;
    free.method = method;
    free.kind = kind;
    free.cseq = cseq;
    free.due = due;
    free.state = state;
    return free;
  }

  /** Remember a refresh's CSeq; `false` when the oldest one waiting had to be forgotten. */
  addRefresh(cseq: number): boolean {
    const r = this.refreshes ?? new Array<number>(REFRESHES_MAX).fill(-1);
    this.refreshes = r;
    if (r.includes(cseq)) return true;
    const free = r.indexOf(-1);
    if (free >= 0) {
      r[free] = cseq;
      return true;
    }
    r[this.refreshNext] = cseq;
    this.refreshNext = (this.refreshNext + 1) % REFRESHES_MAX;
    return false;
  }

  /** Whether `cseq` was a refresh waiting for its answer (it is then forgotten). */
  takeRefresh(cseq: number): boolean {
    const i = this.refreshes === undefined ? -1 : this.refreshes.indexOf(cseq);
    if (i < 0) return false;
    (this.refreshes as number[])[i] = -1;
    return true;
  }

  /** The earliest timer, follow-up, media or linger deadline after `now`; Infinity when none. */
  nextWake(now: number): number {
    let at = this.lingerUntil > now ? this.lingerUntil : Number.POSITIVE_INFINITY;
    if (this.waitDue > now && this.waitDue < at) at = this.waitDue;
    const media = this.media?.due ?? -1;
    if (media > now && media < at) at = media;
    if (this.legs !== undefined)
      for (const l of this.legs) if (l.timed && l.due > now && l.due < at) at = l.due;
    return at;
  }

  /** A leg whose timer is still running. */
  get pending(): boolean {
    if (this.legs !== undefined) for (const l of this.legs) if (l.timed) return true;
    return false;
  }
}
