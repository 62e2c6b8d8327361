import { STORE_LIMITS } from '../../domain/limits.js';
import type { SipMethod } from '../../domain/standards/sip.js';
import { type Direction, MEDIA_ANOMALIES, MEDIA_STREAMS, SIP_TRANSPORTS } from '../../domain/vocab.js';
import type { EventBus } from '../../events/bus.js';
import type { EventOf } from '../../events/types.js';
import { type HepCall, own } from './call-state.js';
import type { CallFlow } from './flow.js';
import type { SipMessage } from './sip.js';
import type { TrunkMatch } from './trunks.js';

const TRANSPORTS: ReadonlySet<string> = new Set(SIP_TRANSPORTS);

/** How a call ended, for its `call.ended`. */
export interface EndFacts {
  sipCode?: number;
  q850?: number;
  hangupBy?: 'caller' | 'callee';
  timeout?: boolean;
}

/**
 * The events the HEP tracker emits about a call, each built from the call's facts and put on the
 * bus with the source's name: the tracker decides when, this only says what. Timestamps are whole
 * milliseconds of capture time.
 */
export class CallEvents {
  constructor(
    private readonly bus: EventBus,
    readonly source: string,
  ) {}

  /** `endToEnd`: the call's end-to-end key (legs.ts), when leg correlation is configured. */
  started(
    s: HepCall,
    msg: SipMessage,
    ts: number,
    match: TrunkMatch | undefined,
    endToEnd: string | undefined,
  ): void {
    this.bus.emit({
      type: 'call.started',
      ts: Math.floor(ts),
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
      ...(endToEnd !== undefined && { endToEndId: endToEnd }),
    });
  }

  request(s: HepCall, msg: SipMessage, ts: number, direction: Direction): void {
    this.bus.emit({
      type: 'sip.request',
      ts: Math.floor(ts),
      source: this.source,
      method: msg.method,
      direction,
      callId: s.callId,
    });
  }

  response(s: HepCall, msg: SipMessage, ts: number, direction: Direction): void {
    this.bus.emit({
      type: 'sip.response',
      ts: Math.floor(ts),
      source: this.source,
      method: msg.method,
      code: msg.code,
      direction,
      callId: s.callId,
    });
  }

  refresh(s: HepCall, code: number, ts: number): void {
    this.bus.emit({
      type: 'sip.session_refresh',
      ts: Math.floor(ts),
      source: this.source,
      // 481 to a refresh: the dialog no longer exists at the peer (RFC 4028 10, RFC 3261 12.2.2).
      result: code < 300 ? 'refreshed' : code === 481 ? 'dialog_gone' : 'failed',
      code,
      callId: s.callId,
    });
  }

  ringing(s: HepCall, ts: number, early: boolean): void {
    this.bus.emit({ type: 'call.ringing', ts: Math.floor(ts), source: this.source, callId: s.callId, early });
  }

  answered(s: HepCall, ts: number, toTag: string): void {
    this.bus.emit({ type: 'call.answered', ts: Math.floor(ts), source: this.source, callId: s.callId });
    this.bus.emit({
      type: 'sip.dialog_created',
      ts: Math.floor(ts),
      source: this.source,
      dialogId: dialogId(s, toTag),
    });
  }

  terminated(s: HepCall, ts: number, toTag: string): void {
    this.bus.emit({
      type: 'sip.dialog_terminated',
      ts: Math.floor(ts),
      source: this.source,
      dialogId: dialogId(s, toTag),
    });
  }

  hold(s: HepCall, ts: number, held: boolean): void {
    this.bus.emit({
      type: held ? 'call.held' : 'call.resumed',
      ts: Math.floor(ts),
      source: this.source,
      callId: s.callId,
    });
  }

  auth(direction: Direction, result: 'success' | 'challenge' | 'failure', ts: number): void {
    this.bus.emit({ type: 'sip.auth', ts: Math.floor(ts), source: this.source, direction, result });
  }

  ended(s: HepCall, ts: number, f: EndFacts, timedOut: boolean): void {
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
    if (f.timeout === true || timedOut) e.timeout = true;
    if (m !== undefined && m.anomaly > 0) {
      e.mediaAnomaly = MEDIA_ANOMALIES[m.anomaly - 1];
      if (m.silent > 0) e.silentStream = MEDIA_STREAMS[m.silent - 1];
    }
    this.bus.emit(e);
  }

  transactionTimeout(s: HepCall, method: SipMethod, timer: 'B' | 'F' | 'H', ts: number): void {
    this.bus.emit({
      type: 'sip.transaction_timeout',
      ts: Math.floor(ts),
      source: this.source,
      method,
      timer,
      callId: s.callId,
    });
  }

  flow(s: HepCall, flow: CallFlow): void {
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
}

/** A dialog's id on the bus: Call-ID, From tag and To tag. */
export function dialogId(s: HepCall, toTag: string): string {
  return `${s.callId};${s.fromTag};${toTag}`.slice(0, 512);
}
