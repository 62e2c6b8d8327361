import type { SipFlowStep } from '../analytics/sip-flow.js';
import { SIP_FLOW_PARTIES } from '../domain/vocab.js';

/** Characters between two parties' lifelines: the longest common label, `486 Busy Here (INVITE)`, fits. */
const GAP = 30;
const TIME = 10;

/**
 * A call's SIP flow as a text ladder (sngrep's call flow, in plain characters): one lifeline per
 * party in role order, one arrow per message with its time offset, label above the shaft, and the
 * Q.850 cause after the arrow.
 * @example renderLadder(row.sip_flow)
 * //            caller                    proxy
 * //      0 ms  |-------- INVITE -------->|
 */
export function renderLadder(steps: readonly SipFlowStep[]): string {
  const parties: string[] = SIP_FLOW_PARTIES.filter((p) => steps.some((s) => s.from === p || s.to === p));
  const x = (p: string) => TIME + parties.indexOf(p) * GAP;
  const width = TIME + (parties.length - 1) * GAP + 1;
  const lifelines = (): string[] => {
    const row = new Array<string>(width).fill(' ');
    for (const p of parties) row[x(p)] = '|';
    return row;
  };
  const head = new Array<string>(width + GAP).fill(' ');
  for (const p of parties) head.splice(x(p), p.length, ...p);
  const out = [head.join('').trimEnd()];
  for (const s of steps) {
    const row = lifelines();
    const t = `${s.at_ms} ms`.padStart(TIME - 2);
    row.splice(0, t.length, ...t);
    const a = x(s.from);
    const b = x(s.to);
    if (a === b) {
      // A message between two hosts that share a role slot (`other`): shown as a loop.
      out.push(`${row.join('').trimEnd()}  <-> ${s.label}`);
      continue;
    }
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    for (let i = lo + 1; i < hi; i++) row[i] = '-';
    if (b > a) row[hi - 1] = '>';
    else row[lo + 1] = '<';
    const label = ` ${s.label} `;
    if (label.length <= hi - lo - 3) {
      const at = lo + 1 + Math.floor((hi - lo - 1 - label.length) / 2);
      row.splice(at, label.length, ...label);
    }
    let line = row.join('').trimEnd();
    if (label.length > hi - lo - 3) line += ` ${s.label}`;
    if (s.reason !== undefined) line += `  ${s.reason}`;
    out.push(line);
  }
  return `${out.join('\n')}\n`;
}
