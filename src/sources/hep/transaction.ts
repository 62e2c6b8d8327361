/**
 * One SIP transaction leg (one Via branch) as the capture sees it, as data: a state, an input per
 * captured message or fired timer, and a transition table read by one pure step function. The
 * capture sees both ends of a leg, so each state is the client's and the server's at once (RFC 3261
 * 17.1.1 INVITE client, 17.1.2 non-INVITE client, 17.2.1 INVITE server, 17.2.2 non-INVITE server).
 *
 * Only timers whose firing is a fact are run: B (INVITE never answered, 17.1.1.2), F (non-INVITE
 * never finally answered, 17.1.2.2) and H (a 300-699 to an INVITE never ACKed, 17.2.1), each 64*T1.
 * Timers A, E and G only space retransmissions, which the capture shows as repeated messages (a row
 * that keeps the state); D, I, J and K only absorb retransmissions after the end: nothing to time.
 * docs/sources/hep.md lists the table; test/sources/hep/transaction.test.ts tests each row.
 */

/** Which machine a leg runs: INVITE (17.1.1, 17.2.1) or any other method (17.1.2, 17.2.2). */
export const TX_KINDS = ['INVITE', 'non-INVITE'] as const;
export type TxKind = 0 | 1;
export const INVITE_TX: TxKind = 0;
export const NON_INVITE_TX: TxKind = 1;

/**
 * `absent`: no message of the leg handled yet. `calling` (INVITE) and `trying` (others): the request
 * only. `proceeding`: a provisional heard. `completed`: a final heard (INVITE: 300-699, waiting for
 * its ACK). `confirmed`: that ACK seen. `terminated`: a 2xx to an INVITE, or a timer fired.
 */
export const TX_STATES = [
  'absent',
  'calling',
  'trying',
  'proceeding',
  'completed',
  'confirmed',
  'terminated',
] as const;
export type TxStateName = (typeof TX_STATES)[number];
export const TX = {
  absent: 0,
  calling: 1,
  trying: 2,
  proceeding: 3,
  completed: 4,
  confirmed: 5,
  terminated: 6,
} as const satisfies Record<TxStateName, number>;
export type TxState = (typeof TX)[TxStateName];

/** What happened to the leg: a copy of its request, a response by class, its ACK, or its timer fired. */
export const TX_INPUTS = ['request', '1xx', '2xx', '300-699', 'ACK', 'timer'] as const;
export type TxInputName = (typeof TX_INPUTS)[number];
export const TX_IN = {
  request: 0,
  '1xx': 1,
  '2xx': 2,
  '300-699': 3,
  ACK: 4,
  timer: 5,
} as const satisfies Record<TxInputName, number>;
export type TxInput = (typeof TX_IN)[TxInputName];

/** The timer that runs in each state, by kind ('' none): B in Calling, F in Trying/Proceeding, H in Completed. */
export const TIMER_IN: readonly [readonly string[], readonly string[]] = [
  ['', 'B', '', '', 'H', '', ''],
  ['', '', 'F', 'F', '', '', ''],
];

/** What a row does to the leg's deadline: starts its state's timer, keeps it, stops it, or it fired. */
export type TxEffect = 'start' | 'keep' | 'stop' | 'timeout' | 'none';

export interface TxRow {
  readonly kind: TxKind;
  readonly from: TxState;
  readonly input: TxInput;
  readonly to: TxState;
  readonly effect: TxEffect;
  /** The timer a `timeout` row reports (B, F or H); '' otherwise. */
  readonly timer: string;
  /** Why, with the clause. */
  readonly why: string;
}

const I = INVITE_TX;
const N = NON_INVITE_TX;
const { absent, calling, trying, proceeding, completed, confirmed, terminated } = TX;
const req = TX_IN.request;
const p1 = TX_IN['1xx'];
const ok = TX_IN['2xx'];
const fail = TX_IN['300-699'];
const ack = TX_IN.ACK;
const timer = TX_IN.timer;

function row(kind: TxKind, from: TxState, input: TxInput, to: TxState, effect: TxEffect, why: string): TxRow {
  const timer = effect === 'timeout' ? (TIMER_IN[kind][from] as string) : '';
  return { kind, from, input, to, effect, timer, why };
}

/**
 * The table. A (kind, state, input) not listed keeps the state and does nothing ({@link STAY}): a
 * retransmission, or a message after the end (17.1.1.2 absorbs it, timers D/I/J/K only do that).
 */
// biome-ignore format: a table reads one row a line
export const TX_TABLE: readonly TxRow[] = [
  row(I, absent, req, calling, 'start', '17.1.1.2: an INVITE client transaction starts in Calling with timer B'),
  row(I, absent, p1, proceeding, 'none', 'a reply before its request (another worker stamped it later): the request starts no timer'),
  row(I, absent, ok, terminated, 'none', 'a 2xx before its request: the transaction is over'),
  row(I, absent, fail, terminated, 'none', 'a failure before its request: its ACK is absorbed, nothing to time'),
  row(I, calling, p1, proceeding, 'stop', '17.1.1.2: a provisional moves Calling to Proceeding; timer B fires only in Calling'),
  row(I, calling, ok, terminated, 'stop', '17.1.1.2: a 2xx terminates the client transaction'),
  row(I, calling, fail, completed, 'start', '17.2.1: a 300-699 moves the server to Completed with timer H until its ACK'),
  row(I, calling, ack, terminated, 'stop', 'an ACK stamped before the final it acknowledges: that final was sent'),
  row(I, calling, timer, terminated, 'timeout', '17.1.1.2: timer B fires in Calling: a transaction timeout'),
  row(I, proceeding, ok, terminated, 'none', '17.1.1.2: a 2xx in Proceeding terminates'),
  row(I, proceeding, fail, completed, 'start', '17.2.1: a 300-699 in Proceeding: Completed, timer H'),
  row(I, proceeding, ack, terminated, 'none', 'an ACK stamped before its final: that final was sent'),
  row(I, completed, ack, confirmed, 'stop', '17.2.1: the ACK moves Completed to Confirmed; timer H stops'),
  row(I, completed, timer, terminated, 'timeout', '17.2.1: timer H fires in Completed: no ACK, a transaction timeout'),
  row(N, absent, req, trying, 'start', '17.1.2.2: a non-INVITE client transaction starts in Trying with timer F'),
  row(N, absent, ok, completed, 'none', 'a final before its request: the request starts no timer'),
  row(N, absent, fail, completed, 'none', 'a final before its request: the request starts no timer'),
  row(N, trying, p1, proceeding, 'keep', '17.1.2.2: a provisional moves Trying to Proceeding; timer F runs on'),
  row(N, trying, ok, completed, 'stop', '17.1.2.2: a final moves Trying to Completed (timer K only absorbs)'),
  row(N, trying, fail, completed, 'stop', '17.1.2.2: a final moves Trying to Completed'),
  row(N, trying, timer, terminated, 'timeout', '17.1.2.2: timer F fires in Trying: a transaction timeout'),
  row(N, proceeding, ok, completed, 'stop', '17.1.2.2: a final moves Proceeding to Completed'),
  row(N, proceeding, fail, completed, 'stop', '17.1.2.2: a final moves Proceeding to Completed'),
  row(N, proceeding, timer, terminated, 'timeout', '17.1.2.2: timer F fires in Proceeding too'),
];

/** Why a (kind, state, input) not in {@link TX_TABLE} keeps the state and its timer. */
export const STAY = 'unlisted: a retransmission, or a message after the end (absorbed)';

const KEYS = TX_KINDS.length * TX_STATES.length * TX_INPUTS.length;
const key = (kind: TxKind, from: TxState, input: TxInput) =>
  (kind * TX_STATES.length + from) * TX_INPUTS.length + input;

/** Every (kind, state, input) to its row; what the table does not list stays, with no effect. */
const LOOKUP: readonly TxRow[] = (() => {
  const all = new Array<TxRow>(KEYS);
  for (let kind = 0 as TxKind; kind <= 1; kind++)
    for (let from = 0; from < TX_STATES.length; from++)
      for (let input = 0; input < TX_INPUTS.length; input++) {
        const s = from as TxState;
        const i = input as TxInput;
        all[key(kind as TxKind, s, i)] = row(
          kind as TxKind,
          s,
          i,
          s,
          TIMER_IN[kind][s] === '' ? 'none' : 'keep',
          STAY,
        );
      }
  for (const r of TX_TABLE) all[key(r.kind, r.from, r.input)] = r;
  return all;
})();

/**
 * The transition: what `input` does to a leg of `kind` in `state`. Pure, allocates nothing (the
 * rows are built once).
 * @example txStep(INVITE_TX, TX.calling, TX_IN['1xx']).to === TX.proceeding
 */
export function txStep(kind: TxKind, state: TxState, input: TxInput): TxRow {
  return LOOKUP[key(kind, state, input)] as TxRow;
}

/** The leg's deadline after `r`: 64*T1 from `now` when a timer starts, the same when kept, else none (-1). */
export function txDue(r: TxRow, due: number, now: number, timerMs: number): number {
  return r.effect === 'start' ? now + timerMs : r.effect === 'keep' ? due : -1;
}

/** The input a captured message is: a request copy, a response by class, or an ACK. */
export function txInput(method: string, code: number): TxInput {
  if (code === 0) return method === 'ACK' ? ack : req;
  return code < 200 ? p1 : code < 300 ? ok : fail;
}
