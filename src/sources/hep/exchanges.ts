import type { Direction, SipRegistrationKind } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import { Exchange, type HepCall, type Leg } from './call-state.js';
import { WakeHeap } from './deadlines.js';
import { hash32 } from './hash.js';
import type { SipMessage } from './sip.js';
import type { TrunkMatch } from './trunks.js';

/** One captured message handed on in capture order. `ts` is its place in capture time, ms. */
export interface Captured {
  msg: SipMessage;
  ts: number;
  srcIp: string;
  dstIp: string;
  /** Ports of the copy (tell apart hosts sharing an address in a call's flow); 0 when unknown. */
  srcPort?: number;
  dstPort?: number;
  /** Trunk rule that matched this copy or another copy of the same request; undefined: none. */
  match: TrunkMatch | undefined;
  /** The rule that matched this very copy (which leg of a proxy goes to the trunk). */
  legMatch: TrunkMatch | undefined;
}

/**
 * What the capture says about REGISTER chains and OPTIONS keepalives.
 *
 * Registrations (RFC 3261 10.2): a chain is the REGISTERs of one Call-ID joined by 401/407
 * challenges. Its 2xx binds the address of record (`register`), refreshes a binding still active
 * (`reregister`) or removes it (`unregister`: Expires 0, `expires=0` on every Contact, `Contact: *`);
 * the Registration Request Delay (RFC 6076 4.1) runs from the chain's first REGISTER to that 2xx,
 * the challenge included as the RFC's own flow shows. A binding lives for the interval the 2xx grants
 * and is reported `sip.registration_expired` when nobody refreshed it. Challenges are `sip.auth`
 * steps. Only a hash of each address of record is kept, in a table of at most `maxBindings`.
 *
 * Keepalives: an OPTIONS sent to a configured trunk reports the trunk up when the trunk answers
 * (any final but 408 and 503: it is alive enough to answer, a 404, 500 or 603 included) with the
 * round trip on that leg, and down on 408, 503 (RFC 3261 21.5.4: the client "SHOULD attempt to
 * forward the request to an alternate server", i.e. take this one out of service for now), timer F,
 * or no answer by the time the next keepalive goes to the same
 * place (the probe interval: a prober that pings every 10 s learns nothing from waiting 32 s for
 * timer F). A keepalive whose rule cannot tell the trunk's side (a header rule, both ends in its
 * networks) is judged on its first final on any leg, a 408 saying down (a proxy answers 408
 * upstream when the trunk's leg timed out, RFC 3261 16.8), or timer F on any leg: before issue 47
 * Kamailio's own 408 on the caller's leg counted `up` for a trunk matched by header, 15 of 15
 * keepalives while timer F fired 5 times. An OPTIONS from
 * the trunk (by address) shows it up. The trunks pack turns that into `sidetone_trunk_up` and the
 * OPTIONS RTT, with no prober of its own.
 */

/** A remembered registration: when it runs out, and where it goes on /metrics. */
interface Binding {
  wake: number;
  heapAt: number;
  aor: number;
  trunk: string | undefined;
  direction: Direction;
}

/** Two FNV passes: an address of record as a 52-bit number, so 100k of them hardly ever collide. */
function hash52(s: string): number {
  return (hash32(s) >>> 0) * 2 ** 20 + (hash32(`${s}\u0001`) >>> 12);
}

/**
 * An answer from the trunk says it is up unless it is a timeout (408) or "use another server" (503,
 * RFC 3261 21.5.4). Issue 47: any final answer means up; before, every 5xx and 6xx said down.
 */
const trunkUp = (code: number) => code !== 408 && code !== 503;

/**
 * A keepalive is judged by the next one to the same place only when that one went this much later:
 * probers ping every second at the most often (Kamailio's ds_ping_interval and Asterisk's
 * qualify_frequency are whole seconds), so two probers sharing a destination do not judge each other.
 */
const MIN_PROBE_INTERVAL_MS = 1000;

/** Keepalive destinations followed at once for the probe interval (a trunk has a few addresses). */
const MAX_PROBE_KEYS = 1024;

/** Interval a registrar grants when neither side says (RFC 3261 10.2.1.1 suggests 3600 s). */
const DEFAULT_EXPIRES_S = 3600;

export class Exchanges {
  private readonly table = new Map<number, Binding>();
  private readonly expiry = new WakeHeap<Binding>();
  /** The latest keepalive not yet judged, by where it went (`ip:port`). */
  private readonly probes = new Map<string, Exchange>();

  constructor(
    private readonly bus: EventBus,
    private readonly source: string,
    private readonly maxBindings: number,
    private readonly onOverflow: () => void,
    private readonly onProbeOverflow: () => void = () => {},
  ) {}

  /** Registered addresses of record remembered now. */
  get bindings(): number {
    return this.table.size;
  }

  /** A REGISTER or OPTIONS opened its state. */
  open(s: HepCall, msg: SipMessage, match: TrunkMatch | undefined): void {
    if (msg.method !== 'REGISTER' && msg.method !== 'OPTIONS') return;
    const x = new Exchange();
    if (match !== undefined) {
      x.trunk = match.trunk;
      x.toTrunk = match.toTrunk;
      x.sideless = match.sideless === true;
    }
    s.exchange = x;
  }

  /** A new leg of the request: the copy sent to the trunk is the one its round trip is timed on. */
  leg(s: HepCall, c: Captured, hash: number, ts: number): void {
    const x = s.exchange as Exchange;
    const shared = c.match;
    if (x.trunk === undefined && shared !== undefined) {
      x.trunk = shared.trunk;
      x.toTrunk = shared.toTrunk;
      x.sideless = shared.sideless === true;
    }
    const match = c.legMatch;
    if (match?.toTrunk === true && x.trunkLeg === 0) {
      x.toTrunk = true;
      x.sideless = false;
      x.trunkLeg = hash;
      x.trunkSentAt = ts;
      if (c.msg.method === 'OPTIONS') this.probe(x, c, ts);
    } else if (x.sideless && x.trunkSentAt < 0 && c.msg.method === 'OPTIONS') {
      x.trunkSentAt = ts;
      this.probe(x, c, ts);
    }
  }

  /** A keepalive went to `c.dstIp:c.dstPort`: the one before it there, still unanswered, is down. */
  private probe(x: Exchange, c: Captured, ts: number): void {
    const key = `${x.trunk}\n${c.dstIp}:${c.dstPort ?? 0}`;
    const before = this.probes.get(key);
    if (before !== undefined) {
      if (!before.reported && ts - before.trunkSentAt >= MIN_PROBE_INTERVAL_MS)
        this.status(before, before.trunkSentAt, false, undefined, undefined);
      this.probes.delete(key);
    } else if (this.probes.size >= MAX_PROBE_KEYS) {
      this.onProbeOverflow();
      return;
    }
    x.probeKey = key;
    this.probes.set(key, x);
  }

  /** A new REGISTER transaction (each copy after the first was absorbed). */
  request(s: HepCall, msg: SipMessage, ts: number): void {
    const x = s.exchange;
    if (x === undefined || msg.method !== 'REGISTER') return;
    if (x.chainStart < 0) x.chainStart = ts;
    x.unregister = msg.expires === 0;
    x.expires = msg.expires;
    x.aor = hash52(msg.aor);
  }

  /** A response on any leg, before duplicates are absorbed: the keepalive's answer on the trunk's leg. */
  legResponse(s: HepCall, msg: SipMessage, ts: number): void {
    const x = s.exchange as Exchange;
    if (msg.method !== 'OPTIONS' || msg.code < 200 || x.reported || x.trunk === undefined) return;
    const code = msg.code;
    if (x.toTrunk) {
      // Only the trunk's leg: a proxy's own 408 on the caller's leg is stamped by Kamailio's
      // siptrace at the request's receipt (the Kamailio lab: its 30 s fr_timer 408s read as
      // captured with their OPTIONS), so the trunk leg's timer F, on sidetone's clock, says it.
      if (x.trunkLeg !== 0 && hash32(msg.branch) === x.trunkLeg)
        this.status(x, ts, trunkUp(code), code, (ts - x.trunkSentAt) / 1000);
    } else if (x.sideless || code === 408) this.status(x, ts, trunkUp(code), code, undefined);
    else this.status(x, ts, true, code, undefined);
  }

  /** A new response (duplicates absorbed): REGISTER outcomes. */
  response(s: HepCall, msg: SipMessage, ts: number, direction: Direction): void {
    const x = s.exchange;
    if (x === undefined || msg.method !== 'REGISTER' || msg.code < 200 || x.chainStart < 0) return;
    const code = msg.code;
    if (code === 401 || code === 407) {
      x.challenged = true;
      this.auth(direction, 'challenge', ts);
      this.registration(x, direction, ts, 'challenged', code, this.asked(x));
      return;
    }
    if (x.challenged) this.auth(direction, code === 403 ? 'failure' : 'success', ts);
    x.challenged = false;
    if (code >= 300) {
      this.registration(x, direction, ts, 'failed', code, this.asked(x));
    } else {
      const granted = msg.expires >= 0 ? msg.expires : x.expires >= 0 ? x.expires : DEFAULT_EXPIRES_S;
      const kind: SipRegistrationKind =
        x.unregister || granted === 0 ? 'unregister' : this.table.has(x.aor) ? 'reregister' : 'register';
      if (kind === 'unregister') this.unbind(x.aor);
      else this.bind(x.aor, ts, ts + granted * 1000, x.trunk, direction);
      this.registration(x, direction, ts, 'success', code, kind, (ts - x.chainStart) / 1000);
    }
    x.chainStart = -1;
  }

  /**
   * Timer F of a leg: the keepalive's trunk did not answer; a REGISTER chain timed out. An
   * unanswered keepalive's status is stamped when it was sent (here and when the next one judges
   * it), so a keepalive answered after it was sent stays the trunk's state (the trunks pack keeps
   * the newest): in the Kamailio lab, timer F of three keepalives sent 31 s before three answered
   * ones fired after those answers and left the trunk down.
   */
  timeout(s: HepCall, leg: Leg, ts: number): void {
    const x = s.exchange as Exchange;
    if (leg.method === 'OPTIONS') {
      if (!x.reported && x.trunk !== undefined && (x.trunkLeg === leg.hash || x.sideless))
        this.status(x, x.trunkSentAt >= 0 ? x.trunkSentAt : ts, false, undefined, undefined);
      return;
    }
    if (leg.method !== 'REGISTER' || x.chainStart < 0) return;
    this.registration(x, s.direction, ts, 'timeout', undefined, this.asked(x));
    x.chainStart = -1;
  }

  /** Bindings whose interval ran out by `to` (capture time) are reported and forgotten. */
  expire(to: number): void {
    this.expiry.drain(to, this.expireBinding);
  }

  /** Bound once: expire runs for every message and allocates nothing. */
  private readonly expireBinding = (b: Binding): void => {
    this.table.delete(b.aor);
    this.expired(b, b.wake);
  };

  private asked(x: Exchange): SipRegistrationKind {
    return x.unregister ? 'unregister' : this.table.has(x.aor) ? 'reregister' : 'register';
  }

  private bind(
    aor: number,
    ts: number,
    until: number,
    trunk: string | undefined,
    direction: Direction,
  ): void {
    let b = this.table.get(aor);
    if (b === undefined) {
      if (this.table.size >= this.maxBindings) {
        // The binding closest to its end goes first, reported as expired so the gauge stays true.
        const first = this.expiry.peek() as Binding;
        this.expiry.remove(first);
        this.table.delete(first.aor);
        this.onOverflow();
        this.expired(first, ts);
      }
      b = { wake: until, heapAt: -1, aor, trunk, direction };
      this.table.set(aor, b);
    }
    b.trunk = trunk;
    this.expiry.set(b, until);
  }

  private unbind(aor: number): void {
    const b = this.table.get(aor);
    if (b === undefined) return;
    this.table.delete(aor);
    this.expiry.remove(b);
  }

  private expired(b: Binding, ts: number): void {
    this.bus.emit({
      type: 'sip.registration_expired',
      ts: Math.floor(ts),
      source: this.source,
      direction: b.direction,
      ...(b.trunk !== undefined && { trunk: b.trunk }),
    });
  }

  private registration(
    x: Exchange,
    direction: Direction,
    ts: number,
    result: EventOf<'sip.registration'>['result'],
    code: number | undefined,
    kind: SipRegistrationKind,
    seconds?: number,
  ): void {
    const e: EventOf<'sip.registration'> = {
      type: 'sip.registration',
      ts: Math.floor(ts),
      source: this.source,
      direction,
      result,
      kind,
    };
    if (code !== undefined) e.code = code;
    if (x.trunk !== undefined) e.trunk = x.trunk;
    if (seconds !== undefined && seconds >= 0) e.seconds = seconds;
    this.bus.emit(e);
  }

  private auth(direction: Direction, result: 'success' | 'challenge' | 'failure', ts: number): void {
    this.bus.emit({ type: 'sip.auth', ts: Math.floor(ts), source: this.source, direction, result });
  }

  private status(
    x: Exchange,
    ts: number,
    up: boolean,
    code: number | undefined,
    rtt: number | undefined,
  ): void {
    x.reported = true;
    if (x.probeKey !== undefined) {
      if (this.probes.get(x.probeKey) === x) this.probes.delete(x.probeKey);
      x.probeKey = undefined;
    }
    const e: EventOf<'trunk.status'> = {
      type: 'trunk.status',
      ts: Math.floor(ts),
      source: this.source,
      trunk: x.trunk as string,
      up,
    };
    if (code !== undefined) e.code = code;
    if (rtt !== undefined && rtt >= 0) e.rttSeconds = rtt;
    this.bus.emit(e);
  }
}
