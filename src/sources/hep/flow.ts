import { SIP_METHODS } from '../../domain/labels.js';
import { SIP_FLOW_PARTIES, type SipFlowParty } from '../../domain/vocab.js';
import type { EventOf } from '../../events/types.js';
import { hash32 } from './hash.js';

/**
 * A call's SIP message sequence as the capture saw it, for the ladder a console or `sidetone call`
 * draws (Homer's and sngrep's call flow): per message its capture-time offset from the call's first
 * message, which party sent it to which, the method or status, the CSeq method and the Q.850 cause of
 * a Reason header (RFC 3326). Parties are hosts (address and port, kept as 32-bit hashes) in order
 * of first appearance, named by role only (`caller`, `proxy`..., `callee`): no address, number or
 * URI is kept or emitted.
 *
 * Bounded: {@link FLOW_MAX} messages a call; past it (or past the tracker's total) messages are
 * counted, not kept. Two 32-bit integers a message in one typed array, no object per message.
 */

/** Messages kept per call (Homer's ladder of a failed call rarely needs more: INVITE, 100, 18x, final, ACK, per leg). */
export const FLOW_MAX = 64;
/** Hosts told apart per call; a seventh and later share the last slot (`other`). */
const PARTIES_MAX = 6;

const METHOD_INDEX = new Map<string, number>(SIP_METHODS.map((m, i) => [m, i + 1]));

/**
 * One message packed in 31 bits: status code (10 bits, 0 for a request), CSeq method index
 * (5 bits, 0 other), sender and receiver party (3 bits each), Q.850 cause + 1 (8 bits, 0 none).
 */
function pack(code: number, method: number, from: number, to: number, q850: number): number {
  return code | (method << 10) | (from << 15) | (to << 18) | ((q850 + 1) << 21);
}

export class CallFlow {
  /**
   * Per message: offset ms from `start`, packed fields. Starts at 8 messages and doubles up to
   * {@link FLOW_MAX}: 4 bytes a number, where a plain array of the same numbers measured 2.5x that.
   */
  private entries = new Int32Array(16);
  private length = 0;
  /** Host hashes in order of first appearance. */
  private readonly parties: number[] = [];
  /** Messages not kept (the per-call or the total bound). */
  dropped = 0;
  /** More hosts than {@link PARTIES_MAX}: the last slot is shared. */
  private shared = false;

  constructor(readonly start: number) {}

  get size(): number {
    return this.length >> 1;
  }

  private party(ip: string, port: number): number {
    const h = Math.imul(hash32(ip), 31) + port;
    const p = this.parties;
    for (let i = 0; i < p.length; i++) if (p[i] === h) return i;
    if (p.length < PARTIES_MAX) {
      p.push(h);
      return p.length - 1;
    }
    this.shared = true;
    return PARTIES_MAX - 1;
  }

  /** Keep one message; false when this call's bound is reached (the caller counts it). */
  add(
    ts: number,
    method: string,
    code: number,
    q850: number,
    srcIp: string,
    srcPort: number,
    dstIp: string,
    dstPort: number,
  ): boolean {
    if (this.length >= FLOW_MAX * 2) {
      this.dropped++;
      return false;
    }
    if (this.length === this.entries.length) {
      const grown = new Int32Array(this.length * 2);
      grown.set(this.entries);
      this.entries = grown;
    }
    const from = this.party(srcIp, srcPort);
    const to = this.party(dstIp, dstPort);
    const q = q850 >= 0 && q850 <= 127 ? q850 : -1;
    // Offsets past Int32 (24 days) are clamped: no call is tracked that long (hep maxAgeMs, 4 h).
    this.entries[this.length++] = Math.min(Math.round(ts - this.start), 0x7fffffff);
    this.entries[this.length++] = pack(code, METHOD_INDEX.get(method) ?? 0, from, to, q);
    return true;
  }

  /**
   * Each party's role: the first message's sender is the caller; the callee is where the INVITE
   * chain ends (from the caller, each hop's INVITE to a host not yet on the chain), so neither a
   * proxy's own 100/408, nor a reply captured before the INVITE it answers (another worker's copy),
   * nor a re-INVITE back makes a proxy the callee. Every other host is a proxy, numbered in order of
   * appearance (a TCP proxy's second socket is one too); hosts past the sixth share `other`.
   */
  private roles(): SipFlowParty[] {
    const e = this.entries;
    const invite = METHOD_INDEX.get('INVITE') as number;
    let onChain = 1; // bit per party
    let at = 0;
    for (let i = 0; i < this.length; i += 2) {
      const v = e[i + 1] as number;
      const to = (v >> 18) & 7;
      if ((v & 0x3ff) !== 0 || ((v >> 10) & 0x1f) !== invite || ((v >> 15) & 7) !== at) continue;
      if ((onChain & (1 << to)) !== 0) continue;
      onChain |= 1 << to;
      at = to;
      i = -2; // the next hop may have been captured before this one
    }
    const callee = at === 0 ? -1 : at;
    const roles: SipFlowParty[] = [];
    let proxies = 0;
    for (let i = 0; i < this.parties.length; i++) {
      if (i === 0) roles.push('caller');
      else if (i === callee) roles.push('callee');
      else if (this.shared && i === PARTIES_MAX - 1) roles.push('other');
      else roles.push(SIP_FLOW_PARTIES[1 + Math.min(proxies++, 3)] as SipFlowParty);
    }
    return roles;
  }

  /** The `sip.flow` event's messages. */
  messages(): EventOf<'sip.flow'>['messages'] {
    const out: EventOf<'sip.flow'>['messages'] = [];
    const e = this.entries;
    const roles = this.roles();
    for (let i = 0; i < this.length; i += 2) {
      const v = e[i + 1] as number;
      const code = v & 0x3ff;
      const method = (v >> 10) & 0x1f;
      const q = ((v >> 21) & 0xff) - 1;
      const m: EventOf<'sip.flow'>['messages'][number] = {
        atMs: e[i] as number,
        from: roles[(v >> 15) & 7] as SipFlowParty,
        to: roles[(v >> 18) & 7] as SipFlowParty,
        method: method === 0 ? 'other' : (SIP_METHODS[method - 1] ?? 'other'),
      };
      if (code !== 0) m.code = code;
      if (q >= 0) m.q850 = q;
      out.push(m);
    }
    return out;
  }
}

/**
 * Whether an ended call's flow is kept: always for a call not answered, timed out or with media
 * missing; otherwise for `sample` of calls, chosen by the Call-ID's hash so a replay keeps the same
 * calls (the permutation property: any arrival order gives the same store rows).
 */
export function keepFlow(callId: string, failed: boolean, sample: number): boolean {
  if (failed) return true;
  if (sample <= 0) return false;
  if (sample >= 1) return true;
  return hash32(callId) / 4294967296 < sample;
}
