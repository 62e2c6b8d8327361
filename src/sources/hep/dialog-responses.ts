import { sipMethod } from '../../domain/standards/sip.js';
import type { Direction } from '../../domain/vocab.js';
import { CallMedia, type HepCall } from './call-state.js';
import { CallTimers, dialogId } from './call-timers.js';
import type { Captured } from './exchanges.js';
import { hash32 } from './hash.js';
import { txInput } from './transaction.js';

/**
 * How long a challenged INVITE waits for its retry with credentials: the UA may have to ask its user
 * (a captured Grandstream phone took 32.5 s after a 407, research/sip aaa-sipps-cybercity). A 3xx
 * is followed by the UA itself, within timer B.
 */
const CHALLENGE_WAIT_MS = 180_000;

/** What a captured response does to its call: leg timers, rings, answers, challenges, redirects and ends. */
export abstract class DialogResponses extends CallTimers {
  protected response(s: HepCall, c: Captured, ts: number): boolean {
    const msg = c.msg;
    if (msg.branch !== '') {
      const method = sipMethod(msg.method);
      const hash = hash32(msg.branch);
      this.stepLeg(s, s.leg(hash, method), hash, method, msg.cseq, txInput(msg.method, msg.code), ts);
    }
    if (s.exchange !== undefined) this.exchanges.legResponse(s, msg, ts);
    if (!this.once(s, msg)) return false;
    const direction = this.dir(s, msg);
    this.bus.emit({
      type: 'sip.response',
      ts: Math.floor(ts),
      source: this.source,
      method: msg.method,
      code: msg.code,
      direction,
      callId: s.callId,
    });
    const final = msg.code >= 200;
    if (!s.call) {
      this.exchanges.response(s, msg, ts, direction);
      if (final) this.retire(s, ts);
      return true;
    }
    if (final && s.takeRefresh(msg.cseq)) {
      this.bus.emit({
        type: 'sip.session_refresh',
        ts: Math.floor(ts),
        source: this.source,
        // 481 to a refresh: the dialog no longer exists at the peer (RFC 4028 10, RFC 3261 12.2.2).
        result: msg.code < 300 ? 'refreshed' : msg.code === 481 ? 'dialog_gone' : 'failed',
        code: msg.code,
        callId: s.callId,
      });
    }
    if (msg.method !== 'INVITE' || msg.cseq !== s.inviteCseq) return true;
    s.heard = true;
    const code = msg.code;
    if (code === 180 || code === 183) {
      // A UAS sends no provisional after its final (RFC 3261 17.2.1): a 180 handed on after the 200
      // was sent before it (stamped late by another siptrace worker, or arriving past the window),
      // and RFC 6076 4.4 ends the PDD at it. Its time is its stamp, never after the answer.
      if (!s.ringing && (s.answeredAt >= 0 || !s.ended)) {
        s.ringing = true;
        this.bus.emit({
          type: 'call.ringing',
          ts: Math.floor(s.answeredAt < 0 ? ts : c.ts < s.answeredAt ? c.ts : s.answeredAt),
          source: this.source,
          callId: s.callId,
          early: code === 183,
        });
      }
    } else if (s.ended) {
      return true;
    } else if (code >= 200 && code < 300) {
      if (s.answered) return true;
      s.answered = true;
      s.answeredAt = ts;
      this.authResult(s, code, ts);
      this.bus.emit({ type: 'call.answered', ts: Math.floor(ts), source: this.source, callId: s.callId });
      this.bus.emit({
        type: 'sip.dialog_created',
        ts: Math.floor(ts),
        source: this.source,
        dialogId: dialogId(s, msg.toTag),
      });
      if (this.mediaTimeoutMs > 0) {
        const m = s.media ?? new CallMedia();
        s.media = m;
        m.due = ts + this.mediaTimeoutMs;
        this.schedule(s, m.due);
      }
    } else if (final && !s.answered && !s.cancelled && (code === 401 || code === 407 || code < 400)) {
      // A challenge or a redirect is a step of the attempt, not its end: wait for the next INVITE.
      if (code >= 400) {
        s.challenged = true;
        this.auth(s.direction, 'challenge', ts);
      }
      s.waitCode = code;
      s.waitDue = ts + (code >= 400 ? CHALLENGE_WAIT_MS : this.timerB);
      this.schedule(s, s.waitDue);
    } else if (final && !s.answered) {
      this.authResult(s, code, ts);
      this.end(s, ts, {
        sipCode: code,
        q850: msg.q850,
        // The caller cancelled: it ended the call; any other failure came from the far side.
        hangupBy: code === 487 && s.cancelled ? 'caller' : 'callee',
      });
    }
    return true;
  }

  protected auth(direction: Direction, result: 'success' | 'challenge' | 'failure', ts: number): void {
    this.bus.emit({ type: 'sip.auth', ts: Math.floor(ts), source: this.source, direction, result });
  }

  /** The final after a challenge says whether the credentials were taken: 403 refuses them. */
  protected authResult(s: HepCall, code: number, ts: number): void {
    if (!s.challenged) return;
    s.challenged = false;
    this.auth(s.direction, code === 403 ? 'failure' : 'success', ts);
  }
}
