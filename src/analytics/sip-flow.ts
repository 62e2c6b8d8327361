import { q850Class } from '../domain/standards/sip.js';
import { sipStatusLabel } from '../domain/standards/sip-phrases.js';
import type { CallRecord, SipFlowMessage } from '../store/types.js';

/**
 * One arrow of a call's ladder as every read surface gives it (GET /metrics/calls/:id, exports,
 * `sidetone call`, the console's call page): when, from which party to which (roles, never
 * addresses), and what.
 */
export interface SipFlowStep {
  /** Capture time after the call's first message, ms. */
  at_ms: number;
  /** Sender by role: caller, proxy, proxy_2.., callee, other. */
  from: string;
  to: string;
  /** `INVITE`, or a response with its standard phrase and the method it answers: `486 Busy Here (INVITE)`. */
  label: string;
  /** The request's method, or the CSeq method a response answers. */
  method: string;
  /** Status code; absent for a request. */
  code?: number;
  /** The Reason header's Q.850 cause (RFC 3326) with its class: `Q.850 17 (busy)`. */
  reason?: string;
}

/** The label of one message: the method, or the status with its phrase and the method it answers. */
export function flowLabel(m: SipFlowMessage): string {
  return m.code === undefined ? m.method : `${sipStatusLabel(m.code)} (${m.method})`;
}

/**
 * A stored flow as the read surfaces give it; null when none was kept.
 * @example sipFlowSteps(call) // [{ at_ms: 0, from: 'caller', to: 'proxy', label: 'INVITE', method: 'INVITE' }, ...]
 */
export function sipFlowSteps(c: Pick<CallRecord, 'sipFlow'>): SipFlowStep[] | null {
  if (c.sipFlow === null) return null;
  return c.sipFlow.map((m) => {
    const step: SipFlowStep = {
      at_ms: m.atMs,
      from: m.from,
      to: m.to,
      label: flowLabel(m),
      method: m.method,
    };
    if (m.code !== undefined) step.code = m.code;
    if (m.q850 !== undefined) step.reason = `Q.850 ${m.q850} (${q850Class(m.q850)})`;
    return step;
  });
}
