import type { Direction } from '../../events/vocab.js';
import { SIP_METHODS } from '../../telephony/labels.js';
import { type SipMethod, sipMethod } from '../../telephony/standards/sip.js';
import type { Wakeable } from './deadlines.js';

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

/** FNV-1a over UTF-16 code units: a Via branch as a number (no string kept, no allocation). */
export function branchHash(branch: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < branch.length; i++) h = Math.imul(h ^ branch.charCodeAt(i), 0x01000193);
  return h >>> 0;
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

/** A client transaction on one Via branch: timer B (INVITE) or F (others). */
export class Leg {
  constructor(
    public hash: number,
    public method: SipMethod,
    public invite: boolean,
    /** When timer B/F fires (our clock). */
    public due: number,
    /** A response arrived, or the timer already fired: nothing more to do. */
    public done = false,
  ) {}
}

export class CallState implements Wakeable {
  wake = 0;
  heapAt = -1;
  readonly callId: string;
  readonly fromTag: string;
  /** Any response on any leg to the initial INVITE. */
  heard = false;
  ringing = false;
  answered = false;
  ended = false;
  cancelled = false;
  /** 401/407 to the INVITE, waiting for the authenticated retry (same Call-ID, higher CSeq). */
  challenge = 0;
  /** When an unanswered challenge ends the attempt; -1 when none is waiting. */
  challengeDue = -1;
  timedOut = false;
  held = false;
  /** Audio codec from the SDP (offer, then answer), for RTCP reports that do not name one. */
  codec: string | undefined = undefined;
  /** When this ended call or transaction is forgotten; -1 while it is open. */
  lingerUntil = -1;
  lastSeen: number;
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
    /** Our clock when the first message arrived (the calls Map keeps this order). */
    readonly opened: number,
  ) {
    this.callId = own(callId);
    this.fromTag = own(fromTag.slice(0, TAG_MAX));
    this.lastSeen = opened;
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

  leg(hash: number): Leg | undefined {
    const legs = this.legs;
    if (legs === undefined) return undefined;
    for (let i = 0; i < legs.length; i++) if ((legs[i] as Leg).hash === hash) return legs[i];
    return undefined;
  }

  /**
   * Start timer B/F for a new branch. A full table reuses the slot of the oldest finished leg;
   * when every slot is still running the branch is not timed and `false` says so (to be counted).
   */
  addLeg(hash: number, method: string, due: number): boolean {
    const legs = this.legs ?? [];
    this.legs = legs;
    const m = sipMethod(method);
    if (legs.length < LEGS_MAX) {
      legs.push(new Leg(hash, m, method === 'INVITE', due));
      return true;
    }
    let oldest: Leg | undefined;
    for (const l of legs) if (l.done && (oldest === undefined || l.due < oldest.due)) oldest = l;
    if (oldest === undefined) return false;
    oldest.hash = hash;
    oldest.method = m;
    oldest.invite = method === 'INVITE';
    oldest.due = due;
    oldest.done = false;
    return true;
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

  /** The earliest timer, challenge or linger deadline after `now`; Infinity when none. */
  nextWake(now: number): number {
    let at = this.lingerUntil > now ? this.lingerUntil : Number.POSITIVE_INFINITY;
    if (this.challengeDue > now && this.challengeDue < at) at = this.challengeDue;
    if (this.legs !== undefined)
      for (const l of this.legs) if (!l.done && l.due > now && l.due < at) at = l.due;
    return at;
  }

  /** A leg whose timer has not fired nor been answered. */
  get pending(): boolean {
    if (this.legs !== undefined) for (const l of this.legs) if (!l.done) return true;
    return false;
  }
}
