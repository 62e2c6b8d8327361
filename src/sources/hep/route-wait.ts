import type { Held } from './reorder.js';

/**
 * The route wait: a call's trunk and direction come from the copy of its first INVITE that a
 * proxy sends to the trunk (or receives from it), and that copy can be captured well after the one
 * the proxy received. The reorder window joins the copies while both are held; a proxy that takes
 * longer than the window to forward (a DNS lookup of the trunk, a loaded worker) sends the second
 * copy after the first was handed on, and the call opened `inbound` on no trunk: a Kamailio with
 * 4 workers on a loaded machine did so for 1 of 27 calls to the carrier (stop 58, run 13), and the
 * attempt stayed counted on the wrong trunk.
 *
 * So, when trunk rules are configured, a call whose first INVITE matched none is not opened at once:
 * its messages wait here, in the order the window gave them, until what they wait for is known:
 * - a copy of that INVITE that matches a rule: every waiting copy takes its match (the call opens
 *   on the trunk), then it is handed on after them;
 * - anything a proxy sends only after it forwarded the INVITE (any reply but 100, a CANCEL, an ACK,
 *   a BYE, another request): the call opens with what is known, then that message;
 * - `waitMs` of receipt time, or the end of the capture: the call opens with what is known.
 * A 100 Trying is hop by hop (RFC 3261 16.2: a proxy sends it before forwarding) and RTCP says
 * nothing of the route: both wait with the call. Calls with a match on their first copy (most
 * inbound ones) never wait, nor does anything without trunk rules.
 *
 * Bounded: `maxCalls` calls and `perCallMax` messages a call; past either the oldest call (or this
 * one) opens at once, counted by `onOverflow`.
 */
export class RouteWait {
  /** Waiting calls by Call-ID, in the order they began to wait (so by their deadlines). */
  private readonly calls = new Map<string, Waiting>();
  /** Receipt time of the message being handed on, ms (set by the capture before it pushes). */
  now = 0;

  constructor(
    private readonly deliver: (h: Held) => void,
    /** Is the call already open in the tracker (so its first INVITE is long gone)? */
    private readonly tracked: (callId: string) => boolean,
    private readonly options: { waitMs: number; maxCalls: number; perCallMax: number },
    private readonly onOverflow: () => void,
  ) {}

  /** Calls waiting now. */
  get size(): number {
    return this.calls.size;
  }

  /** Receipt time (ms) when the next call opens whatever arrives; undefined: none waiting. */
  get nextDue(): number | undefined {
    for (const w of this.calls.values()) return w.due;
    return undefined;
  }

  /** Is this call waiting for its route? */
  has(callId: string): boolean {
    return this.calls.size > 0 && this.calls.has(callId);
  }

  /** One message handed on by the reorder window, in capture order. */
  take(h: Held): void {
    if (this.options.waitMs <= 0) {
      this.deliver(h);
      return;
    }
    const w = this.calls.size === 0 ? undefined : this.calls.get(h.callId);
    if (w !== undefined) {
      this.next(w, h);
      return;
    }
    const m = h.msg;
    if (
      m === undefined ||
      h.shared !== undefined ||
      m.code !== 0 ||
      m.method !== 'INVITE' ||
      m.toTag !== '' ||
      this.tracked(h.callId)
    ) {
      this.deliver(h);
      return;
    }
    if (this.calls.size >= this.options.maxCalls) {
      this.onOverflow();
      for (const oldest of this.calls.values()) {
        this.open(oldest);
        break;
      }
    }
    h.waitNext = undefined;
    this.calls.set(h.callId, {
      first: h,
      last: h,
      count: 1,
      due: this.now + this.options.waitMs,
      cseq: m.cseq,
    });
  }

  /** Open every call whose wait is over at receipt time `nowMs`. */
  release(nowMs: number): void {
    for (const w of this.calls.values()) {
      if (w.due > nowMs) return;
      this.open(w);
    }
  }

  /** Open every waiting call (end of a replay, shutdown). */
  flush(): void {
    for (const w of this.calls.values()) this.open(w);
  }

  private next(w: Waiting, h: Held): void {
    const m = h.msg;
    // Another copy of the INVITE: it brings the route, or waits with the first.
    if (m !== undefined && m.code === 0 && m.method === 'INVITE' && m.toTag === '' && m.cseq === w.cseq) {
      const match = h.shared;
      if (match !== undefined) {
        for (let d: Held | undefined = w.first; d !== undefined; d = d.waitNext)
          if (d.msg?.method === 'INVITE' && d.msg.code === 0) d.shared ??= match;
        this.open(w);
        this.deliver(h);
        return;
      }
    } else if (m !== undefined && m.code !== 100) {
      this.open(w);
      this.deliver(h);
      return;
    }
    if (w.count >= this.options.perCallMax) {
      this.onOverflow();
      this.open(w);
      this.deliver(h);
      return;
    }
    h.waitNext = undefined;
    w.last.waitNext = h;
    w.last = h;
    w.count++;
  }

  /** Hand on the call's messages in their order: the first opens it with the route it has. */
  private open(w: Waiting): void {
    this.calls.delete(w.first.callId);
    let d: Held | undefined = w.first;
    while (d !== undefined) {
      const next: Held | undefined = d.waitNext;
      d.waitNext = undefined;
      this.deliver(d);
      d = next;
    }
  }
}

/** A call waiting for its route: its messages chained through `waitNext`, oldest first. */
interface Waiting {
  first: Held;
  last: Held;
  count: number;
  /** Receipt time (ms) by which it opens whatever arrives. */
  due: number;
  /** The CSeq of its first INVITE: copies of that INVITE carry it. */
  cseq: number;
}
