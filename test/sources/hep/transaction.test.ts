// The transaction table of the HEP tracker (src/sources/hep/transaction.ts), row by row against RFC
// 3261 17.1.1 (INVITE client), 17.1.2 (non-INVITE client), 17.2.1 (INVITE server) and 17.2.2
// (non-INVITE server) as the capture sees them, and against its copy in docs/sources/hep.md.
import { describe, expect, it } from 'vitest';
import {
  INVITE_TX,
  NON_INVITE_TX,
  STAY,
  TIMER_IN,
  TX,
  TX_IN,
  TX_INPUTS,
  TX_KINDS,
  TX_STATES,
  TX_TABLE,
  type TxEffect,
  type TxInputName,
  type TxKind,
  type TxStateName,
  txDue,
  txInput,
  txStep,
} from '../../../src/sources/hep/transaction.js';
import { hepDocRows } from './helpers.js';

type Spec = [
  kind: 'INVITE' | 'non-INVITE',
  from: TxStateName,
  input: TxInputName,
  to: TxStateName,
  effect: TxEffect,
];

/**
 * RFC 3261's figures 5-8 read from one capture point (both ends of a leg seen): written out here
 * from the RFC, not from the source, so a row changed in one place fails here.
 */
const RFC: Spec[] = [
  // Figure 5 (17.1.1) and 7 (17.2.1): Calling runs timer B; a 1xx stops it (B fires only in
  // Calling); a 2xx terminates; a 300-699 is Completed on the server with timer H until the ACK.
  ['INVITE', 'absent', 'request', 'calling', 'start'],
  ['INVITE', 'absent', '1xx', 'proceeding', 'none'],
  ['INVITE', 'absent', '2xx', 'terminated', 'none'],
  ['INVITE', 'absent', '300-699', 'terminated', 'none'],
  ['INVITE', 'calling', '1xx', 'proceeding', 'stop'],
  ['INVITE', 'calling', '2xx', 'terminated', 'stop'],
  ['INVITE', 'calling', '300-699', 'completed', 'start'],
  ['INVITE', 'calling', 'ACK', 'terminated', 'stop'],
  ['INVITE', 'calling', 'timer', 'terminated', 'timeout'],
  ['INVITE', 'proceeding', '2xx', 'terminated', 'none'],
  ['INVITE', 'proceeding', '300-699', 'completed', 'start'],
  ['INVITE', 'proceeding', 'ACK', 'terminated', 'none'],
  ['INVITE', 'completed', 'ACK', 'confirmed', 'stop'],
  ['INVITE', 'completed', 'timer', 'terminated', 'timeout'],
  // Figure 6 (17.1.2) and 8 (17.2.2): Trying runs timer F, which runs on in Proceeding; any final
  // is Completed (timers K and J only absorb retransmissions).
  ['non-INVITE', 'absent', 'request', 'trying', 'start'],
  ['non-INVITE', 'absent', '2xx', 'completed', 'none'],
  ['non-INVITE', 'absent', '300-699', 'completed', 'none'],
  ['non-INVITE', 'trying', '1xx', 'proceeding', 'keep'],
  ['non-INVITE', 'trying', '2xx', 'completed', 'stop'],
  ['non-INVITE', 'trying', '300-699', 'completed', 'stop'],
  ['non-INVITE', 'trying', 'timer', 'terminated', 'timeout'],
  ['non-INVITE', 'proceeding', '2xx', 'completed', 'stop'],
  ['non-INVITE', 'proceeding', '300-699', 'completed', 'stop'],
  ['non-INVITE', 'proceeding', 'timer', 'terminated', 'timeout'],
];

const kindOf = (k: Spec[0]): TxKind => (k === 'INVITE' ? INVITE_TX : NON_INVITE_TX);
const name = (r: (typeof TX_TABLE)[number]) =>
  [TX_KINDS[r.kind], TX_STATES[r.from], TX_INPUTS[r.input], TX_STATES[r.to], r.effect].join(' ');

describe('the transaction table, row by row (RFC 3261 17.1.1, 17.1.2, 17.2.1, 17.2.2)', () => {
  it('lists exactly the RFC rows, once each', () => {
    expect(TX_TABLE.map(name)).toEqual(RFC.map((r) => r.join(' ')));
  });

  it.each(RFC)('%s %s + %s -> %s (%s)', (kind, from, input, to, effect) => {
    const k = kindOf(kind);
    const r = txStep(k, TX[from], TX_IN[input]);
    expect([TX_STATES[r.to], r.effect]).toEqual([to, effect]);
    // The deadline: 64*T1 (32 s) from now when a timer starts, kept, or none.
    const due = txDue(r, 5_000, 1_000, 32_000);
    expect(due).toBe(effect === 'start' ? 33_000 : effect === 'keep' ? 5_000 : -1);
    // A timer that fires names the timer its state runs: B in Calling, F in Trying/Proceeding, H in Completed.
    expect(r.timer).toBe(
      effect === 'timeout'
        ? ({ calling: 'B', trying: 'F', proceeding: 'F', completed: 'H' } as Record<string, string>)[from]
        : '',
    );
    // The row's effect is what its states say: the target's timer starts when entered, runs on
    // when the state keeps it, and stops when left.
    const before = TIMER_IN[k][TX[from]];
    const after = TIMER_IN[k][TX[to]];
    if (effect === 'start') expect([before === after && from === to, after !== '']).toEqual([false, true]);
    if (effect === 'keep') expect(after).toBe(before);
    if (effect === 'stop') expect([before !== '', after]).toEqual([true, '']);
    if (effect === 'none') expect([before, after]).toEqual(['', '']);
  });

  it('every pair the table does not list keeps its state and timer (a retransmission, or after the end)', () => {
    const listed = new Set(RFC.map((r) => `${kindOf(r[0])} ${TX[r[1]]} ${TX_IN[r[2]]}`));
    let unlisted = 0;
    for (const k of [INVITE_TX, NON_INVITE_TX])
      for (let s = 0; s < TX_STATES.length; s++)
        for (let i = 0; i < TX_INPUTS.length; i++) {
          if (listed.has(`${k} ${s} ${i}`)) continue;
          unlisted++;
          const r = txStep(k, s as never, i as never);
          expect([r.to, r.effect, r.why]).toEqual([s, TIMER_IN[k][s] === '' ? 'none' : 'keep', STAY]);
        }
    expect(unlisted).toBe(2 * 7 * 6 - RFC.length);
    // A terminated or confirmed leg absorbs everything, and so does a completed non-INVITE one.
    for (const i of Object.values(TX_IN)) {
      expect(txStep(INVITE_TX, TX.terminated, i).to).toBe(TX.terminated);
      expect(txStep(INVITE_TX, TX.confirmed, i).to).toBe(TX.confirmed);
      expect(txStep(NON_INVITE_TX, TX.completed, i).to).toBe(TX.completed);
    }
  });

  it('a captured message is its input: request, ACK, or its response class', () => {
    expect(
      [
        ['INVITE', 0],
        ['ACK', 0],
        ['INVITE', 100],
        ['INVITE', 183],
        ['INVITE', 200],
        ['BYE', 299],
        ['INVITE', 302],
        ['INVITE', 487],
        ['OPTIONS', 603],
      ].map(([m, c]) => TX_INPUTS[txInput(m as string, c as number)]),
    ).toEqual(['request', 'ACK', '1xx', '1xx', '2xx', '2xx', '300-699', '300-699', '300-699']);
  });

  it('docs/sources/hep.md lists the same rows', () => {
    const rows = hepDocRows()
      .filter((c) => TX_STATES.includes(c[1] as TxStateName) && TX_INPUTS.includes(c[2] as TxInputName))
      .map((c) => [c[3], c[1], c[2], c[4], c[5]].join(' '));
    expect(rows).toEqual(RFC.map((r) => r.join(' ')));
  });
});
